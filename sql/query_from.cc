// FROM items: tables (user and system), joins, subqueries, set-returning
// functions and LATERAL. Each item is materialised as a Relation.

#include <algorithm>
#include <unordered_map>

#include "catalog/pg_error.h"
#include "sql/extensions.h"
#include "sql/immudb_functions.h"
#include "sql/fn_range.h"
#include "sql/json_functions.h"
#include "sql/query_cte.h"
#include "sql/query_explain.h"
#include "sql/query_history.h"
#include "sql/join.h"
#include "sql/query_internal.h"
#include "sql/row_codec.h"
#include "sql/srf.h"
#include "sql/system_srf.h"
#include "sql/system_tables.h"

namespace immu::sql {

// Helpers local to this file (external linkage, declared here only).
Relation FromJoin(const PgQuery__JoinExpr* j, StmtContext& sc, Binder& binder, const Scope* outer);
Relation FromSubselect(const PgQuery__RangeSubselect* rs, StmtContext& sc, const Scope* outer);
// SELECT ... FOR UPDATE/SHARE over one table's rows: lock each (waiting,
// failing with 55P03, or skipping rows others hold), move it to its latest
// committed version and re-check the WHERE clause on it, as PostgreSQL's
// READ COMMITTED does.
void LockSelectedRows(StmtContext& sc, const TableDef& t, const PgNode* where, Binder* binder, const Scope& scope,
                      const Scope* outer, std::vector<Row>* rows, const std::vector<std::string>& keys) {
  std::unique_ptr<Expr> cond;
  if (where != nullptr && binder != nullptr) {
    Scope s = scope;
    s.parent = outer;
    cond = binder->BindCondition(where, s, "WHERE");
  }
  std::vector<Row> kept;
  for (size_t i = 0; i < rows->size(); i++) {
    CheckCancel(*sc.eval);
    Row& row = (*rows)[i];
    if (cond && !EvalPredicate(*cond, row, *sc.eval)) continue;
    if (sc.row_locking != StmtContext::RowLocking::kWait && !sc.db->TryLockRow(keys[i], sc.lock_owner)) {
      if (sc.row_locking == StmtContext::RowLocking::kSkipLocked) continue;
      throw PgError(sqlstate::kLockNotAvailable, "could not obtain lock on row in relation \"" + t.name + "\"");
    }
    if (!LockLatest(sc, t, keys[i], cond.get(), &row)) continue;
    kept.push_back(std::move(row));
  }
  *rows = std::move(kept);
}

namespace {

// A comparison simple enough to push: column/constant/parameter operands
// (possibly cast), no subqueries or function calls.
bool SimpleOperand(const PgNode* n) {
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF:
    case PG_QUERY__NODE__NODE_A_CONST:
    case PG_QUERY__NODE__NODE_PARAM_REF:
      return true;
    case PG_QUERY__NODE__NODE_TYPE_CAST:
      return n->type_cast->arg != nullptr && SimpleOperand(n->type_cast->arg);
    default:
      return false;
  }
}

void PushableConjuncts(const PgNode* n, std::vector<const PgNode*>* out) {
  if (n->node_case == PG_QUERY__NODE__NODE_BOOL_EXPR && n->bool_expr->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR) {
    for (size_t i = 0; i < n->bool_expr->n_args; i++) PushableConjuncts(n->bool_expr->args[i], out);
    return;
  }
  if (n->node_case == PG_QUERY__NODE__NODE_A_EXPR && n->a_expr->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP &&
      n->a_expr->lexpr != nullptr && n->a_expr->rexpr != nullptr && SimpleOperand(n->a_expr->lexpr) &&
      SimpleOperand(n->a_expr->rexpr)) {
    out->push_back(n);
  }
}

}  // namespace

