// Calendar helpers, timestamp <-> broken-down time, text output, binary
// wire formats, comparison and key encodings.

#include "sql/datetime.h"

#include <cstdio>
#include <cstdlib>

#include "catalog/pg_error.h"
#include "sql/datetime_internal.h"
#include "storage/coding.h"

namespace immu {

void ThrowTimestampOutOfRange() {
  throw PgError(sqlstate::kDatetimeFieldOverflow, "timestamp out of range");
}
void ThrowIntervalOutOfRange() {
  throw PgError(sqlstate::kDatetimeFieldOverflow, "interval out of range");
}
void ThrowDateOutOfRange() { throw PgError(sqlstate::kDatetimeFieldOverflow, "date out of range"); }

// ---- Calendar ---------------------------------------------------------------

int Date2J(int year, int month, int day) {
  int julian, century;
  if (month > 2) {
    month += 1;
    year += 4800;
  } else {
    month += 13;
    year += 4799;
  }
  century = year / 100;
  julian = year * 365 - 32167;
  julian += year / 4 - century + century / 4;
  julian += 7834 * month / 256 + day;
  return julian;
}

void J2Date(int jd, int* year, int* month, int* day) {
  unsigned int julian = static_cast<unsigned int>(jd);
  julian += 32044;
  unsigned int quad = julian / 146097;
  unsigned int extra = (julian - quad * 146097) * 4 + 3;
  julian += 60 + quad * 3 + extra / 146097;
  quad = julian / 1461;
  julian -= quad * 1461;
  int y = static_cast<int>(julian * 4 / 1461);
  julian = ((y != 0) ? ((julian + 305) % 365) : ((julian + 306) % 366)) + 123;
  y += static_cast<int>(quad * 4);
  *year = y - 4800;
  quad = julian * 2141 / 65536;
  *day = static_cast<int>(julian - 7834 * quad / 256);
  *month = static_cast<int>((quad + 10) % kMonthsPerYear + 1);
}

int J2Day(int jd) {
  int d = (jd + 1) % 7;
  if (d < 0) d += 7;
  return d;
}

bool IsLeap(int y) { return (y % 4 == 0) && ((y % 100 != 0) || (y % 400 == 0)); }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[2][12] = {{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
                                       {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}};
  return kDays[IsLeap(year) ? 1 : 0][month - 1];
}

int Date2IsoWeek(int year, int mon, int mday) {
  int dayn = Date2J(year, mon, mday);
  int day4 = Date2J(year, 1, 4);
  int day0 = J2Day(day4 - 1);
  if (dayn < day4 - day0) {
    day4 = Date2J(year - 1, 1, 4);
    day0 = J2Day(day4 - 1);
  }
  double result = (dayn - (day4 - day0)) / 7 + 1;
  if (result >= 52) {
    day4 = Date2J(year + 1, 1, 4);
    day0 = J2Day(day4 - 1);
    if (dayn >= day4 - day0) result = (dayn - (day4 - day0)) / 7 + 1;
  }
  return static_cast<int>(result);
}

int Date2IsoYear(int year, int mon, int mday) {
  int dayn = Date2J(year, mon, mday);
  int day4 = Date2J(year, 1, 4);
  int day0 = J2Day(day4 - 1);
  if (dayn < day4 - day0) {
    day4 = Date2J(year - 1, 1, 4);
    day0 = J2Day(day4 - 1);
    year--;
  }
  int result = (dayn - (day4 - day0)) / 7 + 1;
  if (result >= 52) {
    day4 = Date2J(year + 1, 1, 4);
    day0 = J2Day(day4 - 1);
    if (dayn >= day4 - day0) year++;
  }
  return year;
}

int Date2IsoYearDay(int year, int mon, int mday) {
  return Date2J(year, mon, mday) - IsoWeek2J(Date2IsoYear(year, mon, mday), 1) + 1;
}

int IsoWeek2J(int year, int week) {
  int day4 = Date2J(year, 1, 4);
  int day0 = J2Day(day4 - 1);
  return ((week - 1) * 7) + (day4 - day0);
}

bool IsValidJulian(int y, int m) {
  return (y > kJulianMinYear || (y == kJulianMinYear && m >= kJulianMinMonth)) &&
         (y < kJulianMaxYear || (y == kJulianMaxYear && m < kJulianMaxMonth));
}

// ---- timestamp <-> tm --------------------------------------------------------

void SplitTimestamp(Timestamp t, PgTm* tm) {
  int64_t date = t / kUsecsPerDay;
  int64_t time = t - date * kUsecsPerDay;
  if (time < 0) {
    time += kUsecsPerDay;
    date -= 1;
  }
  date += kPostgresEpochJdate;
  if (date < 0 || date > INT32_MAX) ThrowTimestampOutOfRange();
  J2Date(static_cast<int>(date), &tm->year, &tm->mon, &tm->mday);
  tm->hour = static_cast<int>(time / kUsecsPerHour);
  time -= tm->hour * kUsecsPerHour;
  tm->min = static_cast<int>(time / kUsecsPerMinute);
  time -= tm->min * kUsecsPerMinute;
  tm->sec = static_cast<int>(time / kUsecsPerSec);
  tm->fsec = time - tm->sec * kUsecsPerSec;
}

void TimestampToTm(Timestamp t, const TimeZone* zone, PgTm* tm) {
  if (!TimestampIsFinite(t)) ThrowTimestampOutOfRange();
  SplitTimestamp(t, tm);
  tm->gmtoff = 0;
  tm->isdst = false;
  tm->zone_abbr.clear();
  if (zone == nullptr) return;
  int64_t secs = (t - tm->fsec) / kUsecsPerSec + kEpochDiffSecs;
  TimeZone::Info info = zone->Lookup(secs);
  SplitTimestamp(t + int64_t{info.gmtoff} * kUsecsPerSec, tm);
  tm->gmtoff = info.gmtoff;
  tm->isdst = info.isdst;
  tm->zone_abbr = info.abbr;
}

bool TmToTimestamp(const PgTm& tm, const int32_t* gmtoff_east, Timestamp* out) {
  if (!IsValidJulian(tm.year, tm.mon)) return false;
  int64_t date = Date2J(tm.year, tm.mon, tm.mday) - kPostgresEpochJdate;
  int64_t time = ((int64_t{tm.hour} * 60 + tm.min) * 60 + tm.sec) * kUsecsPerSec + tm.fsec;
  int64_t r;
  if (__builtin_mul_overflow(date, kUsecsPerDay, &r) || __builtin_add_overflow(r, time, &r)) {
    return false;
  }
  if (gmtoff_east != nullptr) r -= int64_t{*gmtoff_east} * kUsecsPerSec;
  if (!IsValidTimestamp(r)) return false;
  *out = r;
  return true;
}

int32_t DetermineOffset(const PgTm& tm, const TimeZone& zone) {
  int32_t fixed;
  if (zone.IsFixed(&fixed)) return fixed;
  if (!IsValidJulian(tm.year, tm.mon)) return 0;
  int64_t date = Date2J(tm.year, tm.mon, tm.mday) - kUnixEpochJdate;
  int64_t mytime = date * kSecsPerDay + tm.sec + (tm.min + tm.hour * 60) * 60;
  int64_t prevtime = mytime - kSecsPerDay;
  int64_t boundary;
  TimeZone::Info before, after;
  if (!zone.NextBoundary(prevtime, &boundary, &before, &after)) {
    return zone.Lookup(prevtime).gmtoff;
  }
  int64_t beforetime = mytime - before.gmtoff;
  int64_t aftertime = mytime - after.gmtoff;
  if (beforetime < boundary && aftertime < boundary) return before.gmtoff;
  if (beforetime > boundary && aftertime >= boundary) return after.gmtoff;
  if (beforetime > aftertime) return before.gmtoff;
  return after.gmtoff;
}

TimestampTz LocalTmToTimestampTz(const PgTm& tm, const TimeZone& zone) {
  int32_t off = DetermineOffset(tm, zone);
  Timestamp r;
  if (!TmToTimestamp(tm, &off, &r)) ThrowTimestampOutOfRange();
  return r;
}

// ---- Output ------------------------------------------------------------------

void AppendSeconds(std::string* out, int sec, int64_t fsec, bool fillzeros) {
  char buf[32];
  snprintf(buf, sizeof(buf), fillzeros ? "%02d" : "%d", std::abs(sec));
  *out += buf;
  if (fsec != 0) {
    snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(std::llabs(fsec)));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    *out += f;
  }
}

