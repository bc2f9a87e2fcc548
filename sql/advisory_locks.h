#pragma once
// Session-level advisory locks (pg_advisory_lock and friends): named by a
// 64-bit key, re-entrant for their owner (a session), held until unlocked
// or the session ends. They guard nothing by themselves; applications (for
// instance Rails' migrator) use them to serialise work among clients.
//
// Thread-safe.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

namespace immu::sql {

class AdvisoryLocks {
 public:
  // Waits until the lock is free or owned by owner; check (sql/lock_wait.h)
  // runs between waits and throws to give up. pid: the owner's backend pid,
  // which pg_blocking_pids reports.
  void Lock(int64_t key, const void* owner, int32_t pid, const std::function<void()>& check);
  bool TryLock(int64_t key, const void* owner, int32_t pid);
  // False when owner does not hold key.
  bool Unlock(int64_t key, const void* owner);
  void UnlockAll(const void* owner);
  // pg_blocking_pids: the pid holding the lock the session with pid waits
  // for (none when it is not waiting here).
  std::vector<int32_t> BlockingPids(int32_t pid);

 private:
  struct Held {
    const void* owner;
    int32_t pid;
    int count;
  };
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<int64_t, Held> held_;
  std::map<int32_t, int64_t> waiting_;  // pid -> the key it waits for
};

}  // namespace immu::sql
