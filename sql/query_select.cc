// SELECT: WITH, FROM (tables, joins, subqueries, VALUES), WHERE, GROUP BY
// with aggregates (query_aggregate.cc), HAVING, window functions
// (query_window.cc), DISTINCT [ON], ORDER BY, LIMIT/OFFSET; set operations
// in query_setop.cc. Materialising and simple by design for now; the
// planner that chooses index access paths replaces the scans here.

#include <algorithm>
#include <unordered_map>

#include <unordered_set>

#include "catalog/pg_error.h"
#include "sql/query_aggregate.h"
#include "sql/query_cte.h"
#include "sql/query_explain.h"
#include "sql/comma_join.h"
#include "sql/query_internal.h"
#include "sql/query_setop.h"
#include "sql/query_window.h"
#include "sql/row_codec.h"
#include "sql/srf.h"
#include "sql/system_tables.h"

namespace immu::sql {

namespace {

// An ORDER BY / DISTINCT ON item: an output column position, an output
// column name, or an expression over the input rows.
SortKey BindOutputKey(const PgNode* n, const PgQuery__SelectStmt* s, const Projection& proj, const Scope& scope,
                      Binder& binder, const char* clause) {
  SortKey k;
  if (n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
    const int pos = n->a_const->ival->ival;
    if (pos < 1 || static_cast<size_t>(pos) > proj.columns.size()) {
      Throw(sqlstate::kInvalidColumnReference,
            std::string(clause) + " position " + std::to_string(pos) + " is not in select list", n->a_const->location);
    }
    k.output = pos - 1;
    k.location = n->a_const->location;
    return k;
  }
  if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1 &&
      n->column_ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING) {
    const std::string_view name = NodeString(n->column_ref->fields[0]);
    for (size_t c = 0; c < proj.columns.size() && k.output < 0; c++) {
      const auto* rt = c < s->n_target_list ? s->target_list[c]->res_target : nullptr;
      if (rt != nullptr && rt->name != nullptr && *rt->name && name == rt->name) k.output = static_cast<int>(c);
    }
    k.location = n->column_ref->location;
    if (k.output >= 0) return k;
  }
  k.expr = binder.Bind(n, scope);
  k.location = k.expr->location;
  return k;
}

// Points k at the output column it computes; false when none does.
bool MatchOutput(SortKey* k, const Projection& proj) {
  if (k->output >= 0) return true;
  for (size_t c = 0; c < proj.exprs.size(); c++) {
    if (SameExpr(*k->expr, *proj.exprs[c])) {
      k->output = static_cast<int>(c);
      k->expr.reset();
      return true;
    }
  }
  return false;
}

bool SameKey(const SortKey& a, const SortKey& b, const Projection& proj) {
  const Expr* x = a.output >= 0 ? proj.exprs[static_cast<size_t>(a.output)].get() : a.expr.get();
  const Expr* y = b.output >= 0 ? proj.exprs[static_cast<size_t>(b.output)].get() : b.expr.get();
  return (a.output >= 0 && a.output == b.output) || SameExpr(*x, *y);
}

// PostgreSQL's rule: ORDER BY must begin with the DISTINCT ON expressions
// (in any order); DISTINCT ON expressions it does not name sort after it.
void CheckDistinctOn(const PgQuery__SelectStmt* s, const Projection& proj, const std::vector<SortKey>& order,
                     std::vector<SortKey>* distinct) {
  size_t prefix = 0;
  while (prefix < order.size()) {
    bool in = false;
    for (auto& d : *distinct) in |= SameKey(order[prefix], d, proj);
    if (!in) break;
    prefix++;
  }
  for (auto& d : *distinct) {
    for (size_t i = 0; i < prefix; i++) d.in_order_by |= SameKey(order[i], d, proj);
    if (!d.in_order_by && prefix < order.size()) {
      Throw(sqlstate::kInvalidColumnReference, "SELECT DISTINCT ON expressions must match initial ORDER BY expressions",
            d.location);
    }
  }
  (void)s;
}

// Subquery runner over a bound SELECT: re-runs the SELECT per outer row
// (correlated) with the outer row pushed on the context.
class SelectRunner : public SubqueryRunner {
 public:
  // uncorrelated: the subquery reads no outer column, so (like PostgreSQL's
  // InitPlan) it runs once per statement and IN probes a hash of its rows.
  SelectRunner(const PgQuery__SelectStmt* s, StmtContext& sc, Scope outer, Mode mode, bool uncorrelated)
      : s_(s), sc_(sc), outer_(std::move(outer)), mode_(mode), uncorrelated_(uncorrelated) {}
  Value Run(EvalContext& ctx, const Row& current, const Value* probe) override {
    if (uncorrelated_ && cached_) {
      if (mode_ == Mode::kAny) return ProbeHashed(ctx, *probe);
      return Shape(QueryResult(*cached_), ctx, probe);
    }
    PlanScope plan(sc_.plan, s_, "SubPlan", !sc_.describe_only);
    ctx.outer.push_back(&current);
    QueryResult r;
    try {
      r = RunSelect(s_, sc_, &outer_);
    } catch (...) {
      ctx.outer.pop_back();
      throw;
    }
    ctx.outer.pop_back();
    if (uncorrelated_ && !sc_.describe_only) {
      cached_ = std::move(r);
      if (mode_ == Mode::kAny) return ProbeHashed(ctx, *probe);
      return Shape(QueryResult(*cached_), ctx, probe);
    }
    return Shape(std::move(r), ctx, probe);
  }

