#pragma once
// Store: the embedded immutable key-value store. Every committed entry is a
// new version in an append-only, hash-chained transaction log whose Alh
// values form a Merkle tree, so any entry, transaction or the whole history
// can be proven to a client holding one trusted State.
//
// Commit path (group commit, see Commit in store.cc):
//   1. the committing thread encodes its entries, hashes them and computes
//      Eh with no lock held (parallel across committers);
//   2. under seq_mu_ it checks conflicts, takes the next tx id, builds the
//      header (bl_root = tree over every earlier tx), inserts its versions
//      in the index (invisible until published) and queues its record;
//   3. under sync_mu_ one thread (the leader) writes every queued record,
//      fdatasyncs once for all of them, appends the tree, publishes the new
//      committed tx id and so acknowledges the whole group.
// Reads never take those locks: they use the published committed tx id as
// their snapshot and the lock-free index.
//
// Thread-safety: all public methods are safe to call concurrently.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "storage/env.h"
#include "storage/key_index.h"
#include "storage/options.h"
#include "storage/segmented_log.h"
#include "storage/tx_tree.h"
#include "verify/entry.h"
#include "verify/proofs.h"
#include "verify/state.h"
#include "verify/status.h"
#include "verify/tx_header.h"

namespace immu {

class Transaction;

struct Entry {
  std::string key;
  EntryMetadata md;
  std::string value;
  bool operator==(const Entry&) const = default;
};

// One version of a key as read back.
struct ValueVersion {
  std::string key;
  std::string value;
  EntryMetadata md;
  uint64_t tx = 0;
  uint64_t revision = 0;  // 1-based among all versions of the key
};

struct TxEntries {
  TxHeader header;
  std::vector<Entry> entries;
};

struct TxOptions {
  // Validate the read set at commit (serializable); default is snapshot
  // isolation with write-write conflict detection only.
  bool serializable = false;
  // Read snapshot; 0 = the latest committed tx when the transaction starts.
  uint64_t snapshot = 0;
};

struct ScanOptions {
  std::string prefix;      // only keys starting with it
  std::string start;       // first key >= start (empty: from the prefix)
  std::string end;         // stop before end (empty: no bound)
  uint64_t snapshot = 0;   // 0 = latest committed
  uint64_t limit = 0;      // 0 = unlimited
  bool include_deleted = false;
};

struct StoreStats {
  uint64_t committed_tx = 0;
  uint64_t keys = 0;
  uint64_t versions = 0;
  uint64_t index_memory_bytes = 0;
  uint64_t log_bytes = 0;
  uint64_t checkpoint_tx = 0;
  uint64_t recovered_txs = 0;  // replayed from the log at open
};

class Store {
 public:
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  static Result<std::unique_ptr<Store>> Open(const std::string& dir, const Options& options);
  // Waits for in-flight commits, writes a checkpoint, closes files. Further
  // calls fail with Closed. Also run by the destructor.
  Status Close();

  // --- writes -----------------------------------------------------------
  std::unique_ptr<Transaction> Begin(const TxOptions& options = {});
  Result<TxHeader> Set(std::string_view key, std::string_view value);
  // NotFound when the key has no live version.
  Result<TxHeader> Delete(std::string_view key);
  // Commits the entries as one transaction without conflict checks (a blind
  // write batch). Keys must be distinct.
  Result<TxHeader> CommitBatch(const std::vector<Entry>& entries);

  // --- reads --------------------------------------------------------------
  uint64_t committed_tx() const { return committed_tx_.load(std::memory_order_acquire); }
  // Latest live version; NotFound if absent or deleted.
  Result<ValueVersion> Get(std::string_view key) const;
  // The tx of the key's newest committed version, tombstones included (0:
  // never written).
  uint64_t LatestTx(std::string_view key) const;
  // The version live at tx (snapshot read in the past).
  Result<ValueVersion> GetAt(std::string_view key, uint64_t tx) const;
  // Every version, tombstones included (md.deleted()).
  Result<std::vector<ValueVersion>> History(std::string_view key, uint64_t offset,
                                            uint64_t limit, bool desc) const;
  Result<std::vector<ValueVersion>> Scan(const ScanOptions& options) const;
  Result<TxEntries> ReadTx(uint64_t id) const;
  Result<TxHeader> ReadTxHeader(uint64_t id) const;

  // --- verification -------------------------------------------------------
  State CurrentState() const;
  // The state of an already committed header (e.g. the target of a proof
  // made a moment ago), signed when a signer is set, so that a proof and
  // the signed state it leads to always name the same tx.
  State StateOf(const TxHeader& header) const;
  void SetSigner(std::unique_ptr<Signer> signer);
  // Entry + proofs for key's latest version (or the version live at at_tx
  // when non-zero), linked to the current state and, when trusted_tx > 0,
  // a dual proof from trusted_tx. The server checks every proof it returns.
  Result<VerifiableEntry> VerifiableGet(std::string_view key, uint64_t trusted_tx,
                                        uint64_t at_tx = 0) const;
  Result<VerifiableEntry> VerifiableSet(std::string_view key, std::string_view value,
                                        uint64_t trusted_tx);
  Result<DualProof> ProveDual(uint64_t source_tx, uint64_t target_tx) const;
  // Recomputes tx id's entries, Eh and Alh from the stored bytes and proves
  // the tx against the current state.
  Status VerifyTx(uint64_t id) const;

