// INSERT, UPDATE, DELETE: every written row is a new version of its key in
// the transaction; DELETE writes a tombstone. Nothing is overwritten.

#include "catalog/pg_error.h"
#include "sql/index_writer.h"
#include "sql/query_internal.h"
#include "sql/row_codec.h"

namespace immu::sql {

namespace {

std::string RowText(const Row& row, EvalContext& ctx) {
  std::string s = "(";
  for (size_t i = 0; i < row.size(); i++) {
    if (i > 0) s += ", ";
    s += row[i].null ? "null" : ToText(row[i], ctx.vc);
  }
  return s + ")";
}

QueryResult Returning(PgNode* const* list, size_t n, const TableDef& t, Binder& binder, StmtContext& sc,
                      const std::vector<Row>& rows) {
  QueryResult out;
  if (n == 0) return out;
  Scope scope;
  AddTableScope(t, t.name, &scope);
  Projection proj;
  BindTargetList(list, n, scope, binder, &proj);
  out.returns_rows = true;
  out.columns = proj.columns;
  for (const Row& r : rows) {
    Row o;
    for (const auto& e : proj.exprs) o.push_back(Eval(*e, r, *sc.eval));
    out.rows.push_back(std::move(o));
  }
  return out;
}

}  // namespace

void CheckNotNull(const TableDef& t, const Row& row, EvalContext& ctx) {
  for (size_t c = 0; c < t.columns.size(); c++) {
    if (t.columns[c].not_null && row[c].null) {
      PgError e(sqlstate::kNotNullViolation,
                "null value in column \"" + t.columns[c].name + "\" of relation \"" + t.name +
                    "\" violates not-null constraint",
                "Failing row contains " + RowText(row, ctx) + ".");
      e.table_name = t.name;
      e.column_name = t.columns[c].name;
      e.schema_name = t.schema;
      throw e;
    }
  }
}

[[noreturn]] void DuplicateKey(const TableDef& t, const Row& row, EvalContext& ctx) {
  std::string cols, vals;
  for (size_t i = 0; i < t.pk.size(); i++) {
    const size_t c = static_cast<size_t>(t.pk[i]);
    cols += (i ? ", " : "") + t.columns[c].name;
    vals += (i ? ", " : "") + (row[c].null ? std::string("null") : ToText(row[c], ctx.vc));
  }
  PgError e(sqlstate::kUniqueViolation, "duplicate key value violates unique constraint \"" + t.pk_name + "\"",
            "Key (" + cols + ")=(" + vals + ") already exists.");
  e.table_name = t.name;
  e.schema_name = t.schema;
  e.constraint_name = t.pk_name;
  throw e;
}

bool KeyExists(StmtContext& sc, const std::string& key) {
  auto got = sc.txn->Get(key);
  if (got.ok()) return !got->md.deleted();
  if (got.status().code() == StatusCode::kNotFound) return false;
  ThrowIfError(got.status());
  return false;
}

// Binds the DEFAULT expression of a column (stored as SQL text).
std::unique_ptr<Expr> BindDefault(const TableDef& t, size_t c, Binder& binder) {
  const ColumnDef& col = t.columns[c];
  if (col.default_expr.empty()) return Expr::Const(Value::Null(col.type_oid));
  auto tree = ParseTree::Parse("SELECT " + col.default_expr);
  const PgNode* val = tree->stmt(0)->select_stmt->target_list[0]->res_target->val;
  auto e = binder.Bind(val, Scope{});
  return binder.Coerce(std::move(e), col.type_oid, col.typmod, false, ("column \"" + col.name + "\"").c_str());
}

QueryResult RunInsert(const PgQuery__InsertStmt* s, StmtContext& sc) {
  if (s->with_clause != nullptr) throw PgError(sqlstate::kFeatureNotSupported, "WITH in INSERT is not supported yet");
  const TableDef& t = LookupTable(**sc.catalog, s->relation);
  Binder binder(*sc.eval, sc.param_types);
  InstallSubqueryBinder(binder, sc);
  // Target columns.
  std::vector<int> targets;
  if (s->n_cols == 0) {
    for (size_t c = 0; c < t.columns.size(); c++) {
      if (!t.columns[c].dropped) targets.push_back(static_cast<int>(c));
    }
  } else {
    for (size_t i = 0; i < s->n_cols; i++) {
      const auto* rt = s->cols[i]->res_target;
      const int c = t.FindColumn(rt->name);
      if (c < 0) {
        Throw(sqlstate::kUndefinedColumn,
              "column \"" + std::string(rt->name) + "\" of relation \"" + t.name + "\" does not exist", rt->location);
      }
      for (int prev : targets) {
        if (prev == c) Throw(sqlstate::kDuplicateColumn, "column \"" + std::string(rt->name) + "\" specified more than once", rt->location);
      }
      targets.push_back(c);
    }
  }
  // Source rows as expressions (VALUES) or values (SELECT).
  std::vector<std::vector<std::unique_ptr<Expr>>> exprs;  // per row; nullptr = DEFAULT
  std::vector<Row> selected;
  bool from_select = false;
  const PgQuery__SelectStmt* sel = s->select_stmt != nullptr ? s->select_stmt->select_stmt : nullptr;
  if (sel == nullptr) {
    exprs.emplace_back();  // DEFAULT VALUES
    exprs.back().resize(targets.size());
    targets.clear();
    exprs.back().clear();
  } else if (sel->n_values_lists > 0 && sel->op <= PG_QUERY__SET_OPERATION__SETOP_NONE) {
    for (size_t r = 0; r < sel->n_values_lists; r++) {
      const PgQuery__List* l = sel->values_lists[r]->list;
      if (l->n_items > targets.size()) Throw(sqlstate::kSyntaxError, "INSERT has more expressions than target columns");
      if (l->n_items < targets.size()) Throw(sqlstate::kSyntaxError, "INSERT has more target columns than expressions");
      std::vector<std::unique_ptr<Expr>> row;
      for (size_t c = 0; c < l->n_items; c++) {
        const PgNode* item = l->items[c];
        if (item->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT) {
          row.push_back(nullptr);
          continue;
        }
        const ColumnDef& col = t.columns[static_cast<size_t>(targets[c])];
        row.push_back(binder.Coerce(binder.Bind(item, Scope{}), col.type_oid, col.typmod, false,
                                    ("column \"" + col.name + "\"").c_str()));
      }
      exprs.push_back(std::move(row));
    }
  } else {
    from_select = true;
    QueryResult q = RunSelect(sel, sc, nullptr);
    if (q.columns.size() > targets.size()) Throw(sqlstate::kSyntaxError, "INSERT has more expressions than target columns");
    if (q.columns.size() < targets.size()) Throw(sqlstate::kSyntaxError, "INSERT has more target columns than expressions");
    for (size_t c = 0; c < targets.size(); c++) {
      const ColumnDef& col = t.columns[static_cast<size_t>(targets[c])];
      if (!CanCast(q.columns[c].type_oid, col.type_oid, false)) {
        Throw(sqlstate::kDatatypeMismatch, "column \"" + col.name + "\" is of type " + FormatType(col.type_oid, col.typmod) +
                                               " but expression is of type " + FormatType(q.columns[c].type_oid, -1));
      }
    }
    selected = std::move(q.rows);
  }
  if (s->on_conflict_clause != nullptr) {
    throw PgError(sqlstate::kFeatureNotSupported, "ON CONFLICT is not supported yet");
  }
  std::vector<std::unique_ptr<Expr>> defaults(t.columns.size());
  std::vector<bool> targeted(t.columns.size(), false);
  for (int c : targets) targeted[static_cast<size_t>(c)] = true;
  for (size_t c = 0; c < t.columns.size(); c++) {
    if (!t.columns[c].serial && (!targeted[c] || !from_select)) defaults[c] = BindDefault(t, c, binder);
  }
  QueryResult probe = Returning(s->returning_list, s->n_returning_list, t, binder, sc, {});
  if (sc.describe_only) return probe;

  std::vector<Row> written;
  IndexWriter indexes(sc, t);
  const size_t nrows = from_select ? selected.size() : exprs.size();
  for (size_t r = 0; r < nrows; r++) {
    CheckCancel(*sc.eval);
    // Columns are computed in table order, as PostgreSQL's projection does
    // (so a failing later column still consumes an earlier serial value).
    Row row(t.columns.size());
    std::vector<int> source(t.columns.size(), -1);
    for (size_t i = 0; i < targets.size(); i++) source[static_cast<size_t>(targets[i])] = static_cast<int>(i);
    for (size_t c = 0; c < t.columns.size(); c++) {
      const ColumnDef& col = t.columns[c];
      const int i = source[c];
      if (i >= 0 && from_select) {
        row[c] = CastValue(selected[r][static_cast<size_t>(i)], col.type_oid, col.typmod, sc.eval->vc, false);
      } else if (i >= 0 && exprs[r][static_cast<size_t>(i)] != nullptr) {
        row[c] = Eval(*exprs[r][static_cast<size_t>(i)], Row{}, *sc.eval);
      } else if (col.serial) {
        row[c] = CastValue(Value::Int(oid::kInt8, sc.db->NextSequenceValue(t.oid, static_cast<uint16_t>(c))),
                           col.type_oid, col.typmod, sc.eval->vc, false);
      } else {
        row[c] = Eval(*defaults[c], Row{}, *sc.eval);
      }
    }
    for (size_t c = 0; c < t.columns.size(); c++) {
      if (t.columns[c].dropped) row[c] = Value::Null(t.columns[c].type_oid);
      row[c].type = t.columns[c].type_oid;
    }
    CheckNotNull(t, row, *sc.eval);
    int64_t row_id = 0;
    if (t.pk.empty()) row_id = sc.db->NextSequenceValue(t.oid, Database::kRowIdColumn);
    const std::string key = RowKey(t, row, row_id);
    if (!t.pk.empty() && KeyExists(sc, key)) DuplicateKey(t, row, *sc.eval);
    std::string value;
    AppendRowValues(row, &value);
    ThrowIfError(sc.txn->Set(key, value));
    indexes.Insert(row, key);
    written.push_back(std::move(row));
  }
  QueryResult out = Returning(s->returning_list, s->n_returning_list, t, binder, sc, written);
  out.tag = "INSERT 0 " + std::to_string(written.size());
  return out;
}

// Locks the row and moves *row to its latest committed version, as
// PostgreSQL's READ COMMITTED does for rows an UPDATE or DELETE changes: a
// concurrent writer is waited for, and a row it changed is re-checked
// against WHERE. Returns false when the row no longer qualifies.
bool LockLatest(StmtContext& sc, const TableDef& t, const std::string& key, const Expr* cond, Row* row) {
  if (sc.lock_owner == nullptr) return true;
  sc.db->LockRow(key, sc.lock_owner, sc.eval->cancel);
  auto latest = sc.txn->GetLatest(key);
  if (!latest.ok()) {
    if (latest.status().code() == StatusCode::kNotFound) return false;  // deleted meanwhile
    ThrowIfError(latest.status());
  }
  if (latest->tx == 0 || latest->tx <= sc.txn->snapshot()) return true;  // own write or unchanged
  DecodeRow(latest->value, ColumnTypes(t), row);
  if (cond != nullptr && !EvalPredicate(*cond, *row, *sc.eval)) return false;
  sc.txn->SetBase(key, latest->tx);
  return true;
}

// The rows an UPDATE or DELETE changes: scanned through the best access
// path, filtered by WHERE, locked and moved to their latest version.
template <typename F>
void ForEachTargetRow(StmtContext& sc, const TableDef& t, const Expr* cond, F&& fn) {
  std::vector<Row> rows;
  std::vector<std::string> keys;
  ScanTableRange(sc, t, PrimaryKeyRange(t, cond, *sc.eval), &rows, &keys);
  for (size_t r = 0; r < rows.size(); r++) {
    CheckCancel(*sc.eval);
    if (cond && !EvalPredicate(*cond, rows[r], *sc.eval)) continue;
    if (!LockLatest(sc, t, keys[r], cond, &rows[r])) continue;
    fn(rows[r], keys[r]);
  }
}

QueryResult RunUpdate(const PgQuery__UpdateStmt* s, StmtContext& sc) {
  if (s->n_from_clause > 0 || s->with_clause != nullptr) {
    throw PgError(sqlstate::kFeatureNotSupported, "UPDATE ... FROM and WITH are not supported yet");
  }
  const TableDef& t = LookupTable(**sc.catalog, s->relation);
  Binder binder(*sc.eval, sc.param_types);
  InstallSubqueryBinder(binder, sc);
  Scope scope;
  AddTableScope(t, s->relation->alias != nullptr ? s->relation->alias->aliasname : t.name, &scope);
  std::vector<std::pair<size_t, std::unique_ptr<Expr>>> sets;
  for (size_t i = 0; i < s->n_target_list; i++) {
    const auto* rt = s->target_list[i]->res_target;
    const int c = t.FindColumn(rt->name);
    if (c < 0) {
      Throw(sqlstate::kUndefinedColumn,
            "column \"" + std::string(rt->name) + "\" of relation \"" + t.name + "\" does not exist", rt->location);
    }
    const ColumnDef& col = t.columns[static_cast<size_t>(c)];
    std::unique_ptr<Expr> e = rt->val->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT
                                  ? BindDefault(t, static_cast<size_t>(c), binder)
                                  : binder.Coerce(binder.Bind(rt->val, scope), col.type_oid, col.typmod, false,
                                                  ("column \"" + col.name + "\"").c_str());
    sets.emplace_back(static_cast<size_t>(c), std::move(e));
  }
  std::unique_ptr<Expr> cond;
  if (s->where_clause != nullptr) cond = binder.BindCondition(s->where_clause, scope, "WHERE");
  QueryResult probe = Returning(s->returning_list, s->n_returning_list, t, binder, sc, {});
  if (sc.describe_only) return probe;

  std::vector<Row> written;
  IndexWriter indexes(sc, t);
  ForEachTargetRow(sc, t, cond.get(), [&](Row& old_row, const std::string& old_key) {
    Row updated = old_row;
    for (const auto& [c, e] : sets) {
      updated[c] = Eval(*e, old_row, *sc.eval);
      updated[c].type = t.columns[c].type_oid;
    }
    CheckNotNull(t, updated, *sc.eval);
    std::string key = old_key;
    if (!t.pk.empty()) {
      const std::string new_key = RowKey(t, updated, 0);
      if (new_key != key) {
        if (KeyExists(sc, new_key)) DuplicateKey(t, updated, *sc.eval);
        ThrowIfError(sc.txn->Delete(key));
        key = new_key;
      }
    }
    std::string value;
    AppendRowValues(updated, &value);
    ThrowIfError(sc.txn->Set(key, value));
    indexes.Update(old_row, old_key, updated, key);
    written.push_back(std::move(updated));
  });
  QueryResult out = Returning(s->returning_list, s->n_returning_list, t, binder, sc, written);
  out.tag = "UPDATE " + std::to_string(written.size());
  return out;
}

QueryResult RunDelete(const PgQuery__DeleteStmt* s, StmtContext& sc) {
  if (s->n_using_clause > 0 || s->with_clause != nullptr) {
    throw PgError(sqlstate::kFeatureNotSupported, "DELETE ... USING and WITH are not supported yet");
  }
  const TableDef& t = LookupTable(**sc.catalog, s->relation);
  Binder binder(*sc.eval, sc.param_types);
  InstallSubqueryBinder(binder, sc);
  Scope scope;
  AddTableScope(t, s->relation->alias != nullptr ? s->relation->alias->aliasname : t.name, &scope);
  std::unique_ptr<Expr> cond;
  if (s->where_clause != nullptr) cond = binder.BindCondition(s->where_clause, scope, "WHERE");
  QueryResult probe = Returning(s->returning_list, s->n_returning_list, t, binder, sc, {});
  if (sc.describe_only) return probe;
  std::vector<Row> deleted;
  IndexWriter indexes(sc, t);
  ForEachTargetRow(sc, t, cond.get(), [&](Row& row, const std::string& key) {
    ThrowIfError(sc.txn->Delete(key));
    indexes.Remove(row, key);
    deleted.push_back(std::move(row));
  });
  QueryResult out = Returning(s->returning_list, s->n_returning_list, t, binder, sc, deleted);
  out.tag = "DELETE " + std::to_string(deleted.size());
  return out;
}

}  // namespace immu::sql
