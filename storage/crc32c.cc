#include "storage/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define IMMU_CRC32C_X86 1
#include <nmmintrin.h>
#endif

namespace immu::crc32c {
namespace {

constexpr uint32_t kPoly = 0x82f63b78u;  // reflected Castagnoli

// Tables for slicing-by-8: kTables[0] is the byte-at-a-time table;
// kTables[k][b] is the CRC of byte b followed by k zero bytes.
using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int bit = 0; bit < 8; bit++) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[0][i] = c;
  }
  for (int k = 1; k < 8; k++) {
    for (uint32_t i = 0; i < 256; i++) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
  }
  return t;
}

constexpr Tables kTables = MakeTables();
static_assert(kTables[0][1] == 0xf26b8303u, "CRC32C table");

inline uint32_t LoadLE32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

#ifdef IMMU_CRC32C_X86
// Compiled for SSE4.2 regardless of the global flags; only called after the
// run-time CPU check. 8 bytes per instruction; a single dependency chain is
// ~3x slower than the instruction's throughput allows but already far
// faster than the disk, so no multi-stream interleaving.
__attribute__((target("sse4.2"))) uint32_t ExtendSse42(uint32_t init_crc, const char* data,
                                                        size_t n) {
  const char* p = data;
  uint64_t l = static_cast<uint32_t>(~init_crc);
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, sizeof(v));  // unaligned-safe; x86 is little-endian
    l = _mm_crc32_u64(l, v);
    p += 8;
    n -= 8;
  }
  auto l32 = static_cast<uint32_t>(l);
  while (n > 0) {
    l32 = _mm_crc32_u8(l32, static_cast<uint8_t>(*p++));
    n--;
  }
  return ~l32;
}

bool DetectSse42() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
}
#endif

using ExtendFn = uint32_t (*)(uint32_t, const char*, size_t);

ExtendFn ChooseExtend() {
#ifdef IMMU_CRC32C_X86
  if (DetectSse42()) return ExtendSse42;
#endif
  return internal::ExtendPortable;
}

}  // namespace

namespace internal {

uint32_t ExtendPortable(uint32_t init_crc, const char* data, size_t n) {
  const auto* p = reinterpret_cast<const uint8_t*>(data);
  uint32_t l = ~init_crc;
  while (n >= 8) {
    const uint32_t lo = LoadLE32(p) ^ l;
    const uint32_t hi = LoadLE32(p + 4);
    l = kTables[7][lo & 0xff] ^ kTables[6][(lo >> 8) & 0xff] ^ kTables[5][(lo >> 16) & 0xff] ^
        kTables[4][lo >> 24] ^ kTables[3][hi & 0xff] ^ kTables[2][(hi >> 8) & 0xff] ^
        kTables[1][(hi >> 16) & 0xff] ^ kTables[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    l = kTables[0][(l ^ *p++) & 0xff] ^ (l >> 8);
    n--;
  }
  return ~l;
}

bool HardwareAvailable() {
#ifdef IMMU_CRC32C_X86
  static const bool available = DetectSse42();
  return available;
#else
  return false;
#endif
}

uint32_t ExtendHardware(uint32_t init_crc, const char* data, size_t n) {
#ifdef IMMU_CRC32C_X86
  if (HardwareAvailable()) return ExtendSse42(init_crc, data, n);
#endif
  return ExtendPortable(init_crc, data, n);
}

}  // namespace internal

uint32_t Extend(uint32_t init_crc, const char* data, size_t n) {
  // Function-local static: chosen once, thread-safe initialization.
  static const ExtendFn fn = ChooseExtend();
  return fn(init_crc, data, n);
}

}  // namespace immu::crc32c
