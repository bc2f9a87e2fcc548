#pragma once
// System relations: pg_catalog.* and information_schema.* views generated
// from the real catalog on each use, so joins, filters, casts and ORDER BY
// run on them through the normal executor (no canned answers).
//
// FROM resolves a name here when it is schema-qualified with pg_catalog or
// information_schema, or unqualified and not a user table (pg_catalog is
// implicitly first on the search path, as in PostgreSQL).

#include <string>
#include <string_view>

#include "sql/query_internal.h"

namespace immu::sql {

// Fills *out (scope columns with table qualifier `qualifier`, and rows) when
// (schema, name) is a system relation; returns false otherwise.
bool BuildSystemRelation(std::string_view schema, std::string_view name, const std::string& qualifier,
                         StmtContext& sc, Relation* out);

}  // namespace immu::sql
