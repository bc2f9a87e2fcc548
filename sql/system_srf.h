#pragma once
// Catalog functions returning rows in FROM (sql/system_srf.cc):
// pg_show_all_settings(), pg_get_keywords() and
// information_schema._pg_expandarray(anyarray).

#include <memory>
#include <string_view>
#include <vector>

#include "sql/query_internal.h"

namespace immu::sql {

class Binder;

// FROM form: when name is one of the functions above, fills out->scope
// (named after rf's alias) and, unless describing, out->rows; returns true.
bool BuildCatalogRelation(std::string_view name, std::vector<std::unique_ptr<Expr>>& args,
                          const PgQuery__RangeFunction* rf, StmtContext& sc, Binder& binder, Relation* out);

}  // namespace immu::sql