std::unique_ptr<Expr> BindPushableConjuncts(const PgNode* where, const Scope& scope, Binder& binder) {
  std::vector<const PgNode*> conjuncts;
  PushableConjuncts(where, &conjuncts);
  std::unique_ptr<Expr> all;
  for (const PgNode* c : conjuncts) {
    // A conjunct naming another table does not bind here: not pushable.
    // Only column references resolved in this scope (level 0) count.
    std::unique_ptr<Expr> e;
    try {
      Scope local = scope;
      local.parent = nullptr;  // enclosing-query columns would make it correlated: keep it simple
      e = binder.BindCondition(c, local, "WHERE");
    } catch (const PgError&) {
      continue;
    }
    if (!all) {
      all = std::move(e);
      continue;
    }
    auto both = std::make_unique<Expr>();
    both->kind = Expr::Kind::kAnd;
    both->type = oid::kBool;
    both->args.push_back(std::move(all));
    both->args.push_back(std::move(e));
    all = std::move(both);
  }
  return all;
}

Relation BuildFromPushingDown(const PgNode* item, const PgNode* where, StmtContext& sc, Binder& binder,
                              const Scope* outer) {
  if (where == nullptr || item->node_case != PG_QUERY__NODE__NODE_JOIN_EXPR) return BuildFrom(item, sc, binder, outer);
  const PgNode* saved = sc.pushdown_where;
  sc.pushdown_where = where;
  struct Restore {
    StmtContext& sc;
    const PgNode* saved;
    ~Restore() { sc.pushdown_where = saved; }
  } restore{sc, saved};
  return BuildFrom(item, sc, binder, outer);
}

Relation FromRangeVar(const PgQuery__RangeVar* rv, StmtContext& sc, const PgNode* where, Binder* binder,
                      const Scope* outer) {
  if (sc.ctes != nullptr) {
    if (std::optional<Relation> cte = FromCte(rv, sc)) return std::move(*cte);  // WITH names shadow tables
  }
  Relation travel;
  if (TimeTravelFrom(rv, sc, where, binder, outer, &travel)) return travel;  // periods, HISTORY OF, DIFF OF (query_history.cc)
  const std::string schema = rv->schemaname != nullptr ? rv->schemaname : "";
  const bool system_schema = schema == "pg_catalog" || schema == "information_schema";
  // One lookup: a user relation found here is the one read below.
  const TableDef* found = system_schema ? nullptr : FindRelationInPath(sc, schema, rv->relname);
  if (system_schema || (schema.empty() && found == nullptr)) {
    Relation sys;
    const std::string qualifier = rv->alias != nullptr && rv->alias->aliasname != nullptr && *rv->alias->aliasname
                                      ? rv->alias->aliasname
                                      : rv->relname;
    // Conjuncts of the WHERE clause (this query's, or pushed down from an
    // enclosing join) that bind over the relation alone filter its rows as
    // they are produced; the caller still applies the whole WHERE.
    const PgNode* conds = where != nullptr ? where : sc.pushdown_where;
    FilterMaker make_filter;
    const bool renamed = rv->alias != nullptr && rv->alias->n_colnames > 0;
    if (conds != nullptr && binder != nullptr && !renamed) {
      make_filter = [&](const Scope& s) {
        Scope scope = s;
        scope.parent = outer;
        return BindPushableConjuncts(conds, scope, *binder);
      };
    }
    if (BuildSystemRelation(schema, rv->relname, qualifier, sc, &sys, make_filter)) {
      if (rv->alias != nullptr) {
        for (size_t i = 0; i < rv->alias->n_colnames && i < sys.scope.columns.size(); i++) {
          sys.scope.columns[i].name = NodeString(rv->alias->colnames[i]);
        }
      }
      return sys;
    }
  }
  const TableDef& t = found != nullptr ? *found : LookupTable(sc, rv);  // LookupTable: 42P01 or a pg_catalog.x
  if (found != nullptr) LockRelation(sc, t, Database::TableLockMode::kAccessShare);
  if (t.kind == 'v') return ExpandView(sc, t, rv);
  if (t.kind == 'm' && !t.populated && !sc.describe_only) {
    throw PgError(sqlstate::kObjectNotInPrerequisiteState,
                  "materialized view \"" + t.name + "\" has not been populated", "",
                  "Use the REFRESH MATERIALIZED VIEW command.");
  }
  if (t.kind == 'S') return SequenceRelation(sc, t, rv->alias != nullptr ? rv->alias->aliasname : t.name);
  Relation r;
  const std::string qualifier = rv->alias != nullptr ? rv->alias->aliasname : t.name;
  AddTableScope(t, qualifier, &r.scope);
  if (rv->alias != nullptr && rv->alias->n_colnames > 0) {
    for (size_t i = 0; i < rv->alias->n_colnames && i < r.scope.columns.size(); i++) {
      r.scope.columns[i].name = NodeString(rv->alias->colnames[i]);
    }
  }
  // Conjuncts pushed down from an enclosing SELECT's WHERE (see
  // StmtContext::pushdown_where): those that bind over this table alone.
  std::unique_ptr<Expr> pushed_cond;
  if (where == nullptr && sc.pushdown_where != nullptr && binder != nullptr && !sc.describe_only) {
    Scope scope = r.scope;
    scope.parent = outer;
    pushed_cond = BindPushableConjuncts(sc.pushdown_where, scope, *binder);
  }
  std::optional<KeyRange> range;
  if (pushed_cond) range = PrimaryKeyRange(t, pushed_cond.get(), *sc.eval);
  if (where != nullptr && binder != nullptr && (!sc.describe_only || sc.plan != nullptr)) {
    // The WHERE clause of a single-table query may pin the primary key.
    Scope scope = r.scope;
    scope.parent = outer;
    auto cond = binder->BindCondition(where, scope, "WHERE");
    OuterStandIns stand_ins(sc, outer);
    range = PrimaryKeyRange(t, cond.get(), *sc.eval);
  }
  PlanScope plan(sc.plan, rv, ScanLabel(t, range, rv), !sc.describe_only);
  AddScanDetails(plan, t, range, where);
  if (sc.row_locking != StmtContext::RowLocking::kNone && !sc.describe_only && sc.lock_owner != nullptr) {
    std::vector<std::string> keys;
    ScanTableRange(sc, t, range, &r.rows, &keys);
    LockSelectedRows(sc, t, where, binder, r.scope, outer, &r.rows, keys);
    plan.Rows(r.rows.size());
    return r;
  }
  ScanTableRange(sc, t, range, &r.rows, nullptr);
  if (pushed_cond) {
    std::erase_if(r.rows, [&](const Row& row) { return !EvalPredicate(*pushed_cond, row, *sc.eval); });
  }
  plan.Rows(r.rows.size());
  return r;
}

