#include "storage/tx_tree.h"

#include <doctest/doctest.h>

#include <vector>

#include "verify/merkle.h"

namespace immu {
namespace {

Hash FakeAlh(uint64_t i) {
  std::string s = "alh" + std::to_string(i);
  return Sha256(s);
}

TEST_CASE("tx tree: nodes, roots and proofs match an in-memory tree") {
  auto env = NewMemEnv();
  auto opened = TxTree::Open(env.get(), "/t");
  REQUIRE(opened.ok());
  auto tree = std::move(opened).value();
  std::vector<Hash> leaves;
  for (uint64_t i = 0; i < 70; i++) {
    CHECK(tree->WriterRoot() == merkle::RootOfLeafHashes(leaves));
    tree->Append(FakeAlh(i), i * 100);
    leaves.push_back(merkle::LeafHash(FakeAlh(i)));
    if (i % 3 == 0) REQUIRE(tree->Flush().ok());
  }
  REQUIRE(tree->Flush().ok());
  CHECK(tree->size() == 70);
  merkle::SpanSubtreeSource mem(leaves);
  for (uint64_t b = 0; b < 70; b += 5) {
    for (uint64_t e = b + 1; e <= 70; e += 3) {
      CHECK(tree->Subtree(b, e).value() == mem.Subtree(b, e).value());
    }
  }
  for (uint64_t size = 1; size <= 70; size += 7) {
    for (uint64_t i = 0; i < size; i += 3) {
      auto p = merkle::InclusionProof(*tree, i, size);
      REQUIRE(p.ok());
      CHECK(*p == merkle::InclusionProof(mem, i, size).value());
    }
  }
  CHECK(tree->RecordPos(70).value() == 6900);
  CHECK(tree->RecordPos(71).status().IsNotFound());
  CHECK(tree->RecordPos(0).status().IsNotFound());
}

TEST_CASE("tx tree: reopen and truncate keep the frontier right") {
  auto env = NewMemEnv();
  std::vector<Hash> leaves;
  {
    auto tree = std::move(TxTree::Open(env.get(), "/t")).value();
    for (uint64_t i = 0; i < 37; i++) {
      tree->Append(FakeAlh(i), i);
      leaves.push_back(merkle::LeafHash(FakeAlh(i)));
    }
    REQUIRE(tree->Flush().ok());
    REQUIRE(tree->Sync().ok());
  }
  auto tree = std::move(TxTree::Open(env.get(), "/t")).value();
  CHECK(tree->stored_size() == 37);
  CHECK(tree->WriterRoot() == merkle::RootOfLeafHashes(leaves));
  REQUIRE(tree->TruncateTo(21).ok());
  leaves.resize(21);
  CHECK(tree->WriterRoot() == merkle::RootOfLeafHashes(leaves));
  for (uint64_t i = 21; i < 40; i++) {
    tree->Append(FakeAlh(i + 1000), i);
    leaves.push_back(merkle::LeafHash(FakeAlh(i + 1000)));
  }
  REQUIRE(tree->Flush().ok());
  CHECK(tree->WriterRoot() == merkle::RootOfLeafHashes(leaves));
  CHECK(tree->Subtree(0, 40).value() == merkle::RootOfLeafHashes(leaves));
}

}  // namespace
}  // namespace immu
