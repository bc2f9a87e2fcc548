#pragma once
// SQL/JSON path language basics (PostgreSQL 15's jsonpath), evaluated over
// jsonb trees: lax (default) and strict modes; $, @, $var, literals;
// accessors .key ."key" .* [n] [n to m] [last] [*]; filters ?(...) with
// == != < <= > >= && || ! exists(...) starts with, "is unknown"; arithmetic
// + - * / % and unary minus; methods type() size() double() abs() floor()
// ceiling(). Paths are given as text (there is no jsonpath type yet).
//
// Errors: 42601 for bad path syntax; in strict mode structural errors
// (2203A missing key, 22039 non-array, 22033 subscript out of bounds) and
// 22038 for non-numeric arithmetic operands unless the call is silent.

#include <string_view>
#include <vector>

#include "sql/json.h"

namespace immu::sql {

struct JsonPathResult {
  std::vector<JsonNode> items;
  bool failed = false;  // an error was suppressed (silent): SQL NULL results
};

// Evaluates path over target; vars: a jsonb object with $name values (or
// nullptr). silent: errors become failed = true instead of being thrown.
JsonPathResult JsonPathQuery(const JsonNode& target, std::string_view path, const JsonNode* vars, bool silent);

}  // namespace immu::sql