// Lays out a USING/NATURAL join's columns as PostgreSQL does: the merged
// columns first (in USING order; the left value, or the right one where a
// RIGHT/FULL join has no left row), then the other left and right columns;
// the right-hand copies go last, reachable only qualified.
void MergeUsingColumns(const std::vector<std::pair<size_t, size_t>>& merged, size_t nl, bool right_outer,
                       Relation* out) {
  const size_t n = out->scope.columns.size();
  std::vector<bool> used(n, false);
  std::vector<size_t> order;
  for (const auto& [l, r] : merged) {
    order.push_back(l);
    used[l] = used[nl + r] = true;
  }
  for (size_t i = 0; i < n; i++) {
    if (!used[i]) order.push_back(i);
  }
  for (const auto& [l, r] : merged) order.push_back(nl + r);
  std::vector<ScopeColumn> cols;
  for (const size_t i : order) cols.push_back(out->scope.columns[i]);
  out->scope.columns = std::move(cols);
  for (Row& row : out->rows) {
    Row next;
    next.reserve(order.size());
    for (const size_t i : order) next.push_back(row[i]);
    if (right_outer) {
      for (size_t k = 0; k < merged.size(); k++) {
        if (next[k].null) next[k] = row[nl + merged[k].second];
      }
    }
    row = std::move(next);
  }
}

