#include "storage/store.h"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <thread>

#include "storage/transaction.h"

namespace immu {
namespace {

Options MemOptions(Env* env) {
  Options o;
  o.env = env;
  o.info_log = [](const std::string&) {};
  return o;
}

std::unique_ptr<Store> MustOpen(Env*, const Options& o, const std::string& dir = "/db") {
  auto s = Store::Open(dir, o);
  REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  return std::move(s).value();
}

TEST_CASE("store: set, get, history, delete, scan") {
  auto env = NewMemEnv();
  auto store = MustOpen(env.get(), MemOptions(env.get()));
  auto h1 = store->Set("a", "1");
  REQUIRE(h1.ok());
  CHECK(h1->id == 1);
  REQUIRE(store->Set("b", "2").ok());
  auto h3 = store->Set("a", "3");
  REQUIRE(h3.ok());
  CHECK(h3->id == 3);

  auto a = store->Get("a");
  REQUIRE(a.ok());
  CHECK(a->value == "3");
  CHECK(a->tx == 3);
  CHECK(a->revision == 2);
  auto old = store->GetAt("a", 2);
  REQUIRE(old.ok());
  CHECK(old->value == "1");
  CHECK(store->GetAt("b", 1).status().IsNotFound());

  auto hist = store->History("a", 0, 0, false);
  REQUIRE(hist.ok());
  REQUIRE(hist->size() == 2);
  CHECK((*hist)[0].value == "1");
  CHECK((*hist)[1].value == "3");
  auto desc = store->History("a", 1, 1, true);
  REQUIRE(desc.ok());
  REQUIRE(desc->size() == 1);
  CHECK((*desc)[0].value == "1");
  CHECK((*desc)[0].revision == 1);

  REQUIRE(store->Delete("a").ok());
  CHECK(store->Get("a").status().IsNotFound());
  CHECK(store->Delete("a").status().IsNotFound());
  auto hist2 = store->History("a", 0, 0, false);
  REQUIRE(hist2.ok());
  CHECK(hist2->size() == 3);
  CHECK(hist2->back().md.deleted());
  CHECK(store->GetAt("a", 3)->value == "3");

  REQUIRE(store->Set("p/1", "x").ok());
  REQUIRE(store->Set("p/2", "y").ok());
  REQUIRE(store->Set("q", "z").ok());
  ScanOptions so;
  so.prefix = "p/";
  auto scan = store->Scan(so);
  REQUIRE(scan.ok());
  REQUIRE(scan->size() == 2);
  CHECK((*scan)[0].key == "p/1");
  CHECK((*scan)[1].key == "p/2");
  ScanOptions all;
  auto every = store->Scan(all);
  REQUIRE(every.ok());
  CHECK(every->size() == 4);  // b, p/1, p/2, q (a is deleted)
  all.include_deleted = true;
  CHECK(store->Scan(all)->size() == 5);
  ScanOptions past;
  past.snapshot = 2;
  auto then = store->Scan(past);
  REQUIRE(then.ok());
  CHECK(then->size() == 2);
}

TEST_CASE("store: bad input gets clear errors") {
  auto env = NewMemEnv();
  Options o = MemOptions(env.get());
  o.max_key_len = 16;
  o.max_value_len = 64;
  auto store = MustOpen(env.get(), o);
  CHECK(store->Set("", "v").status().code() == StatusCode::kInvalidArgument);
  CHECK(store->Set(std::string(17, 'k'), "v").status().code() == StatusCode::kInvalidArgument);
  CHECK(store->Set("k", std::string(65, 'v')).status().code() == StatusCode::kInvalidArgument);
  CHECK(store->ReadTx(1).status().IsNotFound());
  CHECK(store->ReadTx(0).status().IsNotFound());
  CHECK(store->CommitBatch({}).status().code() == StatusCode::kInvalidArgument);
  CHECK(store->CommitBatch({Entry{"k", {}, "1"}, Entry{"k", {}, "2"}}).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(store->VerifiableGet("k", 5).status().code() != StatusCode::kOk);
  CHECK(store->committed_tx() == 0);
}

TEST_CASE("store: savepoints undo the writes made after them") {
  auto env = NewMemEnv();
  auto store = MustOpen(env.get(), MemOptions(env.get()));
  REQUIRE(store->Set("k", "committed").ok());
  auto t = store->Begin();
  REQUIRE(t->Set("a", "1").ok());
  const size_t sp1 = t->Mark();
  REQUIRE(t->Set("a", "2").ok());
  REQUIRE(t->Delete("k").ok());
  REQUIRE(t->Set("b", "1").ok());
  const size_t sp2 = t->Mark();
  REQUIRE(t->Set("c", "1").ok());
  t->RollbackTo(sp2);
  CHECK(t->Get("c").status().code() == StatusCode::kNotFound);
  CHECK(t->Get("b")->value == "1");
  t->RollbackTo(sp1);
  CHECK(t->Get("a")->value == "1");
  CHECK(t->Get("k")->value == "committed");
  CHECK(t->Get("b").status().code() == StatusCode::kNotFound);
  // The marker survives its rollback; releasing it keeps later writes.
  REQUIRE(t->Set("d", "1").ok());
  t->Release(sp1);
  t->RollbackTo(sp1);  // released: no effect
  CHECK(t->Get("d")->value == "1");
  REQUIRE(t->Commit().ok());
  CHECK(store->Get("a")->value == "1");
  CHECK(store->Get("d")->value == "1");
  CHECK(store->Get("k")->value == "committed");
}

TEST_CASE("store: transactions read their own writes and detect conflicts") {
  auto env = NewMemEnv();
  auto store = MustOpen(env.get(), MemOptions(env.get()));
  REQUIRE(store->Set("x", "0").ok());
  auto t1 = store->Begin();
  auto t2 = store->Begin();
  REQUIRE(t1->Set("x", "1").ok());
  REQUIRE(t1->Set("y", "1").ok());
  CHECK(t1->Get("x")->value == "1");
  CHECK(t2->Get("x")->value == "0");
  REQUIRE(t2->Set("x", "2").ok());
  REQUIRE(t1->Commit().ok());
  auto c2 = t2->Commit();
  CHECK(c2.status().IsConflict());
  CHECK(store->Get("x")->value == "1");

  // Own deletes and inserts in scans.
  auto t3 = store->Begin();
  REQUIRE(t3->Delete("x").ok());
  REQUIRE(t3->Set("w", "new").ok());
  auto scan = t3->Scan(ScanOptions{});
  REQUIRE(scan.ok());
  REQUIRE(scan->size() == 2);
  CHECK((*scan)[0].key == "w");
  CHECK((*scan)[1].key == "y");
  t3->Rollback();
  CHECK(t3->Set("a", "b").code() == StatusCode::kInvalidArgument);
  CHECK(store->Get("x").ok());

  // Serializable: a read key changed by someone else aborts the reader.
  TxOptions ser;
  ser.serializable = true;
  auto t4 = store->Begin(ser);
  CHECK(t4->Get("y")->value == "1");
  REQUIRE(t4->Set("z", "depends on y").ok());
  REQUIRE(store->Set("y", "changed").ok());
  CHECK(t4->Commit().status().IsConflict());
  // Snapshot isolation lets the same pattern commit (write skew allowed).
  auto t5 = store->Begin();
  CHECK(t5->Get("y")->value == "changed");
  REQUIRE(t5->Set("z", "depends on y").ok());
  REQUIRE(store->Set("y", "changed again").ok());
  CHECK(t5->Commit().ok());
  // Serializable range reads.
  auto t6 = store->Begin(ser);
  ScanOptions pre;
  pre.prefix = "r/";
  CHECK(t6->Scan(pre)->empty());
  REQUIRE(t6->Set("other", "1").ok());
  REQUIRE(store->Set("r/phantom", "1").ok());
  CHECK(t6->Commit().status().IsConflict());
  // Read-only transactions commit nothing.
  auto t7 = store->Begin();
  auto none = t7->Commit();
  REQUIRE(none.ok());
  CHECK(none->id == 0);
}

TEST_CASE("store: GetLatest and SetBase let a write build on a newer committed version") {
  auto env = NewMemEnv();
  auto store = MustOpen(env.get(), MemOptions(env.get()));
  REQUIRE(store->Set("k", "1").ok());
  auto a = store->Begin();
  auto b = store->Begin();
  REQUIRE(b->Set("k", "2").ok());
  auto committed = b->Commit();
  REQUIRE(committed.ok());
  // a's snapshot still says 1; the latest committed version is 2.
  CHECK(a->Get("k")->value == "1");
  auto latest = a->GetLatest("k");
  REQUIRE(latest.ok());
  CHECK(latest->value == "2");
  CHECK(latest->tx == committed->id);
  // Without a base the write conflicts (first committer wins) ...
  auto c = store->Begin();
  auto d = store->Begin();
  REQUIRE(d->Set("k", "3").ok());
  REQUIRE(d->Commit().ok());
  REQUIRE(c->Set("k", "x").ok());
  CHECK(c->Commit().status().code() == StatusCode::kConflict);
  // ... with the base it read, it commits; a write after that base still conflicts.
  auto e = store->Begin();
  auto f = store->Begin();
  REQUIRE(f->Set("k", "4").ok());
  auto f_tx = f->Commit();
  REQUIRE(f_tx.ok());
  REQUIRE(e->Set("k", "5").ok());
  e->SetBase("k", f_tx->id);
  CHECK(e->Commit().ok());
  CHECK(store->Get("k")->value == "5");
  auto g = store->Begin();
  auto h = store->Begin();
  auto base = g->GetLatest("k");
  REQUIRE(h->Set("k", "6").ok());
  REQUIRE(h->Commit().ok());
  REQUIRE(g->Set("k", "7").ok());
  g->SetBase("k", base->tx);
  CHECK(g->Commit().status().code() == StatusCode::kConflict);
}

TEST_CASE("store: data, checkpoints and proofs survive reopen") {
  auto env = NewMemEnv();
  Options o = MemOptions(env.get());
  o.checkpoint_every_txs = 7;
  std::map<std::string, std::string> model;
  for (int round = 0; round < 3; round++) {
    auto store = MustOpen(env.get(), o);
    for (int i = 0; i < 20; i++) {
      std::string k = "key" + std::to_string((i * 7 + round) % 13);
      std::string v = "v" + std::to_string(round) + "-" + std::to_string(i);
      REQUIRE(store->Set(k, v).ok());
      model[k] = v;
    }
    REQUIRE(store->Close().ok());
    auto reopened = MustOpen(env.get(), o);
    CHECK(reopened->committed_tx() == static_cast<uint64_t>(20 * (round + 1)));
    for (const auto& [k, v] : model) {
      auto got = reopened->Get(k);
      REQUIRE_MESSAGE(got.ok(), k);
      CHECK(got->value == v);
    }
    for (uint64_t id = 1; id <= reopened->committed_tx(); id++) {
      CHECK_MESSAGE(reopened->VerifyTx(id).ok(), id);
    }
  }
}

TEST_CASE("store: proofs of every entry of big transactions use the hint runs") {
  auto env = NewMemEnv();
  std::vector<size_t> sizes = {1, 15, 16, 17, 31, 32, 33, 100, 257};
  std::map<std::string, std::string> want;
  {
    auto store = MustOpen(env.get(), MemOptions(env.get()));
    for (size_t t = 0; t < sizes.size(); t++) {
      std::vector<Entry> batch;
      for (size_t j = 0; j < sizes[t]; j++) {
        // Values of varying length, so hint offsets are irregular.
        std::string k = "t" + std::to_string(t) + "/" + std::to_string(j);
        std::string v(1 + (j * 7) % 23, static_cast<char>('a' + j % 26));
        want[k] = v;
        batch.push_back(Entry{k, {}, v});
      }
      REQUIRE(store->CommitBatch(batch).ok());
    }
    REQUIRE(store->Close().ok());
  }
  for (int reopen = 0; reopen < 2; reopen++) {
    // Second round: the store replays every tx (checking hints) from the log.
    Options o = MemOptions(env.get());
    if (reopen == 1) REQUIRE(env->RemoveFile("/db/CHECKPOINT").ok());
    auto store = MustOpen(env.get(), o);
    if (reopen == 1) CHECK(store->Stats().recovered_txs == sizes.size());
    State trusted;
    trusted.db = "defaultdb";
    trusted.tx_id = 1;
    trusted.alh = store->ReadTxHeader(1)->Alh();
    for (const auto& [k, v] : want) {
      auto ve = store->VerifiableGet(k, 1);
      REQUIRE_MESSAGE(ve.ok(), ve.status().ToString());
      CHECK(ve->value == v);
      State next;
      Status s = VerifyEntry(*ve, trusted, &next);
      CHECK_MESSAGE(s.ok(), k << ": " << s.ToString());
      CHECK(store->VerifyTx(ve->tx.id).ok());
    }
  }
}

TEST_CASE("store: verifiable get proves entries against trusted states") {
  auto env = NewMemEnv();
  auto store = MustOpen(env.get(), MemOptions(env.get()));
  for (int i = 0; i < 50; i++) {
    std::vector<Entry> batch;
    for (int j = 0; j <= i % 5; j++) {
      batch.push_back(Entry{"k" + std::to_string(i) + "-" + std::to_string(j), {}, "v" + std::to_string(i)});
    }
    REQUIRE(store->CommitBatch(batch).ok());
  }
  State trusted;
  trusted.db = "defaultdb";
  // Trust on first use, then move forward with dual proofs.
  for (int i = 0; i < 50; i += 3) {
    const std::string key = "k" + std::to_string(i) + "-0";
    auto ve = store->VerifiableGet(key, trusted.tx_id);
    REQUIRE_MESSAGE(ve.ok(), ve.status().ToString());
    State next;
    Status s = VerifyEntry(*ve, trusted, &next);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    CHECK(ve->value == "v" + std::to_string(i));
    CHECK(next.tx_id == store->committed_tx());
    // Tampering with the value or the trusted Alh must fail.
    VerifiableEntry bad = *ve;
    bad.value += "!";
    CHECK_FALSE(VerifyEntry(bad, trusted, &next).ok());
    if (trusted.tx_id > 0) {
      State forged = trusted;
      forged.alh[0] ^= 1;
      CHECK_FALSE(VerifyEntry(*ve, forged, &next).ok());
    }
    trusted.tx_id = static_cast<uint64_t>(i + 1);
    trusted.alh = store->ReadTxHeader(trusted.tx_id)->Alh();
  }
  auto vs = store->VerifiableSet("fresh", "value", trusted.tx_id);
  REQUIRE(vs.ok());
  State next;
  CHECK(VerifyEntry(*vs, trusted, &next).ok());
  CHECK(next.tx_id == store->committed_tx());
  CHECK(store->CurrentState().tx_id == store->committed_tx());
  CHECK(store->CurrentState().alh == next.alh);
}

TEST_CASE("store: concurrent committers with group commit") {
  auto env = NewMemEnv();
  auto store = MustOpen(env.get(), MemOptions(env.get()));
  constexpr int kThreads = 8, kTxs = 60;
  std::vector<std::thread> threads;
  std::atomic<int> conflicts{0};
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kTxs; i++) {
        REQUIRE(store->Set("t" + std::to_string(t) + "-" + std::to_string(i), "v").ok());
        // A shared counter key: conflicts are expected, never lost updates.
        while (true) {
          auto txn = store->Begin();
          auto cur = txn->Get("counter");
          int n = cur.ok() ? std::stoi(cur->value) : 0;
          REQUIRE(txn->Set("counter", std::to_string(n + 1)).ok());
          auto c = txn->Commit();
          if (c.ok()) break;
          REQUIRE(c.status().IsConflict());
          conflicts++;
        }
        auto g = store->Get("t" + std::to_string(t) + "-" + std::to_string(i));
        REQUIRE(g.ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(store->Get("counter")->value == std::to_string(kThreads * kTxs));
  CHECK(store->committed_tx() == static_cast<uint64_t>(2 * kThreads * kTxs));
  for (uint64_t id = 1; id <= store->committed_tx(); id += 17) CHECK(store->VerifyTx(id).ok());
}

}  // namespace
}  // namespace immu
