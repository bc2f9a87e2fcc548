// RFC 9162 Merkle trees: hashing, proof generation (the recursive PATH and
// SUBPROOF definitions of sections 2.1.3.1 and 2.1.4.1) and verification (the
// iterative algorithms of sections 2.1.3.2 and 2.1.4.2).

#include "verify/merkle.h"

#include <bit>
#include <string>

namespace immu::merkle {
namespace {

constexpr uint8_t kLeafPrefix = 0x00;
constexpr uint8_t kNodePrefix = 0x01;

// Largest power of two strictly smaller than n; n >= 2.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

Hash RootOfRange(std::span<const Hash> leaves) {
  if (leaves.empty()) return EmptyRoot();
  if (leaves.size() == 1) return leaves[0];
  const uint64_t k = SplitPoint(leaves.size());
  return NodeHash(RootOfRange(leaves.first(k)), RootOfRange(leaves.subspan(k)));
}

// PATH(m, D[begin:end]) with m relative to begin, appended bottom-up.
Status AppendPath(const SubtreeSource& src, uint64_t m, uint64_t begin, uint64_t end,
                  std::vector<Hash>* out) {
  const uint64_t n = end - begin;
  if (n <= 1) return Status::Ok();
  const uint64_t k = SplitPoint(n);
  const bool left = m < k;
  IMMU_RETURN_IF_ERROR(left ? AppendPath(src, m, begin, begin + k, out)
                            : AppendPath(src, m - k, begin + k, end, out));
  Result<Hash> sibling = left ? src.Subtree(begin + k, end) : src.Subtree(begin, begin + k);
  if (!sibling.ok()) return sibling.status();
  out->push_back(*sibling);
  return Status::Ok();
}

// SUBPROOF(m, D[begin:end], b) with m relative to begin, appended bottom-up.
Status AppendSubproof(const SubtreeSource& src, uint64_t m, uint64_t begin, uint64_t end,
                      bool complete, std::vector<Hash>* out) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (complete) return Status::Ok();
    Result<Hash> node = src.Subtree(begin, end);
    if (!node.ok()) return node.status();
    out->push_back(*node);
    return Status::Ok();
  }
  const uint64_t k = SplitPoint(n);
  // The old tree ends in the left half: prove the left halves consistent and
  // add the new right half. Otherwise the left half is shared by both trees
  // and the old tree's root is no longer a node of the new one.
  const bool left = m <= k;
  IMMU_RETURN_IF_ERROR(left ? AppendSubproof(src, m, begin, begin + k, complete, out)
                            : AppendSubproof(src, m - k, begin + k, end, false, out));
  Result<Hash> sibling = left ? src.Subtree(begin + k, end) : src.Subtree(begin, begin + k);
  if (!sibling.ok()) return sibling.status();
  out->push_back(*sibling);
  return Status::Ok();
}

std::string Num(uint64_t v) { return std::to_string(v); }

}  // namespace

Hash LeafHash(ByteSpan data) { return Sha256Parts({ByteSpan(&kLeafPrefix, 1), data}); }

Hash NodeHash(const Hash& left, const Hash& right) {
  return Sha256Parts({ByteSpan(&kNodePrefix, 1), ByteSpan(left), ByteSpan(right)});
}

Hash EmptyRoot() {
  static const Hash kEmpty = Sha256(ByteSpan());
  return kEmpty;
}

Hash RootOfLeafHashes(std::span<const Hash> leaf_hashes) { return RootOfRange(leaf_hashes); }

Result<Hash> SpanSubtreeSource::Subtree(uint64_t begin, uint64_t end) const {
  if (begin >= end || end > leaves_.size()) {
    return Status::InvalidArgument("subtree [" + Num(begin) + ", " + Num(end) +
                                   ") outside tree of size " + Num(leaves_.size()));
  }
  return RootOfRange(leaves_.subspan(begin, end - begin));
}

TreeLevels::TreeLevels(std::vector<Hash> leaf_hashes) {
  if (leaf_hashes.empty()) return;
  levels_.push_back(std::move(leaf_hashes));
  while (levels_.back().size() > 1) {
    const std::vector<Hash>& below = levels_.back();
    std::vector<Hash> up((below.size() + 1) / 2);
    for (size_t j = 0; j < up.size(); j++) {
      up[j] = 2 * j + 1 < below.size() ? NodeHash(below[2 * j], below[2 * j + 1]) : below[2 * j];
    }
    levels_.push_back(std::move(up));
  }
}

Hash TreeLevels::Root() const { return levels_.empty() ? EmptyRoot() : levels_.back()[0]; }

Result<Hash> TreeLevels::Subtree(uint64_t begin, uint64_t end) const {
  if (begin >= end || end > size()) {
    return Status::InvalidArgument("subtree [" + Num(begin) + ", " + Num(end) +
                                   ") outside tree of size " + Num(size()));
  }
  // The node covering [begin, end) sits at the level of the smallest power
  // of two >= end - begin when it is aligned and either full or at the
  // right edge. Other ranges (right edges of a smaller prefix tree) are split
  // the RFC 6962 way into nodes.
  const uint64_t width = end - begin;
  const int level = width == 1 ? 0 : 64 - std::countl_zero(width - 1);
  const uint64_t span = uint64_t{1} << level;
  if (begin % span == 0 && (width == span || end == size())) return levels_[level][begin >> level];
  const uint64_t k = std::bit_floor(width - 1);
  if (begin % std::bit_floor(width) != 0) {
    return Status::InvalidArgument("subtree [" + Num(begin) + ", " + Num(end) +
                                   ") is not aligned");
  }
  IMMU_ASSIGN_OR_RETURN(const Hash left, Subtree(begin, begin + k));
  IMMU_ASSIGN_OR_RETURN(const Hash right, Subtree(begin + k, end));
  return NodeHash(left, right);
}