Relation FromJoin(const PgQuery__JoinExpr* j, StmtContext& sc, Binder& binder, const Scope* outer) {
  const bool right_or_full = j->jointype == PG_QUERY__JOIN_TYPE__JOIN_RIGHT || j->jointype == PG_QUERY__JOIN_TYPE__JOIN_FULL;
  const bool explicit_lateral = j->rarg->node_case != PG_QUERY__NODE__NODE_RANGE_FUNCTION || j->rarg->range_function->lateral;
  const bool plain_join = !right_or_full && j->n_using_clause == 0 && !j->is_natural;
  if (IsLateral(j->rarg) && (explicit_lateral || plain_join)) {
    if (j->jointype != PG_QUERY__JOIN_TYPE__JOIN_INNER && j->jointype != PG_QUERY__JOIN_TYPE__JOIN_LEFT) {
      throw PgError(sqlstate::kFeatureNotSupported, "only inner and left joins to LATERAL items are supported");
    }
    if (j->n_using_clause > 0 || j->is_natural) {
      throw PgError(sqlstate::kFeatureNotSupported, "USING and NATURAL joins to LATERAL items are not supported");
    }
    Relation out = LateralJoin(BuildFrom(j->larg, sc, binder, outer), j->rarg, sc, binder, outer, j->quals,
                               j->jointype == PG_QUERY__JOIN_TYPE__JOIN_LEFT);
    if (j->alias != nullptr) {
      for (auto& c : out.scope.columns) c.qualifier = j->alias->aliasname;
    }
    return out;
  }
  static constexpr const char* kJoinLabels[] = {"Nested Loop", "Nested Loop", "Nested Loop Left Join",
                                                 "Nested Loop Full Join", "Nested Loop Right Join"};
  PlanScope plan(sc.plan, j, kJoinLabels[std::clamp(static_cast<int>(j->jointype), 0, 4)], !sc.describe_only);
  if (j->quals != nullptr && plan.node() != nullptr) plan.Detail("Join Filter: " + PlanExprText(j->quals));
  // WHERE conjuncts may be pushed only into the sides whose rows a failing
  // conjunct would remove anyway: not the NULL-extended side of an outer join.
  const PgNode* pushed = sc.pushdown_where;
  const bool left_ok = j->jointype == PG_QUERY__JOIN_TYPE__JOIN_INNER || j->jointype == PG_QUERY__JOIN_TYPE__JOIN_LEFT;
  const bool right_ok = j->jointype == PG_QUERY__JOIN_TYPE__JOIN_INNER || j->jointype == PG_QUERY__JOIN_TYPE__JOIN_RIGHT;
  sc.pushdown_where = left_ok ? pushed : nullptr;
  Relation left = BuildFrom(j->larg, sc, binder, outer);
  sc.pushdown_where = right_ok ? pushed : nullptr;
  Relation right = BuildFrom(j->rarg, sc, binder, outer);
  sc.pushdown_where = pushed;
  Relation out;
  out.scope.columns = left.scope.columns;
  out.scope.columns.insert(out.scope.columns.end(), right.scope.columns.begin(), right.scope.columns.end());
  out.scope.parent = outer;
  const size_t nl = left.scope.columns.size(), nr = right.scope.columns.size();
  std::unique_ptr<Expr> cond;
  std::vector<std::pair<size_t, size_t>> merged;  // USING/NATURAL: (left, right) column pairs
  if (j->quals != nullptr) {
    cond = binder.BindCondition(j->quals, out.scope, "JOIN/ON");
  } else if (j->n_using_clause > 0 || j->is_natural) {
    std::vector<std::string> names;
    if (j->is_natural) {
      for (const auto& lc : left.scope.columns) {
        for (const auto& rc : right.scope.columns) {
          if (!lc.name.empty() && lc.name == rc.name) names.push_back(lc.name);
        }
      }
    } else {
      for (size_t i = 0; i < j->n_using_clause; i++) names.emplace_back(NodeString(j->using_clause[i]));
    }
    auto conj = std::make_unique<Expr>();
    conj->kind = Expr::Kind::kAnd;
    conj->type = oid::kBool;
    for (const auto& name : names) {
      int li = -1, ri = -1;
      for (size_t i = 0; i < nl; i++) if (left.scope.columns[i].name == name) li = static_cast<int>(i);
      for (size_t i = 0; i < nr; i++) if (right.scope.columns[i].name == name) ri = static_cast<int>(i);
      if (li < 0 || ri < 0) {
        Throw(sqlstate::kUndefinedColumn, "column \"" + name + "\" specified in USING clause does not exist in " +
                                              (li < 0 ? "left" : "right") + " table", -1);
      }
      merged.emplace_back(static_cast<size_t>(li), static_cast<size_t>(ri));
      auto l = std::make_unique<Expr>();
      l->kind = Expr::Kind::kColumn;
      l->index = li;
      l->type = left.scope.columns[static_cast<size_t>(li)].type;
      auto r = std::make_unique<Expr>();
      r->kind = Expr::Kind::kColumn;
      r->index = static_cast<int>(nl) + ri;
      r->type = right.scope.columns[static_cast<size_t>(ri)].type;
      ResolvedFn eq = ResolveOperator("=", l->type, r->type);
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kFunc;
      e->fn = eq.fn;
      e->name = "=";
      e->type = oid::kBool;
      e->args.push_back(binder.Coerce(std::move(l), eq.arg_types[0], -1, false));
      e->args.push_back(binder.Coerce(std::move(r), eq.arg_types[1], -1, false));
      conj->args.push_back(std::move(e));
      // The right-hand copy of a USING column is not visible unqualified.
      out.scope.columns[nl + static_cast<size_t>(ri)].using_duplicate = true;
    }
    cond = std::move(conj);
  }
  const bool left_outer = j->jointype == PG_QUERY__JOIN_TYPE__JOIN_LEFT || j->jointype == PG_QUERY__JOIN_TYPE__JOIN_FULL;
  const bool right_outer = j->jointype == PG_QUERY__JOIN_TYPE__JOIN_RIGHT || j->jointype == PG_QUERY__JOIN_TYPE__JOIN_FULL;
  bool hashed = false;
  out.rows = JoinRows(left, right, cond.get(), left_outer, right_outer, *sc.eval, &hashed);
  if (!merged.empty()) MergeUsingColumns(merged, nl, right_outer, &out);
  if (hashed && !sc.describe_only) {
    static constexpr const char* kHashLabels[] = {"Hash Join", "Hash Join", "Hash Left Join", "Hash Full Join",
                                                  "Hash Right Join"};
    plan.Relabel(kHashLabels[std::clamp(static_cast<int>(j->jointype), 0, 4)]);
  }
  if (j->alias != nullptr) {
    for (auto& c : out.scope.columns) c.qualifier = j->alias->aliasname;
  }
  plan.Rows(out.rows.size());
  return out;
}

