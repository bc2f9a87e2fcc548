#pragma once
// Grouping and aggregation for SELECT: GROUP BY (with GROUPING SETS,
// ROLLUP, CUBE), aggregates (agg_state.h, also used by window functions),
// HAVING. Grouped rows are laid out as
//   [group slot 0..n-1, grouping mask, aggregate 0..m-1]
// where the mask has bit g set when group slot g is not grouped in the row's
// grouping set (its value is NULL), which GROUPING() reads.

#include <string>
#include <vector>

#include "sql/agg_state.h"
#include "sql/query_internal.h"

namespace immu::sql {

// Checks PostgreSQL imposes on bound aggregate calls: with DISTINCT, the
// ORDER BY expressions must be arguments (42P10).
void CheckAggCalls(const std::vector<AggCall>& aggs);

// Structural equality of bound expressions (GROUP BY matching).
bool SameExpr(const Expr& a, const Expr& b);
// Identity of a list of values (grouping, DISTINCT).
std::string GroupKey(const std::vector<Value>& vals);

// A bound GROUP BY clause: the distinct grouping expressions and the
// grouping sets over them (indices into exprs).
struct GroupBy {
  std::vector<std::unique_ptr<Expr>> exprs;
  std::vector<std::vector<int>> sets;
  bool present = false;  // a GROUP BY clause was given (even GROUP BY ())
  int AggBase() const { return static_cast<int>(exprs.size()) + 1; }
};
void BindGroupBy(const PgQuery__SelectStmt* s, const Scope& scope, Binder& binder, GroupBy* out);

// Rewrites an expression bound over the input rows into one over grouped
// rows: group expressions become references to their slot, GROUPING() reads
// the mask; a column functionally dependent on a grouped primary key (every
// key column of its table instance grouped, as PostgreSQL allows: Django
// groups by the key alone) becomes an "any_value" aggregate appended to
// *aggs (when aggs and catalog are given); any other column reference is a
// grouping error (42803).
std::unique_ptr<Expr> ToGrouped(std::unique_ptr<Expr> e, const GroupBy& groups, const Scope& scope,
                                std::vector<AggCall>* aggs = nullptr, const Catalog* catalog = nullptr);

// Groups input by every grouping set, runs the aggregates, applies HAVING
// (already rewritten by ToGrouped; may be nullptr).
std::vector<Row> RunGrouping(const std::vector<Row>& input, const GroupBy& groups,
                             const std::vector<AggCall>& aggs, const Expr* having,
                             EvalContext& ctx);

}  // namespace immu::sql
