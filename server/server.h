#pragma once
// The PostgreSQL listener: Boost.Asio sockets around pgwire::Connection.
//
// Threads: an I/O io_context run by a few threads does accepting, reads,
// writes, TLS handshakes and the startup/authentication phase of every
// connection (cheap, bounded work); a separate worker pool runs the
// statements of authenticated connections. A long query therefore never
// delays accepting, authenticating or the CancelRequest that stops it.
// Each connection has a strand: its reads, writes and state changes are
// serialised. A connection is half-duplex like a PostgreSQL backend: read,
// process (on a worker), write, read again; while a worker runs it, only
// that worker touches the socket (mid-statement flushes are synchronous
// writes), so no lock is needed.
//
// Idle connections cost a socket, a small read buffer, the Connection and
// its Session: output buffers are released after every write.
//
// Shutdown(): stop accepting; idle connections get FATAL 57P01 and close;
// busy ones finish the message they are running, then get the same. Wait()
// returns once every connection is gone and the threads have stopped; the
// caller then closes the engine. A second Shutdown() cancels running
// statements (57014).
//
// Thread-safety: Start, Shutdown and Wait may be called from any thread;
// Shutdown is safe from a signal handler's io_context callback.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "pgwire/cancel_registry.h"
#include "pgwire/user_store.h"
#include "server/options.h"
#include "sql/session.h"

namespace immu::server {

class Server {
 public:
  // engine and users must outlive the server.
  Server(const ServerOptions& options, sql::Engine* engine, const pgwire::UserStore* users);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the TLS files, binds, listens and starts the threads. Throws
  // std::runtime_error (bad certificate, address in use ...).
  void Start();
  // The bound port (useful with port 0).
  uint16_t port() const { return port_; }
  // SIGINT/SIGTERM call Shutdown() (installed by Start when asked).
  void HandleSignals();
  void Shutdown();
  void Wait();

  int active_connections() const { return active_.load(); }

 private:
  class Client;
  struct Impl;

  void Accept();
  void Register(const std::shared_ptr<Client>& c);
  void Unregister(Client* c);

  ServerOptions options_;
  sql::Engine* const engine_;
  const pgwire::UserStore* const users_;
  pgwire::CancelRegistry cancels_;
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
  std::atomic<int> active_{0};       // admitted connections (counted for the limit)
  std::atomic<int> open_sockets_{0}; // every accepted socket
  std::atomic<bool> shutting_down_{false};
  std::atomic<int> shutdown_requests_{0};
  std::string server_secret_;
  std::string tls_end_point_;  // SCRAM channel binding data; set by Start()

  std::mutex mu_;
  std::unordered_map<Client*, std::weak_ptr<Client>> clients_;  // guarded by mu_
  std::vector<std::thread> io_threads_;
};

}  // namespace immu::server
