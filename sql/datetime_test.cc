// Unit tests of sql/datetime*: inputs that depend on the transaction
// timestamp, binary formats, keys and hashing. The large PostgreSQL
// cross-check table lives in datetime_pg_test.cc.

#include "sql/datetime.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/datetime_format.h"

namespace immu {
namespace {

DateTimeContext Ctx(const char* zone) {
  DateTimeContext ctx;
  ctx.session_zone = TimeZone::FromSetting(zone);
  // 2024-03-05 23:30:00.25 UTC
  ctx.now = ParseTimestampTz("2024-03-05 23:30:00.25+00", ctx);
  return ctx;
}

TEST_SUITE("datetime") {
TEST_CASE("datetime: now/today/tomorrow/yesterday use the transaction timestamp") {
  DateTimeContext utc = Ctx("UTC");
  CHECK(FormatTimestampTz(ParseTimestampTz("now", utc), utc.session_zone) ==
        "2024-03-05 23:30:00.25+00");
  CHECK(FormatDate(ParseDate("today", utc)) == "2024-03-05");
  CHECK(FormatDate(ParseDate("tomorrow", utc)) == "2024-03-06");
  CHECK(FormatDate(ParseDate("yesterday", utc)) == "2024-03-04");
  CHECK(FormatTime(ParseTime("now", utc)) == "23:30:00.25");
  // In Rome it is already the next day.
  DateTimeContext rome = Ctx("Europe/Rome");
  CHECK(FormatDate(ParseDate("today", rome)) == "2024-03-06");
  CHECK(FormatTimestamp(ParseTimestamp("now", rome)) == "2024-03-06 00:30:00.25");
  CHECK(FormatTimestampTz(ParseTimestampTz("today", rome), rome.session_zone) ==
        "2024-03-06 00:00:00+01");
  CHECK(FormatTimestamp(ParseTimestamp("tomorrow", rome)) == "2024-03-07 00:00:00");
  CHECK(FormatInterval(AgeFromNow(ParseTimestamp("2023-01-01", rome), rome)) ==
        "1 year 2 mons 5 days");
  CHECK(FormatInterval(AgeTzFromNow(ParseTimestampTz("2024-03-05 00:00+01", rome), rome)) ==
        "1 day");
}

TEST_CASE("datetime: binary wire formats round trip") {
  DateTimeContext ctx = Ctx("UTC");
  std::string b;
  AppendDateBinary(&b, ParseDate("2024-03-05", ctx));
  CHECK(b == std::string("\x00\x00\x22\x7e", 4));  // 8830 days
  CHECK(FormatDate(DecodeDateBinary(b)) == "2024-03-05");
  b.clear();
  AppendTimestampBinary(&b, ParseTimestamp("2000-01-01 00:00:01", ctx));
  CHECK(b == std::string("\x00\x00\x00\x00\x00\x0f\x42\x40", 8));
  CHECK(DecodeTimestampBinary(b) == 1000000);
  b.clear();
  Interval iv = ParseInterval("1 year 2 mons 3 days 04:05:06.5");
  AppendIntervalBinary(&b, iv);
  REQUIRE(b.size() == 16);
  Interval back = DecodeIntervalBinary(b);
  CHECK(back.time == iv.time);
  CHECK(back.day == 3);
  CHECK(back.month == 14);
  b.clear();
  AppendTimeBinary(&b, ParseTime("14:30", ctx));
  CHECK(FormatTime(DecodeTimeBinary(b)) == "14:30:00");
  b.clear();
  AppendTimeTzBinary(&b, ParseTimeTz("14:30+02", ctx));
  CHECK(FormatTimeTz(DecodeTimeTzBinary(b)) == "14:30:00+02");
  CHECK_THROWS_AS(DecodeDateBinary("abc"), PgError);
  CHECK(FormatTimestamp(DecodeTimestampBinary(std::string("\x7f\xff\xff\xff\xff\xff\xff\xff", 8))) ==
        "infinity");
}

TEST_CASE("datetime: interval keys and hashes follow PostgreSQL equality") {
  std::vector<std::string> in = {"-1 year", "-1 day", "-00:00:01", "0", "00:00:00.000001",
                                 "1 day",   "25 hours", "29 days", "1 mon", "31 days", "1 year"};
  std::vector<std::string> keys;
  for (const auto& s : in) {
    std::string k;
    AppendIntervalKey(&k, ParseInterval(s));
    keys.push_back(k);
  }
  for (size_t i = 1; i < keys.size(); i++) CHECK(keys[i - 1] < keys[i]);
  std::string a, b;
  AppendIntervalKey(&a, ParseInterval("1 mon"));
  AppendIntervalKey(&b, ParseInterval("30 days"));
  CHECK(a == b);
  CHECK(HashInterval(ParseInterval("1 mon")) == HashInterval(ParseInterval("30 days")));
  CHECK(HashInterval(ParseInterval("1 day")) == HashInterval(ParseInterval("24:00:00")));
  CHECK(IntervalEquals(ParseInterval("1 day"), ParseInterval("24 hours")));
  std::string d1, d2, t1, t2;
  AppendDateKey(&d1, kDateNoBegin);
  AppendDateKey(&d2, -1);
  CHECK(d1 < d2);
  AppendInt64Key(&t1, -5);
  AppendInt64Key(&t2, 3);
  CHECK(t1 < t2);
}

TEST_CASE("datetime: time zone settings") {
  CHECK(TimeZone::FromSetting("europe/rome").name() == "Europe/Rome");
  CHECK_THROWS_AS(TimeZone::FromSetting("Foo"), PgError);
  int32_t east = 0;
  CHECK(TimeZone::FromSetting("UTC+3").IsFixed(&east));
  CHECK(east == -3 * 3600);
  CHECK(TimeZone::FromSetting("5").IsFixed(&east));
  CHECK(east == 5 * 3600);
  TimeZone ny = TimeZone::FromSetting("America/New_York");
  // Far past the TZif transitions: the footer rule applies.
  DateTimeContext ctx;
  ctx.session_zone = ny;
  CHECK(FormatTimestampTz(ParseTimestampTz("2300-07-01 12:00+00", ctx), ny) ==
        "2300-07-01 08:00:00-04");
  CHECK(FormatTimestampTz(ParseTimestampTz("2300-01-01 12:00+00", ctx), ny) ==
        "2300-01-01 07:00:00-05");
  CHECK(ToChar(ParseTimestampTz("2024-07-01 12:00+00", ctx), &ny, "TZ OF").value() == "EDT -04");
}

TEST_CASE("datetime: extract numeric text and date_part double") {
  DateTimeContext ctx = Ctx("UTC");
  Timestamp t = ParseTimestamp("2024-03-05 14:37:42.123456", ctx);
  CHECK(ExtractTimestamp("second", t).text == "42.123456");
  CHECK(ExtractTimestamp("epoch", t).text == "1709649462.123456");
  CHECK(DatePartTimestamp("second", t).value() == doctest::Approx(42.123456));
  CHECK(ExtractTimestamp("month", ParseTimestamp("infinity", ctx)).kind ==
        DatePartResult::Kind::kNull);
  CHECK(!DatePartTimestamp("month", ParseTimestamp("infinity", ctx)).has_value());
  CHECK(Overlaps(ParseTimestamp("2024-01-01", ctx), ParseTimestamp("2024-02-01", ctx),
                 ParseTimestamp("2024-01-15", ctx), ParseTimestamp("2024-03-01", ctx)));
}

TEST_CASE("datetime: IntervalStyle postgres_verbose matches PostgreSQL 15") {
  // Expected texts from PostgreSQL 15 with SET intervalstyle = postgres_verbose.
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"1 day 2 hours 3 minutes 4.5 seconds", "@ 1 day 2 hours 3 mins 4.5 secs"},
      {"-1 day +02:03:00", "@ 1 day -2 hours -3 mins ago"},
      {"0", "@ 0"},
      {"-1.5 seconds", "@ 1.5 secs ago"},
      {"1 year 2 months", "@ 1 year 2 mons"},
      {"1 second", "@ 1 sec"},
      {"-1 years -2 mons +3 days -00:00:01", "@ 1 year 2 mons -3 days 1 sec ago"},
      {"1 day -0.5 seconds", "@ 1 day -0.5 secs"},
  };
  for (const auto& [in, want] : cases) {
    CAPTURE(in);
    CHECK(FormatIntervalVerbose(ParseInterval(in)) == want);
  }
}
}

}  // namespace
}  // namespace immu
