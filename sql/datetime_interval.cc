// interval: text input (PostgreSQL 15's DecodeInterval and
// DecodeISO8601Interval) and interval-only arithmetic.

#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "catalog/pg_error.h"
#include "sql/datetime.h"
#include "sql/datetime_internal.h"

namespace immu {

namespace {

// PostgreSQL's struct pg_itm_in.
struct ItmIn {
  int64_t usec = 0;
  int32_t mday = 0;
  int32_t mon = 0;
  int32_t year = 0;
};

enum Unit { kNone, kMicro, kMilli, kSec, kMin, kHour, kDayU, kWeek, kMonthU, kYearU, kDecade,
            kCentury, kMillennium, kAgo, kIgnoreU, kQuarter };

struct UnitToken {
  const char* token;
  Unit unit;
};

// PostgreSQL's deltatktbl (units only).
constexpr UnitToken kUnitTokens[] = {
    {"@", kIgnoreU},        {"ago", kAgo},          {"c", kCentury},       {"cent", kCentury},
    {"centuries", kCentury}, {"century", kCentury}, {"d", kDayU},          {"day", kDayU},
    {"days", kDayU},        {"dec", kDecade},       {"decade", kDecade},   {"decades", kDecade},
    {"decs", kDecade},      {"h", kHour},           {"hour", kHour},       {"hours", kHour},
    {"hr", kHour},          {"hrs", kHour},         {"m", kMin},           {"microsecon", kMicro},
    {"mil", kMillennium},   {"millennia", kMillennium}, {"millennium", kMillennium},
    {"millisecon", kMilli}, {"mils", kMillennium},  {"min", kMin},         {"mins", kMin},
    {"minute", kMin},       {"minutes", kMin},      {"mon", kMonthU},      {"mons", kMonthU},
    {"month", kMonthU},     {"months", kMonthU},    {"ms", kMilli},        {"msec", kMilli},
    {"msecond", kMilli},    {"mseconds", kMilli},   {"msecs", kMilli},     {"qtr", kQuarter},
    {"quarter", kQuarter},  {"s", kSec},            {"sec", kSec},         {"second", kSec},
    {"seconds", kSec},      {"secs", kSec},         {"us", kMicro},        {"usec", kMicro},
    {"usecond", kMicro},    {"useconds", kMicro},   {"usecs", kMicro},     {"w", kWeek},
    {"week", kWeek},        {"weeks", kWeek},       {"y", kYearU},         {"year", kYearU},
    {"years", kYearU},      {"yr", kYearU},         {"yrs", kYearU},
};

const UnitToken* FindUnit(std::string_view s) {
  std::string_view key = s.substr(0, 10);
  for (const UnitToken& t : kUnitTokens) {
    if (std::string_view(t.token).substr(0, 10) == key) return &t;
  }
  return nullptr;
}

bool AdjustFractMicroseconds(double frac, int64_t scale, ItmIn* itm) {
  if (frac == 0) return true;
  frac *= static_cast<double>(scale);
  auto usec = static_cast<int64_t>(frac);
  frac -= static_cast<double>(usec);
  if (frac > 0.5) {
    usec++;
  } else if (frac < -0.5) {
    usec--;
  }
  return !__builtin_add_overflow(itm->usec, usec, &itm->usec);
}

bool AdjustFractDays(double frac, int scale, ItmIn* itm) {
  if (frac == 0) return true;
  frac *= scale;
  int extra_days = static_cast<int>(frac);
  if (__builtin_add_overflow(itm->mday, extra_days, &itm->mday)) return false;
  frac -= extra_days;
  return AdjustFractMicroseconds(frac, kUsecsPerDay, itm);
}

bool AdjustFractYears(double frac, int scale, ItmIn* itm) {
  int extra_months = static_cast<int>(rint(frac * scale * kMonthsPerYear));
  return !__builtin_add_overflow(itm->mon, extra_months, &itm->mon);
}

bool AdjustMicroseconds(int64_t val, double fval, int64_t scale, ItmIn* itm) {
  if (val == 0 && fval == 0) return true;
  int64_t usec;
  if (__builtin_mul_overflow(val, scale, &usec)) return false;
  if (__builtin_add_overflow(itm->usec, usec, &itm->usec)) return false;
  return AdjustFractMicroseconds(fval, scale, itm);
}

bool AdjustDays(int64_t val, int scale, ItmIn* itm) {
  if (val < INT_MIN || val > INT_MAX) return false;
  int32_t days;
  return !__builtin_mul_overflow(static_cast<int32_t>(val), scale, &days) &&
         !__builtin_add_overflow(itm->mday, days, &itm->mday);
}

bool AdjustMonths(int64_t val, ItmIn* itm) {
  if (val < INT_MIN || val > INT_MAX) return false;
  return !__builtin_add_overflow(itm->mon, static_cast<int32_t>(val), &itm->mon);
}

bool AdjustYears(int64_t val, int scale, ItmIn* itm) {
  if (val < INT_MIN || val > INT_MAX) return false;
  int32_t years;
  return !__builtin_mul_overflow(static_cast<int32_t>(val), scale, &years) &&
         !__builtin_add_overflow(itm->year, years, &itm->year);
}

DtErr ParseFraction(const char* cp, double* frac) {
  if (cp[1] == '\0') {
    *frac = 0;
    return DtErr::kOk;
  }
  errno = 0;
  char* e;
  *frac = strtod(cp, &e);
  if (*e != '\0' || errno != 0) return DtErr::kBadFormat;
  return DtErr::kOk;
}

// hh:mm[:ss[.f]] or mm:ss.f into itm->usec (replacing it).
DtErr DecodeTimeForInterval(const char* str, ItmIn* itm) {
  char* cp;
  errno = 0;
  long long hour = strtoll(str, &cp, 10);
  if (errno == ERANGE) return DtErr::kFieldOverflow;
  if (*cp != ':') return DtErr::kBadFormat;
  errno = 0;
  long long min = strtoll(cp + 1, &cp, 10);
  if (errno == ERANGE || min > INT_MAX) return DtErr::kFieldOverflow;
  long long sec = 0;
  int64_t fsec = 0;
  if (*cp == '\0') {
  } else if (*cp == '.') {
    double f;
    errno = 0;
    char* e;
    f = strtod(cp, &e);
    if (*e != '\0' || errno != 0) return DtErr::kBadFormat;
    fsec = static_cast<int64_t>(rint(f * 1000000));
    sec = min;
    min = hour;
    hour = 0;
  } else if (*cp == ':') {
    errno = 0;
    sec = strtoll(cp + 1, &cp, 10);
    if (errno == ERANGE || sec > INT_MAX) return DtErr::kFieldOverflow;
    if (*cp == '.') {
      errno = 0;
      char* e;
      double f = strtod(cp, &e);
      if (*e != '\0' || errno != 0) return DtErr::kBadFormat;
      fsec = static_cast<int64_t>(rint(f * 1000000));
    } else if (*cp != '\0') {
      return DtErr::kBadFormat;
    }
  } else {
    return DtErr::kBadFormat;
  }
  if (hour < 0 || min < 0 || min > 59 || sec < 0 || sec > 60 || fsec < 0 || fsec > kUsecsPerSec)
    return DtErr::kFieldOverflow;
  int64_t usec = fsec;
  int64_t t;
  if (__builtin_mul_overflow(static_cast<int64_t>(hour), kUsecsPerHour, &t) ||
      __builtin_add_overflow(usec, t, &usec) ||
      __builtin_add_overflow(usec, min * kUsecsPerMinute, &usec) ||
      __builtin_add_overflow(usec, sec * kUsecsPerSec, &usec))
    return DtErr::kFieldOverflow;
  itm->usec = usec;
  return DtErr::kOk;
}

DtErr DecodeIntervalFields(const std::vector<DtField>& f, ItmIn* itm) {
  bool is_before = false, parsing_unit_val = false;
  int fmask = 0;
  Unit type = kIgnoreU;
  for (int i = static_cast<int>(f.size()) - 1; i >= 0; i--) {
    const std::string& field = f[i].text;
    int tmask = 0;
    FieldType ft = f[i].type;
    if (ft == FieldType::kTime) {
      DtErr e = DecodeTimeForInterval(field.c_str(), itm);
      if (e != DtErr::kOk) return e;
      tmask = 1 << 20;  // DTK_TIME_M stand-in
      type = kDayU;
      parsing_unit_val = false;
    } else if (ft == FieldType::kTz && field.find(':', 1) != std::string::npos &&
               DecodeTimeForInterval(field.c_str() + 1, itm) == DtErr::kOk) {
      if (field[0] == '-') {
        if (itm->usec == INT64_MIN) return DtErr::kFieldOverflow;
        itm->usec = -itm->usec;
      }
      tmask = 1 << 20;
      type = kDayU;
      parsing_unit_val = false;
    } else if (ft == FieldType::kTz || ft == FieldType::kDate || ft == FieldType::kNumber) {
      if (type == kIgnoreU) type = kSec;
      char* cp;
      errno = 0;
      long long v = strtoll(field.c_str(), &cp, 10);
      if (errno == ERANGE) return DtErr::kFieldOverflow;
      if (cp == field.c_str() && *cp != '.' && *cp != '-') return DtErr::kBadFormat;
      int64_t val = v;
      double fval;
      if (*cp == '-') {
        errno = 0;
        long long val2 = strtoll(cp + 1, &cp, 10);
        if (errno == ERANGE || val2 < 0 || val2 >= kMonthsPerYear) return DtErr::kFieldOverflow;
        if (*cp != '\0') return DtErr::kBadFormat;
        type = kMonthU;
        if (field[0] == '-') val2 = -val2;
        if (__builtin_mul_overflow(val, int64_t{12}, &val) || __builtin_add_overflow(val, val2, &val))
          return DtErr::kFieldOverflow;
        fval = 0;
      } else if (*cp == '.') {
        DtErr e = ParseFraction(cp, &fval);
        if (e != DtErr::kOk) return e;
        if (field[0] == '-') fval = -fval;
      } else if (*cp == '\0') {
        fval = 0;
      } else {
        return DtErr::kBadFormat;
      }
      bool ok = true;
      switch (type) {
        case kMicro:
          ok = AdjustMicroseconds(val, fval, 1, itm);
          tmask = 1 << 1;
          break;
        case kMilli:
          ok = AdjustMicroseconds(val, fval, 1000, itm);
          tmask = 1 << 2;
          break;
        case kSec:
          ok = AdjustMicroseconds(val, fval, kUsecsPerSec, itm);
          tmask = fval == 0 ? (1 << 3) : ((1 << 1) | (1 << 2) | (1 << 3));
          break;
        case kMin:
          ok = AdjustMicroseconds(val, fval, kUsecsPerMinute, itm);
          tmask = 1 << 4;
          break;
        case kHour:
          ok = AdjustMicroseconds(val, fval, kUsecsPerHour, itm);
          tmask = 1 << 5;
          type = kDayU;
          break;
        case kDayU:
          ok = AdjustDays(val, 1, itm) && AdjustFractMicroseconds(fval, kUsecsPerDay, itm);
          tmask = 1 << 6;
          break;
        case kWeek:
          ok = AdjustDays(val, 7, itm) && AdjustFractDays(fval, 7, itm);
          tmask = 1 << 7;
          break;
        case kMonthU:
          ok = AdjustMonths(val, itm) && AdjustFractDays(fval, kDaysPerMonth, itm);
          tmask = 1 << 8;
          break;
        case kYearU:
          ok = AdjustYears(val, 1, itm) && AdjustFractYears(fval, 1, itm);
          tmask = 1 << 9;
          break;
        case kDecade:
          ok = AdjustYears(val, 10, itm) && AdjustFractYears(fval, 10, itm);
          tmask = 1 << 10;
          break;
        case kCentury:
          ok = AdjustYears(val, 100, itm) && AdjustFractYears(fval, 100, itm);
          tmask = 1 << 11;
          break;
        case kMillennium:
          ok = AdjustYears(val, 1000, itm) && AdjustFractYears(fval, 1000, itm);
          tmask = 1 << 12;
          break;
        default:
          return DtErr::kBadFormat;
      }
      if (!ok) return DtErr::kFieldOverflow;
      parsing_unit_val = false;
    } else if (ft == FieldType::kString || ft == FieldType::kSpecial) {
      if (parsing_unit_val) return DtErr::kBadFormat;
      const UnitToken* t = FindUnit(field);
      if (t == nullptr) return DtErr::kBadFormat;
      if (t->unit == kIgnoreU) continue;
      if (t->unit == kAgo) {
        is_before = true;
        type = kNone;
      } else {
        type = t->unit;
        parsing_unit_val = true;
      }
    } else {
      return DtErr::kBadFormat;
    }
    if (tmask & fmask) return DtErr::kBadFormat;
    fmask |= tmask;
  }
  if (fmask == 0) return DtErr::kBadFormat;
  if (parsing_unit_val) return DtErr::kBadFormat;
  if (is_before) {
    if (itm->usec == INT64_MIN || itm->mday == INT_MIN || itm->mon == INT_MIN || itm->year == INT_MIN)
      return DtErr::kFieldOverflow;
    itm->usec = -itm->usec;
    itm->mday = -itm->mday;
    itm->mon = -itm->mon;
    itm->year = -itm->year;
  }
  return DtErr::kOk;
}

DtErr ParseIso8601Number(const char* str, const char** end, int64_t* ipart, double* fpart) {
  if (!(isdigit(static_cast<unsigned char>(*str)) || *str == '-' || *str == '.')) {
    return DtErr::kBadFormat;
  }
  errno = 0;
  char* e;
  double val = strtod(str, &e);
  *end = e;
  if (e == str || errno != 0) return DtErr::kBadFormat;
  if (std::isnan(val) || val < -1.0e15 || val > 1.0e15) return DtErr::kFieldOverflow;
  *ipart = val >= 0 ? static_cast<int64_t>(floor(val)) : static_cast<int64_t>(-floor(-val));
  *fpart = val - static_cast<double>(*ipart);
  return DtErr::kOk;
}

int Iso8601IntegerWidth(const char* s) {
  if (*s == '-') s++;
  return static_cast<int>(strspn(s, "0123456789"));
}

DtErr DecodeIso8601Interval(const std::string& input, ItmIn* itm) {
  *itm = ItmIn();
  const char* str = input.c_str();
  if (strlen(str) < 2 || str[0] != 'P') return DtErr::kBadFormat;
  str++;
  bool datepart = true, havefield = false;
  while (*str) {
    if (*str == 'T') {
      datepart = false;
      havefield = false;
      str++;
      continue;
    }
    const char* fieldstart = str;
    int64_t val;
    double fval;
    DtErr e = ParseIso8601Number(str, &str, &val, &fval);
    if (e != DtErr::kOk) return e;
    char unit = *str;
    if (unit != '\0') str++;
    if (datepart) {
      switch (unit) {
        case 'Y':
          if (!AdjustYears(val, 1, itm) || !AdjustFractYears(fval, 1, itm)) return DtErr::kFieldOverflow;
          break;
        case 'M':
          if (!AdjustMonths(val, itm) || !AdjustFractDays(fval, kDaysPerMonth, itm))
            return DtErr::kFieldOverflow;
          break;
        case 'W':
          if (!AdjustDays(val, 7, itm) || !AdjustFractDays(fval, 7, itm)) return DtErr::kFieldOverflow;
          break;
        case 'D':
          if (!AdjustDays(val, 1, itm) || !AdjustFractMicroseconds(fval, kUsecsPerDay, itm))
            return DtErr::kFieldOverflow;
          break;
        case 'T':
        case '\0':
          if (Iso8601IntegerWidth(fieldstart) == 8 && !havefield) {
            if (!AdjustYears(val / 10000, 1, itm) || !AdjustMonths((val / 100) % 100, itm) ||
                !AdjustDays(val % 100, 1, itm) || !AdjustFractMicroseconds(fval, kUsecsPerDay, itm))
              return DtErr::kFieldOverflow;
            if (unit == '\0') return DtErr::kOk;
            datepart = false;
            havefield = false;
            continue;
          }
          [[fallthrough]];
        case '-':
          if (havefield) return DtErr::kBadFormat;
          if (!AdjustYears(val, 1, itm) || !AdjustFractYears(fval, 1, itm)) return DtErr::kFieldOverflow;
          if (unit == '\0') return DtErr::kOk;
          if (unit == 'T') {
            datepart = false;
            havefield = false;
            continue;
          }
          e = ParseIso8601Number(str, &str, &val, &fval);
          if (e != DtErr::kOk) return e;
          if (!AdjustMonths(val, itm) || !AdjustFractDays(fval, kDaysPerMonth, itm))
            return DtErr::kFieldOverflow;
          if (*str == '\0') return DtErr::kOk;
          if (*str == 'T') {
            datepart = false;
            havefield = false;
            continue;
          }
          if (*str != '-') return DtErr::kBadFormat;
          str++;
          e = ParseIso8601Number(str, &str, &val, &fval);
          if (e != DtErr::kOk) return e;
          if (!AdjustDays(val, 1, itm) || !AdjustFractMicroseconds(fval, kUsecsPerDay, itm))
            return DtErr::kFieldOverflow;
          if (*str == '\0') return DtErr::kOk;
          if (*str == 'T') {
            datepart = false;
            havefield = false;
            continue;
          }
          return DtErr::kBadFormat;
        default:
          return DtErr::kBadFormat;
      }
    } else {
      switch (unit) {
        case 'H':
          if (!AdjustMicroseconds(val, fval, kUsecsPerHour, itm)) return DtErr::kFieldOverflow;
          break;
        case 'M':
          if (!AdjustMicroseconds(val, fval, kUsecsPerMinute, itm)) return DtErr::kFieldOverflow;
          break;
        case 'S':
          if (!AdjustMicroseconds(val, fval, kUsecsPerSec, itm)) return DtErr::kFieldOverflow;
          break;
        case '\0':
          if (Iso8601IntegerWidth(fieldstart) == 6 && !havefield) {
            if (!AdjustMicroseconds(val / 10000, 0, kUsecsPerHour, itm) ||
                !AdjustMicroseconds((val / 100) % 100, 0, kUsecsPerMinute, itm) ||
                !AdjustMicroseconds(val % 100, 0, kUsecsPerSec, itm) ||
                !AdjustFractMicroseconds(fval, 1, itm))
              return DtErr::kFieldOverflow;
            return DtErr::kOk;
          }
          [[fallthrough]];
        case ':':
          if (havefield) return DtErr::kBadFormat;
          if (!AdjustMicroseconds(val, fval, kUsecsPerHour, itm)) return DtErr::kFieldOverflow;
          if (unit == '\0') return DtErr::kOk;
          e = ParseIso8601Number(str, &str, &val, &fval);
          if (e != DtErr::kOk) return e;
          if (!AdjustMicroseconds(val, fval, kUsecsPerMinute, itm)) return DtErr::kFieldOverflow;
          if (*str == '\0') return DtErr::kOk;
          if (*str != ':') return DtErr::kBadFormat;
          str++;
          e = ParseIso8601Number(str, &str, &val, &fval);
          if (e != DtErr::kOk) return e;
          if (!AdjustMicroseconds(val, fval, kUsecsPerSec, itm)) return DtErr::kFieldOverflow;
          if (*str == '\0') return DtErr::kOk;
          return DtErr::kBadFormat;
        default:
          return DtErr::kBadFormat;
      }
    }
    havefield = true;
  }
  return DtErr::kOk;
}

bool FitsInt32(double d) { return !std::isnan(d) && d >= -2147483648.0 && d < 2147483648.0; }
bool FitsInt64(double d) {
  return !std::isnan(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0;
}

double TsRound(double j) { return rint(j * 1000000.0) / 1000000.0; }

}  // namespace

Interval ParseInterval(std::string_view s) {
  std::vector<DtField> fields;
  ItmIn itm;
  DtErr e = DtErr::kBadFormat;
  if (ParseDateTimeFields(s, &fields)) e = DecodeIntervalFields(fields, &itm);
  if (e == DtErr::kBadFormat) {
    itm = ItmIn();
    e = DecodeIso8601Interval(std::string(s), &itm);
  }
  if (e != DtErr::kOk) {
    if (e == DtErr::kFieldOverflow) e = DtErr::kIntervalOverflow;
    ThrowDateTimeParseError(e, s, "interval");
  }
  Interval r;
  int32_t months;
  if (__builtin_mul_overflow(itm.year, 12, &months) ||
      __builtin_add_overflow(months, itm.mon, &r.month)) {
    ThrowIntervalOutOfRange();
  }
  r.day = itm.mday;
  r.time = itm.usec;
  return r;
}

Interval IntervalPlus(const Interval& a, const Interval& b) {
  Interval r;
  if (__builtin_add_overflow(a.month, b.month, &r.month) ||
      __builtin_add_overflow(a.day, b.day, &r.day) ||
      __builtin_add_overflow(a.time, b.time, &r.time))
    ThrowIntervalOutOfRange();
  return r;
}

Interval IntervalMinus(const Interval& a, const Interval& b) {
  Interval r;
  if (__builtin_sub_overflow(a.month, b.month, &r.month) ||
      __builtin_sub_overflow(a.day, b.day, &r.day) ||
      __builtin_sub_overflow(a.time, b.time, &r.time))
    ThrowIntervalOutOfRange();
  return r;
}

Interval IntervalNegate(const Interval& a) { return IntervalMinus(Interval(), a); }

Interval IntervalMul(const Interval& span, double factor) {
  Interval r;
  double result_double = span.month * factor;
  if (!FitsInt32(result_double)) ThrowIntervalOutOfRange();
  r.month = static_cast<int32_t>(result_double);
  result_double = span.day * factor;
  if (!FitsInt32(result_double)) ThrowIntervalOutOfRange();
  r.day = static_cast<int32_t>(result_double);
  double month_remainder_days = (span.month * factor - r.month) * kDaysPerMonth;
  month_remainder_days = TsRound(month_remainder_days);
  double sec_remainder = (span.day * factor - r.day + month_remainder_days -
                          static_cast<int>(month_remainder_days)) *
                         kSecsPerDay;
  sec_remainder = TsRound(sec_remainder);
  if (std::fabs(sec_remainder) >= kSecsPerDay) {
    if (__builtin_add_overflow(r.day, static_cast<int>(sec_remainder / kSecsPerDay), &r.day))
      ThrowIntervalOutOfRange();
    sec_remainder -= static_cast<int>(sec_remainder / kSecsPerDay) * kSecsPerDay;
  }
  if (__builtin_add_overflow(r.day, static_cast<int32_t>(month_remainder_days), &r.day))
    ThrowIntervalOutOfRange();
  result_double = rint(static_cast<double>(span.time) * factor + sec_remainder * kUsecsPerSec);
  if (!FitsInt64(result_double)) ThrowIntervalOutOfRange();
  r.time = static_cast<int64_t>(result_double);
  return r;
}

Interval IntervalDiv(const Interval& span, double factor) {
  if (factor == 0.0) throw PgError(sqlstate::kDivisionByZero, "division by zero");
  Interval r;
  r.month = static_cast<int32_t>(span.month / factor);
  r.day = static_cast<int32_t>(span.day / factor);
  double month_remainder_days = (span.month / factor - r.month) * kDaysPerMonth;
  month_remainder_days = TsRound(month_remainder_days);
  double sec_remainder = (span.day / factor - r.day + month_remainder_days -
                          static_cast<int>(month_remainder_days)) *
                         kSecsPerDay;
  sec_remainder = TsRound(sec_remainder);
  if (std::fabs(sec_remainder) >= kSecsPerDay) {
    r.day += static_cast<int>(sec_remainder / kSecsPerDay);
    sec_remainder -= static_cast<int>(sec_remainder / kSecsPerDay) * kSecsPerDay;
  }
  r.day += static_cast<int32_t>(month_remainder_days);
  double t = rint(static_cast<double>(span.time) / factor + sec_remainder * kUsecsPerSec);
  if (!FitsInt64(t)) ThrowIntervalOutOfRange();
  r.time = static_cast<int64_t>(t);
  return r;
}

Interval JustifyHours(const Interval& a) {
  Interval r = a;
  int64_t wholeday = r.time / kUsecsPerDay;
  r.time -= wholeday * kUsecsPerDay;
  int32_t d;
  if (wholeday > INT32_MAX || wholeday < INT32_MIN ||
      __builtin_add_overflow(r.day, static_cast<int32_t>(wholeday), &d))
    ThrowIntervalOutOfRange();
  r.day = d;
  if (r.day > 0 && r.time < 0) {
    r.time += kUsecsPerDay;
    r.day--;
  } else if (r.day < 0 && r.time > 0) {
    r.time -= kUsecsPerDay;
    r.day++;
  }
  return r;
}

Interval JustifyDays(const Interval& a) {
  Interval r = a;
  int32_t wholemonth = r.day / kDaysPerMonth;
  r.day -= wholemonth * kDaysPerMonth;
  if (__builtin_add_overflow(r.month, wholemonth, &r.month)) ThrowIntervalOutOfRange();
  if (r.month > 0 && r.day < 0) {
    r.day += kDaysPerMonth;
    r.month--;
  } else if (r.month < 0 && r.day > 0) {
    r.day -= kDaysPerMonth;
    r.month++;
  }
  return r;
}

Interval JustifyInterval(const Interval& a) {
  Interval r = a;
  int64_t wholeday = r.time / kUsecsPerDay;
  r.time -= wholeday * kUsecsPerDay;
  int32_t d;
  if (wholeday > INT32_MAX || wholeday < INT32_MIN ||
      __builtin_add_overflow(r.day, static_cast<int32_t>(wholeday), &d))
    ThrowIntervalOutOfRange();
  r.day = d;
  int32_t wholemonth = r.day / kDaysPerMonth;
  r.day -= wholemonth * kDaysPerMonth;
  if (__builtin_add_overflow(r.month, wholemonth, &r.month)) ThrowIntervalOutOfRange();
  if (r.month > 0 && (r.day < 0 || (r.day == 0 && r.time < 0))) {
    r.day += kDaysPerMonth;
    r.month--;
  } else if (r.month < 0 && (r.day > 0 || (r.day == 0 && r.time > 0))) {
    r.day -= kDaysPerMonth;
    r.month++;
  }
  if (r.day > 0 && r.time < 0) {
    r.time += kUsecsPerDay;
    r.day--;
  } else if (r.day < 0 && r.time > 0) {
    r.time -= kUsecsPerDay;
    r.day++;
  }
  return r;
}

Interval MakeInterval(int years, int months, int weeks, int days, int hours, int mins,
                      double secs) {
  if (std::isinf(secs) || std::isnan(secs)) ThrowIntervalOutOfRange();
  Interval r;
  // PostgreSQL 15 does these in plain int arithmetic (wrapping).
  r.month = static_cast<int32_t>(static_cast<uint32_t>(years) * 12u + static_cast<uint32_t>(months));
  r.day = static_cast<int32_t>(static_cast<uint32_t>(weeks) * 7u + static_cast<uint32_t>(days));
  double t = rint(secs * kUsecsPerSec);
  if (!FitsInt64(t)) ThrowIntervalOutOfRange();
  int64_t usec = static_cast<int64_t>(t);
  int64_t x;
  if (__builtin_mul_overflow(int64_t{hours}, kUsecsPerHour, &x) ||
      __builtin_add_overflow(usec, x, &usec) ||
      __builtin_mul_overflow(int64_t{mins}, kUsecsPerMinute, &x) ||
      __builtin_add_overflow(usec, x, &usec))
    ThrowIntervalOutOfRange();
  r.time = usec;
  return r;
}

}  // namespace immu
