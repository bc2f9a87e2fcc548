#include "verify/tx_header.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "verify/entry.h"
#include "verify/merkle.h"

namespace immu {
namespace {

Hash H(std::string_view hex) {
  Hash h{};
  REQUIRE(FromHex(hex, &h));
  return h;
}

// The three-transaction chain of docs/PROOFS.md; expected values come from
// docs/proof_vectors.py (Python hashlib).
std::vector<TxHeader> VectorChain() {
  constexpr int64_t kTs = 1700000000000000;
  std::vector<TxHeader> chain(3);
  TxHeader& t1 = chain[0];
  t1.id = 1;
  t1.ts = kTs;
  t1.nentries = 2;
  const std::vector<Hash> d1 = {EntryDigest("key1", "", "value1"),
                                EntryDigest("key2", "", "value2")};
  t1.eh = merkle::RootOfLeafHashes(d1);
  t1.bl_tx_id = 0;
  t1.bl_root = merkle::EmptyRoot();
  t1.prev_alh = kZeroHash;

  merkle::Frontier tree;
  tree.Append(merkle::LeafHash(t1.Alh()));
  TxHeader& t2 = chain[1];
  t2.id = 2;
  t2.ts = kTs + 1;
  t2.nentries = 1;
  t2.eh = EntryDigest("key1", "\x01", "");
  t2.bl_tx_id = 1;
  t2.bl_root = tree.Root();
  t2.prev_alh = t1.Alh();

  tree.Append(merkle::LeafHash(t2.Alh()));
  TxHeader& t3 = chain[2];
  t3.id = 3;
  t3.ts = -5;  // negative times encode as two's complement
  t3.nentries = 1;
  t3.eh = EntryDigest("key3", "", "v3");
  t3.bl_tx_id = 2;
  t3.bl_root = tree.Root();
  t3.prev_alh = t2.Alh();
  t3.metadata = "md";
  return chain;
}

TEST_CASE("tx header hash vectors") {
  const std::vector<TxHeader> chain = VectorChain();
  struct Want {
    const char *eh, *bl_root, *inner, *alh, *encoded;
  };
  const Want want[3] = {
      {"423077a6a5612cb775f319e0dc5df8fad4a1e6f159c6b24907004c0be9ad3d66",
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "38274f42015177f6e36b05b776ae00772b36ec7f9a90112410ede96228ccc9c8",
       "4614a6c1cabdb7339e76329b1d0d094d0ea466f1d059174d4517473af9621840",
       "000000000000000100060a24181e40000000000100000002423077a6a5612cb775f319e0dc5df8fad4a1e6f1"
       "59c6b24907004c0be9ad3d660000000000000000e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934c"
       "a495991b7852b855000000000000000000000000000000000000000000000000000000000000000000000000"},
      {"51735d45333cc3b2e1018e59685cd8b70a6197dae010aad8961564c9f2e08f26",
       "59360ac598c266b38824b5c377ff6d93b7a9080d7d302c70fe28075967dcce51",
       "4286695133d044f2402c837dbfc07d3c25d089aa33b5f8b5de901da3a3220a77",
       "5a566b9603baf0f3de2b5d302b5e22cdadd99c28b3744a58a8c96116b1c43583",
       "000000000000000200060a24181e4001000000010000000151735d45333cc3b2e1018e59685cd8b70a6197da"
       "e010aad8961564c9f2e08f26000000000000000159360ac598c266b38824b5c377ff6d93b7a9080d7d302c70"
       "fe28075967dcce514614a6c1cabdb7339e76329b1d0d094d0ea466f1d059174d4517473af962184000000000"},
      {"ff1ca96e576ad54fc39ef076057fc1c0736fdcf2c6597263efc61ff662736fad",
       "a25ee1fc7f0db962617cc599b3590b02686517ce495a503f33303dcf7e89f71e",
       "ca903b1aee750f146fa880d10ae66d765d197b817b55dda37b992732a51a99e0",
       "7bd15c3b24390d2e2f5cf99aa8442b579635c4a688664b23dc272cc435b82100",
       "0000000000000003fffffffffffffffb0000000100000001ff1ca96e576ad54fc39ef076057fc1c0736fdcf2"
       "c6597263efc61ff662736fad0000000000000002a25ee1fc7f0db962617cc599b3590b02686517ce495a503f"
       "33303dcf7e89f71e5a566b9603baf0f3de2b5d302b5e22cdadd99c28b3744a58a8c96116b1c43583000000"
       "026d64"},
  };
  for (int i = 0; i < 3; i++) {
    CAPTURE(i);
    const TxHeader& h = chain[i];
    CHECK(ToHex(h.eh) == want[i].eh);
    CHECK(ToHex(h.bl_root) == want[i].bl_root);
    CHECK(ToHex(h.InnerHash()) == want[i].inner);
    CHECK(ToHex(h.Alh()) == want[i].alh);
    CHECK(ToHex(AsBytes(h.Encode())) == want[i].encoded);
  }
  CHECK(chain[2].prev_alh == H(want[1].alh));
}

TEST_CASE("every header field changes the Alh") {
  const TxHeader base = VectorChain()[2];
  const Hash alh = base.Alh();
  std::vector<TxHeader> variants(9, base);
  variants[0].id++;
  variants[1].ts++;
  variants[2].version++;
  variants[3].nentries++;
  variants[4].eh[31] ^= 1;
  variants[5].bl_tx_id++;
  variants[6].bl_root[0] ^= 0x80;
  variants[7].prev_alh[5] ^= 4;
  variants[8].metadata += "x";
  for (size_t i = 0; i < variants.size(); i++) {
    CAPTURE(i);
    CHECK(variants[i].Alh() != alh);
    CHECK_FALSE(variants[i] == base);
  }
  // The id and prev_alh are outside the inner hash; everything else inside.
  CHECK(variants[0].InnerHash() == base.InnerHash());
  CHECK(variants[7].InnerHash() == base.InnerHash());
  for (size_t i = 1; i < 7; i++) CHECK(variants[i].InnerHash() != base.InnerHash());
}

TEST_CASE("tx header encode/decode round trip and rejection") {
  for (const TxHeader& h : VectorChain()) {
    auto back = TxHeader::Decode(h.Encode());
    REQUIRE(back.ok());
    CHECK(*back == h);
    const std::string enc = h.Encode();
    for (size_t cut = 0; cut < enc.size(); cut++) {
      auto r = TxHeader::Decode(std::string_view(enc).substr(0, cut));
      REQUIRE_FALSE(r.ok());
      CHECK((r.status().IsCorruption() || r.status().code() == StatusCode::kInvalidArgument));
    }
    CHECK_FALSE(TxHeader::Decode(enc + "x").ok());
  }
  // A metadata length far beyond the input must not allocate or read past it.
  std::string enc = VectorChain()[0].Encode();
  enc[enc.size() - 4] = '\xff';
  CHECK(TxHeader::Decode(enc).status().IsCorruption());

  std::mt19937_64 rng(42);
  for (int i = 0; i < 20000; i++) {
    std::string junk(rng() % 200, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    auto r = TxHeader::Decode(junk);
    if (r.ok()) CHECK(r->Encode() == junk);
  }
}

}  // namespace
}  // namespace immu