void AppendDatePart(std::string* out, int year, int mon, int mday) {
  char buf[48];
  snprintf(buf, sizeof(buf), "%04d-%02d-%02d", year > 0 ? year : -(year - 1), mon, mday);
  *out += buf;
}

void AppendTimePart(std::string* out, int hour, int min, int sec, int64_t fsec) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%02d:%02d:", hour, min);
  *out += buf;
  AppendSeconds(out, sec, fsec, true);
}

std::string FormatDate(DateAdt d) {
  if (d == kDateNoBegin) return "-infinity";
  if (d == kDateNoEnd) return "infinity";
  int y, m, dd;
  J2Date(d + kPostgresEpochJdate, &y, &m, &dd);
  std::string out;
  AppendDatePart(&out, y, m, dd);
  if (y <= 0) out += " BC";
  return out;
}

std::string FormatTime(TimeAdt t) {
  std::string out;
  int64_t hour = t / kUsecsPerHour;
  t -= hour * kUsecsPerHour;
  int64_t min = t / kUsecsPerMinute;
  t -= min * kUsecsPerMinute;
  int64_t sec = t / kUsecsPerSec;
  AppendTimePart(&out, static_cast<int>(hour), static_cast<int>(min), static_cast<int>(sec),
                 t - sec * kUsecsPerSec);
  return out;
}

