// Connection: simple and extended query protocols against a fake Session.

#include <doctest/doctest.h>

#include "pgwire/connection.h"
#include "pgwire/connection_test_util.h"

namespace immu::pgwire {
namespace {

using testing::ErrorOf;
using testing::Messages;
using testing::TestClient;
using testing::Types;
using testing::World;

std::string TagOf(const std::pair<char, std::string>& m) {
  REQUIRE(m.first == 'C');
  return std::string(ParseCommandComplete(m.second));
}

std::string CellOf(const std::pair<char, std::string>& m) {
  REQUIRE(m.first == 'D');
  auto cells = ParseDataRow(m.second);
  REQUIRE(cells.size() == 1);
  REQUIRE(cells[0].has_value());
  return std::string(*cells[0]);
}

char StatusOf(const Messages& m) {
  REQUIRE(!m.empty());
  REQUIRE(m.back().first == 'Z');
  return static_cast<char>(ParseReadyForQuery(m.back().second));
}

struct LoggedIn {
  World world;
  TestClient c{&world};
  LoggedIn() {
    c.Login();
    REQUIRE(c.conn.ready());
  }
  testing::FakeSession& session() { return *world.engine.last_session; }
};

TEST_CASE("simple query: one statement") {
  LoggedIn l;
  Messages m = l.c.Query("SELECT 7");
  REQUIRE(Types(m) == "TDCZ");
  auto fields = ParseRowDescription(m[0].second);
  REQUIRE(fields.size() == 1);
  CHECK(fields[0].name == "?column?");
  CHECK(fields[0].type_oid == 23);
  CHECK(fields[0].type_size == 4);
  CHECK(fields[0].type_modifier == -1);
  CHECK(CellOf(m[1]) == "7");
  CHECK(TagOf(m[2]) == "SELECT 1");
  CHECK(StatusOf(m) == 'I');
}

TEST_CASE("simple query: several statements keep their order; empty query") {
  LoggedIn l;
  Messages m = l.c.Query("SELECT 1; INSERT; ROWS 2; SELECT 3");
  REQUIRE(Types(m) == "TDCCTDDCTDCZ");
  CHECK(TagOf(m[2]) == "SELECT 1");
  CHECK(TagOf(m[3]) == "INSERT 0 1");
  CHECK(TagOf(m[7]) == "SELECT 2");
  CHECK(Types(l.c.Query("")) == "IZ");
  CHECK(Types(l.c.Query("   ")) == "IZ");
}

TEST_CASE("simple query: an error stops the batch, keeps earlier results, all fields") {
  LoggedIn l;
  Messages m = l.c.Query("SELECT 1; FAIL; SELECT 2");
  REQUIRE(Types(m) == "TDCEZ");
  ErrorFields f = ErrorOf(m[3]);
  CHECK(f.severity == "ERROR");
  CHECK(f.sqlstate == "42601");
  CHECK(f.message == "syntax error at or near \"FAIL\"");
  CHECK(f.detail == "some detail");
  CHECK(f.hint == "some hint");
  CHECK(f.position == 1);
  CHECK(f.table_name == "t");
  CHECK(StatusOf(m) == 'I');
  // The connection goes on.
  CHECK(Types(l.c.Query("SELECT 1")) == "TDCZ");
}

TEST_CASE("simple query: a non-PgError becomes XX000 and the connection survives") {
  LoggedIn l;
  Messages m = l.c.Query("CRASH");
  REQUIRE(Types(m) == "EZ");
  CHECK(ErrorOf(m[0]).sqlstate == "XX000");
  CHECK(ErrorOf(m[0]).message == "boom");
  CHECK(Types(l.c.Query("SELECT 1")) == "TDCZ");
}

TEST_CASE("simple query: transaction status I/T/E") {
  LoggedIn l;
  CHECK(StatusOf(l.c.Query("BEGIN")) == 'T');
  CHECK(StatusOf(l.c.Query("INSERT")) == 'T');
  Messages m = l.c.Query("FAIL");
  CHECK(Types(m) == "EZ");
  CHECK(StatusOf(m) == 'E');
  m = l.c.Query("SELECT 1");
  CHECK(ErrorOf(m[0]).sqlstate == "25P02");
  CHECK(StatusOf(m) == 'E');
  m = l.c.Query("ROLLBACK");
  CHECK(Types(m) == "CZ");
  CHECK(StatusOf(m) == 'I');
}

TEST_CASE("simple query: notices and parameter changes") {
  LoggedIn l;
  Messages m = l.c.Query("SELECT 1; NOTICE");
  REQUIRE(Types(m) == "TDCNCZ");
  ErrorFields n = ParseErrorFields(m[3].second);
  CHECK(n.severity == "NOTICE");
  CHECK(n.message == "hello");
  CHECK(TagOf(m[4]) == "DO");
  m = l.c.Query("SET TimeZone UTC");
  REQUIRE(Types(m) == "CSZ");
  auto [name, value] = ParseParameterStatus(m[1].second);
  CHECK(name == "TimeZone");
  CHECK(value == "UTC");
  // Reported once only.
  CHECK(Types(l.c.Query("INSERT")) == "CZ");
}

TEST_CASE("extended: parse, bind, describe portal, execute, sync") {
  LoggedIn l;
  Messages m = l.c.SendMessages({ParseMessage{"", "SELECT 5", {}}, BindMessage{"", "", {}, {}, {1}},
                                 DescribeMessage{TargetKind::kPortal, ""},
                                 ExecuteMessage{"", 0}, SyncMessage{}});
  REQUIRE(Types(m) == "12TDCZ");
  auto fields = ParseRowDescription(m[2].second);
  REQUIRE(fields.size() == 1);
  CHECK(fields[0].format == 1);
  CHECK(CellOf(m[3]) == "5");
  CHECK(TagOf(m[4]) == "SELECT 1");
  CHECK(l.session().syncs == 1);
  CHECK(l.session().last_result_formats == std::vector<int16_t>{1});
}

TEST_CASE("extended: describe statement gives ParameterDescription then RowDescription/NoData") {
  LoggedIn l;
  Messages m = l.c.SendMessages({ParseMessage{"s1", "SELECT $ $", {23}},
                                 DescribeMessage{TargetKind::kStatement, "s1"},
                                 ParseMessage{"s2", "INSERT $", {}},
                                 DescribeMessage{TargetKind::kStatement, "s2"}, SyncMessage{}});
  REQUIRE(Types(m) == "1tT1tnZ");
  CHECK(ParseParameterDescription(m[1].second) == std::vector<uint32_t>{23, 25});
  CHECK(ParseParameterDescription(m[4].second) == std::vector<uint32_t>{25});
  // Describe of a portal without rows: NoData.
  m = l.c.SendMessages({BindMessage{"p", "s2", {}, {std::string_view("x")}, {}},
                        DescribeMessage{TargetKind::kPortal, "p"}, SyncMessage{}});
  CHECK(Types(m) == "2nZ");
}

TEST_CASE("extended: bind passes values, NULLs and expanded formats") {
  LoggedIn l;
  l.c.SendMessages({ParseMessage{"s", "INSERT $ $ $", {}}, SyncMessage{}});
  Messages m = l.c.SendMessages(
      {BindMessage{"", "s", {1}, {std::string_view("a"), std::nullopt, std::string_view("")}, {}},
       ExecuteMessage{"", 0}, SyncMessage{}});
  REQUIRE(Types(m) == "2CZ");
  auto& s = l.session();
  REQUIRE(s.last_params.size() == 3);
  CHECK(s.last_params[0] == "a");
  CHECK(!s.last_params[1].has_value());
  CHECK(s.last_params[2] == "");
  CHECK(s.last_param_formats == std::vector<int16_t>{1, 1, 1});
  CHECK(s.last_result_formats.empty());
}

TEST_CASE("extended: an error discards everything until Sync") {
  LoggedIn l;
  Messages m = l.c.SendMessages({ParseMessage{"", "FAIL", {}}, BindMessage{"", "", {}, {}, {}},
                                 ExecuteMessage{"", 0}, QueryMessage{"SELECT 1"}, FlushMessage{},
                                 SyncMessage{}});
  REQUIRE(Types(m) == "EZ");
  CHECK(ErrorOf(m[0]).sqlstate == "42601");
  CHECK(ErrorOf(m[0]).severity == "ERROR");
  // An error in the middle: what came before stays answered.
  m = l.c.SendMessages({ParseMessage{"", "SELECT 1", {}}, BindMessage{"", "", {}, {}, {}},
                        ExecuteMessage{"nope", 0}, ExecuteMessage{"", 0}, SyncMessage{}});
  REQUIRE(Types(m) == "12EZ");
  CHECK(ErrorOf(m[2]).sqlstate == "34000");
  // Skipping ends at Sync: the next round works.
  m = l.c.SendMessages({ParseMessage{"", "SELECT 2", {}}, BindMessage{"", "", {}, {}, {}},
                        ExecuteMessage{"", 0}, SyncMessage{}});
  CHECK(Types(m) == "12DCZ");
}

TEST_CASE("extended: skipping spans several input batches") {
  LoggedIn l;
  CHECK(Types(l.c.SendMessage(ParseMessage{"", "FAIL", {}})) == "E");
  CHECK(Types(l.c.SendMessage(BindMessage{"", "", {}, {}, {}})).empty());
  CHECK(Types(l.c.SendMessage(QueryMessage{"SELECT 1"})).empty());
  CHECK(Types(l.c.SendMessage(SyncMessage{})) == "Z");
  CHECK(Types(l.c.Query("SELECT 1")) == "TDCZ");
}

TEST_CASE("extended: Execute with max_rows suspends and resumes") {
  LoggedIn l;
  Messages m = l.c.SendMessages({ParseMessage{"", "ROWS 5", {}}, BindMessage{"", "", {}, {}, {}},
                                 ExecuteMessage{"", 2}});
  REQUIRE(Types(m) == "12DDs");
  CHECK(CellOf(m[2]) == "0");
  CHECK(l.session().last_max_rows == 2);
  m = l.c.SendMessage(ExecuteMessage{"", 2});
  REQUIRE(Types(m) == "DDs");
  CHECK(CellOf(m[0]) == "2");
  m = l.c.SendMessages({ExecuteMessage{"", -1}, SyncMessage{}});
  REQUIRE(Types(m) == "DCZ");
  CHECK(CellOf(m[0]) == "4");
  CHECK(TagOf(m[1]) == "SELECT 5");
  CHECK(l.session().last_max_rows == 0);  // negative means all
}

TEST_CASE("extended: Close gives CloseComplete; closed statements are gone") {
  LoggedIn l;
  Messages m = l.c.SendMessages({ParseMessage{"s", "SELECT 1", {}},
                                 CloseMessage{TargetKind::kStatement, "s"},
                                 CloseMessage{TargetKind::kPortal, "nothing"}, SyncMessage{}});
  CHECK(Types(m) == "133Z");
  m = l.c.SendMessages({BindMessage{"", "s", {}, {}, {}}, SyncMessage{}});
  REQUIRE(Types(m) == "EZ");
  CHECK(ErrorOf(m[0]).sqlstate == "26000");
}

TEST_CASE("extended: an empty Parse executes as EmptyQueryResponse") {
  LoggedIn l;
  Messages m = l.c.SendMessages({ParseMessage{"", "", {}}, BindMessage{"", "", {}, {}, {}},
                                 DescribeMessage{TargetKind::kPortal, ""}, ExecuteMessage{"", 0},
                                 SyncMessage{}});
  CHECK(Types(m) == "12nIZ");
}

TEST_CASE("extended: a malformed message body is an ERROR that skips to Sync") {
  LoggedIn l;
  // Bind with 2 parameter format codes for 1 value.
  MessageWriter w;
  w.BeginMessage('B');
  w.AppendCString("");
  w.AppendCString("");
  w.AppendInt16(2);
  w.AppendInt16(0);
  w.AppendInt16(0);
  w.AppendInt16(1);
  w.AppendLengthPrefixed("x");
  w.AppendInt16(0);
  w.EndMessage();
  AppendFrontendMessage(&w, ExecuteMessage{"", 0});
  AppendFrontendMessage(&w, SyncMessage{});
  Messages m = l.c.Send(w.buffer());
  REQUIRE(Types(m) == "EZ");
  CHECK(ErrorOf(m[0]).sqlstate == "08P01");
  CHECK(ErrorOf(m[0]).severity == "ERROR");
  CHECK(!l.c.conn.closed());
  // A malformed simple Query (no NUL): ERROR and ReadyForQuery.
  MessageWriter q;
  q.BeginMessage('Q');
  q.AppendBytes("SELECT 1");
  q.EndMessage();
  m = l.c.Send(q.buffer());
  CHECK(Types(m) == "EZ");
}

TEST_CASE("connection: broken framing after login closes, FATAL only for an unknown type") {
  {
    LoggedIn l;
    Messages m = l.c.Send(std::string("\x01\x00\x00\x00\x04", 5));
    REQUIRE(Types(m) == "E");
    CHECK(ErrorOf(m[0]).severity == "FATAL");
    CHECK(ErrorOf(m[0]).sqlstate == "08P01");
    CHECK(l.c.conn.closed());
  }
  {
    LoggedIn l;
    // A Sync announcing 1 MB: over the small-message limit. PostgreSQL
    // closes without a word (COMMERROR "invalid message length").
    CHECK(l.c.Send(std::string("S\x00\x10\x00\x00", 5)).empty());
    CHECK(l.c.conn.closed());
    CHECK(l.c.conn.close_reason() == "invalid length of message");
  }
  {
    LoggedIn l;
    CHECK(l.c.Send(std::string("Q\x00\x00\x00\x02", 5)).empty());
    CHECK(l.c.conn.closed());
    CHECK(l.c.conn.close_reason() == "invalid message length");
  }
  {
    World world;
    ConnectionOptions o;
    o.limits.max_message = 1000;
    TestClient c(&world, o);
    c.Login();
    CHECK(c.Query(std::string(2000, 'x')).empty());
    CHECK(c.conn.closed());
  }
  {
    LoggedIn l;
    MessageWriter w;
    AppendPasswordMessage(&w, "again");
    Messages m = l.c.Send(w.buffer());
    REQUIRE(Types(m) == "E");
    CHECK(ErrorOf(m[0]).severity == "FATAL");
  }
}

TEST_CASE("connection: Terminate closes silently; FunctionCall and stray COPY messages") {
  LoggedIn l;
  Messages m = l.c.SendMessage(FunctionCallMessage{1, {}, {}, 0});
  REQUIRE(Types(m) == "EZ");
  CHECK(ErrorOf(m[0]).sqlstate == "0A000");
  CHECK(l.c.SendMessages({CopyDataMessage{"x"}, CopyDoneMessage{}}).empty());
  CHECK(l.c.SendMessage(TerminateMessage{}).empty());
  CHECK(l.c.conn.closed());
}

TEST_CASE("connection: input split at every byte boundary gives the same replies") {
  LoggedIn whole;
  MessageWriter w;
  AppendFrontendMessage(&w, QueryMessage{"SELECT 1; ROWS 3"});
  AppendFrontendMessage(&w, ParseMessage{"", "ROWS 4", {}});
  AppendFrontendMessage(&w, BindMessage{"", "", {}, {}, {}});
  AppendFrontendMessage(&w, ExecuteMessage{"", 3});
  AppendFrontendMessage(&w, SyncMessage{});
  const std::string input = w.buffer();
  whole.c.Send(input);
  const std::string expected = whole.c.last_raw;
  LoggedIn split;
  std::string got;
  for (char ch : input) {
    split.c.Send(std::string_view(&ch, 1));
    got += split.c.last_raw;
  }
  CHECK(got == expected);
  CHECK(Types(testing::SplitTyped(got)) == "TDCTDDDCZ12DDDsZ");
}

TEST_CASE("connection: large results flush mid-statement; a failed flush closes") {
  World world;
  ConnectionOptions o;
  o.flush_threshold = 100;
  TestClient c(&world, o);
  c.Login();
  std::string flushed;
  int flushes = 0;
  c.conn.set_flush([&](std::string_view bytes) {
    flushed += bytes;
    flushes++;
  });
  Messages m = c.Query("ROWS 50");
  CHECK(flushes > 5);
  Messages all = testing::SplitTyped(flushed + c.last_raw);
  CHECK(all.size() == 53);  // T, 50 D, C, Z
  CHECK(Types(all).back() == 'Z');

  c.conn.set_flush([&](std::string_view) { throw std::runtime_error("EPIPE"); });
  m = c.Query("ROWS 50");
  CHECK(m.empty());
  CHECK(c.conn.closed());
}

TEST_CASE("connection: Terminate(error) sends FATAL once") {
  LoggedIn l;
  l.c.conn.Terminate(PgError(sqlstate::kAdminShutdown,
                             "terminating connection due to administrator command"));
  Messages m = testing::SplitTyped(l.c.conn.output().buffer());
  REQUIRE(Types(m) == "E");
  CHECK(ErrorOf(m[0]).sqlstate == "57P01");
  CHECK(ErrorOf(m[0]).severity == "FATAL");
  CHECK(l.c.conn.closed());
}

}  // namespace
}  // namespace immu::pgwire
