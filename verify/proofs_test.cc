#include "verify/proofs.h"

#include <doctest/doctest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

namespace immu {
namespace {

struct TestEntry {
  std::string key, md, value;
};

// A real chain: entries -> Eh -> headers with the Alh chain and the global
// tree (leaf i = LeafHash(Alh(i+1))) grown with a Frontier, as a server does.
struct Chain {
  std::vector<std::vector<TestEntry>> entries;  // entries[id - 1]
  std::vector<TxHeader> headers;            // headers[id - 1]
  std::vector<Hash> global_leaves;

  explicit Chain(int n) {
    merkle::Frontier tree;
    Hash prev = kZeroHash;
    for (int id = 1; id <= n; id++) {
      std::vector<TestEntry> es;
      std::vector<Hash> digests;
      for (int j = 0; j <= (id * 7) % 5; j++) {
        TestEntry e{"k" + std::to_string(id) + "." + std::to_string(j),
                j == 2 ? EntryMetadata{EntryMetadata::kDeleted}.Encode() : "",
                "value " + std::to_string(id * 100 + j)};
        digests.push_back(EntryDigest(e.key, e.md, e.value));
        es.push_back(e);
      }
      TxHeader h;
      h.id = id;
      h.ts = 1700000000000000 + id;
      h.nentries = static_cast<uint32_t>(es.size());
      h.eh = merkle::RootOfLeafHashes(digests);
      h.bl_tx_id = id - 1;
      h.bl_root = tree.Root();
      h.prev_alh = prev;
      if (id % 4 == 0) h.metadata = "meta" + std::to_string(id);
      prev = h.Alh();
      tree.Append(merkle::LeafHash(prev));
      global_leaves.push_back(merkle::LeafHash(prev));
      headers.push_back(h);
      entries.push_back(es);
    }
  }

  const TxHeader& Header(uint64_t id) const { return headers[id - 1]; }

  DualProof Dual(uint64_t source, uint64_t target) const {
    merkle::SpanSubtreeSource src(global_leaves);
    DualProof p;
    p.source = Header(source);
    p.target = Header(target);
    if (source < target) {
      p.inclusion = merkle::InclusionProof(src, source - 1, target - 1).value();
      if (source > 1) {
        p.consistency = merkle::ConsistencyProof(src, source - 1, target - 1).value();
      }
    }
    return p;
  }

  VerifiableEntry MakeEntry(uint64_t tx, size_t index, uint64_t target, uint64_t trusted) const {
    VerifiableEntry ve;
    const auto& es = entries[tx - 1];
    ve.key = es[index].key;
    ve.metadata = es[index].md;
    ve.value = es[index].value;
    ve.tx = Header(tx);
    std::vector<Hash> digests;
    for (const auto& e : es) digests.push_back(EntryDigest(e.key, e.md, e.value));
    merkle::SpanSubtreeSource entry_src(digests);
    ve.entry_proof.leaf = index;
    ve.entry_proof.width = digests.size();
    ve.entry_proof.terms = merkle::InclusionProof(entry_src, index, digests.size()).value();
    ve.target = Header(target);
    if (tx < target) {
      merkle::SpanSubtreeSource src(global_leaves);
      ve.tx_inclusion = merkle::InclusionProof(src, tx - 1, target - 1).value();
    }
    if (trusted > 0) ve.dual = Dual(trusted, target);
    return ve;
  }

