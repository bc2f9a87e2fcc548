// Text input of date, time, timetz, timestamp and timestamptz: a port of
// PostgreSQL 15's ParseDateTime / DecodeDateTime / DecodeTimeOnly with
// DateStyle = ISO, MDY.

#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "catalog/pg_error.h"
#include "sql/datetime.h"
#include "sql/datetime_internal.h"

namespace immu {

namespace {

// Token types (PostgreSQL's datetime.h numbering, used as mask bits).
enum TokType {
  kReserv = 0, kMonth = 1, kYear = 2, kDay = 3, kJulian = 4, kTz = 5, kDtz = 6, kDynTz = 7,
  kIgnore = 8, kAmPm = 9, kHour = 10, kMinute = 11, kSecond = 12, kMillisecond = 13,
  kMicrosecond = 14, kDoy = 15, kDow = 16, kUnits = 17, kAdBc = 18, kIsoTime = 23, kDtzMod = 28,
  kUnknown = 31
};
constexpr int M(int t) { return 1 << t; }
constexpr int kDateM = M(kYear) | M(kMonth) | M(kDay);
constexpr int kTimeM = M(kHour) | M(kMinute) | M(kSecond) | M(kMillisecond) | M(kMicrosecond);

// Values of reserved words / units.
enum Reserved { kNow = 1, kToday, kTomorrow, kYesterday, kZulu, kEpoch, kLate, kEarly, kDtkTime,
                kDtkJulian, kDtkOther };
enum Mer { kAm = 0, kPm = 1, kHr24 = 2 };

struct Token {
  const char* token;
  int type;
  int value;
};

// PostgreSQL's datetktbl (sorted).
constexpr Token kDateTokens[] = {
    {"-infinity", kReserv, kEarly}, {"ad", kAdBc, 0},        {"allballs", kReserv, kZulu},
    {"am", kAmPm, kAm},             {"apr", kMonth, 4},      {"april", kMonth, 4},
    {"at", kIgnore, 0},             {"aug", kMonth, 8},      {"august", kMonth, 8},
    {"bc", kAdBc, 1},               {"d", kUnits, kDtkOther}, {"dec", kMonth, 12},
    {"december", kMonth, 12},       {"dow", kUnits, kDtkOther}, {"doy", kUnits, kDtkOther},
    {"dst", kDtzMod, 3600},         {"epoch", kReserv, kEpoch}, {"feb", kMonth, 2},
    {"february", kMonth, 2},        {"fri", kDow, 5},        {"friday", kDow, 5},
    {"h", kUnits, kDtkOther},       {"infinity", kReserv, kLate}, {"isodow", kUnits, kDtkOther},
    {"isoyear", kUnits, kDtkOther}, {"j", kUnits, kDtkJulian}, {"jan", kMonth, 1},
    {"january", kMonth, 1},         {"jd", kUnits, kDtkJulian}, {"jul", kMonth, 7},
    {"julian", kUnits, kDtkJulian}, {"july", kMonth, 7},     {"jun", kMonth, 6},
    {"june", kMonth, 6},            {"m", kUnits, kDtkOther}, {"mar", kMonth, 3},
    {"march", kMonth, 3},           {"may", kMonth, 5},      {"mm", kUnits, kDtkOther},
    {"mon", kDow, 1},               {"monday", kDow, 1},     {"nov", kMonth, 11},
    {"november", kMonth, 11},       {"now", kReserv, kNow},  {"oct", kMonth, 10},
    {"october", kMonth, 10},        {"on", kIgnore, 0},      {"pm", kAmPm, kPm},
    {"s", kUnits, kDtkOther},       {"sat", kDow, 6},        {"saturday", kDow, 6},
    {"sep", kMonth, 9},             {"sept", kMonth, 9},     {"september", kMonth, 9},
    {"sun", kDow, 0},               {"sunday", kDow, 0},     {"t", kIsoTime, kDtkTime},
    {"thu", kDow, 4},               {"thur", kDow, 4},       {"thurs", kDow, 4},
    {"thursday", kDow, 4},          {"today", kReserv, kToday}, {"tomorrow", kReserv, kTomorrow},
    {"tue", kDow, 2},               {"tues", kDow, 2},       {"tuesday", kDow, 2},
    {"wed", kDow, 3},               {"wednesday", kDow, 3},  {"weds", kDow, 3},
    {"y", kUnits, kDtkOther},       {"yesterday", kReserv, kYesterday},
};

const Token* FindDateToken(std::string_view s) {
  // PostgreSQL compares the first TOKMAXLEN (10) characters.
  std::string_view key = s.substr(0, 10);
  for (const Token& t : kDateTokens) {
    if (std::string_view(t.token).substr(0, 10) == key) return &t;
  }
  return nullptr;
}

bool IsDigit(char c) { return isdigit(static_cast<unsigned char>(c)) != 0; }
bool IsAlpha(char c) { return isalpha(static_cast<unsigned char>(c)) != 0; }
char Lower(char c) { return static_cast<char>(tolower(static_cast<unsigned char>(c))); }

// strtol-like parse of an int from s at *pos; errno-style overflow flag.
int64_t StrToI64(const std::string& s, size_t* pos, bool* overflow) {
  const char* b = s.c_str() + *pos;
  char* e;
  errno = 0;
  long long v = strtoll(b, &e, 10);
  if (errno == ERANGE) *overflow = true;
  *pos += e - b;
  return v;
}

int StrToInt(const std::string& s, size_t* pos, bool* overflow) {
  int64_t v = StrToI64(s, pos, overflow);
  if (v > INT_MAX || v < INT_MIN) {
    *overflow = true;
    return 0;
  }
  return static_cast<int>(v);
}

DtErr ParseFractionalSecond(const std::string& s, size_t pos, int64_t* fsec) {
  const char* b = s.c_str() + pos;
  char* e;
  errno = 0;
  double frac = strtod(b, &e);
  if (*e != '\0' || errno != 0) return DtErr::kBadFormat;
  *fsec = static_cast<int64_t>(rint(frac * 1000000));
  return DtErr::kOk;
}

struct DecodeState {
  PgTm tm;
  int64_t fsec = 0;
  int yday = 0;
  bool is2digits = false;
  bool bc = false;
  bool isjulian = false;
  DateOrder order = DateOrder::kMdy;  // DateStyle's field order
};

bool TimeOverflows(int hour, int min, int sec, int64_t fsec) {
  if (hour < 0 || hour > 24 || min < 0 || min >= 60 || sec < 0 || sec > 60 || fsec < 0 ||
      fsec > kUsecsPerSec)
    return true;
  return ((int64_t{hour} * 60 + min) * 60 + sec) * kUsecsPerSec + fsec > kUsecsPerDay;
}

DtErr DecodeTime(const std::string& str, int* tmask, DecodeState* st) {
  PgTm& tm = st->tm;
  *tmask = kTimeM;
  bool of = false;
  size_t pos = 0;
  tm.hour = StrToInt(str, &pos, &of);
  if (of) return DtErr::kFieldOverflow;
  if (pos >= str.size() || str[pos] != ':') return DtErr::kBadFormat;
  pos++;
  tm.min = StrToInt(str, &pos, &of);
  if (of) return DtErr::kFieldOverflow;
  if (pos == str.size()) {
    tm.sec = 0;
    st->fsec = 0;
  } else if (str[pos] == '.') {
    DtErr e = ParseFractionalSecond(str, pos, &st->fsec);
    if (e != DtErr::kOk) return e;
    tm.sec = tm.min;
    tm.min = tm.hour;
    tm.hour = 0;
  } else if (str[pos] == ':') {
    pos++;
    tm.sec = StrToInt(str, &pos, &of);
    if (of) return DtErr::kFieldOverflow;
    if (pos == str.size()) {
      st->fsec = 0;
    } else if (str[pos] == '.') {
      DtErr e = ParseFractionalSecond(str, pos, &st->fsec);
      if (e != DtErr::kOk) return e;
    } else {
      return DtErr::kBadFormat;
    }
  } else {
    return DtErr::kBadFormat;
  }
  if (tm.hour < 0 || tm.min < 0 || tm.min > 59 || tm.sec < 0 || tm.sec > 60 || st->fsec < 0 ||
      st->fsec > kUsecsPerSec)
    return DtErr::kFieldOverflow;
  return DtErr::kOk;
}

// Returns <0 style errors as DtErr; *ret_type receives kDate/kTime on success.
DtErr DecodeNumberField(std::string str, int fmask, int* tmask, DecodeState* st) {
  PgTm& tm = st->tm;
  size_t dot = str.find('.');
  if (dot != std::string::npos) {
    errno = 0;
    double frac = strtod(str.c_str() + dot, nullptr);
    if (errno != 0) return DtErr::kBadFormat;
    st->fsec = static_cast<int64_t>(rint(frac * 1000000));
    str.resize(dot);
  } else if ((fmask & kDateM) != kDateM) {
    if (str.size() >= 6) {
      size_t len = str.size();
      *tmask = kDateM;
      tm.mday = atoi(str.c_str() + len - 2);
      tm.mon = atoi(str.substr(len - 4, 2).c_str());
      tm.year = atoi(str.substr(0, len - 4).c_str());
      if (len - 4 == 2) st->is2digits = true;
      return DtErr::kOk;
    }
  }
  if ((fmask & kTimeM) != kTimeM) {
    if (str.size() == 6) {
      *tmask = kTimeM;
      tm.sec = atoi(str.substr(4, 2).c_str());
      tm.min = atoi(str.substr(2, 2).c_str());
      tm.hour = atoi(str.substr(0, 2).c_str());
      return DtErr::kOk;
    } else if (str.size() == 4) {
      *tmask = kTimeM;
      tm.sec = 0;
      tm.min = atoi(str.substr(2, 2).c_str());
      tm.hour = atoi(str.substr(0, 2).c_str());
      return DtErr::kOk;
    }
  }
  return DtErr::kBadFormat;
}

DtErr DecodeNumber(const std::string& str, bool have_text_month, int fmask, int* tmask,
                   DecodeState* st) {
  PgTm& tm = st->tm;
  int flen = static_cast<int>(str.size());
  *tmask = 0;
  bool of = false;
  size_t pos = 0;
  int val = StrToInt(str, &pos, &of);
  if (of) return DtErr::kFieldOverflow;
  if (pos == 0) return DtErr::kBadFormat;
  if (pos < str.size() && str[pos] == '.') {
    if (pos > 2) return DecodeNumberField(str, fmask | kDateM, tmask, st);
    DtErr e = ParseFractionalSecond(str, pos, &st->fsec);
    if (e != DtErr::kOk) return e;
  } else if (pos != str.size()) {
    return DtErr::kBadFormat;
  }
  if (flen == 3 && (fmask & kDateM) == M(kYear) && val >= 1 && val <= 366) {
    *tmask = M(kDoy) | M(kMonth) | M(kDay);
    st->yday = val;
    return DtErr::kOk;
  }
  switch (fmask & kDateM) {
    case 0:  // the first field decides, by DateStyle's order
      if (flen >= 3 || st->order == DateOrder::kYmd) {
        *tmask = M(kYear);
        tm.year = val;
      } else if (st->order == DateOrder::kDmy) {
        *tmask = M(kDay);
        tm.mday = val;
      } else {
        *tmask = M(kMonth);
        tm.mon = val;
      }
      break;
    case M(kYear):
      *tmask = M(kMonth);
      tm.mon = val;
      break;
    case M(kMonth):
      if (have_text_month) {
        if (flen >= 3 || st->order == DateOrder::kYmd) {
          *tmask = M(kYear);
          tm.year = val;
        } else {
          *tmask = M(kDay);
          tm.mday = val;
        }
      } else {
        *tmask = M(kDay);
        tm.mday = val;
      }
      break;
    case M(kYear) | M(kMonth):
      if (have_text_month && flen >= 3 && st->is2digits) {
        *tmask = M(kDay);
        tm.mday = tm.year;
        tm.year = val;
        st->is2digits = false;
      } else {
        *tmask = M(kDay);
        tm.mday = val;
      }
      break;
    case M(kDay):
      *tmask = M(kMonth);
      tm.mon = val;
      break;
    case M(kMonth) | M(kDay):
      *tmask = M(kYear);
      tm.year = val;
      break;
    case kDateM:
      return DecodeNumberField(str, fmask, tmask, st);
    default:
      return DtErr::kBadFormat;
  }
  if (*tmask == M(kYear)) st->is2digits = flen <= 2;
  return DtErr::kOk;
}

DtErr DecodeDate(const std::string& s, int fmask, int* tmask, DecodeState* st) {
  std::vector<std::string> fields;
  size_t i = 0;
  *tmask = 0;
  while (i < s.size() && fields.size() < 25) {
    while (i < s.size() && !isalnum(static_cast<unsigned char>(s[i]))) i++;
    if (i == s.size()) return DtErr::kBadFormat;
    size_t b = i;
    if (IsDigit(s[i])) {
      while (i < s.size() && IsDigit(s[i])) i++;
    } else if (IsAlpha(s[i])) {
      while (i < s.size() && IsAlpha(s[i])) i++;
    }
    fields.push_back(s.substr(b, i - b));
    if (i < s.size()) i++;
  }
  bool have_text_month = false;
  std::vector<bool> done(fields.size(), false);
  for (size_t k = 0; k < fields.size(); k++) {
    if (!fields[k].empty() && IsAlpha(fields[k][0])) {
      const Token* t = FindDateToken(fields[k]);
      if (t != nullptr && t->type == kIgnore) continue;
      if (t == nullptr || t->type != kMonth) return DtErr::kBadFormat;
      st->tm.mon = t->value;
      have_text_month = true;
      if (fmask & M(kMonth)) return DtErr::kBadFormat;
      fmask |= M(kMonth);
      *tmask |= M(kMonth);
      done[k] = true;
    }
  }
  for (size_t k = 0; k < fields.size(); k++) {
    if (done[k]) continue;
    if (fields[k].empty()) return DtErr::kBadFormat;
    int dmask;
    DtErr e = DecodeNumber(fields[k], have_text_month, fmask, &dmask, st);
    if (e != DtErr::kOk) return e;
    if (fmask & dmask) return DtErr::kBadFormat;
    fmask |= dmask;
    *tmask |= dmask;
  }
  if ((fmask & ~(M(kDoy) | M(kTz))) != kDateM) return DtErr::kBadFormat;
  return DtErr::kOk;
}

DtErr DecodeTimezone(const std::string& str, int32_t* west) {
  if (str.empty() || (str[0] != '+' && str[0] != '-')) return DtErr::kBadFormat;
  bool of = false;
  size_t pos = 1;
  int hr = StrToInt(str, &pos, &of);
  int min = 0, sec = 0;
  if (of) return DtErr::kTzDispOverflow;
  if (pos < str.size() && str[pos] == ':') {
    pos++;
    min = StrToInt(str, &pos, &of);
    if (of) return DtErr::kTzDispOverflow;
    if (pos < str.size() && str[pos] == ':') {
      pos++;
      sec = StrToInt(str, &pos, &of);
      if (of) return DtErr::kTzDispOverflow;
    }
  } else if (pos == str.size() && str.size() > 3) {
    min = hr % 100;
    hr = hr / 100;
  }
  if (hr < 0 || hr > 15 || min < 0 || min >= 60 || sec < 0 || sec >= 60) {
    return DtErr::kTzDispOverflow;
  }
  int32_t tz = (hr * 60 + min) * 60 + sec;
  if (str[0] == '-') tz = -tz;
  *west = -tz;
  if (pos != str.size()) return DtErr::kBadFormat;
  return DtErr::kOk;
}

DtErr ValidateDate(int fmask, DecodeState* st) {
  PgTm& tm = st->tm;
  if (fmask & kDateM) {
    if (st->isjulian) {
    } else if (st->bc) {
      if (tm.year <= 0) return DtErr::kFieldOverflow;
      tm.year = -(tm.year - 1);
    } else if (st->is2digits) {
      if (tm.year < 0) return DtErr::kFieldOverflow;
      if (tm.year < 70) {
        tm.year += 2000;
      } else if (tm.year < 100) {
        tm.year += 1900;
      }
    } else if (tm.year <= 0) {
      return DtErr::kFieldOverflow;
    }
  }
  if (fmask & M(kDoy)) {
    J2Date(Date2J(tm.year, 1, 1) + st->yday - 1, &tm.year, &tm.mon, &tm.mday);
  }
  if ((fmask & M(kMonth)) && (tm.mon < 1 || tm.mon > 12)) return DtErr::kMdFieldOverflow;
  if ((fmask & M(kDay)) && (tm.mday < 1 || tm.mday > 31)) return DtErr::kMdFieldOverflow;
  if ((fmask & kDateM) == kDateM && tm.mday > DaysInMonth(tm.year, tm.mon)) {
    return DtErr::kFieldOverflow;
  }
  return DtErr::kOk;
}

[[noreturn]] void ThrowZoneNotRecognized(const std::string& name) {
  throw PgError(sqlstate::kInvalidParameterValue, "time zone \"" + name + "\" not recognized");
}

// Result kinds of DecodeDateTime.
enum class DType { kDate, kTime, kEpoch, kLate, kEarly };

struct DecodeOut {
  DType dtype = DType::kDate;
  DecodeState st;
  int32_t tz_west = 0;
  bool has_tz = false;
};

void CurrentLocal(const DateTimeContext& ctx, PgTm* tm) {
  TimestampToTm(ctx.now, &ctx.session_zone, tm);
}

// PostgreSQL's DecodeDateTime. Returns kOk, an error, or (like PG's "return
// 1") kBadFormat for a time without a date.
DtErr DecodeDateTime(const std::vector<DtField>& f, const DateTimeContext& ctx, DecodeOut* out) {
  DecodeState& st = out->st;
  st.order = ctx.date_order;
  PgTm& tm = st.tm;
  tm = PgTm();
  tm.year = 0;
  tm.mon = 0;
  tm.mday = 0;
  int fmask = 0, tmask = 0, ptype = 0;
  int mer = kHr24;
  bool have_text_month = false;
  std::optional<TimeZone> named_tz;
  std::string dyn_zone;
  int nf = static_cast<int>(f.size());
  for (int i = 0; i < nf; i++) {
    const std::string& field = f[i].text;
    tmask = 0;
    switch (f[i].type) {
      case FieldType::kDate:
        if (ptype != 0 || (fmask & (M(kMonth) | M(kDay))) == (M(kMonth) | M(kDay))) {
          if (IsDigit(field[0]) || ptype != 0) return DtErr::kBadFormat;
          named_tz = TimeZone::Load(field);
          if (!named_tz) ThrowZoneNotRecognized(field);
          tmask = M(kTz);
        } else {
          DtErr e = DecodeDate(field, fmask, &tmask, &st);
          if (e != DtErr::kOk) return e;
        }
        break;
      case FieldType::kTime:
        if (ptype != 0) {
          if (ptype != kDtkTime) return DtErr::kBadFormat;
          ptype = 0;
        }
        {
          DtErr e = DecodeTime(field, &tmask, &st);
          if (e != DtErr::kOk) return e;
          if (TimeOverflows(tm.hour, tm.min, tm.sec, st.fsec)) return DtErr::kFieldOverflow;
        }
        break;
      case FieldType::kTz: {
        int32_t west;
        DtErr e = DecodeTimezone(field, &west);
        if (e != DtErr::kOk) return e;
        out->tz_west = west;
        tmask = M(kTz);
        break;
      }
      case FieldType::kNumber:
        if (ptype != 0) {
          if (ptype == kDtkJulian) {
            bool of = false;
            size_t pos = 0;
            int64_t val = StrToI64(field, &pos, &of);
            if (of || pos != field.size() || val < 0 || val > INT_MAX) return DtErr::kFieldOverflow;
            tmask = kDateM;
            J2Date(static_cast<int>(val), &tm.year, &tm.mon, &tm.mday);
            st.isjulian = true;
          } else if (ptype == kDtkTime) {
            DtErr e = DecodeNumberField(field, fmask | kDateM, &tmask, &st);
            if (e != DtErr::kOk) return e;
          } else {
            return DtErr::kBadFormat;
          }
          ptype = 0;
        } else {
          size_t dot = field.find('.');
          if (dot != std::string::npos && !(fmask & kDateM)) {
            DtErr e = DecodeDate(field, fmask, &tmask, &st);
            if (e != DtErr::kOk) return e;
          } else if (dot != std::string::npos && dot > 2) {
            DtErr e = DecodeNumberField(field, fmask, &tmask, &st);
            if (e != DtErr::kOk) return e;
          } else if (field.size() >= 6 && (!(fmask & kDateM) || !(fmask & kTimeM))) {
            DtErr e = DecodeNumberField(field, fmask, &tmask, &st);
            if (e != DtErr::kOk) return e;
          } else {
            DtErr e = DecodeNumber(field, have_text_month, fmask, &tmask, &st);
            if (e != DtErr::kOk) return e;
          }
        }
        break;
      case FieldType::kString:
      case FieldType::kSpecial: {
        int32_t east;
        bool isdst;
        int type, val = 0;
        std::string dz;
        if (LookupZoneAbbrev(field, &east, &isdst, &dz)) {
          type = !dz.empty() ? kDynTz : (isdst ? kDtz : kTz);
          val = east;
        } else if (const Token* t = FindDateToken(field)) {
          type = t->type;
          val = t->value;
        } else {
          type = kUnknown;
        }
        if (type == kIgnore) continue;
        tmask = M(type);
        switch (type) {
          case kReserv:
            switch (val) {
              case kNow: {
                tmask = kDateM | kTimeM | M(kTz);
                out->dtype = DType::kDate;
                PgTm cur;
                CurrentLocal(ctx, &cur);
                tm.year = cur.year;
                tm.mon = cur.mon;
                tm.mday = cur.mday;
                tm.hour = cur.hour;
                tm.min = cur.min;
                tm.sec = cur.sec;
                st.fsec = cur.fsec;
                out->tz_west = -cur.gmtoff;
                break;
              }
              case kYesterday:
              case kToday:
              case kTomorrow: {
                tmask = kDateM;
                out->dtype = DType::kDate;
                PgTm cur;
                CurrentLocal(ctx, &cur);
                int delta = val == kYesterday ? -1 : (val == kTomorrow ? 1 : 0);
                J2Date(Date2J(cur.year, cur.mon, cur.mday) + delta, &tm.year, &tm.mon, &tm.mday);
                break;
              }
              case kZulu:
                tmask = kTimeM | M(kTz);
                out->dtype = DType::kDate;
                tm.hour = tm.min = tm.sec = 0;
                out->tz_west = 0;
                break;
              case kEpoch:
                tmask = M(kReserv);
                out->dtype = DType::kEpoch;
                break;
              case kLate:
                tmask = M(kReserv);
                out->dtype = DType::kLate;
                break;
              case kEarly:
                tmask = M(kReserv);
                out->dtype = DType::kEarly;
                break;
              default:
                return DtErr::kBadFormat;
            }
            break;
          case kMonth:
            if ((fmask & M(kMonth)) && !have_text_month && !(fmask & M(kDay)) && tm.mon >= 1 &&
                tm.mon <= 31) {
              tm.mday = tm.mon;
              tmask = M(kDay);
            }
            have_text_month = true;
            tm.mon = val;
            break;
          case kDtzMod:
            tmask |= M(kDtz);
            out->tz_west -= val;
            break;
          case kDtz:
            tmask |= M(kTz);
            out->tz_west = -val;
            break;
          case kTz:
            out->tz_west = -val;
            break;
          case kDynTz:
            tmask |= M(kTz);
            dyn_zone = dz;
            break;
          case kAmPm:
            mer = val;
            break;
          case kAdBc:
            st.bc = val == 1;
            break;
          case kDow:
            break;
          case kUnits:
            tmask = 0;
            ptype = val;
            break;
          case kIsoTime:
            tmask = 0;
            if ((fmask & kDateM) != kDateM) return DtErr::kBadFormat;
            if (i >= nf - 1 || (f[i + 1].type != FieldType::kNumber &&
                                f[i + 1].type != FieldType::kTime && f[i + 1].type != FieldType::kDate))
              return DtErr::kBadFormat;
            ptype = val;
            break;
          case kUnknown:
            named_tz = TimeZone::Load(field);
            if (!named_tz) return DtErr::kBadFormat;
            tmask = M(kTz);
            break;
          default:
            return DtErr::kBadFormat;
        }
        break;
      }
      default:
        return DtErr::kBadFormat;
    }
    if (tmask & fmask) return DtErr::kBadFormat;
    fmask |= tmask;
  }
  DtErr e = ValidateDate(fmask, &st);
  if (e != DtErr::kOk) return e;
  if (mer != kHr24 && tm.hour > 12) return DtErr::kFieldOverflow;
  if (mer == kAm && tm.hour == 12) {
    tm.hour = 0;
  } else if (mer == kPm && tm.hour != 12) {
    tm.hour += 12;
  }
  if (out->dtype == DType::kDate) {
    if ((fmask & kDateM) != kDateM) return DtErr::kBadFormat;
    tm.fsec = st.fsec;
    if (named_tz) {
      if (fmask & M(kDtzMod)) return DtErr::kBadFormat;
      out->tz_west = -DetermineOffset(tm, *named_tz);
    }
    if (!dyn_zone.empty()) {
      std::optional<TimeZone> z = TimeZone::Load(dyn_zone);
      if (z) out->tz_west = -DetermineOffset(tm, *z);
    }
    if (!(fmask & M(kTz))) {
      if (fmask & M(kDtzMod)) return DtErr::kBadFormat;
      out->tz_west = -DetermineOffset(tm, ctx.session_zone);
    }
  }
  return DtErr::kOk;
}

DtErr DecodeTimeOnly(std::vector<DtField> f, const DateTimeContext& ctx, DecodeOut* out) {
  DecodeState& st = out->st;
  st.order = ctx.date_order;
  PgTm& tm = st.tm;
  tm = PgTm();
  tm.year = tm.mon = tm.mday = 0;
  out->dtype = DType::kTime;
  int fmask = 0, tmask = 0, ptype = 0;
  int mer = kHr24;
  std::optional<TimeZone> named_tz;
  int nf = static_cast<int>(f.size());
  for (int i = 0; i < nf; i++) {
    const std::string field = f[i].text;
    tmask = 0;
    switch (f[i].type) {
      case FieldType::kDate:
        if (i == 0 && nf >= 2 && (f[nf - 1].type == FieldType::kDate || f[1].type == FieldType::kTime)) {
          DtErr e = DecodeDate(field, fmask, &tmask, &st);
          if (e != DtErr::kOk) return e;
        } else {
          if (IsDigit(field[0])) return DtErr::kBadFormat;
          named_tz = TimeZone::Load(field);
          if (!named_tz) ThrowZoneNotRecognized(field);
          tmask = M(kTz);
        }
        break;
      case FieldType::kTime: {
        if (ptype != 0) {
          if (ptype != kDtkTime) return DtErr::kBadFormat;
          ptype = 0;
        }
        DtErr e = DecodeTime(field, &tmask, &st);
        if (e != DtErr::kOk) return e;
        break;
      }
      case FieldType::kTz: {
        int32_t west;
        DtErr e = DecodeTimezone(field, &west);
        if (e != DtErr::kOk) return e;
        out->tz_west = west;
        out->has_tz = true;
        tmask = M(kTz);
        break;
      }
      case FieldType::kNumber: {
        if (ptype != 0) {
          if (ptype != kDtkTime) return DtErr::kBadFormat;
          DtErr e = DecodeNumberField(field, fmask | kDateM, &tmask, &st);
          if (e != DtErr::kOk) return e;
          ptype = 0;
          break;
        }
        size_t dot = field.find('.');
        DtErr e;
        if (dot != std::string::npos) {
          if (i == 0 && nf >= 2 && f[nf - 1].type == FieldType::kDate) {
            e = DecodeDate(field, fmask, &tmask, &st);
          } else if (dot > 2) {
            e = DecodeNumberField(field, fmask | kDateM, &tmask, &st);
          } else {
            return DtErr::kBadFormat;
          }
        } else if (field.size() > 4) {
          e = DecodeNumberField(field, fmask | kDateM, &tmask, &st);
        } else {
          e = DecodeNumber(field, false, fmask | kDateM, &tmask, &st);
        }
        if (e != DtErr::kOk) return e;
        break;
      }
      case FieldType::kString:
      case FieldType::kSpecial: {
        int32_t east;
        bool isdst;
        int type, val = 0;
        std::string dz;
        if (LookupZoneAbbrev(field, &east, &isdst, &dz) && dz.empty()) {
          type = isdst ? kDtz : kTz;
          val = east;
        } else if (const Token* t = FindDateToken(field)) {
          type = t->type;
          val = t->value;
        } else {
          type = kUnknown;
        }
        if (type == kIgnore) continue;
        tmask = M(type);
        switch (type) {
          case kReserv:
            if (val == kNow) {
              tmask = kTimeM;
              PgTm cur;
              CurrentLocal(ctx, &cur);
              tm.hour = cur.hour;
              tm.min = cur.min;
              tm.sec = cur.sec;
              st.fsec = cur.fsec;
            } else if (val == kZulu) {
              tmask = kTimeM | M(kTz);
              tm.hour = tm.min = tm.sec = 0;
              out->tz_west = 0;
              out->has_tz = true;
            } else {
              return DtErr::kBadFormat;
            }
            break;
          case kDtzMod:
            tmask |= M(kDtz);
            out->tz_west -= val;
            break;
          case kDtz:
            tmask |= M(kTz);
            out->tz_west = -val;
            out->has_tz = true;
            break;
          case kTz:
            out->tz_west = -val;
            out->has_tz = true;
            break;
          case kAmPm:
            mer = val;
            break;
          case kAdBc:
            st.bc = val == 1;
            break;
          case kUnits:
            tmask = 0;
            ptype = val;
            break;
          case kIsoTime:
            tmask = 0;
            if (i >= nf - 1 || (f[i + 1].type != FieldType::kNumber &&
                                f[i + 1].type != FieldType::kTime && f[i + 1].type != FieldType::kDate))
              return DtErr::kBadFormat;
            ptype = val;
            break;
          case kUnknown:
            named_tz = TimeZone::Load(field);
            if (!named_tz) return DtErr::kBadFormat;
            tmask = M(kTz);
            break;
          default:
            return DtErr::kBadFormat;
        }
        break;
      }
      default:
        return DtErr::kBadFormat;
    }
    if (tmask & fmask) return DtErr::kBadFormat;
    fmask |= tmask;
  }
  DtErr e = ValidateDate(fmask, &st);
  if (e != DtErr::kOk) return e;
  if (mer != kHr24 && tm.hour > 12) return DtErr::kFieldOverflow;
  if (mer == kAm && tm.hour == 12) {
    tm.hour = 0;
  } else if (mer == kPm && tm.hour != 12) {
    tm.hour += 12;
  }
  if (TimeOverflows(tm.hour, tm.min, tm.sec, st.fsec)) return DtErr::kFieldOverflow;
  if ((fmask & kTimeM) != kTimeM) return DtErr::kBadFormat;
  if (named_tz) {
    int32_t fixed;
    if (fmask & M(kDtzMod)) return DtErr::kBadFormat;
    if (named_tz->IsFixed(&fixed)) {
      out->tz_west = -fixed;
    } else {
      if ((fmask & kDateM) != kDateM) return DtErr::kBadFormat;
      out->tz_west = -DetermineOffset(tm, *named_tz);
    }
    out->has_tz = true;
  }
  if (!(fmask & M(kTz))) {
    if (fmask & M(kDtzMod)) return DtErr::kBadFormat;
    PgTm tmp;
    if ((fmask & kDateM) == 0) {
      CurrentLocal(ctx, &tmp);
    } else {
      if ((fmask & kDateM) != kDateM) return DtErr::kBadFormat;
      tmp.year = tm.year;
      tmp.mon = tm.mon;
      tmp.mday = tm.mday;
    }
    tmp.hour = tm.hour;
    tmp.min = tm.min;
    tmp.sec = tm.sec;
    out->tz_west = -DetermineOffset(tmp, ctx.session_zone);
  }
  return DtErr::kOk;
}

void DecodeOrThrow(std::string_view s, const DateTimeContext& ctx, const char* type_name,
                   bool time_only, DecodeOut* out) {
  std::vector<DtField> fields;
  DtErr e = DtErr::kBadFormat;
  if (ParseDateTimeFields(s, &fields)) {
    e = time_only ? DecodeTimeOnly(fields, ctx, out) : DecodeDateTime(fields, ctx, out);
  }
  if (e != DtErr::kOk) ThrowDateTimeParseError(e, s, type_name);
}

}  // namespace

bool ParseDateTimeFields(std::string_view s, std::vector<DtField>* fields) {
  size_t i = 0, n = s.size();
  auto at = [&](size_t k) { return k < n ? s[k] : '\0'; };
  while (i < n) {
    if (isspace(static_cast<unsigned char>(s[i]))) {
      i++;
      continue;
    }
    DtField f;
    std::string& b = f.text;
    if (IsDigit(s[i])) {
      while (IsDigit(at(i))) b += s[i++];
      if (at(i) == ':') {
        f.type = FieldType::kTime;
        b += s[i++];
        while (IsDigit(at(i)) || at(i) == ':' || at(i) == '.') b += s[i++];
      } else if (at(i) == '-' || at(i) == '/' || at(i) == '.') {
        char delim = s[i];
        b += s[i++];
        if (IsDigit(at(i))) {
          f.type = delim == '.' ? FieldType::kNumber : FieldType::kDate;
          while (IsDigit(at(i))) b += s[i++];
          if (at(i) == delim) {
            f.type = FieldType::kDate;
            b += s[i++];
            while (IsDigit(at(i)) || at(i) == delim) b += s[i++];
          }
        } else {
          f.type = FieldType::kDate;
          while (isalnum(static_cast<unsigned char>(at(i))) || (i < n && s[i] == delim)) {
            b += Lower(s[i++]);
          }
        }
      } else {
        f.type = FieldType::kNumber;
      }
    } else if (s[i] == '.') {
      b += s[i++];
      while (IsDigit(at(i))) b += s[i++];
      f.type = FieldType::kNumber;
    } else if (IsAlpha(s[i])) {
      f.type = FieldType::kString;
      while (IsAlpha(at(i))) b += Lower(s[i++]);
      bool is_date = false;
      char c = at(i);
      if (c == '-' || c == '/' || c == '.') {
        is_date = true;
      } else if (c == '+' || IsDigit(c)) {
        if (FindDateToken(b) == nullptr) is_date = true;
      }
      if (is_date) {
        f.type = FieldType::kDate;
        do {
          b += Lower(s[i++]);
        } while (i < n && (s[i] == '+' || s[i] == '-' || s[i] == '/' || s[i] == '_' ||
                           s[i] == '.' || s[i] == ':' || isalnum(static_cast<unsigned char>(s[i]))));
      }
    } else if (s[i] == '+' || s[i] == '-') {
      b += s[i++];
      while (i < n && isspace(static_cast<unsigned char>(s[i]))) i++;
      if (IsDigit(at(i))) {
        f.type = FieldType::kTz;
        b += s[i++];
        while (IsDigit(at(i)) || at(i) == ':' || at(i) == '.' || at(i) == '-') b += s[i++];
      } else if (IsAlpha(at(i))) {
        f.type = FieldType::kSpecial;
        while (IsAlpha(at(i))) b += Lower(s[i++]);
      } else {
        return false;
      }
    } else if (ispunct(static_cast<unsigned char>(s[i]))) {
      i++;
      continue;
    } else {
      return false;
    }
    fields->push_back(std::move(f));
    if (fields->size() > 25) return false;
  }
  return true;
}

void ThrowDateTimeParseError(DtErr err, std::string_view str, const char* type_name) {
  std::string s(str);
  switch (err) {
    case DtErr::kFieldOverflow:
      throw PgError(sqlstate::kDatetimeFieldOverflow,
                    "date/time field value out of range: \"" + s + "\"");
    case DtErr::kMdFieldOverflow:
      throw PgError(sqlstate::kDatetimeFieldOverflow,
                    "date/time field value out of range: \"" + s + "\"", "",
                    "Perhaps you need a different \"datestyle\" setting.");
    case DtErr::kIntervalOverflow:
      throw PgError(sqlstate::kIntervalFieldOverflow,
                    "interval field value out of range: \"" + s + "\"");
    case DtErr::kTzDispOverflow:
      throw PgError(sqlstate::kInvalidTimeZoneDisplacementValue,
                    "time zone displacement out of range: \"" + s + "\"");
    default:
      throw PgError(sqlstate::kInvalidDatetimeFormat,
                    std::string("invalid input syntax for type ") + type_name + ": \"" + s + "\"");
  }
}

DateAdt ParseDate(std::string_view s, const DateTimeContext& ctx) {
  DecodeOut out;
  DecodeOrThrow(s, ctx, "date", false, &out);
  PgTm& tm = out.st.tm;
  switch (out.dtype) {
    case DType::kDate:
      break;
    case DType::kEpoch:
      tm.year = 1970;
      tm.mon = 1;
      tm.mday = 1;
      break;
    case DType::kLate:
      return kDateNoEnd;
    case DType::kEarly:
      return kDateNoBegin;
    default:
      ThrowDateTimeParseError(DtErr::kBadFormat, s, "date");
  }
  auto range_error = [&] {
    throw PgError(sqlstate::kDatetimeFieldOverflow, "date out of range: \"" + std::string(s) + "\"");
  };
  if (!IsValidJulian(tm.year, tm.mon)) range_error();
  int64_t d = int64_t{Date2J(tm.year, tm.mon, tm.mday)} - kPostgresEpochJdate;
  if (d < -kPostgresEpochJdate || d >= int64_t{kDateEndJulian} - kPostgresEpochJdate) range_error();
  return static_cast<DateAdt>(d);
}

namespace {
Timestamp ParseTimestampCommon(std::string_view s, const DateTimeContext& ctx, bool with_tz) {
  const char* type_name = with_tz ? "timestamp with time zone" : "timestamp";
  DecodeOut out;
  DecodeOrThrow(s, ctx, type_name, false, &out);
  switch (out.dtype) {
    case DType::kDate: {
      Timestamp r;
      int32_t east = -out.tz_west;
      out.st.tm.fsec = out.st.fsec;
      if (!TmToTimestamp(out.st.tm, with_tz ? &east : nullptr, &r)) {
        throw PgError(sqlstate::kDatetimeFieldOverflow,
                      "timestamp out of range: \"" + std::string(s) + "\"");
      }
      return r;
    }
    case DType::kEpoch:
      return -kEpochDiffSecs * kUsecsPerSec;
    case DType::kLate:
      return kDtNoEnd;
    case DType::kEarly:
      return kDtNoBegin;
    default:
      ThrowDateTimeParseError(DtErr::kBadFormat, s, type_name);
  }
}
}  // namespace

Timestamp ParseTimestamp(std::string_view s, const DateTimeContext& ctx) {
  return ParseTimestampCommon(s, ctx, false);
}

TimestampTz ParseTimestampTz(std::string_view s, const DateTimeContext& ctx) {
  return ParseTimestampCommon(s, ctx, true);
}

TimeAdt ParseTime(std::string_view s, const DateTimeContext& ctx) {
  DecodeOut out;
  DecodeOrThrow(s, ctx, "time", true, &out);
  const PgTm& tm = out.st.tm;
  return ((int64_t{tm.hour} * 60 + tm.min) * 60 + tm.sec) * kUsecsPerSec + out.st.fsec;
}

TimeTzAdt ParseTimeTz(std::string_view s, const DateTimeContext& ctx) {
  DecodeOut out;
  DecodeOrThrow(s, ctx, "time with time zone", true, &out);
  const PgTm& tm = out.st.tm;
  TimeTzAdt r;
  r.time = ((int64_t{tm.hour} * 60 + tm.min) * 60 + tm.sec) * kUsecsPerSec + out.st.fsec;
  r.zone = out.tz_west;
  return r;
}

}  // namespace immu
