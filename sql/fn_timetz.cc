// time with time zone operators and functions (PostgreSQL 15): timetz +/-
// interval, date + timetz, AT TIME ZONE on timetz, extract/date_part, and
// the time-of-day operators on plain time (time +/- interval, time - time,
// date + time) that share their arithmetic.

#include <string>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/datetime_internal.h"
#include "sql/fn_library.h"
#include "sql/timetz.h"
#include "sql/value_io.h"

namespace immu::sql {

namespace {

using Args = std::span<const Value>;

// Wraps microseconds into [0, 24h) as PostgreSQL's timetz arithmetic.
int64_t WrapDay(int64_t t) {
  t -= t / kUsecsPerDay * kUsecsPerDay;
  if (t < 0) t += kUsecsPerDay;
  return t;
}

Value TimeTzPlusIv(Args a, EvalContext&) {
  TimeTzAdt t = TimeTzOf(a[0]);
  t.time = WrapDay(t.time + a[1].iv.time);
  return TimeTzValue(t);
}
Value IvPlusTimeTz(Args a, EvalContext&) {
  TimeTzAdt t = TimeTzOf(a[1]);
  t.time = WrapDay(t.time + a[0].iv.time);
  return TimeTzValue(t);
}
Value TimeTzMinusIv(Args a, EvalContext&) {
  TimeTzAdt t = TimeTzOf(a[0]);
  t.time = WrapDay(t.time - a[1].iv.time);
  return TimeTzValue(t);
}
Value TimePlusIv(Args a, EvalContext&) { return Value::Int(oid::kTime, TimePlusInterval(a[0].i, a[1].iv)); }
Value IvPlusTime(Args a, EvalContext&) { return Value::Int(oid::kTime, TimePlusInterval(a[1].i, a[0].iv)); }
Value TimeMinusIv(Args a, EvalContext&) { return Value::Int(oid::kTime, TimeMinusInterval(a[0].i, a[1].iv)); }
Value TimeMinusTimeFn(Args a, EvalContext&) { return Value::Iv(TimeMinusTime(a[0].i, a[1].i)); }
Value DatePlusTimeFn(Args a, EvalContext&) {
  return Value::Int(oid::kTimestamp, DatePlusTime(static_cast<DateAdt>(a[0].i), a[1].i));
}
Value TimePlusDateFn(Args a, EvalContext&) {
  return Value::Int(oid::kTimestamp, DatePlusTime(static_cast<DateAdt>(a[1].i), a[0].i));
}
// date + timetz: that local time on that date, in the value's own zone.
Value DateTimeTz(DateAdt d, const TimeTzAdt& t) {
  if (!DateIsFinite(d)) return Value::Int(oid::kTimestampTz, d == kDateNoBegin ? kDtNoBegin : kDtNoEnd);
  const Timestamp r = DateToTimestamp(d) + t.time + int64_t{t.zone} * kUsecsPerSec;
  if (!IsValidTimestamp(r)) ThrowTimestampOutOfRange();
  return Value::Int(oid::kTimestampTz, r);
}
Value DatePlusTimeTz(Args a, EvalContext&) { return DateTimeTz(static_cast<DateAdt>(a[0].i), TimeTzOf(a[1])); }
Value TimeTzPlusDate(Args a, EvalContext&) { return DateTimeTz(static_cast<DateAdt>(a[1].i), TimeTzOf(a[0])); }

// The same local instant shifted to zone `west` (seconds west of UTC).
Value ShiftZone(const TimeTzAdt& t, int32_t west) {
  TimeTzAdt r;
  r.time = WrapDay(t.time + (int64_t{t.zone} - west) * kUsecsPerSec);
  r.zone = west;
  return TimeTzValue(r);
}
// timetz AT TIME ZONE 'name': abbreviations first, then zone names, whose
// offset is taken at the transaction start (a timetz has no date).
Value TimezoneNamed(Args a, EvalContext& ctx) {
  bool fixed = false;
  int32_t east = 0;
  TimeZone zone = TimeZone::Utc();
  ResolveZoneForAt(a[0].s, &fixed, &east, &zone);
  if (!fixed) {
    const int64_t now = ctx.vc.dt.now;
    const int64_t secs = now / kUsecsPerSec - (now % kUsecsPerSec < 0 ? 1 : 0) + kEpochDiffSecs;
    east = zone.Lookup(secs).gmtoff;
  }
  return ShiftZone(TimeTzOf(a[1]), -east);
}
Value TimezoneInterval(Args a, EvalContext& ctx) {
  const Interval& iv = a[0].iv;
  if (iv.month != 0 || iv.day != 0) {
    throw PgError(sqlstate::kInvalidParameterValue,
                  "interval time zone \"" + ToText(a[0], ctx.vc) + "\" must not include months or days");
  }
  return ShiftZone(TimeTzOf(a[1]), static_cast<int32_t>(-(iv.time / kUsecsPerSec)));
}

Value ExtractTimeTzFn(Args a, EvalContext&) {
  const DatePartResult r = ExtractTimeTz(a[0].s, TimeTzOf(a[1]));
  if (r.kind == DatePartResult::Kind::kNull) return Value::Null(oid::kNumeric);
  return Value::Num(Numeric::Parse(r.text));
}
Value DatePartTimeTzFn(Args a, EvalContext&) {
  const std::optional<double> r = DatePartTimeTz(a[0].s, TimeTzOf(a[1]));
  return r ? Value::Float(oid::kFloat8, *r) : Value::Null(oid::kFloat8);
}
Value TimeOfTimeTz(Args a, EvalContext&) { return Value::Int(oid::kTime, TimeTzOf(a[0]).time); }
// Function-style casts: timetz(time), timetz(timestamptz), timetz(timetz, p).
Value ToTimeTz(Args a, EvalContext& ctx) { return CastValue(a[0], oid::kTimeTz, -1, ctx.vc); }
// timetz(x, p) as PostgreSQL's timetz_scale: p outside 0..6 changes nothing.
Value TimeTzPrecision(Args a, EvalContext&) {
  if (a[1].i < 0 || a[1].i > 6) return a[0];
  return ApplyTypmod(a[0], static_cast<int32_t>(a[1].i), true);
}
Value DateTimeTzFn(Args a, EvalContext&) { return DateTimeTz(static_cast<DateAdt>(a[0].i), TimeTzOf(a[1])); }

bool IsText(uint32_t t) { return IsStringCategory(t); }

Value CurrentTime(Args a, EvalContext& ctx) {
  TimeTzAdt t = TimestampTzToTimeTz(ctx.vc.dt.now, ctx.vc.dt.session_zone);
  t.time = RoundToPrecision(t.time, static_cast<int32_t>(a[0].i));
  return TimeTzValue(t);
}
Value LocalTime(Args a, EvalContext& ctx) {
  const TimeTzAdt t = TimestampTzToTimeTz(ctx.vc.dt.now, ctx.vc.dt.session_zone);
  return Value::Int(oid::kTime, RoundToPrecision(t.time, static_cast<int32_t>(a[0].i)));
}

}  // namespace

void SetCurrentTimeFn(bool with_zone, int32_t typmod, Expr* e) {
  e->type = with_zone ? oid::kTimeTz : oid::kTime;
  e->typmod = typmod;
  e->name = with_zone ? "current_time" : "localtime";
  e->fn = with_zone ? CurrentTime : LocalTime;
}

bool ResolveTimeTzOperator(std::string_view op, uint32_t l, uint32_t r, ResolvedFn* out) {
  using namespace oid;
  if (l == 0 || (op != "+" && op != "-")) return false;
  auto set = [&](ScalarFn fn, uint32_t result, std::vector<uint32_t> args) {
    *out = {fn, result, std::move(args)};
    return true;
  };
  const bool plus = op == "+";
  if (l == kTimeTz && (r == kInterval || r == kUnknown)) return set(plus ? TimeTzPlusIv : TimeTzMinusIv, kTimeTz, {kTimeTz, kInterval});
  if (plus && l == kInterval && r == kTimeTz) return set(IvPlusTimeTz, kTimeTz, {kInterval, kTimeTz});
  if (l == kTime && r == kInterval) return set(plus ? TimePlusIv : TimeMinusIv, kTime, {kTime, kInterval});
  if (plus && l == kInterval && r == kTime) return set(IvPlusTime, kTime, {kInterval, kTime});
  if (!plus && l == kTime && (r == kTime || r == kUnknown)) return set(TimeMinusTimeFn, kInterval, {kTime, kTime});
  if (plus && l == kDate && r == kTime) return set(DatePlusTimeFn, kTimestamp, {kDate, kTime});
  if (plus && l == kTime && r == kDate) return set(TimePlusDateFn, kTimestamp, {kTime, kDate});
  if (plus && l == kDate && r == kTimeTz) return set(DatePlusTimeTz, kTimestampTz, {kDate, kTimeTz});
  if (plus && l == kTimeTz && r == kDate) return set(TimeTzPlusDate, kTimestampTz, {kTimeTz, kDate});
  return false;
}

bool ResolveTimeTzFunction(std::string_view name, std::span<const uint32_t> t, ResolvedFn* out) {
  using namespace oid;
  auto set = [&](ScalarFn fn, uint32_t result, std::vector<uint32_t> args) {
    *out = {fn, result, std::move(args)};
    return true;
  };
  if (t.size() == 2 && IsText(t[0]) && t[1] == kTimeTz) {
    if (name == "extract") return set(ExtractTimeTzFn, kNumeric, {kText, kTimeTz});
    if (name == "date_part") return set(DatePartTimeTzFn, kFloat8, {kText, kTimeTz});
  }
  // AT TIME ZONE: a plain time converts to timetz first (implicit cast).
  if (name == "timezone" && t.size() == 2 && (t[1] == kTimeTz || t[1] == kTime)) {
    if (IsText(t[0])) return set(TimezoneNamed, kTimeTz, {kText, kTimeTz});
    if (t[0] == kInterval) return set(TimezoneInterval, kTimeTz, {kInterval, kTimeTz});
  }
  if (name == "time" && t.size() == 1 && t[0] == kTimeTz) return set(TimeOfTimeTz, kTime, {kTimeTz});
  if (name == "timetz" && t.size() == 1 && (t[0] == kTime || t[0] == kTimestampTz)) return set(ToTimeTz, kTimeTz, {t[0]});
  if (name == "timetz" && t.size() == 2 && t[0] == kTimeTz && (t[1] == kInt2 || t[1] == kInt4)) {
    return set(TimeTzPrecision, kTimeTz, {kTimeTz, kInt4});
  }
  if (name == "timestamptz" && t.size() == 2 && t[0] == kDate && t[1] == kTimeTz) {
    return set(DateTimeTzFn, kTimestampTz, {kDate, kTimeTz});
  }
  return false;
}

}  // namespace immu::sql
