#pragma once
// The digest that binds one entry (key, metadata, value) into its
// transaction. The entry digest *is* the entry's leaf hash in the
// transaction's entries tree, so verifying costs no extra hash:
//
//   value_hash = SHA-256(value)
//   digest     = SHA-256(0x00 || u32be(len key) || key
//                             || u32be(len md) || md || value_hash)
//
// The 0x00 prefix is RFC 6962's leaf domain separator; the length prefixes
// make the encoding unambiguous. docs/PROOFS.md has the byte layout and
// test vectors.

#include <cstdint>
#include <string>
#include <string_view>

#include "verify/hash.h"
#include "verify/status.h"

namespace immu {

// Per-entry metadata. Encoded as u8 flags followed by optional fields; an
// entry with no flags set encodes to the empty string, so plain entries
// hash the same across versions of the format.
struct EntryMetadata {
  static constexpr uint8_t kDeleted = 0x01;      // tombstone: key hidden at this version
  static constexpr uint8_t kNonIndexed = 0x02;   // reserved: not entered in the index

  uint8_t flags = 0;

  bool deleted() const { return (flags & kDeleted) != 0; }
  std::string Encode() const;
  static Result<EntryMetadata> Decode(std::string_view bytes);
  bool operator==(const EntryMetadata&) const = default;
};

Hash EntryDigestFromValueHash(std::string_view key, std::string_view encoded_md,
                              const Hash& value_hash);
Hash EntryDigest(std::string_view key, std::string_view encoded_md, std::string_view value);

}  // namespace immu
