#include "sql/index_writer.h"

#include "catalog/pg_error.h"
#include "sql/row_codec.h"

namespace immu::sql {

IndexWriter::IndexWriter(StmtContext& sc, const TableDef& t) : sc_(sc), t_(t) {
  for (const auto& x : t.indexes) {
    if (x.predicate.empty()) {
      predicates_.push_back(nullptr);
      continue;
    }
    Scope scope;
    AddTableScope(t, t.name, &scope);
    Binder binder(*sc.eval, nullptr);
    auto tree = ParseTree::Parse("SELECT 1 WHERE " + x.predicate);
    predicates_.push_back(binder.BindCondition(tree->stmt(0)->select_stmt->where_clause, scope, "WHERE"));
  }
}

std::string IndexKeyPrefix(const IndexDef& x, const std::vector<Value>& leading) {
  std::string k = IndexPrefix(x.storage_id);
  for (const auto& v : leading) AppendKeyValue(v, &k);
  return k;
}

bool IndexWriter::Applies(size_t i, const Row& row) {
  return predicates_[i] == nullptr || EvalPredicate(*predicates_[i], row, *sc_.eval);
}

const std::vector<std::unique_ptr<Expr>>& IndexWriter::KeyExprs(const IndexDef& x) const {
  auto it = key_exprs_.find(x.oid);
  if (it != key_exprs_.end()) return it->second;
  std::vector<std::unique_ptr<Expr>> bound;
  Scope scope;
  AddTableScope(t_, t_.name, &scope);
  Binder binder(*sc_.eval, nullptr);
  for (size_t k = 0; k < x.columns.size(); k++) {
    if (x.columns[k] != IndexDef::kExpressionKey) {
      bound.push_back(nullptr);
      continue;
    }
    auto tree = ParseTree::Parse("SELECT " + x.exprs[k]);
    bound.push_back(binder.Bind(tree->stmt(0)->select_stmt->target_list[0]->res_target->val, scope));
  }
  return key_exprs_.emplace(x.oid, std::move(bound)).first->second;
}

Value IndexWriter::KeyValue(const IndexDef& x, size_t k, const Row& row) const {
  if (x.columns[k] != IndexDef::kExpressionKey) return row[static_cast<size_t>(x.columns[k])];
  return Eval(*KeyExprs(x)[k], row, *sc_.eval);
}

std::string IndexWriter::EntryKey(const IndexDef& x, const Row& row, std::string_view row_suffix,
                                  bool* unique_form) const {
  std::string k = IndexPrefix(x.storage_id);
  bool has_null = false;
  for (size_t i = 0; i < x.columns.size(); i++) {
    if (x.columns[i] != IndexDef::kExpressionKey) {
      const Value& v = row[static_cast<size_t>(x.columns[i])];
      has_null |= v.null;
      AppendKeyValue(v, &k);
      continue;
    }
    const Value v = KeyValue(x, i, row);
    has_null |= v.null;
    AppendKeyValue(v, &k);
  }
  // NULLs are distinct from each other, so such entries never collide
  // (unless the index says NULLS NOT DISTINCT).
  *unique_form = x.unique && (!has_null || x.nulls_not_distinct);
  if (!*unique_form) k.append(row_suffix);
  return k;
}

void IndexWriter::InsertOne(size_t i, const Row& row, const std::string& row_key) {
  const IndexDef& x = t_.indexes[i];
  const std::string prefix = RowPrefix(t_.relfilenode());
  const std::string_view suffix = std::string_view(row_key).substr(prefix.size());
  bool unique_form = false;
  const std::string key = EntryKey(x, row, suffix, &unique_form);
  if (unique_form) {
    const std::optional<ValueVersion> got = ReadKeyForWrite(sc_, key, wait_for_writers_);
    if (got && got->value != suffix) {
      std::string cols, vals;
      for (size_t k = 0; k < x.columns.size(); k++) {
        const bool expr = x.columns[k] == IndexDef::kExpressionKey;
        cols += (k ? ", " : "") + (expr ? x.exprs[k] : t_.columns[static_cast<size_t>(x.columns[k])].name);
        vals += (k ? ", " : "") + ToText(KeyValue(x, k, row), sc_.eval->vc);
      }
      PgError e(sqlstate::kUniqueViolation, "duplicate key value violates unique constraint \"" + x.name + "\"",
                "Key (" + cols + ")=(" + vals + ") already exists.");
      e.table_name = t_.name;
      e.schema_name = t_.schema;
      e.constraint_name = x.name;
      throw e;
    }
  }
  ThrowIfError(sc_.txn->Set(key, suffix));
}

std::optional<std::string> IndexWriter::FindUnique(size_t i, const Row& row) {
  const IndexDef& x = t_.indexes[i];
  if (!x.unique || !Applies(i, row)) return std::nullopt;
  bool unique_form = false;
  const std::string key = EntryKey(x, row, {}, &unique_form);
  if (!unique_form) return std::nullopt;  // a NULL never conflicts
  std::optional<ValueVersion> got = ReadKeyForWrite(sc_, key, wait_for_writers_);
  if (got) return std::move(got->value);
  return std::nullopt;
}

void IndexWriter::Insert(const Row& row, const std::string& row_key) {
  for (size_t i = 0; i < t_.indexes.size(); i++) {
    if (Applies(i, row)) InsertOne(i, row, row_key);
  }
}

void IndexWriter::Remove(const Row& row, const std::string& row_key) {
  const std::string prefix = RowPrefix(t_.relfilenode());
  const std::string_view suffix = std::string_view(row_key).substr(prefix.size());
  for (size_t i = 0; i < t_.indexes.size(); i++) {
    if (!Applies(i, row)) continue;
    bool unique_form = false;
    const std::string key = EntryKey(t_.indexes[i], row, suffix, &unique_form);
    ThrowIfError(sc_.txn->Delete(key));
  }
}

void IndexWriter::Update(const Row& old_row, const std::string& old_key, const Row& new_row,
                         const std::string& new_key) {
  const std::string prefix = RowPrefix(t_.relfilenode());
  const std::string_view old_suffix = std::string_view(old_key).substr(prefix.size());
  const std::string_view new_suffix = std::string_view(new_key).substr(prefix.size());
  for (size_t i = 0; i < t_.indexes.size(); i++) {
    const bool was = Applies(i, old_row);
    const bool is = Applies(i, new_row);
    bool unique_form = false;
    std::string before, after;
    if (was) before = EntryKey(t_.indexes[i], old_row, old_suffix, &unique_form);
    if (is) after = EntryKey(t_.indexes[i], new_row, new_suffix, &unique_form);
    if (was && is && before == after && old_suffix == new_suffix) continue;
    if (was) ThrowIfError(sc_.txn->Delete(before));
    if (is) InsertOne(i, new_row, new_key);
  }
}

void IndexWriter::Build(const IndexDef& index) {
  size_t i = 0;
  while (i < t_.indexes.size() && t_.indexes[i].oid != index.oid) i++;
  if (i == t_.indexes.size()) return;
  std::vector<Row> rows;
  std::vector<std::string> keys;
  ScanTable(sc_, t_, &rows, &keys);
  for (size_t r = 0; r < rows.size(); r++) {
    CheckCancel(*sc_.eval);
    if (Applies(i, rows[r])) InsertOne(i, rows[r], keys[r]);
  }
}

}  // namespace immu::sql
