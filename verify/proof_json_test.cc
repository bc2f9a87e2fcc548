#include "verify/proof_json.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "verify/merkle.h"

namespace immu {
namespace {

// The three-transaction chain of docs/PROOFS.md ("Vectors"), whose proof
// documents are the worked examples of docs/VERIFICATION.md.
struct DocChain {
  std::vector<std::vector<ProofEntry>> entries;
  std::vector<TxHeader> headers;
  std::vector<Hash> leaves;  // global tree leaves

  DocChain() {
    entries = {{{"key1", "", "value1"}, {"key2", "", "value2"}},
               {{"key1", EntryMetadata{EntryMetadata::kDeleted}.Encode(), ""}},
               {{"key3", "", "v3"}}};
    const int64_t ts[] = {1700000000000000, 1700000000000001, -5};
    Hash prev = kZeroHash;
    for (uint64_t id = 1; id <= 3; id++) {
      std::vector<Hash> digests;
      for (const auto& e : entries[id - 1]) digests.push_back(EntryDigest(e.key, e.metadata, e.value));
      TxHeader h;
      h.id = id;
      h.ts = ts[id - 1];
      h.nentries = static_cast<uint32_t>(digests.size());
      h.eh = merkle::RootOfLeafHashes(digests);
      h.bl_tx_id = id - 1;
      h.bl_root = merkle::RootOfLeafHashes(leaves);
      h.prev_alh = prev;
      if (id == 3) h.metadata = "md";
      prev = h.Alh();
      leaves.push_back(merkle::LeafHash(prev));
      headers.push_back(h);
    }
  }

  std::vector<Hash> TxInclusion(uint64_t tx, uint64_t target) const {
    if (tx == target) return {};
    merkle::SpanSubtreeSource src(leaves);
    return merkle::InclusionProof(src, tx - 1, target - 1).value();
  }
  std::vector<Hash> Consistency(uint64_t from, uint64_t target) const {
    if (from == target || from == 1) return {};
    merkle::SpanSubtreeSource src(leaves);
    return merkle::ConsistencyProof(src, from - 1, target - 1).value();
  }

  State StateAt(uint64_t id) const { return State{"defaultdb", id, headers[id - 1].Alh(), "", ""}; }

  // "key2" of tx 1 proven to the state at tx 3, from a client trusting tx 2.
  ProofDocument KvDoc() const {
    ProofDocument d;
    d.kind = "kv";
    d.revision = 1;
    d.since_tx = 2;
    d.state = StateAt(3);
    d.tx = headers[0];
    d.target = headers[2];
    d.entry = entries[0][1];
    d.entry_proof.leaf = 1;
    d.entry_proof.width = 2;
    std::vector<Hash> digests;
    for (const auto& e : entries[0]) digests.push_back(EntryDigest(e.key, e.metadata, e.value));
    merkle::SpanSubtreeSource esrc(digests);
    d.entry_proof.terms = merkle::InclusionProof(esrc, 1, 2).value();
    d.tx_inclusion = TxInclusion(1, 3);
    d.dual = DualProof{headers[1], headers[2], TxInclusion(2, 3), Consistency(2, 3)};
    return d;
  }

