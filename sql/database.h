#pragma once
// One SQL database: its store, its latest committed catalog and its
// sequences. Shared by every session connected to it.
//
// Thread-safety: all methods are thread-safe. DDL commits are serialised by
// ddl_mu() so the published catalog always matches the store.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "catalog/catalog.h"
#include "sql/advisory_locks.h"
#include "storage/store.h"

namespace immu::sql {

class Database {
 public:
  // Throws PgError when the store cannot be opened.
  static std::unique_ptr<Database> Open(const std::string& name, const std::string& dir, bool synced);
  ~Database();

  const std::string& name() const { return name_; }
  Store* store() const { return store_.get(); }

  std::shared_ptr<const Catalog> catalog() const;
  void PublishCatalog(std::shared_ptr<const Catalog> catalog);
  std::mutex& ddl_mu() { return ddl_mu_; }

  // Next value of a sequence (serial column, or the hidden row id of a table
  // without primary key when column == kRowIdColumn). Non-transactional like
  // PostgreSQL's nextval: values are never handed out twice, even after a
  // crash, because a high-water mark 32 values ahead is committed first.
  int64_t NextSequenceValue(uint32_t table_oid, uint16_t column);
  static constexpr uint16_t kRowIdColumn = 0xffff;
  // The same for a sequence with its own options (CREATE SEQUENCE, or a
  // serial column's type bounds); name is for messages. Throws 2200H at
  // the end of a non-cycling sequence.
  int64_t NextSequenceValue(uint32_t owner, uint16_t column, const SequenceDef& def, const std::string& name);
  // setval: the next nextval returns next (persisted at once).
  void SetSequenceNext(uint32_t owner, uint16_t column, int64_t next);
  // The value nextval would return now, and whether nextval was ever called
  // since the sequence was created or reset (SELECT * FROM sequence).
  std::pair<int64_t, bool> PeekSequence(uint32_t owner, uint16_t column, const SequenceDef& def);
  // Forgets the cached state of a sequence (DROP, RESTART).
  void ResetSequence(uint32_t owner, uint16_t column);

  AdvisoryLocks& advisory_locks() { return advisory_; }

  // Allocates a fresh object id (persisted).
  uint32_t AllocateOid();

  // Row locks: UPDATE and DELETE lock each row they change until their
  // transaction ends, so concurrent writers of a row queue up (as in
  // PostgreSQL) instead of failing at commit. A wait that would close a
  // cycle fails with 40P01; a cancelled wait with 57014.
  // check (sql/lock_wait.h) runs between waits and throws to give up.
  void LockRow(const std::string& key, const void* owner, const std::function<void()>& check);
  void ReleaseRowLocks(const void* owner);
  // Takes the row lock only if it is free (or already owner's).
  bool TryLockRow(const std::string& key, const void* owner);

  // Table locks with PostgreSQL's eight modes and conflict table, held until
  // the owner's transaction ends (ReleaseRowLocks releases them too). SELECT
  // takes kAccessShare, INSERT/UPDATE/DELETE kRowExclusive, DDL
  // kAccessExclusive (CREATE INDEX kShare), LOCK TABLE any mode. Waits share
  // the row locks' waits-for graph, so a cycle through both is 40P01.
  // nowait: 55P03 instead of waiting. name is for messages.
  enum class TableLockMode : uint8_t {
    kAccessShare = 1,
    kRowShare,
    kRowExclusive,
    kShareUpdateExclusive,
    kShare,
    kShareRowExclusive,
    kExclusive,
    kAccessExclusive,
  };
  // Returns true when it had to wait (the caller may refresh its snapshot).
  bool LockTable(uint32_t table_oid, TableLockMode mode, const void* owner, bool nowait,
                 const std::function<void()>& check, const std::string& name);

  // pg_blocking_pids: sessions name their lock owner's backend pid while
  // open; BlockingPids is the pid holding the row, table or advisory lock
  // the session with pid waits for (empty when it does not wait).
  void SetOwnerPid(const void* owner, int32_t pid);
  void ForgetOwner(const void* owner);
  std::vector<int32_t> BlockingPids(int32_t pid);

 private:
  Database() = default;
  // One wait (woken by releases, at most 50 ms) of owner for a lock, then
  // check (which may throw to give up). lock holds lock_mu_.
  void WaitForLock(std::unique_lock<std::mutex>& lock, const void* owner, const std::function<void()>& check);
  std::string name_;
  std::unique_ptr<Store> store_;
  mutable std::mutex mu_;
  std::shared_ptr<const Catalog> catalog_;
  std::mutex ddl_mu_;
  struct Seq {
    bool loaded = false;
    bool called = false;  // a value was handed out (or the stored mark exists)
    int64_t next = 1;
    int64_t limit = 0;    // the persisted mark: values before it may have been handed out
  };
  // The cached state of a sequence, loaded from the store on first use.
  // Requires seq_mu_.
  Seq& LoadSequence(uint32_t owner, uint16_t column, int64_t start);
  AdvisoryLocks advisory_;
  std::mutex seq_mu_;
  std::map<std::pair<uint32_t, uint16_t>, Seq> seqs_;
  uint32_t next_oid_ = 0;

  std::mutex lock_mu_;
  std::condition_variable lock_cv_;
  std::unordered_map<std::string, const void*> row_locks_;       // key -> owner
  std::unordered_map<const void*, std::vector<std::string>> held_;  // owner -> keys
  std::unordered_map<const void*, const void*> waits_for_;        // waiter -> holder
  // table oid -> owner -> bit (1 << mode) of every mode it holds
  std::unordered_map<uint32_t, std::unordered_map<const void*, uint16_t>> table_locks_;
  std::unordered_map<const void*, std::vector<uint32_t>> held_tables_;  // owner -> table oids
  std::unordered_map<const void*, int32_t> owner_pids_;
  // Requires lock_mu_: throws 40P01 when waiting for holder closes a cycle.
  void CheckDeadlock(const void* owner, const void* holder);
};

}  // namespace immu::sql
