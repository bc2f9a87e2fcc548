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

namespace immu::sql {

class AdvisoryLocks {
 public:
  // Waits until the lock is free or owned by owner; check (sql/lock_wait.h)
  // runs between waits and throws to give up.
  void Lock(int64_t key, const void* owner, const std::function<void()>& check);
  bool TryLock(int64_t key, const void* owner);
  // False when owner does not hold key.
  bool Unlock(int64_t key, const void* owner);
  void UnlockAll(const void* owner);

 private:
  struct Held {
    const void* owner;
    int count;
  };
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<int64_t, Held> held_;
};

}  // namespace immu::sql
