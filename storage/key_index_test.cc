#include "storage/key_index.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storage/coding.h"
#include "storage/crc32c.h"
#include "storage/env.h"

namespace immu {
namespace {

using Model = std::map<std::string, std::vector<IndexVersion>>;

// Versions of `versions` visible at snapshot (they are tx-sorted).
size_t VisibleCount(const std::vector<IndexVersion>& versions, uint64_t snapshot) {
  size_t n = 0;
  while (n < versions.size() && versions[n].tx <= snapshot) n++;
  return n;
}

std::string RandomKey(std::mt19937_64& rng, int pool, int max_len) {
  // Keys share prefixes often, to exercise the checkpoint's prefix compression.
  const uint64_t id = rng() % pool;
  std::string k = "k" + std::to_string(id % 7) + "/" + std::to_string(id);
  k.resize(std::min<size_t>(k.size() + rng() % 3, max_len), static_cast<char>('a' + id % 26));
  return k;
}

// Checks every observable of index against model at snapshot.
void CheckAgainstModel(const KeyIndex& index, const Model& model, uint64_t snapshot,
                       std::mt19937_64& rng) {
  uint64_t visible_keys = 0;
  for (const auto& [key, versions] : model) {
    const size_t n = VisibleCount(versions, snapshot);
    IndexVersion v;
    uint64_t rev = 0;
    const bool found = index.Get(key, snapshot, &v, &rev);
    REQUIRE(found == (n > 0));
    if (n > 0) {
      visible_keys++;
      CHECK(v == versions[n - 1]);
      CHECK(rev == n);
    }
    CHECK(index.VersionCount(key, snapshot) == n);
    CHECK(index.LatestTx(key) == versions.back().tx);
    const uint64_t offset = rng() % (n + 2);
    const uint64_t limit = rng() % 4;
    const bool desc = rng() % 2 == 0;
    const auto hist = index.History(key, snapshot, offset, limit, desc);
    std::vector<uint64_t> want;  // expected revisions
    for (uint64_t i = 0; i < n; i++) want.push_back(desc ? n - i : i + 1);
    want.erase(want.begin(), want.begin() + std::min<uint64_t>(offset, want.size()));
    if (limit > 0 && want.size() > limit) want.resize(limit);
    REQUIRE(hist.size() == want.size());
    for (size_t i = 0; i < want.size(); i++) {
      CHECK(hist[i].revision == want[i]);
      CHECK(hist[i].version == versions[want[i] - 1]);
    }
  }
  (void)visible_keys;
  CHECK_FALSE(index.Get("\xff\xff-absent", snapshot, nullptr));
  CHECK(index.LatestTx("\xff\xff-absent") == 0);
  CHECK(index.History("\xff\xff-absent", snapshot, 0, 0, false).empty());

  // Iterator scans from random seeks.
  for (int s = 0; s < 5; s++) {
    std::string target = s == 0 ? "" : RandomKey(rng, 1000, 12);
    KeyIndex::Iterator it(&index);
    if (s == 0) {
      it.SeekToFirst();
    } else {
      it.Seek(target);
    }
    auto m = model.lower_bound(target);
    for (int steps = 0; steps < 50 && m != model.end(); steps++, ++m, it.Next()) {
      REQUIRE(it.Valid());
      REQUIRE(it.key() == m->first);
      const size_t n = VisibleCount(m->second, snapshot);
      IndexVersion v;
      uint64_t rev = 0;
      REQUIRE(it.VersionAt(snapshot, &v, &rev) == (n > 0));
      if (n > 0) {
        CHECK(v == m->second[n - 1]);
        CHECK(rev == n);
      }
    }
    if (m == model.end()) CHECK_FALSE(it.Valid());
  }
}

// Random Insert / InsertSorted batches, one tx per batch.
void RandomFill(KeyIndex* index, Model* model, std::mt19937_64& rng, uint64_t* tx, int batches,
                int pool, int max_batch) {
  for (int b = 0; b < batches; b++) {
    ++*tx;
    const int n = 1 + static_cast<int>(rng() % max_batch);
    std::vector<std::string> keys;
    for (int i = 0; i < n; i++) keys.push_back(RandomKey(rng, pool, 16));
    std::sort(keys.begin(), keys.end());
    std::vector<KeyIndex::KeyedVersion> items;
    for (const std::string& k : keys) {
      // Duplicates inside a batch are allowed (same tx, in order).
      IndexVersion v{*tx, rng() % (uint64_t{1} << (rng() % 60)), static_cast<uint32_t>(rng()),
                     static_cast<uint8_t>(rng() % 2)};
      items.push_back({k, v});
      (*model)[k].push_back(v);
    }
    const int mode = static_cast<int>(rng() % 3);
    if (mode == 0) {
      for (const auto& item : items) index->Insert(item.key, item.version);
    } else if (mode == 1) {
      index->InsertSorted(items);
    } else {
      // Unsorted input to InsertSorted must still work, when keys differ.
      std::vector<KeyIndex::KeyedVersion> shuffled;
      std::map<std::string_view, size_t> seen;
      for (const auto& item : items) seen[item.key]++;
      for (const auto& item : items) {
        if (seen[item.key] == 1) shuffled.push_back(item);
      }
      std::shuffle(shuffled.begin(), shuffled.end(), rng);
      index->InsertSorted(shuffled);
      for (const auto& item : items) {
        if (seen[item.key] > 1) index->Insert(item.key, item.version);
      }
    }
  }
}

uint64_t ModelVersions(const Model& model) {
  uint64_t n = 0;
  for (const auto& [k, v] : model) n += v.size();
  return n;
}

TEST_CASE("KeyIndex: empty") {
  KeyIndex index;
  IndexVersion v;
  CHECK_FALSE(index.Get("a", 100, &v));
  CHECK(index.LatestTx("a") == 0);
  CHECK(index.VersionCount("a", 100) == 0);
  KeyIndex::Iterator it(&index);
  it.SeekToFirst();
  CHECK_FALSE(it.Valid());
  it.Seek("a");
  CHECK_FALSE(it.Valid());
  CHECK(index.key_count() == 0);
  CHECK(index.version_count() == 0);
}

TEST_CASE("KeyIndex: versions, revisions, snapshots and tombstones") {
  KeyIndex index;
  for (uint64_t tx = 1; tx <= 300; tx++) {
    index.Insert("hot", IndexVersion{tx * 2, tx * 10, 7, static_cast<uint8_t>(tx % 5 == 0)});
  }
  index.Insert("cold", IndexVersion{5, 1, 2, 0x01});
  CHECK(index.key_count() == 2);
  CHECK(index.version_count() == 301);
  IndexVersion v;
  uint64_t rev = 0;
  REQUIRE(index.Get("hot", 201, &v, &rev));
  CHECK(v.tx == 200);
  CHECK(rev == 100);
  CHECK(v.deleted());
  CHECK_FALSE(index.Get("hot", 1, &v));
  REQUIRE(index.Get("cold", 5, &v));
  CHECK(v.deleted());
  CHECK(index.LatestTx("hot") == 600);
  CHECK(index.VersionCount("hot", 599) == 299);
  auto h = index.History("hot", 600, 295, 0, false);
  REQUIRE(h.size() == 5);
  CHECK(h[0].revision == 296);
  CHECK(h[4].version.tx == 600);
  h = index.History("hot", 600, 0, 3, true);
  REQUIRE(h.size() == 3);
  CHECK(h[0].revision == 300);
  CHECK(h[2].revision == 298);
}

TEST_CASE("KeyIndex: random operations match a model") {
  for (uint64_t seed : {1, 2, 3}) {
    std::mt19937_64 rng(seed);
    KeyIndex index;
    Model model;
    uint64_t tx = 0;
    // Small pool (long version chains), then a large one (the batched path
    // of InsertSorted kicks in once the index is much larger than a batch).
    for (int round = 0; round < 6; round++) {
      const bool big = round >= 3;
      RandomFill(&index, &model, rng, &tx, big ? 60 : 150, big ? 40000 : 60, big ? 400 : 20);
      CHECK(index.key_count() == model.size());
      CHECK(index.version_count() == ModelVersions(model));
      for (int s = 0; s < 3; s++) {
        CheckAgainstModel(index, model, s == 0 ? tx : rng() % (tx + 2), rng);
      }
    }
  }
}

TEST_CASE("KeyIndex: large sorted batches into a large index") {
  std::mt19937_64 rng(7);
  KeyIndex index;
  Model model;
  uint64_t tx = 0;
  for (int b = 0; b < 40; b++) {
    tx++;
    std::vector<std::string> keys;
    for (int i = 0; i < 1000; i++) {
      std::string k(32, '\0');
      for (char& c : k) c = static_cast<char>(rng() % 4);  // many shared prefixes
      keys.push_back(k);
    }
    if (b % 4 == 3) {  // rewrite existing keys
      keys.clear();
      for (auto it = model.begin(); it != model.end() && keys.size() < 1000; ++it) {
        if (rng() % 8 == 0) keys.push_back(it->first);
      }
    }
    std::sort(keys.begin(), keys.end());
    std::vector<KeyIndex::KeyedVersion> items;
    for (const auto& k : keys) {
      IndexVersion v{tx, rng(), 1, 0};
      items.push_back({k, v});
      model[k].push_back(v);
    }
    index.InsertSorted(items);
  }
  CHECK(index.key_count() == model.size());
  CHECK(index.version_count() == ModelVersions(model));
  KeyIndex::Iterator it(&index);
  it.SeekToFirst();
  for (const auto& [k, versions] : model) {
    REQUIRE(it.Valid());
    REQUIRE(it.key() == k);
    REQUIRE(index.History(k, tx, 0, 0, false).size() == versions.size());
    it.Next();
  }
  CHECK_FALSE(it.Valid());
}

TEST_CASE("KeyIndex: concurrent readers see consistent snapshots") {
  KeyIndex index;
  constexpr int kKeys = 3000;
  constexpr uint64_t kTxs = 1500;
  std::atomic<uint64_t> committed{0};
  std::atomic<bool> done{false};
  auto key_of = [](int i) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "key%06d", i);
    return std::string(buf);
  };
  // Version of key i in tx t: pos encodes both, so a torn read shows.
  auto pos_of = [](uint64_t t, int i) { return t * 1000003 + static_cast<uint64_t>(i); };

