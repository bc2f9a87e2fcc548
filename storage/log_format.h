#pragma once
// Byte layout of transaction records in the log (docs/FORMAT.md).
//
// record  = u32le payload_len | u32le masked_crc32c(header part) | header part | entries part
//   header part  = u8 type (1 = tx) | u32le header_len | TxHeader::Encode() | hints
//   hints        = u32le nchunks | nchunks x 32-byte chunk root | nchunks x u32le chunk offset
//   entries part = nentries x entry
// entry   = u32le body_len | u32le masked_crc32c(body) | body
//   body  = u8 md_len | md | u32le key_len | key | u32le value_len | value
//
// payload_len counts everything after the first 8 bytes. The frame CRC covers
// only the header part: each entry carries its own CRC (so a point read
// checks just the entry it reads) and Eh in the header binds all entries
// cryptographically. Committers encode the entries part in parallel before a
// tx id exists; the sequencer only adds the small header part.
//
// Hints make a proof for one entry of a big transaction cheap: the entries
// tree's nodes covering each run of kHintChunk entries (and where each run
// starts in the entries part). They are derived data, never trusted: a reader
// recomputes the one run it needs from the entries and checks that the roots
// hash to Eh. Transactions of at most kHintChunk entries carry none.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "verify/status.h"
#include "verify/tx_header.h"

namespace immu::logfmt {

inline constexpr uint8_t kTxRecord = 1;
inline constexpr size_t kFrameSize = 8;        // payload_len + crc
inline constexpr size_t kEntryFrameSize = 8;   // body_len + crc
inline constexpr uint32_t kMaxPayload = 0x7fffffff;
inline constexpr uint32_t kHintChunk = 16;  // entries per hint run (a power of two)

// Number of hint runs a transaction of n entries carries.
inline uint32_t HintChunks(uint32_t n) { return n <= kHintChunk ? 0 : (n + kHintChunk - 1) / kHintChunk; }

// Encodes hints for a transaction whose entry leaf hashes are digests and
// whose entries start at the given offsets in the entries part.
std::string EncodeHints(const std::vector<Hash>& chunk_roots, const std::vector<uint32_t>& chunk_offsets);

struct Hints {
  std::vector<Hash> roots;
  std::vector<uint32_t> offsets;
};
// Decodes and sanity-checks hints (count, ascending offsets inside the entries
// part). Does not check the roots: callers compare them against recomputed
// hashes and Eh.
Status ParseHints(std::string_view raw, uint32_t nentries, uint64_t entries_len, Hints* out);

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
size_t AppendRecordHead(std::string* out, const TxHeader& header, std::string_view hints,
                        size_t entries_len);

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
  std::string_view hints;     // raw hints (ParseHints), covered by the frame CRC
  std::string_view entries;   // the entries part, not yet checked (empty for a head)
  uint64_t entries_offset = 0;  // offset of the entries part inside the record
  uint64_t entries_len = 0;
};

// Parses a whole record (data holds exactly or at least the record). Checks
// the frame CRC and the header; entries are checked by ParseEntry.
Status ParseRecord(std::string_view data, RecordView* out);

// Bytes from the record start to the end of its header part, given at least
// the first kFrameSize + 5 + header_len + 4 bytes; 0 if data is too short to
// tell (call again with HeadPrefixSize() bytes).
inline constexpr size_t kHeadProbe = 4096;
uint64_t HeadSize(std::string_view prefix);

// Parses only the frame and header part (data may stop after it).
Status ParseRecordHead(std::string_view data, RecordView* out);

}  // namespace immu::logfmt
