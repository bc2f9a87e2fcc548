#pragma once
// Merkle trees in the shape of RFC 6962 / RFC 9162 (Certificate Transparency).
//
//   leaf hash  = SHA-256(0x00 || leaf data)
//   node hash  = SHA-256(0x01 || left || right)
//   empty tree = SHA-256("")
//
// A tree of n leaves splits at k, the largest power of two smaller than n
// (RFC 9162 section 2.1.1). Inclusion and consistency proofs are generated
// and verified with the algorithms of RFC 9162 sections 2.1.3 and 2.1.4.
//
// Proof generation reads subtree hashes through SubtreeSource, so the same
// code serves an in-memory vector of leaves and storage's persisted tree.
// Every range the generator asks for is [begin, end) with begin a multiple of
// the largest power of two <= end - begin, i.e. aligned subtrees; only the
// right edge of the tree may be incomplete.

#include <cstdint>
#include <span>
#include <vector>

#include "verify/hash.h"
#include "verify/status.h"

namespace immu::merkle {

Hash LeafHash(ByteSpan data);
Hash NodeHash(const Hash& left, const Hash& right);
Hash EmptyRoot();

// Root of the tree whose leaf hashes (already LeafHash-ed) are given.
Hash RootOfLeafHashes(std::span<const Hash> leaf_hashes);

// Source of subtree roots over leaf hashes [begin, end), end <= size().
class SubtreeSource {
 public:
  virtual ~SubtreeSource() = default;
  virtual uint64_t size() const = 0;
  virtual Result<Hash> Subtree(uint64_t begin, uint64_t end) const = 0;
};

// SubtreeSource over leaf hashes held in memory (not copied: the span must
// outlive the source). Subtree cost is O(end - begin).
class SpanSubtreeSource : public SubtreeSource {
 public:
  explicit SpanSubtreeSource(std::span<const Hash> leaf_hashes) : leaves_(leaf_hashes) {}
  uint64_t size() const override { return leaves_.size(); }
  Result<Hash> Subtree(uint64_t begin, uint64_t end) const override;

 private:
  std::span<const Hash> leaves_;
};

// Every node of the tree over the given leaf hashes, built once in n - 1
// hashes: level L node j covers leaves [j * 2^L, min((j + 1) * 2^L, n)) (the
// right edge is promoted unchanged, which is exactly RFC 6962's shape).
// Subtree() of an aligned range is then a lookup, so a proof costs no hashing.
// Thread-safety: immutable after construction.
class TreeLevels : public SubtreeSource {
 public:
  explicit TreeLevels(std::vector<Hash> leaf_hashes);
  uint64_t size() const override { return levels_.empty() ? 0 : levels_[0].size(); }
  Result<Hash> Subtree(uint64_t begin, uint64_t end) const override;
  Hash Root() const;  // EmptyRoot() for no leaves

 private:
  std::vector<std::vector<Hash>> levels_;  // levels_[0] = leaves
};

// Inclusion proof of leaf `index` in the tree of the first `size` leaves.
// Requires index < size <= source.size().
Result<std::vector<Hash>> InclusionProof(const SubtreeSource& source, uint64_t index,
                                         uint64_t size);

// Consistency proof from the tree of the first old_size leaves to the tree of
// the first new_size leaves. Requires 0 < old_size <= new_size <= source.size()
// (old_size == new_size gives an empty proof; old_size == 0 is not a proof
// RFC 9162 defines and is rejected).
Result<std::vector<Hash>> ConsistencyProof(const SubtreeSource& source, uint64_t old_size,
                                           uint64_t new_size);

// RFC 9162 2.1.3.2. Ok when the proof takes leaf_hash at index to root.
Status VerifyInclusion(const Hash& leaf_hash, uint64_t index, uint64_t size,
                       std::span<const Hash> proof, const Hash& root);

// Root that an inclusion proof leads to (for callers that compare elsewhere).
Result<Hash> RootFromInclusionProof(const Hash& leaf_hash, uint64_t index, uint64_t size,
                                    std::span<const Hash> proof);

// RFC 9162 2.1.4.2. Ok when the proof shows old_root's tree is a prefix of
// new_root's. old_size == 0 verifies trivially with an empty proof.
Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                         const Hash& new_root, std::span<const Hash> proof);

// An append-only tree kept as its right frontier: O(log n) memory, O(1)
// amortised hashing per Append, O(log n) Root(). Used to compute the root of
// the global tree as transactions are committed.
// Thread-safety: external synchronisation.
class Frontier {
 public:
  void Append(const Hash& leaf_hash);
  uint64_t size() const { return size_; }
  Hash Root() const;
  // The perfect subtree roots, largest (leftmost) first. Together with size()
  // they fully describe the tree for appends; storage persists them.
  const std::vector<Hash>& peaks() const { return peaks_; }
  static Frontier FromPeaks(uint64_t size, std::vector<Hash> peaks);

 private:
  uint64_t size_ = 0;
  std::vector<Hash> peaks_;  // peaks_[i] covers 2^(bit) leaves for each set bit of size_
};

}  // namespace immu::merkle
