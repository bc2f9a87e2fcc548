// Date/time arithmetic, casts, age(), make_*(), to_timestamp(double) and
// AT TIME ZONE, following PostgreSQL 15's date.c and timestamp.c.

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "catalog/pg_error.h"
#include "sql/datetime.h"
#include "sql/datetime_internal.h"

namespace immu {

namespace {

bool IsValidDate(int64_t d) {
  return d >= kDatetimeMinJulian - kPostgresEpochJdate && d < kDateEndJulian - kPostgresEpochJdate;
}

[[noreturn]] void ThrowDateOutOfRangeForTimestamp() {
  throw PgError(sqlstate::kDatetimeFieldOverflow, "date out of range for timestamp");
}

}  // namespace

// ---- date ------------------------------------------------------------------

DateAdt DatePlusDays(DateAdt d, int32_t days) {
  if (!DateIsFinite(d)) return d;
  int64_t r = int64_t{d} + days;
  if (!IsValidDate(r)) ThrowDateOutOfRange();
  return static_cast<DateAdt>(r);
}

int32_t DateMinusDate(DateAdt a, DateAdt b) {
  if (!DateIsFinite(a) || !DateIsFinite(b)) {
    throw PgError(sqlstate::kDatetimeFieldOverflow, "cannot subtract infinite dates");
  }
  return a - b;
}

Timestamp DateToTimestamp(DateAdt d) {
  if (d == kDateNoBegin) return kDtNoBegin;
  if (d == kDateNoEnd) return kDtNoEnd;
  if (d >= kTimestampEndJulian - kPostgresEpochJdate) ThrowDateOutOfRangeForTimestamp();
  return int64_t{d} * kUsecsPerDay;
}

TimestampTz DateToTimestampTz(DateAdt d, const TimeZone& zone) {
  if (d == kDateNoBegin) return kDtNoBegin;
  if (d == kDateNoEnd) return kDtNoEnd;
  if (d >= kTimestampEndJulian - kPostgresEpochJdate) ThrowDateOutOfRangeForTimestamp();
  PgTm tm;
  J2Date(d + kPostgresEpochJdate, &tm.year, &tm.mon, &tm.mday);
  int32_t east = DetermineOffset(tm, zone);
  int64_t r = int64_t{d} * kUsecsPerDay - int64_t{east} * kUsecsPerSec;
  if (!IsValidTimestamp(r)) ThrowDateOutOfRangeForTimestamp();
  return r;
}

DateAdt TimestampToDate(Timestamp t) {
  if (t == kDtNoBegin) return kDateNoBegin;
  if (t == kDtNoEnd) return kDateNoEnd;
  PgTm tm;
  TimestampToTm(t, nullptr, &tm);
  return Date2J(tm.year, tm.mon, tm.mday) - kPostgresEpochJdate;
}

DateAdt TimestampTzToDate(TimestampTz t, const TimeZone& zone) {
  if (t == kDtNoBegin) return kDateNoBegin;
  if (t == kDtNoEnd) return kDateNoEnd;
  PgTm tm;
  TimestampToTm(t, &zone, &tm);
  return Date2J(tm.year, tm.mon, tm.mday) - kPostgresEpochJdate;
}

Timestamp TimestampTzToTimestamp(TimestampTz t, const TimeZone& zone) {
  if (!TimestampIsFinite(t)) return t;
  PgTm tm;
  TimestampToTm(t, &zone, &tm);
  Timestamp r;
  if (!TmToTimestamp(tm, nullptr, &r)) ThrowTimestampOutOfRange();
  return r;
}

TimestampTz TimestampToTimestampTz(Timestamp t, const TimeZone& zone) {
  if (!TimestampIsFinite(t)) return t;
  PgTm tm;
  TimestampToTm(t, nullptr, &tm);
  return LocalTmToTimestampTz(tm, zone);
}

std::optional<TimeAdt> TimestampToTime(Timestamp t) {
  if (!TimestampIsFinite(t)) return std::nullopt;
  PgTm tm;
  TimestampToTm(t, nullptr, &tm);
  return ((int64_t{tm.hour} * 60 + tm.min) * 60 + tm.sec) * kUsecsPerSec + tm.fsec;
}

std::optional<TimeAdt> TimestampTzToTime(TimestampTz t, const TimeZone& zone) {
  if (!TimestampIsFinite(t)) return std::nullopt;
  PgTm tm;
  TimestampToTm(t, &zone, &tm);
  return ((int64_t{tm.hour} * 60 + tm.min) * 60 + tm.sec) * kUsecsPerSec + tm.fsec;
}

TimeTzAdt TimestampTzToTimeTz(TimestampTz t, const TimeZone& zone) {
  PgTm tm;
  TimestampToTm(t, &zone, &tm);
  TimeTzAdt r;
  r.time = ((int64_t{tm.hour} * 60 + tm.min) * 60 + tm.sec) * kUsecsPerSec + tm.fsec;
  r.zone = -tm.gmtoff;
  return r;
}

Timestamp DatePlusTime(DateAdt d, TimeAdt t) {
  Timestamp r = DateToTimestamp(d);
  if (!TimestampIsFinite(r)) return r;
  r += t;
  if (!IsValidTimestamp(r)) ThrowTimestampOutOfRange();
  return r;
}

// ---- time ------------------------------------------------------------------

TimeAdt TimePlusInterval(TimeAdt t, const Interval& iv) {
  int64_t r = t + iv.time;
  r -= r / kUsecsPerDay * kUsecsPerDay;
  if (r < 0) r += kUsecsPerDay;
  return r;
}

TimeAdt TimeMinusInterval(TimeAdt t, const Interval& iv) {
  int64_t r = t - iv.time;
  r -= r / kUsecsPerDay * kUsecsPerDay;
  if (r < 0) r += kUsecsPerDay;
  return r;
}

Interval TimeMinusTime(TimeAdt a, TimeAdt b) {
  Interval r;
  r.time = a - b;
  return r;
}

// ---- timestamp ± interval ----------------------------------------------------

namespace {

void AddMonths(PgTm* tm, int32_t months) {
  int64_t mon = int64_t{tm->mon} + months;
  if (mon > kMonthsPerYear) {
    tm->year += static_cast<int>((mon - 1) / kMonthsPerYear);
    tm->mon = static_cast<int>((mon - 1) % kMonthsPerYear + 1);
  } else if (mon < 1) {
    tm->year += static_cast<int>(mon / kMonthsPerYear - 1);
    tm->mon = static_cast<int>(mon % kMonthsPerYear + kMonthsPerYear);
  } else {
    tm->mon = static_cast<int>(mon);
  }
  if (tm->mday > DaysInMonth(tm->year, tm->mon)) tm->mday = DaysInMonth(tm->year, tm->mon);
}

void AddDays(PgTm* tm, int32_t days) {
  int64_t jd = int64_t{Date2J(tm->year, tm->mon, tm->mday)} + days;
  if (jd < INT32_MIN || jd > INT32_MAX) ThrowTimestampOutOfRange();
  J2Date(static_cast<int>(jd), &tm->year, &tm->mon, &tm->mday);
}

}  // namespace

Timestamp TimestampPlusInterval(Timestamp t, const Interval& span) {
  if (!TimestampIsFinite(t)) return t;
  if (span.month != 0) {
    PgTm tm;
    TimestampToTm(t, nullptr, &tm);
    AddMonths(&tm, span.month);
    if (!TmToTimestamp(tm, nullptr, &t)) ThrowTimestampOutOfRange();
  }
  if (span.day != 0) {
    PgTm tm;
    TimestampToTm(t, nullptr, &tm);
    AddDays(&tm, span.day);
    if (!TmToTimestamp(tm, nullptr, &t)) ThrowTimestampOutOfRange();
  }
  if (__builtin_add_overflow(t, span.time, &t) || !IsValidTimestamp(t)) ThrowTimestampOutOfRange();
  return t;
}

Timestamp TimestampMinusInterval(Timestamp t, const Interval& span) {
  return TimestampPlusInterval(t, IntervalNegate(span));
}

TimestampTz TimestampTzPlusInterval(TimestampTz t, const Interval& span, const TimeZone& zone) {
  if (!TimestampIsFinite(t)) return t;
  if (span.month != 0) {
    PgTm tm;
    TimestampToTm(t, &zone, &tm);
    AddMonths(&tm, span.month);
    t = LocalTmToTimestampTz(tm, zone);
  }
  if (span.day != 0) {
    PgTm tm;
    TimestampToTm(t, &zone, &tm);
    AddDays(&tm, span.day);
    t = LocalTmToTimestampTz(tm, zone);
  }
  if (__builtin_add_overflow(t, span.time, &t) || !IsValidTimestamp(t)) ThrowTimestampOutOfRange();
  return t;
}

TimestampTz TimestampTzMinusInterval(TimestampTz t, const Interval& span, const TimeZone& zone) {
  return TimestampTzPlusInterval(t, IntervalNegate(span), zone);
}

Interval TimestampMinus(Timestamp a, Timestamp b) {
  if (!TimestampIsFinite(a) || !TimestampIsFinite(b)) {
    throw PgError(sqlstate::kDatetimeFieldOverflow, "cannot subtract infinite timestamps");
  }
  Interval r;
  if (__builtin_sub_overflow(a, b, &r.time)) ThrowIntervalOutOfRange();
  return JustifyHours(r);
}

// ---- age -------------------------------------------------------------------

namespace {

// Like timestamp2tm, PostgreSQL 15's age() treats +infinity as a large
// finite value (and fails on -infinity); we do the same.
void AgeTm(Timestamp t, const TimeZone* zone, PgTm* tm) {
  if (t != kDtNoEnd) {
    TimestampToTm(t, zone, tm);
    return;
  }
  SplitTimestamp(t, tm);
  if (zone != nullptr) {
    int64_t secs = (t - tm->fsec) / kUsecsPerSec + kEpochDiffSecs;
    SplitTimestamp(t + int64_t{zone->Lookup(secs).gmtoff} * kUsecsPerSec, tm);
  }
}

Interval AgeImpl(Timestamp dt1, Timestamp dt2, const TimeZone* zone) {
  PgTm tm1, tm2;
  AgeTm(dt1, zone, &tm1);
  AgeTm(dt2, zone, &tm2);
  int64_t fsec = tm1.fsec - tm2.fsec;
  int sec = tm1.sec - tm2.sec, min = tm1.min - tm2.min, hour = tm1.hour - tm2.hour;
  int mday = tm1.mday - tm2.mday, mon = tm1.mon - tm2.mon, year = tm1.year - tm2.year;
  bool neg = dt1 < dt2;
  if (neg) {
    fsec = -fsec;
    sec = -sec;
    min = -min;
    hour = -hour;
    mday = -mday;
    mon = -mon;
    year = -year;
  }
  while (fsec < 0) {
    fsec += kUsecsPerSec;
    sec--;
  }
  while (sec < 0) {
    sec += 60;
    min--;
  }
  while (min < 0) {
    min += 60;
    hour--;
  }
  while (hour < 0) {
    hour += 24;
    mday--;
  }
  while (mday < 0) {
    if (neg) {
      mday += DaysInMonth(tm1.year, tm1.mon);
    } else {
      mday += DaysInMonth(tm2.year, tm2.mon);
    }
    mon--;
  }
  while (mon < 0) {
    mon += 12;
    year--;
  }
  if (neg) {
    fsec = -fsec;
    sec = -sec;
    min = -min;
    hour = -hour;
    mday = -mday;
    mon = -mon;
    year = -year;
  }
  Interval r;
  int64_t months = int64_t{year} * 12 + mon;
  if (months > INT32_MAX || months < INT32_MIN) ThrowIntervalOutOfRange();
  r.month = static_cast<int32_t>(months);
  r.day = mday;
  r.time = ((int64_t{hour} * 60 + min) * 60 + sec) * kUsecsPerSec + fsec;
  return r;
}

}  // namespace

Interval Age(Timestamp a, Timestamp b) { return AgeImpl(a, b, nullptr); }

Interval AgeTz(TimestampTz a, TimestampTz b, const TimeZone& zone) { return AgeImpl(a, b, &zone); }

Interval AgeFromNow(Timestamp t, const DateTimeContext& ctx) {
  DateAdt today = TimestampTzToDate(ctx.now, ctx.session_zone);
  return Age(DateToTimestamp(today), t);
}

Interval AgeTzFromNow(TimestampTz t, const DateTimeContext& ctx) {
  DateAdt today = TimestampTzToDate(ctx.now, ctx.session_zone);
  return AgeTz(DateToTimestampTz(today, ctx.session_zone), t, ctx.session_zone);
}

// ---- AT TIME ZONE ----------------------------------------------------------

std::string LowerUnit(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return r;
}

void ResolveZoneForAt(std::string_view name, bool* is_fixed, int32_t* fixed_east, TimeZone* zone) {
  int32_t east;
  bool isdst;
  std::string dyn;
  *is_fixed = false;
  if (LookupZoneAbbrev(LowerUnit(name), &east, &isdst, &dyn)) {
    if (dyn.empty()) {
      *is_fixed = true;
      *fixed_east = east;
      return;
    }
    std::optional<TimeZone> z = TimeZone::Load(dyn);
    if (z) {
      *zone = *z;
      return;
    }
  }
  std::optional<TimeZone> z = TimeZone::Load(name);
  if (!z) {
    throw PgError(sqlstate::kInvalidParameterValue,
                  "time zone \"" + std::string(name) + "\" not recognized");
  }
  *zone = *z;
}

Timestamp TimestampTzAtZone(TimestampTz t, std::string_view zone_name) {
  if (!TimestampIsFinite(t)) return t;
  bool fixed;
  int32_t east = 0;
  TimeZone zone = TimeZone::Utc();
  ResolveZoneForAt(zone_name, &fixed, &east, &zone);
  Timestamp r;
  if (fixed) {
    r = t + int64_t{east} * kUsecsPerSec;
  } else {
    PgTm tm;
    TimestampToTm(t, &zone, &tm);
    if (!TmToTimestamp(tm, nullptr, &r)) {
      throw PgError(sqlstate::kDatetimeFieldOverflow,
                    "could not convert to time zone \"" + std::string(zone_name) + "\"");
    }
  }
  if (!IsValidTimestamp(r)) ThrowTimestampOutOfRange();
  return r;
}

TimestampTz TimestampAtZone(Timestamp t, std::string_view zone_name) {
  if (!TimestampIsFinite(t)) return t;
  bool fixed;
  int32_t east = 0;
  TimeZone zone = TimeZone::Utc();
  ResolveZoneForAt(zone_name, &fixed, &east, &zone);
  TimestampTz r;
  if (fixed) {
    r = t - int64_t{east} * kUsecsPerSec;
  } else {
    PgTm tm;
    TimestampToTm(t, nullptr, &tm);
    int32_t off = DetermineOffset(tm, zone);
    if (!TmToTimestamp(tm, &off, &r)) {
      throw PgError(sqlstate::kDatetimeFieldOverflow,
                    "could not convert to time zone \"" + std::string(zone_name) + "\"");
    }
  }
  if (!IsValidTimestamp(r)) ThrowTimestampOutOfRange();
  return r;
}

namespace {
int64_t IntervalZoneSeconds(const Interval& zone) {
  if (zone.month != 0 || zone.day != 0) {
    throw PgError(sqlstate::kInvalidParameterValue,
                  "interval time zone \"" + FormatInterval(zone) +
                      "\" must not include months or days");
  }
  return zone.time / kUsecsPerSec;
}
}  // namespace

Timestamp TimestampTzAtZone(TimestampTz t, const Interval& zone) {
  if (!TimestampIsFinite(t)) return t;
  int64_t r = t + IntervalZoneSeconds(zone) * kUsecsPerSec;
  if (!IsValidTimestamp(r)) ThrowTimestampOutOfRange();
  return r;
}

TimestampTz TimestampAtZone(Timestamp t, const Interval& zone) {
  if (!TimestampIsFinite(t)) return t;
  int64_t r = t - IntervalZoneSeconds(zone) * kUsecsPerSec;
  if (!IsValidTimestamp(r)) ThrowTimestampOutOfRange();
  return r;
}

// ---- make_* ----------------------------------------------------------------

namespace {

std::string FormatG(double v) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%02g", v);
  return buf;
}

bool FloatTimeOverflows(int hour, int min, double sec) {
  if (hour < 0 || hour > 24 || min < 0 || min >= 60) return true;
  if (std::isnan(sec)) return true;
  sec = rint(sec * kUsecsPerSec);
  if (sec < 0 || sec > 60.0 * kUsecsPerSec) return true;
  return ((int64_t{hour} * 60 + min) * 60) * kUsecsPerSec + static_cast<int64_t>(sec) > kUsecsPerDay;
}

std::string YmdText(int year, int month, int day) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%d-%02d-%02d", year, month, day);
  return buf;
}

