// INSERT, UPDATE, DELETE: every written row is a new version of its key in
// the transaction; DELETE writes a tombstone. Nothing is overwritten.

#include "catalog/pg_error.h"
#include "sql/lock_wait.h"
#include "sql/user_types.h"
#include "sql/array_functions.h"
#include "sql/generated_columns.h"
#include "sql/index_writer.h"
#include "sql/on_conflict.h"
#include "sql/query_cte.h"
#include "sql/query_internal.h"
#include "sql/sequences.h"
#include "sql/row_codec.h"
#include "sql/row_writer.h"

namespace immu::sql {

namespace {

// The RETURNING list bound over scope (the target table, then any FROM or
// USING relations): rows are evaluated as they are written.
class Returning {
 public:
  Returning(PgNode* const* list, size_t n, const Scope& scope, Binder& binder) {
    if (n == 0) return;
    BindTargetList(list, n, scope, binder, &proj_);
    result_.returns_rows = true;
    result_.columns = proj_.columns;
  }
  void Add(const Row& row, EvalContext& ctx) {
    if (!result_.returns_rows) return;
    Row o;
    for (const auto& e : proj_.exprs) o.push_back(Eval(*e, row, ctx));
    result_.rows.push_back(std::move(o));
  }
  bool active() const { return result_.returns_rows; }
  QueryResult Take(std::string tag) {
    result_.tag = std::move(tag);
    return std::move(result_);
  }

