#pragma once
// Version chains of the in-memory index: every version of one key, in commit
// (tx) order, stored in arena-allocated chunks linked newest chunk first.
//
//   node->versions --> [chunk cap 4, base 3] --older--> [cap 2, base 1] --> [cap 1, base 0]
//
// Invariants:
//  - within a chunk, items[0..count) are in non-decreasing tx order, and every
//    item of a chunk is newer (tx >=) than every item of its older chunk;
//  - every chunk except the newest is full (count == capacity);
//  - base = number of versions in all older chunks, so the revision (1-based
//    position among all versions of the key) of items[i] is base + i + 1;
//  - a published chunk has count >= 1, and items never change once counted.
//
// Thread-safety (single writer, lock-free readers): the writer fills
// items[count] and then stores count + 1 with release; a new chunk is fully
// built (count already 1) before the head pointer is stored with release.
// Readers load the head pointer with acquire, then count with acquire, and
// read only items[0..count). Chunks live in the Arena and are never freed
// while the index lives.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "storage/arena.h"
#include "storage/key_index.h"

namespace immu {

struct VersionChunk {
  std::atomic<uint32_t> count;  // published items
  uint32_t capacity;
  const VersionChunk* older;
  uint64_t base;  // versions in all older chunks

  // Capacities double from 1 up to this, then stay: small keys waste little,
  // hot keys pay 24 bytes of chunk header per kMaxChunkCapacity versions.
  static constexpr uint32_t kMaxChunkCapacity = 64;

  static constexpr size_t SizeFor(uint64_t capacity) {
    return sizeof(VersionChunk) + capacity * sizeof(IndexVersion);
  }
  IndexVersion* items() { return reinterpret_cast<IndexVersion*>(this + 1); }
  const IndexVersion* items() const { return reinterpret_cast<const IndexVersion*>(this + 1); }

  // Builds a chunk in `mem` (SizeFor(capacity) bytes, 8-aligned) holding the
  // first `n` of `versions` (n >= 1, n <= capacity). Not yet published.
  static VersionChunk* Create(char* mem, uint32_t capacity, const VersionChunk* older,
                              uint64_t base, const IndexVersion* versions, uint32_t n);
};
static_assert(sizeof(VersionChunk) == 24, "chunk header should stay 24 bytes");
static_assert(sizeof(IndexVersion) == 24, "IndexVersion layout changed");
static_assert(alignof(VersionChunk) <= Arena::kAlignment);

// Writer only: appends v to the chain whose newest chunk is *head (which may
// be nullptr), allocating a new chunk from arena when the newest is full.
void AppendVersion(Arena* arena, std::atomic<const VersionChunk*>* head, const IndexVersion& v);

// Reader-safe: the newest version with tx <= snapshot in the chain starting
// at head (loaded by the caller with acquire). *revision is its 1-based
// position. False if every version is newer than snapshot.
bool FindVersionAt(const VersionChunk* head, uint64_t snapshot, IndexVersion* out,
                   uint64_t* revision);

// Reader-safe: the tx of the newest version; 0 for an empty chain.
uint64_t NewestTx(const VersionChunk* head);

// Reader-safe: appends to *out, oldest first, the versions with revision in
// [first, last] (1-based, inclusive) among those with tx <= snapshot, and
// returns how many versions have tx <= snapshot. All of it is computed from
// one consistent view of the chain (each count loaded once).
uint64_t CollectVersions(const VersionChunk* head, uint64_t snapshot, uint64_t first,
                         uint64_t last, std::vector<KeyIndex::RevisionedVersion>* out);

}  // namespace immu