std::string FormatTimeTz(const TimeTzAdt& t) {
  return FormatTime(t.time) + FormatOffsetHms(-t.zone);
}

std::string FormatTimestamp(Timestamp t) {
  if (t == kDtNoBegin) return "-infinity";
  if (t == kDtNoEnd) return "infinity";
  PgTm tm;
  TimestampToTm(t, nullptr, &tm);
  std::string out;
  AppendDatePart(&out, tm.year, tm.mon, tm.mday);
  out += ' ';
  AppendTimePart(&out, tm.hour, tm.min, tm.sec, tm.fsec);
  if (tm.year <= 0) out += " BC";
  return out;
}

std::string FormatTimestampTz(TimestampTz t, const TimeZone& zone) {
  if (t == kDtNoBegin) return "-infinity";
  if (t == kDtNoEnd) return "infinity";
  PgTm tm;
  TimestampToTm(t, &zone, &tm);
  std::string out;
  AppendDatePart(&out, tm.year, tm.mon, tm.mday);
  out += ' ';
  AppendTimePart(&out, tm.hour, tm.min, tm.sec, tm.fsec);
  out += FormatOffsetHms(tm.gmtoff);
  if (tm.year <= 0) out += " BC";
  return out;
}

namespace {
void AppendPostgresIntPart(std::string* out, int64_t value, const char* units, bool* is_zero,
                           bool* is_before) {
  if (value == 0) return;
  char buf[64];
  snprintf(buf, sizeof(buf), "%s%s%lld %s%s", !*is_zero ? " " : "",
           (*is_before && value > 0) ? "+" : "", static_cast<long long>(value), units,
           value != 1 ? "s" : "");
  *out += buf;
  *is_before = value < 0;
  *is_zero = false;
}
}  // namespace

std::string FormatInterval(const Interval& iv) {
  int64_t year = iv.month / kMonthsPerYear;
  int64_t mon = iv.month % kMonthsPerYear;
  int64_t mday = iv.day;
  int64_t t = iv.time;
  int64_t hour = t / kUsecsPerHour;
  t -= hour * kUsecsPerHour;
  int64_t min = t / kUsecsPerMinute;
  t -= min * kUsecsPerMinute;
  int64_t sec = t / kUsecsPerSec;
  int64_t fsec = t - sec * kUsecsPerSec;
  bool is_zero = true, is_before = false;
  std::string out;
  AppendPostgresIntPart(&out, year, "year", &is_zero, &is_before);
  AppendPostgresIntPart(&out, mon, "mon", &is_zero, &is_before);
  AppendPostgresIntPart(&out, mday, "day", &is_zero, &is_before);
  if (is_zero || hour != 0 || min != 0 || sec != 0 || fsec != 0) {
    bool minus = hour < 0 || min < 0 || sec < 0 || fsec < 0;
    char buf[64];
    snprintf(buf, sizeof(buf), "%s%s%02lld:%02d:", is_zero ? "" : " ",
             minus ? "-" : (is_before ? "+" : ""), static_cast<long long>(std::llabs(hour)),
             static_cast<int>(std::llabs(min)));
    out += buf;
    AppendSeconds(&out, static_cast<int>(sec), fsec, true);
  }
  return out;
}

