#include "verify/hash.h"

#include <doctest/doctest.h>

#include <string>

namespace immu {
namespace {

TEST_CASE("Sha256 matches FIPS 180-2 vectors") {
  CHECK(ToHex(Sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(ToHex(Sha256("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(ToHex(Sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // One million 'a': well past the fast path, exercises the EVP route.
  CHECK(ToHex(Sha256(std::string(1000000, 'a'))) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("Sha256Parts equals Sha256 of the concatenation on both paths") {
  for (size_t n : {0, 1, 55, 56, 63, 64, 65, 1000, 1024, 1025, 5000}) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; i++) s[i] = static_cast<char>(i * 7 + 3);
    for (size_t cut : {size_t{0}, n / 3, n}) {
      const std::string_view v(s);
      CHECK(Sha256Parts({AsBytes(v.substr(0, cut)), AsBytes(v.substr(cut))}) == Sha256(s));
    }
  }
  CHECK(Sha256Parts({}) == Sha256(""));
}

TEST_CASE("hex round trip and rejection") {
  const Hash h = Sha256("abc");
  Hash back{};
  REQUIRE(FromHex(ToHex(h), &back));
  CHECK(back == h);
  std::string upper = ToHex(h);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  REQUIRE(FromHex(upper, &back));
  CHECK(back == h);
  Hash untouched = kZeroHash;
  CHECK_FALSE(FromHex(ToHex(h).substr(1), &untouched));
  CHECK_FALSE(FromHex(ToHex(h) + "0", &untouched));
  CHECK_FALSE(FromHex(std::string(63, '0') + "g", &untouched));
  CHECK(untouched == kZeroHash);
  const uint8_t bytes[] = {0x00, 0x0f, 0xf0, 0xff};
  CHECK(ToHex(ByteSpan(bytes)) == "000ff0ff");
}

}  // namespace
}  // namespace immu
