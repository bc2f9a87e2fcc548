// TimeZone: TZif reader, POSIX TZ strings, fixed offsets.

#include "sql/datetime_tz.h"

#include <dirent.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/datetime.h"

namespace immu {

namespace {

constexpr const char* kZoneDir = "/usr/share/zoneinfo";

// One rule date of a POSIX TZ string (",M3.2.0/2").
struct RuleDate {
  enum class Kind { kJulian1, kJulian0, kMonthWeekDay };
  Kind kind = Kind::kMonthWeekDay;
  int day = 0, week = 0, mon = 0;
  int32_t time = 7200;  // seconds after local midnight
};

struct PosixTz {
  TimeZone::Info std_info, dst_info;
  bool has_dst = false;
  RuleDate start, end;
};

}  // namespace

struct ZoneData {
  std::string name;
  std::vector<int64_t> ats;    // transition instants (UTC seconds since 1970)
  std::vector<uint8_t> types;  // ttis index after each transition
  std::vector<TimeZone::Info> ttis;
  bool has_rule = false;
  PosixTz rule;
};

namespace {

// ---- POSIX TZ strings -----------------------------------------------------

bool ParseNum(std::string_view* s, int* out, int lo, int hi) {
  if (s->empty() || !isdigit(static_cast<unsigned char>((*s)[0]))) return false;
  int v = 0;
  while (!s->empty() && isdigit(static_cast<unsigned char>((*s)[0]))) {
    v = v * 10 + ((*s)[0] - '0');
    if (v > hi) return false;
    s->remove_prefix(1);
  }
  if (v < lo) return false;
  *out = v;
  return true;
}

// hh[:mm[:ss]] as seconds.
bool ParseSecs(std::string_view* s, int32_t* out) {
  int h, m = 0, sec = 0;
  if (!ParseNum(s, &h, 0, 24 * 7 - 1)) return false;
  if (!s->empty() && (*s)[0] == ':') {
    s->remove_prefix(1);
    if (!ParseNum(s, &m, 0, 59)) return false;
    if (!s->empty() && (*s)[0] == ':') {
      s->remove_prefix(1);
      if (!ParseNum(s, &sec, 0, 60)) return false;
    }
  }
  *out = h * 3600 + m * 60 + sec;
  return true;
}

// [+-]hh[:mm[:ss]] as seconds (POSIX sign: positive = west).
bool ParseOffset(std::string_view* s, int32_t* out) {
  bool neg = false;
  if (!s->empty() && ((*s)[0] == '-' || (*s)[0] == '+')) {
    neg = (*s)[0] == '-';
    s->remove_prefix(1);
  }
  if (!ParseSecs(s, out)) return false;
  if (neg) *out = -*out;
  return true;
}

bool ParseZoneName(std::string_view* s, std::string* out) {
  if (!s->empty() && (*s)[0] == '<') {
    size_t e = s->find('>');
    if (e == std::string_view::npos) return false;
    out->assign(s->substr(1, e - 1));
    s->remove_prefix(e + 1);
    return true;
  }
  size_t i = 0;
  while (i < s->size() && !isdigit(static_cast<unsigned char>((*s)[i])) && (*s)[i] != ',' &&
         (*s)[i] != '-' && (*s)[i] != '+')
    i++;
  out->assign(s->substr(0, i));
  s->remove_prefix(i);
  return true;
}

bool ParseRuleDate(std::string_view* s, RuleDate* r) {
  if (s->empty()) return false;
  if ((*s)[0] == 'J') {
    s->remove_prefix(1);
    r->kind = RuleDate::Kind::kJulian1;
    if (!ParseNum(s, &r->day, 1, 365)) return false;
  } else if ((*s)[0] == 'M') {
    s->remove_prefix(1);
    r->kind = RuleDate::Kind::kMonthWeekDay;
    if (!ParseNum(s, &r->mon, 1, 12)) return false;
    if (s->empty() || (*s)[0] != '.') return false;
    s->remove_prefix(1);
    if (!ParseNum(s, &r->week, 1, 5)) return false;
    if (s->empty() || (*s)[0] != '.') return false;
    s->remove_prefix(1);
    if (!ParseNum(s, &r->day, 0, 6)) return false;
  } else {
    r->kind = RuleDate::Kind::kJulian0;
    if (!ParseNum(s, &r->day, 0, 365)) return false;
  }
  r->time = 7200;
  if (!s->empty() && (*s)[0] == '/') {
    s->remove_prefix(1);
    if (!ParseOffset(s, &r->time)) return false;
  }
  return true;
}

bool ParsePosix(std::string_view s, PosixTz* tz) {
  std::string std_name, dst_name;
  if (!ParseZoneName(&s, &std_name)) return false;
  int32_t std_west;
  if (!ParseOffset(&s, &std_west)) return false;
  tz->std_info = {-std_west, false, std_name};
  if (s.empty()) return true;
  if (!ParseZoneName(&s, &dst_name) || dst_name.empty()) return false;
  int32_t dst_west = std_west - 3600;
  if (!s.empty() && s[0] != ',' && s[0] != ';') {
    if (!ParseOffset(&s, &dst_west)) return false;
  }
  tz->dst_info = {-dst_west, true, dst_name};
  tz->has_dst = true;
  if (s.empty()) {
    // No rules: the US rules (posixrules' default).
    tz->start = {RuleDate::Kind::kMonthWeekDay, 0, 2, 3, 7200};
    tz->end = {RuleDate::Kind::kMonthWeekDay, 0, 1, 11, 7200};
    return true;
  }
  if (s[0] != ',' && s[0] != ';') return false;
  s.remove_prefix(1);
  if (!ParseRuleDate(&s, &tz->start)) return false;
  if (s.empty() || s[0] != ',') return false;
  s.remove_prefix(1);
  if (!ParseRuleDate(&s, &tz->end)) return false;
  return s.empty();
}

// Local seconds since 1970 at which rule date r happens in year (before
// subtracting the offset).
int64_t RuleLocalTime(int year, const RuleDate& r) {
  int64_t jd;
  switch (r.kind) {
    case RuleDate::Kind::kJulian1: {
      jd = Date2J(year, 1, 1) + r.day - 1;
      if (IsLeap(year) && r.day >= 60) jd++;
      break;
    }
    case RuleDate::Kind::kJulian0:
      jd = Date2J(year, 1, 1) + r.day;
      break;
    default: {
      int first = Date2J(year, r.mon, 1);
      int d = (r.day - J2Day(first) + 7) % 7;
      d += (r.week - 1) * 7;
      int dim = DaysInMonth(year, r.mon);
      while (d >= dim) d -= 7;
      jd = first + d;
      break;
    }
  }
  return (jd - kUnixEpochJdate) * kSecsPerDay + r.time;
}

struct RuleEvent {
  int64_t at;
  bool to_dst;
};

void RuleEvents(const PosixTz& p, int year, std::vector<RuleEvent>* out) {
  out->push_back({RuleLocalTime(year, p.start) - p.std_info.gmtoff, true});
  out->push_back({RuleLocalTime(year, p.end) - p.dst_info.gmtoff, false});
}

int YearOf(int64_t utc_seconds) {
  int64_t days = utc_seconds / kSecsPerDay;
  if (utc_seconds % kSecsPerDay < 0) days--;
  int64_t jd = days + kUnixEpochJdate;
  jd = std::clamp<int64_t>(jd, 0, 2000000000);
  int y, m, d;
  J2Date(static_cast<int>(jd), &y, &m, &d);
  return y;
}

// Sorted rule transitions around utc_seconds's year.
std::vector<RuleEvent> EventsAround(const PosixTz& p, int64_t utc_seconds, int years_after) {
  std::vector<RuleEvent> ev;
  int y = YearOf(utc_seconds);
  for (int i = y - 1; i <= y + years_after; i++) RuleEvents(p, i, &ev);
  std::sort(ev.begin(), ev.end(), [](const RuleEvent& a, const RuleEvent& b) { return a.at < b.at; });
  return ev;
}

const TimeZone::Info& RuleLookup(const PosixTz& p, int64_t t) {
  if (!p.has_dst) return p.std_info;
  std::vector<RuleEvent> ev = EventsAround(p, t, 1);
  bool dst = !ev.front().to_dst;  // state before the first event
  for (const RuleEvent& e : ev) {
    if (e.at <= t) dst = e.to_dst;
  }
  return dst ? p.dst_info : p.std_info;
}

// ---- TZif -----------------------------------------------------------------

int64_t ReadBE(const std::string& b, size_t pos, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) v = (v << 8) | static_cast<uint8_t>(b[pos + i]);
  if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

bool ParseTzif(const std::string& b, ZoneData* z) {
  if (b.size() < 44 || b.compare(0, 4, "TZif") != 0) return false;
  auto counts = [&](size_t pos, int64_t c[6]) {
    for (int i = 0; i < 6; i++) c[i] = ReadBE(b, pos + 20 + 4 * i, 4);
  };
  int64_t c[6];  // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
  counts(0, c);
  size_t pos = 44;
  int tsize = 4;
  char version = b[4];
  if (version >= '2') {
    pos += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (b.size() < pos + 44) return false;
    counts(pos, c);
    pos += 44;
    tsize = 8;
  }
  size_t need = c[3] * tsize + c[3] + c[4] * 6 + c[5] + c[2] * (tsize + 4) + c[1] + c[0];
  if (b.size() < pos + need || c[4] <= 0) return false;
  for (int64_t i = 0; i < c[3]; i++) z->ats.push_back(ReadBE(b, pos + i * tsize, tsize));
  pos += c[3] * tsize;
  for (int64_t i = 0; i < c[3]; i++) z->types.push_back(static_cast<uint8_t>(b[pos + i]));
  pos += c[3];
  size_t tt = pos;
  pos += c[4] * 6;
  std::string chars = b.substr(pos, c[5]);
  pos += c[5];
  for (int64_t i = 0; i < c[4]; i++) {
    TimeZone::Info info;
    info.gmtoff = static_cast<int32_t>(ReadBE(b, tt + i * 6, 4));
    info.isdst = b[tt + i * 6 + 4] != 0;
    size_t ai = static_cast<uint8_t>(b[tt + i * 6 + 5]);
    if (ai < chars.size()) info.abbr = std::string(chars.c_str() + ai);
    z->ttis.push_back(info);
  }
  for (uint8_t t : z->types) {
    if (t >= z->ttis.size()) return false;
  }
  pos += need - (c[3] * tsize + c[3] + c[4] * 6 + c[5]);
  if (tsize == 8 && pos < b.size() && b[pos] == '\n') {
    size_t e = b.find('\n', pos + 1);
    if (e != std::string::npos && e > pos + 1) {
      z->has_rule = ParsePosix(std::string_view(b).substr(pos + 1, e - pos - 1), &z->rule);
    }
  }
  return true;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return true;
}

// Resolves name case-insensitively under kZoneDir; the canonical spelling
// goes to *canonical.
bool FindZoneFile(std::string_view name, std::string* path, std::string* canonical) {
  if (name.empty() || name[0] == '/' || name.find("..") != std::string_view::npos) return false;
  std::string dir = kZoneDir;
  canonical->clear();
  while (!name.empty()) {
    size_t slash = name.find('/');
    std::string part(name.substr(0, slash));
    name = slash == std::string_view::npos ? std::string_view() : name.substr(slash + 1);
    if (part.empty()) return false;
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) return false;
    std::string found;
    while (dirent* e = readdir(d)) {
      if (strcasecmp(e->d_name, part.c_str()) == 0) {
        found = e->d_name;
        if (found == part) break;
      }
    }
    closedir(d);
    if (found.empty()) return false;
    dir += "/" + found;
    if (!canonical->empty()) *canonical += "/";
    *canonical += found;
  }
  *path = dir;
  return true;
}

std::mutex cache_mu;
std::map<std::string, std::shared_ptr<const ZoneData>>& Cache() {
  static auto* m = new std::map<std::string, std::shared_ptr<const ZoneData>>;
  return *m;
}

}  // namespace