std::string FormatIntervalIso8601(const Interval& iv) {
  const int64_t year = iv.month / kMonthsPerYear, mon = iv.month % kMonthsPerYear, mday = iv.day;
  int64_t t = iv.time;
  const int64_t hour = t / kUsecsPerHour;
  t -= hour * kUsecsPerHour;
  const int64_t min = t / kUsecsPerMinute;
  t -= min * kUsecsPerMinute;
  const int64_t sec = t / kUsecsPerSec;
  const int64_t fsec = t - sec * kUsecsPerSec;
  if (year == 0 && mon == 0 && mday == 0 && hour == 0 && min == 0 && sec == 0 && fsec == 0) return "PT0S";
  std::string out = "P";
  auto part = [&out](int64_t value, char unit) {
    if (value != 0) out += std::to_string(value) + unit;
  };
  part(year, 'Y');
  part(mon, 'M');
  part(mday, 'D');
  if (hour != 0 || min != 0 || sec != 0 || fsec != 0) out += 'T';
  part(hour, 'H');
  part(min, 'M');
  if (sec != 0 || fsec != 0) {
    if (sec < 0 || fsec < 0) out += '-';
    AppendSeconds(&out, static_cast<int>(sec), fsec, false);
    out += 'S';
  }
  return out;
}

namespace {
// PostgreSQL's AddVerboseIntPart: the first nonzero field decides whether the
// interval prints as "... ago"; later fields of the other sign print negated.
void AppendVerboseIntPart(std::string* out, int64_t value, const char* units, bool* is_zero,
                          bool* is_before) {
  if (value == 0) return;
  if (*is_zero) {
    *is_before = value < 0;
    value = std::llabs(value);
  } else if (*is_before) {
    value = -value;
  }
  char buf[64];
  snprintf(buf, sizeof(buf), " %lld %s%s", static_cast<long long>(value), units, value == 1 ? "" : "s");
  *out += buf;
  *is_zero = false;
}
}  // namespace

std::string FormatIntervalVerbose(const Interval& iv) {
  int64_t t = iv.time;
  const int64_t hour = t / kUsecsPerHour;
  t -= hour * kUsecsPerHour;
  const int64_t min = t / kUsecsPerMinute;
  t -= min * kUsecsPerMinute;
  const int64_t sec = t / kUsecsPerSec;
  const int64_t fsec = t - sec * kUsecsPerSec;
  bool is_zero = true, is_before = false;
  std::string out = "@";
  AppendVerboseIntPart(&out, iv.month / kMonthsPerYear, "year", &is_zero, &is_before);
  AppendVerboseIntPart(&out, iv.month % kMonthsPerYear, "mon", &is_zero, &is_before);
  AppendVerboseIntPart(&out, iv.day, "day", &is_zero, &is_before);
  AppendVerboseIntPart(&out, hour, "hour", &is_zero, &is_before);
  AppendVerboseIntPart(&out, min, "min", &is_zero, &is_before);
  if (sec != 0 || fsec != 0) {
    out += ' ';
    if (sec < 0 || (sec == 0 && fsec < 0)) {
      if (is_zero) {
        is_before = true;
      } else if (!is_before) {
        out += '-';
      }
    } else if (is_before) {
      out += '-';
    }
    AppendSeconds(&out, static_cast<int>(sec), fsec, false);
    out += (std::llabs(sec) != 1 || fsec != 0) ? " secs" : " sec";
    is_zero = false;
  }
  if (is_zero) out += " 0";
  if (is_before) out += " ago";
  return out;
}

// ---- Binary ------------------------------------------------------------------

void AppendDateBinary(std::string* out, DateAdt d) { PutFixed32BE(out, static_cast<uint32_t>(d)); }
void AppendTimeBinary(std::string* out, TimeAdt t) { PutFixed64BE(out, static_cast<uint64_t>(t)); }
void AppendTimeTzBinary(std::string* out, const TimeTzAdt& t) {
  PutFixed64BE(out, static_cast<uint64_t>(t.time));
  PutFixed32BE(out, static_cast<uint32_t>(t.zone));
}
void AppendTimestampBinary(std::string* out, Timestamp t) {
  PutFixed64BE(out, static_cast<uint64_t>(t));
}
void AppendIntervalBinary(std::string* out, const Interval& iv) {
  PutFixed64BE(out, static_cast<uint64_t>(iv.time));
  PutFixed32BE(out, static_cast<uint32_t>(iv.day));
  PutFixed32BE(out, static_cast<uint32_t>(iv.month));
}

namespace {
void CheckLength(std::string_view in, size_t n) {
  if (in.size() != n) {
    throw PgError(sqlstate::kInvalidBinaryRepresentation, "incorrect binary data format");
  }
}
}  // namespace

