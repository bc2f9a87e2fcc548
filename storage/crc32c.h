#pragma once
// CRC32C (Castagnoli polynomial 0x1EDC6F41, reflected 0x82F63B78), the
// checksum of every record in storage/'s files. On x86-64 CPUs with SSE4.2
// the crc32 instruction is used (chosen once at run time); elsewhere a
// slicing-by-8 table implementation. Both give identical results.
//
// Thread-safety: pure functions.

#include <cstddef>
#include <cstdint>

namespace immu::crc32c {

// CRC32C of data[0, n) appended to a stream whose CRC32C so far is
// init_crc: Extend(Value(a), b) == Value(a + b).
uint32_t Extend(uint32_t init_crc, const char* data, size_t n);

// CRC32C of data[0, n).
inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }

inline constexpr uint32_t kMaskDelta = 0xa282ead8u;

// Computing the CRC of a string that contains embedded CRCs is weak (a CRC
// over data followed by its own CRC is a constant), so stored CRCs are masked
// (rotated and offset) as in leveldb. Store Mask(crc); compare Unmask(stored).
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline uint32_t Unmask(uint32_t masked) {
  const uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

namespace internal {
// Exposed for tests and benchmarks.
uint32_t ExtendPortable(uint32_t init_crc, const char* data, size_t n);
// True when ExtendHardware may be called on this CPU.
bool HardwareAvailable();
// Only valid when HardwareAvailable(); otherwise falls back to ExtendPortable.
uint32_t ExtendHardware(uint32_t init_crc, const char* data, size_t n);
}  // namespace internal

}  // namespace immu::crc32c
