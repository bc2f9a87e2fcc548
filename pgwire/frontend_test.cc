#include "pgwire/frontend.h"

#include <doctest/doctest.h>

#include <random>

#include "pgwire/framer.h"
#include "pgwire/test_util.h"

namespace immu::pgwire {
namespace {

using testing::ThrownSqlState;

std::string Encode(const FrontendMessage& m) {
  MessageWriter w;
  AppendFrontendMessage(&w, m);
  return w.buffer();
}

// Encodes, frames and parses m back.
FrontendMessage RoundTrip(const FrontendMessage& m, std::string* wire) {
  *wire = Encode(m);
  std::optional<Frame> f = SplitFrame(*wire, FramePhase::kNormal);
  REQUIRE(f);
  CHECK(f->wire_size == wire->size());
  CHECK(f->type == FrontendMessageType(m));
  return ParseFrontendMessage(f->type, f->body);
}

// One of each message type, with non-trivial contents.
std::vector<FrontendMessage> Samples() {
  BindMessage bind;
  bind.portal = "p1";
  bind.statement = "s1";
  bind.param_formats = {0, 1, 0};
  bind.values = {std::string_view("42"), std::nullopt, std::string_view("")};
  bind.result_formats = {1};
  FunctionCallMessage fc;
  fc.function_oid = 1598;
  fc.arg_formats = {1};
  fc.args = {std::string_view("\x00\x01", 2), std::nullopt};
  fc.result_format = 1;
  return {QueryMessage{"select 1; select 2"},
          ParseMessage{"stmt", "select $1::int, $2", {23, 0}},
          ParseMessage{"", "select 1", {}},
          bind,
          BindMessage{},
          DescribeMessage{TargetKind::kStatement, "stmt"},
          DescribeMessage{TargetKind::kPortal, ""},
          ExecuteMessage{"p1", 100},
          ExecuteMessage{"", 0},
          CloseMessage{TargetKind::kPortal, "p1"},
          CloseMessage{TargetKind::kStatement, "s"},
          SyncMessage{},
          FlushMessage{},
          TerminateMessage{},
          CopyDataMessage{std::string_view("1\tx\n\0binary", 11)},
          CopyDoneMessage{},
          CopyFailMessage{"aborted by user"},
          AuthResponseMessage{std::string_view("secret\0", 7)},
          fc};
}

TEST_CASE("frontend: every message type round-trips") {
  for (const FrontendMessage& m : Samples()) {
    std::string wire;
    CHECK(RoundTrip(m, &wire) == m);
  }
}

TEST_CASE("frontend: exact bytes of a few messages") {
  CHECK(Encode(SyncMessage{}) == std::string("S\0\0\0\x04", 5));
  CHECK(Encode(QueryMessage{"select 1"}) == std::string("Q\0\0\0\x0dselect 1\0", 14));
  CHECK(Encode(ExecuteMessage{"", 0}) == std::string("E\0\0\0\x09\0\0\0\0\0", 10));
  CHECK(Encode(DescribeMessage{TargetKind::kPortal, ""}) == std::string("D\0\0\0\x06P\0", 7));
}

TEST_CASE("frontend: the 0/1/N format rule") {
  BindMessage b;
  b.values = {std::string_view("a"), std::string_view("b")};
  CHECK(b.ParamFormat(0) == kFormatText);
  CHECK(b.ParamFormat(1) == kFormatText);
  b.param_formats = {kFormatBinary};
  CHECK(b.ParamFormat(0) == kFormatBinary);
  CHECK(b.ParamFormat(1) == kFormatBinary);
  b.param_formats = {kFormatBinary, kFormatText};
  CHECK(b.ParamFormat(0) == kFormatBinary);
  CHECK(b.ParamFormat(1) == kFormatText);
  b.result_formats = {kFormatBinary};
  CHECK(b.ResultFormat(7) == kFormatBinary);
  std::string wire;
  CHECK(RoundTrip(b, &wire) == FrontendMessage(b));
}

TEST_CASE("frontend: Bind with mismatched format count is a protocol violation") {
  BindMessage b;
  b.param_formats = {0, 1};
  b.values = {std::string_view("1"), std::string_view("2"), std::string_view("3")};
  const std::string wire = Encode(b);
  PgError err("", "");
  try {
    ParseFrontendMessage('B', std::string_view(wire).substr(5));
    FAIL("no error");
  } catch (const PgError& e) {
    err = e;
  }
  CHECK(err.sqlstate() == "08P01");
  CHECK(err.message() == "bind message has 2 parameter formats but 3 parameters");

  FunctionCallMessage f;
  f.arg_formats = {0, 1};
  f.args = {std::nullopt};
  const std::string fw = Encode(f);
  CHECK(ThrownSqlState([&] { ParseFrontendMessage('F', std::string_view(fw).substr(5)); }) ==
        "08P01");
}

TEST_CASE("frontend: bad format codes are 22023 as in PostgreSQL") {
  BindMessage b;
  b.param_formats = {2};
  b.values = {std::string_view("1")};
  std::string wire = Encode(b);
  CHECK(ThrownSqlState([&] { ParseFrontendMessage('B', std::string_view(wire).substr(5)); }) ==
        "22023");
  b.param_formats = {};
  b.result_formats = {-1};
  wire = Encode(b);
  CHECK(ThrownSqlState([&] { ParseFrontendMessage('B', std::string_view(wire).substr(5)); }) ==
        "22023");
}

TEST_CASE("frontend: hand-made malformed bodies") {
  auto state = [](char type, std::string body) {
    return ThrownSqlState([&] { ParseFrontendMessage(type, body); });
  };
  using S = std::string;
  CHECK(state('Q', "select 1") == "08P01");                     // no NUL
  CHECK(state('Q', S("select 1\0x", 10)) == "08P01");           // trailing bytes
  CHECK(state('S', "x") == "08P01");
  CHECK(state('H', "x") == "08P01");
  CHECK(state('X', "x") == "08P01");
  CHECK(state('c', "x") == "08P01");
  CHECK(state('D', S("X\0", 2)) == "08P01");                     // subtype
  CHECK(state('C', S("Q\0", 2)) == "08P01");
  CHECK(state('D', "") == "08P01");
  CHECK(state('E', S("\0\0\0", 3)) == "08P01");                  // short max_rows
  // Parse claiming 65535 parameter types with 8 bytes present.
  CHECK(state('P', S("\0q\0\xff\xff\0\0\0\x17\0\0\0\x17", 13)) == "08P01");
  // Parse with a type count matching the data is fine.
  CHECK(state('P', S("\0q\0\0\x01\0\0\0\x17", 9)) == "no error");
  // Bind: value length -2, length past the end, value count larger than data.
  const S bind_head("\0\0\0\0\0\x01", 6);
  CHECK(state('B', bind_head + S("\xff\xff\xff\xfe\0\0", 6)) == "08P01");
  CHECK(state('B', bind_head + S("\0\0\0\x09" "abc\0\0", 9)) == "08P01");
  CHECK(state('B', S("\0\0\0\0\0\x05\0\0\0\x01x\0\0", 13)) == "08P01");
  CHECK(state('B', bind_head + S("\0\0\0\x01x\0\0", 7)) == "no error");
  CHECK(state('B', bind_head + S("\0\0\0\x01x\0", 6)) == "08P01");  // no result count
  CHECK(state('Z', "") == "08P01");  // not a frontend type
  CHECK(state('\0', "") == "08P01");
}

TEST_CASE("frontend: every strict prefix of a valid body is rejected") {
  for (const FrontendMessage& m : Samples()) {
    if (std::holds_alternative<CopyDataMessage>(m) ||
        std::holds_alternative<AuthResponseMessage>(m)) {
      continue;  // raw bodies: every prefix is a valid message
    }
    const std::string wire = Encode(m);
    const std::string body = wire.substr(5);
    for (size_t n = 0; n < body.size(); n++) {
      CAPTURE(wire[0]);
      CAPTURE(n);
      CHECK(ThrownSqlState([&] { ParseFrontendMessage(wire[0], body.substr(0, n)); }) ==
            "08P01");
    }
  }
}

TEST_CASE("frontend: random bodies never escape as anything but PgError") {
  const std::string types = "QPBDECSHXdcfpFzZ";
  std::mt19937 rng(11);
  for (int iter = 0; iter < 20000; iter++) {
    std::string body(rng() % 40, '\0');
    // Mostly small bytes so counts and lengths are often plausible.
    for (char& c : body) c = static_cast<char>(rng() % 3 == 0 ? rng() : rng() % 4);
    const char type = types[rng() % types.size()];
    try {
      ParseFrontendMessage(type, body);
    } catch (const PgError& e) {
      CHECK((e.sqlstate() == "08P01" || e.sqlstate() == "22023"));
    }
  }
}

TEST_CASE("frontend: PasswordMessage and SASLInitialResponse") {
  MessageWriter w;
  AppendPasswordMessage(&w, "md5abc");
  auto msgs = testing::SplitTyped(w.buffer());
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].first == 'p');
  CHECK(ParsePasswordMessage(msgs[0].second) == "md5abc");
  CHECK(ThrownSqlState([] { ParsePasswordMessage("abc"); }) == "08P01");
  CHECK(ThrownSqlState([] { ParsePasswordMessage(std::string_view("a\0b\0", 4)); }) == "08P01");

