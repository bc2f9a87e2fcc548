#pragma once
// PostgreSQL 15's basic function library, by area (issue 7). Each resolver
// fills *out and returns true when name/arg_types is one of its functions,
// choosing between overloads as PostgreSQL's resolution would (so result
// types match: round(5) is double precision, round(5.0) numeric).
//   sql/fn_math.cc      abs ceil floor round trunc sign mod div power sqrt cbrt exp ln
//                       log log10 pi degrees radians trig (also *d, hyperbolic) random
//                       setseed gcd lcm width_bucket factorial scale min_scale trim_scale
//   sql/fn_string.cc    string functions (lpad, split_part, translate, md5, sha*, encode, ...)
//   sql/fn_format.cc    format()
//   sql/fn_regex.cc     regexp_* functions
//   sql/fn_datetime.cc  date_trunc, date_part, extract, age, make_*, justify_*, to_char ...
//   sql/fn_to_char.cc   to_char(number, text), to_number
//   sql/fn_bytes.cc     get/set_byte/bit, bit_count, convert*, unistr, like_escape
//   sql/fn_network.cc   inet/cidr/macaddr/macaddr8 functions, operators and casts
//   sql/fn_timetz.cc    time with time zone operators and functions, time +/- interval

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sql/functions.h"

namespace immu::sql {

bool ResolveMathFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
bool ResolveStringFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
bool ResolveRegexFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
bool ResolveFormatFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
bool ResolveNumberFormatFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
bool ResolveBytesFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
bool ResolveDateTimeFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
bool ResolveNetworkFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
bool ResolveTimeTzFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
// CURRENT_TIME[(p)] (timetz) and LOCALTIME[(p)] (time): sets e's type,
// typmod, name and evaluator; e's one argument is the precision (-1: none).
void SetCurrentTimeFn(bool with_zone, int32_t typmod, Expr* e);
// Operators (left == 0: prefix) of those areas.
bool ResolveNetworkOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out);
bool ResolveTimeTzOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out);
// Casts between the network types and to text (inet::text keeps the
// /masklen, unlike inet's output); nullopt when neither side is one.
std::optional<bool> CanCastNetwork(uint32_t from, uint32_t to);
std::optional<Value> CastNetwork(const Value& v, uint32_t to);
// A session's peer address as inet (pg_stat_activity.client_addr,
// inet_client_addr()); NULL when empty (a local connection) or unparsable.
Value ClientAddrValue(const std::string& addr);

// Named-argument calls (f(days => 3)): moves each `name => value`
// argument (names[i] non-empty) to its parameter's position and fills the
// omitted parameters with their defaults, for the functions PostgreSQL
// declares with parameter names (the make_* family). 42883 when a name is
// unknown, given twice, or a parameter without default is missing.
std::vector<std::unique_ptr<Expr>> ArrangeNamedArgs(std::string_view name, std::vector<std::unique_ptr<Expr>> args,
                                                    const std::vector<std::string>& names);

}  // namespace immu::sql
