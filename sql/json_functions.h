#pragma once
// json and jsonb operators and functions (PostgreSQL 15):
//   -> ->> #> #>> for both types; jsonb only: @> <@ ? ?| ?& || - #-;
//   json(b)_typeof, json(b)_build_object/array, to_json(b), jsonb_set,
//   jsonb_insert, json(b)_strip_nulls, jsonb_pretty, json(b)_array_length,
//   json(b)_extract_path(_text), jsonpath basics (jsonb_path_exists,
//   jsonb_path_match, jsonb_path_query(_array|_first), @?, @@);
// and the set-returning json(b)_each(_text), json(b)_array_elements(_text),
// json(b)_object_keys, jsonb_path_query and json(b)_to_record(set) with a
// column definition list (in FROM). Equality and ordering of jsonb live in
// CompareValues (sql/value_io.cc) through sql/json.h.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sql/functions.h"
#include "sql/query_internal.h"

namespace immu::sql {

// ResolveJsonOperator / ResolveJsonFunction (declared in sql/functions.h)
// resolve the operators and scalar functions; the comparison operators on
// json throw 42883 (json has none, as in PostgreSQL).

// jsonb subscripting (PostgreSQL 14+): base[key] with key bound as text;
// an object's key, or an array index (negative from the end) when the text
// is an integer, else NULL, as jsonb_get_element reads one path step.
std::unique_ptr<Expr> BindJsonbSubscript(std::unique_ptr<Expr> base, std::unique_ptr<Expr> key);

// A set-returning json function: its output columns and row generator.
struct JsonSetFunction {
  struct Column {
    const char* name;  // nullptr: the single column is named like the function
    uint32_t type;
  };
  std::vector<Column> columns;
  std::vector<uint32_t> arg_types;  // the document (json or jsonb) first
  size_t min_args;
  // Rows for non-NULL arguments (22023 on the wrong kind of document).
  std::vector<Row> (*run)(std::span<const Value> args, EvalContext& ctx);
};
// nullptr when name is not a set-returning json function.
const JsonSetFunction* FindJsonSetFunction(std::string_view name);

// FROM form: when name is a set-returning json function, coerces and
// evaluates args (not when describing), fills out->scope (named after rf's
// alias) and out->rows, and returns true.
bool BuildJsonRelation(std::string_view name, std::vector<std::unique_ptr<Expr>>& args,
                       const PgQuery__RangeFunction* rf, StmtContext& sc, Binder& binder, Relation* out);

}  // namespace immu::sql