// The scope of a subquery in FROM (its columns named by the alias).
Scope SubselectScope(const PgQuery__RangeSubselect* rs, const QueryResult& shape) {
  Scope scope;
  const std::string qualifier = rs->alias != nullptr ? rs->alias->aliasname : "";
  for (size_t i = 0; i < shape.columns.size(); i++) {
    ScopeColumn c;
    c.qualifier = qualifier;
    c.name = rs->alias != nullptr && i < rs->alias->n_colnames ? std::string(NodeString(rs->alias->colnames[i]))
                                                                : shape.columns[i].name;
    c.type = shape.columns[i].type_oid;
    c.typmod = shape.columns[i].type_mod;
    scope.columns.push_back(std::move(c));
  }
  return scope;
}

Relation FromSubselect(const PgQuery__RangeSubselect* rs, StmtContext& sc, const Scope* outer) {
  PlanScope plan(sc.plan, rs, std::string("Subquery Scan on ") + (rs->alias != nullptr ? rs->alias->aliasname : "unnamed_subquery"),
                 !sc.describe_only);
  QueryResult sub = RunSelect(rs->subquery->select_stmt, sc, rs->lateral ? outer : nullptr);
  Relation r;
  r.scope = SubselectScope(rs, sub);
  r.rows = std::move(sub.rows);
  plan.Rows(r.rows.size());
  return r;
}

namespace {

// Whether a parse-tree message contains a column reference anywhere below it.
bool ContainsColumnRef(const ProtobufCMessage* m) {
  bool found = false;
  VisitColumnRefs(m, [&](const PgQuery__ColumnRef*) { found = true; });
  return found;
}

}  // namespace

