// One client socket: the transport loop around pgwire::Connection
// (read -> Receive -> write -> read), TLS upgrade, timeouts, shutdown.

#include <poll.h>

#include <utility>

#include "server/log.h"
#include "server/server_internal.h"

namespace immu::server {

namespace {

pgwire::ConnectionOptions ConnectionOptionsFor(bool tls, bool admitted, const std::string& secret,
                                               const std::string& end_point, const tcp::socket& s) {
  pgwire::ConnectionOptions o;
  boost::system::error_code ec;
  const tcp::endpoint ep = s.remote_endpoint(ec);
  if (!ec) {
    o.client_addr = ep.address().to_string();
    o.client_port = ep.port();
  }
  o.tls_available = tls;
  o.tls_server_end_point = end_point;
  o.too_many_connections = !admitted;
  o.server_secret = secret;
  return o;
}

std::string PeerOf(const tcp::socket& s) {
  boost::system::error_code ec;
  tcp::endpoint ep = s.remote_endpoint(ec);
  if (ec) return "?";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

}  // namespace

Server::Client::Client(Server* server, tcp::socket socket, bool admitted)
    : server_(server),
      strand_(asio::make_strand(server->impl_->io)),
      socket_(std::move(socket)),
      conn_(server->engine_, server->users_, &server->cancels_,
            ConnectionOptionsFor(server->impl_->ssl != nullptr, admitted, server->server_secret_,
                                 server->tls_end_point_, socket_)),
      read_buf_(new char[kReadBufferSize]),
      auth_timer_(server->impl_->io),
      admitted_(admitted),
      peer_(PeerOf(socket_)) {}

Server::Client::~Client() {
  if (admitted_) server_->active_--;
  server_->open_sockets_--;
  server_->Unregister(this);
  Log(LogLevel::kDebug, "connection closed: " + peer_);
}

void Server::Client::Start() {
  conn_.set_flush([this](std::string_view bytes) { WriteSync(bytes); });
  auto self = shared_from_this();
  asio::dispatch(strand_, [self] {
    self->auth_timer_.expires_after(std::chrono::seconds(self->server_->options_.auth_timeout_seconds));
    self->auth_timer_.async_wait(
        asio::bind_executor(self->strand_, [self](const boost::system::error_code& ec) {
          if (ec || self->closed_ || self->conn_.ready() || self->conn_.closed()) return;
          Log(LogLevel::kInfo, "authentication timeout: " + self->peer_);
          if (self->handshaking_) {
            self->Close();
            return;
          }
          self->conn_.Terminate(
              PgError(sqlstate::kQueryCanceled, "canceling authentication due to timeout"));
          self->CancelIo();
        }));
    self->DoRead();
  });
}

void Server::Client::RequestShutdown() {
  asio::post(strand_, [self = shared_from_this()] { self->BeginShutdown(); });
}

void Server::Client::BeginShutdown() {
  shutting_down_ = true;
  stop_inline_ = true;
  if (closed_ || busy_) return;  // a busy connection stops in AfterReceive
  if (handshaking_) {
    Close();
    return;
  }
  conn_.Terminate(
      PgError(sqlstate::kAdminShutdown, "terminating connection due to administrator command"));
  if (reading_) CancelIo();  // OnRead then writes the FATAL and closes
}

void Server::Client::DoRead() {
  if (closed_) return;
  reading_ = true;
  auto handler = asio::bind_executor(
      strand_, [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
        self->OnRead(ec, n);
      });
  asio::mutable_buffer buf(read_buf_.get(), kReadBufferSize);
  if (tls_) {
    tls_->async_read_some(buf, std::move(handler));
  } else {
    socket_.async_read_some(buf, std::move(handler));
  }
}

void Server::Client::OnRead(const boost::system::error_code& ec, size_t n) {
  reading_ = false;
  if (closed_) return;
  if (ec) {
    // Cancelled by a timeout or shutdown: the FATAL is waiting in output.
    if (conn_.closed() && !conn_.output().empty()) {
      WriteOutput();
    } else {
      if (ec != asio::error::eof && ec != asio::error::operation_aborted) {
        Log(LogLevel::kDebug, "read from " + peer_ + ": " + ec.message());
      }
      Close();
    }
    return;
  }
  if (!conn_.ready()) {
    // Startup and authentication: cheap and bounded, done on the I/O thread
    // (so a CancelRequest is served even when every worker is busy).
    conn_.Receive(std::string_view(read_buf_.get(), n));
    AfterReceive();
    return;
  }
  busy_ = true;
  auto self = shared_from_this();
  // The guard keeps io.run() alive while the statement runs (shared: tasks
  // are copyable std::functions).
  auto guard = std::make_shared<decltype(asio::make_work_guard(server_->impl_->io))>(
      asio::make_work_guard(server_->impl_->io));
  server_->impl_->workers->Post([self, n, guard] {
    self->conn_.Receive(std::string_view(self->read_buf_.get(), n));
    for (size_t next = self->ServeInline(); next > 0; next = self->ServeInline()) {
      self->conn_.Receive(std::string_view(self->read_buf_.get(), next));
    }
    asio::post(self->strand_, [self] {
      self->busy_ = false;
      self->AfterReceive();
    });
  });
}

void Server::Client::AfterReceive() {
  if (conn_.ready()) auth_timer_.cancel();  // authenticated in time
  if (shutting_down_ && !conn_.closed()) {
    conn_.Terminate(
        PgError(sqlstate::kAdminShutdown, "terminating connection due to administrator command"));
  }
  WriteOutput();
}

void Server::Client::WriteOutput() {
  if (closed_) return;
  if (conn_.output().empty()) {
    NextStep();
    return;
  }
  write_buf_.clear();
  conn_.output().Swap(&write_buf_);
  auto handler = asio::bind_executor(
      strand_, [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
        self->OnWrite(ec);
      });
  if (tls_) {
    asio::async_write(*tls_, asio::buffer(write_buf_), std::move(handler));
  } else {
    asio::async_write(socket_, asio::buffer(write_buf_), std::move(handler));
  }
}

void Server::Client::OnWrite(const boost::system::error_code& ec) {
  if (write_buf_.capacity() > kKeepCapacity) {
    std::string().swap(write_buf_);  // large results do not pin memory
  }
  if (ec) {
    Log(LogLevel::kDebug, "write to " + peer_ + ": " + ec.message());
    Close();
    return;
  }
  NextStep();
}

void Server::Client::NextStep() {
  if (closed_) return;
  if (conn_.closed()) {
    if (!conn_.output().empty()) {
      WriteOutput();
    } else {
      if (!conn_.close_reason().empty()) {
        Log(LogLevel::kInfo, "closing connection from " + peer_ + ": " + conn_.close_reason());
      }
      Close();
    }
    return;
  }
  if (conn_.awaiting_tls()) {
    StartTls();
    return;
  }
  if (shutting_down_) {
    BeginShutdown();
    if (conn_.closed()) {
      WriteOutput();
      return;
    }
  }
  DoRead();
}

void Server::Client::StartTls() {
  tls_ = std::make_unique<asio::ssl::stream<tcp::socket>>(std::move(socket_), *server_->impl_->ssl);
  handshaking_ = true;
  tls_->async_handshake(
      asio::ssl::stream_base::server,
      asio::bind_executor(strand_, [self = shared_from_this()](const boost::system::error_code& ec) {
        self->handshaking_ = false;
        if (self->closed_) return;
        if (ec) {
          Log(LogLevel::kInfo, "TLS handshake with " + self->peer_ + " failed: " + ec.message());
          self->Close();
          return;
        }
        self->conn_.TlsStarted();
        self->NextStep();
      }));
}

void Server::Client::CancelIo() {
  boost::system::error_code ignored;
  if (tls_) {
    tls_->next_layer().cancel(ignored);
  } else {
    socket_.cancel(ignored);
  }
}

void Server::Client::Close() {
  if (closed_) return;
  closed_ = true;
  auth_timer_.cancel();
  boost::system::error_code ignored;
  tcp::socket& s = tls_ ? tls_->next_layer() : socket_;
  s.shutdown(tcp::socket::shutdown_both, ignored);
  s.close(ignored);
}

size_t Server::Client::ServeInline() {
  if (tls_ || !conn_.ready() || conn_.closed() || conn_.awaiting_tls() || stop_inline_.load()) return 0;
  boost::system::error_code ec;
  if (!conn_.output().empty()) {
    std::string out;
    conn_.output().Swap(&out);
    asio::write(socket_, asio::buffer(out), ec);
    if (ec) return 0;  // the I/O thread's next read sees the broken socket
  }
  pollfd p{socket_.native_handle(), POLLIN, 0};
  if (::poll(&p, 1, kInlineWaitMs) <= 0 || (p.revents & POLLIN) == 0 || stop_inline_.load()) return 0;
  const size_t n = socket_.read_some(asio::buffer(read_buf_.get(), kReadBufferSize), ec);
  if (ec || n == 0) return 0;  // EOF or error: left for the I/O thread to notice
  return n;
}

void Server::Client::WriteSync(std::string_view bytes) {
  if (tls_) {
    asio::write(*tls_, asio::buffer(bytes.data(), bytes.size()));
  } else {
    asio::write(socket_, asio::buffer(bytes.data(), bytes.size()));
  }
}

}  // namespace immu::server
