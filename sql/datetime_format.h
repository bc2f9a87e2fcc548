#pragma once
// to_char(timestamp[tz]/interval, text), to_date(text, text) and
// to_timestamp(text, text) for the common PostgreSQL template patterns:
// YYYY YYY YY Y Y,YYY IYYY CC MM Mon MON mon Month MONTH month DD DDD D ID
// IDDD Day DAY day Dy DY dy W WW IW J Q RM HH HH12 HH24 MI SS SSSS MS US
// FF1-FF6 AM PM A.M. P.M. (any case) BC AD B.C. A.D. TZ tz TZH TZM OF,
// with the FM prefix, TH/th suffixes and "quoted text".

#include <optional>
#include <string>
#include <string_view>

#include "sql/datetime.h"

namespace immu {

// zone == nullptr for timestamp without time zone (TZ prints nothing,
// OF prints +00). nullopt (SQL NULL) for infinite timestamps.
std::optional<std::string> ToChar(Timestamp t, const TimeZone* zone, std::string_view fmt);
std::string ToCharInterval(const Interval& iv, std::string_view fmt);

// to_date / to_timestamp(text, text). ctx supplies the session zone used
// when the input carries no TZH/TZM.
DateAdt ToDate(std::string_view input, std::string_view fmt, const DateTimeContext& ctx);
TimestampTz ToTimestampFormat(std::string_view input, std::string_view fmt,
                              const DateTimeContext& ctx);

}  // namespace immu