  std::thread writer([&] {
    std::mt19937_64 rng(11);
    for (uint64_t t = 1; t <= kTxs; t++) {
      std::vector<int> ids;
      for (int j = 0; j < 40; j++) ids.push_back(static_cast<int>(rng() % kKeys));
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      std::vector<std::string> keys;
      for (int i : ids) keys.push_back(key_of(i));
      std::vector<KeyIndex::KeyedVersion> items;
      for (size_t j = 0; j < ids.size(); j++) {
        items.push_back({keys[j], IndexVersion{t, pos_of(t, ids[j]), static_cast<uint32_t>(t), 0}});
      }
      if (t % 3 == 0) {
        for (const auto& item : items) index.Insert(item.key, item.version);
      } else {
        index.InsertSorted(items);
      }
      committed.store(t, std::memory_order_release);
      if (t % 8 == 0) std::this_thread::yield();  // let readers overlap on few cores
    }
    done.store(true, std::memory_order_release);
  });

  std::atomic<uint64_t> reads{0};
  auto reader = [&](uint64_t seed) {
    std::mt19937_64 rng(seed);
    uint64_t last_keys = 0;
    while (!done.load(std::memory_order_acquire)) {
      const uint64_t snap = committed.load(std::memory_order_acquire);
      const uint64_t keys_now = index.key_count();
      REQUIRE(keys_now >= last_keys);
      last_keys = keys_now;
      const int i = static_cast<int>(rng() % kKeys);
      const std::string key = key_of(i);
      IndexVersion v;
      uint64_t rev = 0;
      const auto hist = index.History(key, snap, 0, 0, false);
      const bool found = index.Get(key, snap, &v, &rev);
      REQUIRE(found == !hist.empty());
      for (size_t j = 0; j < hist.size(); j++) {
        REQUIRE(hist[j].revision == j + 1);
        REQUIRE(hist[j].version.tx <= snap);
        REQUIRE(hist[j].version.pos == pos_of(hist[j].version.tx, i));
        if (j > 0) REQUIRE(hist[j].version.tx > hist[j - 1].version.tx);
      }
      if (found) {
        REQUIRE(v == hist.back().version);
        REQUIRE(rev == hist.size());
        REQUIRE(index.LatestTx(key) >= v.tx);
      }
      // A scan: keys strictly ascending, visible versions well formed.
      KeyIndex::Iterator it(&index);
      std::string prev;
      int steps = 0;
      for (it.Seek(key_of(static_cast<int>(rng() % kKeys))); it.Valid() && steps < 50;
           it.Next(), steps++) {
        const std::string k(it.key());
        REQUIRE((prev.empty() || prev < k));
        if (it.VersionAt(snap, &v, &rev)) {
          REQUIRE(v.tx <= snap);
          REQUIRE(v.pos == pos_of(v.tx, std::stoi(k.substr(3))));
          REQUIRE(rev >= 1);
        }
        prev = k;
      }
      reads.fetch_add(1, std::memory_order_relaxed);
    }
  };
  std::thread r1(reader, 1), r2(reader, 2), r3(reader, 3);
  writer.join();
  r1.join();
  r2.join();
  r3.join();
  MESSAGE("reader iterations during writes: " << reads.load());
}