// Validates y/m/d as make_date does; returns days since 2000-01-01.
// PostgreSQL's make_date reports the BC-adjusted year, make_timestamp the
// year as given.
int64_t MakeDateDays(int year, int month, int day, bool report_adjusted = false) {
  PgTm tm;
  tm.year = year;
  tm.mon = month;
  tm.mday = day;
  bool bc = false;
  if (tm.year < 0) {
    bc = true;
    tm.year = -tm.year;
  }
  bool bad = false;
  if (bc) {
    if (tm.year <= 0) bad = true;
    tm.year = -(tm.year - 1);
  } else if (tm.year <= 0) {
    bad = true;
  }
  if (!bad && (tm.mon < 1 || tm.mon > 12 || tm.mday < 1 || tm.mday > 31 ||
               tm.mday > DaysInMonth(tm.year, tm.mon)))
    bad = true;
  int shown = report_adjusted ? tm.year : year;
  if (bad) {
    throw PgError(sqlstate::kDatetimeFieldOverflow,
                  "date field value out of range: " + YmdText(shown, month, day));
  }
  if (!IsValidJulian(tm.year, tm.mon)) {
    throw PgError(sqlstate::kDatetimeFieldOverflow, "date out of range: " + YmdText(shown, month, day));
  }
  return int64_t{Date2J(tm.year, tm.mon, tm.mday)} - kPostgresEpochJdate;
}

}  // namespace

