#pragma once
// Generated columns (GENERATED ALWAYS AS (expr) STORED): computed from the
// rest of the row whenever a row is written, never written directly; and
// the matching rule for GENERATED ALWAYS identity columns.

#include <memory>
#include <utility>
#include <vector>

#include "sql/query_internal.h"

namespace immu::sql {

// 428C9 when a statement gives column col an explicit (non-DEFAULT) value:
// a generated column, or a GENERATED ALWAYS identity column unless INSERT
// says OVERRIDING SYSTEM VALUE.
void CheckExplicitValueAllowed(const ColumnDef& col, bool update, bool overriding_system_value);

// The generated columns of a table, bound over its row.
class GeneratedColumns {
 public:
  GeneratedColumns(StmtContext& sc, const TableDef& t);
  // Sets every generated column of *row from the row's other columns
  // (their expressions may not read generated columns).
  void Compute(Row* row, EvalContext& ctx) const;

 private:
  std::vector<std::pair<size_t, std::unique_ptr<Expr>>> exprs_;
};

// Binds a generation expression of t's column c (42P17 when it reads a
// generated column, is volatile... as far as we check) coerced to the
// column's type; validates CREATE TABLE / ADD COLUMN.
std::unique_ptr<Expr> BindGenerated(StmtContext& sc, const TableDef& t, size_t c);

}  // namespace immu::sql
