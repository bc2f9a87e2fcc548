#include "storage/skiplist.h"

#include <cassert>
#include <algorithm>
#include <cstring>
#include <new>

namespace immu {

namespace {

constexpr size_t RoundUp8(size_t n) { return (n + 7) & ~size_t{7}; }

// A node's header, tower and key usually span two cache lines.
inline void Prefetch(const IndexNode* x) {
  if (x != nullptr) {
    __builtin_prefetch(x);
    __builtin_prefetch(reinterpret_cast<const char*>(x) + 64);
  }
}

}  // namespace

SkipList::SkipList(Arena* arena)
    : arena_(arena), head_(NewNode({}, kMaxHeight, nullptr, 0)), rnd_(0x9e3779b97f4a7c15ull) {}

IndexNode* SkipList::NewNode(std::string_view key, int height, const IndexVersion* versions,
                             uint32_t n) {
  const size_t node_bytes = RoundUp8(sizeof(IndexNode) + height * sizeof(IndexNode*) + key.size());
  const size_t chunk_bytes = n == 0 ? 0 : VersionChunk::SizeFor(n);
  char* mem = arena_->Allocate(node_bytes + chunk_bytes);
  IndexNode* x = new (mem) IndexNode;
  x->key_size = static_cast<uint32_t>(key.size());
  x->height = static_cast<uint32_t>(height);
  std::atomic<IndexNode*>* tower = x->tower();
  for (int i = 0; i < height; i++) new (&tower[i]) std::atomic<IndexNode*>(nullptr);
  if (!key.empty()) std::memcpy(const_cast<char*>(x->key_data()), key.data(), key.size());
  const VersionChunk* chunk = nullptr;
  if (n > 0) chunk = VersionChunk::Create(mem + node_bytes, n, nullptr, 0, versions, n);
  // Relaxed: the node is published by the caller's release store of a link.
  x->versions.store(chunk, std::memory_order_relaxed);
  return x;
}

int SkipList::RandomHeight() {
  // xorshift64: 2 random bits per level, P(height > h) = 4^-h.
  rnd_ ^= rnd_ << 13;
  rnd_ ^= rnd_ >> 7;
  rnd_ ^= rnd_ << 17;
  uint64_t r = rnd_;
  int height = 1;
  while (height < kMaxHeight && (r & 3) == 0) {
    height++;
    r >>= 2;
  }
  return height;
}

void SkipList::RaiseHeight(int height) {
  if (height > max_height_.load(std::memory_order_relaxed)) {
    max_height_.store(height, std::memory_order_relaxed);
  }
}

const IndexNode* SkipList::Seek(std::string_view key) const {
  const IndexNode* x = head_;
  int level = max_height_.load(std::memory_order_relaxed) - 1;
  while (true) {
    const IndexNode* next = x->Next(level);
    if (next != nullptr && next->key() < key) {
      x = next;
    } else if (level == 0) {
      return next;
    } else {
      level--;
    }
  }
}

const IndexNode* SkipList::Find(std::string_view key) const {
  const IndexNode* x = Seek(key);
  return (x != nullptr && x->key() == key) ? x : nullptr;
}

void SkipList::FindSplice(std::string_view key, Splice* s, int bottom) const {
  const int max_h = max_height_.load(std::memory_order_relaxed);
  int level;
  IndexNode* x;
  if (s->height < max_h) {
    level = max_h - 1;
    x = head_;
  } else {
    // Lowest level whose successor is at or past key: below it the finger is
    // stale, from it down a short walk finds the new predecessors. prev[l] is
    // before key at every level (it precedes the previous, smaller key).
    level = bottom;
    while (level < max_h - 1 && s->next[level] != nullptr && s->next[level]->key() < key) level++;
    x = s->prev[level];
  }
  // The writer reads only its own stores: relaxed loads suffice.
  while (level >= bottom) {
    IndexNode* next = x->NoBarrierNext(level);
    while (next != nullptr && next->key() < key) {
      x = next;
      next = x->NoBarrierNext(level);
    }
    s->prev[level] = x;
    s->next[level] = next;
    level--;
  }
  s->height = max_h;
}

bool SkipList::Add(std::string_view key, const IndexVersion& v, Splice* s) {
  if (s->last != nullptr) {
    const int c = key.compare(s->last->key());
    if (c == 0) {  // another version of the key just added
      AppendVersion(arena_, &s->last->versions, v);
      return false;
    }
    if (c < 0) s->height = 0;  // out of order: the finger is useless, start over
  }
  FindSplice(key, s, 0);
  const int max_h = s->height;

  IndexNode* found = s->next[0];
  if (found != nullptr && found->key() == key) {
    AppendVersion(arena_, &found->versions, v);
    for (uint32_t l = 0; l < found->height; l++) {
      s->prev[l] = found;
      s->next[l] = found->NoBarrierNext(static_cast<int>(l));
    }
    s->last = found;
    return false;
  }

  const int height = RandomHeight();
  if (height > max_h) {
    for (int l = max_h; l < height; l++) {
      s->prev[l] = head_;
      s->next[l] = nullptr;
    }
    RaiseHeight(height);
    s->height = height;
  }
  IndexNode* node = NewNode(key, height, &v, 1);
  for (int l = 0; l < height; l++) {
    node->NoBarrierSetNext(l, s->next[l]);
    s->prev[l]->SetNext(l, node);  // release: publishes the node's contents
    s->prev[l] = node;
  }
  s->last = node;
  node_count_++;
  return true;
}

uint64_t SkipList::AddSorted(const KeyIndex::KeyedVersion* items, size_t n) {
  bool sorted = true;
  for (size_t i = 1; i < n && sorted; i++) sorted = !(items[i].key < items[i - 1].key);
  // Levels [0, group) are searched for all keys of the batch at once. A
  // level is worth it when consecutive batch keys have distinct
  // predecessors there, i.e. when the index has ~4^l or more keys between
  // them; above, their searches share (cached) nodes and the finger is best.
  const int max_h = max_height_.load(std::memory_order_relaxed);
  const uint64_t gap = node_count_ / std::max<size_t>(n, 1);
  int group = 0;
  while (group < max_h && (uint64_t{1} << (2 * group)) <= gap) group++;
  bool one_gap = false;
  if (sorted && n >= 16 && group >= 2) {
    // Keys that all fall between two neighbours already in the list (new
    // keys ascending past the end, time-ordered ids, one committer's key
    // range) are appended one after another through the finger: ~4
    // comparisons each instead of a search per key.
    Splice probe;
    FindSplice(items[0].key, &probe, 0);
    one_gap = probe.next[0] == nullptr || items[n - 1].key < probe.next[0]->key();
  }
  if (!sorted || n < 16 || group < 2 || one_gap) {
    Splice splice;
    uint64_t created = 0;
    for (size_t i = 0; i < n; i++) created += Add(items[i].key, items[i].version, &splice) ? 1 : 0;
    return created;
  }

  // Distinct keys: starts_[j] is the first item of the j-th key.
  starts_.clear();
  for (size_t i = 0; i < n; i++) {
    if (i == 0 || items[i].key != items[i - 1].key) starts_.push_back(static_cast<uint32_t>(i));
  }
  const size_t m = starts_.size();
  cursor_.resize(m);
  preds_.resize(m * group);

  // Phase A: finger search over the sparse levels [group, max_h), giving each
  // key its predecessor at level `group` (head if group == max_h).
  if (group == max_h) {
    std::fill(cursor_.begin(), cursor_.end(), head_);
  } else {
    Splice splice;
    for (size_t j = 0; j < m; j++) {
      FindSplice(items[starts_[j]].key, &splice, group);
      cursor_[j] = splice.prev[group];
    }
  }

  // Phase B: the dense levels, one level at a time for every key, round
  // robin: each pass moves every unfinished key one node forward and
  // prefetches the node it will compare with next, so the cache misses of
  // different keys overlap instead of being paid one after another.
  active_.resize(m);
  for (int level = group - 1; level >= 0; level--) {
    for (size_t j = 0; j < m; j++) {
      active_[j] = static_cast<uint32_t>(j);
      Prefetch(cursor_[j]->NoBarrierNext(level));
    }
    size_t num_active = m;
    while (num_active > 0) {
      size_t still = 0;
      for (size_t a = 0; a < num_active; a++) {
        const uint32_t j = active_[a];
        IndexNode* next = cursor_[j]->NoBarrierNext(level);
        if (next != nullptr && next->key() < items[starts_[j]].key) {
          cursor_[j] = next;
          Prefetch(next->NoBarrierNext(level));
          active_[still++] = j;
        } else {
          preds_[j * group + level] = cursor_[j];
        }
      }
      num_active = still;
    }
  }

  // Phase C: link, in key order. preds_ were computed on the list as it was
  // before this batch; at each level, a key whose original predecessor is
  // the same as that of the last node this batch linked at that level comes
  // right after that node instead (keys ascend, so it is the largest new
  // node there). Otherwise its original predecessor is already past every
  // node linked so far at that level.
  IndexNode* last_orig[kMaxHeight] = {};
  IndexNode* last_new[kMaxHeight] = {};
  auto pred_at = [&](size_t j, int level) {
    IndexNode* p = preds_[j * group + level];
    return p == last_orig[level] ? last_new[level] : p;
  };
  uint64_t created = 0;
  for (size_t j = 0; j < m; j++) {
    const size_t begin = starts_[j];
    const size_t end = j + 1 < m ? starts_[j + 1] : n;
    const std::string_view key = items[begin].key;
    IndexNode* found = pred_at(j, 0)->NoBarrierNext(0);
    size_t i = begin;
    if (found == nullptr || found->key() != key) {
      const int height = RandomHeight();
      IndexNode* up[kMaxHeight];
      if (height > group) {
        // Rare (P = 4^-group): this node also needs its predecessors on the
        // sparse levels, in the list as it is now.
        FindPredecessors(key, group, up);
        for (int l = max_height_.load(std::memory_order_relaxed); l < height; l++) up[l] = head_;
        RaiseHeight(height);
      }
      found = NewNode(key, height, &items[i].version, 1);
      i++;
      for (int l = 0; l < height; l++) {
        IndexNode* p = l < group ? pred_at(j, l) : up[l];
        found->NoBarrierSetNext(l, p->NoBarrierNext(l));
        p->SetNext(l, found);  // release: publishes the node's contents
        if (l < group) {
          last_orig[l] = preds_[j * group + l];
          last_new[l] = found;
        }
      }
      created++;
      node_count_++;
    }
    for (; i < end; i++) AppendVersion(arena_, &found->versions, items[i].version);
  }
  return created;
}

void SkipList::FindPredecessors(std::string_view key, int bottom, IndexNode** preds) const {
  IndexNode* x = head_;
  for (int level = max_height_.load(std::memory_order_relaxed) - 1; level >= bottom; level--) {
    IndexNode* next = x->NoBarrierNext(level);
    while (next != nullptr && next->key() < key) {
      x = next;
      next = x->NoBarrierNext(level);
    }
    preds[level] = x;
  }
}

void SkipList::InitTail(Tail* tail) {
  assert(Empty());
  for (int l = 0; l < kMaxHeight; l++) tail->last[l] = head_;
}

void SkipList::AppendLast(Tail* tail, std::string_view key, const IndexVersion* versions,
                          uint32_t n) {
  assert(n >= 1);
  const int height = RandomHeight();
  IndexNode* node = NewNode(key, height, versions, n);
  RaiseHeight(height);
  for (int l = 0; l < height; l++) {
    tail->last[l]->SetNext(l, node);
    tail->last[l] = node;
  }
  node_count_++;
}

}  // namespace immu
