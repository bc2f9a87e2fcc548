#pragma once
// PostgreSQL 15's date/time types: date, time, timetz, timestamp,
// timestamptz and interval, with PostgreSQL's representations, text input
// and output (DateStyle=ISO, MDY; IntervalStyle=postgres), binary wire
// formats, arithmetic, extract/date_part, date_trunc, make_*, age, justify_*
// and AT TIME ZONE. to_char/to_date/to_timestamp live in
// sql/datetime_format.h, time zones in sql/datetime_tz.h.
//
// Representations (as PostgreSQL with integer datetimes):
//   date        int32 days since 2000-01-01 (INT32_MIN/MAX = -infinity/infinity)
//   time        int64 microseconds since midnight
//   timetz      time + zone in seconds WEST of UTC (PostgreSQL's sign)
//   timestamp   int64 microseconds since 2000-01-01 00:00:00 (local, no zone)
//   timestamptz int64 microseconds since 2000-01-01 00:00:00 UTC
//   interval    {int64 microseconds, int32 days, int32 months}
//
// Nothing here reads a clock: inputs such as 'now' and 'today' use the
// transaction timestamp handed in through DateTimeContext, and every
// zone-dependent operation takes the session TimeZone explicitly.
//
// Errors are thrown as immu::PgError with PostgreSQL's SQLSTATE and text.
// Thread-safety: all functions are pure; TimeZone objects are immutable.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "sql/datetime_tz.h"

