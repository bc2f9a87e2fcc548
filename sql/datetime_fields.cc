// date_trunc, extract (numeric text as PostgreSQL 15 prints it) and
// date_part (double precision).

#include <cmath>
#include <iterator>
#include <cstdio>
#include <cstdlib>

#include "catalog/pg_error.h"
#include "sql/datetime.h"
#include "sql/datetime_internal.h"

namespace immu {

namespace {

enum class Unit {
  kMicrosec, kMillisec, kSecond, kMinute, kHour, kDay, kWeek, kMonth, kQuarter, kYear, kDecade,
  kCentury, kMillennium, kTz, kTzHour, kTzMinute, kDow, kIsoDow, kDoy, kIsoYear, kJulian,
  kEpoch,         // RESERV epoch
  kOtherUnit,     // a UNITS token we do not handle (never happens today)
  kOtherReserv,   // RESERV other than epoch ("now", "infinity", ...)
  kUnknown
};

struct UnitName {
  const char* name;
  Unit unit;
};

// deltatktbl's units, then datetktbl's UNITS and RESERV tokens.
constexpr UnitName kUnits[] = {
    {"c", Unit::kCentury}, {"cent", Unit::kCentury}, {"centuries", Unit::kCentury},
    {"century", Unit::kCentury}, {"d", Unit::kDay}, {"day", Unit::kDay}, {"days", Unit::kDay},
    {"dec", Unit::kDecade}, {"decade", Unit::kDecade}, {"decades", Unit::kDecade},
    {"decs", Unit::kDecade}, {"h", Unit::kHour}, {"hour", Unit::kHour}, {"hours", Unit::kHour},
    {"hr", Unit::kHour}, {"hrs", Unit::kHour}, {"m", Unit::kMinute},
    {"microsecon", Unit::kMicrosec}, {"mil", Unit::kMillennium}, {"millennia", Unit::kMillennium},
    {"millennium", Unit::kMillennium}, {"millisecon", Unit::kMillisec},
    {"mils", Unit::kMillennium}, {"min", Unit::kMinute}, {"mins", Unit::kMinute},
    {"minute", Unit::kMinute}, {"minutes", Unit::kMinute}, {"mon", Unit::kMonth},
    {"mons", Unit::kMonth}, {"month", Unit::kMonth}, {"months", Unit::kMonth},
    {"ms", Unit::kMillisec}, {"msec", Unit::kMillisec}, {"msecond", Unit::kMillisec},
    {"mseconds", Unit::kMillisec}, {"msecs", Unit::kMillisec}, {"qtr", Unit::kQuarter},
    {"quarter", Unit::kQuarter}, {"s", Unit::kSecond}, {"sec", Unit::kSecond},
    {"second", Unit::kSecond}, {"seconds", Unit::kSecond}, {"secs", Unit::kSecond},
    {"timezone", Unit::kTz}, {"timezone_h", Unit::kTzHour}, {"timezone_m", Unit::kTzMinute},
    {"us", Unit::kMicrosec}, {"usec", Unit::kMicrosec}, {"usecond", Unit::kMicrosec},
    {"useconds", Unit::kMicrosec}, {"usecs", Unit::kMicrosec}, {"w", Unit::kWeek},
    {"week", Unit::kWeek}, {"weeks", Unit::kWeek}, {"y", Unit::kYear}, {"year", Unit::kYear},
    {"years", Unit::kYear}, {"yr", Unit::kYear}, {"yrs", Unit::kYear},
    // datetktbl
    {"dow", Unit::kDow}, {"doy", Unit::kDoy}, {"isodow", Unit::kIsoDow},
    {"isoyear", Unit::kIsoYear}, {"j", Unit::kJulian}, {"jd", Unit::kJulian},
    {"julian", Unit::kJulian}, {"mm", Unit::kMinute}, {"epoch", Unit::kEpoch},
    {"now", Unit::kOtherReserv}, {"today", Unit::kOtherReserv}, {"tomorrow", Unit::kOtherReserv},
    {"yesterday", Unit::kOtherReserv}, {"infinity", Unit::kOtherReserv},
    {"-infinity", Unit::kOtherReserv}, {"allballs", Unit::kOtherReserv},
};

// Index of the first datetktbl entry in kUnits.
constexpr size_t kFirstDateToken = 59;

// DecodeUnits (deltatktbl) then, when special_too, DecodeSpecial (datetktbl).
Unit DecodeUnit(const std::string& lower, bool special_too = true) {
  std::string_view key = std::string_view(lower).substr(0, 10);
  size_t n = special_too ? std::size(kUnits) : kFirstDateToken;
  for (size_t i = 0; i < n; i++) {
    if (std::string_view(kUnits[i].name).substr(0, 10) == key) return kUnits[i].unit;
  }
  return Unit::kUnknown;
}

[[noreturn]] void NotSupported(const std::string& unit, const char* type) {
  throw PgError(sqlstate::kFeatureNotSupported,
                "unit \"" + unit + "\" not supported for type " + type);
}
[[noreturn]] void NotRecognized(const std::string& unit, const char* type) {
  throw PgError(sqlstate::kInvalidParameterValue,
                "unit \"" + unit + "\" not recognized for type " + type);
}

constexpr const char* kTsName = "timestamp without time zone";
constexpr const char* kTstzName = "timestamp with time zone";

// Truncates tm in place as timestamp_trunc does. Returns true when the
// zone offset must be recomputed (day or coarser).
bool TruncTm(Unit u, PgTm* tm, const std::string& lower, const char* type) {
  switch (u) {
    case Unit::kWeek: {
      int woy = Date2IsoWeek(tm->year, tm->mon, tm->mday);
      if (woy >= 52 && tm->mon == 1) --tm->year;
      if (woy <= 1 && tm->mon == kMonthsPerYear) ++tm->year;
      J2Date(IsoWeek2J(tm->year, woy), &tm->year, &tm->mon, &tm->mday);
      tm->hour = tm->min = tm->sec = 0;
      tm->fsec = 0;
      return true;
    }
    case Unit::kMillennium:
    case Unit::kCentury:
    case Unit::kDecade:
    case Unit::kYear:
    case Unit::kQuarter:
    case Unit::kMonth:
    case Unit::kDay:
    case Unit::kHour:
    case Unit::kMinute:
    case Unit::kSecond: {
      bool redotz = false;
      switch (u) {
        case Unit::kMillennium:
          if (tm->year > 0) {
            tm->year = ((tm->year + 999) / 1000) * 1000 - 999;
          } else {
            tm->year = -((999 - (tm->year - 1)) / 1000) * 1000 + 1;
          }
          [[fallthrough]];
        case Unit::kCentury:
          if (tm->year > 0) {
            tm->year = ((tm->year + 99) / 100) * 100 - 99;
          } else {
            tm->year = -((99 - (tm->year - 1)) / 100) * 100 + 1;
          }
          [[fallthrough]];
        case Unit::kDecade:
          if (u != Unit::kMillennium && u != Unit::kCentury) {
            if (tm->year > 0) {
              tm->year = (tm->year / 10) * 10;
            } else {
              tm->year = -((8 - (tm->year - 1)) / 10) * 10;
            }
          }
          [[fallthrough]];
        case Unit::kYear:
          tm->mon = 1;
          [[fallthrough]];
        case Unit::kQuarter:
          tm->mon = (3 * ((tm->mon - 1) / 3)) + 1;
          [[fallthrough]];
        case Unit::kMonth:
          tm->mday = 1;
          [[fallthrough]];
        case Unit::kDay:
          tm->hour = 0;
          redotz = true;
          [[fallthrough]];
        case Unit::kHour:
          tm->min = 0;
          [[fallthrough]];
        case Unit::kMinute:
          tm->sec = 0;
          [[fallthrough]];
        default:
          tm->fsec = 0;
      }
      return redotz;
    }
    case Unit::kMillisec:
      tm->fsec = (tm->fsec / 1000) * 1000;
      return false;
    case Unit::kMicrosec:
      return false;
    case Unit::kOtherReserv:
    case Unit::kEpoch:
    case Unit::kUnknown:
      NotRecognized(lower, type);
    default:
      NotSupported(lower, type);
  }
}

bool IsUnitsOrReserv(Unit u) { return u != Unit::kUnknown; }
bool IsUnits(Unit u) { return u != Unit::kUnknown && u != Unit::kEpoch && u != Unit::kOtherReserv; }

// ---- numeric text helpers ---------------------------------------------------

std::string Int128ToString(__int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string s;
  while (u > 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (neg) s.insert(s.begin(), '-');
  return s;
}

// v / 10^scale, printed with exactly `scale` decimals (int64_div_fast_to_numeric).
std::string ScaledText(__int128 v, int scale) {
  bool neg = v < 0;
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string digits = Int128ToString(static_cast<__int128>(u));
  if (scale == 0) return (neg ? "-" : "") + digits;
  if (static_cast<int>(digits.size()) <= scale) {
    digits.insert(0, scale + 1 - digits.size(), '0');
  }
  std::string r = digits.substr(0, digits.size() - scale) + "." + digits.substr(digits.size() - scale);
  return (neg ? "-" : "") + r;
}

DatePartResult IntResult(int64_t v) {
  DatePartResult r;
  r.text = Int128ToString(v);
  r.value = static_cast<double>(v);
  return r;
}

DatePartResult ScaledResult(int64_t v, int scale, double float_value) {
  DatePartResult r;
  r.text = ScaledText(v, scale);
  r.value = float_value;
  return r;
}

DatePartResult InfResult(bool negative) {
  DatePartResult r;
  r.kind = negative ? DatePartResult::Kind::kNegInfinity : DatePartResult::Kind::kPosInfinity;
  r.value = negative ? -HUGE_VAL : HUGE_VAL;
  r.text = negative ? "-Infinity" : "Infinity";
  return r;
}

DatePartResult NullResult() {
  DatePartResult r;
  r.kind = DatePartResult::Kind::kNull;
  return r;
}

// jd + usec_of_day / 86400000000 with PostgreSQL's numeric division scale.
std::string JulianText(int jd, int64_t usec) {
  const int64_t kDiv = kUsecsPerDay;  // 86400000000: base-10000 weight 2, first digit 864
  int weight1 = 0, first1 = 0;
  if (usec != 0) {
    int64_t x = usec;
    int groups = 0;
    while (x >= 10000) {
      x /= 10000;
      groups++;
    }
    weight1 = groups;
    first1 = static_cast<int>(x);
  }
  int qweight = weight1 - 2;
  if (first1 <= 864) qweight--;
  int rscale = 16 - qweight * 4;
  if (rscale < 0) rscale = 0;
  if (rscale > 1000) rscale = 1000;
  // Long division of usec / kDiv to rscale digits, rounded half up.
  std::string frac;
  int64_t rem = usec;
  for (int i = 0; i < rscale + 1; i++) {
    rem *= 10;
    frac += static_cast<char>('0' + rem / kDiv);
    rem %= kDiv;
  }
  bool round_up = frac.back() >= '5';
  frac.pop_back();
  int64_t ip = jd;
  if (round_up) {
    int i = static_cast<int>(frac.size()) - 1;
    for (; i >= 0; i--) {
      if (frac[i] == '9') {
        frac[i] = '0';
      } else {
        frac[i]++;
        break;
      }
    }
    if (i < 0) ip++;
  }
  std::string r = std::to_string(ip);
  if (rscale > 0) r += "." + frac;
  return r;
}

DatePartResult TimestampPart(const std::string& lower, Timestamp t, const TimeZone* zone,
                             bool retnumeric) {
  Unit u = DecodeUnit(lower);
  const char* type = zone ? kTstzName : kTsName;
  if (!TimestampIsFinite(t)) {
    if (u == Unit::kUnknown) NotRecognized(lower, type);
    switch (u) {
      case Unit::kMicrosec: case Unit::kMillisec: case Unit::kSecond: case Unit::kMinute:
      case Unit::kHour: case Unit::kDay: case Unit::kMonth: case Unit::kQuarter: case Unit::kWeek:
      case Unit::kDow: case Unit::kIsoDow: case Unit::kDoy: case Unit::kTz: case Unit::kTzMinute:
      case Unit::kTzHour:
        return NullResult();
      case Unit::kYear: case Unit::kDecade: case Unit::kCentury: case Unit::kMillennium:
      case Unit::kJulian: case Unit::kIsoYear: case Unit::kEpoch:
        return InfResult(t == kDtNoBegin);
      default:
        NotSupported(lower, type);
    }
  }
  if (!IsUnitsOrReserv(u)) NotRecognized(lower, type);
  if (u == Unit::kEpoch) {
    int64_t v = t + kEpochDiffSecs * kUsecsPerSec;
    return ScaledResult(v, 6, static_cast<double>(v) / 1000000.0);
  }
  if (!IsUnits(u)) NotSupported(lower, type);
  PgTm tm;
  TimestampToTm(t, zone, &tm);
  int64_t usec_in_min = tm.sec * kUsecsPerSec + tm.fsec;
  switch (u) {
    case Unit::kMicrosec:
      return IntResult(usec_in_min);
    case Unit::kMillisec:
      return ScaledResult(usec_in_min, 3, tm.sec * 1000.0 + static_cast<double>(tm.fsec) / 1000.0);
    case Unit::kSecond:
      return ScaledResult(usec_in_min, 6, tm.sec + static_cast<double>(tm.fsec) / 1000000.0);
    case Unit::kMinute:
      return IntResult(tm.min);
    case Unit::kHour:
      return IntResult(tm.hour);
    case Unit::kDay:
      return IntResult(tm.mday);
    case Unit::kMonth:
      return IntResult(tm.mon);
    case Unit::kQuarter:
      return IntResult((tm.mon - 1) / 3 + 1);
    case Unit::kWeek:
      return IntResult(Date2IsoWeek(tm.year, tm.mon, tm.mday));
    case Unit::kYear:
      return IntResult(tm.year > 0 ? tm.year : tm.year - 1);
    case Unit::kDecade:
      return IntResult(tm.year >= 0 ? tm.year / 10 : -((8 - (tm.year - 1)) / 10));
    case Unit::kCentury:
      return IntResult(tm.year > 0 ? (tm.year + 99) / 100 : -((99 - (tm.year - 1)) / 100));
    case Unit::kMillennium:
      return IntResult(tm.year > 0 ? (tm.year + 999) / 1000 : -((999 - (tm.year - 1)) / 1000));
    case Unit::kJulian: {
      int jd = Date2J(tm.year, tm.mon, tm.mday);
      int64_t usec = ((int64_t{tm.hour} * 60 + tm.min) * 60 + tm.sec) * kUsecsPerSec + tm.fsec;
      DatePartResult r;
      if (retnumeric) {
        r.text = JulianText(jd, usec);
        r.value = strtod(r.text.c_str(), nullptr);
      } else {
        r.value = jd + (((tm.hour * 60.0 + tm.min) * 60.0) + tm.sec + tm.fsec / 1000000.0) / kSecsPerDay;
      }
      return r;
    }
    case Unit::kIsoYear: {
      int y = Date2IsoYear(tm.year, tm.mon, tm.mday);
      if (y <= 0) y -= 1;
      return IntResult(y);
    }
    case Unit::kDow:
    case Unit::kIsoDow: {
      int d = J2Day(Date2J(tm.year, tm.mon, tm.mday));
      if (u == Unit::kIsoDow && d == 0) d = 7;
      return IntResult(d);
    }
    case Unit::kDoy:
      return IntResult(Date2J(tm.year, tm.mon, tm.mday) - Date2J(tm.year, 1, 1) + 1);
    case Unit::kTz:
      if (!zone) NotSupported(lower, type);
      return IntResult(tm.gmtoff);
    case Unit::kTzMinute:
      if (!zone) NotSupported(lower, type);
      return IntResult((tm.gmtoff / 60) % 60);
    case Unit::kTzHour:
      if (!zone) NotSupported(lower, type);
      return IntResult(tm.gmtoff / 3600);
    default:
      NotSupported(lower, type);
  }
}

DatePartResult TimePart(const std::string& lower, TimeAdt t, const int32_t* zone_west,
                        bool retnumeric) {
  (void)retnumeric;
  Unit u = DecodeUnit(lower);
  const char* type = zone_west ? "time with time zone" : "time without time zone";
  if (u == Unit::kEpoch) {
    int64_t v = t + (zone_west ? int64_t{*zone_west} * kUsecsPerSec : 0);
    return ScaledResult(v, 6, static_cast<double>(v) / 1000000.0);
  }
  if (!IsUnits(u)) NotRecognized(lower, type);
  int64_t hour = t / kUsecsPerHour;
  int64_t rest = t - hour * kUsecsPerHour;
  int64_t min = rest / kUsecsPerMinute;
  rest -= min * kUsecsPerMinute;
  int64_t sec = rest / kUsecsPerSec;
  int64_t fsec = rest - sec * kUsecsPerSec;
  switch (u) {
    case Unit::kMicrosec:
      return IntResult(rest);
    case Unit::kMillisec:
      return ScaledResult(rest, 3, sec * 1000.0 + static_cast<double>(fsec) / 1000.0);
    case Unit::kSecond:
      return ScaledResult(rest, 6, static_cast<double>(sec) + static_cast<double>(fsec) / 1000000.0);
    case Unit::kMinute:
      return IntResult(min);
    case Unit::kHour:
      return IntResult(hour);
    case Unit::kTz:
      if (!zone_west) NotSupported(lower, type);
      return IntResult(-*zone_west);
    case Unit::kTzMinute:
      if (!zone_west) NotSupported(lower, type);
      return IntResult((-*zone_west / 60) % 60);
    case Unit::kTzHour:
      if (!zone_west) NotSupported(lower, type);
      return IntResult(-*zone_west / 3600);
    default:
      NotSupported(lower, type);
  }
}

DatePartResult IntervalPart(const std::string& lower, const Interval& iv, bool retnumeric) {
  Unit u = DecodeUnit(lower);
  const char* type = "interval";
  if (u == Unit::kEpoch) {
    DatePartResult r;
    int64_t secs_from_day_month =
        (int64_t{1461} * (iv.month / 12) + int64_t{120} * (iv.month % 12) + int64_t{4} * iv.day) *
        (kSecsPerDay / 4);
    __int128 v = static_cast<__int128>(secs_from_day_month) * 1000000 + iv.time;
    r.text = ScaledText(v, 6);
    if (retnumeric) {
      r.value = strtod(r.text.c_str(), nullptr);
    } else {
      double d = static_cast<double>(iv.time) / 1000000.0;
      d += (365.25 * kSecsPerDay) * (iv.month / 12);
      d += (30.0 * kSecsPerDay) * (iv.month % 12);
      d += static_cast<double>(kSecsPerDay) * iv.day;
      r.value = d;
    }
    return r;
  }
  if (!IsUnits(u)) NotRecognized(lower, type);
  int64_t year = iv.month / 12, mon = iv.month % 12;
  int64_t t = iv.time;
  int64_t hour = t / kUsecsPerHour;
  t -= hour * kUsecsPerHour;
  int64_t min = t / kUsecsPerMinute;
  t -= min * kUsecsPerMinute;
  int64_t sec = t / kUsecsPerSec;
  int64_t usec = t - sec * kUsecsPerSec;
  switch (u) {
    case Unit::kMicrosec:
      return IntResult(t);
    case Unit::kMillisec:
      return ScaledResult(t, 3, sec * 1000.0 + static_cast<double>(usec) / 1000.0);
    case Unit::kSecond:
      return ScaledResult(t, 6, static_cast<double>(sec) + static_cast<double>(usec) / 1000000.0);
    case Unit::kMinute:
      return IntResult(min);
    case Unit::kHour:
      return IntResult(hour);
    case Unit::kDay:
      return IntResult(iv.day);
    case Unit::kMonth:
      return IntResult(mon);
    case Unit::kQuarter:
      return IntResult(mon / 3 + 1);
    case Unit::kYear:
      return IntResult(year);
    case Unit::kDecade:
      return IntResult(year / 10);
    case Unit::kCentury:
      return IntResult(year / 100);
    case Unit::kMillennium:
      return IntResult(year / 1000);
    default:
      NotSupported(lower, type);
  }
}

}  // namespace

// ---- date_trunc ----------------------------------------------------------------

Timestamp DateTruncTimestamp(std::string_view field, Timestamp t) {
  if (!TimestampIsFinite(t)) return t;
  std::string lower = LowerUnit(field);
  Unit u = DecodeUnit(lower, false);
  if (!IsUnits(u)) NotRecognized(lower, kTsName);
  PgTm tm;
  TimestampToTm(t, nullptr, &tm);
  TruncTm(u, &tm, lower, kTsName);
  Timestamp r;
  if (!TmToTimestamp(tm, nullptr, &r)) ThrowTimestampOutOfRange();
  return r;
}

TimestampTz DateTruncTimestampTz(std::string_view field, TimestampTz t, const TimeZone& zone) {
  if (!TimestampIsFinite(t)) return t;
  std::string lower = LowerUnit(field);
  Unit u = DecodeUnit(lower, false);
  if (!IsUnits(u)) NotRecognized(lower, kTstzName);
  PgTm tm;
  TimestampToTm(t, &zone, &tm);
  bool redotz = TruncTm(u, &tm, lower, kTstzName);
  int32_t east = redotz ? DetermineOffset(tm, zone) : tm.gmtoff;
  Timestamp r;
  if (!TmToTimestamp(tm, &east, &r)) ThrowTimestampOutOfRange();
  return r;
}

Interval DateTruncInterval(std::string_view field, const Interval& iv) {
  std::string lower = LowerUnit(field);
  Unit u = DecodeUnit(lower, false);
  if (!IsUnits(u)) NotRecognized(lower, "interval");
  int64_t year = iv.month / 12, mon = iv.month % 12, mday = iv.day;
  int64_t t = iv.time;
  int64_t hour = t / kUsecsPerHour;
  t -= hour * kUsecsPerHour;
  int64_t min = t / kUsecsPerMinute;
  t -= min * kUsecsPerMinute;
  int64_t sec = t / kUsecsPerSec;
  int64_t usec = t - sec * kUsecsPerSec;
  switch (u) {
    case Unit::kMillennium:
      year = (year / 1000) * 1000;
      [[fallthrough]];
    case Unit::kCentury:
      year = (year / 100) * 100;
      [[fallthrough]];
    case Unit::kDecade:
      year = (year / 10) * 10;
      [[fallthrough]];
    case Unit::kYear:
      mon = 0;
      [[fallthrough]];
    case Unit::kQuarter:
      mon = 3 * (mon / 3);
      [[fallthrough]];
    case Unit::kMonth:
      mday = 0;
      [[fallthrough]];
    case Unit::kDay:
      hour = 0;
      [[fallthrough]];
    case Unit::kHour:
      min = 0;
      [[fallthrough]];
    case Unit::kMinute:
      sec = 0;
      [[fallthrough]];
    case Unit::kSecond:
      usec = 0;
      break;
    case Unit::kMillisec:
      usec = (usec / 1000) * 1000;
      break;
    case Unit::kMicrosec:
      break;
    default:
      if (u == Unit::kWeek) {
        throw PgError(sqlstate::kFeatureNotSupported,
                      "unit \"" + lower + "\" not supported for type interval",
                      "Months usually have fractional weeks.");
      }
      NotSupported(lower, "interval");
  }
  Interval r;
  r.month = static_cast<int32_t>(year * 12 + mon);
  r.day = static_cast<int32_t>(mday);
  r.time = ((hour * 60 + min) * 60 + sec) * kUsecsPerSec + usec;
  return r;
}

// ---- extract -------------------------------------------------------------------

DatePartResult ExtractTimestamp(std::string_view field, Timestamp t) {
  return TimestampPart(LowerUnit(field), t, nullptr, true);
}

DatePartResult ExtractTimestampTz(std::string_view field, TimestampTz t, const TimeZone& zone) {
  return TimestampPart(LowerUnit(field), t, &zone, true);
}

DatePartResult ExtractDate(std::string_view field, DateAdt d) {
  std::string lower = LowerUnit(field);
  Unit u = DecodeUnit(lower);
  if (!DateIsFinite(d) && u != Unit::kUnknown) {
    switch (u) {
      case Unit::kDay: case Unit::kMonth: case Unit::kQuarter: case Unit::kWeek: case Unit::kDow:
      case Unit::kIsoDow: case Unit::kDoy:
        return NullResult();
      case Unit::kYear: case Unit::kDecade: case Unit::kCentury: case Unit::kMillennium:
      case Unit::kJulian: case Unit::kIsoYear: case Unit::kEpoch:
        return InfResult(d == kDateNoBegin);
      default:
        NotSupported(lower, "date");
    }
  }
  if (u == Unit::kEpoch) {
    return IntResult((int64_t{d} + kPostgresEpochJdate - kUnixEpochJdate) * kSecsPerDay);
  }
  if (!IsUnits(u)) {
    if (u == Unit::kOtherReserv) NotSupported(lower, "date");
    NotRecognized(lower, "date");
  }
  int year, mon, mday;
  J2Date(d + kPostgresEpochJdate, &year, &mon, &mday);
  switch (u) {
    case Unit::kDay:
      return IntResult(mday);
    case Unit::kMonth:
      return IntResult(mon);
    case Unit::kQuarter:
      return IntResult((mon - 1) / 3 + 1);
    case Unit::kWeek:
      return IntResult(Date2IsoWeek(year, mon, mday));
    case Unit::kYear:
      return IntResult(year > 0 ? year : year - 1);
    case Unit::kDecade:
      return IntResult(year >= 0 ? year / 10 : -((8 - (year - 1)) / 10));
    case Unit::kCentury:
      return IntResult(year > 0 ? (year + 99) / 100 : -((99 - (year - 1)) / 100));
    case Unit::kMillennium:
      return IntResult(year > 0 ? (year + 999) / 1000 : -((999 - (year - 1)) / 1000));
    case Unit::kJulian:
      return IntResult(int64_t{d} + kPostgresEpochJdate);
    case Unit::kIsoYear: {
      int y = Date2IsoYear(year, mon, mday);
      if (y <= 0) y -= 1;
      return IntResult(y);
    }
    case Unit::kDow:
    case Unit::kIsoDow: {
      int w = J2Day(d + kPostgresEpochJdate);
      if (u == Unit::kIsoDow && w == 0) w = 7;
      return IntResult(w);
    }
    case Unit::kDoy:
      return IntResult(Date2J(year, mon, mday) - Date2J(year, 1, 1) + 1);
    default:
      NotSupported(lower, "date");
  }
}

DatePartResult ExtractTime(std::string_view field, TimeAdt t) {
  return TimePart(LowerUnit(field), t, nullptr, true);
}

DatePartResult ExtractTimeTz(std::string_view field, const TimeTzAdt& t) {
  return TimePart(LowerUnit(field), t.time, &t.zone, true);
}

DatePartResult ExtractInterval(std::string_view field, const Interval& iv) {
  return IntervalPart(LowerUnit(field), iv, true);
}

namespace {
std::optional<double> AsDouble(const DatePartResult& r) {
  if (r.kind == DatePartResult::Kind::kNull) return std::nullopt;
  return r.value;
}
}  // namespace

std::optional<double> DatePartTimestamp(std::string_view field, Timestamp t) {
  return AsDouble(TimestampPart(LowerUnit(field), t, nullptr, false));
}

std::optional<double> DatePartTimestampTz(std::string_view field, TimestampTz t,
                                          const TimeZone& zone) {
  return AsDouble(TimestampPart(LowerUnit(field), t, &zone, false));
}

std::optional<double> DatePartInterval(std::string_view field, const Interval& iv) {
  return AsDouble(IntervalPart(LowerUnit(field), iv, false));
}

std::optional<double> DatePartTime(std::string_view field, TimeAdt t) {
  return AsDouble(TimePart(LowerUnit(field), t, nullptr, false));
}

std::optional<double> DatePartTimeTz(std::string_view field, const TimeTzAdt& t) {
  return AsDouble(TimePart(LowerUnit(field), t.time, &t.zone, false));
}

}  // namespace immu
