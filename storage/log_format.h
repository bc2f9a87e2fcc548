#pragma once
// Byte layout of transaction records in the log (docs/FORMAT.md).
//
// record  = u32le payload_len | u32le masked_crc32c(header part) | header part | entries part
//   header part  = u8 type (1 = tx) | u32le header_len | TxHeader::Encode()
//   entries part = nentries x entry
// entry   = u32le body_len | u32le masked_crc32c(body) | body
//   body  = u8 md_len | md | u32le key_len | key | u32le value_len | value
//
// payload_len counts everything after the first 8 bytes. The frame CRC covers
// only the header part: each entry carries its own CRC (so a point read
// checks just the entry it reads) and Eh in the header binds all entries
// cryptographically. Committers encode the entries part in parallel before a
// tx id exists; the sequencer only adds the small header part.

#include <cstdint>
#include <string>
#include <string_view>

#include "verify/status.h"
#include "verify/tx_header.h"

namespace immu::logfmt {

inline constexpr uint8_t kTxRecord = 1;
inline constexpr size_t kFrameSize = 8;        // payload_len + crc
inline constexpr size_t kEntryFrameSize = 8;   // body_len + crc
inline constexpr uint32_t kMaxPayload = 0x7fffffff;

// Appends one entry to *out. md is EntryMetadata::Encode() (< 256 bytes).
void AppendEntry(std::string* out, std::string_view key, std::string_view md,
                 std::string_view value);

// Size AppendEntry would add.
inline size_t EntrySize(size_t key_len, size_t md_len, size_t value_len) {
  return kEntryFrameSize + 1 + md_len + 4 + key_len + 4 + value_len;
}

// Appends the frame and header part for a record whose entries part is
// entries_len bytes long; the caller appends the entries part after it.
// Returns the number of bytes appended (the entries part's offset inside the
// record).
size_t AppendRecordHead(std::string* out, const TxHeader& header, size_t entries_len);

struct EntryView {
  std::string_view key;
  std::string_view md;
  std::string_view value;
};

// Parses the entry at the start of data. *consumed = its total size.
// Corruption on a bad CRC or lengths that do not fit.
Status ParseEntry(std::string_view data, EntryView* out, size_t* consumed);

// Total record size (frame included) announced by the first kFrameSize bytes.
uint64_t RecordSizeFromFrame(std::string_view frame);

struct RecordView {
  TxHeader header;
  std::string_view entries;  // the entries part, not yet checked
};

// Parses a whole record (data holds exactly or at least the record). Checks
// the frame CRC and the header; entries are checked by ParseEntry.
Status ParseRecord(std::string_view data, RecordView* out);

}  // namespace immu::logfmt
