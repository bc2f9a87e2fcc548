#pragma once
// Transaction: a read snapshot plus a buffered write set, committed
// atomically as one tx. Reads see the snapshot overlaid with the
// transaction's own writes (read-your-own-writes).
//
// Isolation: snapshot isolation; at commit any key this transaction writes
// that another transaction committed after the snapshot makes the commit
// fail with Conflict (first committer wins). With TxOptions::serializable
// the keys and ranges it read are validated the same way.
//
// Thread-safety: a Transaction is used by one thread at a time.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/store.h"

namespace immu {

class Transaction {
 public:
  ~Transaction() = default;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  uint64_t snapshot() const { return snapshot_; }

  // READ COMMITTED: later reads see everything committed up to now. Writes
  // made from here on are checked at commit only against commits after
  // the new snapshot (each is computed from what this snapshot shows);
  // earlier writes keep the snapshot they were made under. Not for
  // serializable transactions (their reads are validated against one
  // snapshot).
  void AdvanceSnapshot();

  Status Set(std::string_view key, std::string_view value);
  // Writes a tombstone (whether or not the key exists).
  Status Delete(std::string_view key);

  Result<ValueVersion> Get(std::string_view key);
  // The transaction's own write of key, else the latest committed version
  // (not the snapshot's): for READ COMMITTED-style updates of locked rows.
  Result<ValueVersion> GetLatest(std::string_view key);
  // Declares that this transaction's write of key was computed from the
  // committed version of tx base_tx (read with GetLatest under a row lock):
  // the commit then conflicts only with writes of key after base_tx, not
  // with every write after the snapshot.
  void SetBase(std::string_view key, uint64_t base_tx);
  // The tx of key's newest committed version, tombstones included.
  uint64_t LatestCommittedTx(std::string_view key) const { return store_->LatestTx(key); }
  Result<std::vector<ValueVersion>> Scan(const ScanOptions& options);

  // Commits the writes. A transaction with no writes commits nothing and
  // returns a header with id 0. After Commit or Rollback the transaction is
  // finished; further calls fail with InvalidArgument.
  Result<TxHeader> Commit();
  void Rollback();

  // Savepoints. Mark() returns a marker; RollbackTo(marker) undoes every
  // Set/Delete/SetBase made after it (the marker stays valid, as after
  // ROLLBACK TO SAVEPOINT); Release(marker) forgets it and the markers after
  // it. Writes are logged for undo only while a marker exists.
  size_t Mark();
  void RollbackTo(size_t marker);
  void Release(size_t marker);

 private:
  friend class Store;
  Transaction(Store* store, uint64_t snapshot, bool serializable)
      : store_(store), snapshot_(snapshot), first_snapshot_(snapshot), serializable_(serializable) {}
  Status CheckOpen() const;
  // Records key's current write (and base) for undo when a marker exists.
  void LogUndo(std::string_view key);
  // Records that key's write was computed under the current (advanced)
  // snapshot.
  void NoteWriteSnapshot(std::string_view key);
  // Called by the store under its sequencer lock.
  Status CheckConflicts(const KeyIndex& index) const;

  Store* store_;
  uint64_t snapshot_;
  uint64_t first_snapshot_;  // the floor of write-conflict checks
  bool serializable_;
  bool done_ = false;
  std::map<std::string, std::optional<std::string>, std::less<>> writes_;  // nullopt: delete
  std::map<std::string, uint64_t, std::less<>> bases_;  // key -> base tx (SetBase)
  struct Undo {
    std::string key;
    bool had_write = false;
    std::optional<std::string> write;  // previous write (nullopt: delete)
    bool had_base = false;
    uint64_t base = 0;
  };
  std::vector<Undo> undo_;        // in write order
  std::vector<size_t> markers_;   // undo_ sizes at each Mark()
  std::vector<std::string> read_keys_;
  std::vector<std::pair<std::string, std::string>> read_ranges_;  // [start, end), "" end = open
};

}  // namespace immu
