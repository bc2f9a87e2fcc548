#pragma once
// INSERT ... ON CONFLICT: the arbiter (primary key, a unique index, or any
// unique constraint for DO NOTHING without a target) and the DO UPDATE
// action, evaluated over the existing row and the proposed one (EXCLUDED).

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sql/query_internal.h"
#include "sql/row_writer.h"

namespace immu::sql {

class OnConflict {
 public:
  enum class Outcome { kNoConflict, kSkipped, kUpdated };

  // target_scope: the table's columns under its name or alias.
  OnConflict(const PgQuery__OnConflictClause* clause, const TableDef& t, const Scope& target_scope, Binder& binder,
             StmtContext& sc);

  // Decides what happens to the proposed row: no conflict (insert it),
  // skipped, or the existing row updated (*result: its new values).
  Outcome Apply(RowWriter& writer, const Row& proposed, Row* result);
  // A row this command inserted (it cannot be updated again by it).
  void Written(const std::string& key) { touched_.insert(key); }

 private:
  StmtContext& sc_;
  const TableDef& t_;
  bool update_ = false;
  bool pk_only_ = false;
  const IndexDef* arbiter_ = nullptr;
  std::vector<std::pair<size_t, std::unique_ptr<Expr>>> sets_;
  std::unique_ptr<Expr> where_;
  std::set<std::string> touched_;
};

}  // namespace immu::sql
