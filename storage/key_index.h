#pragma once
// KeyIndex: the in-memory MVCC index. For every key, every version ever
// committed, in commit order, with where its entry lives in the log.
//
// Structure: a skiplist ordered by key (bytewise), arena-allocated; each node
// holds the key inline and a chain of version chunks (newest chunk first,
// capacities doubling), so appending a version never moves or frees memory
// that a reader may be looking at.
//
// Thread-safety: one writer at a time (the commit sequencer calls Insert /
// InsertSorted); any number of concurrent readers without locks. A reader
// never blocks the writer. Readers pass a snapshot tx id and see only
// versions with tx <= snapshot, so versions the writer is adding for
// not-yet-acknowledged transactions stay invisible.
//
// Memory: per key ~ key bytes + 40 bytes of node + 24 bytes per version
// (IndexVersion), amortised.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/env.h"
#include "verify/status.h"

namespace immu {

struct IndexVersion {
  uint64_t tx = 0;   // transaction that wrote this version
  uint64_t pos = 0;  // global log position of the entry record
  uint32_t len = 0;  // length of the entry record at pos
  uint8_t flags = 0; // EntryMetadata flags (kDeleted for tombstones)

  bool deleted() const { return (flags & 0x01) != 0; }
  bool operator==(const IndexVersion&) const = default;
};

class KeyIndex {
 public:
  KeyIndex();
  ~KeyIndex();
  KeyIndex(const KeyIndex&) = delete;
  KeyIndex& operator=(const KeyIndex&) = delete;

  // Writer only. v.tx must be >= the tx of every version already stored for
  // key (versions of a key arrive in commit order).
  void Insert(std::string_view key, const IndexVersion& v);

  struct KeyedVersion {
    std::string_view key;
    IndexVersion version;
  };
  // Writer only. Same as Insert for each item; items must be sorted by key
  // (duplicates allowed, in tx order). Faster than one Insert per item.
  void InsertSorted(const std::vector<KeyedVersion>& items);

  // Latest version with tx <= snapshot. *revision (optional) is its 1-based
  // position among all versions of the key. False if none.
  bool Get(std::string_view key, uint64_t snapshot, IndexVersion* out,
           uint64_t* revision = nullptr) const;

  // The tx of the newest version of key, whatever the snapshot; 0 if the key
  // was never written. Used for write-write conflict detection.
  uint64_t LatestTx(std::string_view key) const;

  // Number of versions with tx <= snapshot.
  uint64_t VersionCount(std::string_view key, uint64_t snapshot) const;

  // Versions with tx <= snapshot, oldest first unless desc; skip `offset`,
  // return at most `limit` (0 = no limit). Revisions are 1-based positions.
  struct RevisionedVersion {
    uint64_t revision;
    IndexVersion version;
  };
  std::vector<RevisionedVersion> History(std::string_view key, uint64_t snapshot,
                                         uint64_t offset, uint64_t limit, bool desc) const;

  // Ordered iteration over keys. Valid while the index lives; sees keys
  // inserted concurrently or not (either is fine: callers filter by snapshot).
  class Iterator {
   public:
    explicit Iterator(const KeyIndex* index);
    bool Valid() const;
    void SeekToFirst();
    void Seek(std::string_view target);  // first key >= target
    void Next();
    std::string_view key() const;
    // Latest version with tx <= snapshot; false if the key had none then.
    bool VersionAt(uint64_t snapshot, IndexVersion* out, uint64_t* revision = nullptr) const;

   private:
    const KeyIndex* index_;
    const void* node_;
  };

  uint64_t key_count() const;
  uint64_t version_count() const;
  size_t ApproximateMemoryUsage() const;

  // Checkpoint: writes every version with tx <= upto_tx to path (atomically,
  // through env->WriteFileAtomic or a temp file + rename + SyncDir), in a
  // CRC-protected format (docs/FORMAT.md). May run concurrently with the
  // writer (it only reads).
  Status WriteCheckpoint(Env* env, const std::string& path, uint64_t upto_tx) const;
  // Loads a checkpoint into an empty index; returns the upto_tx it was
  // written with. Corruption if any checksum fails.
  Result<uint64_t> LoadCheckpoint(Env* env, const std::string& path);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace immu
