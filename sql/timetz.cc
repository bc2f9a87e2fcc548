#include "sql/timetz.h"

#include "catalog/pg_error.h"
#include "sql/value_io.h"
#include "storage/coding.h"

namespace immu::sql {

namespace {
constexpr uint64_t kSign64 = uint64_t{1} << 63;
constexpr uint32_t kSign32 = uint32_t{1} << 31;
}  // namespace

std::string EncodeTimeTz(const TimeTzAdt& t) {
  std::string s;
  s.reserve(12);
  const int64_t utc = t.time + int64_t{t.zone} * kUsecsPerSec;
  PutFixed64BE(&s, static_cast<uint64_t>(utc) ^ kSign64);
  PutFixed32BE(&s, static_cast<uint32_t>(t.zone) ^ kSign32);
  return s;
}

TimeTzAdt DecodeTimeTz(std::string_view s) {
  if (s.size() != 12) throw PgError(sqlstate::kDataCorrupted, "stored timetz value does not decode");
  TimeTzAdt t;
  const auto utc = static_cast<int64_t>(DecodeFixed64BE(s.data()) ^ kSign64);
  t.zone = static_cast<int32_t>(DecodeFixed32BE(s.data() + 8) ^ kSign32);
  t.time = utc - int64_t{t.zone} * kUsecsPerSec;
  return t;
}

Value TimeTzValue(const TimeTzAdt& t) { return Value::Str(oid::kTimeTz, EncodeTimeTz(t)); }

int64_t RoundToPrecision(int64_t usecs, int32_t typmod) {
  if (typmod < 0 || typmod >= 6) return usecs;
  int64_t scale = 1;
  for (int k = typmod; k < 6; k++) scale *= 10;
  const int64_t half = scale / 2;
  if (usecs >= 0) return (usecs + half) / scale * scale;
  return -((-usecs + half) / scale * scale);
}

TimeTzAdt TimeToTimeTz(TimeAdt t, const ValueContext& ctx) {
  // PostgreSQL's time_timetz: the zone in effect today (in the session
  // zone, at the transaction start) at that time of day.
  PgTm tm;
  J2Date(TimestampTzToDate(ctx.dt.now, ctx.dt.session_zone) + kPostgresEpochJdate, &tm.year, &tm.mon, &tm.mday);
  tm.hour = static_cast<int>(t / kUsecsPerHour);
  tm.min = static_cast<int>(t / kUsecsPerMinute % 60);
  tm.sec = static_cast<int>(t / kUsecsPerSec % 60);
  TimeTzAdt r;
  r.time = t;
  r.zone = -DetermineOffset(tm, ctx.dt.session_zone);
  return r;
}

std::optional<bool> CanCastTimeTz(uint32_t from, uint32_t to) {
  if (from != oid::kTimeTz && to != oid::kTimeTz) return std::nullopt;
  const uint32_t other = from == oid::kTimeTz ? to : from;
  if (other == oid::kText || other == oid::kVarchar || other == oid::kBpchar || other == oid::kName ||
      other == oid::kUnknown || other == oid::kChar) {
    return std::nullopt;  // I/O conversion, as for every type
  }
  return (from == oid::kTime && to == oid::kTimeTz) || (from == oid::kTimeTz && to == oid::kTime) ||
         (from == oid::kTimestampTz && to == oid::kTimeTz);
}

std::optional<Value> CastTimeTz(const Value& v, uint32_t to, const ValueContext& ctx) {
  if (v.type == oid::kTime && to == oid::kTimeTz) return TimeTzValue(TimeToTimeTz(v.i, ctx));
  if (v.type == oid::kTimeTz && to == oid::kTime) return Value::Int(oid::kTime, TimeTzOf(v).time);
  if (v.type == oid::kTimestampTz && to == oid::kTimeTz) {
    if (!TimestampIsFinite(v.i)) return Value::Null(oid::kTimeTz);
    return TimeTzValue(TimestampTzToTimeTz(v.i, ctx.dt.session_zone));
  }
  return std::nullopt;
}

}  // namespace immu::sql