DateAdt DecodeDateBinary(std::string_view in) {
  CheckLength(in, 4);
  auto d = static_cast<DateAdt>(DecodeFixed32BE(in.data()));
  if (DateIsFinite(d) &&
      (int64_t{d} + kPostgresEpochJdate < 0 || int64_t{d} + kPostgresEpochJdate >= kDateEndJulian)) {
    throw PgError(sqlstate::kDatetimeFieldOverflow, "date out of range");
  }
  return d;
}
TimeAdt DecodeTimeBinary(std::string_view in) {
  CheckLength(in, 8);
  auto t = static_cast<TimeAdt>(DecodeFixed64BE(in.data()));
  if (t < 0 || t > kUsecsPerDay) {
    throw PgError(sqlstate::kDatetimeFieldOverflow, "time out of range");
  }
  return t;
}
TimeTzAdt DecodeTimeTzBinary(std::string_view in) {
  CheckLength(in, 12);
  TimeTzAdt r;
  r.time = static_cast<int64_t>(DecodeFixed64BE(in.data()));
  r.zone = static_cast<int32_t>(DecodeFixed32BE(in.data() + 8));
  if (r.time < 0 || r.time > kUsecsPerDay) {
    throw PgError(sqlstate::kDatetimeFieldOverflow, "time out of range");
  }
  if (r.zone <= -kMaxTzDisp || r.zone >= kMaxTzDisp) {
    throw PgError(sqlstate::kInvalidTimeZoneDisplacementValue, "time zone displacement out of range");
  }
  return r;
}
Timestamp DecodeTimestampBinary(std::string_view in) {
  CheckLength(in, 8);
  auto t = static_cast<Timestamp>(DecodeFixed64BE(in.data()));
  if (TimestampIsFinite(t) && !IsValidTimestamp(t)) ThrowTimestampOutOfRange();
  return t;
}
Interval DecodeIntervalBinary(std::string_view in) {
  CheckLength(in, 16);
  Interval iv;
  iv.time = static_cast<int64_t>(DecodeFixed64BE(in.data()));
  iv.day = static_cast<int32_t>(DecodeFixed32BE(in.data() + 8));
  iv.month = static_cast<int32_t>(DecodeFixed32BE(in.data() + 12));
  return iv;
}

// ---- Compare / keys ----------------------------------------------------------

__int128 IntervalLinear(const Interval& iv) {
  return static_cast<__int128>(iv.time) +
         (static_cast<__int128>(iv.day) + static_cast<__int128>(iv.month) * 30) * kUsecsPerDay;
}

int CompareInterval(const Interval& a, const Interval& b) {
  __int128 x = IntervalLinear(a), y = IntervalLinear(b);
  return x < y ? -1 : (x > y ? 1 : 0);
}

bool IntervalEquals(const Interval& a, const Interval& b) { return CompareInterval(a, b) == 0; }

uint64_t HashInterval(const Interval& iv) {
  auto v = static_cast<unsigned __int128>(IntervalLinear(iv));
  uint64_t h = static_cast<uint64_t>(v) ^ (static_cast<uint64_t>(v >> 64) * 0x9e3779b97f4a7c15ull);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

void AppendIntervalKey(std::string* out, const Interval& iv) {
  auto v = static_cast<unsigned __int128>(IntervalLinear(iv));
  v ^= static_cast<unsigned __int128>(1) << 127;
  PutFixed64BE(out, static_cast<uint64_t>(v >> 64));
  PutFixed64BE(out, static_cast<uint64_t>(v));
}

void AppendDateKey(std::string* out, DateAdt d) {
  PutFixed32BE(out, static_cast<uint32_t>(d) ^ 0x80000000u);
}

void AppendInt64Key(std::string* out, int64_t v) {
  PutFixed64BE(out, static_cast<uint64_t>(v) ^ 0x8000000000000000ull);
}

int CompareTimeTz(const TimeTzAdt& a, const TimeTzAdt& b) {
  // PostgreSQL: by UTC time first, then by zone.
  int64_t ua = a.time + int64_t{a.zone} * kUsecsPerSec;
  int64_t ub = b.time + int64_t{b.zone} * kUsecsPerSec;
  if (ua != ub) return ua < ub ? -1 : 1;
  // Same instant: the zone decides, smaller (east-most) first, so only
  // equal times in equal zones are equal.
  if (a.zone != b.zone) return a.zone < b.zone ? -1 : 1;
  return 0;
}

}  // namespace immu