  StoreStats Stats() const;
  const Options& options() const { return options_; }

 private:
  class EntryTreeSource;
  struct ProofHead;
  Status ProveEntry(std::string_view key, const IndexVersion& v, VerifiableEntry* ve) const;
  // The header and hint tree of tx's record (at rec_pos), from the cache or
  // read, parsed and checked against Eh.
  Result<std::shared_ptr<const ProofHead>> LoadProofHead(uint64_t tx, uint64_t rec_pos) const;
  friend class Transaction;
  // What a committer computes before taking any lock.
  struct Prepared {
    std::string entries_part;            // encoded entries, laid end to end
    std::vector<uint32_t> offsets;       // each entry's offset in entries_part
    std::vector<uint32_t> sizes;         // each entry's encoded size
    std::vector<std::string_view> keys;  // views into entries_part
    std::vector<uint8_t> flags;
    std::vector<uint32_t> order;         // entry indices sorted by key
    Hash eh{};
    std::string hints;                   // logfmt hints (EncodeHints)
  };
  struct Batch;

  Store(std::string dir, const Options& options);
  Status Recover();
  Status ReplayFrom(uint64_t pos);
  Status HandleBadRecord(uint64_t pos, const Status& why);
  Result<TxHeader> LoadCheckpointState(uint64_t* pos);
  Result<Prepared> Prepare(const std::vector<Entry>& entries) const;
  // Sequences and durably commits. conflict_check runs under seq_mu_.
  Result<TxHeader> Commit(Prepared prepared, uint64_t snapshot, const Transaction* txn);
  Status Sequence(Prepared* p, uint64_t snapshot, const Transaction* txn, TxHeader* header);
  // Returns once tx id is durable (or failed), leading batches as needed.
  Status SyncBatches(uint64_t id);
  // Writes whatever is sequenced as one batch. Caller holds sync_mu_.
  Status WriteBatch();
  Result<ValueVersion> ReadVersion(std::string_view key, const IndexVersion& v,
                                   uint64_t revision) const;
  Result<std::string> ReadEntryBytes(const IndexVersion& v) const;
  Status ValidateKey(std::string_view key) const;
  void Info(const std::string& msg) const;
  void MaybeScheduleCheckpoint();
  Status WriteCheckpoint();
  void CheckpointLoop();
  TxHeader CommittedHeader() const;

  const std::string dir_;
  Options options_;
  Env* env_;

  std::unique_ptr<SegmentedLog> log_;
  std::unique_ptr<TxTree> tree_;
  std::unique_ptr<KeyIndex> index_;

  // Sequencer state, guarded by seq_mu_.
  mutable std::mutex seq_mu_;
  uint64_t last_seq_tx_ = 0;
  Hash last_seq_alh_{};
  int64_t last_ts_ = 0;
  uint64_t next_pos_ = 0;
  std::unique_ptr<Batch> batch_;
  Status failed_;  // once set (I/O failure), every commit fails with it
  bool accepting_ = true;  // false once Close starts

  // Group commit. sync_mu_ is held by the one thread writing a batch (and
  // by checkpoints, which need the files quiet). Committers wait on
  // group_cv_ under group_mu_ until their tx is durable; whoever finds no
  // leader active becomes the leader for one batch, then wakes everyone.
  std::mutex sync_mu_;
  std::mutex group_mu_;
  std::condition_variable group_cv_;
  bool leader_active_ = false;  // guarded by group_mu_
  std::atomic<uint64_t> durable_tx_{0};

  // Published state for readers.
  std::atomic<uint64_t> committed_tx_{0};
  mutable std::mutex state_mu_;
  TxHeader committed_header_;  // guarded by state_mu_
  std::unique_ptr<Signer> signer_;  // guarded by state_mu_

  // Proof heads of recently proven transactions with hints (most recent
  // first), so that proving entries of a big transaction again costs
  // O(log n) instead of re-reading and re-hashing its hint roots. Records
  // are immutable, so entries never go stale; bounded by kProofCacheBytes.
  mutable std::mutex proof_cache_mu_;
  mutable std::list<std::shared_ptr<const ProofHead>> proof_cache_;  // guarded by proof_cache_mu_
  mutable size_t proof_cache_bytes_ = 0;                              // guarded by proof_cache_mu_

  // Checkpointing.
  mutable std::mutex ckpt_mu_;
  std::condition_variable ckpt_cv_;
  bool ckpt_requested_ = false;
  bool stopping_ = false;
  uint64_t checkpoint_tx_ = 0;     // guarded by ckpt_mu_
  uint64_t checkpoint_pos_ = 0;    // guarded by ckpt_mu_
  std::thread ckpt_thread_;
  uint64_t recovered_txs_ = 0;
  // Log bytes below this were acknowledged (a CHECKPOINT said so): damage
  // there is corruption, never a torn write.
  uint64_t durable_floor_ = 0;
  bool closed_ = false;
  bool opened_ = false;  // set once Open() fully succeeded
};

}  // namespace immu
