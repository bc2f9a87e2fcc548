#include "sql/advisory_locks.h"

#include <chrono>

#include "catalog/pg_error.h"

namespace immu::sql {

void AdvisoryLocks::Lock(int64_t key, const void* owner, int32_t pid, const std::function<void()>& check) {
  std::unique_lock lock(mu_);
  while (true) {
    auto [it, inserted] = held_.try_emplace(key, Held{owner, pid, 0});
    if (inserted || it->second.owner == owner) {
      it->second.count++;
      waiting_.erase(pid);
      return;
    }
    waiting_[pid] = key;
    // Woken by unlocks; the timeout bounds how late a cancel is noticed.
    cv_.wait_for(lock, std::chrono::milliseconds(50));
    if (check) {
      try {
        check();
      } catch (...) {
        waiting_.erase(pid);
        throw;
      }
    }
  }
}

bool AdvisoryLocks::TryLock(int64_t key, const void* owner, int32_t pid) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = held_.try_emplace(key, Held{owner, pid, 0});
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

std::vector<int32_t> AdvisoryLocks::BlockingPids(int32_t pid) {
  std::lock_guard lock(mu_);
  auto w = waiting_.find(pid);
  if (w == waiting_.end()) return {};
  auto h = held_.find(w->second);
  if (h == held_.end()) return {};
  return {h->second.pid};
}

}  // namespace immu::sql
