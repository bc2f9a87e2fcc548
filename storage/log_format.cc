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

std::string EncodeHints(const std::vector<Hash>& chunk_roots,
                        const std::vector<uint32_t>& chunk_offsets) {
  std::string out(4 + chunk_roots.size() * (32 + 4), '\0');
  char* p = out.data();
  EncodeFixed32LE(p, static_cast<uint32_t>(chunk_roots.size()));
  p += 4;
  for (const Hash& h : chunk_roots) {
    memcpy(p, h.data(), 32);
    p += 32;
  }
  for (uint32_t off : chunk_offsets) {
    EncodeFixed32LE(p, off);
    p += 4;
  }
  return out;
}

Status ParseHints(std::string_view raw, uint32_t nentries, uint64_t entries_len, Hints* out) {
  if (raw.size() < 4) return Status::Corruption("hints truncated");
  const uint32_t n = DecodeFixed32LE(raw.data());
  if (n != HintChunks(nentries)) return Status::Corruption("wrong number of hint runs");
  if (raw.size() != 4 + static_cast<uint64_t>(n) * 36) return Status::Corruption("hints size");
  out->roots.resize(n);
  out->offsets.resize(n);
  const char* p = raw.data() + 4;
  for (uint32_t i = 0; i < n; i++, p += 32) memcpy(out->roots[i].data(), p, 32);
  for (uint32_t i = 0; i < n; i++, p += 4) {
    out->offsets[i] = DecodeFixed32LE(p);
    if (i == 0 ? out->offsets[i] != 0
               : out->offsets[i] <= out->offsets[i - 1] || out->offsets[i] >= entries_len) {
      return Status::Corruption("hint offsets out of order");
    }
  }
  return Status::Ok();
}

size_t AppendRecordHead(std::string* out, const TxHeader& header, std::string_view hints,
                        size_t entries_len) {
  const std::string h = header.Encode();
  const size_t head_part = 1 + 4 + h.size() + hints.size();
  const size_t start = out->size();
  out->resize(start + kFrameSize + head_part);
  char* p = out->data() + start;
  EncodeFixed32LE(p, static_cast<uint32_t>(head_part + entries_len));
  char* part = p + kFrameSize;
  part[0] = static_cast<char>(kTxRecord);
  EncodeFixed32LE(part + 1, static_cast<uint32_t>(h.size()));
  memcpy(part + 5, h.data(), h.size());
  memcpy(part + 5 + h.size(), hints.data(), hints.size());
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

uint64_t HeadSize(std::string_view prefix) {
  if (prefix.size() < kFrameSize + 5) return 0;
  const uint64_t header_len = DecodeFixed32LE(prefix.data() + kFrameSize + 1);
  const uint64_t count_at = kFrameSize + 5 + header_len;
  if (prefix.size() < count_at + 4) return 0;
  const uint64_t nchunks = DecodeFixed32LE(prefix.data() + count_at);
  return count_at + 4 + nchunks * 36;
}

namespace {
Status ParseHead(std::string_view data, bool whole, RecordView* out) {
  if (data.size() < kFrameSize + 5) return Status::Corruption("record truncated");
  const uint64_t total = RecordSizeFromFrame(data);
  if (whole && total > data.size()) return Status::Corruption("record truncated");
  const uint32_t crc = crc32c::Unmask(DecodeFixed32LE(data.data() + 4));
  const char* part = data.data() + kFrameSize;
  if (static_cast<uint8_t>(part[0]) != kTxRecord) return Status::Corruption("unknown record type");
  const uint32_t header_len = DecodeFixed32LE(part + 1);
  const uint64_t count_at = kFrameSize + 5 + static_cast<uint64_t>(header_len);
  if (count_at + 4 > total || count_at + 4 > data.size()) {
    return Status::Corruption("record header truncated");
  }
  const uint64_t head_end = count_at + 4 + uint64_t{DecodeFixed32LE(data.data() + count_at)} * 36;
  if (head_end > total || head_end > data.size()) return Status::Corruption("record header truncated");
  const size_t head_part = head_end - kFrameSize;
  if (crc32c::Value(part, head_part) != crc) return Status::Corruption("record checksum mismatch");
  auto header = TxHeader::Decode(std::string_view(part + 5, header_len));
  if (!header.ok()) return Status::Corruption("bad tx header: " + header.status().message());
  out->header = std::move(header).value();
  out->hints = std::string_view(data.data() + count_at, head_end - count_at);
  out->entries_offset = head_end;
  out->entries_len = total - head_end;
  out->entries = whole ? std::string_view(data.data() + head_end, total - head_end) : std::string_view();
  return Status::Ok();
}
}  // namespace

Status ParseRecord(std::string_view data, RecordView* out) { return ParseHead(data, true, out); }

Status ParseRecordHead(std::string_view data, RecordView* out) {
  return ParseHead(data, false, out);
}

}  // namespace immu::logfmt
