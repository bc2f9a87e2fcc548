// SELECT: FROM (tables, joins, subqueries, VALUES), WHERE, GROUP BY with
// aggregates, HAVING, DISTINCT, ORDER BY, LIMIT/OFFSET, set operations.
// Materialising and simple by design for now; the planner that chooses
// index access paths replaces the scans here.

#include <algorithm>
#include <unordered_map>

#include "catalog/pg_error.h"
#include "sql/query_internal.h"
#include "sql/row_codec.h"
#include "sql/system_tables.h"

namespace immu::sql {

namespace {

std::string GroupKey(const std::vector<Value>& vals) {
  std::string k;
  for (const auto& v : vals) AppendKeyValue(v, &k);
  return k;
}

// ---- aggregation ------------------------------------------------------------------------------

struct AggState {
  int64_t count = 0;
  bool has = false;
  Value best;  // min/max
  NumericAccumulator num;
  double fsum = 0;
  __int128 isum = 0;
  Interval ivsum{};
  bool flag = false;  // bool_and/or
  std::string text;
  std::vector<std::string> seen;  // DISTINCT keys (sorted on finish)
};

void Accumulate(const AggCall& a, AggState& s, const Row& row, EvalContext& ctx) {
  if (!a.arg) {  // count(*)
    s.count++;
    return;
  }
  const Value v = Eval(*a.arg, row, ctx);
  if (v.null) return;
  if (a.distinct) {
    std::string k;
    AppendKeyValue(v, &k);
    if (std::find(s.seen.begin(), s.seen.end(), k) != s.seen.end()) return;
    s.seen.push_back(std::move(k));
  }
  s.count++;
  if (a.name == "count") return;
  if (a.name == "min" || a.name == "max") {
    if (!s.has || (a.name == "min" ? CompareValues(v, s.best) < 0 : CompareValues(v, s.best) > 0)) s.best = v;
    s.has = true;
    return;
  }
  if (a.name == "bool_and") {
    s.flag = s.has ? (s.flag && v.i) : v.i != 0;
    s.has = true;
    return;
  }
  if (a.name == "bool_or") {
    s.flag = s.has ? (s.flag || v.i) : v.i != 0;
    s.has = true;
    return;
  }
  if (a.name == "string_agg") {
    if (s.has) {
      Value d = a.arg2 ? Eval(*a.arg2, row, ctx) : Value::Null(oid::kText);
      if (!d.null) s.text += d.s;
    }
    s.text += v.s;
    s.has = true;
    return;
  }
  s.has = true;
  switch (v.type) {
    case oid::kInt2:
    case oid::kInt4:
    case oid::kInt8:
      s.isum += v.i;
      if (v.type == oid::kInt8 || a.name == "avg") s.num.AddInt64(v.i);
      break;
    case oid::kFloat4:
    case oid::kFloat8:
      s.fsum += v.f;
      break;
    case oid::kNumeric:
      s.num.Add(*v.num);
      break;
    case oid::kInterval:
      s.ivsum = IntervalPlus(s.ivsum, v.iv);
      break;
    default:
      break;
  }
}

Value Finish(const AggCall& a, const AggState& s) {
  const uint32_t t = a.result_type;
  if (a.name == "count") return Value::Int(oid::kInt8, s.count);
  if (!s.has) return Value::Null(t);
  if (a.name == "min" || a.name == "max") return s.best;
  if (a.name == "bool_and" || a.name == "bool_or") return Value::Bool(s.flag);
  if (a.name == "string_agg") return Value::Str(oid::kText, s.text);
  const uint32_t at = a.arg->type;
  if (a.name == "sum") {
    if (at == oid::kInt2 || at == oid::kInt4) return Value::Int(oid::kInt8, static_cast<int64_t>(s.isum));
    if (at == oid::kFloat4 || at == oid::kFloat8) return Value::Float(t, s.fsum);
    if (at == oid::kInterval) return Value::Iv(s.ivsum);
    return Value::Num(*s.num.Sum());
  }
  // avg
  if (at == oid::kFloat4 || at == oid::kFloat8) return Value::Float(oid::kFloat8, s.fsum / static_cast<double>(s.count));
  if (at == oid::kInterval) return Value::Iv(IntervalDiv(s.ivsum, static_cast<double>(s.count)));
  return Value::Num(*s.num.Avg());
}

bool SameExpr(const Expr& a, const Expr& b) {
  if (a.kind != b.kind || a.type != b.type || a.args.size() != b.args.size()) return false;
  switch (a.kind) {
    case Expr::Kind::kConst:
      if (a.value.null != b.value.null) return false;
      if (!a.value.null && (a.value.type != b.value.type || CompareValues(a.value, b.value) != 0)) return false;
      break;
    case Expr::Kind::kColumn:
      if (a.index != b.index || a.outer_level != b.outer_level) return false;
      break;
    case Expr::Kind::kParam:
    case Expr::Kind::kAggRef:
      if (a.index != b.index) return false;
      break;
    case Expr::Kind::kFunc:
      if (a.fn != b.fn) return false;
      break;
    case Expr::Kind::kAnyArray:
      if (a.fn != b.fn || a.negate != b.negate) return false;
      break;
    case Expr::Kind::kSubquery:
      return false;
    default:
      if (a.negate != b.negate || a.typmod != b.typmod) return false;
      break;
  }
  for (size_t i = 0; i < a.args.size(); i++) {
    if (!SameExpr(*a.args[i], *b.args[i])) return false;
  }
  return true;
}

// Rewrites an expression bound over the input rows into one over grouped
// rows [group keys..., aggregates...]: group expressions become references
// to their slot; any other column reference is a grouping error.
std::unique_ptr<Expr> ToGrouped(std::unique_ptr<Expr> e, const std::vector<std::unique_ptr<Expr>>& groups,
                                const Scope& scope) {
  for (size_t g = 0; g < groups.size(); g++) {
    if (SameExpr(*e, *groups[g])) {
      auto r = std::make_unique<Expr>();
      r->kind = Expr::Kind::kAggRef;
      r->index = static_cast<int>(g);
      r->type = e->type;
      r->typmod = e->typmod;
      return r;
    }
  }
  if (e->kind == Expr::Kind::kColumn && e->outer_level == 0) {
    const ScopeColumn& c = scope.columns[static_cast<size_t>(e->index)];
    Throw(sqlstate::kGroupingError,
          "column \"" + (c.qualifier.empty() ? "" : c.qualifier + ".") + c.name +
              "\" must appear in the GROUP BY clause or be used in an aggregate function",
          e->location);
  }
  for (auto& a : e->args) a = ToGrouped(std::move(a), groups, scope);
  return e;
}

int64_t EvalLimit(const PgNode* n, Binder& binder, const Scope& scope, EvalContext& ctx, const char* what) {
  auto e = binder.Coerce(binder.Bind(n, scope), oid::kInt8, -1, false);
  const Value v = Eval(*e, Row{}, ctx);
  if (v.null) return -1;
  if (v.i < 0) {
    throw PgError("2201W", std::string(what) + " must not be negative");
  }
  return v.i;
}

struct SortKey {
  std::unique_ptr<Expr> expr;  // over the pre-projection row (or nullptr)
  int output = -1;             // or an output column
  bool desc = false;
  bool nulls_first = false;
};

int CompareSort(const Value& a, const Value& b, const SortKey& k) {
  if (a.null || b.null) {
    if (a.null && b.null) return 0;
    const bool a_first = a.null ? k.nulls_first : !k.nulls_first;
    return a_first ? -1 : 1;
  }
  const int c = CompareValues(a, b);
  return k.desc ? -c : c;
}

QueryResult RunValues(const PgQuery__SelectStmt* s, StmtContext& sc, Binder& binder, const Scope& scope) {
  QueryResult out;
  out.returns_rows = true;
  std::vector<std::vector<std::unique_ptr<Expr>>> rows;
  std::vector<uint32_t> types;
  for (size_t r = 0; r < s->n_values_lists; r++) {
    const PgQuery__List* l = s->values_lists[r]->list;
    if (r > 0 && l->n_items != types.size()) {
      throw PgError(sqlstate::kSyntaxError, "VALUES lists must all be the same length");
    }
    std::vector<std::unique_ptr<Expr>> row;
    for (size_t c = 0; c < l->n_items; c++) {
      row.push_back(binder.Bind(l->items[c], scope));
      if (r == 0) types.push_back(row.back()->type);
      else types[c] = CommonType(types[c], row.back()->type, "VALUES");
    }
    rows.push_back(std::move(row));
  }
  for (auto& t : types) if (t == oid::kUnknown) t = oid::kText;
  for (size_t c = 0; c < types.size(); c++) {
    Expr probe;
    probe.type = types[c];
    out.columns.push_back(MakeResultColumn("column" + std::to_string(c + 1), probe));
  }
  if (sc.describe_only) return out;
  for (auto& row : rows) {
    Row values;
    for (size_t c = 0; c < row.size(); c++) {
      auto e = binder.Coerce(std::move(row[c]), types[c], -1, false);
      values.push_back(Eval(*e, Row{}, *sc.eval));
    }
    out.rows.push_back(std::move(values));
  }
  return out;
}

QueryResult RunSetOp(const PgQuery__SelectStmt* s, StmtContext& sc, const Scope* outer) {
  QueryResult l = RunSelect(s->larg, sc, outer);
  QueryResult r = RunSelect(s->rarg, sc, outer);
  if (l.columns.size() != r.columns.size()) {
    const char* op = s->op == PG_QUERY__SET_OPERATION__SETOP_UNION ? "UNION"
                     : s->op == PG_QUERY__SET_OPERATION__SETOP_INTERSECT ? "INTERSECT" : "EXCEPT";
    throw PgError(sqlstate::kSyntaxError, std::string("each ") + op + " query must have the same number of columns");
  }
  QueryResult out;
  out.returns_rows = true;
  out.columns = l.columns;
  std::vector<uint32_t> types;
  for (size_t c = 0; c < l.columns.size(); c++) {
    types.push_back(CommonType(l.columns[c].type_oid, r.columns[c].type_oid, "UNION"));
    out.columns[c].type_oid = types.back();
    out.columns[c].table_oid = 0;
    out.columns[c].column_attnum = 0;
    if (l.columns[c].type_oid != types.back()) out.columns[c].type_mod = -1;
  }
  auto conv = [&](std::vector<Row>& rows) {
    for (auto& row : rows) {
      for (size_t c = 0; c < row.size(); c++) {
        if (row[c].type != types[c]) row[c] = CastValue(row[c], types[c], -1, sc.eval->vc, false);
      }
    }
  };
  conv(l.rows);
  conv(r.rows);
  auto key = [](const Row& row) { return GroupKey(row); };
  if (s->op == PG_QUERY__SET_OPERATION__SETOP_UNION) {
    if (s->all) {
      out.rows = std::move(l.rows);
      for (auto& row : r.rows) out.rows.push_back(std::move(row));
    } else {
      std::unordered_map<std::string, bool> seen;
      for (auto* src : {&l.rows, &r.rows}) {
        for (auto& row : *src) {
          if (seen.emplace(key(row), true).second) out.rows.push_back(std::move(row));
        }
      }
    }
  } else {
    std::unordered_map<std::string, int64_t> right_count;
    for (const auto& row : r.rows) right_count[key(row)]++;
    std::unordered_map<std::string, bool> emitted;
    const bool intersect = s->op == PG_QUERY__SET_OPERATION__SETOP_INTERSECT;
    for (auto& row : l.rows) {
      const std::string k = key(row);
      auto it = right_count.find(k);
      const bool in_right = it != right_count.end() && it->second > 0;
      if (s->all) {
        if (intersect ? in_right : !in_right) out.rows.push_back(std::move(row));
        if (in_right) it->second--;
      } else if ((intersect ? in_right : !in_right) && emitted.emplace(k, true).second) {
        out.rows.push_back(std::move(row));
      }
    }
  }
  // ORDER BY / LIMIT on the combined result: by output column name or position.
  Scope scope;
  for (const auto& c : out.columns) {
    ScopeColumn col;
    col.name = c.name;
    col.type = c.type_oid;
    scope.columns.push_back(col);
  }
  Binder binder(*sc.eval, sc.param_types);
  if (s->n_sort_clause > 0) {
    std::vector<SortKey> keys;
    for (size_t i = 0; i < s->n_sort_clause; i++) {
      const auto* sb = s->sort_clause[i]->sort_by;
      SortKey k;
      k.desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
      k.nulls_first = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
                      (k.desc && sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST);
      if (sb->node->node_case == PG_QUERY__NODE__NODE_A_CONST && sb->node->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
        k.output = sb->node->a_const->ival->ival - 1;
      } else {
        k.expr = binder.Bind(sb->node, scope);
      }
      keys.push_back(std::move(k));
    }
    std::vector<std::pair<std::vector<Value>, Row>> tagged;
    for (auto& row : out.rows) {
      std::vector<Value> kv;
      for (const auto& k : keys) kv.push_back(k.expr ? Eval(*k.expr, row, *sc.eval) : row[static_cast<size_t>(k.output)]);
      tagged.emplace_back(std::move(kv), std::move(row));
    }
    std::stable_sort(tagged.begin(), tagged.end(), [&](const auto& a, const auto& b) {
      for (size_t i = 0; i < keys.size(); i++) {
        const int c = CompareSort(a.first[i], b.first[i], keys[i]);
        if (c != 0) return c < 0;
      }
      return false;
    });
    out.rows.clear();
    for (auto& t : tagged) out.rows.push_back(std::move(t.second));
  }
  int64_t offset = s->limit_offset ? EvalLimit(s->limit_offset, binder, Scope{}, *sc.eval, "OFFSET") : 0;
  int64_t limit = s->limit_count ? EvalLimit(s->limit_count, binder, Scope{}, *sc.eval, "LIMIT") : -1;
  if (offset > 0) out.rows.erase(out.rows.begin(), out.rows.begin() + std::min<int64_t>(offset, static_cast<int64_t>(out.rows.size())));
  if (limit >= 0 && static_cast<int64_t>(out.rows.size()) > limit) out.rows.resize(static_cast<size_t>(limit));
  return out;
}

// Subquery runner over a bound SELECT: re-runs the SELECT per outer row
// (correlated) with the outer row pushed on the context.
class SelectRunner : public SubqueryRunner {
 public:
  SelectRunner(const PgQuery__SelectStmt* s, StmtContext& sc, Scope outer, Mode mode)
      : s_(s), sc_(sc), outer_(std::move(outer)), mode_(mode) {}
  Value Run(EvalContext& ctx, const Row& current, const Value* probe) override {
    ctx.outer.push_back(&current);
    QueryResult r;
    try {
      r = RunSelect(s_, sc_, &outer_);
    } catch (...) {
      ctx.outer.pop_back();
      throw;
    }
    ctx.outer.pop_back();
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

 private:
  const PgQuery__SelectStmt* s_;
  StmtContext& sc_;
  Scope outer_;
  Mode mode_;
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
    QueryResult shape = RunSelect(s, d, &scope);
    if (mode != SubqueryRunner::Mode::kExists && shape.columns.size() != 1) {
      throw PgError(sqlstate::kSyntaxError, "subquery must return only one column");
    }
    *type = shape.columns.empty() ? oid::kBool : shape.columns[0].type_oid;
    Scope copy = scope;
    copy.parent = scope.parent;
    return std::make_shared<SelectRunner>(s, sc, std::move(copy), mode);
  };
}

QueryResult RunSelect(const PgQuery__SelectStmt* s, StmtContext& sc, const Scope* outer) {
  CheckCancel(*sc.eval);
  if (s->with_clause != nullptr) {
    throw PgError(sqlstate::kFeatureNotSupported, "WITH queries are not supported yet");
  }
  if (s->op != PG_QUERY__SET_OPERATION__SETOP_NONE && s->op != PG_QUERY__SET_OPERATION__SET_OPERATION_UNDEFINED) {
    return RunSetOp(s, sc, outer);
  }
  Binder binder(*sc.eval, sc.param_types);
  InstallSubqueryBinder(binder, sc);
  if (s->n_values_lists > 0) {
    Scope empty;
    empty.parent = outer;
    return RunValues(s, sc, binder, empty);
  }
  if (s->into_clause != nullptr) throw PgError(sqlstate::kFeatureNotSupported, "SELECT INTO is not supported yet");

  // FROM: a cross product of the items.
  Relation from;
  from.scope.parent = outer;
  from.rows.push_back(Row{});
  for (size_t i = 0; i < s->n_from_clause; i++) {
    const PgNode* fi = s->from_clause[i];
    if (i > 0 && IsLateral(fi)) {
      from = LateralJoin(std::move(from), fi, sc, binder, outer, nullptr, false);
      continue;
    }
    Relation item = s->n_from_clause == 1 && fi->node_case == PG_QUERY__NODE__NODE_RANGE_VAR && s->where_clause != nullptr
                        ? FromRangeVar(fi->range_var, sc, s->where_clause, &binder, outer)
                        : BuildFrom(fi, sc, binder, outer);
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
    std::vector<Row> kept;
    for (auto& r : from.rows) {
      CheckCancel(*sc.eval);
      if (EvalPredicate(*cond, r, *sc.eval)) kept.push_back(std::move(r));
    }
    from.rows = std::move(kept);
  }

  // Select list (collecting aggregates), HAVING, ORDER BY expressions.
  std::vector<AggCall> aggs;
  std::vector<std::unique_ptr<Expr>> groups;
  for (size_t i = 0; i < s->n_group_clause; i++) {
    binder.no_agg_clause = "GROUP BY";
    const PgNode* g = s->group_clause[i];
    // GROUP BY 1 refers to the first output column.
    if (g->node_case == PG_QUERY__NODE__NODE_A_CONST && g->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
      const int pos = g->a_const->ival->ival;
      if (pos < 1 || static_cast<size_t>(pos) > s->n_target_list) {
        Throw(sqlstate::kInvalidColumnReference, "GROUP BY position " + std::to_string(pos) + " is not in select list",
              g->a_const->location);
      }
      groups.push_back(binder.Bind(s->target_list[pos - 1]->res_target->val, scope));
    } else {
      // A bare name may be an output column alias.
      std::unique_ptr<Expr> bound;
      if (g->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && g->column_ref->n_fields == 1) {
        const std::string_view name = NodeString(g->column_ref->fields[0]);
        bool in_scope = false;
        for (const auto& c : scope.columns) in_scope |= c.name == name;
        if (!in_scope) {
          for (size_t t = 0; t < s->n_target_list; t++) {
            const auto* rt = s->target_list[t]->res_target;
            if (rt->name != nullptr && *rt->name && name == rt->name) bound = binder.Bind(rt->val, scope);
          }
        }
      }
      groups.push_back(bound ? std::move(bound) : binder.Bind(g, scope));
    }
  }
  binder.aggs = &aggs;
  binder.agg_base = static_cast<int>(groups.size());
  Projection proj;
  BindTargetList(s->target_list, s->n_target_list, scope, binder, &proj);
  std::unique_ptr<Expr> having;
  if (s->having_clause != nullptr) having = binder.BindCondition(s->having_clause, scope, "HAVING");

  std::vector<SortKey> sort_keys;
  for (size_t i = 0; i < s->n_sort_clause; i++) {
    const auto* sb = s->sort_clause[i]->sort_by;
    SortKey k;
    k.desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
    k.nulls_first = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
                    (k.desc && sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST);
    const PgNode* n = sb->node;
    if (n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
      const int pos = n->a_const->ival->ival;
      if (pos < 1 || static_cast<size_t>(pos) > proj.columns.size()) {
        Throw(sqlstate::kInvalidColumnReference, "ORDER BY position " + std::to_string(pos) + " is not in select list",
              n->a_const->location);
      }
      k.output = pos - 1;
    } else if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1 &&
               n->column_ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING) {
      const std::string_view name = NodeString(n->column_ref->fields[0]);
      for (size_t c = 0; c < proj.columns.size() && k.output < 0; c++) {
        const auto* rt = c < s->n_target_list ? s->target_list[c]->res_target : nullptr;
        if (rt != nullptr && rt->name != nullptr && *rt->name && name == rt->name) k.output = static_cast<int>(c);
      }
      if (k.output < 0) k.expr = binder.Bind(n, scope);
    } else {
      k.expr = binder.Bind(n, scope);
    }
    sort_keys.push_back(std::move(k));
  }
  binder.aggs = nullptr;