Result<std::vector<Hash>> InclusionProof(const SubtreeSource& source, uint64_t index,
                                         uint64_t size) {
  if (index >= size || size > source.size()) {
    return Status::InvalidArgument("inclusion proof of leaf " + Num(index) + " in size " +
                                   Num(size) + " (source size " + Num(source.size()) + ")");
  }
  std::vector<Hash> proof;
  proof.reserve(64 - std::countl_zero(size));
  IMMU_RETURN_IF_ERROR(AppendPath(source, index, 0, size, &proof));
  return proof;
}

Result<std::vector<Hash>> ConsistencyProof(const SubtreeSource& source, uint64_t old_size,
                                           uint64_t new_size) {
  if (old_size == 0 || old_size > new_size || new_size > source.size()) {
    return Status::InvalidArgument("consistency proof from size " + Num(old_size) + " to " +
                                   Num(new_size) + " (source size " + Num(source.size()) + ")");
  }
  std::vector<Hash> proof;
  if (old_size == new_size) return proof;
  proof.reserve(2 * (64 - std::countl_zero(new_size)));
  IMMU_RETURN_IF_ERROR(AppendSubproof(source, old_size, 0, new_size, true, &proof));
  return proof;
}

Result<Hash> RootFromInclusionProof(const Hash& leaf_hash, uint64_t index, uint64_t size,
                                    std::span<const Hash> proof) {
  if (index >= size) {
    return Status::VerificationFailed("inclusion: leaf index " + Num(index) +
                                      " not below tree size " + Num(size));
  }
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) {
      return Status::VerificationFailed("inclusion: proof longer than the path of leaf " +
                                        Num(index) + " in size " + Num(size));
    }
    if ((fn & 1) != 0 || fn == sn) {
      r = NodeHash(p, r);
      // Levels where a right-edge node has no sibling promote it unchanged.
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return Status::VerificationFailed("inclusion: proof shorter than the path of leaf " +
                                      Num(index) + " in size " + Num(size));
  }
  return r;
}

Status VerifyInclusion(const Hash& leaf_hash, uint64_t index, uint64_t size,
                       std::span<const Hash> proof, const Hash& root) {
  Result<Hash> r = RootFromInclusionProof(leaf_hash, index, size, proof);
  if (!r.ok()) return r.status();
  if (*r != root) {
    return Status::VerificationFailed("inclusion: proof of leaf " + Num(index) + " in size " +
                                      Num(size) + " leads to a different root");
  }
  return Status::Ok();
}

Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                         const Hash& new_root, std::span<const Hash> proof) {
  const std::string sizes = " (" + Num(old_size) + " -> " + Num(new_size) + ")";
  if (old_size > new_size) {
    return Status::VerificationFailed("consistency: old size exceeds new size" + sizes);
  }
  if (old_size == 0 || old_size == new_size) {
    // The empty tree is a prefix of every tree; a tree is consistent with
    // itself only if both roots are the same. Neither case has proof terms.
    if (!proof.empty()) {
      return Status::VerificationFailed("consistency: expected an empty proof" + sizes);
    }
    if (old_size != 0 && old_root != new_root) {
      return Status::VerificationFailed("consistency: same size, different roots" + sizes);
    }
    return Status::Ok();
  }
  if (proof.empty()) return Status::VerificationFailed("consistency: empty proof" + sizes);

  // When the old tree is a perfect (leftmost) subtree of the new one, the
  // prover omits its root: the verifier already has it.
  size_t next = 0;
  Hash seed;
  if (std::has_single_bit(old_size)) {
    seed = old_root;
  } else {
    seed = proof[0];
    next = 1;
  }
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = seed;
  Hash sr = seed;
  for (; next < proof.size(); next++) {
    const Hash& c = proof[next];
    if (sn == 0) return Status::VerificationFailed("consistency: proof too long" + sizes);
    if ((fn & 1) != 0 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Status::VerificationFailed("consistency: proof too short" + sizes);
  if (fr != old_root) {
    return Status::VerificationFailed("consistency: proof does not lead to the old root" + sizes);
  }
  if (sr != new_root) {
    return Status::VerificationFailed("consistency: proof does not lead to the new root" + sizes);
  }
  return Status::Ok();
}

void Frontier::Append(const Hash& leaf_hash) {
  // Each trailing 1 bit of size_ is a perfect subtree the new leaf completes.
  Hash node = leaf_hash;
  for (uint64_t s = size_; (s & 1) != 0 && !peaks_.empty(); s >>= 1) {
    node = NodeHash(peaks_.back(), node);
    peaks_.pop_back();
  }
  peaks_.push_back(node);
  size_++;
}

Hash Frontier::Root() const {
  if (peaks_.empty()) return EmptyRoot();
  // RFC 9162 splits at the largest power of two, so the peaks fold from the
  // right: root = H(p0, H(p1, ... H(p_{n-2}, p_{n-1}))).
  Hash r = peaks_.back();
  for (size_t i = peaks_.size() - 1; i-- > 0;) r = NodeHash(peaks_[i], r);
  return r;
}

Frontier Frontier::FromPeaks(uint64_t size, std::vector<Hash> peaks) {
  Frontier f;
  f.size_ = size;
  f.peaks_ = std::move(peaks);
  return f;
}

}  // namespace immu::merkle
