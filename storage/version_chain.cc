#include "storage/version_chain.h"

#include <algorithm>
#include <cassert>
#include <new>

namespace immu {

namespace {

// Number of items in [0, n) with tx <= snapshot (items are tx-sorted).
uint32_t CountUpTo(const VersionChunk* c, uint32_t n, uint64_t snapshot) {
  const IndexVersion* items = c->items();
  if (items[n - 1].tx <= snapshot) return n;  // common case: snapshot is recent
  if (items[0].tx > snapshot) return 0;
  const IndexVersion* it = std::upper_bound(
      items, items + n, snapshot, [](uint64_t s, const IndexVersion& v) { return s < v.tx; });
  return static_cast<uint32_t>(it - items);
}

}  // namespace

VersionChunk* VersionChunk::Create(char* mem, uint32_t capacity, const VersionChunk* older,
                                   uint64_t base, const IndexVersion* versions, uint32_t n) {
  assert(n >= 1 && n <= capacity);
  VersionChunk* c = new (mem) VersionChunk;
  c->capacity = capacity;
  c->older = older;
  c->base = base;
  IndexVersion* items = c->items();
  for (uint32_t i = 0; i < n; i++) new (&items[i]) IndexVersion(versions[i]);
  // Relaxed: the chunk becomes reachable only through a later release store.
  c->count.store(n, std::memory_order_relaxed);
  return c;
}

void AppendVersion(Arena* arena, std::atomic<const VersionChunk*>* head, const IndexVersion& v) {
  // The writer is the only thread that modifies chains, so relaxed loads of
  // its own stores are enough here.
  const VersionChunk* cur = head->load(std::memory_order_relaxed);
  if (cur != nullptr) {
    auto* c = const_cast<VersionChunk*>(cur);
    const uint32_t n = c->count.load(std::memory_order_relaxed);
    assert(c->items()[n - 1].tx <= v.tx && "versions of a key must arrive in tx order");
    if (n < c->capacity) {
      new (&c->items()[n]) IndexVersion(v);
      c->count.store(n + 1, std::memory_order_release);  // publishes items[n]
      return;
    }
  }
  uint32_t capacity = 1;
  uint64_t base = 0;
  if (cur != nullptr) {
    // 64-bit math: a chunk loaded from a checkpoint may be huge.
    capacity = static_cast<uint32_t>(std::min<uint64_t>(uint64_t{cur->capacity} * 2,
                                                        VersionChunk::kMaxChunkCapacity));
    base = cur->base + cur->capacity;  // cur is full
  }
  char* mem = arena->Allocate(VersionChunk::SizeFor(capacity));
  VersionChunk* c = VersionChunk::Create(mem, capacity, cur, base, &v, 1);
  head->store(c, std::memory_order_release);  // publishes the whole chunk
}

bool FindVersionAt(const VersionChunk* head, uint64_t snapshot, IndexVersion* out,
                   uint64_t* revision) {
  for (const VersionChunk* c = head; c != nullptr; c = c->older) {
    const uint32_t n = c->count.load(std::memory_order_acquire);
    const uint32_t k = CountUpTo(c, n, snapshot);
    if (k == 0) continue;  // the whole chunk is newer than snapshot
    if (out != nullptr) *out = c->items()[k - 1];
    if (revision != nullptr) *revision = c->base + k;
    return true;
  }
  return false;
}

uint64_t NewestTx(const VersionChunk* head) {
  if (head == nullptr) return 0;
  const uint32_t n = head->count.load(std::memory_order_acquire);
  return head->items()[n - 1].tx;
}

uint64_t CollectVersions(const VersionChunk* head, uint64_t snapshot, uint64_t first,
                         uint64_t last, std::vector<KeyIndex::RevisionedVersion>* out) {
  // Snapshot the chain newest first: (chunk, count) pairs. Older chunks are
  // full and immutable; only the newest count can move, and we load it once.
  struct View {
    const VersionChunk* chunk;
    uint32_t n;
  };
  View small[8];
  std::vector<View> big;
  size_t num = 0;
  for (const VersionChunk* c = head; c != nullptr; c = c->older) {
    const View v{c, c->count.load(std::memory_order_acquire)};
    if (num < 8) {
      small[num] = v;
    } else {
      if (big.empty()) big.assign(small, small + 8);
      big.push_back(v);
    }
    num++;
  }
  View* views = big.empty() ? small : big.data();

  uint64_t visible = 0;
  for (size_t i = 0; i < num; i++) {
    const uint32_t k = CountUpTo(views[i].chunk, views[i].n, snapshot);
    if (k > 0) {
      visible = views[i].chunk->base + k;
      break;
    }
  }
  last = std::min(last, visible);
  if (first < 1) first = 1;
  if (out == nullptr || first > last) return visible;
  // Oldest chunk first; keep the revisions in [first, last].
  for (size_t i = num; i-- > 0;) {
    const VersionChunk* c = views[i].chunk;
    const uint64_t lo = c->base + 1;
    const uint64_t hi = c->base + views[i].n;
    if (hi < first) continue;
    if (lo > last) break;
    for (uint64_t r = std::max(lo, first); r <= std::min(hi, last); r++) {
      out->push_back({r, c->items()[r - lo]});
    }
  }
  return visible;
}

}  // namespace immu
