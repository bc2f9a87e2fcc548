#include "server/elastic_pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace immu::server {
namespace {

TEST_CASE("elastic pool: tasks that wait for each other all get a thread") {
  // With a fixed pool of 2 threads, 8 tasks that all wait for the 8th would
  // never finish: this is the starvation the pool exists to prevent.
  ElasticPool pool(2, 64);
  std::mutex mu;
  std::condition_variable cv;
  int started = 0;
  std::atomic<int> finished{0};
  constexpr int kTasks = 8;
  for (int i = 0; i < kTasks; i++) {
    pool.Post([&] {
      std::unique_lock lock(mu);
      started++;
      cv.notify_all();
      cv.wait_for(lock, std::chrono::seconds(10), [&] { return started == kTasks; });
      if (started == kTasks) finished++;
    });
  }
  pool.Join();
  CHECK(finished.load() == kTasks);
}

TEST_CASE("elastic pool: idle threads are reused, not multiplied") {
  ElasticPool pool(1, 16);
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; i++) {
    pool.Post([&] { ran++; });
    for (int spin = 0; spin < 100 && ran.load() <= i; spin++) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  CHECK(ran.load() == 50);
  CHECK(pool.threads() <= 2);
  pool.Join();
}

}  // namespace
}  // namespace immu::server
