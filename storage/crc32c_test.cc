#include "storage/crc32c.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

namespace immu {
namespace {

TEST_CASE("crc32c: known vectors") {
  CHECK(crc32c::Value("123456789", 9) == 0xE3069283u);
  const std::string zeros(32, '\0');
  CHECK(crc32c::Value(zeros.data(), zeros.size()) == 0x8A9136AAu);
  const std::string ones(32, '\xff');
  CHECK(crc32c::Value(ones.data(), ones.size()) == 0x62A8AB43u);
  // RFC 3720 B.4: 32 incrementing and decrementing bytes.
  std::string inc(32, '\0'), dec(32, '\0');
  for (int i = 0; i < 32; i++) {
    inc[i] = static_cast<char>(i);
    dec[i] = static_cast<char>(31 - i);
  }
  CHECK(crc32c::Value(inc.data(), inc.size()) == 0x46DD794Eu);
  CHECK(crc32c::Value(dec.data(), dec.size()) == 0x113FDB5Cu);
  CHECK(crc32c::Value("", 0) == 0);
  CHECK(crc32c::Value("a", 1) == 0xC1D04330u);
}

TEST_CASE("crc32c: both implementations agree with the vectors") {
  const char* v = "123456789";
  CHECK(crc32c::internal::ExtendPortable(0, v, 9) == 0xE3069283u);
  CHECK(crc32c::internal::ExtendHardware(0, v, 9) == 0xE3069283u);
  MESSAGE("SSE4.2 crc32 available: " << crc32c::internal::HardwareAvailable());
}

TEST_CASE("crc32c: hardware and portable paths agree on random data") {
  std::mt19937_64 rng(42);
  std::string buf(4096 + 17, '\0');
  for (auto& c : buf) c = static_cast<char>(rng());
  for (int iter = 0; iter < 2000; iter++) {
    const size_t off = rng() % 64;  // exercise every alignment
    const size_t n = rng() % (buf.size() - off);
    const auto init = static_cast<uint32_t>(rng());
    const uint32_t sw = crc32c::internal::ExtendPortable(init, buf.data() + off, n);
    REQUIRE(crc32c::internal::ExtendHardware(init, buf.data() + off, n) == sw);
    REQUIRE(crc32c::Extend(init, buf.data() + off, n) == sw);
  }
}

TEST_CASE("crc32c: Extend composes") {
  const std::string a = "hello ", b = "world, this spans more than eight bytes";
  const std::string ab = a + b;
  CHECK(crc32c::Extend(crc32c::Value(a.data(), a.size()), b.data(), b.size()) ==
        crc32c::Value(ab.data(), ab.size()));
  for (size_t split = 0; split <= ab.size(); split++) {
    CHECK(crc32c::Extend(crc32c::Value(ab.data(), split), ab.data() + split, ab.size() - split) ==
          crc32c::Value(ab.data(), ab.size()));
  }
}

TEST_CASE("crc32c: values differ") {
  CHECK(crc32c::Value("a", 1) != crc32c::Value("foo", 3));
}

TEST_CASE("crc32c: mask") {
  const uint32_t crc = crc32c::Value("foo", 3);
  CHECK(crc != crc32c::Mask(crc));
  CHECK(crc != crc32c::Mask(crc32c::Mask(crc)));
  CHECK(crc == crc32c::Unmask(crc32c::Mask(crc)));
  CHECK(crc == crc32c::Unmask(crc32c::Unmask(crc32c::Mask(crc32c::Mask(crc)))));
  std::mt19937 rng(7);
  for (int i = 0; i < 1000; i++) {
    const uint32_t x = rng();
    REQUIRE(crc32c::Unmask(crc32c::Mask(x)) == x);
  }
}

}  // namespace
}  // namespace immu
