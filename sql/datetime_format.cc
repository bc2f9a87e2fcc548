// to_char / to_date / to_timestamp(text, text): the common subset of
// PostgreSQL's formatting.c.

#include "sql/datetime_format.h"

#include <algorithm>
#include <cctype>
#include <strings.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/datetime_internal.h"

namespace immu {

namespace {

enum class Key {
  kAD, kADdot, kAM, kAMdot, kBC, kBCdot, kCC, kDay, kDDD, kDD, kDy, kD, kFF1, kFF2, kFF3, kFF4,
  kFF5, kFF6, kFX, kHH24, kHH12, kHH, kIDDD, kID, kIW, kIYYY, kIYY, kIY, kI, kJ, kMI, kMM, kMonth,
  kMon, kMS, kOF, kPM, kPMdot, kQ, kRM, kSSSSS, kSSSS, kSS, kTZH, kTZM, kTZ, kUS, kWW, kW, kYcomma,
  kYYYY, kYYY, kYY, kY
};

// Case style of text output: "MONTH", "Month", "month".
enum class Case { kUpper, kCap, kLower };

struct KeyDef {
  const char* name;
  Key key;
  Case kcase;
  bool numeric;
  int len;  // fixed input width of numeric fields
};

// Longest first within the same prefix, as PostgreSQL's keyword table.
constexpr KeyDef kKeys[] = {
    {"A.D.", Key::kADdot, Case::kUpper, false, 0}, {"a.d.", Key::kADdot, Case::kLower, false, 0},
    {"A.M.", Key::kAMdot, Case::kUpper, false, 0}, {"a.m.", Key::kAMdot, Case::kLower, false, 0},
    {"AD", Key::kAD, Case::kUpper, false, 0},      {"ad", Key::kAD, Case::kLower, false, 0},
    {"AM", Key::kAM, Case::kUpper, false, 0},      {"am", Key::kAM, Case::kLower, false, 0},
    {"B.C.", Key::kBCdot, Case::kUpper, false, 0}, {"b.c.", Key::kBCdot, Case::kLower, false, 0},
    {"BC", Key::kBC, Case::kUpper, false, 0},      {"bc", Key::kBC, Case::kLower, false, 0},
    {"CC", Key::kCC, Case::kUpper, true, 2},       {"cc", Key::kCC, Case::kLower, true, 2},
    {"DAY", Key::kDay, Case::kUpper, false, 0},    {"Day", Key::kDay, Case::kCap, false, 0},
    {"day", Key::kDay, Case::kLower, false, 0},    {"DDD", Key::kDDD, Case::kUpper, true, 3},
    {"ddd", Key::kDDD, Case::kLower, true, 3},     {"DD", Key::kDD, Case::kUpper, true, 2},
    {"dd", Key::kDD, Case::kLower, true, 2},       {"DY", Key::kDy, Case::kUpper, false, 0},
    {"Dy", Key::kDy, Case::kCap, false, 0},        {"dy", Key::kDy, Case::kLower, false, 0},
    {"D", Key::kD, Case::kUpper, true, 1},         {"d", Key::kD, Case::kLower, true, 1},
    {"FF1", Key::kFF1, Case::kUpper, true, 1},     {"FF2", Key::kFF2, Case::kUpper, true, 2},
    {"FF3", Key::kFF3, Case::kUpper, true, 3},     {"FF4", Key::kFF4, Case::kUpper, true, 4},
    {"FF5", Key::kFF5, Case::kUpper, true, 5},     {"FF6", Key::kFF6, Case::kUpper, true, 6},
    {"ff1", Key::kFF1, Case::kLower, true, 1},     {"ff2", Key::kFF2, Case::kLower, true, 2},
    {"ff3", Key::kFF3, Case::kLower, true, 3},     {"ff4", Key::kFF4, Case::kLower, true, 4},
    {"ff5", Key::kFF5, Case::kLower, true, 5},     {"ff6", Key::kFF6, Case::kLower, true, 6},
    {"FX", Key::kFX, Case::kUpper, false, 0},      {"fx", Key::kFX, Case::kLower, false, 0},
    {"HH24", Key::kHH24, Case::kUpper, true, 2},   {"hh24", Key::kHH24, Case::kLower, true, 2},
    {"HH12", Key::kHH12, Case::kUpper, true, 2},   {"hh12", Key::kHH12, Case::kLower, true, 2},
    {"HH", Key::kHH, Case::kUpper, true, 2},       {"hh", Key::kHH, Case::kLower, true, 2},
    {"IDDD", Key::kIDDD, Case::kUpper, true, 3},   {"iddd", Key::kIDDD, Case::kLower, true, 3},
    {"ID", Key::kID, Case::kUpper, true, 1},       {"id", Key::kID, Case::kLower, true, 1},
    {"IW", Key::kIW, Case::kUpper, true, 2},       {"iw", Key::kIW, Case::kLower, true, 2},
    {"IYYY", Key::kIYYY, Case::kUpper, true, 4},   {"iyyy", Key::kIYYY, Case::kLower, true, 4},
    {"IYY", Key::kIYY, Case::kUpper, true, 3},     {"iyy", Key::kIYY, Case::kLower, true, 3},
    {"IY", Key::kIY, Case::kUpper, true, 2},       {"iy", Key::kIY, Case::kLower, true, 2},
    {"I", Key::kI, Case::kUpper, true, 1},         {"i", Key::kI, Case::kLower, true, 1},
    {"J", Key::kJ, Case::kUpper, true, 0},         {"j", Key::kJ, Case::kLower, true, 0},
    {"MI", Key::kMI, Case::kUpper, true, 2},       {"mi", Key::kMI, Case::kLower, true, 2},
    {"MM", Key::kMM, Case::kUpper, true, 2},       {"mm", Key::kMM, Case::kLower, true, 2},
    {"MONTH", Key::kMonth, Case::kUpper, false, 0}, {"Month", Key::kMonth, Case::kCap, false, 0},
    {"month", Key::kMonth, Case::kLower, false, 0}, {"MON", Key::kMon, Case::kUpper, false, 0},
    {"Mon", Key::kMon, Case::kCap, false, 0},      {"mon", Key::kMon, Case::kLower, false, 0},
    {"MS", Key::kMS, Case::kUpper, true, 3},       {"ms", Key::kMS, Case::kLower, true, 3},
    {"OF", Key::kOF, Case::kUpper, false, 0},      {"P.M.", Key::kPMdot, Case::kUpper, false, 0},
    {"p.m.", Key::kPMdot, Case::kLower, false, 0}, {"PM", Key::kPM, Case::kUpper, false, 0},
    {"pm", Key::kPM, Case::kLower, false, 0},      {"Q", Key::kQ, Case::kUpper, true, 1},
    {"q", Key::kQ, Case::kLower, true, 1},         {"RM", Key::kRM, Case::kUpper, false, 0},
    {"rm", Key::kRM, Case::kLower, false, 0},      {"SSSSS", Key::kSSSSS, Case::kUpper, true, 0},
    {"sssss", Key::kSSSSS, Case::kLower, true, 0}, {"SSSS", Key::kSSSS, Case::kUpper, true, 0},
    {"ssss", Key::kSSSS, Case::kLower, true, 0},   {"SS", Key::kSS, Case::kUpper, true, 2},
    {"ss", Key::kSS, Case::kLower, true, 2},       {"TZH", Key::kTZH, Case::kUpper, true, 2},
    {"TZM", Key::kTZM, Case::kUpper, true, 2},     {"TZ", Key::kTZ, Case::kUpper, false, 0},
    {"tzh", Key::kTZH, Case::kLower, true, 2},     {"tzm", Key::kTZM, Case::kLower, true, 2},
    {"tz", Key::kTZ, Case::kLower, false, 0},      {"US", Key::kUS, Case::kUpper, true, 6},
    {"us", Key::kUS, Case::kLower, true, 6},       {"WW", Key::kWW, Case::kUpper, true, 2},
    {"ww", Key::kWW, Case::kLower, true, 2},       {"W", Key::kW, Case::kUpper, true, 1},
    {"w", Key::kW, Case::kLower, true, 1},         {"Y,YYY", Key::kYcomma, Case::kUpper, true, 0},
    {"y,yyy", Key::kYcomma, Case::kLower, true, 0}, {"YYYY", Key::kYYYY, Case::kUpper, true, 4},
    {"yyyy", Key::kYYYY, Case::kLower, true, 4},   {"YYY", Key::kYYY, Case::kUpper, true, 3},
    {"yyy", Key::kYYY, Case::kLower, true, 3},     {"YY", Key::kYY, Case::kUpper, true, 2},
    {"yy", Key::kYY, Case::kLower, true, 2},       {"Y", Key::kY, Case::kUpper, true, 1},
    {"y", Key::kY, Case::kLower, true, 1},
};

struct Node {
  const KeyDef* key = nullptr;  // null: literal text
  std::string text;             // literal text
  bool fm = false;              // FM prefix
  int th = 0;                   // 1 = TH, 2 = th
};

std::vector<Node> ParseFormat(std::string_view f) {
  std::vector<Node> nodes;
  size_t i = 0;
  while (i < f.size()) {
    bool fm = false;
    size_t j = i;
    while (true) {
      if (f.compare(j, 2, "FM") == 0 || f.compare(j, 2, "fm") == 0) {
        fm = true;
        j += 2;
      } else if (f.compare(j, 2, "TM") == 0 || f.compare(j, 2, "tm") == 0) {
        j += 2;
      } else {
        break;
      }
    }
    const KeyDef* found = nullptr;
    for (const KeyDef& k : kKeys) {
      size_t n = strlen(k.name);
      if (f.compare(j, n, k.name) == 0) {
        found = &k;
        break;
      }
    }
    if (found != nullptr) {
      Node n;
      n.key = found;
      n.fm = fm;
      j += strlen(found->name);
      if (f.compare(j, 2, "TH") == 0) {
        n.th = 1;
        j += 2;
      } else if (f.compare(j, 2, "th") == 0) {
        n.th = 2;
        j += 2;
      }
      nodes.push_back(n);
      i = j;
      continue;
    }
    Node lit;
    if (f[i] == '"') {
      i++;
      while (i < f.size() && f[i] != '"') {
        if (f[i] == '\\' && i + 1 < f.size()) i++;
        lit.text += f[i++];
      }
      if (i < f.size()) i++;
      nodes.push_back(lit);
      continue;
    }
    if (f[i] == '\\' && i + 1 < f.size() && f[i + 1] == '"') i++;
    lit.text = std::string(1, f[i]);
    // Prefix characters that did not start a keyword are literal text.
    nodes.push_back(lit);
    i++;
  }
  return nodes;
}

constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                 "Thursday", "Friday", "Saturday"};
constexpr const char* kRoman[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"};

std::string ApplyCase(std::string s, Case c) {
  for (size_t i = 0; i < s.size(); i++) {
    unsigned char ch = static_cast<unsigned char>(s[i]);
    if (c == Case::kUpper || (c == Case::kCap && i == 0)) {
      s[i] = static_cast<char>(toupper(ch));
    } else {
      s[i] = static_cast<char>(tolower(ch));
    }
  }
  return s;
}

std::string Ordinal(long long n, int th) {
  long long a = n < 0 ? -n : n;
  const char* s = "th";
  if (a % 100 < 11 || a % 100 > 13) {
    if (a % 10 == 1) s = "st";
    if (a % 10 == 2) s = "nd";
    if (a % 10 == 3) s = "rd";
  }
  std::string r = s;
  if (th == 1) r = ApplyCase(r, Case::kUpper);
  return r;
}

std::string Num(long long v, int width, const Node& n) {
  char buf[64];
  if (n.fm) width = 0;
  if (v < 0 && width > 0) width++;
  snprintf(buf, sizeof(buf), "%0*lld", width, v);
  std::string s = buf;
  if (n.th) s += Ordinal(v, n.th);
  return s;
}

std::string Pad(const std::string& s, const Node& n, size_t width) {
  if (n.fm || s.size() >= width) return s;
  return s + std::string(width - s.size(), ' ');
}

struct CharTm {
  PgTm tm;
  bool has_zone = false;
  bool is_interval = false;
  int64_t hour = 0;  // may exceed 23 for intervals
};

std::string Render(const CharTm& ct, std::string_view fmt) {
  const PgTm& tm = ct.tm;
  std::vector<Node> nodes = ParseFormat(fmt);
  std::string out;
  int year_adj = ct.is_interval ? tm.year : (tm.year > 0 ? tm.year : -(tm.year - 1));
  bool has_date = !ct.is_interval;
  int jd = has_date ? Date2J(tm.year, tm.mon, tm.mday) : 0;
  int wday = has_date ? J2Day(jd) : 0;
  int yday = has_date ? jd - Date2J(tm.year, 1, 1) + 1 : 0;
  for (const Node& n : nodes) {
    if (n.key == nullptr) {
      out += n.text;
      continue;
    }
    Case c = n.key->kcase;
    switch (n.key->key) {
      case Key::kAD: case Key::kBC:
        out += ApplyCase(tm.year <= 0 ? "BC" : "AD", c);
        break;
      case Key::kADdot: case Key::kBCdot:
        out += ApplyCase(tm.year <= 0 ? "B.C." : "A.D.", c);
        break;
      case Key::kAM: case Key::kPM:
        out += ApplyCase(ct.hour % 24 >= 12 ? "PM" : "AM", c);
        break;
      case Key::kAMdot: case Key::kPMdot:
        out += ApplyCase(ct.hour % 24 >= 12 ? "P.M." : "A.M.", c);
        break;
      case Key::kHH24:
        out += Num(ct.hour, 2, n);
        break;
      case Key::kHH: case Key::kHH12: {
        long long h = ct.hour % 12 == 0 ? 12 : ct.hour % 12;
        out += Num(h, 2, n);
        break;
      }
      case Key::kMI:
        out += Num(tm.min, 2, n);
        break;
      case Key::kSS:
        out += Num(tm.sec, 2, n);
        break;
      case Key::kMS:
        out += Num(tm.fsec / 1000, 3, n);
        break;
      case Key::kUS:
        out += Num(tm.fsec, 6, n);
        break;
      case Key::kFF1: case Key::kFF2: case Key::kFF3: case Key::kFF4: case Key::kFF5:
      case Key::kFF6: {
        int digits = static_cast<int>(n.key->key) - static_cast<int>(Key::kFF1) + 1;
        long long v = tm.fsec;
        for (int i = digits; i < 6; i++) v /= 10;
        out += Num(v, digits, n);
        break;
      }
      case Key::kSSSS: case Key::kSSSSS:
        out += Num((ct.hour * 60 + tm.min) * 60 + tm.sec, 0, n);
        break;
      case Key::kTZ:
        if (ct.has_zone) out += ApplyCase(tm.zone_abbr, c);
        break;
      case Key::kTZH: {
        char buf[16];
        snprintf(buf, sizeof(buf), "%c%02d", tm.gmtoff >= 0 ? '+' : '-', std::abs(tm.gmtoff) / 3600);
        out += buf;
        break;
      }
      case Key::kTZM: {
        char buf[16];
        snprintf(buf, sizeof(buf), "%02d", (std::abs(tm.gmtoff) % 3600) / 60);
        out += buf;
        break;
      }
      case Key::kOF: {
        char buf[32];
        int a = std::abs(tm.gmtoff);
        snprintf(buf, sizeof(buf), "%c%0*d", tm.gmtoff >= 0 ? '+' : '-', n.fm ? 0 : 2, a / 3600);
        out += buf;
        if (a % 3600 != 0) {
          snprintf(buf, sizeof(buf), ":%02d", (a % 3600) / 60);
          out += buf;
        }
        break;
      }
      case Key::kMonth:
        if (tm.mon >= 1) out += Pad(ApplyCase(kMonths[tm.mon - 1], c), n, 9);
        break;
      case Key::kMon:
        if (tm.mon >= 1) out += ApplyCase(std::string(kMonths[tm.mon - 1]).substr(0, 3), c);
        break;
      case Key::kMM:
        out += Num(tm.mon, 2, n);
        break;
      case Key::kDay:
        out += Pad(ApplyCase(kDays[wday], c), n, 9);
        break;
      case Key::kDy:
        out += ApplyCase(std::string(kDays[wday]).substr(0, 3), c);
        break;
      case Key::kDDD:
        out += Num(yday, 3, n);
        break;
      case Key::kIDDD:
        out += Num(has_date ? Date2IsoYearDay(tm.year, tm.mon, tm.mday) : 0, 3, n);
        break;
      case Key::kDD:
        out += Num(tm.mday, 2, n);
        break;
      case Key::kD:
        out += Num(wday + 1, 0, n);
        break;
      case Key::kID:
        out += Num(wday == 0 ? 7 : wday, 0, n);
        break;
      case Key::kWW:
        out += Num((yday - 1) / 7 + 1, 2, n);
        break;
      case Key::kIW:
        out += Num(has_date ? Date2IsoWeek(tm.year, tm.mon, tm.mday) : 0, 2, n);
        break;
      case Key::kW:
        out += Num((tm.mday - 1) / 7 + 1, 0, n);
        break;
      case Key::kQ:
        if (tm.mon >= 1) out += Num((tm.mon - 1) / 3 + 1, 0, n);
        break;
      case Key::kCC: {
        int cc = ct.is_interval ? tm.year / 100
                                : (tm.year > 0 ? (tm.year - 1) / 100 + 1 : tm.year / 100 - 1);
        if (cc <= 99 && cc >= -99) {
          out += Num(cc, 2, n);
        } else {
          out += Num(cc, 0, n);
        }
        break;
      }
      case Key::kJ:
        out += Num(jd, 0, n);
        break;
      case Key::kYcomma: {
        char buf[32];
        snprintf(buf, sizeof(buf), "%d,%03d", year_adj / 1000, std::abs(year_adj % 1000));
        out += buf;
        if (n.th) out += Ordinal(year_adj, n.th);
        break;
      }
      case Key::kYYYY:
        out += Num(year_adj, 4, n);
        break;
      case Key::kYYY:
        out += Num(year_adj % 1000, 3, n);
        break;
      case Key::kYY:
        out += Num(year_adj % 100, 2, n);
        break;
      case Key::kY:
        out += Num(year_adj % 10, 1, n);
        break;
      case Key::kIYYY: case Key::kIYY: case Key::kIY: case Key::kI: {
        int iy = has_date ? Date2IsoYear(tm.year, tm.mon, tm.mday) : 0;
        if (!ct.is_interval) iy = iy > 0 ? iy : -(iy - 1);
        if (n.key->key == Key::kIYYY) out += Num(iy, 4, n);
        if (n.key->key == Key::kIYY) out += Num(iy % 1000, 3, n);
        if (n.key->key == Key::kIY) out += Num(iy % 100, 2, n);
        if (n.key->key == Key::kI) out += Num(iy % 10, 1, n);
        break;
      }
      case Key::kRM:
        if (tm.mon >= 1) {
          std::string r = ApplyCase(kRoman[tm.mon - 1], c);
          out += n.fm ? r : r + std::string(4 - r.size(), ' ');
        }
        break;
      case Key::kFX:
        break;
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> ToChar(Timestamp t, const TimeZone* zone, std::string_view fmt) {
  if (!TimestampIsFinite(t)) return std::nullopt;
  CharTm ct;
  TimestampToTm(t, zone, &ct.tm);
  ct.has_zone = zone != nullptr;
  ct.hour = ct.tm.hour;
  return Render(ct, fmt);
}

std::string ToCharInterval(const Interval& iv, std::string_view fmt) {
  CharTm ct;
  ct.is_interval = true;
  ct.tm.year = iv.month / 12;
  ct.tm.mon = iv.month % 12;
  ct.tm.mday = iv.day;
  int64_t t = iv.time;
  ct.hour = t / kUsecsPerHour;
  t -= ct.hour * kUsecsPerHour;
  ct.tm.min = static_cast<int>(t / kUsecsPerMinute);
  t -= ct.tm.min * kUsecsPerMinute;
  ct.tm.sec = static_cast<int>(t / kUsecsPerSec);
  ct.tm.fsec = t - ct.tm.sec * kUsecsPerSec;
  return Render(ct, fmt);
}

// ---- to_date / to_timestamp ---------------------------------------------------

namespace {

struct Parsed {
  int year = 0;
  bool has_year = false;
  int yy_digits = 0;
  int cc = 0;
  bool bc = false;
  int mon = 0, mday = 0, ddd = 0;
  int hour = 0, min = 0, sec = 0;
  int64_t fsec = 0;
  int pm = -1;  // -1 none, 0 am, 1 pm
  bool hh12 = false;
  bool has_tz = false;
  int tzh = 0, tzm = 0;
  bool tz_neg = false;
  int64_t ssss = -1;
  int julian = -1;
};

bool IsSeparator(char c) {
  return c != '\0' && !isalnum(static_cast<unsigned char>(c)) && !isspace(static_cast<unsigned char>(c));
}

[[noreturn]] void InvalidValue(std::string_view value, const KeyDef& k, const char* detail) {
  throw PgError(sqlstate::kInvalidDatetimeFormat,
                "invalid value \"" + std::string(value) + "\" for \"" + k.name + "\"", detail);
}

int MatchName(std::string_view in, size_t* pos, const char* const* names, int count, size_t prefix_len) {
  for (int i = 0; i < count; i++) {
    std::string name = names[i];
    if (prefix_len) name = name.substr(0, prefix_len);
    if (in.size() - *pos >= name.size() && strncasecmp(in.data() + *pos, name.c_str(), name.size()) == 0) {
      *pos += name.size();
      return i;
    }
  }
  return -1;
}

void ParseInput(std::string_view in, std::string_view fmt, Parsed* p) {
  std::vector<Node> nodes = ParseFormat(fmt);
  size_t pos = 0;
  for (size_t ni = 0; ni < nodes.size(); ni++) {
    const Node& n = nodes[ni];
    if (n.key == nullptr) {
      for (char fc : n.text) {
        if (isspace(static_cast<unsigned char>(fc))) {
          while (pos < in.size() && isspace(static_cast<unsigned char>(in[pos]))) pos++;
        } else if (pos < in.size() && (IsSeparator(in[pos]) || in[pos] == fc)) {
          pos++;
        }
      }
      continue;
    }
    const KeyDef& k = *n.key;
    if (k.key == Key::kFX) continue;
    while (pos < in.size() && isspace(static_cast<unsigned char>(in[pos]))) pos++;
    if (k.numeric) {
      bool adjacent_key = ni + 1 < nodes.size() && nodes[ni + 1].key != nullptr;
      size_t start = pos;
      bool neg = false;
      if (k.key == Key::kTZH && pos < in.size() && (in[pos] == '+' || in[pos] == '-')) {
        neg = in[pos] == '-';
        pos++;
      }
      size_t dstart = pos;
      size_t maxlen = (adjacent_key && k.len > 0 && !n.fm) ? k.len : 64;
      if (k.key == Key::kYcomma) {
        while (pos < in.size() && (isdigit(static_cast<unsigned char>(in[pos])) || in[pos] == ',')) pos++;
      } else {
        while (pos < in.size() && pos - dstart < maxlen && isdigit(static_cast<unsigned char>(in[pos]))) pos++;
      }
      if (pos == dstart) {
        InvalidValue(in.substr(start, k.len > 0 ? k.len : in.size() - start), k, "Value must be an integer.");
      }
      std::string digits(in.substr(dstart, pos - dstart));
      digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());
      long long v = atoll(digits.c_str());
      if (n.th && pos + 2 <= in.size() && isalpha(static_cast<unsigned char>(in[pos]))) pos += 2;
      int ndig = static_cast<int>(digits.size());
      switch (k.key) {
        case Key::kYYYY: case Key::kYcomma: case Key::kIYYY:
          p->year = static_cast<int>(v);
          p->has_year = true;
          p->yy_digits = 0;
          break;
        case Key::kYYY: case Key::kIYY:
          p->year = static_cast<int>(v);
          p->has_year = true;
          if (ndig <= 3) p->year = p->year < 100 ? p->year + 2000 : p->year + 1000;
          break;
        case Key::kYY: case Key::kIY:
          p->year = static_cast<int>(v);
          p->has_year = true;
          if (ndig <= 2) p->year = p->year < 70 ? p->year + 2000 : p->year + 1900;
          break;
        case Key::kY: case Key::kI:
          p->year = static_cast<int>(v);
          p->has_year = true;
          if (ndig == 1) p->year += 2000;
          break;
        case Key::kCC: p->cc = static_cast<int>(v); break;
        case Key::kMM: p->mon = static_cast<int>(v); break;
        case Key::kDD: p->mday = static_cast<int>(v); break;
        case Key::kDDD: case Key::kIDDD: p->ddd = static_cast<int>(v); break;
        case Key::kHH24: p->hour = static_cast<int>(v); break;
        case Key::kHH: case Key::kHH12:
          p->hour = static_cast<int>(v);
          p->hh12 = true;
          break;
        case Key::kMI: p->min = static_cast<int>(v); break;
        case Key::kSS: p->sec = static_cast<int>(v); break;
        case Key::kMS: {
          int64_t f = v;
          for (int i = ndig; i < 3; i++) f *= 10;
          p->fsec = f * 1000;
          break;
        }
        case Key::kUS: case Key::kFF1: case Key::kFF2: case Key::kFF3: case Key::kFF4:
        case Key::kFF5: case Key::kFF6: {
          int64_t f = v;
          for (int i = ndig; i < 6; i++) f *= 10;
          p->fsec = f;
          break;
        }
        case Key::kSSSS: case Key::kSSSSS: p->ssss = v; break;
        case Key::kJ: p->julian = static_cast<int>(v); break;
        case Key::kTZH:
          p->has_tz = true;
          p->tzh = static_cast<int>(v);
          p->tz_neg = neg;
          break;
        case Key::kTZM:
          p->has_tz = true;
          p->tzm = static_cast<int>(v);
          break;
        default:
          break;
      }
      continue;
    }
    size_t start = pos;
    switch (k.key) {
      case Key::kMonth: case Key::kMon: {
        int m = MatchName(in, &pos, kMonths, 12, k.key == Key::kMon ? 3 : 0);
        if (m < 0) {
          InvalidValue(in.substr(start), k,
                       "The given value did not match any of the allowed values for this field.");
        }
        p->mon = m + 1;
        break;
      }
      case Key::kDay: case Key::kDy: {
        int d = MatchName(in, &pos, kDays, 7, k.key == Key::kDy ? 3 : 0);
        if (d < 0) {
          InvalidValue(in.substr(start), k,
                       "The given value did not match any of the allowed values for this field.");
        }
        break;
      }
      case Key::kAM: case Key::kPM: case Key::kAMdot: case Key::kPMdot: {
        bool dotted = k.key == Key::kAMdot || k.key == Key::kPMdot;
        const char* names[] = {dotted ? "A.M." : "AM", dotted ? "P.M." : "PM"};
        int r = MatchName(in, &pos, names, 2, 0);
        if (r < 0) {
          InvalidValue(in.substr(start), k,
                       "The given value did not match any of the allowed values for this field.");
        }
        p->pm = r;
        break;
      }
      case Key::kAD: case Key::kBC: case Key::kADdot: case Key::kBCdot: {
        bool dotted = k.key == Key::kADdot || k.key == Key::kBCdot;
        const char* names[] = {dotted ? "A.D." : "AD", dotted ? "B.C." : "BC"};
        int r = MatchName(in, &pos, names, 2, 0);
        if (r < 0) {
          InvalidValue(in.substr(start), k,
                       "The given value did not match any of the allowed values for this field.");
        }
        p->bc = r == 1;
        break;
      }
      case Key::kRM: {
        int best = -1;
        size_t best_len = 0;
        for (int i = 0; i < 12; i++) {
          size_t l = strlen(kRoman[i]);
          if (in.size() - pos >= l && strncasecmp(in.data() + pos, kRoman[i], l) == 0 && l > best_len) {
            best = i;
            best_len = l;
          }
        }
        if (best < 0) {
          InvalidValue(in.substr(start), k,
                       "The given value did not match any of the allowed values for this field.");
        }
        pos += best_len;
        p->mon = best + 1;
        break;
      }
      case Key::kTZ: case Key::kOF:
        throw PgError(sqlstate::kFeatureNotSupported,
                      std::string("formatting field \"") + k.name + "\" is only supported in to_char");
      default:
        break;
    }
  }
}

// Builds the local broken-down time; throws PostgreSQL's errors.
PgTm BuildTm(std::string_view input, const Parsed& p) {
  PgTm tm;
  auto overflow = [&] {
    throw PgError(sqlstate::kDatetimeFieldOverflow,
                  "date/time field value out of range: \"" + std::string(input) + "\"");
  };
  tm.year = p.has_year ? p.year : 0;
  if (!p.has_year && p.cc) tm.year = (p.cc - 1) * 100 + 1;
  if (p.bc && tm.year > 0) tm.year = -(tm.year - 1);
  tm.mon = p.mon ? p.mon : 1;
  tm.mday = p.mday ? p.mday : 1;
  if (p.julian >= 0) J2Date(p.julian, &tm.year, &tm.mon, &tm.mday);
  if (p.ddd && !p.mon && !p.mday) J2Date(Date2J(tm.year, 1, 1) + p.ddd - 1, &tm.year, &tm.mon, &tm.mday);
  tm.hour = p.hour;
  if (p.hh12) {
    if (p.hour < 1 || p.hour > 12) {
      throw PgError(sqlstate::kInvalidDatetimeFormat,
                    "hour \"" + std::to_string(p.hour) + "\" is invalid for the 12-hour clock", "",
                    "Use the 24-hour clock, or give an hour between 1 and 12.");
    }
  }
  if (p.pm == 1 && tm.hour < 12) tm.hour += 12;
  if (p.pm == 0 && tm.hour == 12) tm.hour = 0;
  tm.min = p.min;
  tm.sec = p.sec;
  tm.fsec = p.fsec;
  if (p.ssss >= 0) {
    tm.hour = static_cast<int>(p.ssss / 3600);
    tm.min = static_cast<int>(p.ssss / 60 % 60);
    tm.sec = static_cast<int>(p.ssss % 60);
  }
  if (tm.mon < 1 || tm.mon > 12 || tm.mday < 1 || tm.mday > DaysInMonth(tm.year, tm.mon)) overflow();
  if (tm.hour < 0 || tm.hour > 23 || tm.min < 0 || tm.min > 59 || tm.sec < 0 || tm.sec > 60) overflow();
  return tm;
}

}  // namespace

DateAdt ToDate(std::string_view input, std::string_view fmt, const DateTimeContext& ctx) {
  (void)ctx;
  Parsed p;
  ParseInput(input, fmt, &p);
  PgTm tm = BuildTm(input, p);
  if (!IsValidJulian(tm.year, tm.mon)) {
    throw PgError(sqlstate::kDatetimeFieldOverflow, "date out of range: \"" + std::string(input) + "\"");
  }
  return Date2J(tm.year, tm.mon, tm.mday) - kPostgresEpochJdate;
}

TimestampTz ToTimestampFormat(std::string_view input, std::string_view fmt,
                              const DateTimeContext& ctx) {
  Parsed p;
  ParseInput(input, fmt, &p);
  PgTm tm = BuildTm(input, p);
  int32_t east;
  if (p.has_tz) {
    east = p.tzh * 3600 + p.tzm * 60;
    if (p.tz_neg) east = -east;
  } else {
    east = DetermineOffset(tm, ctx.session_zone);
  }
  Timestamp r;
  if (!TmToTimestamp(tm, &east, &r)) ThrowTimestampOutOfRange();
  return r;
}

}  // namespace immu