DateAdt MakeDate(int year, int month, int day) {
  int64_t d = MakeDateDays(year, month, day, true);
  if (!IsValidDate(d)) {
    int shown = year < 0 ? year + 1 : year;
    throw PgError(sqlstate::kDatetimeFieldOverflow, "date out of range: " + YmdText(shown, month, day));
  }
  return static_cast<DateAdt>(d);
}

TimeAdt MakeTime(int hour, int min, double sec) {
  if (FloatTimeOverflows(hour, min, sec)) {
    char buf[96];
    snprintf(buf, sizeof(buf), "time field value out of range: %d:%02d:%s", hour, min,
             FormatG(sec).c_str());
    throw PgError(sqlstate::kDatetimeFieldOverflow, buf);
  }
  return ((int64_t{hour} * 60 + min) * 60) * kUsecsPerSec +
         static_cast<int64_t>(rint(sec * kUsecsPerSec));
}

Timestamp MakeTimestamp(int year, int month, int day, int hour, int min, double sec) {
  int64_t date = MakeDateDays(year, month, day);
  char tail[96];
  snprintf(tail, sizeof(tail), " %d:%02d:%s", hour, min, FormatG(sec).c_str());
  if (FloatTimeOverflows(hour, min, sec)) {
    char buf[96];
    snprintf(buf, sizeof(buf), "time field value out of range: %d:%02d:%s", hour, min,
             FormatG(sec).c_str());
    throw PgError(sqlstate::kDatetimeFieldOverflow, buf);
  }
  int64_t time = ((int64_t{hour} * 60 + min) * 60) * kUsecsPerSec +
                 static_cast<int64_t>(rint(sec * kUsecsPerSec));
  int64_t result;
  auto fail = [&] {
    throw PgError(sqlstate::kDatetimeFieldOverflow,
                  "timestamp out of range: " + YmdText(year, month, day) + tail);
  };
  if (__builtin_mul_overflow(date, kUsecsPerDay, &result) ||
      __builtin_add_overflow(result, time, &result))
    fail();
  if ((result < 0 && date > 0) || (result > 0 && date < -1)) fail();
  if (!IsValidTimestamp(result)) fail();
  return result;
}