  QueryResult out;
  out.returns_rows = true;
  out.columns = proj.columns;
  if (sc.describe_only) return out;

  const bool grouped = !aggs.empty() || !groups.empty() || having != nullptr;
  std::vector<Row>* rows = &from.rows;
  std::vector<Row> grouped_rows;
  if (grouped) {
    for (auto& e : proj.exprs) e = ToGrouped(std::move(e), groups, scope);
    if (having) having = ToGrouped(std::move(having), groups, scope);
    for (auto& k : sort_keys) {
      if (k.expr) k.expr = ToGrouped(std::move(k.expr), groups, scope);
    }
    std::unordered_map<std::string, size_t> index;
    std::vector<std::pair<std::vector<Value>, std::vector<AggState>>> states;
    for (const Row& r : from.rows) {
      CheckCancel(*sc.eval);
      std::vector<Value> key;
      for (const auto& g : groups) key.push_back(Eval(*g, r, *sc.eval));
      auto [it, inserted] = index.try_emplace(GroupKey(key), states.size());
      if (inserted) states.emplace_back(std::move(key), std::vector<AggState>(aggs.size()));
      auto& st = states[it->second].second;
      for (size_t a = 0; a < aggs.size(); a++) Accumulate(aggs[a], st[a], r, *sc.eval);
    }
    // Aggregates without GROUP BY produce one row even over no input.
    if (states.empty() && groups.empty()) states.emplace_back(std::vector<Value>{}, std::vector<AggState>(aggs.size()));
    for (auto& [key, st] : states) {
      Row g = key;
      for (size_t a = 0; a < aggs.size(); a++) g.push_back(Finish(aggs[a], st[a]));
      if (having && !EvalPredicate(*having, g, *sc.eval)) continue;
      grouped_rows.push_back(std::move(g));
    }
    rows = &grouped_rows;
  }

