#pragma once
// time with time zone (timetz) as a Value, and the casts involving it.
// The arithmetic and parsing live in the datetime library (TimeTzAdt,
// ParseTimeTz, FormatTimeTz, AppendTimeTzBinary, ExtractTimeTz); this file
// gives the type its storage form and its place among the casts.
//
// A timetz Value holds in `s` 12 bytes whose bytewise order is PostgreSQL's
// timetz_cmp order: the UTC-adjusted time (time + zone, sign-flipped
// big-endian int64), then the zone (seconds west, sign-flipped big-endian
// int32). Equal values have equal bytes, so hashing, grouping and index keys
// treat it as an opaque string.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sql/datetime.h"
#include "sql/value.h"

namespace immu::sql {

struct ValueContext;

std::string EncodeTimeTz(const TimeTzAdt& t);
TimeTzAdt DecodeTimeTz(std::string_view s);
Value TimeTzValue(const TimeTzAdt& t);
inline TimeTzAdt TimeTzOf(const Value& v) { return DecodeTimeTz(v.s); }

// Rounds microseconds to `typmod` fractional digits (0..6) as PostgreSQL's
// AdjustTimeForTypmod / AdjustTimestampForTypmod (half away from zero).
int64_t RoundToPrecision(int64_t usecs, int32_t typmod);

// time -> timetz: the session zone's offset at the transaction's date.
TimeTzAdt TimeToTimeTz(TimeAdt t, const ValueContext& ctx);

// Casts from or to timetz (time <-> timetz, timestamptz -> timetz, text).
// Returns nullopt when neither side is timetz.
std::optional<bool> CanCastTimeTz(uint32_t from, uint32_t to);
std::optional<Value> CastTimeTz(const Value& v, uint32_t to, const ValueContext& ctx);

}  // namespace immu::sql
