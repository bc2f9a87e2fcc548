#pragma once
// WITH queries (common table expressions): scoping, materialisation once
// per statement, WITH RECURSIVE by iteration over a working table, and
// data-modifying CTEs (INSERT/UPDATE/DELETE ... RETURNING).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sql/query_internal.h"

namespace immu::sql {

// One CTE of a WITH clause.
struct CteEntry {
  enum class State {
    kPending,       // not evaluated yet
    kRunning,       // its (non-recursive) body is being evaluated
    kNonRecursive,  // the non-recursive term of a recursive CTE is being evaluated
    kRecursing,     // the recursive term is being iterated: references read `working`
    kDone,          // rows materialised
  };
  const PgQuery__CommonTableExpr* cte = nullptr;
  std::string name;
  State state = State::kPending;
  bool described = false;             // columns known
  std::vector<ResultColumn> columns;  // output columns (alias list applied)
  std::vector<Row> rows;              // the result, once kDone
  std::vector<Row> working;           // kRecursing: the previous iteration's new rows
  bool working_read = false;          // the recursive term read the working table
  bool ran = false;                   // data-modifying: executed (exactly once)
};

// The CTEs of one WITH clause; parent: the enclosing query's WITH scope.
// In a non-recursive WITH, a CTE sees only the CTEs before it (`visible`
// is lowered while its body runs); in WITH RECURSIVE it sees all of them.
struct CteScope {
  std::vector<CteEntry> entries;  // never resized after construction
  size_t visible = 0;
  bool recursive = false;
  CteScope* parent = nullptr;
  // The enclosing query's scope and outer-row depth where the WITH stands:
  // CTE bodies may reference its columns (correlated).
  const Scope* outer = nullptr;
  size_t outer_depth = 0;
};

// Installs a WITH clause's CTEs as the innermost scope of sc for its
// lifetime (no-op for nullptr). Data-modifying CTEs run exactly once,
// whether referenced or not (PostgreSQL runs them to completion): here,
// unless defer_data_modifying, in which case on first reference or in
// Finish() after the main query (so that, as in PostgreSQL, the main query
// does not see their effects unless it reads them first).
class WithScope {
 public:
  // top: the WITH belongs to the statement itself (not to a subquery);
  // data-modifying CTEs are rejected otherwise (0A000).
  WithScope(const PgQuery__WithClause* with, StmtContext& sc, const Scope* outer = nullptr,
            bool defer_data_modifying = false, bool top = true);
  // Runs the data-modifying CTEs not run yet.
  void Finish();
  ~WithScope();
  WithScope(const WithScope&) = delete;
  WithScope& operator=(const WithScope&) = delete;

 private:
  StmtContext& sc_;
  CteScope* saved_ = nullptr;
  std::unique_ptr<CteScope> scope_;
};

// A FROM-clause name that resolves to a CTE in scope (CTE names shadow
// tables); nullopt when rv names no CTE.
std::optional<Relation> FromCte(const PgQuery__RangeVar* rv, StmtContext& sc);

}  // namespace immu::sql
