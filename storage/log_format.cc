#include "storage/log_format.h"

#include <cstring>

#include "storage/coding.h"
#include "storage/crc32c.h"

namespace immu::logfmt {

void AppendEntry(std::string* out, std::string_view key, std::string_view md,
                 std::string_view value) {
  const size_t body_len = 1 + md.size() + 4 + key.size() + 4 + value.size();
  const size_t start = out->size();
  out->resize(start + kEntryFrameSize + body_len);
  char* p = out->data() + start + kEntryFrameSize;
  char* body = p;
  *p++ = static_cast<char>(md.size());
  memcpy(p, md.data(), md.size());
  p += md.size();
  EncodeFixed32LE(p, static_cast<uint32_t>(key.size()));
  p += 4;
  memcpy(p, key.data(), key.size());
  p += key.size();
  EncodeFixed32LE(p, static_cast<uint32_t>(value.size()));
  p += 4;
  memcpy(p, value.data(), value.size());
  char* frame = out->data() + start;
  EncodeFixed32LE(frame, static_cast<uint32_t>(body_len));
  EncodeFixed32LE(frame + 4, crc32c::Mask(crc32c::Value(body, body_len)));
}

size_t AppendRecordHead(std::string* out, const TxHeader& header, size_t entries_len) {
  const std::string h = header.Encode();
  const size_t head_part = 1 + 4 + h.size();
  const size_t start = out->size();
  out->resize(start + kFrameSize + head_part);
  char* p = out->data() + start;
  EncodeFixed32LE(p, static_cast<uint32_t>(head_part + entries_len));
  char* part = p + kFrameSize;
  part[0] = static_cast<char>(kTxRecord);
  EncodeFixed32LE(part + 1, static_cast<uint32_t>(h.size()));
  memcpy(part + 5, h.data(), h.size());
  EncodeFixed32LE(p + 4, crc32c::Mask(crc32c::Value(part, head_part)));
  return kFrameSize + head_part;
}

Status ParseEntry(std::string_view data, EntryView* out, size_t* consumed) {
  if (data.size() < kEntryFrameSize) return Status::Corruption("entry frame truncated");
  const uint32_t body_len = DecodeFixed32LE(data.data());
  const uint32_t crc = crc32c::Unmask(DecodeFixed32LE(data.data() + 4));
  if (body_len > data.size() - kEntryFrameSize) return Status::Corruption("entry truncated");
  const char* body = data.data() + kEntryFrameSize;
  if (crc32c::Value(body, body_len) != crc) return Status::Corruption("entry checksum mismatch");
  std::string_view b(body, body_len);
  if (b.empty()) return Status::Corruption("empty entry body");
  const size_t md_len = static_cast<uint8_t>(b[0]);
  b.remove_prefix(1);
  if (b.size() < md_len + 4) return Status::Corruption("entry metadata truncated");
  out->md = b.substr(0, md_len);
  b.remove_prefix(md_len);
  const uint32_t key_len = DecodeFixed32LE(b.data());
  b.remove_prefix(4);
  if (b.size() < static_cast<size_t>(key_len) + 4) return Status::Corruption("entry key truncated");
  out->key = b.substr(0, key_len);
  b.remove_prefix(key_len);
  const uint32_t value_len = DecodeFixed32LE(b.data());
  b.remove_prefix(4);
  if (b.size() != value_len) return Status::Corruption("entry value length mismatch");
  out->value = b;
  *consumed = kEntryFrameSize + body_len;
  return Status::Ok();
}

uint64_t RecordSizeFromFrame(std::string_view frame) {
  return kFrameSize + static_cast<uint64_t>(DecodeFixed32LE(frame.data()));
}

Status ParseRecord(std::string_view data, RecordView* out) {
  if (data.size() < kFrameSize + 5) return Status::Corruption("record truncated");
  const uint64_t total = RecordSizeFromFrame(data);
  if (total > data.size()) return Status::Corruption("record truncated");
  const uint32_t crc = crc32c::Unmask(DecodeFixed32LE(data.data() + 4));
  const char* part = data.data() + kFrameSize;
  if (static_cast<uint8_t>(part[0]) != kTxRecord) return Status::Corruption("unknown record type");
  const uint32_t header_len = DecodeFixed32LE(part + 1);
  const size_t head_part = 5 + static_cast<size_t>(header_len);
  if (head_part > total - kFrameSize) return Status::Corruption("record header truncated");
  if (crc32c::Value(part, head_part) != crc) return Status::Corruption("record checksum mismatch");
  auto header = TxHeader::Decode(std::string_view(part + 5, header_len));
  if (!header.ok()) return Status::Corruption("bad tx header: " + header.status().message());
  out->header = std::move(header).value();
  out->entries = std::string_view(part + head_part, total - kFrameSize - head_part);
  return Status::Ok();
}

}  // namespace immu::logfmt
