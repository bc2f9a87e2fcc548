#pragma once
// System relations: pg_catalog.* and information_schema.* views generated
// from the real catalog on each use, so joins, filters, casts and ORDER BY
// run on them through the normal executor (no canned answers).
//
// FROM resolves a name here when it is schema-qualified with pg_catalog or
// information_schema, or unqualified and not a user table (pg_catalog is
// implicitly first on the search path, as in PostgreSQL).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sql/query_internal.h"

namespace immu::sql {

// Fills *out (scope columns with table qualifier `qualifier`, and rows) when
// (schema, name) is a system relation; returns false otherwise. Relations
// that are a function of the catalog snapshot alone are built once per
// snapshot (Catalog::Derived) and copied from there. make_filter, when
// given, is called with the relation's scope and may return a predicate
// (conjuncts of the query's WHERE): rows failing it are left out.
using FilterMaker = std::function<std::unique_ptr<Expr>(const Scope& scope)>;
bool BuildSystemRelation(std::string_view schema, std::string_view name, const std::string& qualifier,
                         StmtContext& sc, Relation* out, const FilterMaker& make_filter = nullptr);

// reg* type names over a session's catalog (sql/system_names.cc). The
// pointer follows the session's current snapshot, so values printed after
// DDL show the new names.
class CatalogNames : public OidNames {
 public:
  explicit CatalogNames(const std::shared_ptr<const Catalog>* catalog) : catalog_(catalog) {}
  std::optional<std::string> NameOf(uint32_t type, uint32_t id) const override;
  uint32_t OidOf(uint32_t type, std::string_view name) const override;

 private:
  const std::shared_ptr<const Catalog>* catalog_;
};

}  // namespace immu::sql
