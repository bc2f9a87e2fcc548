#include <doctest/doctest.h>
#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "storage/coding.h"
#include "storage/crc32c.h"
#include "storage/store.h"

namespace immu {
namespace {

std::string TempDir() {
  std::string t = std::filesystem::temp_directory_path().string() + "/store_proof_test_XXXXXX";
  REQUIRE(::mkdtemp(t.data()) != nullptr);
  return t;
}

std::string Key(int i) { return "key-" + std::to_string(1000 + i); }

// Flips the last value byte of key's entry in the log and fixes the entry's
// CRC, as an attacker with disk access would: only the proofs can tell.
void TamperEntry(const std::string& dir, const std::string& key) {
  const std::string seg = dir + "/log/00000000000000000000.seg";
  std::string data;
  {
    std::ifstream in(seg, std::ios::binary);
    data.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::string needle(4, '\0');
  EncodeFixed32LE(needle.data(), static_cast<uint32_t>(key.size()));
  needle += key;
  const size_t at = data.find(needle);
  REQUIRE(at != std::string::npos);
  const size_t start = at - 1 - 8;  // plain entry: md_len 0 before key_len
  REQUIRE(data[start + 8] == 0);
  const uint32_t body_len = DecodeFixed32LE(data.data() + start);
  const size_t vlen_at = at + needle.size();
  const uint32_t vlen = DecodeFixed32LE(data.data() + vlen_at);
  REQUIRE(body_len == 1 + needle.size() + 4 + vlen);
  data[vlen_at + 4 + vlen - 1] ^= 1;
  EncodeFixed32LE(data.data() + start + 4, crc32c::Mask(crc32c::Value(data.data() + start + 8, body_len)));
  std::ofstream(seg, std::ios::binary | std::ios::trunc) << data;
}

TEST_CASE("entry proofs of a big transaction: cached hint tree, every run still re-hashed from the log") {
  const std::string dir = TempDir();
  Options o;
  o.info_log = [](const std::string&) {};
  auto opened = Store::Open(dir, o);
  REQUIRE(opened.ok());
  std::unique_ptr<Store> store = std::move(opened).value();
  std::vector<Entry> batch;
  for (int i = 0; i < 200; i++) batch.push_back(Entry{Key(i), {}, "value-" + std::to_string(i)});
  REQUIRE(store->CommitBatch(batch).ok());
  REQUIRE(store->Set("after", "x").ok());
  const State first_use{o.db_name, 0, kZeroHash, "", ""};
  // Every entry proves, from the cache after the first one, in every run
  // of 16 (including the short last run).
  for (int i : {0, 5, 15, 16, 17, 100, 191, 192, 199}) {
    auto ve = store->VerifiableGet(Key(i), 1);
    REQUIRE_MESSAGE(ve.ok(), ve.status().ToString());
    CHECK(ve->entry_proof.width == 200);
    CHECK(ve->entry_proof.leaf == static_cast<uint64_t>(i));
    CHECK(ve->value == "value-" + std::to_string(i));
    State next;
    CHECK(VerifyEntry(*ve, first_use, &next).ok());
  }
  // The hint tree is cached now; a changed entry is still caught because
  // its run's leaves are recomputed from the log on every proof.
  TamperEntry(dir, Key(20));
  auto bad = store->VerifiableGet(Key(20), 0);
  CHECK(bad.status().IsCorruption());
  CHECK(bad.status().message().find("entries do not match Eh") != std::string::npos);
  CHECK(store->VerifiableGet(Key(21), 0).status().IsCorruption());  // same run of 16
  CHECK(store->VerifiableGet(Key(40), 0).ok());                      // another run
  CHECK(store->VerifiableGet("after", 0).ok());
  CHECK_FALSE(store->VerifyTx(1).ok());
  REQUIRE(store->Close().ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace immu
