#pragma once
// RowWriter: every row a statement writes to one table goes through here, so
// INSERT, UPDATE, DELETE, COPY and the referential actions of foreign keys
// apply the same rules: NOT NULL, CHECK, primary-key and unique-index
// uniqueness, foreign keys (both as the referencing and the referenced
// table), and secondary index maintenance. Each write is a new version of
// the row's key in the statement's transaction; nothing is overwritten.
//
// Foreign keys follow PostgreSQL: a referencing row with a NULL in its key
// columns (MATCH SIMPLE) is not checked; the parent must exist at the end of
// the statement (so one INSERT can add a parent and its children), or at
// COMMIT for DEFERRABLE INITIALLY DEFERRED constraints. Rows referencing a
// deleted or re-keyed parent get the constraint's action (NO ACTION,
// RESTRICT, CASCADE, SET NULL, SET DEFAULT), recursively.
//
// Not thread-safe: one statement, one thread.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sql/index_writer.h"
#include "sql/query_internal.h"

namespace immu::sql {

class DomainChecker;     // sql/domain_check.h
class GeneratedColumns;  // sql/generated_columns.h

// A foreign-key check postponed to COMMIT (deferred constraints).
struct DeferredFkCheck {
  uint32_t table_oid = 0;     // the table owning the constraint
  std::string constraint;     // its name
  bool parent_side = false;   // false: the parent of values must exist;
                              // true: no row may reference values any more
  std::vector<Value> values;  // referencing (or referenced) key values
};

class RowWriter {
 public:
  RowWriter(StmtContext& sc, const TableDef& t);
  ~RowWriter();
  RowWriter(const RowWriter&) = delete;
  RowWriter& operator=(const RowWriter&) = delete;

  // Checks and writes a new row; returns its storage key.
  std::string Insert(Row& row);
  // Writes new_row as the next version of the row (old_row, old_key);
  // returns its key (a primary-key change moves the row to a new key).
  std::string Update(const Row& old_row, const std::string& old_key, Row& new_row);
  void Delete(const Row& row, const std::string& key);

  // The key of an existing row that new_row would collide with on the
  // primary key or a unique index (ON CONFLICT), when there is one.
  // arbiter: only that unique index (nullptr: the primary key and every
  // unique index).
  std::optional<std::string> FindConflict(const Row& row, const IndexDef* arbiter, bool pk_only);

  // End of statement: runs the checks collected while writing.
  void Finish();

  const TableDef& table() const { return t_; }

  // Whether uniqueness checks wait for concurrent writers of the same key
  // (PostgreSQL's behaviour: then 23505, or success if that writer rolled
  // back) instead of leaving the clash to the commit (40001). On by default;
  // COPY turns it off to keep bulk loads free of per-row lock entries.
  void set_wait_for_writers(bool wait) {
    wait_for_writers_ = wait;
    indexes_.set_wait_for_writers(wait);
  }

  // Runs one deferred check (at COMMIT); throws 23503 when it fails.
  static void RunDeferred(StmtContext& sc, const DeferredFkCheck& check);

 private:
  struct Referencing {  // a foreign key of another table pointing at t_
    const TableDef* child;
    size_t fk;
  };
  void CheckRow(const Row& row);
  void QueueParentChecks(const Row& row, const Row* old_row);
  void OnParentChange(const Row& old_row, const Row* new_row);
  RowWriter& WriterFor(const TableDef& child);

  StmtContext& sc_;
  const TableDef& t_;
  IndexWriter indexes_;
  bool wait_for_writers_ = true;
  std::vector<std::unique_ptr<Expr>> checks_;
  // Columns of a domain type and their domain's constraints.
  std::vector<std::pair<size_t, std::unique_ptr<DomainChecker>>> domains_;
  std::unique_ptr<GeneratedColumns> generated_;
  std::vector<Referencing> referencing_;
  // (fk index, key values) whose parent must exist at statement end.
  std::vector<std::pair<size_t, std::vector<Value>>> pending_;
  // (referencing fk, old key values) that must be unreferenced at statement end.
  std::vector<std::pair<size_t, std::vector<Value>>> pending_parent_;
  std::map<uint32_t, std::unique_ptr<RowWriter>> children_;
};

// Foreign-key lookups shared with ALTER TABLE ... ADD FOREIGN KEY.
// Whether t (the referenced table) has a row whose ref_columns equal values.
bool ParentExists(StmtContext& sc, const TableDef& parent, const std::vector<int>& ref_columns,
                  const std::vector<Value>& values);
// The rows of child whose columns equal values (live, with their keys).
void FindChildRows(StmtContext& sc, const TableDef& child, const std::vector<int>& columns,
                   const std::vector<Value>& values, std::vector<Row>* rows, std::vector<std::string>* keys);
// 23503 for a referencing row whose parent is missing.
[[noreturn]] void MissingParent(StmtContext& sc, const TableDef& child, const ForeignKeyDef& fk,
                                const std::vector<Value>& values);

}  // namespace immu::sql