// A function in FROM whose arguments name columns is implicitly LATERAL, as
// in PostgreSQL: it may refer to the FROM items before it (Django's
// "FROM pg_index i, unnest(i.indkey, i.indoption)"). One with constant
// arguments is an ordinary FROM item.
bool IsLateral(const PgNode* item) {
  if (item->node_case == PG_QUERY__NODE__NODE_RANGE_SUBSELECT) return item->range_subselect->lateral;
  if (item->node_case != PG_QUERY__NODE__NODE_RANGE_FUNCTION) return false;
  return item->range_function->lateral || ContainsColumnRef(&item->range_function->base);
}

Relation FromFunction(const PgQuery__RangeFunction* rf, StmtContext& sc, Binder& binder, const Scope* outer);
Relation FromFunctionRows(const PgQuery__RangeFunction* rf, StmtContext& sc, Binder& binder, const Scope* outer);
Relation FromRowsFrom(const PgQuery__RangeFunction* rf, StmtContext& sc, Binder& binder, const Scope* outer);

// A LATERAL item joined to each row of `left`: the item is evaluated once per
// left row, with that row as its innermost outer row. on: the join condition
// over [left..., item...] (nullptr: cross join); left_outer keeps unmatched
// left rows with NULLs.
Relation LateralJoin(Relation left, const PgNode* item, StmtContext& sc, Binder& binder, const Scope* outer,
                     const PgNode* on, bool left_outer) {
  Scope ls;
  ls.columns = left.scope.columns;
  ls.parent = outer;
  Relation out;
  out.scope.parent = outer;
  out.scope.columns = left.scope.columns;
  Scope item_scope;
  const PgQuery__RangeSubselect* rs =
      item->node_case == PG_QUERY__NODE__NODE_RANGE_SUBSELECT ? item->range_subselect : nullptr;
  if (rs != nullptr) {
    StmtContext d = sc;
    d.describe_only = true;
    item_scope = SubselectScope(rs, RunSelect(rs->subquery->select_stmt, d, &ls));
  } else {
    StmtContext d = sc;
    d.describe_only = true;
    item_scope = FromFunction(item->range_function, d, binder, &ls).scope;
  }
  out.scope.columns.insert(out.scope.columns.end(), item_scope.columns.begin(), item_scope.columns.end());
  std::unique_ptr<Expr> cond;
  if (on != nullptr) cond = binder.BindCondition(on, out.scope, "JOIN/ON");
  if (sc.describe_only) return out;
  for (const Row& lr : left.rows) {
    CheckCancel(*sc.eval);
    std::vector<Row> rows;
    sc.eval->outer.push_back(&lr);
    try {
      if (rs != nullptr) {
        rows = RunSelect(rs->subquery->select_stmt, sc, &ls).rows;
      } else {
        rows = FromFunction(item->range_function, sc, binder, &ls).rows;
      }
    } catch (...) {
      sc.eval->outer.pop_back();
      throw;
    }
    sc.eval->outer.pop_back();
    bool matched = false;
    for (auto& rr : rows) {
      Row joined = lr;
      joined.insert(joined.end(), rr.begin(), rr.end());
      if (cond && !EvalPredicate(*cond, joined, *sc.eval)) continue;
      matched = true;
      out.rows.push_back(std::move(joined));
      CheckMaterialized(out.rows.size(), out.scope.columns.size());
    }
    if (!matched && left_outer) {
      Row joined = lr;
      for (const auto& c : item_scope.columns) joined.push_back(Value::Null(c.type));
      out.rows.push_back(std::move(joined));
    }
  }
  return out;
}

// Set-returning functions in FROM (sql/srf.h), and any scalar function as
// a one-row relation.
Relation FromFunction(const PgQuery__RangeFunction* rf, StmtContext& sc, Binder& binder, const Scope* outer) {
  Relation r = rf->n_functions != 1 || rf->is_rowsfrom ? FromRowsFrom(rf, sc, binder, outer)
                                                       : FromFunctionRows(rf, sc, binder, outer);
  if (rf->ordinality) {
    // WITH ORDINALITY: a bigint column numbering the rows from 1, named by
    // the alias list's next name or "ordinality".
    ScopeColumn ord;
    ord.qualifier = r.scope.columns.empty() ? "" : r.scope.columns[0].qualifier;
    const size_t n = r.scope.columns.size();
    ord.name = rf->alias != nullptr && rf->alias->n_colnames > n ? std::string(NodeString(rf->alias->colnames[n]))
                                                                 : "ordinality";
    ord.type = oid::kInt8;
    r.scope.columns.push_back(ord);
    for (size_t i = 0; i < r.rows.size(); i++) r.rows[i].push_back(Value::Int(oid::kInt8, static_cast<int64_t>(i + 1)));
  }
  return r;
}

