#pragma once
// Byte-level encoding helpers for storage/'s on-disk formats (transaction log,
// tree files, index checkpoint): fixed-width integers in either byte order,
// varints and varint32-length-prefixed byte strings, in the style of
// leveldb's util/coding.h.
//
// Encoders write into a caller-provided buffer (Encode*, which must have room)
// or append to a std::string (Put*). Decoders that take a std::string_view*
// consume from its front and return false, consuming nothing useful, when the
// input is too short or malformed; they never read out of bounds. The
// Decode*(const char*) functions read exactly 4 or 8 bytes: the caller
// checks the length first.
//
// Byte-by-byte code is deliberate: it is endianness- and alignment-independent,
// and compilers turn it into a single load/store (plus bswap) anyway.
//
// Thread-safety: plain functions over caller-owned buffers.

#include <cstddef>
#include <cstdint>
#include <cstring>  // several users memcpy encoded buffers, as with leveldb's coding.h
#include <string>
#include <string_view>

namespace immu {

inline constexpr int kMaxVarint32Bytes = 5;
inline constexpr int kMaxVarint64Bytes = 10;

// ---- Fixed width, little-endian -------------------------------------------

inline void EncodeFixed32LE(char* dst, uint32_t v) {
  for (int i = 0; i < 4; i++, v >>= 8) dst[i] = static_cast<char>(v & 0xff);
}
inline void EncodeFixed64LE(char* dst, uint64_t v) {
  for (int i = 0; i < 8; i++, v >>= 8) dst[i] = static_cast<char>(v & 0xff);
}
inline uint32_t DecodeFixed32LE(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; i--) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
inline uint64_t DecodeFixed64LE(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

// ---- Fixed width, big-endian (sorts bytewise like the number) -------------

inline void EncodeFixed32BE(char* dst, uint32_t v) {
  for (int i = 3; i >= 0; i--, v >>= 8) dst[i] = static_cast<char>(v & 0xff);
}
inline void EncodeFixed64BE(char* dst, uint64_t v) {
  for (int i = 7; i >= 0; i--, v >>= 8) dst[i] = static_cast<char>(v & 0xff);
}
inline uint32_t DecodeFixed32BE(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
inline uint64_t DecodeFixed64BE(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

// ---- Appending to a std::string --------------------------------------------

inline void PutFixed32LE(std::string* dst, uint32_t v) {
  char buf[4];
  EncodeFixed32LE(buf, v);
  dst->append(buf, sizeof(buf));
}
inline void PutFixed64LE(std::string* dst, uint64_t v) {
  char buf[8];
  EncodeFixed64LE(buf, v);
  dst->append(buf, sizeof(buf));
}
inline void PutFixed32BE(std::string* dst, uint32_t v) {
  char buf[4];
  EncodeFixed32BE(buf, v);
  dst->append(buf, sizeof(buf));
}
inline void PutFixed64BE(std::string* dst, uint64_t v) {
  char buf[8];
  EncodeFixed64BE(buf, v);
  dst->append(buf, sizeof(buf));
}

// ---- Consuming fixed-width values from a string_view ----------------------

inline bool GetFixed32LE(std::string_view* input, uint32_t* v) {
  if (input->size() < 4) return false;
  *v = DecodeFixed32LE(input->data());
  input->remove_prefix(4);
  return true;
}
inline bool GetFixed64LE(std::string_view* input, uint64_t* v) {
  if (input->size() < 8) return false;
  *v = DecodeFixed64LE(input->data());
  input->remove_prefix(8);
  return true;
}
inline bool GetFixed32BE(std::string_view* input, uint32_t* v) {
  if (input->size() < 4) return false;
  *v = DecodeFixed32BE(input->data());
  input->remove_prefix(4);
  return true;
}
inline bool GetFixed64BE(std::string_view* input, uint64_t* v) {
  if (input->size() < 8) return false;
  *v = DecodeFixed64BE(input->data());
  input->remove_prefix(8);
  return true;
}

// ---- Varints: 7 bits per byte, least significant group first --------------

// Bytes EncodeVarint64(v) writes (1..10).
inline int VarintLength(uint64_t v) {
  int len = 1;
  while (v >= 0x80) {
    v >>= 7;
    len++;
  }
  return len;
}

// Writes v at dst (room for kMaxVarint64Bytes needed) and returns the end.
inline char* EncodeVarint64(char* dst, uint64_t v) {
  auto* p = reinterpret_cast<uint8_t*>(dst);
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return reinterpret_cast<char*>(p);
}
inline char* EncodeVarint32(char* dst, uint32_t v) { return EncodeVarint64(dst, v); }

inline void PutVarint64(std::string* dst, uint64_t v) {
  char buf[kMaxVarint64Bytes];
  dst->append(buf, static_cast<size_t>(EncodeVarint64(buf, v) - buf));
}
inline void PutVarint32(std::string* dst, uint32_t v) { PutVarint64(dst, v); }

// Decodes a varint in [p, limit). Returns the byte after it, or nullptr if
// the input ends mid-varint, is longer than kMaxVarint64Bytes, or encodes a
// value that does not fit 64 bits (so every accepted encoding is one that
// EncodeVarint64 could have produced, up to redundant leading zero groups).
inline const char* GetVarint64Ptr(const char* p, const char* limit, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && p < limit; shift += 7) {
    const uint64_t byte = static_cast<uint8_t>(*p++);
    if (shift == 63 && byte > 1) return nullptr;  // bits beyond 64
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return p;
    }
  }
  return nullptr;
}

// As GetVarint64Ptr, limited to 5 bytes and values below 2^32.
inline const char* GetVarint32Ptr(const char* p, const char* limit, uint32_t* v) {
  uint32_t result = 0;
  for (int shift = 0; shift <= 28 && p < limit; shift += 7) {
    const uint32_t byte = static_cast<uint8_t>(*p++);
    if (shift == 28 && byte > 0x0f) return nullptr;  // bits beyond 32, or a 6th byte
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return p;
    }
  }
  return nullptr;
}

// Consume a varint from the front of *input; false (input unchanged) if it is
// truncated or malformed.
inline bool GetVarint64(std::string_view* input, uint64_t* v) {
  const char* begin = input->data();
  const char* end = GetVarint64Ptr(begin, begin + input->size(), v);
  if (end == nullptr) return false;
  input->remove_prefix(static_cast<size_t>(end - begin));
  return true;
}
inline bool GetVarint32(std::string_view* input, uint32_t* v) {
  const char* begin = input->data();
  const char* end = GetVarint32Ptr(begin, begin + input->size(), v);
  if (end == nullptr) return false;
  input->remove_prefix(static_cast<size_t>(end - begin));
  return true;
}

// ---- Length-prefixed byte strings: varint32 length, then the bytes ---------

// data.size() must fit in 32 bits; every format using this bounds its fields
// far below that, so a larger slice is a caller bug (the length would wrap).
inline void PutLengthPrefixed(std::string* dst, std::string_view data) {
  PutVarint32(dst, static_cast<uint32_t>(data.size()));
  dst->append(data.data(), data.size());
}

// *result points into the input's buffer. False (input unchanged) if the
// length is malformed or claims more bytes than remain.
inline bool GetLengthPrefixed(std::string_view* input, std::string_view* result) {
  std::string_view in = *input;
  uint32_t len = 0;
  if (!GetVarint32(&in, &len) || in.size() < len) return false;
  *result = in.substr(0, len);
  in.remove_prefix(len);
  *input = in;
  return true;
}

}  // namespace immu
