#pragma once
// Conversions of Values: text and binary wire formats, casts, comparison.
// Every failure throws PgError with PostgreSQL's SQLSTATE and wording.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sql/datetime.h"
#include "sql/value.h"

namespace immu::sql {

// Names of catalog objects for the reg* types' text I/O ('t'::regclass,
// oid::regclass printing the table's name). Implemented over the session's
// catalog by the system relations (sql/system_names.cc).
class OidNames {
 public:
  virtual ~OidNames() = default;
  // The name of object `id` for reg-type `type`; nullopt when unknown.
  virtual std::optional<std::string> NameOf(uint32_t type, uint32_t id) const = 0;
  // The OID named `name` (possibly schema-qualified, possibly quoted);
  // throws PgError (42P01, 42704, 3F000, 42883) when there is none.
  virtual uint32_t OidOf(uint32_t type, std::string_view name) const = 0;
};

// What output and input depend on besides the value.
struct ValueContext {
  DateTimeContext dt;  // session time zone, transaction timestamp
  const OidNames* names = nullptr;  // nullptr: reg* types print as numbers
};

// PostgreSQL's text output (typoutput) of a non-NULL value.
std::string ToText(const Value& v, const ValueContext& ctx);
// Appends the binary wire format (typsend) of a non-NULL value.
void AppendBinary(const Value& v, std::string* out);

// typinput: text -> value of type (with typmod applied, -1 = none).
Value FromText(std::string_view text, uint32_t type, int32_t typmod, const ValueContext& ctx);
// typreceive: binary -> value.
Value FromBinary(std::string_view data, uint32_t type, int32_t typmod);

// Applies a typmod (varchar(n), char(n), numeric(p,s), timestamp(p)):
// explicit casts truncate strings silently, assignment raises 22001.
Value ApplyTypmod(Value v, int32_t typmod, bool explicit_cast);

// CAST(v AS type). explicit_cast false = assignment/implicit coercion rules.
// Throws 42846 when no cast exists, 22P02/22003/... on bad values.
Value CastValue(const Value& v, uint32_t type, int32_t typmod, const ValueContext& ctx,
                bool explicit_cast = true);
// Whether a cast exists (explicit or not) between the two types.
bool CanCast(uint32_t from, uint32_t to, bool explicit_cast);

// Three-way comparison of two non-NULL values of comparable types (numbers
// with numbers, strings with strings, ...). NaN sorts last as in PostgreSQL.
int CompareValues(const Value& a, const Value& b);
// Equality consistent with CompareValues, for hashing and grouping.
size_t HashValue(const Value& v);

}  // namespace immu::sql

namespace immu::sql {

// Arrays (sql/value_array.cc): PostgreSQL's text forms ("{1,2,NULL}",
// int2vector/oidvector as "1 2"), binary form, and element-wise order.
std::string ArrayToText(const Value& v, const ValueContext& ctx);
Value ArrayFromText(std::string_view text, uint32_t type, const ValueContext& ctx);
void AppendArrayBinary(const Value& v, std::string* out);
Value ArrayFromBinary(std::string_view data, uint32_t type);
int CompareArrays(const Value& a, const Value& b);

}  // namespace immu::sql
