#pragma once
// Big-endian integer encoding and a bounds-checked reader, shared by the
// hashing and serialization code of verify/. Every integer that is hashed or
// serialized by verify/ is big-endian (docs/PROOFS.md).
//
// Thread-safety: plain functions; a Reader is used by one thread.

#include <cstdint>
#include <string>
#include <string_view>

#include "verify/hash.h"

namespace immu {

inline void PutU32Be(uint8_t* dst, uint32_t v) {
  for (int i = 3; i >= 0; i--, v >>= 8) dst[i] = static_cast<uint8_t>(v);
}
inline void PutU64Be(uint8_t* dst, uint64_t v) {
  for (int i = 7; i >= 0; i--, v >>= 8) dst[i] = static_cast<uint8_t>(v);
}
inline void AppendU32Be(std::string* dst, uint32_t v) {
  uint8_t b[4];
  PutU32Be(b, v);
  dst->append(reinterpret_cast<const char*>(b), sizeof(b));
}
inline void AppendU64Be(std::string* dst, uint64_t v) {
  uint8_t b[8];
  PutU64Be(b, v);
  dst->append(reinterpret_cast<const char*>(b), sizeof(b));
}
inline void AppendHash(std::string* dst, const Hash& h) {
  dst->append(reinterpret_cast<const char*>(h.data()), h.size());
}

// Consumes a byte string front to back. Every read checks the remaining
// length first, so malformed input yields false, never an out-of-bounds read.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  size_t remaining() const { return in_.size(); }
  bool empty() const { return in_.empty(); }

  bool ReadU32(uint32_t* v) {
    if (in_.size() < 4) return false;
    uint32_t x = 0;
    for (int i = 0; i < 4; i++) x = x << 8 | static_cast<uint8_t>(in_[i]);
    in_.remove_prefix(4);
    *v = x;
    return true;
  }
  bool ReadU64(uint64_t* v) {
    if (in_.size() < 8) return false;
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) x = x << 8 | static_cast<uint8_t>(in_[i]);
    in_.remove_prefix(8);
    *v = x;
    return true;
  }
  bool ReadHash(Hash* h) {
    if (in_.size() < h->size()) return false;
    for (size_t i = 0; i < h->size(); i++) (*h)[i] = static_cast<uint8_t>(in_[i]);
    in_.remove_prefix(h->size());
    return true;
  }
  bool ReadBytes(size_t n, std::string_view* out) {
    if (in_.size() < n) return false;
    *out = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }

 private:
  std::string_view in_;
};

}  // namespace immu
