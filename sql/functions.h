#pragma once
// Operator and function resolution: (name, argument types) -> the
// implementation, the types the arguments are coerced to, and the result
// type, following PostgreSQL's rules closely enough that clients see the
// same result types (integer + integer is integer, integer / numeric is
// numeric, text || integer is text, ...).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sql/expr.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace immu::sql {

struct ResolvedFn {
  ScalarFn fn = nullptr;
  uint32_t result_type = 0;
  std::vector<uint32_t> arg_types;  // coerce each argument to this type (0: leave)
  bool strict = true;
};

// Binary (left != 0) or prefix (left == 0) operator. Throws 42883
// "operator does not exist: integer + text" when none applies.
ResolvedFn ResolveOperator(std::string_view op, uint32_t left, uint32_t right);
// A scalar function by (lower-case) name. Throws 42883 when unknown.
ResolvedFn ResolveFunction(std::string_view name, std::span<const uint32_t> arg_types);

// Catalog, session-information and array functions (sql/system_functions.cc):
// fills *out and returns true when name/arg_types is one of them.
bool ResolveSystemFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
// current_schema(): the first existing schema of search_path, NULL when none
// (also the SQL keyword CURRENT_SCHEMA).
Value CurrentSchema(std::span<const Value> args, EvalContext& ctx);

// JSON builders and the json/jsonb -> and ->> operators
// (sql/json_functions.cc): fill *out and return true when they apply.
bool ResolveJsonFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
bool ResolveJsonOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out);
// Integer bitwise operators & | # << >> and prefix ~ (sql/bitwise.cc).
bool ResolveBitwiseOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out);

// Type categories used by resolution.
bool IsNumericCategory(uint32_t t);
bool IsStringCategory(uint32_t t);
// The common type of two types for arithmetic, comparison, UNION, CASE...
// (unknown adopts the other side). Throws 42804 when there is none.
uint32_t CommonType(uint32_t a, uint32_t b, const char* context);

// A pattern compiled by RE2 (cached per thread); 2201B when invalid.
const re2::RE2& CompiledRegex(const std::string& pattern, bool case_insensitive);

// LIKE with a backslash escape (PostgreSQL's default).
bool LikeMatch(std::string_view text, std::string_view pattern, bool case_insensitive);

}  // namespace immu::sql