  State Trusted(uint64_t id) const {
    State s;
    s.db = "defaultdb";
    s.tx_id = id;
    if (id > 0) s.alh = Header(id).Alh();
    return s;
  }
};

// One copy of h per field, each with that field changed.
std::vector<std::pair<std::string, TxHeader>> HeaderTampers(const TxHeader& h) {
  std::vector<std::pair<std::string, TxHeader>> out;
  auto add = [&](const char* name, const std::function<void(TxHeader*)>& f) {
    TxHeader c = h;
    f(&c);
    out.emplace_back(name, c);
  };
  add("id", [](TxHeader* c) { c->id++; });
  add("ts", [](TxHeader* c) { c->ts ^= 1; });
  add("version", [](TxHeader* c) { c->version++; });
  add("nentries", [](TxHeader* c) { c->nentries++; });
  add("eh", [](TxHeader* c) { c->eh[3] ^= 1; });
  add("bl_tx_id", [](TxHeader* c) { c->bl_tx_id++; });
  add("bl_root", [](TxHeader* c) { c->bl_root[31] ^= 0x40; });
  add("prev_alh", [](TxHeader* c) { c->prev_alh[0] ^= 1; });
  add("metadata", [](TxHeader* c) { c->metadata += "!"; });
  return out;
}

void FlipEach(std::vector<Hash>* hs, const std::function<void()>& check) {
  for (size_t i = 0; i < hs->size(); i++) {
    for (size_t byte : {size_t{0}, size_t{17}, size_t{31}}) {
      (*hs)[i][byte] ^= 0x10;
      check();
      (*hs)[i][byte] ^= 0x10;
    }
  }
}

TEST_CASE("entry proof") {
  const Chain chain(5);
  const VerifiableEntry ve = chain.MakeEntry(4, 2, 5, 0);
  CHECK(VerifyEntryProof(ve.key, ve.metadata, ve.value, ve.entry_proof, ve.tx.eh).ok());
  EntryProof bad = ve.entry_proof;
  bad.leaf = 1;
  const Status s = VerifyEntryProof(ve.key, ve.metadata, ve.value, bad, ve.tx.eh);
  CHECK(s.code() == StatusCode::kVerificationFailed);
  CHECK(s.message().find("entry proof") != std::string::npos);
  CHECK_FALSE(VerifyEntryProof(ve.key + "x", ve.metadata, ve.value, ve.entry_proof, ve.tx.eh).ok());
  CHECK_FALSE(VerifyEntryProof(ve.key, "\x02", ve.value, ve.entry_proof, ve.tx.eh).ok());
  CHECK_FALSE(VerifyEntryProof(ve.key, ve.metadata, "", ve.entry_proof, ve.tx.eh).ok());
}

TEST_CASE("dual proofs between every pair of a chain") {
  const int n = 17;
  const Chain chain(n);
  for (uint64_t s = 1; s <= n; s++) {
    for (uint64_t t = s; t <= n; t++) {
      CAPTURE(s);
      CAPTURE(t);
      const Hash sa = chain.Header(s).Alh();
      const Hash ta = chain.Header(t).Alh();
      DualProof p = chain.Dual(s, t);
      REQUIRE(VerifyDualProof(p, s, sa, t, ta).ok());
      if (s != t) {
        CHECK_FALSE(VerifyDualProof(p, s, ta, t, ta).ok());
        CHECK_FALSE(VerifyDualProof(p, s, sa, t, sa).ok());
        CHECK_FALSE(VerifyDualProof(p, t, ta, s, sa).ok());
      }
      CHECK_FALSE(VerifyDualProof(p, s + 1, sa, t, ta).ok());
      CHECK_FALSE(VerifyDualProof(p, s, sa, t + 1, ta).ok());
      CHECK_FALSE(VerifyDualProof(p, 0, sa, t, ta).ok());
      for (const auto& [field, h] : HeaderTampers(p.source)) {
        CAPTURE(field);
        DualProof bad = p;
        bad.source = h;
        CHECK_FALSE(VerifyDualProof(bad, s, sa, t, ta).ok());
      }
      for (const auto& [field, h] : HeaderTampers(p.target)) {
        CAPTURE(field);
        DualProof bad = p;
        bad.target = h;
        CHECK_FALSE(VerifyDualProof(bad, s, sa, t, ta).ok());
      }
      FlipEach(&p.inclusion, [&] { CHECK_FALSE(VerifyDualProof(p, s, sa, t, ta).ok()); });
      FlipEach(&p.consistency, [&] { CHECK_FALSE(VerifyDualProof(p, s, sa, t, ta).ok()); });
      DualProof extra = p;
      extra.consistency.push_back(sa);
      CHECK_FALSE(VerifyDualProof(extra, s, sa, t, ta).ok());
      extra = p;
      extra.inclusion.push_back(sa);
      CHECK_FALSE(VerifyDualProof(extra, s, sa, t, ta).ok());
    }
  }
}

TEST_CASE("VerifyEntry accepts every honest answer") {
  const int n = 10;
  const Chain chain(n);
  for (uint64_t target = 1; target <= n; target++) {
    for (uint64_t tx = 1; tx <= target; tx++) {
      for (uint64_t trusted = 0; trusted <= target; trusted++) {
        CAPTURE(target);
        CAPTURE(tx);
        CAPTURE(trusted);
        const size_t index = (tx + trusted) % chain.entries[tx - 1].size();
        const VerifiableEntry ve = chain.MakeEntry(tx, index, target, trusted);
        State next;
        next.signature = "stale";
        const Status s = VerifyEntry(ve, chain.Trusted(trusted), &next);
        REQUIRE_MESSAGE(s.ok(), s.ToString());
        CHECK(next.db == "defaultdb");
        CHECK(next.tx_id == target);
        CHECK(next.alh == chain.Header(target).Alh());
        CHECK(next.signature.empty());
        // A trusted state newer than the answer's target is refused.
        if (target < n) {
          const Status newer = VerifyEntry(ve, chain.Trusted(target + 1), &next);
          CHECK(newer.code() == StatusCode::kVerificationFailed);
        }
      }
    }
  }
}

// Every field of a VerifiableEntry and of the trusted state, changed one at
// a time, must make VerifyEntry fail.
void CheckTampering(const Chain& chain, uint64_t tx, size_t index, uint64_t target,
                    uint64_t trusted_id) {
  CAPTURE(tx);
  CAPTURE(target);
  CAPTURE(trusted_id);
  const VerifiableEntry good = chain.MakeEntry(tx, index, target, trusted_id);
  const State trusted = chain.Trusted(trusted_id);
  State next;
  REQUIRE(VerifyEntry(good, trusted, &next).ok());
  auto fails = [&](const VerifiableEntry& ve, const std::string& what) {
    CAPTURE(what);
    const Status s = VerifyEntry(ve, trusted, &next);
    CHECK(s.code() == StatusCode::kVerificationFailed);
    CHECK_FALSE(s.message().empty());
  };
  VerifiableEntry ve = good;
  ve.key += "x";
  fails(ve, "key");
  ve = good;
  ve.metadata = ve.metadata.empty() ? "\x01" : "";
  fails(ve, "metadata");
  ve = good;
  ve.value[0] ^= 1;
  fails(ve, "value");
  ve = good;
  ve.entry_proof.leaf ^= 1;
  fails(ve, "entry_proof.leaf");
  ve = good;
  ve.entry_proof.width++;
  fails(ve, "entry_proof.width");
  ve = good;
  FlipEach(&ve.entry_proof.terms, [&] { fails(ve, "entry_proof.terms"); });
  ve = good;
  ve.entry_proof.terms.push_back(kZeroHash);
  fails(ve, "entry_proof.terms appended");
  for (const auto& [field, h] : HeaderTampers(good.tx)) {
    ve = good;
    ve.tx = h;
    fails(ve, "tx." + field);
  }
  for (const auto& [field, h] : HeaderTampers(good.target)) {
    ve = good;
    ve.target = h;
    if (trusted_id > 0 || tx == target || field == "id" || field == "bl_tx_id" ||
        field == "bl_root") {
      fails(ve, "target." + field);
    } else {
      // Trust on first use: nothing older pins the target, only its bl_root
      // is checked (through the tx inclusion). A changed target is still
      // caught, because it becomes the new trusted state and the next dual
      // proof from the real history will not match it.
      CAPTURE(field);
      REQUIRE(VerifyEntry(ve, trusted, &next).ok());
      CHECK(next.alh != good.target.Alh());
    }
  }
  ve = good;
  FlipEach(&ve.tx_inclusion, [&] { fails(ve, "tx_inclusion"); });
  ve = good;
  ve.tx_inclusion.push_back(kZeroHash);
  fails(ve, "tx_inclusion appended");
  if (trusted_id > 0) {
    for (const auto& [field, h] : HeaderTampers(good.dual.source)) {
      ve = good;
      ve.dual.source = h;
      fails(ve, "dual.source." + field);
    }
    for (const auto& [field, h] : HeaderTampers(good.dual.target)) {
      ve = good;
      ve.dual.target = h;
      fails(ve, "dual.target." + field);
    }
    ve = good;
    FlipEach(&ve.dual.inclusion, [&] { fails(ve, "dual.inclusion"); });
    ve = good;
    FlipEach(&ve.dual.consistency, [&] { fails(ve, "dual.consistency"); });
    State forged = trusted;
    forged.alh[9] ^= 2;
    CHECK_FALSE(VerifyEntry(good, forged, &next).ok());
    forged = trusted;
    forged.tx_id--;
    if (forged.tx_id > 0) CHECK_FALSE(VerifyEntry(good, forged, &next).ok());
  }
}

TEST_CASE("VerifyEntry detects tampering with every field") {
  const Chain chain(12);
  CheckTampering(chain, 3, 1, 9, 5);   // tx < trusted < target
  CheckTampering(chain, 6, 2, 11, 2);  // trusted < tx < target
  CheckTampering(chain, 1, 0, 12, 1);  // tx 1, consistency from the empty tree
  CheckTampering(chain, 7, 0, 7, 7);   // everything at the same tx
  CheckTampering(chain, 4, 0, 8, 0);   // trust on first use
}

bool SameEntry(const VerifiableEntry& a, const VerifiableEntry& b) {
  return EncodeVerifiableEntry(a) == EncodeVerifiableEntry(b) && a.key == b.key &&
         a.metadata == b.metadata && a.value == b.value && a.tx == b.tx && a.target == b.target &&
         a.entry_proof.terms == b.entry_proof.terms && a.tx_inclusion == b.tx_inclusion &&
         a.dual.source == b.dual.source && a.dual.consistency == b.dual.consistency;
}

TEST_CASE("dual proof encoding vector") {
  // docs/proof_vectors.py builds the same three transactions (see
  // tx_header_test.cc) and encodes the dual proof from tx 2 to tx 3.
  Hash leaf1{};
  Hash leaf2{};
  REQUIRE(FromHex("59360ac598c266b38824b5c377ff6d93b7a9080d7d302c70fe28075967dcce51", &leaf1));
  REQUIRE(FromHex("d02f489887a17c4f577caae4031d6af554b4fbd8cfda0ebf5af40bfbb093ed88", &leaf2));
  const std::string want_hex =
      "00000084"
      "000000000000000200060a24181e4001000000010000000151735d45333cc3b2e1018e59685cd8b70a6197da"
      "e010aad8961564c9f2e08f26000000000000000159360ac598c266b38824b5c377ff6d93b7a9080d7d302c70"
      "fe28075967dcce514614a6c1cabdb7339e76329b1d0d094d0ea466f1d059174d4517473af962184000000000"
      "00000086"
      "0000000000000003fffffffffffffffb0000000100000001ff1ca96e576ad54fc39ef076057fc1c0736fdcf2"
      "c6597263efc61ff662736fad0000000000000002a25ee1fc7f0db962617cc599b3590b02686517ce495a503f"
      "33303dcf7e89f71e5a566b9603baf0f3de2b5d302b5e22cdadd99c28b3744a58a8c96116b1c43583000000"
      "026d64"
      "0000000159360ac598c266b38824b5c377ff6d93b7a9080d7d302c70fe28075967dcce51"
      "00000001d02f489887a17c4f577caae4031d6af554b4fbd8cfda0ebf5af40bfbb093ed88";
  std::string bytes;
  for (size_t i = 0; i < want_hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(want_hex.substr(i, 2), nullptr, 16)));
  }
  auto p = DecodeDualProof(bytes);
  REQUIRE(p.ok());
  CHECK(p->source.id == 2);
  CHECK(p->target.id == 3);
  CHECK(p->target.metadata == "md");
  CHECK(p->inclusion == std::vector<Hash>{leaf1});
  CHECK(p->consistency == std::vector<Hash>{leaf2});
  CHECK(ToHex(AsBytes(EncodeDualProof(*p))) == want_hex);
  const Status s = VerifyDualProof(*p, 2, p->source.Alh(), 3, p->target.Alh());
  CHECK_MESSAGE(s.ok(), s.ToString());
  // Global tree of size 1 is LeafHash(Alh1) (= tx 2's bl_root, = leaf1);
  // of size 2, [LeafHash(Alh1), LeafHash(Alh2)].
  CHECK(p->source.bl_root == leaf1);
  CHECK(merkle::LeafHash(p->source.Alh()) == leaf2);
  CHECK(merkle::NodeHash(leaf1, leaf2) == p->target.bl_root);
}

