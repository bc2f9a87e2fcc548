// stress_tool: an embedded-store benchmark in the spirit of immudb's
// embedded/tools/stress_tool. N committer threads each commit tx-count
// transactions of kv-count entries; prints throughput (optionally as one
// JSON object) and, with --verify, re-reads everything and checks the hash
// chain and proofs.
//
// Crash testing: --ack-file PATH appends "tx key_hex" for every
// acknowledged commit with an unbuffered write, so a parent that SIGKILLs
// this process knows what must survive; --check-acks PATH reopens the store
// and checks every acknowledged key is there (then --verify checks the rest).

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "storage/store.h"
#include "verify/hash.h"

namespace {

struct Flags {
  int committers = 1;
  int kv_count = 1000;
  int tx_count = 1000;
  int key_len = 32;
  int value_len = 32;
  bool random_keys = false;
  bool synced = true;
  bool json = false;
  bool verify = false;
  int read_bench = 0;  // verifiable gets of random keys timed after the load
  std::string dir;
  std::string ack_file;
  std::string check_acks;
};

[[noreturn]] void Usage(const char* why) {
  if (why != nullptr) fprintf(stderr, "stress_tool: %s\n", why);
  fprintf(stderr,
          "usage: stress_tool [--committers N] [--kv-count N] [--tx-count N] [--key-len N]\n"
          "                   [--value-len N] [--random-keys] [--synced=true|false] [--dir PATH]\n"
          "                   [--json] [--verify] [--read-bench N] [--ack-file PATH] [--check-acks PATH]\n"
          "--tx-count 0 only opens (and with --read-bench measures) an existing store\n");
  exit(why == nullptr ? 0 : 2);
}

int ParseInt(const std::string& name, const std::string& v, int min) {
  char* end = nullptr;
  long x = strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || x < min || x > 1000000000) {
    Usage(("bad value for " + name + ": " + v).c_str());
  }
  return static_cast<int>(x);
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    std::string name = arg, value;
    bool has_value = false;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    auto next = [&]() -> std::string {
      if (has_value) return value;
      if (i + 1 >= argc) Usage(("missing value for " + name).c_str());
      return argv[++i];
    };
    auto boolean = [&]() {
      if (!has_value) return true;
      if (value == "true" || value == "1") return true;
      if (value == "false" || value == "0") return false;
      Usage(("bad boolean for " + name).c_str());
    };
    if (name == "--committers") f.committers = ParseInt(name, next(), 1);
    else if (name == "--kv-count") f.kv_count = ParseInt(name, next(), 1);
    else if (name == "--tx-count") f.tx_count = ParseInt(name, next(), 0);
    else if (name == "--key-len") f.key_len = ParseInt(name, next(), 8);
    else if (name == "--value-len") f.value_len = ParseInt(name, next(), 0);
    else if (name == "--random-keys") f.random_keys = boolean();
    else if (name == "--synced") f.synced = boolean();
    else if (name == "--json") f.json = boolean();
    else if (name == "--verify") f.verify = boolean();
    else if (name == "--read-bench") f.read_bench = ParseInt(name, next(), 0);
    else if (name == "--dir") f.dir = next();
    else if (name == "--ack-file") f.ack_file = next();
    else if (name == "--check-acks") f.check_acks = next();
    else if (name == "--help" || name == "-h") Usage(nullptr);
    else Usage(("unknown flag " + name).c_str());
  }
  if (f.dir.empty()) {
    char tmpl[] = "./stress_data_XXXXXX";
    if (mkdtemp(tmpl) == nullptr) Usage("cannot create a data directory");
    f.dir = tmpl;
  }
  return f;
}

// splitmix64: cheap enough that generating data does not dominate the
// measurement (std::mt19937_64 per byte did).
struct Rng {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  void Fill(std::string* out) {
    size_t i = 0;
    for (; i + 8 <= out->size(); i += 8) {
      uint64_t v = Next();
      memcpy(out->data() + i, &v, 8);
    }
    if (i < out->size()) {
      uint64_t v = Next();
      memcpy(out->data() + i, &v, out->size() - i);
    }
  }
};