// ---- Checkpoints ----

void CheckSameUpTo(const KeyIndex& loaded, const Model& model, uint64_t upto) {
  uint64_t keys = 0, versions = 0;
  KeyIndex::Iterator it(&loaded);
  it.SeekToFirst();
  for (const auto& [k, vs] : model) {
    const size_t n = VisibleCount(vs, upto);
    if (n == 0) continue;
    keys++;
    versions += n;
    REQUIRE(it.Valid());
    REQUIRE(it.key() == k);
    const auto hist = loaded.History(k, UINT64_MAX, 0, 0, false);
    REQUIRE(hist.size() == n);
    for (size_t i = 0; i < n; i++) REQUIRE(hist[i].version == vs[i]);
    it.Next();
  }
  CHECK_FALSE(it.Valid());
  CHECK(loaded.key_count() == keys);
  CHECK(loaded.version_count() == versions);
}

TEST_CASE("KeyIndex: checkpoint round trip") {
  std::unique_ptr<Env> env = NewMemEnv();
  std::mt19937_64 rng(5);
  KeyIndex index;
  Model model;
  uint64_t tx = 0;
  RandomFill(&index, &model, rng, &tx, 200, 60, 20);       // long chains
  RandomFill(&index, &model, rng, &tx, 100, 50000, 300);   // several blocks
  for (uint64_t upto : {tx, tx / 2, uint64_t{0}}) {
    CAPTURE(upto);
    REQUIRE(index.WriteCheckpoint(env.get(), "/db/index.ckpt", upto).ok());
    CHECK_FALSE(env->FileExists("/db/index.ckpt.tmp"));
    KeyIndex loaded;
    auto r = loaded.LoadCheckpoint(env.get(), "/db/index.ckpt");
    REQUIRE(r.ok());
    CHECK(r.value() == upto);
    CheckSameUpTo(loaded, model, upto);
    // A loaded index keeps working: chunks sized exactly grow by new chunks.
    Model grown = model;
    for (auto& [k, vs] : grown) vs.resize(VisibleCount(vs, upto));
    for (auto it = grown.begin(); it != grown.end();) {
      it = it->second.empty() ? grown.erase(it) : std::next(it);
    }
    uint64_t tx2 = tx;
    RandomFill(&loaded, &grown, rng, &tx2, 30, 60, 20);
    CheckAgainstModel(loaded, grown, tx2, rng);
    // Loading into a non-empty index is refused.
    auto again = loaded.LoadCheckpoint(env.get(), "/db/index.ckpt");
    CHECK_FALSE(again.ok());
  }
  KeyIndex missing;
  CHECK_FALSE(missing.LoadCheckpoint(env.get(), "/db/nope").ok());
}

