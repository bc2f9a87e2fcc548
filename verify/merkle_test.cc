#include "verify/merkle.h"

#include <doctest/doctest.h>

#include <bit>
#include <string>
#include <vector>

namespace immu::merkle {
namespace {

Hash H(std::string_view hex) {
  Hash h{};
  REQUIRE(FromHex(hex, &h));
  return h;
}

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// The reference tree of the certificate-transparency merkle_tree_test.cc.
const char* const kCtInputs[8] = {"",         "00",       "10",
                                  "2021",     "3031",     "40414243",
                                  "5051525354555657",     "606162636465666768696a6b6c6d6e6f"};
const char* const kCtRoots[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

std::vector<Hash> CtLeaves() {
  std::vector<Hash> leaves;
  for (const char* in : kCtInputs) leaves.push_back(LeafHash(AsBytes(Unhex(in))));
  return leaves;
}

// Checks that every range the generator asks for is an aligned subtree.
class AlignedSource : public SubtreeSource {
 public:
  explicit AlignedSource(std::span<const Hash> leaves) : inner_(leaves) {}
  uint64_t size() const override { return inner_.size(); }
  Result<Hash> Subtree(uint64_t begin, uint64_t end) const override {
    CHECK(begin < end);
    CHECK(begin % std::bit_floor(end - begin) == 0);
    return inner_.Subtree(begin, end);
  }

 private:
  SpanSubtreeSource inner_;
};

TEST_CASE("RFC 6962 reference roots") {
  CHECK(ToHex(EmptyRoot()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(RootOfLeafHashes({}) == EmptyRoot());
  const std::vector<Hash> leaves = CtLeaves();
  Frontier f;
  CHECK(f.Root() == EmptyRoot());
  for (size_t n = 1; n <= 8; n++) {
    CHECK(ToHex(RootOfLeafHashes(std::span(leaves).first(n))) == kCtRoots[n - 1]);
    f.Append(leaves[n - 1]);
    CHECK(f.size() == n);
    CHECK(ToHex(f.Root()) == kCtRoots[n - 1]);
  }
}

struct PathVector {
  uint64_t index;  // 0-based (the CT test numbers leaves from 1)
  uint64_t size;
  std::vector<const char*> path;
};

TEST_CASE("RFC 6962 reference inclusion paths") {
  const std::vector<PathVector> vectors = {
      {0, 8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5, 8,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1, 5,
       {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
      {0, 1, {}},
  };
  const std::vector<Hash> leaves = CtLeaves();
  AlignedSource src(leaves);
  for (const PathVector& v : vectors) {
    CAPTURE(v.index);
    CAPTURE(v.size);
    std::vector<Hash> want;
    for (const char* h : v.path) want.push_back(H(h));
    auto got = InclusionProof(src, v.index, v.size);
    REQUIRE(got.ok());
    CHECK(*got == want);
    const Hash root = H(kCtRoots[v.size - 1]);
    CHECK(VerifyInclusion(leaves[v.index], v.index, v.size, want, root).ok());
    CHECK(RootFromInclusionProof(leaves[v.index], v.index, v.size, want).value() == root);
  }
}

TEST_CASE("RFC 6962 reference consistency proofs") {
  struct ConsistencyVector {
    uint64_t old_size;
    uint64_t new_size;
    std::vector<const char*> proof;
  };
  const std::vector<ConsistencyVector> vectors = {
      {1, 1, {}},
      {1, 8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6, 8,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 5,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  const std::vector<Hash> leaves = CtLeaves();
  AlignedSource source(leaves);
  for (const ConsistencyVector& v : vectors) {
    CAPTURE(v.old_size);
    CAPTURE(v.new_size);
    std::vector<Hash> want;
    for (const char* h : v.proof) want.push_back(H(h));
    auto got = ConsistencyProof(source, v.old_size, v.new_size);
    REQUIRE(got.ok());
    CHECK(*got == want);
    CHECK(VerifyConsistency(v.old_size, v.new_size, H(kCtRoots[v.old_size - 1]),
                            H(kCtRoots[v.new_size - 1]), want)
              .ok());
  }
}

TEST_CASE("edge cases of the verifiers and generators") {
  const std::vector<Hash> leaves = CtLeaves();
  SpanSubtreeSource src(leaves);
  const Hash r1 = H(kCtRoots[0]);
  const Hash r2 = H(kCtRoots[1]);
  CHECK_FALSE(InclusionProof(src, 0, 0).ok());
  CHECK_FALSE(InclusionProof(src, 8, 8).ok());
  CHECK_FALSE(InclusionProof(src, 0, 9).ok());
  CHECK_FALSE(ConsistencyProof(src, 0, 3).ok());
  CHECK_FALSE(ConsistencyProof(src, 4, 3).ok());
  CHECK_FALSE(ConsistencyProof(src, 3, 9).ok());
  CHECK_FALSE(src.Subtree(3, 3).ok());
  CHECK_FALSE(src.Subtree(0, 9).ok());

  CHECK_FALSE(VerifyInclusion(leaves[0], 0, 0, {}, EmptyRoot()).ok());
  CHECK_FALSE(VerifyInclusion(leaves[0], 1, 1, {}, leaves[0]).ok());
  CHECK(VerifyInclusion(leaves[0], 0, 1, {}, leaves[0]).ok());
  CHECK_FALSE(VerifyInclusion(leaves[0], 0, 2, {}, r2).ok());

  // Size 0 is a prefix of everything, with an empty proof only.
  CHECK(VerifyConsistency(0, 0, kZeroHash, EmptyRoot(), {}).ok());
  CHECK(VerifyConsistency(0, 5, kZeroHash, r2, {}).ok());
  CHECK_FALSE(VerifyConsistency(0, 5, kZeroHash, r2, std::vector<Hash>{r1}).ok());
  CHECK(VerifyConsistency(1, 1, r1, r1, {}).ok());
  CHECK_FALSE(VerifyConsistency(1, 1, r1, r2, {}).ok());
  CHECK_FALSE(VerifyConsistency(1, 1, r1, r1, std::vector<Hash>{r1}).ok());
  CHECK_FALSE(VerifyConsistency(2, 1, r2, r1, {}).ok());
  CHECK_FALSE(VerifyConsistency(1, 2, r1, r2, {}).ok());
  const Status s = VerifyConsistency(1, 2, r1, r2, std::vector<Hash>{r1});
  CHECK(s.code() == StatusCode::kVerificationFailed);
  CHECK(s.message().find("consistency") != std::string::npos);
}

TEST_CASE("Frontier matches RootOfLeafHashes and survives FromPeaks") {
  std::vector<Hash> leaves;
  Frontier f;
  for (int i = 0; i < 300; i++) {
    CHECK(f.Root() == RootOfLeafHashes(leaves));
    CHECK(f.peaks().size() == static_cast<size_t>(std::popcount(f.size())));
    const Frontier copy = Frontier::FromPeaks(f.size(), f.peaks());
    CHECK(copy.Root() == f.Root());
    const Hash leaf = LeafHash(AsBytes(std::to_string(i)));
    leaves.push_back(leaf);
    f.Append(leaf);
    Frontier resumed = copy;
    resumed.Append(leaf);
    CHECK(resumed.Root() == f.Root());
  }
}

// Independent of the iterative verifier: from the recursive PATH definition,
// whether each proof element is a left sibling, bottom-up. Two claims with
// the same shape hash the same proof identically, so they cannot be told
// apart by any RFC 9162 verifier (the root binds the size only through it).
std::vector<bool> InclusionShape(uint64_t m, uint64_t n) {
  if (n <= 1) return {};
  const uint64_t k = std::bit_floor(n - 1);
  std::vector<bool> out = m < k ? InclusionShape(m, k) : InclusionShape(m - k, n - k);
  out.push_back(m >= k);
  return out;
}

// Same for SUBPROOF: 'P' old root implied, 'S' seed node in the proof, then
// per level 'R' (right sibling, new tree only) or 'L' (left sibling, both).
std::string ConsistencyShape(uint64_t m, uint64_t n, bool complete) {
  if (m == n) return complete ? "P" : "S";
  const uint64_t k = std::bit_floor(n - 1);
  if (m <= k) return ConsistencyShape(m, k, complete) + "R";
  return ConsistencyShape(m - k, n - k, false) + "L";
}

bool InclusionClaimEquivalent(uint64_t index, uint64_t size, uint64_t index2, uint64_t size2) {
  return index2 < size2 && InclusionShape(index2, size2) == InclusionShape(index, size);
}

bool ConsistencyClaimEquivalent(uint64_t m, uint64_t n, uint64_t m2, uint64_t n2) {
  return m2 > 0 && m2 < n2 && ConsistencyShape(m2, n2, true) == ConsistencyShape(m, n, true);
}

// Bits of a hash to flip. Every bit for small trees; beyond that one bit per
// byte (rotating position), since all bits of a hash input are alike to
// SHA-256 and the full sweep costs seconds.
std::vector<int> BitsToFlip(uint64_t tree_size) {
  std::vector<int> bits;
  for (int bit = 0; bit < 256; bit++) {
    if (tree_size <= 16 || bit % 8 == (bit / 8) % 8) bits.push_back(bit);
  }
  return bits;
}

std::vector<Hash> DistinctLeaves(size_t n) {
  std::vector<Hash> leaves;
  for (size_t i = 0; i < n; i++) leaves.push_back(LeafHash(AsBytes("leaf " + std::to_string(i))));
  return leaves;
}

TEST_CASE("exhaustive inclusion proofs up to 64 leaves, every bit flip fails") {
  const std::vector<Hash> leaves = DistinctLeaves(64);
  AlignedSource src(leaves);
  int equivalent_size_claims = 0;
  for (uint64_t size = 1; size <= 64; size++) {
    const Hash root = RootOfLeafHashes(std::span(leaves).first(size));
    for (uint64_t index = 0; index < size; index++) {
      auto proof = InclusionProof(src, index, size);
      REQUIRE(proof.ok());
      REQUIRE(proof->size() == InclusionShape(index, size).size());
      REQUIRE(VerifyInclusion(leaves[index], index, size, *proof, root).ok());
      // Counted, not asserted one by one: millions of doctest assertions
      // would dominate the run time. Any accepted mutation fails the case.
      int wrong = 0;
      for (size_t e = 0; e < proof->size(); e++) {
        for (int bit : BitsToFlip(size)) {
          std::vector<Hash> bad = *proof;
          bad[e][bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
          wrong += VerifyInclusion(leaves[index], index, size, bad, root).ok();
        }
      }
      for (int bit : BitsToFlip(size)) {
        Hash bad_leaf = leaves[index];
        bad_leaf[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
        wrong += VerifyInclusion(bad_leaf, index, size, *proof, root).ok();
        Hash bad_root = root;
        bad_root[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
        wrong += VerifyInclusion(leaves[index], index, size, *proof, bad_root).ok();
      }
      for (int bit = 0; bit < 64; bit++) {
        const uint64_t index2 = index ^ (uint64_t{1} << bit);
        const uint64_t size2 = size ^ (uint64_t{1} << bit);
        // Another index never has the same shape in the same tree.
        wrong += InclusionClaimEquivalent(index, size, index2, size);
        wrong += VerifyInclusion(leaves[index], index2, size, *proof, root).ok();
        const bool same = InclusionClaimEquivalent(index, size, index, size2);
        equivalent_size_claims += same;
        wrong += VerifyInclusion(leaves[index], index, size2, *proof, root).ok() != same;
      }
      CAPTURE(size);
      CAPTURE(index);
      REQUIRE(wrong == 0);
      if (size > 1) REQUIRE_FALSE(VerifyInclusion(leaves[index], index, size, {}, root).ok());
      std::vector<Hash> longer = *proof;
      longer.push_back(root);
      REQUIRE_FALSE(VerifyInclusion(leaves[index], index, size, longer, root).ok());
    }
  }
  // E.g. leaf 0 of 5 and of 7: both paths are three left turns.
  CHECK(equivalent_size_claims > 0);
  MESSAGE("size flips with an identical proof shape: " << equivalent_size_claims);
}

TEST_CASE("exhaustive consistency proofs up to 64 leaves, every bit flip fails") {
  const std::vector<Hash> leaves = DistinctLeaves(64);
  AlignedSource src(leaves);
  std::vector<Hash> roots(65);
  for (size_t n = 0; n <= 64; n++) roots[n] = RootOfLeafHashes(std::span(leaves).first(n));
  int equivalent_size_claims = 0;
  for (uint64_t n = 1; n <= 64; n++) {
    for (uint64_t m = 1; m <= n; m++) {
      auto proof = ConsistencyProof(src, m, n);
      REQUIRE(proof.ok());
      REQUIRE(VerifyConsistency(m, n, roots[m], roots[n], *proof).ok());
      if (m == n) {
        CHECK(proof->empty());
        continue;
      }
      int wrong = 0;
      const std::string shape = ConsistencyShape(m, n, true);
      REQUIRE(proof->size() == shape.size() - (shape[0] == 'P' ? 1 : 0));
      for (size_t e = 0; e < proof->size(); e++) {
        for (int bit : BitsToFlip(n)) {
          std::vector<Hash> bad = *proof;
          bad[e][bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
          wrong += VerifyConsistency(m, n, roots[m], roots[n], bad).ok();
        }
      }
      for (int bit : BitsToFlip(n)) {
        Hash bad_old = roots[m];
        bad_old[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
        wrong += VerifyConsistency(m, n, bad_old, roots[n], *proof).ok();
        Hash bad_new = roots[n];
        bad_new[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
        wrong += VerifyConsistency(m, n, roots[m], bad_new, *proof).ok();
      }
      for (int bit = 0; bit < 64; bit++) {
        const uint64_t m2 = m ^ (uint64_t{1} << bit);
        const uint64_t n2 = n ^ (uint64_t{1} << bit);
        const bool same_m = ConsistencyClaimEquivalent(m, n, m2, n);
        const bool same_n = ConsistencyClaimEquivalent(m, n, m, n2);
        equivalent_size_claims += same_m + same_n;
        wrong += VerifyConsistency(m2, n, roots[m], roots[n], *proof).ok() != same_m;
        wrong += VerifyConsistency(m, n2, roots[m], roots[n], *proof).ok() != same_n;
      }
      CAPTURE(m);
      CAPTURE(n);
      REQUIRE(wrong == 0);
      std::vector<Hash> shorter(proof->begin(), proof->end() - 1);
      REQUIRE_FALSE(VerifyConsistency(m, n, roots[m], roots[n], shorter).ok());
      std::vector<Hash> longer = *proof;
      longer.push_back(proof->back());
      REQUIRE_FALSE(VerifyConsistency(m, n, roots[m], roots[n], longer).ok());
      REQUIRE_FALSE(VerifyConsistency(m, n, roots[n], roots[m], *proof).ok());
    }
  }
  MESSAGE("size flips with an identical proof shape: " << equivalent_size_claims);
}

}  // namespace
}  // namespace immu::merkle

namespace immu::merkle {
namespace {
TEST_CASE("TreeLevels answers every proof exactly as the leaf span does") {
  for (uint64_t n = 1; n <= 70; n++) {
    std::vector<Hash> leaves;
    for (uint64_t i = 0; i < n; i++) {
      const std::string d = "leaf " + std::to_string(i);
      leaves.push_back(LeafHash(AsBytes(d)));
    }
    const SpanSubtreeSource span(leaves);
    const TreeLevels levels(leaves);
    REQUIRE(levels.Root() == RootOfLeafHashes(leaves));
    for (uint64_t size = 1; size <= n; size++) {
      for (uint64_t i = 0; i < size; i++) {
        CHECK(*InclusionProof(levels, i, size) == *InclusionProof(span, i, size));
      }
      if (size < n) CHECK(*ConsistencyProof(levels, size, n) == *ConsistencyProof(span, size, n));
    }
    // Misaligned ranges are refused, not answered wrongly; prefix ranges are
    // composed from nodes.
    if (n >= 4) CHECK_FALSE(levels.Subtree(1, 3).ok());
    if (n >= 5) CHECK(*levels.Subtree(0, 3) == *span.Subtree(0, 3));
  }
}
}  // namespace
}  // namespace immu::merkle