std::string FormatOffsetHms(int32_t seconds_east) {
  char buf[32];
  int32_t a = std::abs(seconds_east);
  char sign = seconds_east < 0 ? '-' : '+';
  if (a % 60 != 0) {
    snprintf(buf, sizeof(buf), "%c%02d:%02d:%02d", sign, a / 3600, (a / 60) % 60, a % 60);
  } else if (a % 3600 != 0) {
    snprintf(buf, sizeof(buf), "%c%02d:%02d", sign, a / 3600, (a / 60) % 60);
  } else {
    snprintf(buf, sizeof(buf), "%c%02d", sign, a / 3600);
  }
  return buf;
}

TimeZone TimeZone::Utc() {
  static const auto* utc = [] {
    auto z = std::make_shared<ZoneData>();
    z->name = "UTC";
    z->ttis.push_back({0, false, "UTC"});
    return new std::shared_ptr<const ZoneData>(z);
  }();
  return TimeZone(*utc);
}

TimeZone TimeZone::FixedOffset(int32_t seconds_east) {
  auto z = std::make_shared<ZoneData>();
  std::string abbr = FormatOffsetHms(seconds_east);
  z->name = "<" + abbr + ">" + FormatOffsetHms(-seconds_east);
  z->ttis.push_back({seconds_east, false, abbr});
  return TimeZone(z);
}