TEST_CASE("KeyIndex: checkpoint during inserts holds exactly the versions <= upto") {
  std::unique_ptr<Env> env = NewMemEnv();
  std::mt19937_64 rng(9);
  KeyIndex index;
  Model model;
  uint64_t tx = 0;
  RandomFill(&index, &model, rng, &tx, 300, 20000, 200);
  const uint64_t upto = tx;
  Model more = model;
  std::thread writer([&] {
    std::mt19937_64 wrng(10);
    uint64_t wtx = upto;
    RandomFill(&index, &more, wrng, &wtx, 300, 20000, 200);
  });
  Status s;
  for (int i = 0; i < 3; i++) {
    s = index.WriteCheckpoint(env.get(), "/db/index.ckpt", upto);
    if (!s.ok()) break;
  }
  writer.join();
  REQUIRE(s.ok());
  KeyIndex loaded;
  auto r = loaded.LoadCheckpoint(env.get(), "/db/index.ckpt");
  REQUIRE(r.ok());
  CheckSameUpTo(loaded, model, upto);
}

std::string ReadAll(Env* env, const std::string& path) {
  auto r = env->ReadFileToString(path);
  REQUIRE(r.ok());
  return r.value();
}

void WriteAll(Env* env, const std::string& path, std::string_view data) {
  if (env->FileExists(path)) REQUIRE(env->RemoveFile(path).ok());
  auto f = env->NewAppendableFile(path);
  REQUIRE(f.ok());
  REQUIRE((*f)->Append(data).ok());
  REQUIRE((*f)->Close().ok());
}

