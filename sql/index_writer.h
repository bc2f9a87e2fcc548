#pragma once
// Secondary index maintenance: every row write adds, and every row removal
// tombstones, the row's entries in each index of its table, in the same
// storage transaction (catalog/catalog.h has the key layout). Unique indexes
// are checked here (23505 naming the index).

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sql/query_internal.h"

namespace immu::sql {

class IndexWriter {
 public:
  IndexWriter(StmtContext& sc, const TableDef& t);
  // row was written under row_key (full key including the table prefix).
  void Insert(const Row& row, const std::string& row_key);
  void Remove(const Row& row, const std::string& row_key);
  // Moves the row's entries from (old_row, old_key) to (new_row, new_key),
  // writing only the entries that change: an UPDATE of unindexed columns
  // touches no index key (and so cannot conflict on one).
  void Update(const Row& old_row, const std::string& old_key, const Row& new_row, const std::string& new_key);
  // Builds one index from every row of the table (CREATE INDEX, rewrites).
  void Build(const IndexDef& index);
  bool empty() const { return t_.indexes.empty(); }
  // For unique index i: the row-key suffix of a live row whose entry row
  // would collide with (ON CONFLICT), if any.
  std::optional<std::string> FindUnique(size_t i, const Row& row);
  // See RowWriter::set_wait_for_writers.
  void set_wait_for_writers(bool wait) { wait_for_writers_ = wait; }

 private:
  bool Applies(size_t i, const Row& row);
  std::string EntryKey(const IndexDef& x, const Row& row, std::string_view row_suffix, bool* unique_form) const;
  // Key k of index x for row: the column's value, or the key expression's.
  Value KeyValue(const IndexDef& x, size_t k, const Row& row) const;
  // Index x's key expressions bound over the table (nullptr for column
  // keys), bound on first use; keyed by index oid.
  const std::vector<std::unique_ptr<Expr>>& KeyExprs(const IndexDef& x) const;
  void InsertOne(size_t i, const Row& row, const std::string& row_key);

  StmtContext& sc_;
  const TableDef& t_;
  std::vector<std::unique_ptr<Expr>> predicates_;  // per index; nullptr = total
  bool wait_for_writers_ = true;
  mutable std::map<uint32_t, std::vector<std::unique_ptr<Expr>>> key_exprs_;
};

// Index entry key prefix for equality on the index's first columns.
std::string IndexKeyPrefix(const IndexDef& x, const std::vector<Value>& leading);

}  // namespace immu::sql
