#pragma once
// Window functions: ROW_NUMBER, RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST,
// NTILE, LAG, LEAD, FIRST_VALUE, LAST_VALUE, NTH_VALUE and every aggregate
// over a window (PARTITION BY, ORDER BY, ROWS/RANGE/GROUPS frames with
// EXCLUDE), evaluated after WHERE, GROUP BY and HAVING and before DISTINCT,
// ORDER BY and LIMIT.
//
// The binder replaces each call by kAggRef(kWindowRefBase + i); once the
// row layout is known (input or grouped rows), Rebase() points those at the
// slots Run() appends to every row.

#include <memory>
#include <string>
#include <vector>

#include "sql/query_aggregate.h"

namespace immu::sql {

inline constexpr int kWindowRefBase = 1 << 24;

class WindowEvaluator {
 public:
  // Binds every call's window (named windows from s's WINDOW clause) over
  // scope. binder must still be collecting aggregates: window PARTITION BY
  // and ORDER BY may use them in a grouped query.
  WindowEvaluator(const PgQuery__SelectStmt* s, std::vector<WindowCall> calls, const Scope& scope,
                  Binder& binder);
  ~WindowEvaluator();

  bool empty() const { return calls_.empty(); }
  // For a grouped query: rewrites the bound expressions over grouped rows.
  void ToGrouped(const GroupBy& groups, const Scope& scope);
  // Appends each call's value to every row (rows keep their order).
  void Run(std::vector<Row>* rows, EvalContext& ctx);
  // EXPLAIN: the sort the first window needs ("" when none).
  std::string PlanSortKey() const;
  // Points window references in e at slot base + i.
  static void Rebase(Expr* e, int base);

 private:
  struct Window;
  struct Call;
  void RunWindow(const Window& w, std::vector<Row>* rows, size_t width, EvalContext& ctx);
  std::vector<std::unique_ptr<Window>> windows_;
  std::vector<Call> calls_;
};

}  // namespace immu::sql