 private:
  // x IN (cached rows): a hash of the rows cast to the probe's type.
  Value ProbeHashed(EvalContext& ctx, const Value& probe) {
    if (!hashed_ || hashed_type_ != probe.type) {
      keys_.clear();
      saw_null_ = false;
      for (const auto& row : cached_->rows) {
        if (row[0].null) {
          saw_null_ = true;
          continue;
        }
        Value v = row[0];
        if (v.type != probe.type) v = CastValue(v, probe.type, -1, ctx.vc, false);
        std::string key;
        AppendKeyValue(v, &key);
        keys_.insert(std::move(key));
      }
      hashed_ = true;
      hashed_type_ = probe.type;
    }
    std::string key;
    AppendKeyValue(probe, &key);
    if (keys_.contains(key)) return Value::Bool(true);
    return saw_null_ ? Value::Null(oid::kBool) : Value::Bool(false);
  }

  Value Shape(QueryResult r, EvalContext& ctx, const Value* probe) {
    switch (mode_) {
      case Mode::kExists:
        return Value::Bool(!r.rows.empty());
      case Mode::kScalar:
        if (r.rows.size() > 1) {
          throw PgError(sqlstate::kCardinalityViolation, "more than one row returned by a subquery used as an expression");
        }
        return r.rows.empty() ? Value::Null(r.columns.empty() ? oid::kText : r.columns[0].type_oid) : r.rows[0][0];
      case Mode::kArray: {
        const uint32_t elem = r.columns.empty() ? oid::kText : r.columns[0].type_oid;
        ValueArray elems;
        for (auto& row : r.rows) elems.push_back(std::move(row[0]));
        return Value::Array(ArrayTypeOf(elem), std::move(elems));
      }
      case Mode::kAny: {
        bool saw_null = false;
        for (const auto& row : r.rows) {
          if (row[0].null) {
            saw_null = true;
            continue;
          }
          Value v = row[0];
          if (v.type != probe->type) v = CastValue(v, probe->type, -1, ctx.vc, false);
          if (CompareValues(*probe, v) == 0) return Value::Bool(true);
        }
        return saw_null ? Value::Null(oid::kBool) : Value::Bool(false);
      }
    }
    return Value::Null(oid::kBool);
  }