  w.Clear();
  AppendSaslInitialResponse(&w, {"SCRAM-SHA-256", std::string_view("n,,n=,r=abc")});
  AppendSaslInitialResponse(&w, {"SCRAM-SHA-256", std::nullopt});
  AppendSaslResponse(&w, "c=biws");
  msgs = testing::SplitTyped(w.buffer());
  REQUIRE(msgs.size() == 3);
  SaslInitialResponse r = ParseSaslInitialResponse(msgs[0].second);
  CHECK(r.mechanism == "SCRAM-SHA-256");
  REQUIRE(r.data);
  CHECK(*r.data == "n,,n=,r=abc");
  r = ParseSaslInitialResponse(msgs[1].second);
  CHECK_FALSE(r.data);
  CHECK(std::get<AuthResponseMessage>(ParseFrontendMessage('p', msgs[2].second)).body ==
        "c=biws");
  // Truncations and a bad length.
  for (size_t n = 0; n < msgs[0].second.size(); n++) {
    CHECK(ThrownSqlState([&] { ParseSaslInitialResponse(msgs[0].second.substr(0, n)); }) ==
          "08P01");
  }
  CHECK(ThrownSqlState([] {
          ParseSaslInitialResponse(std::string_view("M\0\xff\xff\xff\xfe", 6));
        }) == "08P01");
}

}  // namespace
}  // namespace immu::pgwire
