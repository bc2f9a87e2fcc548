#pragma once
// ActivityBoard: the live sessions of an engine, for pg_stat_activity.
//
// Each session registers once and owns its Entry; it updates the entry at
// statement start and when it goes idle. A reader takes a snapshot of every
// entry. Entries are cheap to update (one uncontended mutex), so the hot
// path pays a few tens of nanoseconds per statement.
//
// Thread-safety: everything here may be called from any thread.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "sql/cluster.h"

namespace immu::sql {

class ActivityBoard {
 public:
  class Entry {
   public:
    // A statement begins; xact_start is the transaction's start (0: none).
    void StatementStart(std::string_view query, int64_t now, int64_t xact_start);
    // Back to the client: tx_status is 'I', 'T' or 'E' (ReadyForQuery's).
    void Idle(char tx_status, int64_t now);
    SessionActivity Snapshot() const;

   private:
    friend class ActivityBoard;
    mutable std::mutex mu_;
    SessionActivity a_;
  };

  // Registers a session; it stays on the board until the returned entry's
  // last reference goes.
  std::shared_ptr<Entry> Register(const SessionActivity& initial);
  // Every live session, by pid.
  std::vector<SessionActivity> Snapshot() const;
  // Sessions connected to database.
  int CountConnected(const std::string& database) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::weak_ptr<Entry>> entries_;  // expired ones are pruned on Register
};

}  // namespace immu::sql
