#include "storage/coding.h"

#include <doctest/doctest.h>

#include <limits>
#include <random>
#include <vector>

namespace immu {
namespace {

TEST_CASE("coding: fixed32/64 byte order") {
  std::string s;
  PutFixed32LE(&s, 0x01020304u);
  PutFixed32BE(&s, 0x01020304u);
  PutFixed64LE(&s, 0x0102030405060708ull);
  PutFixed64BE(&s, 0x0102030405060708ull);
  REQUIRE(s.size() == 24);
  CHECK(s.substr(0, 4) == std::string("\x04\x03\x02\x01", 4));
  CHECK(s.substr(4, 4) == std::string("\x01\x02\x03\x04", 4));
  CHECK(s.substr(8, 8) == std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8));
  CHECK(s.substr(16, 8) == std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  CHECK(DecodeFixed32LE(s.data()) == 0x01020304u);
  CHECK(DecodeFixed32BE(s.data() + 4) == 0x01020304u);
  CHECK(DecodeFixed64LE(s.data() + 8) == 0x0102030405060708ull);
  CHECK(DecodeFixed64BE(s.data() + 16) == 0x0102030405060708ull);
}

TEST_CASE("coding: fixed round trips") {
  std::mt19937_64 rng(1);
  std::vector<uint64_t> values = {0, 1, 0xff, 0x100, 0xffffffffu, 0x100000000ull,
                                  std::numeric_limits<uint64_t>::max()};
  for (int i = 0; i < 200; i++) values.push_back(rng() >> (rng() % 64));
  std::string s;
  for (uint64_t v : values) {
    PutFixed32LE(&s, static_cast<uint32_t>(v));
    PutFixed32BE(&s, static_cast<uint32_t>(v));
    PutFixed64LE(&s, v);
    PutFixed64BE(&s, v);
  }
  std::string_view in = s;
  for (uint64_t v : values) {
    uint32_t a = 0, b = 0;
    uint64_t c = 0, d = 0;
    REQUIRE(GetFixed32LE(&in, &a));
    REQUIRE(GetFixed32BE(&in, &b));
    REQUIRE(GetFixed64LE(&in, &c));
    REQUIRE(GetFixed64BE(&in, &d));
    CHECK(a == static_cast<uint32_t>(v));
    CHECK(b == static_cast<uint32_t>(v));
    CHECK(c == v);
    CHECK(d == v);
  }
  CHECK(in.empty());
}

TEST_CASE("coding: big-endian sorts like the number") {
  char a[8], b[8];
  EncodeFixed64BE(a, 0x00ff);
  EncodeFixed64BE(b, 0x0100);
  CHECK(std::string_view(a, 8) < std::string_view(b, 8));
}

TEST_CASE("coding: fixed getters reject short input") {
  std::string s = "abc";
  std::string_view in = s;
  uint32_t v32;
  uint64_t v64;
  CHECK_FALSE(GetFixed32LE(&in, &v32));
  CHECK_FALSE(GetFixed32BE(&in, &v32));
  s = "abcdefg";
  in = s;
  CHECK_FALSE(GetFixed64LE(&in, &v64));
  CHECK_FALSE(GetFixed64BE(&in, &v64));
  CHECK(in.size() == 7);
}

TEST_CASE("coding: varint32 round trips") {
  std::string s;
  std::vector<uint32_t> values;
  for (uint32_t i = 0; i < 32 * 32; i++) values.push_back((i / 32) << (i % 32));
  values.push_back(std::numeric_limits<uint32_t>::max());
  for (uint32_t v : values) PutVarint32(&s, v);
  std::string_view in = s;
  for (uint32_t v : values) {
    const size_t before = in.size();
    uint32_t got = 0;
    REQUIRE(GetVarint32(&in, &got));
    CHECK(got == v);
    CHECK(before - in.size() == static_cast<size_t>(VarintLength(v)));
  }
  CHECK(in.empty());
}

TEST_CASE("coding: varint64 round trips") {
  std::vector<uint64_t> values = {0, 100, ~0ull, ~0ull - 1};
  for (int k = 0; k < 64; k++) {
    const uint64_t power = 1ull << k;
    values.push_back(power);
    values.push_back(power - 1);
    values.push_back(power + 1);
  }
  std::string s;
  for (uint64_t v : values) PutVarint64(&s, v);
  std::string_view in = s;
  for (uint64_t v : values) {
    const size_t before = in.size();
    uint64_t got = 0;
    REQUIRE(GetVarint64(&in, &got));
    CHECK(got == v);
    CHECK(before - in.size() == static_cast<size_t>(VarintLength(v)));
  }
  CHECK(in.empty());
  CHECK(VarintLength(0) == 1);
  CHECK(VarintLength(127) == 1);
  CHECK(VarintLength(128) == 2);
  CHECK(VarintLength(~0ull) == kMaxVarint64Bytes);
  CHECK(VarintLength(0xffffffffu) == kMaxVarint32Bytes);
}

TEST_CASE("coding: truncated varints are rejected and leave the input alone") {
  for (uint64_t v : {200ull, 1ull << 20, 1ull << 40, ~0ull}) {
    std::string s;
    PutVarint64(&s, v);
    for (size_t n = 0; n < s.size(); n++) {
      std::string_view in(s.data(), n);
      uint64_t got;
      CHECK_FALSE(GetVarint64(&in, &got));
      CHECK(in.size() == n);
      CHECK(GetVarint64Ptr(s.data(), s.data() + n, &got) == nullptr);
    }
  }
  std::string s;
  PutVarint32(&s, 0xffffffffu);
  for (size_t n = 0; n < s.size(); n++) {
    std::string_view in(s.data(), n);
    uint32_t got;
    CHECK_FALSE(GetVarint32(&in, &got));
  }
}

TEST_CASE("coding: overlong and overflowing varints are rejected") {
  uint32_t v32;
  uint64_t v64;
  // 2^32 does not fit a varint32.
  std::string s;
  PutVarint64(&s, 1ull << 32);
  std::string_view in = s;
  CHECK_FALSE(GetVarint32(&in, &v32));
  in = s;
  CHECK(GetVarint64(&in, &v64));
  CHECK(v64 == 1ull << 32);
  // Eleven continuation bytes.
  const std::string eleven(11, '\x80');
  in = eleven;
  CHECK_FALSE(GetVarint64(&in, &v64));
  // Ten bytes whose last carries bits beyond 64.
  std::string big(9, '\xff');
  big.push_back('\x02');
  in = big;
  CHECK_FALSE(GetVarint64(&in, &v64));
  big.back() = '\x01';
  in = big;
  CHECK(GetVarint64(&in, &v64));
  CHECK(v64 == ~0ull);
  // Six bytes for a varint32.
  const std::string six = std::string(5, '\x80') + '\x00';
  in = six;
  CHECK_FALSE(GetVarint32(&in, &v32));
}

TEST_CASE("coding: length-prefixed slices") {
  std::string s;
  const std::vector<std::string> parts = {"", "a", std::string(200, 'x'), std::string(70000, 'y'),
                                          std::string("\0\1\2", 3)};
  for (const auto& p : parts) PutLengthPrefixed(&s, p);
  std::string_view in = s;
  for (const auto& p : parts) {
    std::string_view got;
    REQUIRE(GetLengthPrefixed(&in, &got));
    CHECK(got == p);
  }
  CHECK(in.empty());
  std::string_view got;
  CHECK_FALSE(GetLengthPrefixed(&in, &got));
}

TEST_CASE("coding: truncated length-prefixed slices are rejected") {
  std::string s;
  PutLengthPrefixed(&s, std::string(300, 'z'));  // two-byte length
  for (size_t n = 0; n < s.size(); n++) {
    std::string_view in(s.data(), n);
    std::string_view got = "untouched";
    CHECK_FALSE(GetLengthPrefixed(&in, &got));
    CHECK(in.size() == n);
    CHECK(got == "untouched");
  }
}

}  // namespace
}  // namespace immu
