#pragma once
// Catalog functions returning rows in FROM (sql/system_srf.cc):
// pg_show_all_settings(), pg_get_keywords() and
// information_schema._pg_expandarray(anyarray).

#include <memory>
#include <string_view>
#include <vector>

#include "catalog/type_def.h"
#include "sql/query_internal.h"

namespace immu::sql {

class Binder;

// information_schema._pg_expandarray(anyarray) returns rows (x anyelement,
// n int4): the array's elements and their 1-based positions. Its row type
// for an element type is a composite the catalog does not hold, numbered
// in a range of its own (kExpandArrayRowBase + element type).
inline constexpr uint32_t kExpandArrayRowBase = 0x7F000000u;
uint32_t ExpandArrayRowType(uint32_t element_type);
// The TypeDef of such a row type (FindUserType's fallback); nullptr when
// type is not one.
const TypeDef* FindExpandArrayRowType(uint32_t type);
// The rows of _pg_expandarray(array) as records of ExpandArrayRowType.
std::vector<Value> ExpandArrayRows(const Value& array);

// FROM form: when name is one of the functions above, fills out->scope
// (named after rf's alias) and, unless describing, out->rows; returns true.
bool BuildCatalogRelation(std::string_view name, std::vector<std::unique_ptr<Expr>>& args,
                          const PgQuery__RangeFunction* rf, StmtContext& sc, Binder& binder, Relation* out);

}  // namespace immu::sql
