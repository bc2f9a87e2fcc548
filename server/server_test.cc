// A live Server on a loopback port with the fake engine of the pgwire
// tests, driven by blocking sockets.

#include "server/server.h"

#include <doctest/doctest.h>

#include <utility>  // before Asio (Boost 1.74 under C++20)

#include <boost/asio.hpp>

#include "pgwire/connection_test_util.h"

namespace immu::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using pgwire::testing::Messages;
using pgwire::testing::Types;

class NetClient {
 public:
  explicit NetClient(uint16_t port) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  void Write(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes.data(), bytes.size())); }
  void Write(const pgwire::FrontendMessage& m) {
    pgwire::MessageWriter w;
    pgwire::AppendFrontendMessage(&w, m);
    Write(w.buffer());
  }
  // Messages up to and including the first of type until, or up to EOF.
  Messages ReadUntil(char until) {
    Messages out;
    for (;;) {
      while (buf_.size() >= 5) {
        uint32_t len = 0;
        for (int i = 1; i <= 4; i++) len = len << 8 | static_cast<uint8_t>(buf_[i]);
        if (buf_.size() < 1 + static_cast<size_t>(len)) break;
        out.emplace_back(buf_[0], buf_.substr(5, len - 4));
        buf_.erase(0, 1 + len);
        if (out.back().first == until) return out;
      }
      char tmp[4096];
      boost::system::error_code ec;
      size_t n = socket_.read_some(asio::buffer(tmp), ec);
      if (ec) {
        eof_ = true;
        return out;
      }
      buf_.append(tmp, n);
    }
  }
  bool eof() const { return eof_; }

 private:
  asio::io_context io_;
  tcp::socket socket_{io_};
  std::string buf_;
  bool eof_ = false;
};

struct LiveServer {
  pgwire::testing::World world;
  std::unique_ptr<Server> server;
  explicit LiveServer(int max_connections = 100) {
    ServerOptions o;
    o.port = 0;
    o.max_connections = max_connections;
    o.worker_threads = 2;
    server = std::make_unique<Server>(o, &world.engine, &world.users);
    server->Start();
  }
  uint16_t port() const { return server->port(); }
};

Messages Login(NetClient* c) {
  c->Write(pgwire::EncodeStartupMessage({{"user", "trusty"}, {"database", "defaultdb"}}));
  return c->ReadUntil('Z');
}

TEST_CASE("server: login and queries over TCP") {
  LiveServer s;
  NetClient c(s.port());
  CHECK(Types(Login(&c)) == "RSSSKZ");
  c.Write(pgwire::QueryMessage{"ROWS 3; SELECT 1"});
  CHECK(Types(c.ReadUntil('Z')) == "TDDDCTDCZ");
  c.Write(pgwire::TerminateMessage{});
  CHECK(c.ReadUntil('Z').empty());
  CHECK(c.eof());
}

TEST_CASE("server: non-PostgreSQL traffic is closed without an answer, as by PostgreSQL") {
  LiveServer s;
  NetClient c(s.port());
  c.Write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  Messages m = c.ReadUntil('Z');
  CHECK(m.empty());
  CHECK(c.eof());
  // The server still serves others.
  NetClient d(s.port());
  CHECK(Types(Login(&d)) == "RSSSKZ");
}

TEST_CASE("server: the connection limit answers 53300") {
  LiveServer s(1);
  NetClient a(s.port());
  CHECK(Types(Login(&a)) == "RSSSKZ");
  NetClient b(s.port());
  Messages m = Login(&b);
  REQUIRE(Types(m) == "E");
  CHECK(pgwire::ParseErrorFields(m[0].second).sqlstate == "53300");
}

TEST_CASE("server: CancelRequest stops a running statement") {
  LiveServer s;
  NetClient a(s.port());
  Messages m = Login(&a);
  REQUIRE(Types(m) == "RSSSKZ");
  auto [pid, secret] = pgwire::ParseBackendKeyData(m[4].second);
  a.Write(pgwire::QueryMessage{"SLEEP"});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  {
    NetClient b(s.port());
    b.Write(pgwire::EncodeCancelRequest(pid, secret));
    CHECK(b.ReadUntil('Z').empty());
    CHECK(b.eof());
  }
  m = a.ReadUntil('Z');
  REQUIRE(Types(m) == "EZ");
  CHECK(pgwire::ParseErrorFields(m[0].second).sqlstate == "57014");
}

TEST_CASE("server: shutdown sends 57P01 to idle clients and Wait returns") {
  LiveServer s;
  NetClient a(s.port());
  REQUIRE(Types(Login(&a)) == "RSSSKZ");
  s.server->Shutdown();
  Messages m = a.ReadUntil('Z');
  REQUIRE(Types(m) == "E");
  pgwire::ErrorFields f = pgwire::ParseErrorFields(m[0].second);
  CHECK(f.severity == "FATAL");
  CHECK(f.sqlstate == "57P01");
  CHECK(a.eof());
  s.server->Wait();
  CHECK(s.server->active_connections() == 0);
}

TEST_CASE("server: many concurrent clients") {
  LiveServer s;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 20; t++) {
    threads.emplace_back([&] {
      NetClient c(s.port());
      if (Types(Login(&c)) != "RSSSKZ") return;
      for (int i = 0; i < 20; i++) {
        c.Write(pgwire::QueryMessage{"ROWS 10"});
        if (Types(c.ReadUntil('Z')) != "TDDDDDDDDDDCZ") return;
      }
      ok++;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ok == 20);
}

}  // namespace
}  // namespace immu::server
