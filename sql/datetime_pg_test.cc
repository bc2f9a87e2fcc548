// Table-driven checks against outputs produced by a real PostgreSQL 15.18
// (see datetime_pg_gen.py / datetime_pg_cases.py, which regenerate the
// datetime_pg_cases_*.inc tables).

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/datetime.h"
#include "sql/datetime_format.h"

namespace immu {
namespace {

struct PgCase {
  const char* op;
  const char* tz;
  const char* a;
  const char* b;
  const char* c;
  const char* d;
  const char* expected;
};

constexpr PgCase kCases[] = {
#include "sql/datetime_pg_cases_0.inc"
#include "sql/datetime_pg_cases_1.inc"
#include "sql/datetime_pg_cases_2.inc"
};

std::vector<double> Nums(const std::string& s) {
  std::vector<double> r;
  const char* p = s.c_str();
  while (*p) {
    char* e;
    double v = strtod(p, &e);
    if (e == p) {
      p++;
      continue;
    }
    r.push_back(v);
    p = e;
  }
  return r;
}

std::string PartText(const DatePartResult& r) {
  if (r.kind == DatePartResult::Kind::kNull) return "NULL";
  return r.text;
}

std::string OptDouble(const std::optional<double>& v) {
  if (!v) return "NULL";
  if (std::isinf(*v)) return *v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  snprintf(buf, sizeof(buf), "%.17g", *v);
  return buf;
}

Interval MakeIntervalNamed(const std::string& s) {
  int v[6] = {0, 0, 0, 0, 0, 0};
  double secs = 0;
  const char* names[] = {"years", "months", "weeks", "days", "hours", "mins"};
  size_t pos = 0;
  while (pos < s.size()) {
    size_t comma = s.find(',', pos);
    std::string part = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? s.size() : comma + 1;
    size_t arrow = part.find("=>");
    if (arrow == std::string::npos) continue;
    std::string name = part.substr(0, arrow);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    double val = strtod(part.c_str() + arrow + 2, nullptr);
    if (name == "secs") secs = val;
    for (int i = 0; i < 6; i++) {
      if (name == names[i]) v[i] = static_cast<int>(val);
    }
  }
  return MakeInterval(v[0], v[1], v[2], v[3], v[4], v[5], secs);
}

std::string Eval(const PgCase& c) {
  DateTimeContext ctx;
  ctx.session_zone = TimeZone::FromSetting(c.tz);
  ctx.now = 762652800000000;  // 2024-03-03 00:00:00 UTC (unused by these cases)
  const TimeZone& z = ctx.session_zone;
  std::string op = c.op, a = c.a, b = c.b;
  auto ts = [&](const std::string& s) { return ParseTimestamp(s, ctx); };
  auto tstz = [&](const std::string& s) { return ParseTimestampTz(s, ctx); };
  auto iv = [&](const std::string& s) { return ParseInterval(s); };
  auto date = [&](const std::string& s) { return ParseDate(s, ctx); };
  auto time = [&](const std::string& s) { return ParseTime(s, ctx); };
  auto fts = [&](Timestamp t) { return FormatTimestamp(t); };
  auto ftz = [&](TimestampTz t) { return FormatTimestampTz(t, z); };
  auto optime = [&](const std::optional<TimeAdt>& t) { return t ? FormatTime(*t) : "NULL"; };
  if (op == "in_date") return FormatDate(date(a));
  if (op == "in_time") return FormatTime(time(a));
  if (op == "in_timetz") return FormatTimeTz(ParseTimeTz(a, ctx));
  if (op == "in_ts") return fts(ts(a));
  if (op == "in_tstz") return ftz(tstz(a));
  if (op == "in_iv") return FormatInterval(iv(a));
  if (op == "ts_pl_iv") return fts(TimestampPlusInterval(ts(a), iv(b)));
  if (op == "ts_mi_iv") return fts(TimestampMinusInterval(ts(a), iv(b)));
  if (op == "tstz_pl_iv") return ftz(TimestampTzPlusInterval(tstz(a), iv(b), z));
  if (op == "tstz_mi_iv") return ftz(TimestampTzMinusInterval(tstz(a), iv(b), z));
  if (op == "ts_mi_ts") return FormatInterval(TimestampMinus(ts(a), ts(b)));
  if (op == "tstz_mi_tstz") return FormatInterval(TimestampMinus(tstz(a), tstz(b)));
  if (op == "date_pl_int") return FormatDate(DatePlusDays(date(a), std::stoi(b)));
  if (op == "date_mi_date") return std::to_string(DateMinusDate(date(a), date(b)));
  if (op == "date_pl_iv") return fts(TimestampPlusInterval(DateToTimestamp(date(a)), iv(b)));
  if (op == "date_pl_time") return fts(DatePlusTime(date(a), time(b)));
  if (op == "time_pl_iv") return FormatTime(TimePlusInterval(time(a), iv(b)));
  if (op == "time_mi_time") return FormatInterval(TimeMinusTime(time(a), time(b)));
  if (op == "iv_pl_iv") return FormatInterval(IntervalPlus(iv(a), iv(b)));
  if (op == "iv_mi_iv") return FormatInterval(IntervalMinus(iv(a), iv(b)));
  if (op == "iv_neg") return FormatInterval(IntervalNegate(iv(a)));
  if (op == "iv_mul") return FormatInterval(IntervalMul(iv(a), strtod(b.c_str(), nullptr)));
  if (op == "iv_div") return FormatInterval(IntervalDiv(iv(a), strtod(b.c_str(), nullptr)));
  if (op == "iv_cmp") return std::to_string(CompareInterval(iv(a), iv(b)));
  if (op == "justify_days") return FormatInterval(JustifyDays(iv(a)));
  if (op == "justify_hours") return FormatInterval(JustifyHours(iv(a)));
  if (op == "justify_interval") return FormatInterval(JustifyInterval(iv(a)));
  if (op == "age_ts") return FormatInterval(Age(ts(a), ts(b)));
  if (op == "age_tstz") return FormatInterval(AgeTz(tstz(a), tstz(b), z));
  if (op == "date_tstz") return ftz(DateToTimestampTz(date(a), z));
  if (op == "tstz_date") return FormatDate(TimestampTzToDate(tstz(a), z));
  if (op == "ts_tstz") return ftz(TimestampToTimestampTz(ts(a), z));
  if (op == "tstz_ts") return fts(TimestampTzToTimestamp(tstz(a), z));
  if (op == "tstz_time") return optime(TimestampTzToTime(tstz(a), z));
  if (op == "ts_date") return FormatDate(TimestampToDate(ts(a)));
  if (op == "trunc_ts") return fts(DateTruncTimestamp(a, ts(b)));
  if (op == "trunc_tstz") return ftz(DateTruncTimestampTz(a, tstz(b), z));
  if (op == "trunc_iv") return FormatInterval(DateTruncInterval(a, iv(b)));
  if (op == "extract_ts") return PartText(ExtractTimestamp(a, ts(b)));
  if (op == "extract_tstz") return PartText(ExtractTimestampTz(a, tstz(b), z));
  if (op == "extract_date") return PartText(ExtractDate(a, date(b)));
  if (op == "extract_time") return PartText(ExtractTime(a, time(b)));
  if (op == "extract_timetz") return PartText(ExtractTimeTz(a, ParseTimeTz(b, ctx)));
  if (op == "extract_iv") return PartText(ExtractInterval(a, iv(b)));
  if (op == "part_ts") return OptDouble(DatePartTimestamp(a, ts(b)));
  if (op == "part_tstz") return OptDouble(DatePartTimestampTz(a, tstz(b), z));
  if (op == "part_iv") return OptDouble(DatePartInterval(a, iv(b)));
  if (op == "make_date") {
    auto n = Nums(a);
    return FormatDate(MakeDate(int(n[0]), int(n[1]), int(n[2])));
  }
  if (op == "make_time") {
    auto n = Nums(a);
    return FormatTime(MakeTime(int(n[0]), int(n[1]), n[2]));
  }
  if (op == "make_ts" || op == "make_tstz" || op == "make_tstz_at") {
    auto n = Nums(a);
    if (op == "make_ts") return fts(MakeTimestamp(int(n[0]), int(n[1]), int(n[2]), int(n[3]), int(n[4]), n[5]));
    if (op == "make_tstz") {
      return ftz(MakeTimestampTz(int(n[0]), int(n[1]), int(n[2]), int(n[3]), int(n[4]), n[5], z));
    }
    return ftz(MakeTimestampTz(int(n[0]), int(n[1]), int(n[2]), int(n[3]), int(n[4]), n[5], b));
  }
  if (op == "make_iv") return FormatInterval(MakeIntervalNamed(a));
  if (op == "to_ts_d") {
    std::string v = a;
    if (v.front() == '\'') v = v.substr(1, v.size() - 2);
    return ftz(ToTimestamp(strtod(v.c_str(), nullptr)));
  }
  if (op == "tstz_at") return fts(TimestampTzAtZone(tstz(a), b));
  if (op == "ts_at") return ftz(TimestampAtZone(ts(a), b));
  if (op == "tstz_at_iv") return fts(TimestampTzAtZone(tstz(a), iv(b)));
  if (op == "ts_at_iv") return ftz(TimestampAtZone(ts(a), iv(b)));
  if (op == "to_char_ts") return ToChar(ts(a), nullptr, b).value_or("NULL");
  if (op == "to_char_tstz") return ToChar(tstz(a), &z, b).value_or("NULL");
  if (op == "to_char_iv") return ToCharInterval(iv(a), b);
  if (op == "to_date") return FormatDate(ToDate(a, b, ctx));
  if (op == "to_ts_fmt") return ftz(ToTimestampFormat(a, b, ctx));
  if (op == "overlaps") return Overlaps(ts(a), ts(b), ts(c.c), ts(c.d)) ? "true" : "false";
  if (op == "isfinite_ts") return IsFiniteTimestamp(ts(a)) ? "true" : "false";
  return "unknown op " + op;
}

bool Matches(const PgCase& c, const std::string& got) {
  if (got == c.expected) return true;
  std::string op = c.op;
  if (op.rfind("part_", 0) == 0) {
    char* e;
    double want = strtod(c.expected, &e);
    if (*e == '\0' && got != "NULL") return strtod(got.c_str(), nullptr) == want;
  }
  return false;
}

TEST_SUITE("datetime") {
TEST_CASE("datetime: PostgreSQL 15 cross-check table") {
  int failed = 0;
  for (const PgCase& c : kCases) {
    std::string got;
    try {
      got = Eval(c);
    } catch (const PgError& e) {
      got = "ERROR " + e.sqlstate() + " " + e.message();
    }
    if (!Matches(c, got)) {
      failed++;
      std::string msg = std::string(c.op) + " tz=" + c.tz + " [" + c.a + "] [" + c.b + "] [" + c.c +
                        "] [" + c.d + "]\n   want: " + c.expected + "\n    got: " + got;
      MESSAGE(msg);
    }
  }
  MESSAGE("checked " << sizeof(kCases) / sizeof(kCases[0]) << " PostgreSQL cases");
  CHECK(failed == 0);
}
}

}  // namespace
}  // namespace immu
