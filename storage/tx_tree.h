#pragma once
// TxTree: the persisted global Merkle tree over every transaction's Alh, and
// the table from tx id to the log position of its record.
//
// Files (docs/FORMAT.md), all append-only arrays of fixed-size cells:
//   tree/L00 .. tree/L63   level L node j = root of leaves [j*2^L, (j+1)*2^L)
//                          (L00 holds the leaf hashes LeafHash(Alh(j+1)))
//   tree/txpos             u64le log position of tx j+1's record
// A node is written once its subtree is complete, so any perfect aligned
// subtree is one 32-byte read and any root or proof costs O(log n) reads.
// Everything here can be rebuilt from the log; recovery truncates these files
// to the last checkpoint and re-appends from the log.
//
// Thread-safety: one writer (Append, Flush, Sync, TruncateTo) externally
// serialised; readers (size, Subtree, RecordPos) concurrently with it. Readers
// see only what Flush has published.

#include <array>
#include <cstdlib>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "storage/env.h"
#include "verify/hash.h"
#include "verify/merkle.h"
#include "verify/status.h"

namespace immu {

class TxTree : public merkle::SubtreeSource {
 public:
  static constexpr int kMaxLevels = 64;

  ~TxTree() override;
  static Result<std::unique_ptr<TxTree>> Open(Env* env, const std::string& dir);

  // Leaves present in the files when opened (before any TruncateTo).
  uint64_t stored_size() const { return writer_size_; }
  // Cuts the tree to n leaves (n <= stored_size()) and reloads the frontier.
  Status TruncateTo(uint64_t n);

  // Writer: appends tx (writer_size()+1) with its Alh and record position to
  // in-memory buffers. Visible to readers after Flush.
  void Append(const Hash& alh, uint64_t record_pos);
  uint64_t writer_size() const { return writer_size_; }
  // Root of the tree of writer_size() leaves: bl_root for the next tx.
  Hash WriterRoot() const;
  // Buffers filled by Append and not yet written. The sequencer takes them
  // (under its lock, in order with Append) and the commit leader writes them
  // (under its own lock), so appending and writing can overlap safely.
  struct Pending {
    std::array<std::string, kMaxLevels> levels;
    std::string txpos;
    uint64_t size = 0;  // tree size once written
  };
  Pending TakePending();
  // Writes taken buffers (in the order they were taken) and publishes size.
  Status WritePending(Pending pending);
  // TakePending + WritePending, for single-threaded use (recovery, tests).
  Status Flush() { return WritePending(TakePending()); }
  Status Sync();

  // Readers.
  uint64_t size() const override { return published_.load(std::memory_order_acquire); }
  Result<Hash> Subtree(uint64_t begin, uint64_t end) const override;
  Result<uint64_t> RecordPos(uint64_t tx_id) const;

 private:
  TxTree(Env* env, std::string dir) : env_(env), dir_(std::move(dir)) {}
  Status OpenLevel(int level);
  Result<Hash> ReadNode(int level, uint64_t index) const;
  std::string LevelPath(int level) const;

  Env* const env_;
  const std::string dir_;

  // Levels >= kCachedLevel also live in memory (1/4 of the nodes: ~8 MB per
  // million txs), so a proof costs at most a few preads for the bottom three
  // levels and memory reads above. Append-only chunked arrays: chunks never
  // move, the writer fills cells before publishing size. The chunk table is
  // calloc'ed, so its untouched pages cost no memory.
  static constexpr int kCachedLevel = 3;
  static constexpr size_t kChunkBits = 10;
  static constexpr size_t kMaxChunks = size_t{1} << 18;  // 2^28 nodes per level
  struct FreeDeleter {
    void operator()(void* p) const { std::free(p); }
  };
  struct CachedLevel {
    std::unique_ptr<std::atomic<Hash*>[], FreeDeleter> chunks;  // on first use (writer)
  };
  std::array<CachedLevel, kMaxLevels> cache_;
  void CachePut(int level, uint64_t index, const Hash& h);
  const Hash* CacheGet(int level, uint64_t index) const;

  struct Level {
    std::unique_ptr<WritableFile> writer;
    std::atomic<RandomAccessFile*> reader{nullptr};  // owned; published before use
    std::string pending;
  };
  std::array<Level, kMaxLevels> levels_;
  Level txpos_;

  // Writer state: the newest node of every level (the frontier).
  std::array<Hash, kMaxLevels> last_{};
  uint64_t writer_size_ = 0;
  std::atomic<uint64_t> published_{0};
};

}  // namespace immu
