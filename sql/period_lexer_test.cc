#include "sql/period_lexer.h"

#include <doctest/doctest.h>

#include <string>

#include "catalog/pg_error.h"

namespace immu::sql {
namespace {

std::string Expr(const std::string& sql, const PeriodBoundText& b) {
  return sql.substr(static_cast<size_t>(b.expr_begin), static_cast<size_t>(b.expr_end - b.expr_begin));
}

// The 1-based error position RewritePeriods reports, or 0.
int ErrorPosition(const std::string& sql) {
  try {
    RewritePeriods(sql);
  } catch (const PgError& e) {
    CHECK(e.sqlstate() == std::string("42601"));
    return e.position();
  }
  return 0;
}

TEST_CASE("period lexer: plain SQL is left alone") {
  for (const std::string sql : {"SELECT 1", "SELECT * FROM t WHERE a = 1", "SELECT extract(year FROM d) FROM t",
                                "SELECT a IS DISTINCT FROM b FROM t", "SELECT * FROM t before",
                                "SELECT * FROM t after WHERE after.x = 1", "DELETE FROM t WHERE x = 1",
                                "SELECT 'FROM t SINCE TX 1' FROM t -- SINCE TX 3",
                                "SELECT $$ FROM t SINCE TX 1 $$, $a$ x $a$ FROM t /* FROM t SINCE TX 2 */",
                                "SELECT \"FROM t SINCE TX 1\" FROM t", "SELECT * FROM t FOR UPDATE",
                                "SELECT * FROM generate_series(1, 3) since"}) {
    CAPTURE(sql);
    PeriodRewrite r = RewritePeriods(sql);
    CHECK(r.sql == sql);
    CHECK(r.refs.empty());
  }
}

TEST_CASE("period lexer: SINCE TX keeps every other token at its offset") {
  const std::string sql = "SELECT * FROM t SINCE TX 10 WHERE a = 1";
  PeriodRewrite r = RewritePeriods(sql);
  CHECK(r.sql == "SELECT * FROM t             WHERE a = 1");
  REQUIRE(r.refs.size() == 1);
  CHECK(r.refs[0].source == TravelSource::kTable);
  CHECK(r.refs[0].location == 14);
  CHECK(r.refs[0].period.start.present);
  CHECK(r.refs[0].period.start.inclusive);
  CHECK(r.refs[0].period.start.tx);
  CHECK(Expr(sql, r.refs[0].period.start) == "10");
  CHECK_FALSE(r.refs[0].period.end.present);
}

TEST_CASE("period lexer: bounds, aliases, quoting and timestamps") {
  const std::string sql =
      "SELECT * FROM \"My T\" AS x AFTER TX $1 BEFORE now() - interval '1 day'\n"
      "JOIN s.u UNTIL '2024-01-01'::timestamptz y ON x.a = y.a, w FOR SYSTEM_TIME AS OF TIMESTAMP '2024-02-01'";
  PeriodRewrite r = RewritePeriods(sql);
  CHECK(r.sql.size() == sql.size());
  REQUIRE(r.refs.size() == 3);  // `... y` (alias without AS) fails later, when the expression is parsed
  const auto& a = r.refs[0];
  CHECK(a.location == 14);
  CHECK_FALSE(a.period.start.inclusive);
  CHECK(Expr(sql, a.period.start) == "$1");
  CHECK_FALSE(a.period.end.inclusive);
  CHECK_FALSE(a.period.end.tx);
  CHECK(Expr(sql, a.period.end) == "now() - interval '1 day'");
  const auto& b = r.refs[1];
  CHECK(sql.substr(static_cast<size_t>(b.location), 3) == "s.u");
  CHECK(Expr(sql, b.period.end) == "'2024-01-01'::timestamptz y");
  CHECK(r.sql.find("ON x.a = y.a") != std::string::npos);
  CHECK(r.sql.find("\"My T\" AS x ") != std::string::npos);
  // The comma after the ON condition starts another FROM item.
  const std::string sql2 = "SELECT * FROM a JOIN b ON a.x = b.x, w FOR SYSTEM_TIME AS OF TIMESTAMP '2024-02-01'";
  PeriodRewrite r2 = RewritePeriods(sql2);
  REQUIRE(r2.refs.size() == 1);
  CHECK(r2.refs[0].location == static_cast<int>(sql2.find(", w") + 2));
  CHECK(r2.refs[0].period.end.inclusive);
  CHECK(Expr(sql2, r2.refs[0].period.end) == "TIMESTAMP '2024-02-01'");
  CHECK(r2.sql == "SELECT * FROM a JOIN b ON a.x = b.x, w" + std::string(sql2.size() - sql2.find(", w") - 3, ' '));
}

TEST_CASE("period lexer: HISTORY OF and DIFF OF") {
  const std::string sql = "SELECT * FROM (HISTORY OF t) h WHERE h.id IN (SELECT id FROM (DIFF OF u) SINCE TX 2 UNTIL TX 4)";
  PeriodRewrite r = RewritePeriods(sql);
  CHECK(r.sql == "SELECT * FROM             t  h WHERE h.id IN (SELECT id FROM          u                       )");
  REQUIRE(r.refs.size() == 2);
  CHECK(r.refs[0].source == TravelSource::kHistory);
  CHECK(r.refs[0].location == 26);
  CHECK(r.refs[0].period.empty());
  CHECK(r.refs[1].source == TravelSource::kDiff);
  CHECK(Expr(sql, r.refs[1].period.start) == "2");
  CHECK(Expr(sql, r.refs[1].period.end) == "4");
  // A period may also sit inside the parentheses.
  PeriodRewrite in = RewritePeriods("SELECT * FROM (HISTORY OF t SINCE TX 3) AS h");
  REQUIRE(in.refs.size() == 1);
  CHECK(in.sql == "SELECT * FROM             t             AS h");
}

TEST_CASE("period lexer: USE SNAPSHOT") {
  PeriodRewrite r = RewritePeriods("USE SNAPSHOT SINCE TX 3 UNTIL TX $1; SELECT 1");
  CHECK(r.sql == "SELECT                             ; SELECT 1");
  REQUIRE(r.refs.size() == 1);
  CHECK(r.refs[0].source == TravelSource::kUseSnapshot);
  CHECK(r.refs[0].location == 0);
  CHECK(r.refs[0].period.start.present);
  CHECK(r.refs[0].period.end.present);
  PeriodRewrite none = RewritePeriods("select 1; use snapshot none");
  REQUIRE(none.refs.size() == 1);
  CHECK(none.refs[0].clear);
  CHECK(none.refs[0].location == 10);
  CHECK(none.sql == "select 1; SELECT           ");
}

TEST_CASE("period lexer: malformed periods carry a position") {
  CHECK(ErrorPosition("SELECT * FROM t SINCE TX") == 25);             // end of input
  CHECK(ErrorPosition("SELECT * FROM t SINCE TX WHERE x") == 26);     // at WHERE
  CHECK(ErrorPosition("SELECT * FROM t SINCE TX 1 AFTER TX 2") == 28);  // second start
  CHECK(ErrorPosition("SELECT * FROM t FOR SYSTEM_TIME OF TX 2") == 33);
  CHECK(ErrorPosition("SELECT * FROM (HISTORY OF t WHERE x = 1") == 29);
  CHECK(ErrorPosition("SELECT * FROM (DIFF OF f(1))") == 25);
  CHECK(ErrorPosition("USE SNAPSHOT yesterday") == 14);
  CHECK(ErrorPosition("USE SNAPSHOT SINCE TX 1 foo") == 0);  // "1 foo" is one expression here
  CHECK(ErrorPosition("SELECT * FROM (HISTORY OF t) SINCE TX 1 SINCE TX 2") == 41);
  CHECK(ErrorPosition("SELECT * FROM (DIFF OF t) SINCE TX 1 UNTIL") == 43);
  CHECK(ErrorPosition("SELECT * FROM t SINCE TX 1 UNTIL, u") == 33);
}

}  // namespace
}  // namespace immu::sql

