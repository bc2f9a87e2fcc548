#include "pgwire/startup.h"

#include <doctest/doctest.h>

#include "pgwire/framer.h"
#include "pgwire/test_util.h"

namespace immu::pgwire {
namespace {

using testing::ThrownSqlState;

// The packet without its length word, as the framer hands it over.
std::string Body(const std::string& packet) { return packet.substr(4); }

TEST_CASE("startup: StartupMessage round trip") {
  const std::string packet = EncodeStartupMessage({{"user", "alice"},
                                                   {"database", "shop"},
                                                   {"application_name", "psql"},
                                                   {"options", "-c search_path=x"},
                                                   {"replication", "false"},
                                                   {"client_encoding", "UTF8"}});
  const std::string body = Body(packet);
  StartupPacket p = ParseStartupPacket(body);
  CHECK(p.kind == StartupKind::kStartup);
  CHECK(p.code == kProtocolVersion3);
  CHECK(p.code == 196608u);
  CHECK(p.parameters.size() == 6);
  CHECK(p.user() == "alice");
  CHECK(p.database() == "shop");
  CHECK(p.Get(kParamApplicationName) == "psql");
  CHECK(p.Get(kParamOptions) == "-c search_path=x");
  CHECK(p.Get(kParamReplication) == "false");
  CHECK(p.Get("client_encoding") == "UTF8");
  CHECK(p.Get("missing").empty());
  CHECK_FALSE(p.Has("missing"));
  CHECK_FALSE(NeedsProtocolNegotiation(p));
}

TEST_CASE("startup: database defaults to the user; the last duplicate wins") {
  const std::string body = Body(EncodeStartupMessage({{"user", "a"}, {"user", "bob"}}));
  StartupPacket p = ParseStartupPacket(body);
  CHECK(p.user() == "bob");
  CHECK(p.database() == "bob");
  // No parameters at all is well formed (the session then rejects it).
  const std::string empty = Body(EncodeStartupMessage({}));
  p = ParseStartupPacket(empty);
  CHECK(p.parameters.empty());
  CHECK(p.user().empty());
}

TEST_CASE("startup: 3.x minor versions and _pq_ options call for negotiation") {
  const std::string v32 = Body(EncodeStartupMessage({{"user", "u"}}, MakeProtocolVersion(3, 2)));
  StartupPacket p = ParseStartupPacket(v32);
  CHECK(p.kind == StartupKind::kStartup);
  CHECK(ProtocolMinor(p.code) == 2);
  CHECK(NeedsProtocolNegotiation(p));

  const std::string opts =
      Body(EncodeStartupMessage({{"user", "u"}, {"_pq_.compression", "on"}, {"x", "y"}}));
  p = ParseStartupPacket(opts);
  CHECK(NeedsProtocolNegotiation(p));
  REQUIRE(p.protocol_options.size() == 1);
  CHECK(p.protocol_options[0] == "_pq_.compression");
  CHECK(p.parameters.size() == 2);  // the option is not a parameter
}

TEST_CASE("startup: SSL, GSSENC and cancel requests") {
  const std::string ssl = EncodeRequestCode(kSslRequestCode);
  CHECK(ssl == std::string("\0\0\0\x08\x04\xd2\x16\x2f", 8));
  CHECK(ParseStartupPacket(Body(ssl)).kind == StartupKind::kSslRequest);
  CHECK(kSslRequestCode == 80877103u);
  CHECK(kGssEncRequestCode == 80877104u);
  CHECK(kCancelRequestCode == 80877102u);
  CHECK(ParseStartupPacket(Body(EncodeRequestCode(kGssEncRequestCode))).kind ==
        StartupKind::kGssEncRequest);

  const std::string cancel = EncodeCancelRequest(4242, 0xdeadbeefu);
  CHECK(cancel.size() == 16);
  StartupPacket p = ParseStartupPacket(Body(cancel));
  CHECK(p.kind == StartupKind::kCancelRequest);
  CHECK(p.process_id == 4242);
  CHECK(p.secret_key == 0xdeadbeefu);
}

TEST_CASE("startup: unknown versions are reported, not thrown") {
  for (uint32_t v : {MakeProtocolVersion(2, 0), MakeProtocolVersion(4, 0),
                     MakeProtocolVersion(1234, 5681), 0u}) {
    StartupPacket p = ParseStartupPacket(Body(EncodeRequestCode(v)));
    CHECK(p.kind == StartupKind::kUnsupportedVersion);
    CHECK(p.code == v);
  }
  PgError e = UnsupportedProtocolError(MakeProtocolVersion(2, 0));
  CHECK(e.sqlstate() == "0A000");
  CHECK(e.message() == "unsupported frontend protocol 2.0: server supports 3.0 to 3.0");
}

TEST_CASE("startup: malformed packets throw 08P01") {
  auto state = [](std::string body) {
    return ThrownSqlState([&] { ParseStartupPacket(body); });
  };
  CHECK(state("") == "08P01");
  CHECK(state(std::string("\0\x03", 2)) == "08P01");
  const std::string v3("\0\x03\0\0", 4);
  CHECK(state(v3) == "08P01");                                     // no terminator
  CHECK(state(v3 + std::string("\0", 1)) == "no error");           // just the terminator
  CHECK(state(v3 + std::string("user\0", 5)) == "08P01");          // name without value
  CHECK(state(v3 + std::string("user\0bob", 8)) == "08P01");       // value without NUL
  CHECK(state(v3 + std::string("user\0bob\0", 9)) == "08P01");     // no terminator
  CHECK(state(v3 + std::string("user\0bob\0\0x", 11)) == "08P01");  // bytes after it
  CHECK(state(v3 + std::string("user\0bob\0\0\0", 11)) == "08P01");
  // Request codes with the wrong length.
  CHECK(state(Body(EncodeRequestCode(kSslRequestCode)) + "x") == "08P01");
  CHECK(state(Body(EncodeRequestCode(kGssEncRequestCode)) + "x") == "08P01");
  CHECK(state(Body(EncodeCancelRequest(1, 2)).substr(0, 11)) == "08P01");
  CHECK(state(Body(EncodeCancelRequest(1, 2)) + "x") == "08P01");
  // Every strict prefix of a valid StartupMessage is rejected.
  const std::string full = Body(EncodeStartupMessage({{"user", "alice"}, {"database", "d"}}));
  for (size_t n = 0; n < full.size(); n++) CHECK(state(full.substr(0, n)) == "08P01");
}

TEST_CASE("startup: libpq's packet as captured from psql 15") {
  // user=alice database=postgres application_name=capture (pgbench via libpq).
  const std::string wire = testing::FromHexString(
      "0000003f000300007573657200616c69636500646174616261736500706f737467726573006170706c69"
      "636174696f6e5f6e616d6500636170747572650000");
  std::optional<Frame> f = SplitFrame(wire, FramePhase::kStartup);
  REQUIRE(f);
  CHECK(f->wire_size == wire.size());
  StartupPacket p = ParseStartupPacket(f->body);
  CHECK(p.kind == StartupKind::kStartup);
  CHECK(p.user() == "alice");
  CHECK(p.database() == "postgres");
  CHECK(p.Get(kParamApplicationName) == "capture");
  // Our encoder produces the same bytes.
  CHECK(EncodeStartupMessage(
            {{"user", "alice"}, {"database", "postgres"}, {"application_name", "capture"}}) ==
        wire);
}

}  // namespace
}  // namespace immu::pgwire