TEST_CASE("proof encodings round trip and survive arbitrary bytes") {
  const Chain chain(9);
  std::vector<std::string> encodings;
  for (uint64_t trusted : {0, 1, 4, 9}) {
    const VerifiableEntry ve = chain.MakeEntry(4, 1, 9, trusted);
    const std::string enc = EncodeVerifiableEntry(ve);
    auto back = DecodeVerifiableEntry(enc);
    REQUIRE(back.ok());
    CHECK(SameEntry(*back, ve));
    State next;
    CHECK(VerifyEntry(*back, chain.Trusted(trusted), &next).ok());
    encodings.push_back(enc);
    if (trusted > 0) {
      const std::string dual = EncodeDualProof(ve.dual);
      auto d = DecodeDualProof(dual);
      REQUIRE(d.ok());
      CHECK(EncodeDualProof(*d) == dual);
      encodings.push_back(dual);
    }
  }
  std::mt19937_64 rng(7);
  for (const std::string& enc : encodings) {
    // Every truncation and any trailing byte is rejected.
    for (size_t cut = 0; cut < enc.size(); cut++) {
      const std::string_view prefix = std::string_view(enc).substr(0, cut);
      CHECK_FALSE(DecodeVerifiableEntry(prefix).ok());
      CHECK_FALSE(DecodeDualProof(prefix).ok());
    }
    CHECK_FALSE(DecodeVerifiableEntry(enc + '\0').ok());
    CHECK_FALSE(DecodeDualProof(enc + '\0').ok());
    // Random byte mutations: decoding may succeed, but must not crash.
    for (int i = 0; i < 2000; i++) {
      std::string m = enc;
      for (int k = 0; k < 1 + static_cast<int>(rng() % 4); k++) {
        m[rng() % m.size()] = static_cast<char>(rng());
      }
      auto ve = DecodeVerifiableEntry(m);
      if (ve.ok()) {
        State next;
        (void)VerifyEntry(*ve, chain.Trusted(0), &next);
      }
      (void)DecodeDualProof(m);
    }
  }
  for (int i = 0; i < 20000; i++) {
    std::string junk(rng() % 600, '\0');
    for (char& c : junk) c = static_cast<char>(rng() % 4 == 0 ? 0xff : rng());
    CHECK_FALSE(DecodeVerifiableEntry(junk).ok());
    (void)DecodeDualProof(junk);
  }
  // Huge declared counts must not allocate: 0xffffffff hashes in 4 bytes.
  CHECK_FALSE(DecodeDualProof(std::string(8, '\0') + "\xff\xff\xff\xff").ok());
}

}  // namespace
}  // namespace immu
