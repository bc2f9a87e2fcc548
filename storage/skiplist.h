#pragma once
// SkipList: the ordered key structure of KeyIndex (leveldb-style).
//
// Each node is one arena allocation laid out as
//
//   [versions: atomic ptr to newest VersionChunk][key_size u32][height u32]
//   [next[0] .. next[height-1]: atomic node ptrs][key bytes][first VersionChunk]
//
// so a lookup touches the tower and the key in the same few cache lines, and
// a new key costs one allocation for the node and its first version chunk.
//
// Thread-safety: one writer (Add, InitTail/AppendLast) at a time; any number
// of concurrent lock-free readers (First, Seek, Find, IndexNode::Next). A node
// is fully built, tower included, before the release store that links it at
// level 0..height-1, and readers follow links with acquire loads, so a reader
// that reaches a node sees its key and first chunk. Nodes are never unlinked
// or freed while the SkipList lives (the Arena owns them).

#include <atomic>
#include <cstdint>
#include <string_view>
#include <vector>

#include "storage/arena.h"
#include "storage/key_index.h"
#include "storage/version_chain.h"

namespace immu {

struct IndexNode {
  std::atomic<const VersionChunk*> versions;  // newest chunk; nullptr only for the head
  uint32_t key_size;
  uint32_t height;

  std::string_view key() const { return {key_data(), key_size}; }
  // Reader side: acquire, pairs with the writer's release in SetNext.
  IndexNode* Next(int level) const { return tower()[level].load(std::memory_order_acquire); }
  // Writer side.
  void SetNext(int level, IndexNode* x) { tower()[level].store(x, std::memory_order_release); }
  IndexNode* NoBarrierNext(int level) const {
    return tower()[level].load(std::memory_order_relaxed);
  }
  void NoBarrierSetNext(int level, IndexNode* x) {
    tower()[level].store(x, std::memory_order_relaxed);
  }
  // The newest version chunk, for readers.
  const VersionChunk* Versions() const { return versions.load(std::memory_order_acquire); }

  std::atomic<IndexNode*>* tower() const {
    return reinterpret_cast<std::atomic<IndexNode*>*>(const_cast<IndexNode*>(this + 1));
  }
  const char* key_data() const { return reinterpret_cast<const char*>(tower() + height); }
};
static_assert(sizeof(IndexNode) == 16);

class SkipList {
 public:
  // Branching factor 4: ~1.33 pointers per node; 4^14 = 268M keys before the
  // top level stops thinning the search.
  static constexpr int kMaxHeight = 14;

  explicit SkipList(Arena* arena);
  SkipList(const SkipList&) = delete;
  SkipList& operator=(const SkipList&) = delete;

  // ---- Reader-safe ----
  const IndexNode* First() const { return head_->Next(0); }
  const IndexNode* Seek(std::string_view key) const;  // first node with key >= key
  const IndexNode* Find(std::string_view key) const;  // exact match or nullptr
  bool Empty() const { return First() == nullptr; }

  // ---- Writer only ----

  // A finger into the list: for each level, the last node before (prev) and
  // the first node at or after (next) the last key added through it. Adding
  // keys in ascending order through one Splice starts each search from the
  // lowest level whose `next` is past the new key instead of from the head.
  // Invariant while height > 0: for every level l < height, prev[l] is the
  // exact predecessor at level l of a key K' just above the last key added,
  // and next[l] == prev[l]->next[l].
  struct Splice {
    int height = 0;  // 0: empty, the next Add searches from the head
    IndexNode* last = nullptr;  // node of the last key added
    IndexNode* prev[kMaxHeight];
    IndexNode* next[kMaxHeight];
  };
  // Adds version v to key (creating the node if needed). Keys may come in
  // any order; ascending order through one Splice is fastest. Returns true
  // if a new node was created.
  bool Add(std::string_view key, const IndexVersion& v, Splice* splice);
  // Adds every item; fastest when items are sorted by key (equal keys in tx
  // order), which lets it search for the whole batch at once with
  // overlapping cache misses. Unsorted input falls back to Add. Returns the
  // number of nodes created.
  uint64_t AddSorted(const KeyIndex::KeyedVersion* items, size_t n);

  // Bulk load into an empty list: keys must be strictly ascending (checked by
  // the caller). O(1) per key.
  struct Tail {
    IndexNode* last[kMaxHeight];
  };
  void InitTail(Tail* tail);
  // versions[0..n) in tx order, n >= 1; stored in one chunk of capacity n.
  void AppendLast(Tail* tail, std::string_view key, const IndexVersion* versions, uint32_t n);

 private:
  // Moves the finger to key for levels [bottom, max height).
  void FindSplice(std::string_view key, Splice* s, int bottom) const;
  // preds[l] = last node before key at level l, for l in [bottom, max height).
  void FindPredecessors(std::string_view key, int bottom, IndexNode** preds) const;
  IndexNode* NewNode(std::string_view key, int height, const IndexVersion* versions, uint32_t n);
  int RandomHeight();
  void RaiseHeight(int height);

  Arena* const arena_;
  IndexNode* const head_;
  // Read relaxed by readers: a stale value only means starting lower, and a
  // new level of head_ reads as nullptr until linked.
  std::atomic<int> max_height_{1};
  uint64_t rnd_;  // xorshift state, writer only
  uint64_t node_count_ = 0;  // writer only
  // AddSorted scratch, reused across batches (writer only).
  std::vector<uint32_t> starts_;
  std::vector<uint32_t> active_;
  std::vector<IndexNode*> cursor_;
  std::vector<IndexNode*> preds_;
};

}  // namespace immu
