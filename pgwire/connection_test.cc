// Connection: startup packets, authentication, cancel, malformed input.

#include "pgwire/connection.h"

#include <doctest/doctest.h>

#include <cstring>
#include <random>

#include "pgwire/connection_test_util.h"

namespace immu::pgwire {
namespace {

using testing::ErrorOf;
using testing::Messages;
using testing::TestClient;
using testing::Types;
using testing::World;

AuthenticationMessage AuthOf(const Messages& m, size_t i) {
  REQUIRE(m.size() > i);
  REQUIRE(m[i].first == 'R');
  return ParseAuthentication(m[i].second);
}

void CheckFatal(const Messages& m, std::string_view sqlstate, std::string_view message = {}) {
  REQUIRE(!m.empty());
  CHECK(m.back().first == 'E');
  ErrorFields f = ErrorOf(m.back());
  CHECK(f.severity == "FATAL");
  CHECK(f.sqlstate == sqlstate);
  if (!message.empty()) CHECK(f.message == message);
}

TEST_CASE("connection: SCRAM-SHA-256 login, parameters, key data, ReadyForQuery") {
  World world;
  TestClient c(&world);
  Messages m = c.Startup("immudb", "defaultdb", {{"application_name", "psql"},
                                                 {"DateStyle", "ISO"},
                                                 {"options", "-c x=y"}});
  REQUIRE(Types(m) == "R");
  AuthenticationMessage sasl = AuthOf(m, 0);
  CHECK(sasl.code == AuthCode::kSasl);
  REQUIRE(sasl.mechanisms.size() == 1);
  CHECK(sasl.mechanisms[0] == "SCRAM-SHA-256");

  bool signature_ok = false;
  m = c.Scram("immudb", &signature_ok);
  CHECK(signature_ok);
  // SASLFinal, Ok, 3 ParameterStatus, BackendKeyData, ReadyForQuery.
  REQUIRE(Types(m) == "RRSSSKZ");
  CHECK(AuthOf(m, 1).code == AuthCode::kOk);
  auto [name, value] = ParseParameterStatus(m[2].second);
  CHECK(name == "DateStyle");  // the fake reports in map order
  CHECK(value == "ISO, MDY");
  auto [pid, secret] = ParseBackendKeyData(m[5].second);
  CHECK(pid == c.conn.backend_key().process_id);
  CHECK(secret == c.conn.backend_key().secret_key);
  CHECK(ParseReadyForQuery(m[6].second) == TransactionStatus::kIdle);
  CHECK(c.conn.ready());
  CHECK(world.cancels.size() == 1);

  const sql::SessionOptions& o = world.engine.last_session->options_;
  CHECK(o.user == "immudb");
  CHECK(o.database == "defaultdb");
  CHECK(o.application_name == "psql");
  CHECK(o.backend_pid == pid);
  CHECK(o.startup_params.at("DateStyle") == "ISO");
  CHECK(o.startup_params.at("options") == "-c x=y");
  CHECK(o.startup_params.count("user") == 0);
}

TEST_CASE("connection: wrong password and unknown user fail alike with 28P01") {
  World world;
  for (std::string_view user : {"immudb", "nobody"}) {
    CAPTURE(user);
    TestClient c(&world);
    Messages m = c.Startup(user);
    CHECK(AuthOf(m, 0).code == AuthCode::kSasl);
    m = c.Scram("wrong");
    CheckFatal(m, "28P01", "password authentication failed for user \"" + std::string(user) + "\"");
    CHECK(c.conn.closed());
    CHECK(!c.conn.ready());
  }
  CHECK(world.cancels.size() == 0);
}

TEST_CASE("connection: SASL initial response without data") {
  World world;
  TestClient c(&world);
  c.Startup("immudb");
  MessageWriter w;
  AppendSaslInitialResponse(&w, SaslInitialResponse{kScramSha256, std::nullopt});
  Messages m = c.Send(w.buffer());
  REQUIRE(Types(m) == "R");
  CHECK(AuthOf(m, 0).code == AuthCode::kSaslContinue);
  CHECK(AuthOf(m, 0).data.empty());
  CHECK(!c.conn.closed());
}

TEST_CASE("connection: wrong SASL mechanism and malformed SCRAM are FATAL") {
  World world;
  {
    TestClient c(&world);
    c.Startup("immudb");
    MessageWriter w;
    AppendSaslInitialResponse(&w, SaslInitialResponse{"PLAIN", std::string_view("x")});
    CheckFatal(c.Send(w.buffer()), "08P01");
    CHECK(c.conn.closed());
  }
  {
    TestClient c(&world);
    c.Startup("immudb");
    MessageWriter w;
    AppendSaslInitialResponse(&w, SaslInitialResponse{kScramSha256, std::string_view("garbage")});
    Messages m = c.Send(w.buffer());
    REQUIRE(!m.empty());
    CHECK(ErrorOf(m.back()).severity == "FATAL");
    CHECK(c.conn.closed());
  }
  {
    // A query instead of the password.
    TestClient c(&world);
    c.Startup("immudb");
    CheckFatal(c.Query("SELECT 1"), "08P01", "expected SASL response, got message type 81");
  }
}

TEST_CASE("connection: md5 and cleartext methods") {
  World world;
  {
    TestClient c(&world);
    Messages m = c.Startup("md5user");
    AuthenticationMessage a = AuthOf(m, 0);
    REQUIRE(a.code == AuthCode::kMd5Password);
    REQUIRE(a.data.size() == 4);
    std::array<uint8_t, 4> salt;
    std::memcpy(salt.data(), a.data.data(), 4);
    MessageWriter w;
    AppendPasswordMessage(&w, Md5SaltedResponse(Md5PasswordHash("secret", "md5user"), salt));
    m = c.Send(w.buffer());
    CHECK(Types(m) == "RSSSKZ");
    CHECK(c.conn.ready());
  }
  {
    TestClient c(&world);
    c.Startup("md5user");
    MessageWriter w;
    AppendPasswordMessage(&w, "md5" + std::string(32, '0'));
    CheckFatal(c.Send(w.buffer()), "28P01", "password authentication failed for user \"md5user\"");
  }
  for (std::string_view pw : {"secret", "wrong", ""}) {
    CAPTURE(pw);
    TestClient c(&world);
    CHECK(AuthOf(c.Startup("clear"), 0).code == AuthCode::kCleartextPassword);
    MessageWriter w;
    AppendPasswordMessage(&w, pw);
    Messages m = c.Send(w.buffer());
    if (pw == "secret") {
      CHECK(Types(m) == "RSSSKZ");
    } else {
      CheckFatal(m, "28P01");
    }
  }
  {
    // md5 configured, but the stored secret is a SCRAM verifier.
    TestClient c(&world);
    CHECK(AuthOf(c.Startup("md5scram"), 0).code == AuthCode::kSasl);
    CHECK(Types(c.Scram("secret")) == "RRSSSKZ");
  }
  {
    TestClient c(&world);
    CHECK(Types(c.Startup("trusty")) == "RSSSKZ");
    CHECK(c.conn.ready());
  }
}

TEST_CASE("connection: password message during SCRAM or a query during md5 is FATAL") {
  World world;
  TestClient c(&world);
  c.Startup("md5user");
  CheckFatal(c.Query("SELECT 1"), "08P01", "expected password response, got message type 81");
}

TEST_CASE("connection: SSLRequest and GSSENCRequest") {
  World world;
  {
    TestClient c(&world);
    Messages m = c.Send(EncodeRequestCode(kSslRequestCode));
    CHECK(c.last_raw == "N");
    CHECK(!c.conn.awaiting_tls());
    m = c.Send(EncodeRequestCode(kGssEncRequestCode));
    CHECK(c.last_raw == "N");
    CHECK(AuthOf(c.Startup("immudb"), 0).code == AuthCode::kSasl);
  }
  {
    // Repeated request: an unsupported protocol, as in PostgreSQL.
    TestClient c(&world);
    c.Send(EncodeRequestCode(kSslRequestCode));
    CheckFatal(c.Send(EncodeRequestCode(kSslRequestCode)), "0A000");
  }
  {
    ConnectionOptions o;
    o.tls_available = true;
    TestClient c(&world, o);
    c.Send(EncodeRequestCode(kSslRequestCode));
    CHECK(c.last_raw == "S");
    CHECK(c.conn.awaiting_tls());
    c.conn.TlsStarted();
    CHECK(c.conn.tls_active());
    CHECK(!c.conn.awaiting_tls());
    CHECK(AuthOf(c.Startup("immudb"), 0).code == AuthCode::kSasl);
    CHECK(Types(c.Scram("immudb")) == "RRSSSKZ");
  }
  {
    // Plaintext pipelined behind the SSLRequest is refused (CVE-2021-23214).
    ConnectionOptions o;
    o.tls_available = true;
    TestClient c(&world, o);
    std::string bytes = EncodeRequestCode(kSslRequestCode) +
                        EncodeStartupMessage({{"user", "immudb"}});
    Messages m = c.Send(bytes);
    CheckFatal(m, "08P01", "received unencrypted data after SSL request");
    CHECK(c.conn.closed());
  }
  {
    ConnectionOptions o;
    o.tls_available = true;
    TestClient c(&world, o);
    c.Send(EncodeRequestCode(kSslRequestCode));
    CheckFatal(c.Send("x"), "08P01", "received unencrypted data after SSL request");
  }
}

TEST_CASE("connection: protocol versions") {
  World world;
  {
    TestClient c(&world);
    Messages m = c.Send(EncodeStartupMessage({{"user", "immudb"}, {"_pq_.compress", "on"}},
                                             MakeProtocolVersion(3, 2)));
    REQUIRE(Types(m) == "vR");
    NegotiateProtocolVersion v = ParseNegotiateProtocolVersion(m[0].second);
    CHECK(v.newest_version == static_cast<int32_t>(MakeProtocolVersion(3, 0)));
    REQUIRE(v.unrecognized.size() == 1);
    CHECK(v.unrecognized[0] == "_pq_.compress");
  }
  {
    TestClient c(&world);
    // Protocol 2.0 has no length word in ErrorResponse: PostgreSQL answers in
    // that format.
    c.conn.Receive(EncodeStartupMessage({{"user", "immudb"}}, MakeProtocolVersion(2, 0)));
    CHECK(c.conn.output().buffer() ==
          std::string("EFATAL:  unsupported frontend protocol 2.0: server supports 3.0 to 3.0\n") +
              std::string(1, '\0'));
    CHECK(c.conn.closed());
  }
  {
    TestClient c(&world);
    CheckFatal(c.Send(EncodeStartupMessage({{"user", "immudb"}}, MakeProtocolVersion(4, 0))),
               "0A000", "unsupported frontend protocol 4.0: server supports 3.0 to 3.0");
    CHECK(c.conn.closed());
  }
  {
    TestClient c(&world);
    CheckFatal(c.Send(EncodeStartupMessage({{"database", "x"}})), "28000",
               "no PostgreSQL user name specified in startup packet");
  }
  {
    TestClient c(&world);
    CheckFatal(c.Send(EncodeStartupMessage({{"user", "immudb"}, {"replication", "true"}})),
               "0A000");
  }
  {
    // replication=false is an ordinary connection.
    TestClient c(&world);
    CHECK(Types(c.Send(EncodeStartupMessage({{"user", "trusty"}, {"replication", "false"}}))) ==
          "RSSSKZ");
  }
}

TEST_CASE("connection: too many connections and a missing database") {
  World world;
  {
    ConnectionOptions o;
    o.too_many_connections = true;
    TestClient c(&world, o);
    CheckFatal(c.Startup("immudb"), "53300", "sorry, too many clients already");
  }
  {
    TestClient c(&world);
    c.Startup("immudb", "nodb");
    Messages m = c.Scram("immudb");
    // AuthenticationOk comes first, as in PostgreSQL.
    CHECK(Types(m) == "RRE");
    CheckFatal(m, "3D000", "database \"nodb\" does not exist");
    CHECK(c.conn.closed());
  }
  CHECK(world.cancels.size() == 0);
}

TEST_CASE("connection: CancelRequest needs the right key and gets no reply") {
  World world;
  TestClient a(&world);
  a.Login();
  REQUIRE(a.conn.ready());
  testing::FakeSession* session = world.engine.last_session;
  const BackendKey key = a.conn.backend_key();
  {
    TestClient b(&world);
    b.Send(EncodeCancelRequest(key.process_id, key.secret_key + 1));
    CHECK(b.last_raw.empty());
    CHECK(b.conn.closed());
    CHECK(!session->cancelled);
  }
  {
    TestClient b(&world);
    b.Send(EncodeCancelRequest(key.process_id + 1, key.secret_key));
    CHECK(!session->cancelled);
  }
  {
    TestClient b(&world);
    b.Send(EncodeCancelRequest(key.process_id, key.secret_key));
    CHECK(b.last_raw.empty());
    CHECK(b.conn.closed());
    CHECK(session->cancelled);
  }
}

TEST_CASE("cancel registry: unique pids, attach, unregister") {
  CancelRegistry r;
  testing::FakeSession s1({}), s2({});
  BackendKey k1 = r.Register(&s1);
  BackendKey k2 = r.Register();
  CHECK(k1.process_id != k2.process_id);
  CHECK(!r.Cancel(k2.process_id, k2.secret_key));  // no session yet
  r.Attach(k2.process_id, &s2);
  CHECK(r.Cancel(k2.process_id, k2.secret_key));
  CHECK(s2.cancelled);
  CHECK(!s1.cancelled);
  r.Unregister(k1.process_id);
  CHECK(!r.Cancel(k1.process_id, k1.secret_key));
  CHECK(r.size() == 1);
}

TEST_CASE("connection: the registry forgets a connection when it is destroyed") {
  World world;
  BackendKey key;
  {
    TestClient a(&world);
    a.Login();
    key = a.conn.backend_key();
    CHECK(world.cancels.size() == 1);
  }
  CHECK(world.cancels.size() == 0);
  CHECK(!world.cancels.Cancel(key.process_id, key.secret_key));
}

TEST_CASE("connection: an HTTP request is closed without an answer, as PostgreSQL does") {
  World world;
  TestClient c(&world);
  // "GET " read as a length: 1195725856 bytes, far over the startup limit.
  CHECK(c.Send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").empty());
  CHECK(c.conn.closed());
  CHECK(c.conn.close_reason() == "invalid length of startup packet");
  // Anything after the close is ignored.
  CHECK(c.Send("more").empty());
}

TEST_CASE("connection: truncated and oversized startup packets") {
  World world;
  {
    TestClient c(&world);
    std::string startup = EncodeStartupMessage({{"user", "immudb"}});
    // Byte by byte: nothing until the last byte.
    for (size_t i = 0; i + 1 < startup.size(); i++) {
      CHECK(c.Send(startup.substr(i, 1)).empty());
    }
    CHECK(Types(c.Send(startup.substr(startup.size() - 1))) == "R");
  }
  // Impossible lengths (and startup-family packets of the wrong size) close
  // silently, as PostgreSQL's COMMERROR.
  for (const std::string& packet :
       {std::string("\x00\x01\x00\x00\x00\x03\x00\x00", 8), std::string("\x00\x00\x00\x04", 4),
        std::string("\x00\x00\x00\x0c\x04\xd2\x16\x2e\x00\x00\x00\x01", 12),
        std::string("\x00\x00\x00\x0c\x04\xd2\x16\x2f\x00\x00\x00\x01", 12)}) {
    TestClient c(&world);
    CHECK(c.Send(packet).empty());
    CHECK(c.conn.closed());
    CHECK(!c.conn.close_reason().empty());
  }
}

TEST_CASE("connection: random bytes never crash, in any phase") {
  World world;
  std::mt19937 rng(42);
  for (int round = 0; round < 400; round++) {
    TestClient c(&world);
    if (round % 2 == 1) c.Send(EncodeStartupMessage({{"user", "trusty"}}));
    if (round % 4 == 3) c.Login();
    std::string junk(rng() % 64, '\0');
    for (char& ch : junk) ch = static_cast<char>(rng());
    // Sometimes a plausible type byte and length.
    if (round % 3 == 0 && junk.size() > 5) {
      const char types[] = "QPBDECSHXdcfpF";
      junk[0] = types[rng() % 14];
      junk[1] = junk[2] = 0;
    }
    for (int i = 0; i < 3 && !c.conn.closed(); i++) {
      Messages m = c.Send(junk);
      for (const auto& [type, body] : m) CHECK(type != '?');
    }
  }
}

}  // namespace
}  // namespace immu::pgwire
