#pragma once
// Text output of date, timestamp and timestamptz in every DateStyle
// (PostgreSQL's EncodeDateOnly / EncodeDateTime): ISO "1997-12-17 07:37:16-08",
// SQL "12/17/1997 07:37:16 PST", Postgres "Wed Dec 17 07:37:16 1997 PST",
// German "17.12.1997 07:37:16 PST"; DMY order swaps day and month.
// Also DateStyle's setting syntax.

#include <string>
#include <string_view>

#include "sql/datetime.h"

namespace immu::sql {

std::string FormatDateStyled(DateAdt d, const DateTimeContext& ctx);
std::string FormatTimestampStyled(Timestamp t, const DateTimeContext& ctx);
std::string FormatTimestampTzStyled(TimestampTz t, const DateTimeContext& ctx);

// Applies a DateStyle value ("Postgres, MDY", "sql", "european", ...) to
// *ctx and returns the canonical setting ("Postgres, MDY"). Throws 22023 on
// an unknown or conflicting word.
std::string ApplyDateStyle(std::string_view value, DateTimeContext* ctx);

}  // namespace immu::sql