TimestampTz MakeTimestampTz(int year, int month, int day, int hour, int min, double sec,
                            const TimeZone& zone) {
  return TimestampToTimestampTz(MakeTimestamp(year, month, day, hour, min, sec), zone);
}

TimestampTz MakeTimestampTz(int year, int month, int day, int hour, int min, double sec,
                            std::string_view zone_name) {
  Timestamp ts = MakeTimestamp(year, month, day, hour, min, sec);
  PgTm tm;
  TimestampToTm(ts, nullptr, &tm);
  std::string name(zone_name);
  if (!name.empty() && isdigit(static_cast<unsigned char>(name[0]))) {
    throw PgError(sqlstate::kInvalidParameterValue,
                  "invalid input syntax for type numeric time zone: \"" + name + "\"", "",
                  "Numeric time zones must have \"-\" or \"+\" as first character.");
  }
  int32_t west = 0;
  bool numeric = false;
  if (!name.empty() && (name[0] == '+' || name[0] == '-')) {
    bool ok = true;
    size_t pos = 1;
    int hr = 0, mn = 0, sc = 0;
    auto num = [&](int* v) {
      size_t b = pos;
      long long x = 0;
      while (pos < name.size() && isdigit(static_cast<unsigned char>(name[pos]))) {
        x = x * 10 + (name[pos] - '0');
        if (x > 1000000) x = 1000000;
        pos++;
      }
      *v = static_cast<int>(x);
      return pos > b;
    };
    ok = num(&hr);
    if (ok && pos < name.size() && name[pos] == ':') {
      pos++;
      ok = num(&mn);
      if (ok && pos < name.size() && name[pos] == ':') {
        pos++;
        ok = num(&sc);
      }
    } else if (ok && pos == name.size() && name.size() > 3) {
      mn = hr % 100;
      hr /= 100;
    }
    if (ok) {
      if (hr > 15 || mn >= 60 || sc >= 60) {
        throw PgError(sqlstate::kInvalidParameterValue,
                      "numeric time zone \"" + name + "\" out of range");
      }
      if (pos == name.size()) {
        numeric = true;
        int32_t tz = (hr * 60 + mn) * 60 + sc;
        if (name[0] == '-') tz = -tz;
        west = -tz;
      } else {
        throw PgError(sqlstate::kInvalidParameterValue,
                      "time zone \"" + name + "\" not recognized");
      }
    }
  }
  if (!numeric) {
    bool fixed;
    int32_t east = 0;
    TimeZone zone = TimeZone::Utc();
    ResolveZoneForAt(name, &fixed, &east, &zone);
    west = fixed ? -east : -DetermineOffset(tm, zone);
  }
  int64_t r = ts + int64_t{west} * kUsecsPerSec;
  if (!IsValidTimestamp(r)) ThrowTimestampOutOfRange();
  return r;
}

