#include "pgwire/backend.h"

#include <doctest/doctest.h>

#include <array>

#include "pgwire/backend_parse.h"
#include "pgwire/test_util.h"

namespace immu::pgwire {
namespace {

using testing::SplitTyped;
using testing::ThrownSqlState;

// The single message w holds, checked to be of type `type`.
std::string OnlyBody(const MessageWriter& w, char type) {
  auto msgs = SplitTyped(w.buffer());
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].first == type);
  return msgs[0].second;
}

TEST_CASE("backend: authentication requests") {
  MessageWriter w;
  AppendAuthenticationOk(&w);
  CHECK(w.buffer() == std::string("R\0\0\0\x08\0\0\0\0", 9));
  w.Clear();
  AppendAuthenticationCleartextPassword(&w);
  CHECK(ParseAuthentication(OnlyBody(w, 'R')).code == AuthCode::kCleartextPassword);

  w.Clear();
  const std::array<uint8_t, 4> salt = {1, 2, 0, 255};
  AppendAuthenticationMd5Password(&w, salt);
  std::string body = OnlyBody(w, 'R');
  AuthenticationMessage a = ParseAuthentication(body);
  CHECK(a.code == AuthCode::kMd5Password);
  CHECK(a.data == std::string("\x01\x02\x00\xff", 4));

  w.Clear();
  const std::array<std::string_view, 2> mechs = {"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"};
  AppendAuthenticationSasl(&w, mechs);
  body = OnlyBody(w, 'R');
  CHECK(body == std::string("\0\0\0\x0aSCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0", 38));
  a = ParseAuthentication(body);
  CHECK(a.code == AuthCode::kSasl);
  CHECK(a.mechanisms == std::vector<std::string_view>{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"});

  w.Clear();
  AppendAuthenticationSaslContinue(&w, "r=abc,s=xyz,i=4096");
  body = OnlyBody(w, 'R');
  a = ParseAuthentication(body);
  CHECK(a.code == AuthCode::kSaslContinue);
  CHECK(a.data == "r=abc,s=xyz,i=4096");
  w.Clear();
  AppendAuthenticationSaslFinal(&w, "v=xyz");
  body = OnlyBody(w, 'R');
  a = ParseAuthentication(body);
  CHECK(a.code == AuthCode::kSaslFinal);
  CHECK(a.data == "v=xyz");
}

TEST_CASE("backend: startup replies") {
  MessageWriter w;
  AppendParameterStatus(&w, "server_version", "15.0");
  const std::string status = OnlyBody(w, 'S');
  auto [name, value] = ParseParameterStatus(status);
  CHECK(name == "server_version");
  CHECK(value == "15.0");
  w.Clear();
  AppendBackendKeyData(&w, 77, 0xfedcba98u);
  CHECK(ParseBackendKeyData(OnlyBody(w, 'K')) == std::pair<int32_t, uint32_t>(77, 0xfedcba98u));
  w.Clear();
  AppendReadyForQuery(&w, TransactionStatus::kIdle);
  AppendReadyForQuery(&w, TransactionStatus::kInBlock);
  AppendReadyForQuery(&w, TransactionStatus::kFailed);
  CHECK(w.buffer() == std::string("Z\0\0\0\x05IZ\0\0\0\x05TZ\0\0\0\x05" "E", 18));
  auto msgs = SplitTyped(w.buffer());
  CHECK(ParseReadyForQuery(msgs[2].second) == TransactionStatus::kFailed);
  CHECK(ThrownSqlState([] { ParseReadyForQuery("X"); }) == "08P01");

  w.Clear();
  const std::array<std::string_view, 2> opts = {"_pq_.a", "_pq_.b"};
  AppendNegotiateProtocolVersion(&w, 0, opts);
  const std::string nbody = OnlyBody(w, 'v');
  NegotiateProtocolVersion n = ParseNegotiateProtocolVersion(nbody);
  CHECK(n.newest_version == 0);
  CHECK(n.unrecognized == std::vector<std::string_view>{"_pq_.a", "_pq_.b"});
}

TEST_CASE("backend: RowDescription and DataRow") {
  std::vector<FieldDescription> fields = {
      {"id", 16384, 1, 20, 8, -1, 0},
      {"name", 16384, 2, 25, -1, -1, 0},
      {"?column?", 0, 0, 1700, -1, 0x000a0006, 1},
  };
  MessageWriter w;
  AppendRowDescription(&w, fields);
  CHECK(ParseRowDescription(OnlyBody(w, 'T')) == fields);

  w.Clear();
  const std::array<std::optional<std::string_view>, 4> row = {
      std::string_view("1"), std::nullopt, std::string_view(""),
      std::string_view("a\0b", 3)};
  AppendDataRow(&w, row);
  std::string body = OnlyBody(w, 'D');
  CHECK(body == std::string("\0\x04\0\0\0\x01" "1\xff\xff\xff\xff\0\0\0\0\0\0\0\x03" "a\0b", 22));
  auto values = ParseDataRow(body);
  REQUIRE(values.size() == 4);
  CHECK(values[0] == std::optional<std::string_view>("1"));
  CHECK_FALSE(values[1]);
  CHECK(values[2] == std::optional<std::string_view>(""));
  CHECK(values[3] == std::optional<std::string_view>(std::string_view("a\0b", 3)));

  // The streaming writer and the no-NULL overload produce identical bytes.
  MessageWriter w2;
  DataRowWriter dr(&w2, 4);
  dr.AddValue("1");
  dr.AddNull();
  dr.AddValue("");
  dr.AddValue(std::string_view("a\0b", 3));
  dr.Finish();
  CHECK(w2.buffer() == w.buffer());
  w.Clear();
  w2.Clear();
  const std::array<std::string_view, 2> plain = {"x", "yz"};
  AppendDataRow(&w, plain);
  const std::array<std::optional<std::string_view>, 2> opt = {std::string_view("x"),
                                                              std::string_view("yz")};
  AppendDataRow(&w2, opt);
  CHECK(w.buffer() == w2.buffer());

  // Zero columns is a valid (empty) row.
  w.Clear();
  AppendDataRow(&w, std::span<const std::string_view>());
  CHECK(ParseDataRow(OnlyBody(w, 'D')).empty());
}

TEST_CASE("backend: many DataRows in one buffer") {
  MessageWriter w;
  for (int i = 0; i < 1000; i++) {
    const std::string v = std::to_string(i);
    const std::array<std::string_view, 2> row = {v, "const"};
    AppendDataRow(&w, row);
  }
  auto msgs = SplitTyped(w.buffer());
  REQUIRE(msgs.size() == 1000);
  for (int i = 0; i < 1000; i++) {
    auto values = ParseDataRow(msgs[i].second);
    REQUIRE(values.size() == 2);
    CHECK(*values[0] == std::to_string(i));
  }
}

TEST_CASE("backend: too many columns is refused before writing") {
  std::vector<std::string_view> values(40000, "x");
  MessageWriter w;
  CHECK(ThrownSqlState([&] { AppendDataRow(&w, values); }) == "54000");
  std::vector<FieldDescription> fields(40000);
  CHECK(ThrownSqlState([&] { AppendRowDescription(&w, fields); }) == "54000");
  CHECK(w.empty());
  CHECK_FALSE(w.in_message());
}

TEST_CASE("backend: ErrorResponse from a PgError") {
  PgError e(sqlstate::kUndefinedTable, "relation \"t\" does not exist", "some detail",
            "some hint", 15);
  e.schema_name = "public";
  e.table_name = "t";
  e.column_name = "c";
  e.datatype_name = "int4";
  e.constraint_name = "pk";
  MessageWriter w;
  AppendErrorResponse(&w, e);
  ErrorFields f = ParseErrorFields(OnlyBody(w, 'E'));
  CHECK(f == ErrorFieldsFrom(e));
  CHECK(f.severity == "ERROR");
  CHECK(f.sqlstate == "42P01");
  CHECK(f.message == "relation \"t\" does not exist");
  CHECK(f.position == 15);
  CHECK(f.constraint_name == "pk");

  w.Clear();
  AppendErrorResponse(&w, PgError(sqlstate::kInvalidPassword, "bad"), Severity::kFatal);
  CHECK(OnlyBody(w, 'E') == std::string("SFATAL\0VFATAL\0C28P01\0Mbad\0\0", 27));
}

TEST_CASE("backend: an ErrorFields without severity or code still sends both") {
  ErrorFields f;
  f.severity.clear();
  f.sqlstate.clear();
  f.message = "oops";
  MessageWriter w;
  AppendErrorResponse(&w, f);
  CHECK(OnlyBody(w, 'E') == std::string("SERROR\0VERROR\0CXX000\0Moops\0\0", 28));
}

TEST_CASE("backend: every error field round-trips; notices too") {
  ErrorFields f;
  f.severity = SeverityName(Severity::kWarning);
  f.sqlstate = sqlstate::kWarning;
  f.message = "m";
  f.detail = "d";
  f.hint = "h";
  f.position = 3;
  f.internal_position = 4;
  f.internal_query = "q";
  f.where = "w";
  f.schema_name = "s";
  f.table_name = "t";
  f.column_name = "c";
  f.datatype_name = "dt";
  f.constraint_name = "n";
  f.file = "f.cc";
  f.line = "12";
  f.routine = "r";
  MessageWriter w;
  AppendNoticeResponse(&w, f);
  CHECK(ParseErrorFields(OnlyBody(w, 'N')) == f);
  // Unknown field codes are skipped by the decoder.
  ErrorFields g = ParseErrorFields(std::string_view("SERROR\0C00000\0Mx\0Zzz\0\0", 22));
  CHECK(g.message == "x");
  CHECK(ThrownSqlState([] { ParseErrorFields(std::string_view("SERROR\0", 7)); }) == "08P01");
  CHECK(ThrownSqlState([] { ParseErrorFields(std::string_view("SERROR", 6)); }) == "08P01");
}

TEST_CASE("backend: empty and simple messages") {
  MessageWriter w;
  AppendParseComplete(&w);
  AppendBindComplete(&w);
  AppendCloseComplete(&w);
  AppendNoData(&w);
  AppendPortalSuspended(&w);
  AppendEmptyQueryResponse(&w);
  AppendCopyDone(&w);
  CHECK(w.buffer() == std::string("1\0\0\0\x04" "2\0\0\0\x04" "3\0\0\0\x04n\0\0\0\x04s\0\0\0\x04"
                                  "I\0\0\0\x04" "c\0\0\0\x04", 35));
  for (const auto& m : SplitTyped(w.buffer())) ParseEmptyMessage(m.second);
  CHECK(ThrownSqlState([] { ParseEmptyMessage("x"); }) == "08P01");

  w.Clear();
  AppendCommandComplete(&w, "INSERT 0 5");
  const std::string cc = OnlyBody(w, 'C');
  CHECK(ParseCommandComplete(cc) == "INSERT 0 5");
  w.Clear();
  const std::array<uint32_t, 3> oids = {23, 25, 0xffffffffu};
  AppendParameterDescription(&w, oids);
  CHECK(ParseParameterDescription(OnlyBody(w, 't')) ==
        std::vector<uint32_t>(oids.begin(), oids.end()));
  w.Clear();
  AppendNotificationResponse(&w, 9, "chan", "payload");
  const std::string nr = OnlyBody(w, 'A');
  CHECK(ParseNotificationResponse(nr) == Notification{9, "chan", "payload"});
  w.Clear();
  AppendFunctionCallResponse(&w, std::nullopt);
  CHECK_FALSE(ParseFunctionCallResponse(OnlyBody(w, 'V')));
  w.Clear();
  AppendFunctionCallResponse(&w, std::string_view("r"));
  const std::string fr = OnlyBody(w, 'V');
  CHECK(ParseFunctionCallResponse(fr) == std::optional<std::string_view>("r"));
}

TEST_CASE("backend: COPY responses and data") {
  MessageWriter w;
  const std::array<int16_t, 3> formats = {1, 1, 1};
  AppendCopyInResponse(&w, 1, formats);
  AppendCopyOutResponse(&w, 0, std::span<const int16_t>());
  AppendCopyData(&w, std::string_view("1\t\\N\n\0", 6));
  auto msgs = SplitTyped(w.buffer());
  REQUIRE(msgs.size() == 3);
  CHECK(msgs[0].first == 'G');
  CHECK(ParseCopyResponse(msgs[0].second) == CopyResponse{1, {1, 1, 1}});
  CHECK(msgs[1].first == 'H');
  CHECK(ParseCopyResponse(msgs[1].second) == CopyResponse{0, {}});
  CHECK(msgs[2].first == 'd');
  CHECK(msgs[2].second == std::string("1\t\\N\n\0", 6));
}

TEST_CASE("backend: decoders reject every truncation") {
  MessageWriter w;
  const std::array<std::string_view, 1> mech = {"SCRAM-SHA-256"};
  AppendAuthenticationSasl(&w, mech);
  AppendAuthenticationMd5Password(&w, std::array<uint8_t, 4>{1, 2, 3, 4});
  AppendParameterStatus(&w, "a", "b");
  AppendBackendKeyData(&w, 1, 2);
  std::vector<FieldDescription> fields = {{"x", 1, 2, 3, 4, 5, 0}};
  AppendRowDescription(&w, fields);
  const std::array<std::string_view, 2> row = {"ab", "c"};
  AppendDataRow(&w, row);
  AppendCommandComplete(&w, "SELECT 1");
  AppendErrorResponse(&w, PgError("42000", "m"));
  const std::array<uint32_t, 1> oids = {23};
  AppendParameterDescription(&w, oids);
  const std::array<int16_t, 1> formats = {0};
  AppendCopyOutResponse(&w, 0, formats);
  const std::array<std::string_view, 1> opts = {"_pq_.x"};
  AppendNegotiateProtocolVersion(&w, 0, opts);
  AppendNotificationResponse(&w, 1, "c", "p");
  AppendFunctionCallResponse(&w, std::string_view("r"));
  for (const auto& m : SplitTyped(w.buffer())) {
    const char type = m.first;
    const std::string& body = m.second;
    for (size_t n = 0; n < body.size(); n++) {
      const std::string prefix = body.substr(0, n);
      CAPTURE(type);
      CAPTURE(n);
      const std::string state = ThrownSqlState([&] {
        switch (type) {
          case 'R': ParseAuthentication(prefix); break;
          case 'S': ParseParameterStatus(prefix); break;
          case 'K': ParseBackendKeyData(prefix); break;
          case 'T': ParseRowDescription(prefix); break;
          case 'D': ParseDataRow(prefix); break;
          case 'C': ParseCommandComplete(prefix); break;
          case 'E': ParseErrorFields(prefix); break;
          case 't': ParseParameterDescription(prefix); break;
          case 'H': ParseCopyResponse(prefix); break;
          case 'v': ParseNegotiateProtocolVersion(prefix); break;
          case 'A': ParseNotificationResponse(prefix); break;
          case 'V': ParseFunctionCallResponse(prefix); break;
        }
      });
      CHECK(state == "08P01");
    }
  }
}

}  // namespace
}  // namespace immu::pgwire
