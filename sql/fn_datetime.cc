// Date/time functions of PostgreSQL 15 over the datetime library
// (sql/datetime.h, sql/datetime_format.h): extract/date_part, date_trunc,
// date_bin, age, make_*, justify_*, to_char/to_date/to_timestamp,
// timezone() (AT TIME ZONE), isfinite, overlaps, clock_timestamp and
// timeofday. Zone-dependent ones use the session TimeZone.

#include <chrono>

#include "catalog/pg_error.h"
#include "sql/datetime_format.h"
#include "sql/datetime_internal.h"
#include "sql/fn_library.h"

namespace immu::sql {

namespace {

using Args = std::span<const Value>;

const TimeZone& Zone(EvalContext& ctx) { return ctx.vc.dt.session_zone; }
int32_t I32(const Value& v) { return static_cast<int32_t>(v.i); }

// ---- extract / date_part ----------------------------------------------------------
Value ExtractResult(const DatePartResult& r) {
  switch (r.kind) {
    case DatePartResult::Kind::kNull: return Value::Null(oid::kNumeric);
    case DatePartResult::Kind::kPosInfinity: return Value::Num(Numeric::Infinity());
    case DatePartResult::Kind::kNegInfinity: return Value::Num(Numeric::NegativeInfinity());
    case DatePartResult::Kind::kFinite: break;
  }
  return Value::Num(Numeric::Parse(r.text));
}
Value Extract(Args a, EvalContext& ctx) {
  const std::string& f = a[0].s;
  switch (a[1].type) {
    case oid::kTimestamp: return ExtractResult(ExtractTimestamp(f, a[1].i));
    case oid::kTimestampTz: return ExtractResult(ExtractTimestampTz(f, a[1].i, Zone(ctx)));
    case oid::kDate: return ExtractResult(ExtractDate(f, I32(a[1])));
    case oid::kTime: return ExtractResult(ExtractTime(f, a[1].i));
    default: return ExtractResult(ExtractInterval(f, a[1].iv));
  }
}
Value DatePart(Args a, EvalContext& ctx) {
  const std::string& f = a[0].s;
  std::optional<double> r;
  switch (a[1].type) {
    case oid::kTimestamp: r = DatePartTimestamp(f, a[1].i); break;
    case oid::kTimestampTz: r = DatePartTimestampTz(f, a[1].i, Zone(ctx)); break;
    case oid::kDate: r = DatePartTimestamp(f, DateToTimestamp(I32(a[1]))); break;
    case oid::kTime: r = DatePartTime(f, a[1].i); break;
    default: r = DatePartInterval(f, a[1].iv); break;
  }
  return r ? Value::Float(oid::kFloat8, *r) : Value::Null(oid::kFloat8);
}

// ---- date_trunc / date_bin ----------------------------------------------------------
Value DateTrunc(Args a, EvalContext& ctx) {
  switch (a[1].type) {
    case oid::kTimestamp: return Value::Int(oid::kTimestamp, DateTruncTimestamp(a[0].s, a[1].i));
    case oid::kTimestampTz: {
      if (a.size() > 2) {
        // The zone is resolved as for AT TIME ZONE (names, abbreviations, POSIX).
        bool fixed = false;
        int32_t east = 0;
        TimeZone zone = TimeZone::Utc();
        ResolveZoneForAt(a[2].s, &fixed, &east, &zone);
        if (fixed) zone = TimeZone::FixedOffset(east);
        return Value::Int(oid::kTimestampTz, DateTruncTimestampTz(a[0].s, a[1].i, zone));
      }
      return Value::Int(oid::kTimestampTz, DateTruncTimestampTz(a[0].s, a[1].i, Zone(ctx)));
    }
    default: return Value::Iv(DateTruncInterval(a[0].s, a[1].iv));
  }
}

// date_bin(stride, source, origin): source rounded down to origin + k * stride.
Value DateBin(Args a, EvalContext&) {
  const Interval& stride = a[0].iv;
  const int64_t t = a[1].i, origin = a[2].i;
  if (!TimestampIsFinite(t)) return a[1];
  if (!TimestampIsFinite(origin)) throw PgError(sqlstate::kDatetimeFieldOverflow, "origin out of range");
  if (stride.month != 0) {
    throw PgError(sqlstate::kFeatureNotSupported, "timestamps cannot be binned into intervals containing months or years");
  }
  __int128 stride_us = static_cast<__int128>(stride.day) * kUsecsPerDay + stride.time;
  if (stride_us > INT64_MAX || stride_us < INT64_MIN) ThrowIntervalOutOfRange();
  if (stride_us <= 0) throw PgError(sqlstate::kDatetimeFieldOverflow, "stride must be greater than zero");
  const __int128 diff = static_cast<__int128>(t) - origin;
  if (diff > INT64_MAX || diff < INT64_MIN) ThrowIntervalOutOfRange();
  const __int128 delta = diff - diff % stride_us;
  return Value::Int(a[1].type, static_cast<int64_t>(origin + delta));
}

// ---- age / justify ------------------------------------------------------------------
Value Age2(Args a, EvalContext& ctx) {
  if (a[0].type == oid::kTimestampTz) return Value::Iv(AgeTz(a[0].i, a[1].i, Zone(ctx)));
  return Value::Iv(Age(a[0].i, a[1].i));
}
Value Age1(Args a, EvalContext& ctx) {
  if (a[0].type == oid::kTimestampTz) return Value::Iv(AgeTzFromNow(a[0].i, ctx.vc.dt));
  return Value::Iv(AgeFromNow(a[0].i, ctx.vc.dt));
}
Value JustifyDaysFn(Args a, EvalContext&) { return Value::Iv(JustifyDays(a[0].iv)); }
Value JustifyHoursFn(Args a, EvalContext&) { return Value::Iv(JustifyHours(a[0].iv)); }
Value JustifyIntervalFn(Args a, EvalContext&) { return Value::Iv(JustifyInterval(a[0].iv)); }

// ---- constructors -------------------------------------------------------------------
Value MakeDateFn(Args a, EvalContext&) { return Value::Int(oid::kDate, MakeDate(I32(a[0]), I32(a[1]), I32(a[2]))); }
Value MakeTimeFn(Args a, EvalContext&) { return Value::Int(oid::kTime, MakeTime(I32(a[0]), I32(a[1]), a[2].f)); }
Value MakeTimestampFn(Args a, EvalContext&) {
  return Value::Int(oid::kTimestamp, MakeTimestamp(I32(a[0]), I32(a[1]), I32(a[2]), I32(a[3]), I32(a[4]), a[5].f));
}
Value MakeTimestampTzFn(Args a, EvalContext& ctx) {
  if (a.size() > 6) {
    return Value::Int(oid::kTimestampTz,
                      MakeTimestampTz(I32(a[0]), I32(a[1]), I32(a[2]), I32(a[3]), I32(a[4]), a[5].f, a[6].s));
  }
  return Value::Int(oid::kTimestampTz,
                    MakeTimestampTz(I32(a[0]), I32(a[1]), I32(a[2]), I32(a[3]), I32(a[4]), a[5].f, Zone(ctx)));
}
// make_interval(years, months, weeks, days, hours, mins, secs), trailing
// arguments defaulting to 0.
Value MakeIntervalFn(Args a, EvalContext&) {
  int32_t v[6] = {0, 0, 0, 0, 0, 0};
  for (size_t i = 0; i < a.size() && i < 6; i++) v[i] = I32(a[i]);
  const double secs = a.size() > 6 ? a[6].f : 0.0;
  return Value::Iv(MakeInterval(v[0], v[1], v[2], v[3], v[4], v[5], secs));
}

// ---- formatting ---------------------------------------------------------------------
Value ToCharFn(Args a, EvalContext& ctx) {
  if (a[0].type == oid::kInterval) return Value::Str(oid::kText, ToCharInterval(a[0].iv, a[1].s));
  const auto r = ToChar(a[0].i, a[0].type == oid::kTimestampTz ? &Zone(ctx) : nullptr, a[1].s);
  return r ? Value::Str(oid::kText, *r) : Value::Null(oid::kText);
}
Value ToDateFn(Args a, EvalContext& ctx) { return Value::Int(oid::kDate, ToDate(a[0].s, a[1].s, ctx.vc.dt)); }
Value ToTimestampFmt(Args a, EvalContext& ctx) {
  return Value::Int(oid::kTimestampTz, ToTimestampFormat(a[0].s, a[1].s, ctx.vc.dt));
}
Value ToTimestampEpoch(Args a, EvalContext&) { return Value::Int(oid::kTimestampTz, ToTimestamp(a[0].f)); }

// ---- AT TIME ZONE -------------------------------------------------------------------
Value TimezoneFn(Args a, EvalContext&) {
  const bool named = a[0].type != oid::kInterval;
  if (a[1].type == oid::kTimestampTz) {
    return Value::Int(oid::kTimestamp, named ? TimestampTzAtZone(a[1].i, a[0].s) : TimestampTzAtZone(a[1].i, a[0].iv));
  }
  return Value::Int(oid::kTimestampTz, named ? TimestampAtZone(a[1].i, a[0].s) : TimestampAtZone(a[1].i, a[0].iv));
}

// ---- misc ---------------------------------------------------------------------------
Value IsFiniteFn(Args a, EvalContext&) {
  switch (a[0].type) {
    case oid::kDate: return Value::Bool(IsFiniteDate(I32(a[0])));
    case oid::kInterval: return Value::Bool(IsFiniteInterval(a[0].iv));
    default: return Value::Bool(IsFiniteTimestamp(a[0].i));
  }
}
// (start, end-or-length) OVERLAPS (start, end-or-length): an interval
// second member is a length added to the start.
Value OverlapsFn(Args a, EvalContext& ctx) {
  auto end = [&](const Value& start, const Value& e) {
    if (e.type != oid::kInterval) return e.i;
    return start.type == oid::kTimestampTz ? TimestampTzPlusInterval(start.i, e.iv, Zone(ctx))
                                           : TimestampPlusInterval(start.i, e.iv);
  };
  return Value::Bool(Overlaps(a[0].i, end(a[0], a[1]), a[2].i, end(a[2], a[3])));
}

// Function-style casts between the date/time types (timestamp(date),
// date(timestamptz), ...), in the session zone where one is needed.
Value ToTimestampType(Args a, EvalContext& ctx) {
  if (a[0].type == oid::kDate) return Value::Int(oid::kTimestamp, DateToTimestamp(I32(a[0])));
  return Value::Int(oid::kTimestamp, TimestampTzToTimestamp(a[0].i, Zone(ctx)));
}
Value ToTimestampTzType(Args a, EvalContext& ctx) {
  if (a[0].type == oid::kDate) return Value::Int(oid::kTimestampTz, DateToTimestampTz(I32(a[0]), Zone(ctx)));
  return Value::Int(oid::kTimestampTz, TimestampToTimestampTz(a[0].i, Zone(ctx)));
}
Value ToDateType(Args a, EvalContext& ctx) {
  if (a[0].type == oid::kTimestamp) return Value::Int(oid::kDate, TimestampToDate(a[0].i));
  return Value::Int(oid::kDate, TimestampTzToDate(a[0].i, Zone(ctx)));
}
Value ToTimeType(Args a, EvalContext& ctx) {
  const auto t = a[0].type == oid::kTimestamp ? TimestampToTime(a[0].i) : TimestampTzToTime(a[0].i, Zone(ctx));
  return t ? Value::Int(oid::kTime, *t) : Value::Null(oid::kTime);
}

// pg_sleep_for(interval) / pg_sleep_until(timestamptz) through pg_sleep.
Value SleepSeconds(double secs, EvalContext& ctx) {
  static const ScalarFn sleep = ResolveFunction("pg_sleep", std::vector<uint32_t>{oid::kFloat8}).fn;
  const Value v = Value::Float(oid::kFloat8, secs);
  return sleep(std::span<const Value>(&v, 1), ctx);
}
Value SleepFor(Args a, EvalContext& ctx) { return SleepSeconds(DatePartInterval("epoch", a[0].iv).value_or(0), ctx); }

Value ClockTimestamp(Args, EvalContext&) { return Value::Int(oid::kTimestampTz, WallClockNow()); }
Value SleepUntil(Args a, EvalContext& ctx) {
  return SleepSeconds(static_cast<double>(a[0].i - WallClockNow()) / kUsecsPerSec, ctx);
}
// timeofday(): the wall clock as text, "Wed Nov 25 16:40:30.123456 2026 UTC".
Value TimeOfDay(Args, EvalContext& ctx) {
  return Value::Str(oid::kText, ToChar(WallClockNow(), &Zone(ctx), "Dy Mon DD HH24:MI:SS.US YYYY TZ").value_or(""));
}

bool IsTs(uint32_t t) { return t == oid::kTimestamp || t == oid::kTimestampTz; }
// The timestamp variant for an argument: date and unknown take
// timestamptz, PostgreSQL's preferred type of the category.
uint32_t TsArg(uint32_t t) { return t == oid::kTimestamp ? t : oid::kTimestampTz; }
bool TsLike(uint32_t t) { return IsTs(t) || t == oid::kDate || t == oid::kUnknown; }
bool IntLike(uint32_t t) { return t == oid::kInt2 || t == oid::kInt4 || t == oid::kUnknown; }
bool NumLike(uint32_t t) { return IsNumericCategory(t) || t == oid::kUnknown; }

}  // namespace

bool ResolveDateTimeFunction(std::string_view name, std::span<const uint32_t> t, ResolvedFn* out) {
  using namespace oid;
  const size_t n = t.size();
  auto set = [&](ScalarFn fn, uint32_t result, std::vector<uint32_t> args) {
    *out = {fn, result, std::move(args)};
    return true;
  };
  if ((name == "extract" || name == "date_part") && n == 2 && IsStringCategory(t[0])) {
    const uint32_t x = t[1] == kDate || t[1] == kTime || t[1] == kInterval ? t[1] : TsArg(t[1]);
    if (!(TsLike(t[1]) || t[1] == kTime || t[1] == kInterval)) return false;
    return name == "extract" ? set(Extract, kNumeric, {kText, x}) : set(DatePart, kFloat8, {kText, x});
  }
  if (name == "date_trunc" && (n == 2 || n == 3) && IsStringCategory(t[0])) {
    if (t[1] == kInterval && n == 2) return set(DateTrunc, kInterval, {kText, kInterval});
    if (!TsLike(t[1])) return false;
    const uint32_t x = n == 3 ? kTimestampTz : TsArg(t[1]);
    return n == 3 ? set(DateTrunc, x, {kText, x, kText}) : set(DateTrunc, x, {kText, x});
  }
  if (name == "date_bin" && n == 3 && (t[0] == kInterval || t[0] == kUnknown) && TsLike(t[1]) && TsLike(t[2])) {
    const uint32_t x = t[1] == kTimestamp && t[2] != kTimestampTz ? kTimestamp : kTimestampTz;
    return set(DateBin, x, {kInterval, x, x});
  }
  if (name == "age" && n == 1 && TsLike(t[0])) return set(Age1, kInterval, {TsArg(t[0])});
  if (name == "age" && n == 2 && TsLike(t[0]) && TsLike(t[1])) {
    const uint32_t x = t[0] == kTimestamp && t[1] != kTimestampTz ? kTimestamp : kTimestampTz;
    return set(Age2, kInterval, {x, x});
  }
  if (n == 1 && (t[0] == kInterval || t[0] == kUnknown)) {
    if (name == "justify_days") return set(JustifyDaysFn, kInterval, {kInterval});
    if (name == "justify_hours") return set(JustifyHoursFn, kInterval, {kInterval});
    if (name == "justify_interval") return set(JustifyIntervalFn, kInterval, {kInterval});
  }
  if (name == "make_date" && n == 3 && IntLike(t[0]) && IntLike(t[1]) && IntLike(t[2])) {
    return set(MakeDateFn, kDate, {kInt4, kInt4, kInt4});
  }
  if (name == "make_time" && n == 3 && IntLike(t[0]) && IntLike(t[1]) && NumLike(t[2])) {
    return set(MakeTimeFn, kTime, {kInt4, kInt4, kFloat8});
  }
  if ((name == "make_timestamp" && n == 6) || (name == "make_timestamptz" && (n == 6 || n == 7))) {
    for (size_t i = 0; i < 5; i++) {
      if (!IntLike(t[i])) return false;
    }
    if (!NumLike(t[5]) || (n == 7 && !IsStringCategory(t[6]))) return false;
    std::vector<uint32_t> args = {kInt4, kInt4, kInt4, kInt4, kInt4, kFloat8};
    if (n == 7) args.push_back(kText);
    return name == "make_timestamp" ? set(MakeTimestampFn, kTimestamp, args) : set(MakeTimestampTzFn, kTimestampTz, args);
  }
  if (name == "make_interval" && n <= 7) {
    std::vector<uint32_t> args(n, kInt4);
    for (size_t i = 0; i < n; i++) {
      if (i == 6 ? !NumLike(t[i]) : !IntLike(t[i])) return false;
    }
    if (n == 7) args[6] = kFloat8;
    return set(MakeIntervalFn, kInterval, std::move(args));
  }
  if (name == "to_char" && n == 2 && IsStringCategory(t[1]) && (IsTs(t[0]) || t[0] == kDate || t[0] == kInterval)) {
    const uint32_t x = t[0] == kInterval ? kInterval : TsArg(t[0]);
    return set(ToCharFn, kText, {x, kText});
  }
  if (name == "to_date" && n == 2 && IsStringCategory(t[0]) && IsStringCategory(t[1])) {
    return set(ToDateFn, kDate, {kText, kText});
  }
  if (name == "to_timestamp" && n == 2 && IsStringCategory(t[0]) && IsStringCategory(t[1])) {
    return set(ToTimestampFmt, kTimestampTz, {kText, kText});
  }
  if (name == "to_timestamp" && n == 1 && NumLike(t[0])) return set(ToTimestampEpoch, kTimestampTz, {kFloat8});
  if (name == "timezone" && n == 2 && (IsStringCategory(t[0]) || t[0] == kInterval) && TsLike(t[1])) {
    const uint32_t x = TsArg(t[1]);
    return set(TimezoneFn, x == kTimestampTz ? kTimestamp : kTimestampTz, {t[0] == kInterval ? kInterval : kText, x});
  }
  if (name == "isfinite" && n == 1 && (TsLike(t[0]) || t[0] == kInterval)) {
    const uint32_t x = t[0] == kDate || t[0] == kInterval ? t[0] : TsArg(t[0]);
    return set(IsFiniteFn, kBool, {x});
  }
  if (name == "overlaps" && n == 4) {
    bool tz = false;
    for (size_t i = 0; i < 4; i++) {
      if (!TsLike(t[i]) && !(i % 2 == 1 && t[i] == kInterval)) return false;
      tz = tz || t[i] == kTimestampTz;
    }
    const uint32_t x = tz ? kTimestampTz : kTimestamp;
    return set(OverlapsFn, kBool, {x, t[1] == kInterval ? kInterval : x, x, t[3] == kInterval ? kInterval : x});
  }
  if (n == 1 && (name == "timestamp" || name == "timestamptz" || name == "date" || name == "time")) {
    const bool tz_in = t[0] == kTimestampTz || t[0] == kUnknown;
    if (name == "timestamp" && (t[0] == kDate || t[0] == kTimestampTz)) return set(ToTimestampType, kTimestamp, {t[0]});
    if (name == "timestamptz" && (t[0] == kDate || t[0] == kTimestamp)) return set(ToTimestampTzType, kTimestampTz, {t[0]});
    if (name == "date" && (t[0] == kTimestamp || tz_in)) return set(ToDateType, kDate, {tz_in ? kTimestampTz : t[0]});
    if (name == "time" && IsTs(t[0])) return set(ToTimeType, kTime, {t[0]});
  }
  if (name == "pg_sleep_for" && n == 1 && (t[0] == kInterval || t[0] == kUnknown)) return set(SleepFor, kVoid, {kInterval});
  if (name == "pg_sleep_until" && n == 1 && TsLike(t[0])) return set(SleepUntil, kVoid, {kTimestampTz});
  if (name == "clock_timestamp" && n == 0) return set(ClockTimestamp, kTimestampTz, {});
  if (name == "timeofday" && n == 0) return set(TimeOfDay, kText, {});
  return false;
}

std::vector<std::unique_ptr<Expr>> ArrangeNamedArgs(std::string_view name, std::vector<std::unique_ptr<Expr>> args,
                                                    const std::vector<std::string>& names) {
  struct Params {
    const char* fn;
    std::vector<const char*> names;
    size_t required;  // the first `required` parameters have no default
  };
  static const Params kParams[] = {
      {"make_interval", {"years", "months", "weeks", "days", "hours", "mins", "secs"}, 0},
      {"make_date", {"year", "month", "day"}, 3},
      {"make_time", {"hour", "min", "sec"}, 3},
      {"make_timestamp", {"year", "month", "mday", "hour", "min", "sec"}, 6},
      {"make_timestamptz", {"year", "month", "mday", "hour", "min", "sec", "timezone"}, 6},
  };
  std::string sig = std::string(name) + "(";  // before the arguments move
  for (size_t i = 0; i < args.size(); i++) {
    sig += (i ? ", " : "") + (names[i].empty() ? "" : names[i] + " => ") + FormatType(args[i]->type, -1);
  }
  auto fail = [&]() -> std::vector<std::unique_ptr<Expr>> {
    throw PgError(sqlstate::kUndefinedFunction, "function " + sig + ") does not exist", "",
                  "No function matches the given name and argument types. You might need to add explicit type casts.");
  };
  const Params* p = nullptr;
  for (const Params& x : kParams) {
    if (name == x.fn) p = &x;
  }
  if (p == nullptr || args.size() > p->names.size()) return fail();
  std::vector<std::unique_ptr<Expr>> out(p->names.size());
  for (size_t i = 0; i < args.size(); i++) {
    size_t at = i;
    if (!names[i].empty()) {
      at = p->names.size();
      for (size_t k = 0; k < p->names.size(); k++) {
        if (names[i] == p->names[k]) at = k;
      }
    }
    if (at >= out.size() || out[at] != nullptr) return fail();
    out[at] = std::move(args[i]);
  }
  // Parameters after the last given one are dropped when they have defaults
  // (the resolvers accept the shorter calls); gaps get the default 0.
  size_t used = out.size();
  while (used > p->required && out[used - 1] == nullptr) used--;
  out.resize(used);
  for (size_t k = 0; k < out.size(); k++) {
    if (out[k] != nullptr) continue;
    if (k < p->required) return fail();
    out[k] = Expr::Const(name == "make_interval" && k == 6 ? Value::Float(oid::kFloat8, 0) : Value::Int(oid::kInt4, 0));
  }
  return out;
}

}  // namespace immu::sql