std::optional<TimeZone> TimeZone::Load(std::string_view name) {
  std::string key(name);
  for (char& ch : key) ch = static_cast<char>(tolower(static_cast<unsigned char>(ch)));
  {
    std::lock_guard<std::mutex> l(cache_mu);
    auto it = Cache().find(key);
    if (it != Cache().end()) return TimeZone(it->second);
  }
  auto z = std::make_shared<ZoneData>();
  std::string path, canonical, bytes;
  if (key == "utc") {
    return Utc();
  } else if (FindZoneFile(name, &path, &canonical) && ReadFile(path, &bytes) &&
             ParseTzif(bytes, z.get())) {
    z->name = canonical;
  } else {
    PosixTz p;
    if (name.empty() || !ParsePosix(name, &p)) return std::nullopt;
    z->name = std::string(name);
    z->ttis.push_back(p.std_info);
    if (p.has_dst) {
      z->has_rule = true;
      z->rule = p;
    }
  }
  std::lock_guard<std::mutex> l(cache_mu);
  Cache()[key] = z;
  return TimeZone(z);
}

TimeZone TimeZone::FromSetting(std::string_view value) {
  std::string v(value);
  if (!v.empty()) {
    char* end = nullptr;
    double hours = strtod(v.c_str(), &end);
    if (end != v.c_str() && *end == '\0' && std::isfinite(hours) && std::fabs(hours) < 168) {
      return FixedOffset(static_cast<int32_t>(std::lround(hours * 3600)));
    }
  }
  std::optional<TimeZone> z = Load(value);
  if (!z) {
    throw PgError(sqlstate::kInvalidParameterValue,
                  "invalid value for parameter \"TimeZone\": \"" + v + "\"");
  }
  return *z;
}