namespace immu::sql {
namespace {

TEST_CASE("period lexer: every prefix of tricky text keeps its length or fails with 42601") {
  const std::string texts[] = {
      "SELECT * FROM (HISTORY OF \"a b\" SINCE TX $1) AS h (x, y) BEFORE now() - '1 day'::interval, "
      "(DIFF OF s.t) AFTER TX (SELECT max(id) FROM u UNTIL TX 3) WHERE x = E'\\'' -- c\n; USE SNAPSHOT NONE",
      "USE SNAPSHOT FOR SYSTEM_TIME AS OF TIMESTAMP '2024-01-01'; SELECT $tag$ FROM t SINCE $tag$ /* /* */ */",
      "SELECT 1 FROM t JOIN u UNTIL TX 1 ON (a, b) = (1, 2), LATERAL f(1) before, ONLY v AFTER U&'\\0041' ;"};
  for (const std::string& text : texts) {
    for (size_t n = 0; n <= text.size(); n++) {
      const std::string prefix = text.substr(0, n);
      CAPTURE(prefix);
      try {
        PeriodRewrite r = RewritePeriods(prefix);
        CHECK(r.sql.size() == prefix.size());
        for (const auto& ref : r.refs) {
          CHECK(ref.location >= 0);
          CHECK(ref.location < static_cast<int>(prefix.size()));
        }
      } catch (const PgError& e) {
        CHECK(e.sqlstate() == std::string("42601"));
        CHECK(e.position() >= 1);
        CHECK(e.position() <= static_cast<int>(prefix.size()) + 1);
      }
    }
  }
}

}  // namespace
}  // namespace immu::sql