TimestampTz ToTimestamp(double seconds) {
  if (std::isnan(seconds)) {
    throw PgError(sqlstate::kDatetimeFieldOverflow, "timestamp cannot be NaN");
  }
  if (std::isinf(seconds)) return seconds < 0 ? kDtNoBegin : kDtNoEnd;
  auto fail = [&] {
    char buf[64];
    snprintf(buf, sizeof(buf), "timestamp out of range: \"%g\"", seconds);
    throw PgError(sqlstate::kDatetimeFieldOverflow, buf);
  };
  if (seconds < double{kSecsPerDay} * (kDatetimeMinJulian - kUnixEpochJdate) ||
      seconds >= double{kSecsPerDay} * (kTimestampEndJulian - kUnixEpochJdate))
    fail();
  seconds -= static_cast<double>(kEpochDiffSecs);
  seconds = rint(seconds * kUsecsPerSec);
  auto r = static_cast<int64_t>(seconds);
  if (!IsValidTimestamp(r)) fail();
  return r;
}

TimestampTz TimestampTzFromUnixMicros(int64_t unix_micros) {
  return unix_micros - kEpochDiffSecs * kUsecsPerSec;
}

TimestampTz WallClockNow() {
  return TimestampTzFromUnixMicros(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

bool Overlaps(Timestamp ts1, Timestamp te1, Timestamp ts2, Timestamp te2) {
  if (ts1 > te1) std::swap(ts1, te1);
  if (ts2 > te2) std::swap(ts2, te2);
  if (ts1 > ts2) {
    // ts2 < ts1: overlap iff ts1 < te2.
    return ts1 < te2;
  }
  if (ts2 > ts1) return ts2 < te1;
  return true;  // equal starts
}

}  // namespace immu
