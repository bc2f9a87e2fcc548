// Entry metadata encoding and the entry digest (docs/PROOFS.md).

#include "verify/entry.h"

#include "verify/byte_order.h"

namespace immu {

std::string EntryMetadata::Encode() const {
  // No flags, no bytes: plain entries keep the digest they had before
  // metadata existed.
  if (flags == 0) return std::string();
  return std::string(1, static_cast<char>(flags));
}

Result<EntryMetadata> EntryMetadata::Decode(std::string_view bytes) {
  EntryMetadata md;
  if (bytes.empty()) return md;
  if (bytes.size() > 1) {
    return Status::InvalidArgument("entry metadata: " + std::to_string(bytes.size()) +
                                   " bytes, at most 1 expected");
  }
  const uint8_t flags = static_cast<uint8_t>(bytes[0]);
  constexpr uint8_t kKnown = kDeleted | kNonIndexed;
  if ((flags & ~kKnown) != 0) {
    return Status::InvalidArgument("entry metadata: unknown flag bits " +
                                   std::to_string(flags & ~kKnown));
  }
  // A zero flags byte would make two encodings of the same metadata (and two
  // digests of the same entry): only the empty encoding is canonical.
  if (flags == 0) return Status::InvalidArgument("entry metadata: explicit zero flags byte");
  md.flags = flags;
  return md;
}

Hash EntryDigestFromValueHash(std::string_view key, std::string_view encoded_md,
                              const Hash& value_hash) {
  const uint8_t prefix = 0x00;
  uint8_t key_len[4];
  uint8_t md_len[4];
  PutU32Be(key_len, static_cast<uint32_t>(key.size()));
  PutU32Be(md_len, static_cast<uint32_t>(encoded_md.size()));
  return Sha256Parts({ByteSpan(&prefix, 1), ByteSpan(key_len), AsBytes(key), ByteSpan(md_len),
                      AsBytes(encoded_md), ByteSpan(value_hash)});
}

Hash EntryDigest(std::string_view key, std::string_view encoded_md, std::string_view value) {
  return EntryDigestFromValueHash(key, encoded_md, Sha256(value));
}

}  // namespace immu