  // Project, computing sort keys alongside.
  struct Tagged {
    std::vector<Value> keys;
    Row out;
  };
  std::vector<Tagged> result;
  result.reserve(rows->size());
  for (const Row& r : *rows) {
    CheckCancel(*sc.eval);
    Tagged t;
    t.out.reserve(proj.exprs.size());
    for (const auto& e : proj.exprs) t.out.push_back(Eval(*e, r, *sc.eval));
    for (const auto& k : sort_keys) t.keys.push_back(k.expr ? Eval(*k.expr, r, *sc.eval) : t.out[static_cast<size_t>(k.output)]);
    result.push_back(std::move(t));
  }
  if (s->n_distinct_clause > 0) {
    std::unordered_map<std::string, bool> seen;
    std::vector<Tagged> unique;
    for (auto& t : result) {
      if (seen.emplace(GroupKey(t.out), true).second) unique.push_back(std::move(t));
    }
    result = std::move(unique);
  }
  if (!sort_keys.empty()) {
    std::stable_sort(result.begin(), result.end(), [&](const Tagged& a, const Tagged& b) {
      for (size_t i = 0; i < sort_keys.size(); i++) {
        const int c = CompareSort(a.keys[i], b.keys[i], sort_keys[i]);
        if (c != 0) return c < 0;
      }
      return false;
    });
  }
  Scope none;
  const int64_t offset = s->limit_offset ? EvalLimit(s->limit_offset, binder, none, *sc.eval, "OFFSET") : 0;
  const int64_t limit = s->limit_count ? EvalLimit(s->limit_count, binder, none, *sc.eval, "LIMIT") : -1;
  size_t begin = static_cast<size_t>(std::min<int64_t>(std::max<int64_t>(offset, 0), static_cast<int64_t>(result.size())));
  size_t end = result.size();
  if (limit >= 0) end = std::min(end, begin + static_cast<size_t>(limit));
  out.rows.reserve(end - begin);
  for (size_t i = begin; i < end; i++) out.rows.push_back(std::move(result[i].out));
  return out;
}

}  // namespace immu::sql