 private:
  Projection proj_;
  QueryResult result_;
};

Scope TargetScope(const TableDef& t, const PgQuery__RangeVar* rv) {
  Scope scope;
  AddTableScope(t, rv->alias != nullptr ? rv->alias->aliasname : t.name, &scope);
  return scope;
}

// FROM (UPDATE) or USING (DELETE) items, cross-joined.
Relation JoinedItems(PgNode* const* items, size_t n, StmtContext& sc, Binder& binder) {
  Relation out;
  out.rows.push_back({});
  for (size_t i = 0; i < n; i++) {
    Relation r = BuildFrom(items[i], sc, binder, nullptr);
    std::vector<Row> rows;
    for (const Row& a : out.rows) {
      for (const Row& b : r.rows) {
        Row j = a;
        j.insert(j.end(), b.begin(), b.end());
        rows.push_back(std::move(j));
      }
    }
    out.rows = std::move(rows);
    out.scope.columns.insert(out.scope.columns.end(), r.scope.columns.begin(), r.scope.columns.end());
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

std::optional<ValueVersion> ReadKeyForWrite(StmtContext& sc, const std::string& key, bool wait) {
  if (wait && sc.lock_owner != nullptr) {
    sc.db->LockRow(key, sc.lock_owner, MakeLockWaitCheck(*sc.eval));
    // Under the lock no other writer can commit key: the newest committed
    // version (a tombstone too) is what our write follows.
    sc.txn->SetBase(key, sc.txn->LatestCommittedTx(key));
    auto latest = sc.txn->GetLatest(key);
    if (!latest.ok()) {
      if (latest.status().code() == StatusCode::kNotFound) return std::nullopt;
      ThrowIfError(latest.status());
    }
    if (latest->md.deleted()) return std::nullopt;
    return std::move(*latest);
  }
  auto got = sc.txn->Get(key);
  if (got.ok()) {
    if (got->md.deleted()) return std::nullopt;
    return std::move(*got);
  }
  if (got.status().code() != StatusCode::kNotFound) ThrowIfError(got.status());
  return std::nullopt;
}

// Binds the DEFAULT expression of a column (stored as SQL text).
std::unique_ptr<Expr> BindDefault(const TableDef& t, size_t c, Binder& binder) {
  const ColumnDef& col = t.columns[c];
  std::string text = col.default_expr;
  if (text.empty() && IsDomainType(col.type_oid)) {
    // A domain column without its own default takes the domain's (else
    // NULL, which a NOT NULL domain rejects).
    for (const TypeDef* d = FindUserType(col.type_oid); d != nullptr && d->kind == 'd' && text.empty();
         d = FindUserType(d->base_type)) {
      text = d->default_expr;
    }
    if (text.empty()) text = "NULL";
  }
  if (text.empty()) return Expr::Const(Value::Null(col.type_oid));
  auto tree = ParseTree::Parse("SELECT " + text);
  const PgNode* val = tree->stmt(0)->select_stmt->target_list[0]->res_target->val;
  auto e = binder.Bind(val, Scope{});
  return binder.Coerce(std::move(e), col.type_oid, col.typmod, false, ("column \"" + col.name + "\"").c_str());
}


namespace {

[[noreturn]] void RefuseMatViewChange(const TableDef& t, int location) {
  Throw(sqlstate::kWrongObjectType, "cannot change materialized view \"" + t.name + "\"", location);
}

}  // namespace

QueryResult RunInsert(const PgQuery__InsertStmt* s, StmtContext& sc) {
  WithScope with(s->with_clause, sc);
  const TableDef& t = LookupTable(sc, s->relation);
  if (t.kind == 'm') RefuseMatViewChange(t, s->relation->location);
  if (t.kind != 'r') {
    Throw(sqlstate::kWrongObjectType, "cannot insert into " + std::string(t.kind == 'v' ? "view" : "sequence") +
                                          " \"" + t.name + "\"", s->relation->location);
  }
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
    targets.clear();
  } else if (sel->n_values_lists > 0 && sel->op <= PG_QUERY__SET_OPERATION__SETOP_NONE) {
    // Without a column list, fewer values fill the leading columns and the
    // rest take their defaults (PostgreSQL's rule); all rows alike.
    const size_t width = sel->values_lists[0]->list->n_items;
    if (s->n_cols == 0 && width < targets.size()) targets.resize(width);
    for (size_t r = 0; r < sel->n_values_lists; r++) {
      const PgQuery__List* l = sel->values_lists[r]->list;
      if (l->n_items != width) Throw(sqlstate::kSyntaxError, "VALUES lists must all be the same length");
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
        CheckExplicitValueAllowed(col, false, s->override == PG_QUERY__OVERRIDING_KIND__OVERRIDING_SYSTEM_VALUE);
        row.push_back(binder.Coerce(binder.Bind(item, Scope{}), col.type_oid, col.typmod, false,
                                    ("column \"" + col.name + "\"").c_str()));
      }
      exprs.push_back(std::move(row));
    }
  } else {
    from_select = true;
    QueryResult q = RunSelect(sel, sc, nullptr);
    if (s->n_cols == 0 && q.columns.size() < targets.size()) targets.resize(q.columns.size());
    if (q.columns.size() > targets.size()) Throw(sqlstate::kSyntaxError, "INSERT has more expressions than target columns");
    if (q.columns.size() < targets.size()) Throw(sqlstate::kSyntaxError, "INSERT has more target columns than expressions");
    for (size_t c = 0; c < targets.size(); c++) {
      const ColumnDef& col = t.columns[static_cast<size_t>(targets[c])];
      CheckExplicitValueAllowed(col, false, s->override == PG_QUERY__OVERRIDING_KIND__OVERRIDING_SYSTEM_VALUE);
      if (!CanCast(q.columns[c].type_oid, col.type_oid, false)) {
        Throw(sqlstate::kDatatypeMismatch, "column \"" + col.name + "\" is of type " + FormatType(col.type_oid, col.typmod) +
                                               " but expression is of type " + FormatType(q.columns[c].type_oid, -1));
      }
    }
    selected = std::move(q.rows);
  }
  std::vector<std::unique_ptr<Expr>> defaults(t.columns.size());
  std::vector<bool> targeted(t.columns.size(), false);
  for (int c : targets) targeted[static_cast<size_t>(c)] = true;
  for (size_t c = 0; c < t.columns.size(); c++) {
    if (!t.columns[c].serial && (!targeted[c] || !from_select)) defaults[c] = BindDefault(t, c, binder);
  }
  Scope scope = TargetScope(t, s->relation);
  std::unique_ptr<OnConflict> conflict;
  if (s->on_conflict_clause != nullptr) conflict = std::make_unique<OnConflict>(s->on_conflict_clause, t, scope, binder, sc);
  Returning returning(s->returning_list, s->n_returning_list, scope, binder);
  if (sc.describe_only) return returning.Take("");

  size_t count = 0;
  RowWriter writer(sc, t);
  std::vector<int> source(t.columns.size(), -1);
  for (size_t i = 0; i < targets.size(); i++) source[static_cast<size_t>(targets[i])] = static_cast<int>(i);
  const size_t nrows = from_select ? selected.size() : exprs.size();
  for (size_t r = 0; r < nrows; r++) {
    CheckCancel(*sc.eval);
    // Columns are computed in table order, as PostgreSQL's projection does
    // (so a failing later column still consumes an earlier serial value).
    Row row(t.columns.size());
    for (size_t c = 0; c < t.columns.size(); c++) {
      const ColumnDef& col = t.columns[c];
      const int i = source[c];
      if (i >= 0 && from_select) {
        row[c] = CastValue(selected[r][static_cast<size_t>(i)], col.type_oid, col.typmod, sc.eval->vc, false);
      } else if (i >= 0 && exprs[r][static_cast<size_t>(i)] != nullptr) {
        row[c] = Eval(*exprs[r][static_cast<size_t>(i)], Row{}, *sc.eval);
      } else if (col.serial) {
        row[c] = CastValue(Value::Int(oid::kInt8, NextSerialValue(sc.db, *sc.eval, t, c)),
                           col.type_oid, col.typmod, sc.eval->vc, false);
      } else {
        row[c] = Eval(*defaults[c], Row{}, *sc.eval);
      }
    }
    if (conflict) {
      Row result;
      switch (conflict->Apply(writer, row, &result)) {
        case OnConflict::Outcome::kSkipped:
          continue;
        case OnConflict::Outcome::kUpdated:
          returning.Add(result, *sc.eval);
          count++;
          continue;
        case OnConflict::Outcome::kNoConflict:
          break;
      }
    }
    const std::string key = writer.Insert(row);
    if (conflict) conflict->Written(key);
    returning.Add(row, *sc.eval);
    count++;
  }
  writer.Finish();
  return returning.Take("INSERT 0 " + std::to_string(count));
}

// Locks the row and moves *row to its latest committed version, as
// PostgreSQL's READ COMMITTED does for rows an UPDATE or DELETE changes: a
// concurrent writer is waited for, and a row it changed is re-checked
// against WHERE. Returns false when the row no longer qualifies.
bool LockLatest(StmtContext& sc, const TableDef& t, const std::string& key, const Expr* cond, Row* row) {
  if (sc.lock_owner == nullptr) return true;
  sc.db->LockRow(key, sc.lock_owner, MakeLockWaitCheck(*sc.eval));
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

// UPDATE ... FROM / DELETE ... USING: each target row joined with the first
// row of the other relations that satisfies cond (PostgreSQL, too, applies
// one arbitrary match), then locked and re-checked at its latest version.
template <typename F>
void ForEachJoinedTargetRow(StmtContext& sc, const TableDef& t, const Relation& from, const Expr* cond, F&& fn) {
  std::vector<Row> rows;
  std::vector<std::string> keys;
  ScanTable(sc, t, &rows, &keys);
  Row joined;
  auto match = [&](const Row& row) -> bool {
    for (const Row& other : from.rows) {
      joined = row;
      joined.insert(joined.end(), other.begin(), other.end());
      if (cond == nullptr || EvalPredicate(*cond, joined, *sc.eval)) return true;
    }
    return false;
  };
  for (size_t r = 0; r < rows.size(); r++) {
    CheckCancel(*sc.eval);
    if (!match(rows[r])) continue;
    Row before = rows[r];
    if (!LockLatest(sc, t, keys[r], nullptr, &rows[r])) continue;
    std::string a, b;
    AppendRowValues(before, &a);
    AppendRowValues(rows[r], &b);
    if (a != b && !match(rows[r])) continue;  // changed concurrently: re-check
    fn(rows[r], keys[r], joined);
  }
}

void BindAssignments(PgNode* const* targets, size_t n, const TableDef& t, const Scope& scope, Binder& binder,
                     std::vector<std::pair<size_t, std::unique_ptr<Expr>>>* sets) {
  for (size_t i = 0; i < n; i++) {
    const auto* rt = targets[i]->res_target;
    const int c = t.FindColumn(rt->name);
    if (c < 0) {
      Throw(sqlstate::kUndefinedColumn,
            "column \"" + std::string(rt->name) + "\" of relation \"" + t.name + "\" does not exist", rt->location);
    }
    for (const auto& [prev, e] : *sets) {
      if (prev == static_cast<size_t>(c)) {
        Throw(sqlstate::kSyntaxError, "multiple assignments to same column \"" + std::string(rt->name) + "\"",
              rt->location);
      }
    }
    const ColumnDef& col = t.columns[static_cast<size_t>(c)];
    std::unique_ptr<Expr> subscript;  // SET a[i] = v
    if (rt->n_indirection > 0) {
      const PgNode* ind = rt->indirection[0];
      if (rt->n_indirection != 1 || ind->node_case != PG_QUERY__NODE__NODE_A_INDICES || ind->a_indices->is_slice ||
          ArrayElementType(col.type_oid) == 0) {
        throw PgError(sqlstate::kFeatureNotSupported, "assignment to this subscript or field is not supported yet");
      }
      subscript = binder.Coerce(binder.Bind(ind->a_indices->uidx, scope), oid::kInt4, -1, false);
    }
    const PgNode* val = rt->val;
    if (val->node_case == PG_QUERY__NODE__NODE_MULTI_ASSIGN_REF) {
      const auto* m = val->multi_assign_ref;
      if (m->source->node_case != PG_QUERY__NODE__NODE_ROW_EXPR) {
        throw PgError(sqlstate::kFeatureNotSupported, "assigning a subquery to several columns is not supported yet");
      }
      const auto* row = m->source->row_expr;
      if (static_cast<int>(row->n_args) != m->ncolumns) {
        Throw(sqlstate::kSyntaxError, "number of columns does not match number of values", rt->location);
      }
      val = row->args[m->colno - 1];
    }
    if (val->node_case != PG_QUERY__NODE__NODE_SET_TO_DEFAULT) CheckExplicitValueAllowed(col, true, false);
    if (subscript && val->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT) {
      throw PgError(sqlstate::kFeatureNotSupported, "DEFAULT for an array element is not supported");
    }
    const uint32_t target = subscript ? ArrayElementType(col.type_oid) : col.type_oid;
    std::unique_ptr<Expr> e = val->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT
                                  ? BindDefault(t, static_cast<size_t>(c), binder)
                                  : binder.Coerce(binder.Bind(val, scope), target, col.typmod, false,
                                                  ("column \"" + col.name + "\"").c_str());
    if (subscript) {
      // The whole new array: the old one with the element replaced.
      auto old = std::make_unique<Expr>();
      old->kind = Expr::Kind::kColumn;
      old->index = c;
      old->type = col.type_oid;
      auto assign = std::make_unique<Expr>();
      assign->kind = Expr::Kind::kFunc;
      assign->fn = ArrayAssign;
      assign->strict = false;
      assign->type = col.type_oid;
      assign->name = col.name;
      assign->args.push_back(std::move(old));
      assign->args.push_back(std::move(subscript));
      assign->args.push_back(std::move(e));
      e = std::move(assign);
    }
    sets->emplace_back(static_cast<size_t>(c), std::move(e));
  }
}

QueryResult RunUpdate(const PgQuery__UpdateStmt* s, StmtContext& sc) {
  WithScope with(s->with_clause, sc);
  const TableDef& t = LookupTable(sc, s->relation);
  if (t.kind == 'm') RefuseMatViewChange(t, s->relation->location);
  if (t.kind != 'r') Throw(sqlstate::kWrongObjectType, "cannot update view \"" + t.name + "\"", s->relation->location);
  Binder binder(*sc.eval, sc.param_types);
  InstallSubqueryBinder(binder, sc);
  Scope scope = TargetScope(t, s->relation);
  const size_t width = scope.columns.size();
  Relation from;
  if (s->n_from_clause > 0) {
    from = JoinedItems(s->from_clause, s->n_from_clause, sc, binder);
    scope.columns.insert(scope.columns.end(), from.scope.columns.begin(), from.scope.columns.end());
  }
  std::vector<std::pair<size_t, std::unique_ptr<Expr>>> sets;
  BindAssignments(s->target_list, s->n_target_list, t, scope, binder, &sets);
  std::unique_ptr<Expr> cond;
  if (s->where_clause != nullptr) cond = binder.BindCondition(s->where_clause, scope, "WHERE");
  Returning returning(s->returning_list, s->n_returning_list, scope, binder);
  if (sc.describe_only) return returning.Take("");

  size_t count = 0;
  RowWriter writer(sc, t);
  auto apply = [&](Row& old_row, const std::string& old_key, const Row& joined) {
    Row updated = old_row;
    for (const auto& [c, e] : sets) {
      updated[c] = Eval(*e, joined, *sc.eval);
      updated[c].type = t.columns[c].type_oid;
    }
    writer.Update(old_row, old_key, updated);
    if (returning.active()) {
      Row out = updated;
      out.insert(out.end(), joined.begin() + static_cast<std::ptrdiff_t>(width), joined.end());
      returning.Add(out, *sc.eval);
    }
    count++;
  };
  if (s->n_from_clause == 0) {
    ForEachTargetRow(sc, t, cond.get(), [&](Row& row, const std::string& key) { apply(row, key, row); });
  } else {
    ForEachJoinedTargetRow(sc, t, from, cond.get(), apply);
  }
  writer.Finish();
  return returning.Take("UPDATE " + std::to_string(count));
}

QueryResult RunDelete(const PgQuery__DeleteStmt* s, StmtContext& sc) {
  WithScope with(s->with_clause, sc);
  const TableDef& t = LookupTable(sc, s->relation);
  if (t.kind == 'm') RefuseMatViewChange(t, s->relation->location);
  if (t.kind != 'r') Throw(sqlstate::kWrongObjectType, "cannot delete from view \"" + t.name + "\"", s->relation->location);
  Binder binder(*sc.eval, sc.param_types);
  InstallSubqueryBinder(binder, sc);
  Scope scope = TargetScope(t, s->relation);
  Relation from;
  if (s->n_using_clause > 0) {
    from = JoinedItems(s->using_clause, s->n_using_clause, sc, binder);
    scope.columns.insert(scope.columns.end(), from.scope.columns.begin(), from.scope.columns.end());
  }
  std::unique_ptr<Expr> cond;
  if (s->where_clause != nullptr) cond = binder.BindCondition(s->where_clause, scope, "WHERE");
  Returning returning(s->returning_list, s->n_returning_list, scope, binder);
  if (sc.describe_only) return returning.Take("");
  size_t count = 0;
  RowWriter writer(sc, t);
  auto apply = [&](Row& row, const std::string& key, const Row& joined) {
    writer.Delete(row, key);
    returning.Add(joined, *sc.eval);
    count++;
  };
  if (s->n_using_clause == 0) {
    ForEachTargetRow(sc, t, cond.get(), [&](Row& row, const std::string& key) { apply(row, key, row); });
  } else {
    ForEachJoinedTargetRow(sc, t, from, cond.get(), apply);
  }
  writer.Finish();
  return returning.Take("DELETE " + std::to_string(count));
}

}  // namespace immu::sql
