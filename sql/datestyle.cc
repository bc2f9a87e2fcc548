#include "sql/datestyle.h"

#include <cstdio>

#include "catalog/pg_error.h"
#include "sql/datetime_tz.h"

namespace immu::sql {

namespace {

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

int DisplayYear(int year) { return year > 0 ? year : -(year - 1); }

// "07:37:16" plus the fraction without trailing zeros.
void AppendClock(std::string* out, const PgTm& tm) {
  char buf[48];
  snprintf(buf, sizeof(buf), "%02d:%02d:%02d", tm.hour, tm.min, tm.sec);
  *out += buf;
  if (tm.fsec != 0) {
    snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(tm.fsec));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    *out += f;
  }
}

// The date in the non-ISO styles' field order and separators.
void AppendStyledDate(std::string* out, int year, int mon, int mday, const DateTimeContext& ctx) {
  char buf[48];
  const bool dmy = ctx.date_order == DateOrder::kDmy;
  switch (ctx.date_style) {
    case DateStyle::kSql:
      snprintf(buf, sizeof(buf), "%02d/%02d/%04d", dmy ? mday : mon, dmy ? mon : mday, DisplayYear(year));
      break;
    case DateStyle::kGerman:
      snprintf(buf, sizeof(buf), "%02d.%02d.%04d", mday, mon, DisplayYear(year));
      break;
    default:  // Postgres
      snprintf(buf, sizeof(buf), "%02d-%02d-%04d", dmy ? mday : mon, dmy ? mon : mday, DisplayYear(year));
      break;
  }
  *out += buf;
}

// The zone of a timestamptz: its abbreviation, else the numeric offset.
void AppendZone(std::string* out, const PgTm& tm) {
  *out += ' ';
  *out += tm.zone_abbr.empty() ? FormatOffsetHms(tm.gmtoff) : tm.zone_abbr;
}

std::string Styled(const PgTm& tm, bool with_zone, const DateTimeContext& ctx) {
  std::string out;
  if (ctx.date_style == DateStyle::kPostgres) {
    // "Wed Dec 17 07:37:16 1997 PST" (DMY: "Wed 17 Dec ...").
    const int wday = J2Day(Date2J(tm.year, tm.mon, tm.mday));
    char buf[64];
    if (ctx.date_order == DateOrder::kDmy) {
      snprintf(buf, sizeof(buf), "%s %02d %s ", kDays[wday], tm.mday, kMonths[tm.mon - 1]);
    } else {
      snprintf(buf, sizeof(buf), "%s %s %02d ", kDays[wday], kMonths[tm.mon - 1], tm.mday);
    }
    out += buf;
    AppendClock(&out, tm);
    snprintf(buf, sizeof(buf), " %04d", DisplayYear(tm.year));
    out += buf;
  } else {
    AppendStyledDate(&out, tm.year, tm.mon, tm.mday, ctx);
    out += ' ';
    AppendClock(&out, tm);
  }
  if (with_zone) AppendZone(&out, tm);
  if (tm.year <= 0) out += " BC";
  return out;
}

}  // namespace

std::string FormatDateStyled(DateAdt d, const DateTimeContext& ctx) {
  if (ctx.date_style == DateStyle::kIso || d == kDateNoBegin || d == kDateNoEnd) return FormatDate(d);
  int y, m, dd;
  J2Date(d + kPostgresEpochJdate, &y, &m, &dd);
  std::string out;
  AppendStyledDate(&out, y, m, dd, ctx);
  if (y <= 0) out += " BC";
  return out;
}

std::string FormatTimestampStyled(Timestamp t, const DateTimeContext& ctx) {
  if (ctx.date_style == DateStyle::kIso || t == kDtNoBegin || t == kDtNoEnd) return FormatTimestamp(t);
  PgTm tm;
  TimestampToTm(t, nullptr, &tm);
  return Styled(tm, false, ctx);
}

std::string FormatTimestampTzStyled(TimestampTz t, const DateTimeContext& ctx) {
  if (ctx.date_style == DateStyle::kIso || t == kDtNoBegin || t == kDtNoEnd) {
    return FormatTimestampTz(t, ctx.session_zone);
  }
  PgTm tm;
  TimestampToTm(t, &ctx.session_zone, &tm);
  return Styled(tm, true, ctx);
}

std::string ApplyDateStyle(std::string_view value, DateTimeContext* ctx) {
  DateStyle style = ctx->date_style;
  DateOrder order = ctx->date_order;
  bool have_style = false, have_order = false;
  std::string word;
  auto bad = [&]() {
    throw PgError(sqlstate::kInvalidParameterValue,
                  "invalid value for parameter \"DateStyle\": \"" + std::string(value) + "\"");
  };
  auto take = [&]() {
    if (word.empty()) return;
    std::string w;
    for (char c : word) w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    word.clear();
    DateStyle s;
    DateOrder o;
    bool is_style = true;
    if (w == "iso") {
      s = DateStyle::kIso;
    } else if (w == "sql") {
      s = DateStyle::kSql;
    } else if (w == "postgres") {
      s = DateStyle::kPostgres;
    } else if (w == "german") {
      s = DateStyle::kGerman;
    } else {
      is_style = false;
      if (w == "ymd") {
        o = DateOrder::kYmd;
      } else if (w == "dmy" || w == "euro" || w == "european") {
        o = DateOrder::kDmy;
      } else if (w == "mdy" || w == "us" || w == "noneuro" || w == "noneuropean") {
        o = DateOrder::kMdy;
      } else if (w == "default") {
        s = DateStyle::kIso;
        o = DateOrder::kMdy;
        style = s;
        order = o;
        return;
      } else {
        bad();
      }
    }
    if (is_style) {
      if (have_style && style != s) bad();
      style = s;
      have_style = true;
    } else {
      if (have_order && order != o) bad();
      order = o;
      have_order = true;
    }
  };
  for (char c : value) {
    if (c == ',' || c == ' ' || c == '\t') {
      take();
    } else {
      word += c;
    }
  }
  take();
  if (!have_order && have_style && style == DateStyle::kGerman) order = DateOrder::kDmy;
  ctx->date_style = style;
  ctx->date_order = order;
  const char* style_name = style == DateStyle::kIso        ? "ISO"
                           : style == DateStyle::kSql      ? "SQL"
                           : style == DateStyle::kPostgres ? "Postgres"
                                                           : "German";
  const char* order_name = order == DateOrder::kYmd ? "YMD" : order == DateOrder::kDmy ? "DMY" : "MDY";
  return std::string(style_name) + ", " + order_name;
}

}  // namespace immu::sql
