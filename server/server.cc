#include "server/server.h"

#include <algorithm>
#include <csignal>
#include <functional>
#include <stdexcept>

#include <openssl/x509.h>

#include "pgwire/base64.h"
#include "pgwire/password.h"
#include "pgwire/scram.h"
#include "server/log.h"
#include "server/server_internal.h"

namespace immu::server {

namespace {

// Re-armed after each signal: the second one cancels running statements.
void WaitForSignal(asio::signal_set* signals, std::function<void(int)> on_signal) {
  signals->async_wait([signals, on_signal](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    // Re-arm before acting, so the cancel that ends the shutdown always
    // finds the wait to cancel.
    WaitForSignal(signals, on_signal);
    on_signal(signo);
  });
}

}  // namespace

Server::Server(const ServerOptions& options, sql::Engine* engine, const pgwire::UserStore* users)
    : options_(options), engine_(engine), users_(users), impl_(std::make_unique<Impl>()) {
  // Salts the mock SCRAM exchange of unknown users: random per process.
  std::array<uint8_t, 32> secret;
  pgwire::RandomBytes(secret);
  server_secret_ = pgwire::Base64Encode(
      std::string_view(reinterpret_cast<const char*>(secret.data()), secret.size()));
}

Server::~Server() {
  Shutdown();
  Wait();
}

void Server::Start() {
  if (options_.tls()) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    // TLS 1.2 or later, as PostgreSQL 15's ssl_min_protocol_version.
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    try {
      ctx->use_certificate_chain_file(options_.certificate);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error("cannot load certificate " + options_.certificate + ": " +
                               e.code().message());
    }
    try {
      ctx->use_private_key_file(options_.pkey, asio::ssl::context::pem);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error("cannot load private key " + options_.pkey + ": " +
                               e.code().message());
    }
    // SCRAM-SHA-256-PLUS binds logins to the leaf certificate's hash.
    if (X509* leaf = SSL_CTX_get0_certificate(ctx->native_handle())) {
      unsigned char* der = nullptr;
      const int len = i2d_X509(leaf, &der);
      if (len > 0) {
        tls_end_point_ = pgwire::TlsServerEndPoint(std::string_view(reinterpret_cast<char*>(der), len));
        OPENSSL_free(der);
      }
    }
    impl_->ssl = std::move(ctx);
  }

  boost::system::error_code ec;
  const asio::ip::address addr = asio::ip::make_address(options_.address, ec);
  if (ec) throw std::runtime_error("invalid --address \"" + options_.address + "\"");
  const tcp::endpoint ep(addr, options_.port);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + options_.address + ":" +
                             std::to_string(options_.port) + ": " + ec.message());
  }
  port_ = impl_->acceptor.local_endpoint().port();

  // Threads for statements start on demand, one per busy connection at
  // most (see ElasticPool); --worker-threads is how many stay alive idle.
  int workers = options_.worker_threads;
  if (workers <= 0) {
    workers = std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  }
  impl_->workers = std::make_unique<ElasticPool>(workers, std::max(workers, options_.max_connections + 1));
  impl_->work.emplace(impl_->io.get_executor());
  impl_->started = true;
  Accept();
  for (int i = 0; i < std::max(1, options_.io_threads); i++) {
    io_threads_.emplace_back([this] { impl_->io.run(); });
  }
}

void Server::HandleSignals() {
  impl_->signals.add(SIGINT);
  impl_->signals.add(SIGTERM);
  WaitForSignal(&impl_->signals, [this](int signo) {
    Log(LogLevel::kInfo, std::string("received ") + (signo == SIGINT ? "SIGINT" : "SIGTERM") +
                             (shutdown_requests_.load() == 0 ? ": shutting down"
                                                             : ": cancelling running statements"));
    Shutdown();
  });
}

void Server::Accept() {
  impl_->acceptor.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (shutting_down_) return;
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      // EMFILE and friends: retry shortly instead of spinning.
      Log(LogLevel::kWarning, "accept: " + ec.message());
      impl_->accept_retry.expires_after(std::chrono::milliseconds(100));
      impl_->accept_retry.async_wait([this](const boost::system::error_code& e) {
        if (!e && !shutting_down_) Accept();
      });
      return;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    socket.set_option(asio::socket_base::keep_alive(true), ignored);
    // Beyond the limit a client still gets a proper 53300 (or its cancel
    // served), up to a margin past which sockets are dropped outright.
    const int open = ++open_sockets_;
    const int max = options_.max_connections;
    if (open > max + max / 10 + 16) {
      open_sockets_--;
      socket.close(ignored);
    } else {
      const bool admitted = ++active_ <= max;
      if (!admitted) active_--;
      auto client = std::make_shared<Client>(this, std::move(socket), admitted);
      Register(client);
      client->Start();
    }
    Accept();
  });
}

void Server::Register(const std::shared_ptr<Client>& c) {
  std::lock_guard<std::mutex> l(mu_);
  clients_[c.get()] = c;
}

void Server::Unregister(Client* c) {
  std::lock_guard<std::mutex> l(mu_);
  clients_.erase(c);
  if (clients_.empty() && shutting_down_) {
    asio::post(impl_->io, [this] {
      boost::system::error_code ignored;
      impl_->signals.cancel(ignored);
    });
  }
}

void Server::Shutdown() {
  if (!impl_->started) return;
  const int n = ++shutdown_requests_;
  if (n > 1) {
    cancels_.CancelAll();
    return;
  }
  asio::post(impl_->io, [this] {
    shutting_down_ = true;
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->accept_retry.cancel();
    std::vector<std::shared_ptr<Client>> clients;
    {
      std::lock_guard<std::mutex> l(mu_);
      for (auto& [p, weak] : clients_) {
        if (auto c = weak.lock()) clients.push_back(std::move(c));
      }
      // The signal set stays armed while connections drain (a second
      // signal cancels their statements); the last one to go cancels it.
      if (clients_.empty()) impl_->signals.cancel(ignored);
    }
    for (auto& c : clients) {
      c->RequestShutdown();
    }
    // io.run() returns once the last connection is gone.
    impl_->work.reset();
  });
}

void Server::Wait() {
  for (std::thread& t : io_threads_) {
    if (t.joinable()) t.join();
  }
  io_threads_.clear();
  if (impl_->workers) impl_->workers->Join();
}

}  // namespace immu::server