namespace immu {

using DateAdt = int32_t;
using TimeAdt = int64_t;
using Timestamp = int64_t;
using TimestampTz = int64_t;

struct TimeTzAdt {
  int64_t time = 0;  // microseconds since local midnight
  int32_t zone = 0;  // seconds WEST of UTC, as PostgreSQL stores it
};

struct Interval {
  int64_t time = 0;  // microseconds
  int32_t day = 0;
  int32_t month = 0;
};

inline constexpr int64_t kUsecsPerSec = 1000000;
inline constexpr int64_t kUsecsPerMinute = 60 * kUsecsPerSec;
inline constexpr int64_t kUsecsPerHour = 60 * kUsecsPerMinute;
inline constexpr int64_t kUsecsPerDay = 24 * kUsecsPerHour;
inline constexpr int32_t kSecsPerDay = 86400;
inline constexpr int32_t kDaysPerMonth = 30;
inline constexpr int32_t kMonthsPerYear = 12;
inline constexpr int32_t kPostgresEpochJdate = 2451545;  // date2j(2000, 1, 1)
inline constexpr int32_t kUnixEpochJdate = 2440588;      // date2j(1970, 1, 1)
// Seconds between 1970-01-01 and 2000-01-01.
inline constexpr int64_t kEpochDiffSecs = int64_t{kPostgresEpochJdate - kUnixEpochJdate} * kSecsPerDay;

inline constexpr DateAdt kDateNoBegin = std::numeric_limits<int32_t>::min();
inline constexpr DateAdt kDateNoEnd = std::numeric_limits<int32_t>::max();
inline constexpr Timestamp kDtNoBegin = std::numeric_limits<int64_t>::min();
inline constexpr Timestamp kDtNoEnd = std::numeric_limits<int64_t>::max();
// Valid ranges: 4714-11-24 BC .. 5874897-12-31 (date) and
// 4714-11-24 00:00 BC .. 294276-12-31 23:59:59.999999 (timestamps).
inline constexpr int32_t kDatetimeMinJulian = 0;
inline constexpr int32_t kDateEndJulian = 2147483494;
inline constexpr int32_t kTimestampEndJulian = 109203528;
inline constexpr int64_t kMinTimestamp = -211813488000000000;
inline constexpr int64_t kEndTimestamp = 9223371331200000000;

inline bool DateIsFinite(DateAdt d) { return d != kDateNoBegin && d != kDateNoEnd; }
inline bool TimestampIsFinite(Timestamp t) { return t != kDtNoBegin && t != kDtNoEnd; }
inline bool IsValidTimestamp(Timestamp t) { return t >= kMinTimestamp && t < kEndTimestamp; }

// Broken-down time. year is astronomical (0 = 1 BC, -1 = 2 BC).
struct PgTm {
  int year = 0, mon = 1, mday = 1, hour = 0, min = 0, sec = 0;
  int64_t fsec = 0;       // microseconds
  int32_t gmtoff = 0;     // seconds EAST of UTC (timestamptz only)
  bool isdst = false;
  std::string zone_abbr;  // abbreviation in effect (timestamptz only)
};

enum class IntervalStyle { kPostgres, kIso8601, kPostgresVerbose };
// DateStyle's two halves: the output format and the field order (used by
// input of ambiguous dates like 01/02/03 and by the SQL/Postgres output).
enum class DateStyle { kIso, kSql, kPostgres, kGerman };
enum class DateOrder { kMdy, kDmy, kYmd };

// Everything input parsing may need besides the text.
struct DateTimeContext {
  TimestampTz now = 0;  // transaction start (for 'now', 'today', ...)
  TimeZone session_zone = TimeZone::Utc();
  // IntervalStyle: postgres (the default, "1 day 02:00:00"), iso_8601
  // (ActiveRecord sets it: "P1DT2H") or postgres_verbose ("@ 1 day 2 hours",
  // what PostgreSQL's regression tests run with).
  IntervalStyle interval_style = IntervalStyle::kPostgres;
  DateStyle date_style = DateStyle::kIso;
  DateOrder date_order = DateOrder::kMdy;
};

// ---- Calendar helpers (PostgreSQL's date2j / j2date) ----------------------
int Date2J(int year, int month, int day);
void J2Date(int jd, int* year, int* month, int* day);
int J2Day(int jd);  // 0 = Sunday
bool IsLeap(int year);
int DaysInMonth(int year, int month);
int Date2IsoWeek(int year, int mon, int mday);
int Date2IsoYear(int year, int mon, int mday);
int Date2IsoYearDay(int year, int mon, int mday);
int IsoWeek2J(int year, int week);

// timestamp <-> broken-down; zone == nullptr for timestamp without zone.
// TimestampToTm throws "timestamp out of range" for infinite inputs.
void TimestampToTm(Timestamp t, const TimeZone* zone, PgTm* tm);
// tm (local) -> timestamp; with gmtoff_east applied when not null.
// Returns false when out of range.
bool TmToTimestamp(const PgTm& tm, const int32_t* gmtoff_east, Timestamp* out);
// PG's DetermineTimeZoneOffset: the offset (seconds EAST) of local tm in zone.
int32_t DetermineOffset(const PgTm& tm, const TimeZone& zone);
// Local tm in zone -> timestamptz; throws "timestamp out of range".
TimestampTz LocalTmToTimestampTz(const PgTm& tm, const TimeZone& zone);

// ---- Text input ------------------------------------------------------------
DateAdt ParseDate(std::string_view s, const DateTimeContext& ctx);
TimeAdt ParseTime(std::string_view s, const DateTimeContext& ctx);
TimeTzAdt ParseTimeTz(std::string_view s, const DateTimeContext& ctx);
Timestamp ParseTimestamp(std::string_view s, const DateTimeContext& ctx);
TimestampTz ParseTimestampTz(std::string_view s, const DateTimeContext& ctx);
Interval ParseInterval(std::string_view s);

// ---- Text output (DateStyle ISO, IntervalStyle postgres) -------------------
std::string FormatDate(DateAdt d);
std::string FormatTime(TimeAdt t);
std::string FormatTimeTz(const TimeTzAdt& t);
std::string FormatTimestamp(Timestamp t);
std::string FormatTimestampTz(TimestampTz t, const TimeZone& zone);
std::string FormatInterval(const Interval& iv);
std::string FormatIntervalIso8601(const Interval& iv);  // IntervalStyle iso_8601
std::string FormatIntervalVerbose(const Interval& iv);  // IntervalStyle postgres_verbose

// ---- Binary wire format (big-endian, as PostgreSQL's send/recv) ------------
void AppendDateBinary(std::string* out, DateAdt d);
void AppendTimeBinary(std::string* out, TimeAdt t);
void AppendTimeTzBinary(std::string* out, const TimeTzAdt& t);
void AppendTimestampBinary(std::string* out, Timestamp t);  // also timestamptz
void AppendIntervalBinary(std::string* out, const Interval& iv);
// Decoders throw 22P03 on a wrong length or an out-of-range value.
DateAdt DecodeDateBinary(std::string_view in);
TimeAdt DecodeTimeBinary(std::string_view in);
TimeTzAdt DecodeTimeTzBinary(std::string_view in);
Timestamp DecodeTimestampBinary(std::string_view in);
Interval DecodeIntervalBinary(std::string_view in);

// ---- Comparison, hashing, order-preserving keys ----------------------------
// Intervals compare by time + (day + 30 * month) * 24h, as PostgreSQL.
int CompareInterval(const Interval& a, const Interval& b);
bool IntervalEquals(const Interval& a, const Interval& b);
uint64_t HashInterval(const Interval& iv);  // equal intervals hash equally
// 16 bytes whose bytewise order is CompareInterval's order.
void AppendIntervalKey(std::string* out, const Interval& iv);
// 4/8 bytes, sign-flipped big-endian (date / time / timestamp / timestamptz).
void AppendDateKey(std::string* out, DateAdt d);
void AppendInt64Key(std::string* out, int64_t v);
int CompareTimeTz(const TimeTzAdt& a, const TimeTzAdt& b);

// ---- Arithmetic ------------------------------------------------------------
DateAdt DatePlusDays(DateAdt d, int32_t days);   // date + int, date - int
int32_t DateMinusDate(DateAdt a, DateAdt b);     // date - date
Timestamp DateToTimestamp(DateAdt d);
TimestampTz DateToTimestampTz(DateAdt d, const TimeZone& zone);
DateAdt TimestampToDate(Timestamp t);
DateAdt TimestampTzToDate(TimestampTz t, const TimeZone& zone);
Timestamp TimestampTzToTimestamp(TimestampTz t, const TimeZone& zone);
TimestampTz TimestampToTimestampTz(Timestamp t, const TimeZone& zone);
// NULL (nullopt) for infinite timestamps, as PostgreSQL.
std::optional<TimeAdt> TimestampToTime(Timestamp t);
std::optional<TimeAdt> TimestampTzToTime(TimestampTz t, const TimeZone& zone);
TimeTzAdt TimestampTzToTimeTz(TimestampTz t, const TimeZone& zone);
Timestamp DatePlusTime(DateAdt d, TimeAdt t);       // date + time
TimeAdt TimePlusInterval(TimeAdt t, const Interval& iv);
TimeAdt TimeMinusInterval(TimeAdt t, const Interval& iv);
Interval TimeMinusTime(TimeAdt a, TimeAdt b);
Timestamp TimestampPlusInterval(Timestamp t, const Interval& iv);
Timestamp TimestampMinusInterval(Timestamp t, const Interval& iv);
TimestampTz TimestampTzPlusInterval(TimestampTz t, const Interval& iv, const TimeZone& zone);
TimestampTz TimestampTzMinusInterval(TimestampTz t, const Interval& iv, const TimeZone& zone);
Interval TimestampMinus(Timestamp a, Timestamp b);  // also for timestamptz
Interval IntervalPlus(const Interval& a, const Interval& b);
Interval IntervalMinus(const Interval& a, const Interval& b);
Interval IntervalNegate(const Interval& a);
Interval IntervalMul(const Interval& a, double factor);
Interval IntervalDiv(const Interval& a, double factor);
Interval JustifyDays(const Interval& a);
Interval JustifyHours(const Interval& a);
Interval JustifyInterval(const Interval& a);
Interval Age(Timestamp a, Timestamp b);
Interval AgeTz(TimestampTz a, TimestampTz b, const TimeZone& zone);
// age(x) = age(current_date at midnight, x), current_date in ctx's zone.
Interval AgeFromNow(Timestamp t, const DateTimeContext& ctx);
Interval AgeTzFromNow(TimestampTz t, const DateTimeContext& ctx);

// ---- AT TIME ZONE ----------------------------------------------------------
// timestamptz AT TIME ZONE zone -> timestamp; timestamp AT TIME ZONE zone ->
// timestamptz. zone_name is resolved as PostgreSQL does for this operator
// (full zone names, abbreviations, POSIX strings); interval zones use the
// overloads taking an Interval.
Timestamp TimestampTzAtZone(TimestampTz t, std::string_view zone_name);
TimestampTz TimestampAtZone(Timestamp t, std::string_view zone_name);
Timestamp TimestampTzAtZone(TimestampTz t, const Interval& zone);
TimestampTz TimestampAtZone(Timestamp t, const Interval& zone);

// ---- Constructors ----------------------------------------------------------
DateAdt MakeDate(int year, int month, int day);
TimeAdt MakeTime(int hour, int min, double sec);
Timestamp MakeTimestamp(int year, int month, int day, int hour, int min, double sec);
TimestampTz MakeTimestampTz(int year, int month, int day, int hour, int min, double sec,
                            const TimeZone& zone);
TimestampTz MakeTimestampTz(int year, int month, int day, int hour, int min, double sec,
                            std::string_view zone_name);
Interval MakeInterval(int years, int months, int weeks, int days, int hours, int mins,
                      double secs);
TimestampTz ToTimestamp(double unix_seconds);  // to_timestamp(double precision)
TimestampTz TimestampTzFromUnixMicros(int64_t unix_micros);
// The wall clock now (clock_timestamp(); sessions' and the server's times).
TimestampTz WallClockNow();

// ---- date_trunc / extract / date_part --------------------------------------
Timestamp DateTruncTimestamp(std::string_view field, Timestamp t);
TimestampTz DateTruncTimestampTz(std::string_view field, TimestampTz t, const TimeZone& zone);
Interval DateTruncInterval(std::string_view field, const Interval& iv);

// Result of extract(): PostgreSQL 15 returns numeric. `text` is the exact
// numeric text PostgreSQL prints (e.g. "56.789000", "Infinity"); `value`
// the same as a double (what date_part returns). kind says whether the
// result is NULL (extract of a non-monotonic field of infinity).
struct DatePartResult {
  enum class Kind { kNull, kFinite, kPosInfinity, kNegInfinity };
  Kind kind = Kind::kFinite;
  double value = 0;
  std::string text;
};
DatePartResult ExtractTimestamp(std::string_view field, Timestamp t);
DatePartResult ExtractTimestampTz(std::string_view field, TimestampTz t, const TimeZone& zone);
DatePartResult ExtractDate(std::string_view field, DateAdt d);
DatePartResult ExtractTime(std::string_view field, TimeAdt t);
DatePartResult ExtractTimeTz(std::string_view field, const TimeTzAdt& t);
DatePartResult ExtractInterval(std::string_view field, const Interval& iv);
// date_part(text, x) returns double precision; date_part on a date is
// date_part on the date cast to timestamp.
// nullopt is SQL NULL (non-monotonic fields of infinite timestamps).
std::optional<double> DatePartTimestamp(std::string_view field, Timestamp t);
std::optional<double> DatePartTimestampTz(std::string_view field, TimestampTz t,
                                          const TimeZone& zone);
std::optional<double> DatePartInterval(std::string_view field, const Interval& iv);
std::optional<double> DatePartTime(std::string_view field, TimeAdt t);
std::optional<double> DatePartTimeTz(std::string_view field, const TimeTzAdt& t);

// isfinite()
inline bool IsFiniteDate(DateAdt d) { return DateIsFinite(d); }
inline bool IsFiniteTimestamp(Timestamp t) { return TimestampIsFinite(t); }
inline bool IsFiniteInterval(const Interval&) { return true; }

// (a_start, a_end) OVERLAPS (b_start, b_end) for non-null timestamps.
bool Overlaps(Timestamp a1, Timestamp a2, Timestamp b1, Timestamp b2);

// Helpers shared by the datetime_*.cc files.
[[noreturn]] void ThrowTimestampOutOfRange();
[[noreturn]] void ThrowIntervalOutOfRange();
[[noreturn]] void ThrowDateOutOfRange();

}  // namespace immu
