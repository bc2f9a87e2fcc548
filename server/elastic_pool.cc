#include "server/elastic_pool.h"

#include <algorithm>
#include <system_error>

namespace immu::server {

ElasticPool::ElasticPool(int min_threads, int max_threads)
    : min_threads_(std::max(1, min_threads)), max_threads_(std::max(max_threads, std::max(1, min_threads))) {}

ElasticPool::~ElasticPool() { Join(); }

void ElasticPool::Post(std::function<void()> task) {
  std::lock_guard lock(mu_);
  queue_.push_back(std::move(task));
  // Every queued task needs its own thread: an idle thread woken for an
  // earlier task cannot take this one if that task blocks (a row lock).
  if (static_cast<int>(queue_.size()) > idle_ && static_cast<int>(threads_.size()) < max_threads_ && !stopping_) {
    try {
      threads_.emplace_back([this] { Loop(); });
      return;
    } catch (const std::system_error&) {
      // The system refuses another thread (EAGAIN under a process or memory
      // limit): the task waits for a running thread instead of the server
      // terminating.
    }
  }
  cv_.notify_one();
}

void ElasticPool::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    if (!queue_.empty()) {
      std::function<void()> task = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      task();
      lock.lock();
      continue;
    }
    if (stopping_) return;
    idle_++;
    cv_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    idle_--;
  }
}

void ElasticPool::Join() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

int ElasticPool::threads() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(threads_.size());
}

}  // namespace immu::server
