// Transaction header hashing (inner hash, Alh) and its fixed wire layout.

#include "verify/tx_header.h"

#include <algorithm>

#include "verify/byte_order.h"

namespace immu {
namespace {

// u64 id, i64 ts, u32 version, u32 nentries, eh, u64 bl_tx_id, bl_root,
// prev_alh, u32 md_len: everything before the metadata bytes.
constexpr size_t kFixedSize = 8 + 8 + 4 + 4 + 32 + 8 + 32 + 32 + 4;

// Metadata is small by design (it is hashed into every Alh); the cap stops a
// hostile length prefix from making a decoder allocate gigabytes.
constexpr uint32_t kMaxMetadata = 1 << 20;

}  // namespace

Hash TxHeader::InnerHash() const {
  // Same field order as the layout in tx_header.h; built in one buffer so the
  // common case (no metadata) is a single small SHA-256 call.
  uint8_t fixed[8 + 4 + 4 + 32 + 8 + 32 + 4];
  uint8_t* p = fixed;
  PutU64Be(p, static_cast<uint64_t>(ts));
  p += 8;
  PutU32Be(p, version);
  p += 4;
  PutU32Be(p, nentries);
  p += 4;
  std::copy(eh.begin(), eh.end(), p);
  p += 32;
  PutU64Be(p, bl_tx_id);
  p += 8;
  std::copy(bl_root.begin(), bl_root.end(), p);
  p += 32;
  PutU32Be(p, static_cast<uint32_t>(metadata.size()));
  return Sha256Parts({ByteSpan(fixed), AsBytes(metadata)});
}

Hash TxHeader::Alh() const {
  uint8_t buf[8 + 32 + 32];
  PutU64Be(buf, id);
  std::copy(prev_alh.begin(), prev_alh.end(), buf + 8);
  const Hash inner = InnerHash();
  std::copy(inner.begin(), inner.end(), buf + 40);
  return Sha256(ByteSpan(buf));
}

std::string TxHeader::Encode() const {
  std::string out;
  out.reserve(kFixedSize + metadata.size());
  AppendU64Be(&out, id);
  AppendU64Be(&out, static_cast<uint64_t>(ts));
  AppendU32Be(&out, version);
  AppendU32Be(&out, nentries);
  AppendHash(&out, eh);
  AppendU64Be(&out, bl_tx_id);
  AppendHash(&out, bl_root);
  AppendHash(&out, prev_alh);
  AppendU32Be(&out, static_cast<uint32_t>(metadata.size()));
  out.append(metadata);
  return out;
}

Result<TxHeader> TxHeader::Decode(std::string_view bytes) {
  if (bytes.size() < kFixedSize) {
    return Status::Corruption("tx header: " + std::to_string(bytes.size()) +
                              " bytes, shorter than the fixed " + std::to_string(kFixedSize));
  }
  ByteReader r(bytes);
  TxHeader h;
  uint64_t ts = 0;
  uint32_t md_len = 0;
  // The length check above makes every fixed-field read succeed.
  r.ReadU64(&h.id);
  r.ReadU64(&ts);
  h.ts = static_cast<int64_t>(ts);
  r.ReadU32(&h.version);
  r.ReadU32(&h.nentries);
  r.ReadHash(&h.eh);
  r.ReadU64(&h.bl_tx_id);
  r.ReadHash(&h.bl_root);
  r.ReadHash(&h.prev_alh);
  r.ReadU32(&md_len);
  if (md_len > kMaxMetadata) {
    return Status::Corruption("tx header: metadata length " + std::to_string(md_len) +
                              " over the limit of " + std::to_string(kMaxMetadata));
  }
  if (r.remaining() != md_len) {
    return Status::Corruption("tx header: metadata length " + std::to_string(md_len) + " but " +
                              std::to_string(r.remaining()) + " bytes follow");
  }
  std::string_view md;
  r.ReadBytes(md_len, &md);
  h.metadata.assign(md);
  // version is not checked here: it is hashed into the Alh, so a verifier
  // sees exactly what the server committed; interpreting it is the caller's.
  return h;
}

}  // namespace immu