  const PgQuery__SelectStmt* s_;
  StmtContext& sc_;
  Scope outer_;
  Mode mode_;
  bool uncorrelated_;
  std::optional<QueryResult> cached_;
  bool hashed_ = false;
  uint32_t hashed_type_ = 0;
  bool saw_null_ = false;
  std::unordered_set<std::string> keys_;
};

// Before a cross product: keeps only the item's rows that pass the WHERE
// conjuncts naming nothing but the item's own columns (psql's catalog
// queries list several relations in FROM and pin one by OID). The full
// WHERE is still applied afterwards, so this only saves work. A conjunct
// that does not bind against the item alone (other items' or outer
// columns, subqueries) is skipped.
void FilterItem(const PgNode* where, Relation* item, StmtContext& sc) {
  std::vector<const PgNode*> conjuncts;
  if (where->node_case == PG_QUERY__NODE__NODE_BOOL_EXPR && where->bool_expr->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR) {
    for (size_t i = 0; i < where->bool_expr->n_args; i++) conjuncts.push_back(where->bool_expr->args[i]);
  } else {
    conjuncts.push_back(where);
  }
  Scope alone;
  alone.columns = item->scope.columns;
  std::vector<uint32_t> scratch_params = sc.param_types != nullptr ? *sc.param_types : std::vector<uint32_t>{};
  Binder b(*sc.eval, &scratch_params);
  for (const PgNode* c : conjuncts) {
    std::unique_ptr<Expr> cond;
    try {
      cond = b.BindCondition(c, alone, "WHERE");
    } catch (const PgError& e) {
      if (std::string_view(e.sqlstate()) == sqlstate::kQueryCanceled) throw;
      continue;
    }
    // A conjunct that fails on some row (a cast other conjuncts would have
    // guarded) is left to the full WHERE.
    std::vector<bool> pass(item->rows.size());
    try {
      for (size_t i = 0; i < item->rows.size(); i++) pass[i] = EvalPredicate(*cond, item->rows[i], *sc.eval);
    } catch (const PgError& e) {
      if (std::string_view(e.sqlstate()) == sqlstate::kQueryCanceled) throw;
      continue;
    }
    std::vector<Row> kept;
    for (size_t i = 0; i < item->rows.size(); i++) {
      if (pass[i]) kept.push_back(std::move(item->rows[i]));
    }
    item->rows = std::move(kept);
  }
}

}  // namespace

void InstallSubqueryBinder(Binder& binder, StmtContext& sc) {
  binder.bind_subquery = [&sc](const PgNode* select, const Scope& scope, SubqueryRunner::Mode mode,
                               uint32_t* type) -> std::shared_ptr<SubqueryRunner> {
    const PgQuery__SelectStmt* s = select->select_stmt;
    // Describe the subquery once to learn its type and check its shape.
    StmtContext d = sc;
    d.describe_only = true;
    PlanScope plan(sc.plan, s, "SubPlan", false);
    if (plan.node() != nullptr) plan.node()->subplan = true;
    QueryResult shape = RunSelect(s, d, &scope);
    if (mode != SubqueryRunner::Mode::kExists && shape.columns.size() != 1) {
      throw PgError(sqlstate::kSyntaxError, "subquery must return only one column");
    }
    *type = shape.columns.empty() ? oid::kBool : shape.columns[0].type_oid;
    // Correlated or not: does it bind without the enclosing scopes?
    bool uncorrelated = false;
    try {
      StmtContext probe = d;
      probe.plan = nullptr;
      RunSelect(s, probe, nullptr);
      uncorrelated = true;
    } catch (const PgError&) {
    }
    Scope copy = scope;
    copy.parent = scope.parent;
    return std::make_shared<SelectRunner>(s, sc, std::move(copy), mode, uncorrelated);
  };
}

namespace {

QueryResult RunSelectBody(const PgQuery__SelectStmt* s, StmtContext& sc, const Scope* outer);

}  // namespace