// Writes n as `width` decimal digits at p.
void PutDecimal(char* p, uint64_t n, int width) {
  for (int i = width - 1; i >= 0; i--) {
    p[i] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
}

// Sequential keys sort by committer, then tx, then entry: "c<run+committer>t<tx>e<entry>kkk...".
void MakeKey(const Flags& f, uint64_t committer, int tx, int entry, Rng* rng, std::string* k) {
  k->assign(static_cast<size_t>(f.key_len), 'k');
  if (f.random_keys) {
    rng->Fill(k);
    return;
  }
  char buf[40];
  buf[0] = 'c';
  PutDecimal(buf + 1, committer, 10);
  buf[11] = 't';
  PutDecimal(buf + 12, static_cast<uint64_t>(tx), 10);
  buf[22] = 'e';
  PutDecimal(buf + 23, static_cast<uint64_t>(entry), 9);
  memcpy(k->data(), buf, std::min<size_t>(32, k->size()));
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

int Fail(const std::string& what, const immu::Status& s) {
  fprintf(stderr, "stress_tool: %s: %s\n", what.c_str(), s.ToString().c_str());
  return 1;
}

// Re-reads every transaction, recomputing entries, Eh and the Alh chain, and
// checks a verifiable get with full proofs for a sample of keys.
int VerifyAll(immu::Store* store, double* seconds, uint64_t* checked_txs) {
  const auto start = std::chrono::steady_clock::now();
  const uint64_t last = store->committed_tx();
  immu::Hash prev{};
  uint64_t sampled = 0;
  for (uint64_t id = 1; id <= last; id++) {
    auto tx = store->ReadTx(id);
    if (!tx.ok()) return Fail("read tx " + std::to_string(id), tx.status());
    if (tx->header.prev_alh != prev) {
      return Fail("hash chain", immu::Status::Corruption("tx " + std::to_string(id)));
    }
    prev = tx->header.Alh();
    immu::Status s = store->VerifyTx(id);
    if (!s.ok()) return Fail("verify tx " + std::to_string(id), s);
    // One proof per tx for small stores, a sample for large ones.
    if (!tx->entries.empty() && (last < 2000 || id % (last / 1000) == 0)) {
      const auto& e = tx->entries.front();
      auto latest = store->Get(e.key);
      if (!latest.ok()) continue;  // overwritten by a delete
      const uint64_t trusted = id > 1 ? id - 1 : 0;
      auto ve = store->VerifiableGet(e.key, trusted);
      if (!ve.ok()) return Fail("verifiable get", ve.status());
      immu::State trusted_state, next;
      trusted_state.db = store->options().db_name;
      if (trusted > 0) {
        auto h = store->ReadTxHeader(trusted);
        if (!h.ok()) return Fail("read header", h.status());
        trusted_state.tx_id = trusted;
        trusted_state.alh = h->Alh();
      }
      s = immu::VerifyEntry(*ve, trusted_state, &next);
      if (!s.ok()) return Fail("client-side proof check", s);
      sampled++;
    }
  }
  *seconds = Seconds(start);
  *checked_txs = last;
  (void)sampled;
  return 0;
}

// Times n verifiable gets of keys picked from random transactions (the store
// side: lookup + entry and dual proofs), and the client-side check of each
// proof against a trusted state, as a client holding that state would.
struct ReadBench {
  uint64_t n = 0;
  double get_us_avg = 0, get_us_p99 = 0, verify_us_avg = 0, verify_us_p99 = 0;
};

int RunReadBench(immu::Store* store, int n, ReadBench* out) {
  const uint64_t last = store->committed_tx();
  if (last < 2 || n == 0) return 0;
  Rng rng{0x5eed};
  std::vector<std::pair<std::string, uint64_t>> keys;  // key, trusted tx
  for (int i = 0; i < n; i++) {
    const uint64_t id = 2 + rng.Next() % (last - 1);
    auto tx = store->ReadTx(id);
    if (!tx.ok()) return Fail("read tx " + std::to_string(id), tx.status());
    const auto& e = tx->entries[rng.Next() % tx->entries.size()];
    keys.emplace_back(e.key, 1 + rng.Next() % (id - 1));
  }
  std::vector<double> get_us, verify_us;
  for (const auto& [key, trusted] : keys) {
    auto h = store->ReadTxHeader(trusted);
    if (!h.ok()) return Fail("read header", h.status());
    immu::State trusted_state, next;
    trusted_state.db = store->options().db_name;
    trusted_state.tx_id = trusted;
    trusted_state.alh = h->Alh();
    const auto t0 = std::chrono::steady_clock::now();
    auto ve = store->VerifiableGet(key, trusted);
    const auto t1 = std::chrono::steady_clock::now();
    if (!ve.ok()) return Fail("verifiable get", ve.status());
    immu::Status s = immu::VerifyEntry(*ve, trusted_state, &next);
    const auto t2 = std::chrono::steady_clock::now();
    if (!s.ok()) return Fail("client-side proof check", s);
    get_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    verify_us.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
  }
  auto summarize = [](std::vector<double>& v, double* avg, double* p99) {
    double sum = 0;
    for (double x : v) sum += x;
    *avg = sum / static_cast<double>(v.size());
    std::sort(v.begin(), v.end());
    *p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
  };
  out->n = keys.size();
  summarize(get_us, &out->get_us_avg, &out->get_us_p99);
  summarize(verify_us, &out->verify_us_avg, &out->verify_us_p99);
  return 0;
}

int CheckAcks(immu::Store* store, const std::string& path, uint64_t* acked) {
  std::ifstream in(path);
  std::string line;
  uint64_t n = 0;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    uint64_t tx;
    std::string hex;
    if (!(ls >> tx >> hex)) continue;  // a torn last line of the ack file itself
    std::string key;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
      key.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    if (tx > store->committed_tx()) {
      return Fail("acknowledged tx " + std::to_string(tx) + " lost",
                  immu::Status::Corruption("committed tx is " +
                                           std::to_string(store->committed_tx())));
    }
    auto v = store->GetAt(key, tx);
    if (!v.ok() || v->tx != tx) {
      return Fail("acknowledged key of tx " + std::to_string(tx) + " lost", v.status());
    }
    n++;
  }
  *acked = n;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Flags f = ParseFlags(argc, argv);
  immu::Options opts;
  opts.synced = f.synced;
  const auto open_start = std::chrono::steady_clock::now();
  auto opened = immu::Store::Open(f.dir, opts);
  const double open_secs = Seconds(open_start);
  if (!opened.ok()) return Fail("open " + f.dir, opened.status());
  std::unique_ptr<immu::Store> store = std::move(opened).value();

  if (!f.check_acks.empty()) {
    uint64_t acked = 0;
    if (int rc = CheckAcks(store.get(), f.check_acks, &acked); rc != 0) return rc;
    double vs = 0;
    uint64_t txs = 0;
    if (int rc = VerifyAll(store.get(), &vs, &txs); rc != 0) return rc;
    printf("{\"acked_checked\": %llu, \"txs_verified\": %llu, \"recovered_txs\": %llu}\n",
           static_cast<unsigned long long>(acked), static_cast<unsigned long long>(txs),
           static_cast<unsigned long long>(store->Stats().recovered_txs));
    return 0;
  }

  int ack_fd = -1;
  if (!f.ack_file.empty()) {
    ack_fd = open(f.ack_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (ack_fd < 0) Usage("cannot open --ack-file");
  }
  const uint64_t base_tx = store->committed_tx();
  std::atomic<bool> failed{false};
  std::string failure;
  std::mutex failure_mu;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < f.committers; c++) {
    threads.emplace_back([&, c] {
      Rng rng{static_cast<uint64_t>(c) * 7919 + base_tx * 104729 + 1};
      std::vector<immu::Entry> entries(static_cast<size_t>(f.kv_count));
      // Keys are unique per run: sequential keys carry the start tx.
      const uint64_t who = base_tx * 1000 + static_cast<uint64_t>(c);
      for (int t = 0; t < f.tx_count && !failed.load(); t++) {
        for (int i = 0; i < f.kv_count; i++) {
          auto& e = entries[static_cast<size_t>(i)];
          MakeKey(f, who, t, i, &rng, &e.key);
          e.value.resize(static_cast<size_t>(f.value_len));
          rng.Fill(&e.value);
        }
        auto r = store->CommitBatch(entries);
        if (!r.ok()) {
          std::lock_guard lock(failure_mu);
          failure = r.status().ToString();
          failed = true;
          return;
        }
        if (ack_fd >= 0) {
          std::string line = std::to_string(r->id) + " " + immu::ToHex(immu::AsBytes(entries[0].key)) + "\n";
          if (write(ack_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
            failed = true;
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double secs = Seconds(start);
  if (failed) {
    fprintf(stderr, "stress_tool: commit failed: %s\n", failure.c_str());
    return 1;
  }
  const uint64_t txs = static_cast<uint64_t>(f.committers) * static_cast<uint64_t>(f.tx_count);
  const uint64_t entries = txs * static_cast<uint64_t>(f.kv_count);
  double verify_secs = 0;
  uint64_t verified_txs = 0;
  if (f.verify) {
    if (int rc = VerifyAll(store.get(), &verify_secs, &verified_txs); rc != 0) return rc;
  }
  ReadBench rb;
  if (f.read_bench > 0) {
    if (int rc = RunReadBench(store.get(), f.read_bench, &rb); rc != 0) return rc;
  }
  const auto stats = store->Stats();
  immu::Status cs = store->Close();
  if (!cs.ok()) return Fail("close", cs);
  if (f.json) {
    printf(
        "{\"entries\": %llu, \"txs\": %llu, \"seconds\": %.6f, \"entries_per_sec\": %.1f, "
        "\"txs_per_sec\": %.1f, \"synced\": %s, \"committers\": %d, \"kv_count\": %d, "
        "\"tx_count\": %d, \"key_len\": %d, \"value_len\": %d, \"random_keys\": %s, "
        "\"verified\": %s, \"verify_seconds\": %.3f, \"verified_txs\": %llu, "
        "\"index_bytes_per_version\": %.1f, \"open_seconds\": %.3f, \"recovered_txs\": %llu, "
        "\"store_txs\": %llu, \"store_versions\": %llu, \"read_bench\": %llu, "
        "\"vget_us_avg\": %.2f, \"vget_us_p99\": %.2f, \"proof_verify_us_avg\": %.2f, "
        "\"proof_verify_us_p99\": %.2f, \"dir\": \"%s\"}\n",
        static_cast<unsigned long long>(entries), static_cast<unsigned long long>(txs), secs,
        entries / secs, txs / secs, f.synced ? "true" : "false", f.committers, f.kv_count,
        f.tx_count, f.key_len, f.value_len, f.random_keys ? "true" : "false",
        f.verify ? "true" : "false", verify_secs, static_cast<unsigned long long>(verified_txs),
        stats.versions ? static_cast<double>(stats.index_memory_bytes) / stats.versions : 0.0,
        open_secs, static_cast<unsigned long long>(stats.recovered_txs),
        static_cast<unsigned long long>(stats.committed_tx),
        static_cast<unsigned long long>(stats.versions), static_cast<unsigned long long>(rb.n),
        rb.get_us_avg, rb.get_us_p99, rb.verify_us_avg, rb.verify_us_p99, f.dir.c_str());
  } else {
    printf("committed %llu entries in %llu txs in %.3f s: %.0f entries/s, %.0f tx/s (synced=%s)\n",
           static_cast<unsigned long long>(entries), static_cast<unsigned long long>(txs), secs,
           entries / secs, txs / secs, f.synced ? "true" : "false");
    if (f.verify) printf("verified %llu txs in %.3f s\n", static_cast<unsigned long long>(verified_txs), verify_secs);
  }
  return 0;
}
