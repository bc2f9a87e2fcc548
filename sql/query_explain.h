#pragma once
// EXPLAIN [ANALYZE]: plans are recorded by the executors (plan.h) while
// they bind (EXPLAIN) or run (EXPLAIN ANALYZE); helpers they share.

#include <optional>
#include <string>

#include "sql/plan.h"
#include "sql/query_internal.h"

namespace immu::sql {

QueryResult RunExplain(const PgQuery__ExplainStmt* s, StmtContext& sc);

// SQL text of an expression for plan details ("?" if it cannot be shown).
std::string PlanExprText(const PgNode* n);
// "Seq Scan on t", "Index Scan using t_pkey on t x" ...
std::string ScanLabel(const TableDef& t, const std::optional<KeyRange>& range,
                      const PgQuery__RangeVar* rv);
// Index Cond / Filter lines of a scan with WHERE clause where.
void AddScanDetails(PlanScope& plan, const TableDef& t, const std::optional<KeyRange>& range,
                    const PgNode* where);

// The plan-node key of a FROM item (what its executor records under) and
// the child of parent with that key (nullptr: none).
const void* FromItemKey(const PgNode* item);
PlanNode* FindPlanChild(PlanNode* parent, const void* key);

// EXPLAIN without ANALYZE binds but has no outer rows: this pushes NULL
// stand-ins for every enclosing query level while an access path is chosen
// (a correlated key lookup evaluates outer columns). No-op otherwise.
class OuterStandIns {
 public:
  OuterStandIns(StmtContext& sc, const Scope* outer);
  ~OuterStandIns();
  OuterStandIns(const OuterStandIns&) = delete;
  OuterStandIns& operator=(const OuterStandIns&) = delete;

 private:
  EvalContext* ctx_ = nullptr;
  std::vector<Row> rows_;
};

}  // namespace immu::sql