const std::string& TimeZone::name() const { return d_->name; }

TimeZone::Info TimeZone::Lookup(int64_t t) const {
  const ZoneData& z = *d_;
  if (z.ats.empty() || t >= z.ats.back()) {
    if (z.has_rule) return RuleLookup(z.rule, t);
    if (z.ats.empty()) return z.ttis[0];
    return z.ttis[z.types.back()];
  }
  if (t < z.ats[0]) return z.ttis[0];
  size_t i = std::upper_bound(z.ats.begin(), z.ats.end(), t) - z.ats.begin();
  return z.ttis[z.types[i - 1]];
}

bool TimeZone::NextBoundary(int64_t t, int64_t* boundary, Info* before, Info* after) const {
  const ZoneData& z = *d_;
  auto it = std::upper_bound(z.ats.begin(), z.ats.end(), t);
  if (it != z.ats.end()) {
    *boundary = *it;
  } else if (z.has_rule && z.rule.has_dst) {
    std::vector<RuleEvent> ev = EventsAround(z.rule, t, 2);
    bool found = false;
    for (const RuleEvent& e : ev) {
      if (e.at > t && (z.ats.empty() || e.at > z.ats.back())) {
        *boundary = e.at;
        found = true;
        break;
      }
    }
    if (!found) return false;
  } else {
    return false;
  }
  *before = Lookup(t);
  *after = Lookup(*boundary);
  return true;
}

bool TimeZone::IsFixed(int32_t* seconds_east) const {
  if (!d_->ats.empty() || d_->has_rule) return false;
  *seconds_east = d_->ttis[0].gmtoff;
  return true;
}

}  // namespace immu