// ROWS FROM (f(...), g(...)): the set-returning functions side by side, the
// shorter ones padded with NULL; one column each (no column definition lists).
Relation FromRowsFrom(const PgQuery__RangeFunction* rf, StmtContext& sc, Binder& binder, const Scope* outer) {
  Relation r;
  std::vector<SrfCall> calls;
  Scope arg_scope;
  arg_scope.parent = outer;
  for (size_t i = 0; i < rf->n_functions; i++) {
    const PgQuery__List* pair = rf->functions[i]->list;
    const PgNode* call = pair->items[0];
    if (pair->n_items > 1 && pair->items[1]->node_case == PG_QUERY__NODE__NODE_LIST && pair->items[1]->list->n_items > 0) {
      throw PgError(sqlstate::kFeatureNotSupported, "column definition lists are not supported");
    }
    if (call->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) {
      throw PgError(sqlstate::kFeatureNotSupported, "this kind of function in ROWS FROM is not supported yet");
    }
    const PgQuery__FuncCall* f = call->func_call;
    SrfCall c;
    c.name = std::string(NodeString(f->funcname[f->n_funcname - 1]));
    const std::string name = c.name;
    if (IsSetReturningName(c.name)) {
      for (size_t k = 0; k < f->n_args; k++) c.args.push_back(binder.Bind(f->args[k], arg_scope));
      c.result_type = BindSrfArgs(c.name, &c.args, binder);
    } else {
      c.name.clear();  // a scalar function: one row (RunSrf)
      c.args.push_back(binder.Bind(call, arg_scope));
      c.result_type = c.args[0]->type;
    }
    ScopeColumn col;
    col.qualifier = rf->alias != nullptr ? std::string(rf->alias->aliasname) : name;
    col.name = rf->alias != nullptr && rf->alias->n_colnames > i ? std::string(NodeString(rf->alias->colnames[i])) : name;
    col.type = c.result_type;
    r.scope.columns.push_back(std::move(col));
    calls.push_back(std::move(c));
  }
  if (!sc.describe_only) ExpandSrfRow(calls, Row{}, *sc.eval, &r.rows);
  return r;
}

