#include "server/elastic_pool.h"

namespace immu::server {

ElasticPool::ElasticPool(int min_threads, int max_threads, std::chrono::milliseconds idle_timeout)
    : min_threads_(min_threads), max_threads_(std::max(max_threads, std::max(1, min_threads))),
      idle_timeout_(idle_timeout) {}

ElasticPool::~ElasticPool() { Join(); }

void ElasticPool::Post(std::function<void()> task) {
  std::lock_guard lock(mu_);
  queue_.push_back(std::move(task));
  if (idle_ == 0 && threads_ < max_threads_) {
    threads_++;
    std::thread([this] { Loop(); }).detach();
  } else {
    cv_.notify_one();
  }
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
    if (stopping_) break;
    idle_++;
    const bool woken = cv_.wait_for(lock, idle_timeout_, [this] { return !queue_.empty() || stopping_; });
    idle_--;
    if (!woken && threads_ > min_threads_) break;  // idle too long
  }
  threads_--;
  exited_cv_.notify_all();
}

void ElasticPool::Join() {
  std::unique_lock lock(mu_);
  stopping_ = true;
  cv_.notify_all();
  exited_cv_.wait(lock, [this] { return threads_ == 0; });
}

int ElasticPool::threads() const {
  std::lock_guard lock(mu_);
  return threads_;
}

}  // namespace immu::server
