#include "sql/advisory_locks.h"

#include <chrono>

#include "catalog/pg_error.h"

namespace immu::sql {

void AdvisoryLocks::Lock(int64_t key, const void* owner, const std::function<void()>& check) {
  std::unique_lock lock(mu_);
  while (true) {
    auto [it, inserted] = held_.try_emplace(key, Held{owner, 0});
    if (inserted || it->second.owner == owner) {
      it->second.count++;
      return;
    }
    // Woken by unlocks; the timeout bounds how late a cancel is noticed.
    cv_.wait_for(lock, std::chrono::milliseconds(50));
    if (check) check();
  }
}

bool AdvisoryLocks::TryLock(int64_t key, const void* owner) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = held_.try_emplace(key, Held{owner, 0});
  if (!inserted && it->second.owner != owner) return false;
  it->second.count++;
  return true;
}

bool AdvisoryLocks::Unlock(int64_t key, const void* owner) {
  std::lock_guard lock(mu_);
  auto it = held_.find(key);
  if (it == held_.end() || it->second.owner != owner) return false;
  if (--it->second.count == 0) {
    held_.erase(it);
    cv_.notify_all();
  }
  return true;
}

void AdvisoryLocks::UnlockAll(const void* owner) {
  std::lock_guard lock(mu_);
  const size_t before = held_.size();
  std::erase_if(held_, [owner](const auto& e) { return e.second.owner == owner; });
  if (held_.size() != before) cv_.notify_all();
}

}  // namespace immu::sql
