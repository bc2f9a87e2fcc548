#pragma once
// Pieces of SELECT shared by its executors (query_select.cc, query_setop.cc):
// sort keys, LIMIT/OFFSET, VALUES lists and set operations.

#include "sql/query_internal.h"

namespace immu::sql {

// An ORDER BY item (or DISTINCT ON expression).
struct SortKey {
  std::unique_ptr<Expr> expr;  // over the pre-projection row (or nullptr)
  int output = -1;             // or an output column
  bool desc = false;
  bool nulls_first = false;
  bool in_order_by = false;  // DISTINCT ON key that ORDER BY already sorts on
  int location = -1;
};

// ORDER BY comparison of two key values (direction and NULLS placement).
int CompareSort(const Value& a, const Value& b, const SortKey& k);
// The value of a LIMIT/OFFSET expression; -1 for NULL (no limit); 2201W
// when negative.
int64_t EvalLimit(const PgNode* n, Binder& binder, const Scope& scope, EvalContext& ctx,
                  const char* what);

// SELECT over VALUES lists.
QueryResult RunValues(const PgQuery__SelectStmt* s, StmtContext& sc, Binder& binder,
                      const Scope& scope);
// UNION / INTERSECT / EXCEPT [ALL] with their ORDER BY and LIMIT.
QueryResult RunSetOp(const PgQuery__SelectStmt* s, StmtContext& sc, const Scope* outer);

}  // namespace immu::sql
