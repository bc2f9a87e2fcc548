#pragma once
// SHA-256, the only hash of the system. Every digest in the transaction log,
// the Merkle trees and the proofs is a Hash.
//
// Thread-safety: all functions are safe to call concurrently.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace immu {

using Hash = std::array<uint8_t, 32>;
using ByteSpan = std::span<const uint8_t>;

inline ByteSpan AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// SHA-256 of data. Inputs up to a few hundred bytes take a fast path (no
// EVP context allocation); larger inputs stream through OpenSSL's EVP.
Hash Sha256(ByteSpan data);
inline Hash Sha256(std::string_view data) { return Sha256(AsBytes(data)); }

// SHA-256 of the concatenation of several pieces, without copying them.
Hash Sha256Parts(std::initializer_list<ByteSpan> parts);

// Lower-case hex, 64 characters.
std::string ToHex(const Hash& h);
std::string ToHex(ByteSpan bytes);
// Parses 64 hex characters (either case); false on anything else.
bool FromHex(std::string_view hex, Hash* out);

// The all-zero hash: the Alh "before" transaction 1.
inline constexpr Hash kZeroHash{};

}  // namespace immu