void ExpectCorrupt(Env* env, const std::string& path) {
  KeyIndex index;
  auto r = index.LoadCheckpoint(env, path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().IsCorruption());
  // A failed load leaves the index empty and usable.
  CHECK(index.key_count() == 0);
  KeyIndex::Iterator it(&index);
  it.SeekToFirst();
  CHECK_FALSE(it.Valid());
  index.Insert("x", IndexVersion{1, 2, 3, 0});
  CHECK(index.LatestTx("x") == 1);
}

TEST_CASE("KeyIndex: corrupted checkpoints are rejected") {
  std::unique_ptr<Env> env = NewMemEnv();
  KeyIndex index;
  for (int i = 0; i < 12; i++) {
    const std::string key = "key" + std::to_string(i * 7);
    for (uint64_t t = 1; t <= static_cast<uint64_t>(i % 3 + 1); t++) {
      index.Insert(key, IndexVersion{t * 3 + static_cast<uint64_t>(i), 100 * t, 9,
                                     static_cast<uint8_t>(t == 2)});
    }
  }
  REQUIRE(index.WriteCheckpoint(env.get(), "/c/good", 1000).ok());
  const std::string good = ReadAll(env.get(), "/c/good");
  REQUIRE(good.size() > 44 + 16);

  SUBCASE("every truncation") {
    for (size_t n = 0; n < good.size(); n++) {
      CAPTURE(n);
      WriteAll(env.get(), "/c/bad", good.substr(0, n));
      ExpectCorrupt(env.get(), "/c/bad");
    }
  }
  SUBCASE("every byte flipped") {
    for (size_t i = 0; i < good.size(); i++) {
      for (uint8_t mask : {uint8_t{0x01}, uint8_t{0xff}}) {
        CAPTURE(i);
        std::string bad = good;
        bad[i] = static_cast<char>(bad[i] ^ mask);
        WriteAll(env.get(), "/c/bad", bad);
        ExpectCorrupt(env.get(), "/c/bad");
      }
    }
  }
  SUBCASE("trailing garbage and random files") {
    WriteAll(env.get(), "/c/bad", good + "x");
    ExpectCorrupt(env.get(), "/c/bad");
    std::mt19937_64 rng(3);
    for (int i = 0; i < 200; i++) {
      std::string junk(rng() % 300, '\0');
      for (char& c : junk) c = static_cast<char>(rng());
      if (i % 2 == 0 && junk.size() >= 44) junk.replace(0, 44, good.substr(0, 44));
      WriteAll(env.get(), "/c/bad", junk);
      ExpectCorrupt(env.get(), "/c/bad");
    }
  }
  SUBCASE("valid checksums around invalid records") {
    // Re-frame a records block whose keys are out of order: the CRC is
    // right, the content is not.
    auto frame = [](std::string payload) {
      char f[8];
      EncodeFixed32LE(f, static_cast<uint32_t>(payload.size()));
      EncodeFixed32LE(f + 4, crc32c::Mask(crc32c::Value(payload.data(), payload.size())));
      return std::string(f, 8) + payload;
    };
    const std::string header = good.substr(0, 44);
    auto record = [](std::string_view key, uint64_t tx) {
      std::string r;
      r.push_back(0);  // shared
      r.push_back(static_cast<char>(key.size()));
      r.append(key);
      r.push_back(1);  // one version
      r.push_back(static_cast<char>(tx));
      r.push_back(0);  // pos
      r.push_back(0);  // len
      r.push_back(0);  // flags
      return r;
    };
    const std::string trailer = good.substr(good.size() - 37);
    const std::string block = "\x01";
    for (const std::string& payload :
         {block + record("b", 1) + record("a", 1),  // out of order
          block + record("a", 1) + record("a", 1),  // duplicate key
          block + record("a", 1),                   // disagrees with the header counts
          std::string{'\x01', '\x00', '\x05', 'a', 'b'},  // key overruns the block
          std::string{'\x01', '\x00', '\x01', 'a', '\x00'},  // zero versions
          std::string{'\x01', '\x00', '\x01', 'a', '\xff', '\xff', '\xff', '\x0f'},  // huge count
          std::string{'\x01', '\x00', '\x01', 'a', '\x01', '\xff'},  // truncated version
          std::string{'\x07'}}) {  // unknown block type
      WriteAll(env.get(), "/c/bad", header + frame(payload) + trailer);
      ExpectCorrupt(env.get(), "/c/bad");
    }
  }
}

}  // namespace
}  // namespace immu
