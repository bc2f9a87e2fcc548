#pragma once
// Definitions shared by server.cc and client.cc; not an interface.
//
// Thread-safety: Impl's Asio objects are used as Asio allows (the acceptor
// and signal set only from the I/O context); a Client's members only on its
// strand, or by the one worker running its statements while busy_.

#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp misses it under C++20

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "pgwire/connection.h"
#include "server/elastic_pool.h"
#include "server/server.h"

namespace immu::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct Server::Impl {
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor acceptor{io};
  asio::signal_set signals{io};
  asio::steady_timer accept_retry{io};
  std::unique_ptr<asio::ssl::context> ssl;  // null without --certificate/--pkey
  std::unique_ptr<ElasticPool> workers;
  bool started = false;  // set by Start()
};

class Server::Client : public std::enable_shared_from_this<Server::Client> {
 public:
  // admitted: false when the server is full (the Connection then refuses
  // the StartupMessage with 53300 but still serves a CancelRequest).
  Client(Server* server, tcp::socket socket, bool admitted);
  ~Client();

  void Start();
  // From any thread: FATAL 57P01 and close once idle (see server.h).
  void RequestShutdown();

 private:
  void BeginShutdown();
  static constexpr size_t kReadBufferSize = 16 * 1024;
  static constexpr size_t kKeepCapacity = 64 * 1024;

  void DoRead();
  void OnRead(const boost::system::error_code& ec, size_t n);
  void AfterReceive();
  void WriteOutput();
  void OnWrite(const boost::system::error_code& ec);
  void NextStep();
  void StartTls();
  void CancelIo();
  void Close();
  // The Connection's flush callback: a blocking write, used only by the
  // worker running a statement (nothing else touches the socket then).
  void WriteSync(std::string_view bytes);
  // On the worker, after Receive: sends the reply itself and waits a little
  // for the client's next message, returning its size (0: hand the
  // connection back to the I/O thread). Plain sockets only. Spares the two
  // thread handoffs per statement of the read -> worker -> write loop for
  // clients that send their next statement as soon as they get a reply.
  size_t ServeInline();
  static constexpr int kInlineWaitMs = 2;

  Server* const server_;
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::socket socket_;                                 // until TLS starts
  std::unique_ptr<asio::ssl::stream<tcp::socket>> tls_;  // after
  pgwire::Connection conn_;
  std::unique_ptr<char[]> read_buf_;
  std::string write_buf_;
  asio::steady_timer auth_timer_;
  const bool admitted_;
  std::string peer_;
  bool busy_ = false;       // a worker is running conn_.Receive
  bool reading_ = false;    // an async read is pending
  bool handshaking_ = false;
  bool shutting_down_ = false;
  // Set with shutting_down_; read by the worker serving inline.
  std::atomic<bool> stop_inline_{false};
  bool closed_ = false;
};

}  // namespace immu::server
