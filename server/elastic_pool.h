#pragma once
// ElasticPool: runs posted tasks on threads that are started on demand.
//
// Why not a fixed pool: a statement may block (a row lock held by another
// session, a synced commit), and the session it waits for needs a thread to
// run its COMMIT. With a fixed pool, enough blocked statements starve
// everyone (a deadlock that PostgreSQL's process-per-connection design
// cannot have). Each connection has at most one statement running, so one
// thread per busy connection suffices: a task never waits for a thread
// while fewer than max_threads tasks run. Threads stay until Join (their
// number is bounded by the peak number of concurrently busy connections).
//
// Thread-safety: Post and Join may be called from any thread.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace immu::server {

class ElasticPool {
 public:
  ElasticPool(int min_threads, int max_threads);
  ~ElasticPool();
  ElasticPool(const ElasticPool&) = delete;
  ElasticPool& operator=(const ElasticPool&) = delete;

  void Post(std::function<void()> task);
  // Runs the queued tasks to completion, then stops every thread.
  void Join();
  int threads() const;

 private:
  void Loop();

  const int min_threads_;
  const int max_threads_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  int idle_ = 0;
  bool stopping_ = false;
};

}  // namespace immu::server