// The rows of a function in FROM (without ordinality).
Relation FromFunctionRows(const PgQuery__RangeFunction* rf, StmtContext& sc, Binder& binder, const Scope* outer) {
  const PgQuery__List* pair = rf->functions[0]->list;
  const PgNode* call = pair->items[0];
  if (call->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) {
    throw PgError(sqlstate::kFeatureNotSupported, "this kind of function in FROM is not supported yet");
  }
  const PgQuery__FuncCall* f = call->func_call;
  const std::string name(NodeString(f->funcname[f->n_funcname - 1]));
  Scope arg_scope;
  arg_scope.parent = outer;
  std::vector<std::unique_ptr<Expr>> args;
  for (size_t i = 0; i < f->n_args; i++) args.push_back(binder.Bind(f->args[i], arg_scope));
  Relation r;
  if (BuildImmudbRelation(name, args, rf, sc, binder, &r)) return r;
  if (BuildJsonRelation(name, args, rf, sc, binder, &r)) return r;
  if (BuildExtensionRelation(name, args, rf, sc, binder, &r)) return r;
  if (BuildCatalogRelation(name, args, rf, sc, binder, &r)) return r;
  ScopeColumn col;
  col.qualifier = rf->alias != nullptr ? rf->alias->aliasname : name;
  col.name = rf->alias != nullptr && rf->alias->n_colnames > 0 ? std::string(NodeString(rf->alias->colnames[0]))
             : rf->alias != nullptr ? rf->alias->aliasname : name;
  std::vector<Value> argv;
  auto eval_args = [&] {
    if (sc.describe_only) return;
    for (auto& a : args) argv.push_back(Eval(*a, Row{}, *sc.eval));
  };
  if (name == "unnest" && args.size() > 1) {
    // unnest(a, b, ...): one column per array, the shorter ones padded
    // with NULL; named by the alias list or "unnest".
    std::vector<SrfCall> calls(args.size());
    for (size_t i = 0; i < args.size(); i++) {
      calls[i].name = name;
      calls[i].args.push_back(std::move(args[i]));
      calls[i].result_type = BindSrfArgs(name, &calls[i].args, binder);
      ScopeColumn c = col;
      c.name = rf->alias != nullptr && rf->alias->n_colnames > i ? std::string(NodeString(rf->alias->colnames[i])) : name;
      c.type = calls[i].result_type;
      r.scope.columns.push_back(std::move(c));
    }
    if (!sc.describe_only) ExpandSrfRow(calls, Row{}, *sc.eval, &r.rows);
    return r;
  }
  if (IsSetReturningName(name)) {
    col.type = BindSrfArgs(name, &args, binder);
    r.scope.columns.push_back(col);
    eval_args();
    if (sc.describe_only) return r;
    for (auto& v : RunSrf(name, argv, col.type, *sc.eval)) r.rows.push_back({std::move(v)});
    return r;
  }
  // A scalar function: one row.
  std::vector<uint32_t> types;
  for (auto& a : args) types.push_back(a->type);
  ResolvedFn fn = ResolveFunction(name, types);
  for (size_t i = 0; i < args.size() && i < fn.arg_types.size(); i++) {
    if (fn.arg_types[i] != 0) args[i] = binder.Coerce(std::move(args[i]), fn.arg_types[i], -1, false);
  }
  // A range constructor's type-carrying NULL (as Binder::BindFuncCall).
  if (WantsTypeCarrier(fn, args.size())) args.push_back(Expr::Const(Value::Null(fn.result_type)));
  col.type = fn.result_type;
  // Functions whose result column PostgreSQL names by an OUT parameter.
  if (name == "pg_partition_ancestors" && (rf->alias == nullptr || rf->alias->n_colnames == 0)) col.name = "relid";
  r.scope.columns.push_back(col);
  eval_args();
  if (sc.describe_only) return r;
  bool any_null = false;
  for (const auto& v : argv) any_null |= v.null;
  r.rows.push_back({fn.strict && any_null ? Value::Null(fn.result_type)
                                          : fn.fn(std::span<const Value>(argv.data(), argv.size()), *sc.eval)});
  return r;
}

Relation BuildFrom(const PgNode* item, StmtContext& sc, Binder& binder, const Scope* outer) {
  switch (item->node_case) {
    case PG_QUERY__NODE__NODE_RANGE_FUNCTION: {
      const PgQuery__RangeFunction* rf = item->range_function;
      const PgNode* call = rf->n_functions > 0 ? rf->functions[0]->list->items[0] : nullptr;
      PlanScope plan(sc.plan, rf,
                     "Function Scan on " + (call != nullptr && call->node_case == PG_QUERY__NODE__NODE_FUNC_CALL
                                                ? std::string(NodeString(call->func_call->funcname[call->func_call->n_funcname - 1]))
                                                : std::string("function")),
                     !sc.describe_only);
      Relation r = FromFunction(rf, sc, binder, outer);
      plan.Rows(r.rows.size());
      return r;
    }
    case PG_QUERY__NODE__NODE_RANGE_VAR:
      return FromRangeVar(item->range_var, sc, nullptr, &binder, outer);
    case PG_QUERY__NODE__NODE_JOIN_EXPR:
      return FromJoin(item->join_expr, sc, binder, outer);
    case PG_QUERY__NODE__NODE_RANGE_SUBSELECT:
      return FromSubselect(item->range_subselect, sc, outer);
    default:
      throw PgError(sqlstate::kFeatureNotSupported, "this kind of FROM item is not supported yet");
  }
}

}  // namespace immu::sql