QueryResult RunSelect(const PgQuery__SelectStmt* s, StmtContext& sc, const Scope* outer) {
  CheckCancel(*sc.eval);
  const bool top = !sc.nested;
  struct Nesting {
    StmtContext& sc;
    bool saved;
    const PgNode* saved_pushdown;
    ~Nesting() {
      sc.nested = saved;
      sc.pushdown_where = saved_pushdown;
    }
  } nesting{sc, sc.nested, sc.pushdown_where};
  sc.pushdown_where = nullptr;  // an enclosing query's WHERE never reaches this query's tables
  sc.nested = true;
  if (s->with_clause == nullptr) return RunSelectBody(s, sc, outer);
  WithScope with(s->with_clause, sc, outer, true, top);
  QueryResult r = RunSelectBody(s, sc, outer);
  with.Finish();
  return r;
}

namespace {

QueryResult RunSelectBody(const PgQuery__SelectStmt* s, StmtContext& sc, const Scope* outer) {
  if (s->op != PG_QUERY__SET_OPERATION__SETOP_NONE && s->op != PG_QUERY__SET_OPERATION__SET_OPERATION_UNDEFINED) {
    return RunSetOp(s, sc, outer);
  }
  Binder binder(*sc.eval, sc.param_types);
  InstallSubqueryBinder(binder, sc);
  if (s->n_values_lists > 0) {
    binder.no_agg_clause = "VALUES";
    Scope empty;
    empty.parent = outer;
    return RunValues(s, sc, binder, empty);
  }
  if (s->into_clause != nullptr) throw PgError(sqlstate::kFeatureNotSupported, "SELECT INTO is not supported yet");
  PlanScope plan(sc.plan, s, "Result", !sc.describe_only);
  if (plan.node() != nullptr) plan.node()->collapse = true;
  PlanNode* item_node = nullptr;  // EXPLAIN: the node of a lone FROM item

  // FROM: a cross product of the items. FOR UPDATE/SHARE locks the rows
  // read from tables of this query level (not of its subqueries).
  StmtContext::RowLocking locking = StmtContext::RowLocking::kNone;
  for (size_t i = 0; i < s->n_locking_clause; i++) {
    const auto* lc = s->locking_clause[i]->locking_clause;
    locking = lc->wait_policy == PG_QUERY__LOCK_WAIT_POLICY__LockWaitSkip    ? StmtContext::RowLocking::kSkipLocked
              : lc->wait_policy == PG_QUERY__LOCK_WAIT_POLICY__LockWaitError ? StmtContext::RowLocking::kNoWait
                                                                              : StmtContext::RowLocking::kWait;
  }
  struct LockingScope {
    StmtContext& sc;
    StmtContext::RowLocking saved;
    ~LockingScope() { sc.row_locking = saved; }
  } locking_scope{sc, sc.row_locking};
  Relation from;
  from.scope.parent = outer;
  from.rows.push_back(Row{});
  bool lateral = false;
  for (size_t i = 1; i < s->n_from_clause; i++) lateral |= IsLateral(s->from_clause[i]);
  if (s->n_from_clause > 1 && !lateral) {
    // Several items: joined in an order the WHERE's equalities suggest.
    std::vector<Relation> items;
    for (size_t i = 0; i < s->n_from_clause; i++) {
      sc.row_locking = locking;
      items.push_back(BuildFromPushingDown(s->from_clause[i], nullptr, sc, binder, outer));
      if (s->where_clause != nullptr && !sc.describe_only) FilterItem(s->where_clause, &items.back(), sc);
    }
    from = JoinCommaItems(std::move(items), sc.describe_only ? nullptr : s->where_clause, sc, outer);
  }
  for (size_t i = 0; i < s->n_from_clause && (s->n_from_clause == 1 || lateral); i++) {
    sc.row_locking = locking;
    const PgNode* fi = s->from_clause[i];
    if (i > 0 && IsLateral(fi)) {
      from = LateralJoin(std::move(from), fi, sc, binder, outer, nullptr, false);
      continue;
    }
    Relation item = s->n_from_clause == 1 && fi->node_case == PG_QUERY__NODE__NODE_RANGE_VAR && s->where_clause != nullptr
                        ? FromRangeVar(fi->range_var, sc, s->where_clause, &binder, outer)
                        : BuildFromPushingDown(fi, s->n_from_clause == 1 ? s->where_clause : nullptr, sc,
                                               binder, outer);
    if (s->n_from_clause == 1 && plan.node() != nullptr) item_node = FindPlanChild(plan.node(), FromItemKey(fi));
    if (s->n_from_clause > 1 && s->where_clause != nullptr && !sc.describe_only) {
      FilterItem(s->where_clause, &item, sc);
    }
    if (i == 0) {
      from.scope.columns = std::move(item.scope.columns);
      from.rows = std::move(item.rows);
      continue;
    }
    Relation prod;
    prod.scope.parent = outer;
    prod.scope.columns = from.scope.columns;
    prod.scope.columns.insert(prod.scope.columns.end(), item.scope.columns.begin(), item.scope.columns.end());
    for (const Row& a : from.rows) {
      for (const Row& b : item.rows) {
        CheckCancel(*sc.eval);
        Row r = a;
        r.insert(r.end(), b.begin(), b.end());
        prod.rows.push_back(std::move(r));
      }
    }
    from = std::move(prod);
  }
  const Scope& scope = from.scope;

  // WHERE
  if (s->where_clause != nullptr) {
    binder.no_agg_clause = "WHERE";
    auto cond = binder.BindCondition(s->where_clause, scope, "WHERE");
    // Describing binds only: without FROM the one empty row would be
    // filtered here with no parameter values and no outer rows (a correlated
    // subquery's outer columns), which is an error or worse.
    if (sc.describe_only) from.rows.clear();
    std::vector<Row> kept;
    // Describing reads no table, but a FROM-less query still has its one
    // empty row; its WHERE may name outer columns, which have no row yet.
    if (sc.describe_only) from.rows.clear();
    for (auto& r : from.rows) {
      CheckCancel(*sc.eval);
      if (EvalPredicate(*cond, r, *sc.eval)) kept.push_back(std::move(r));
    }
    const int64_t removed = static_cast<int64_t>(from.rows.size() - kept.size());
    from.rows = std::move(kept);
    if (plan.node() != nullptr) {
      // The filter belongs to the lone scan (PostgreSQL pushes it down;
      // FromRangeVar described a table's) or to the join of several items.
      PlanNode* at = item_node != nullptr ? item_node : plan.node();
      const bool pushed = item_node != nullptr && s->from_clause[0]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR &&
                          (item_node->label.rfind("Seq Scan", 0) == 0 || item_node->label.rfind("Index Scan", 0) == 0);
      if (!pushed && at->removed < 0) {
        at->details.push_back((item_node == nullptr ? "Join Filter: " : "Filter: ") + PlanExprText(s->where_clause));
        at->removed = 0;
      }
      if (!sc.describe_only) {
        if (at->removed >= 0) at->removed += removed;
        if (item_node != nullptr) item_node->rows -= removed;
      }
    }
  }
  plan.Rows(from.rows.size());

  // GROUP BY, then the select list (collecting aggregates and window
  // calls), HAVING, ORDER BY and DISTINCT ON expressions.
  GroupBy groups;
  BindGroupBy(s, scope, binder, &groups);
  std::vector<AggCall> aggs;
  std::vector<WindowCall> window_calls;
  binder.aggs = &aggs;
  binder.agg_base = groups.AggBase();
  binder.windows = &window_calls;
  binder.window_base = kWindowRefBase;
  std::vector<SrfCall> srfs;  // set-returning calls of the select list and ORDER BY
  binder.srfs = &srfs;
  Projection proj;
  BindTargetList(s->target_list, s->n_target_list, scope, binder, &proj, s->n_from_clause > 0);
  std::unique_ptr<Expr> having;
  if (s->having_clause != nullptr) {
    binder.windows = nullptr;
    binder.srfs = nullptr;
    binder.no_agg_clause = "HAVING";
    having = binder.BindCondition(s->having_clause, scope, "HAVING");
    binder.windows = &window_calls;
    binder.srfs = &srfs;
  }
  if (s->limit_option == PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_WITH_TIES && s->n_sort_clause == 0) {
    throw PgError(sqlstate::kSyntaxError, "WITH TIES cannot be specified without ORDER BY clause");
  }
  std::vector<SortKey> sort_keys;
  for (size_t i = 0; i < s->n_sort_clause; i++) {
    const auto* sb = s->sort_clause[i]->sort_by;
    SortKey k = BindOutputKey(sb->node, s, proj, scope, binder, "ORDER BY");
    const SortDirection dir = SortByDirection(sb);
    k.desc = dir.desc;
    k.nulls_first = dir.nulls_first;
    sort_keys.push_back(std::move(k));
  }
  const bool distinct_on = s->n_distinct_clause > 0 && s->distinct_clause[0]->node_case != PG_QUERY__NODE__NODE__NOT_SET;
  std::vector<SortKey> distinct_keys;
  if (distinct_on) {
    for (size_t i = 0; i < s->n_distinct_clause; i++) {
      distinct_keys.push_back(BindOutputKey(s->distinct_clause[i], s, proj, scope, binder, "DISTINCT ON"));
    }
    CheckDistinctOn(s, proj, sort_keys, &distinct_keys);
  } else if (s->n_distinct_clause > 0) {
    // SELECT DISTINCT sorts on output columns only.
    for (size_t i = 0; i < sort_keys.size(); i++) {
      if (!MatchOutput(&sort_keys[i], proj)) {
        Throw(sqlstate::kInvalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
              s->sort_clause[i]->sort_by->node->node_case == PG_QUERY__NODE__NODE_A_CONST ? -1 : sort_keys[i].location);
      }
    }
  }
  binder.windows = nullptr;
  binder.srfs = nullptr;
  const int window_count = static_cast<int>(window_calls.size());
  std::unique_ptr<WindowEvaluator> windows;
  if (!window_calls.empty()) windows = std::make_unique<WindowEvaluator>(s, std::move(window_calls), scope, binder);
  binder.aggs = nullptr;
  CheckAggCalls(aggs);
  const bool grouped = !aggs.empty() || groups.present || having != nullptr;

  // EXPLAIN: the operators above FROM, bottom-up.
  PlanStages stages(plan);
  int agg_stage = -1, window_sort_stage = -1, window_stage = -1, hash_distinct_stage = -1, sort_stage = -1, unique_stage = -1, limit_stage = -1;
  int project_set_stage = -1;
  if (plan.node() != nullptr) {
    auto sort_text = [](const PgNode* n, const PgQuery__SortBy* sb) {
      std::string t = PlanExprText(n);
      if (sb != nullptr && SortByDirection(sb).desc) t += " DESC";
      if (sb != nullptr && sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST) t += " NULLS FIRST";
      if (sb != nullptr && sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST) t += " NULLS LAST";
      return t;
    };
    if (grouped) {
      std::vector<std::string> details;
      std::string keys;
      for (size_t i = 0; i < s->n_group_clause; i++) keys += (i ? ", " : "") + PlanExprText(s->group_clause[i]);
      if (!keys.empty()) details.push_back("Group Key: " + keys);
      if (s->having_clause != nullptr) details.push_back("Filter: " + PlanExprText(s->having_clause));
      const char* label = groups.exprs.empty() ? "Aggregate" : groups.sets.size() > 1 ? "MixedAggregate" : "HashAggregate";
      agg_stage = stages.Add(label, std::move(details));
    }
    if (windows) {
      const std::string keys = windows->PlanSortKey();
      if (!keys.empty()) window_sort_stage = stages.Add("Sort", {"Sort Key: " + keys});
      window_stage = stages.Add("WindowAgg");
    }
    if (!srfs.empty()) project_set_stage = stages.Add("ProjectSet");
    if (s->n_distinct_clause > 0 && !distinct_on && sort_keys.empty()) {
      std::string keys;
      for (size_t i = 0; i < s->n_target_list; i++) keys += (i ? ", " : "") + PlanExprText(s->target_list[i]->res_target->val);
      hash_distinct_stage = stages.Add("HashAggregate", {"Group Key: " + keys});
    }
    if (!sort_keys.empty() || distinct_on) {
      std::string keys;
      for (size_t i = 0; i < s->n_sort_clause; i++) {
        keys += (i ? ", " : "") + sort_text(s->sort_clause[i]->sort_by->node, s->sort_clause[i]->sort_by);
      }
      for (size_t i = 0; i < distinct_keys.size(); i++) {
        if (!distinct_keys[i].in_order_by) keys += (keys.empty() ? "" : ", ") + sort_text(s->distinct_clause[i], nullptr);
      }
      sort_stage = stages.Add("Sort", {"Sort Key: " + keys});
    }
    if (s->n_distinct_clause > 0 && (distinct_on || !sort_keys.empty())) unique_stage = stages.Add("Unique");
    if (s->limit_count != nullptr || s->limit_offset != nullptr) limit_stage = stages.Add("Limit");
  }

  QueryResult out;
  out.returns_rows = true;
  out.columns = proj.columns;
  if (sc.describe_only) {
    // LIMIT/OFFSET parameters are bigint, as in PostgreSQL: bound (not
    // evaluated) so that Describe reports them (drivers bind every one).
    for (const PgNode* n : {s->limit_offset, s->limit_count}) {
      if (n != nullptr) binder.Coerce(binder.Bind(n, Scope{}), oid::kInt8, -1, false);
    }
    return out;
  }

  std::vector<Row>* rows = &from.rows;
  std::vector<Row> grouped_rows;
  size_t width = scope.columns.size();
  if (grouped) {
    const Catalog* catalog = sc.catalog != nullptr ? sc.catalog->get() : nullptr;
    for (auto& e : proj.exprs) e = ToGrouped(std::move(e), groups, scope, &aggs, catalog);
    if (having) having = ToGrouped(std::move(having), groups, scope, &aggs, catalog);
    for (auto* keys : {&sort_keys, &distinct_keys}) {
      for (auto& k : *keys) {
        if (k.expr) k.expr = ToGrouped(std::move(k.expr), groups, scope, &aggs, catalog);
      }
    }
    if (windows) windows->ToGrouped(groups, scope);
    for (auto& c : srfs) {
      for (auto& a : c.args) a = ToGrouped(std::move(a), groups, scope);
    }
    grouped_rows = RunGrouping(from.rows, groups, aggs, having.get(), *sc.eval);
    rows = &grouped_rows;
    stages.Rows(agg_stage, grouped_rows.size());
    width = static_cast<size_t>(groups.AggBase()) + aggs.size();
  }
  if (!srfs.empty()) {
    // SRF values follow the (grouped) row and its window results.
    const int srf_base = static_cast<int>(width) + window_count;
    for (auto& e : proj.exprs) RebaseSrfRefs(e.get(), srf_base);
    for (auto& c : srfs) {
      for (auto& a : c.args) RebaseSrfRefs(a.get(), srf_base);
    }
    for (auto* keys : {&sort_keys, &distinct_keys}) {
      for (auto& k : *keys) {
        if (k.expr) RebaseSrfRefs(k.expr.get(), srf_base);
      }
    }
  }
  if (windows) {
    const int base = static_cast<int>(width);
    for (auto& c : srfs) {
      for (auto& a : c.args) WindowEvaluator::Rebase(a.get(), base);
    }
    for (auto& e : proj.exprs) WindowEvaluator::Rebase(e.get(), base);
    for (auto* keys : {&sort_keys, &distinct_keys}) {
      for (auto& k : *keys) {
        if (k.expr) WindowEvaluator::Rebase(k.expr.get(), base);
      }
    }
    windows->Run(rows, *sc.eval);
    stages.Rows(window_sort_stage, rows->size());
    stages.Rows(window_stage, rows->size());
  }

  // Project, computing sort keys alongside.
  struct Tagged {
    std::vector<Value> keys;
    std::vector<Value> dkeys;  // DISTINCT ON values
    Row out;
  };
  std::vector<Tagged> result;
  result.reserve(rows->size());
  std::vector<Row> expanded;
  if (!srfs.empty()) {
    // ProjectSet: each row repeated with its set-returning calls' values.
    expanded = std::move(*rows);
    ExpandSrfLevels(srfs, &expanded, *sc.eval);
    rows = &expanded;
    stages.Rows(project_set_stage, expanded.size());
  }
  for (const Row& r : *rows) {
    CheckCancel(*sc.eval);
    Tagged t;
    t.out.reserve(proj.exprs.size());
    for (const auto& e : proj.exprs) t.out.push_back(Eval(*e, r, *sc.eval));
    for (const auto& k : sort_keys) t.keys.push_back(k.expr ? Eval(*k.expr, r, *sc.eval) : t.out[static_cast<size_t>(k.output)]);
    for (const auto& k : distinct_keys) {
      t.dkeys.push_back(k.expr ? Eval(*k.expr, r, *sc.eval) : t.out[static_cast<size_t>(k.output)]);
    }
    result.push_back(std::move(t));
  }
  if (s->n_distinct_clause > 0 && !distinct_on) {
    std::unordered_map<std::string, bool> seen;
    std::vector<Tagged> unique;
    for (auto& t : result) {
      if (seen.emplace(GroupKey(t.out), true).second) unique.push_back(std::move(t));
    }
    result = std::move(unique);
    stages.Rows(hash_distinct_stage, result.size());
  }
  stages.Rows(sort_stage, result.size());
  if (!sort_keys.empty() || distinct_on) {
    // DISTINCT ON keys not in ORDER BY sort after it (CheckDistinctOn).
    std::stable_sort(result.begin(), result.end(), [&](const Tagged& a, const Tagged& b) {
      for (size_t i = 0; i < sort_keys.size(); i++) {
        const int c = CompareSort(a.keys[i], b.keys[i], sort_keys[i]);
        if (c != 0) return c < 0;
      }
      for (size_t i = 0; i < distinct_keys.size(); i++) {
        if (distinct_keys[i].in_order_by) continue;
        const int c = CompareSort(a.dkeys[i], b.dkeys[i], distinct_keys[i]);
        if (c != 0) return c < 0;
      }
      return false;
    });
  }
  if (distinct_on) {
    // The first row of each DISTINCT ON group in sort order.
    std::unordered_map<std::string, bool> seen;
    std::vector<Tagged> firsts;
    for (auto& t : result) {
      if (seen.emplace(GroupKey(t.dkeys), true).second) firsts.push_back(std::move(t));
    }
    result = std::move(firsts);
  }
  stages.Rows(unique_stage, result.size());
  Scope none;
  const int64_t offset = s->limit_offset ? EvalLimit(s->limit_offset, binder, none, *sc.eval, "OFFSET") : 0;
  const int64_t limit = s->limit_count ? EvalLimit(s->limit_count, binder, none, *sc.eval, "LIMIT") : -1;
  size_t begin = static_cast<size_t>(std::min<int64_t>(std::max<int64_t>(offset, 0), static_cast<int64_t>(result.size())));
  size_t end = result.size();
  if (limit >= 0) end = std::min(end, begin + static_cast<size_t>(limit));
  if (s->limit_option == PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_WITH_TIES && end > begin) {
    // FETCH ... WITH TIES: also the rows that sort equal to the last one.
    auto ties = [&](const Tagged& a, const Tagged& b) {
      for (size_t i = 0; i < sort_keys.size(); i++) {
        if (CompareSort(a.keys[i], b.keys[i], sort_keys[i]) != 0) return false;
      }
      return true;
    };
    while (end < result.size() && ties(result[end - 1], result[end])) end++;
  }
  out.rows.reserve(end - begin);
  for (size_t i = begin; i < end; i++) out.rows.push_back(std::move(result[i].out));
  stages.Rows(limit_stage, out.rows.size());
  return out;
}

}  // namespace

}  // namespace immu::sql
