#pragma once
// Statement execution: SELECT, INSERT, UPDATE, DELETE, CREATE/DROP TABLE
// over one database's store, inside one storage transaction.
//
// The executor materialises results (rows are produced in full, then handed
// to the session, which streams them to the client and keeps the rest for a
// suspended portal). Reads see the transaction's snapshot plus its own
// writes; every write becomes a versioned entry of the transaction.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "sql/binder.h"
#include "sql/database.h"
#include "sql/session.h"
#include "storage/transaction.h"

namespace immu::sql {

struct QueryResult {
  bool returns_rows = false;
  std::vector<ResultColumn> columns;
  std::vector<Row> rows;
  std::string tag;  // command tag without row count for SELECT (filled by the session)
};

struct DeferredFkCheck;  // sql/row_writer.h
struct CteScope;
class PlanRecorder;

// A time-travel period resolved to transaction ids: versions committed by
// lo <= tx <= hi (hi is also capped by the reading transaction's snapshot).
struct TxRange {
  uint64_t lo = 1;
  uint64_t hi = UINT64_MAX;
  bool empty() const { return lo > hi; }
};

struct StmtContext {
  Database* db = nullptr;
  // Catalog the statement binds against; DDL replaces *catalog.
  std::shared_ptr<const Catalog>* catalog = nullptr;
  bool catalog_changed = false;
  Transaction* txn = nullptr;
  EvalContext* eval = nullptr;
  std::vector<uint32_t>* param_types = nullptr;
  // Describe only: bind and compute the result columns, touch no data.
  bool describe_only = false;
  // Owner of the row locks UPDATE/DELETE take (the session); none: no locks.
  const void* lock_owner = nullptr;
  // Foreign-key checks of deferred constraints, run at COMMIT (the
  // session's list; nullptr: check at the end of the statement).
  std::vector<DeferredFkCheck>* deferred = nullptr;
  // SELECT ... FOR UPDATE/SHARE: the rows read from tables are locked (as
  // UPDATE locks them) and moved to their latest version.
  enum class RowLocking { kNone, kWait, kNoWait, kSkipLocked };
  RowLocking row_locking = RowLocking::kNone;
  // Time travel: the statement's parse tree (FROM items' periods, HISTORY
  // OF, DIFF OF) and the session's USE SNAPSHOT period (nullptr: none).
  const ParseTree* tree = nullptr;
  const TxRange* session_period = nullptr;
  // Innermost WITH scope of the query being run (query_cte.h); nullptr: none.
  CteScope* ctes = nullptr;
  // Set while a SELECT runs: a WITH seen then is not the statement's own
  // (data-modifying CTEs are allowed only at the top level).
  bool nested = false;
  // The WHERE clause of the SELECT whose FROM item (a join) is being built:
  // its simple comparisons over one table are applied to that table's rows
  // early (and may pick an index) where that cannot change the result
  // (tables on the non-nullable side of joins); nullptr: none.
  const PgNode* pushdown_where = nullptr;
  // EXPLAIN: executors record their plan here (plan.h); nullptr: not explaining.
  PlanRecorder* plan = nullptr;
};

// Runs one statement (a parse-tree node of the kinds above).
QueryResult ExecuteStatement(const PgNode* stmt, StmtContext& sc);

}  // namespace immu::sql
