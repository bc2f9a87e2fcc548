#include "verify/entry.h"

#include <doctest/doctest.h>

#include <string>

#include "verify/merkle.h"

namespace immu {
namespace {

using namespace std::string_literals;

// Expected values come from docs/proof_vectors.py (Python hashlib), an
// implementation independent of this one.
TEST_CASE("entry digest vectors") {
  struct Vector {
    std::string key, md, value;
    const char* value_hash;
    const char* digest;
  };
  const Vector vectors[] = {
      {"key1", "", "value1", "3c9683017f9e4bf33d0fbedd26bf143fd72de9b9dd145441b75f0604047ea28e",
       "c70d19b4b7300bbf3cfafa6ab3aa965db1d843fcc937ee601f703da591d6fd9a"},
      {"", "", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "d17e2e4f0bc2cb27b26f0c49b9712c91d138ab28ee7441723ab1be7dd65810da"},
      {"deleted-key", "\x01", "",
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "c2c5b64c8702e243baf29b86513cb4aa724ae866a443bfae27401dbf7550aab4"},
      {"\x00\xff\x10"s, "\x03", std::string(100, 'a'),
       "2816597888e4a0d3a36b82b83316ab32680eb8f00f8cd3b904d681246d285a0e",
       "e21388f9cb2f328d80cc846da165cb926d4f276bd9cb6656397d97bdf04ae722"},
  };
  for (const Vector& v : vectors) {
    CAPTURE(v.key);
    const Hash vh = Sha256(v.value);
    CHECK(ToHex(vh) == v.value_hash);
    CHECK(ToHex(EntryDigest(v.key, v.md, v.value)) == v.digest);
    CHECK(ToHex(EntryDigestFromValueHash(v.key, v.md, vh)) == v.digest);
  }
}

TEST_CASE("entry digest is the RFC 6962 leaf hash of the length-prefixed entry") {
  const std::string data = "\x00\x00\x00\x03"s + "abc" + "\x00\x00\x00\x00"s;
  const Hash vh = Sha256("xyz");
  const std::string leaf = data + std::string(vh.begin(), vh.end());
  CHECK(EntryDigest("abc", "", "xyz") == merkle::LeafHash(AsBytes(leaf)));
}

TEST_CASE("entry digest separates key, metadata and value") {
  const Hash base = EntryDigest("ab", "", "c");
  CHECK(EntryDigest("a", "", "bc") != base);
  CHECK(EntryDigest("a", "b", "c") != base);
  CHECK(EntryDigest("ab", "\x01", "c") != base);
  CHECK(EntryDigest("ab", "", "c ") != base);
  CHECK(EntryDigest("ab", "", "c") == base);
}

TEST_CASE("entry metadata encoding") {
  EntryMetadata md;
  CHECK(md.Encode().empty());
  CHECK_FALSE(md.deleted());
  md.flags = EntryMetadata::kDeleted;
  CHECK(md.deleted());
  CHECK(md.Encode() == "\x01");
  for (uint8_t flags : {uint8_t{0}, EntryMetadata::kDeleted, EntryMetadata::kNonIndexed,
                        uint8_t{EntryMetadata::kDeleted | EntryMetadata::kNonIndexed}}) {
    EntryMetadata m;
    m.flags = flags;
    auto back = EntryMetadata::Decode(m.Encode());
    REQUIRE(back.ok());
    CHECK(*back == m);
  }
  CHECK(EntryMetadata::Decode("").value().flags == 0);
  for (int b = 0; b < 256; b++) {
    auto r = EntryMetadata::Decode(std::string(1, static_cast<char>(b)));
    // Known bits only, and never the non-canonical explicit zero byte.
    const bool valid = b != 0 && (b & ~0x03) == 0;
    CHECK(r.ok() == valid);
    if (!valid) CHECK(r.status().code() == StatusCode::kInvalidArgument);
  }
  auto long_md = EntryMetadata::Decode("\x01\x00"s);
  CHECK(long_md.status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace immu