  // All of tx 2 proven to the state at tx 3, from a client trusting tx 1.
  ProofDocument TxDoc() const {
    ProofDocument d;
    d.kind = "tx";
    d.since_tx = 1;
    d.state = StateAt(3);
    d.tx = headers[1];
    d.target = headers[2];
    d.entries = entries[1];
    d.tx_inclusion = TxInclusion(2, 3);
    d.tx_consistency = Consistency(2, 3);
    d.dual = DualProof{headers[0], headers[2], TxInclusion(1, 3), Consistency(1, 3)};
    return d;
  }
};

// docs/VERIFICATION.md, "Worked example": the exact document.
const char* const kKvDocJson =
    R"({"format":"immudb-cpp/proof/v1","kind":"kv","revision":1,)"
    R"("entry":{"key":"6b657932","metadata":"","value":"76616c756532"},)"
    R"("entry_proof":{"leaf":1,"width":2,"terms":["c70d19b4b7300bbf3cfafa6ab3aa965db1d843fcc937ee601f703da591d6fd9a"]},)"
    R"("tx":{"id":1,"ts":1700000000000000,"version":1,"nentries":2,)"
    R"("eh":"423077a6a5612cb775f319e0dc5df8fad4a1e6f159c6b24907004c0be9ad3d66","bl_tx_id":0,)"
    R"("bl_root":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",)"
    R"("prev_alh":"0000000000000000000000000000000000000000000000000000000000000000","metadata":"",)"
    R"("alh":"4614a6c1cabdb7339e76329b1d0d094d0ea466f1d059174d4517473af9621840"},)"
    R"("tx_inclusion":["d02f489887a17c4f577caae4031d6af554b4fbd8cfda0ebf5af40bfbb093ed88"],)"
    R"("target":{"id":3,"ts":-5,"version":1,"nentries":1,)"
    R"("eh":"ff1ca96e576ad54fc39ef076057fc1c0736fdcf2c6597263efc61ff662736fad","bl_tx_id":2,)"
    R"("bl_root":"a25ee1fc7f0db962617cc599b3590b02686517ce495a503f33303dcf7e89f71e",)"
    R"("prev_alh":"5a566b9603baf0f3de2b5d302b5e22cdadd99c28b3744a58a8c96116b1c43583","metadata":"6d64",)"
    R"("alh":"7bd15c3b24390d2e2f5cf99aa8442b579635c4a688664b23dc272cc435b82100"},)"
    R"("state":{"db":"defaultdb","tx_id":3,"alh":"7bd15c3b24390d2e2f5cf99aa8442b579635c4a688664b23dc272cc435b82100",)"
    R"("signature":null,"public_key":null},"since_tx":2,)"
    R"("dual":{"source":{"id":2,"ts":1700000000000001,"version":1,"nentries":1,)"
    R"("eh":"51735d45333cc3b2e1018e59685cd8b70a6197dae010aad8961564c9f2e08f26","bl_tx_id":1,)"
    R"("bl_root":"59360ac598c266b38824b5c377ff6d93b7a9080d7d302c70fe28075967dcce51",)"
    R"("prev_alh":"4614a6c1cabdb7339e76329b1d0d094d0ea466f1d059174d4517473af9621840","metadata":"",)"
    R"("alh":"5a566b9603baf0f3de2b5d302b5e22cdadd99c28b3744a58a8c96116b1c43583"},)"
    R"("inclusion":["59360ac598c266b38824b5c377ff6d93b7a9080d7d302c70fe28075967dcce51"],)"
    R"("consistency":["d02f489887a17c4f577caae4031d6af554b4fbd8cfda0ebf5af40bfbb093ed88"]}})";

TEST_CASE("the worked example of docs/VERIFICATION.md is what ProofToJson writes and verifies") {
  DocChain c;
  const ProofDocument d = c.KvDoc();
  CHECK(ProofToJson(d) == kKvDocJson);
  auto parsed = ProofFromJson(kKvDocJson);
  REQUIRE(parsed.ok());
  CHECK(*parsed == d);
  State next;
  CHECK(VerifyProofDocument(*parsed, c.StateAt(2), "", &next).ok());
  CHECK(next == c.StateAt(3));
  // Trust on first use: no dual proof needed.
  CHECK(VerifyProofDocument(*parsed, State{"defaultdb", 0, kZeroHash, "", ""}, "", &next).ok());
}

TEST_CASE("a tx proof document round-trips and verifies") {
  DocChain c;
  const ProofDocument d = c.TxDoc();
  auto parsed = ProofFromJson(ProofToJson(d));
  REQUIRE(parsed.ok());
  CHECK(*parsed == d);
  State next;
  CHECK(VerifyProofDocument(*parsed, c.StateAt(1), "", &next).ok());
  CHECK(next.tx_id == 3);
}

TEST_CASE("every tampered field of a proof document is rejected") {
  DocChain c;
  const State trusted = c.StateAt(2);
  auto fails = [&](ProofDocument d, const State& t) {
    return !VerifyProofDocument(d, t, "", nullptr).ok();
  };
  ProofDocument d = c.KvDoc();
  CHECK_FALSE(fails(d, trusted));
  { auto x = d; x.entry.value = "value3"; CHECK(fails(x, trusted)); }
  { auto x = d; x.entry.key = "key1"; CHECK(fails(x, trusted)); }
  { auto x = d; x.entry.metadata = EntryMetadata{EntryMetadata::kDeleted}.Encode(); CHECK(fails(x, trusted)); }
  { auto x = d; x.entry_proof.terms[0][0] ^= 1; CHECK(fails(x, trusted)); }
  { auto x = d; x.tx.ts += 1; CHECK(fails(x, trusted)); }
  { auto x = d; x.tx_inclusion[0][5] ^= 1; CHECK(fails(x, trusted)); }
  { auto x = d; x.state.alh[0] ^= 1; CHECK(fails(x, trusted)); }
  { auto x = d; x.state.tx_id = 2; CHECK(fails(x, trusted)); }
  { auto x = d; x.dual.consistency[0][0] ^= 1; CHECK(fails(x, trusted)); }
  { auto x = d; x.since_tx = 1; CHECK(fails(x, trusted)); }
  // A client whose trusted state differs (another history) rejects it.
  { State other = trusted; other.alh[31] ^= 1; CHECK(fails(d, other)); }
  { State other = trusted; other.db = "otherdb"; CHECK(fails(d, other)); }
  ProofDocument t = c.TxDoc();
  { auto x = t; x.entries[0].value = "x"; CHECK(fails(x, c.StateAt(1))); }
  { auto x = t; x.entries.pop_back(); CHECK(fails(x, c.StateAt(1))); }
  { auto x = t; x.tx_consistency.clear(); CHECK(fails(x, c.StateAt(1))); }
}

TEST_CASE("a pinned server key requires a valid signature") {
  DocChain c;
  auto signer = Signer::Generate(SignatureAlgorithm::kEcdsaP256);
  REQUIRE(signer.ok());
  auto other = Signer::Generate(SignatureAlgorithm::kEd25519);
  REQUIRE(other.ok());
  ProofDocument d = c.KvDoc();
  const State trusted = c.StateAt(2);
  CHECK_FALSE(VerifyProofDocument(d, trusted, (*signer)->PublicKeyPem(), nullptr).ok());
  REQUIRE((*signer)->SignState(&d.state).ok());
  auto parsed = ProofFromJson(ProofToJson(d));
  REQUIRE(parsed.ok());
  State next;
  CHECK(VerifyProofDocument(*parsed, trusted, (*signer)->PublicKeyPem(), &next).ok());
  CHECK(next.signature == d.state.signature);
  CHECK_FALSE(VerifyProofDocument(*parsed, trusted, (*other)->PublicKeyPem(), nullptr).ok());
}

TEST_CASE("malformed proof documents are refused before verification") {
  CHECK_FALSE(ProofFromJson("").ok());
  CHECK_FALSE(ProofFromJson("[]").ok());
  CHECK_FALSE(ProofFromJson(R"({"format":"other","kind":"kv"})").ok());
  std::string doc = kKvDocJson;
  CHECK_FALSE(ProofFromJson(doc.substr(0, doc.size() - 1)).ok());
  CHECK_FALSE(ProofFromJson(doc + "x").ok());
  std::string bad_hash = doc;
  bad_hash.replace(bad_hash.find("c70d19b4"), 2, "zz");
  CHECK_FALSE(ProofFromJson(bad_hash).ok());
}

TEST_CASE("strings round-trip escaped; numbers must be integers of the right range") {
  DocChain c;
  ProofDocument d = c.KvDoc();
  d.state.db = "a\"b\\c\n\x01\xc3\xa9";
  auto parsed = ProofFromJson(ProofToJson(d));
  REQUIRE(parsed.ok());
  CHECK(parsed->state.db == d.state.db);
  std::string doc = kKvDocJson;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string x = doc;
    x.replace(x.find(from), from.size(), to);
    return ProofFromJson(x);
  };
  CHECK_FALSE(with(R"("leaf":1)", R"("leaf":1.0)").ok());
  CHECK_FALSE(with(R"("leaf":1)", R"("leaf":-1)").ok());
  CHECK_FALSE(with(R"("leaf":1)", R"("leaf":"1")").ok());
  CHECK_FALSE(with(R"("since_tx":2)", R"("since_tx":18446744073709551616)").ok());
  CHECK_FALSE(with(R"("nentries":2)", R"("nentries":4294967296)").ok());
  CHECK_FALSE(with(R"("ts":-5)", R"("ts":9223372036854775808)").ok());
  auto big = with(R"("ts":-5)", R"("ts":-9223372036854775808)");
  REQUIRE(big.ok());
  CHECK(big->target.ts == INT64_MIN);
  // Duplicate members are refused at any depth (two readers could disagree).
  CHECK_FALSE(with(R"("leaf":1)", R"("leaf":1,"leaf":0)").ok());
  CHECK_FALSE(with(R"("kind":"kv")", R"("kind":"kv","kind":"tx")").ok());
  // Unknown members are ignored.
  CHECK(with(R"("kind":"kv")", R"("kind":"kv","comment":{"x":[1,2]})").ok());
}

}  // namespace
}  // namespace immu

namespace immu {
namespace {

TEST_CASE("a state document proves consistency with the trusted state only") {
  DocChain c;
  ProofDocument d;
  d.kind = "state";
  d.since_tx = 1;
  d.state = c.StateAt(3);
  d.target = c.headers[2];
  d.dual = DualProof{c.headers[0], c.headers[2], c.TxInclusion(1, 3), c.Consistency(1, 3)};
  auto parsed = ProofFromJson(ProofToJson(d));
  REQUIRE(parsed.ok());
  CHECK(*parsed == d);
  State next;
  CHECK(VerifyProofDocument(*parsed, c.StateAt(1), "", &next).ok());
  CHECK(next == c.StateAt(3));
  // A client whose tx 1 was another one (history rewritten) rejects it.
  State forged = c.StateAt(1);
  forged.alh[0] ^= 0x80;
  CHECK_FALSE(VerifyProofDocument(*parsed, forged, "", nullptr).ok());
  // A server whose state is older than the client's (history cut) too.
  CHECK_FALSE(VerifyProofDocument(*parsed, State{"defaultdb", 4, kZeroHash, "", ""}, "", nullptr).ok());
}

}  // namespace
}  // namespace immu
