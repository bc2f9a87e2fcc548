// Grouping and aggregation: see query_aggregate.h.

#include "sql/query_aggregate.h"

#include <algorithm>
#include <unordered_map>

#include "catalog/pg_error.h"
#include "sql/row_codec.h"

namespace immu::sql {

namespace {

// Group slots the grouping mask (an int64) can describe.
constexpr size_t kMaskSlots = 62;

Value GroupingEval(std::span<const Value> args, EvalContext&) {
  const int64_t mask = args[0].i;
  int64_t r = 0;
  for (size_t i = 1; i < args.size(); i++) r = (r << 1) | ((mask >> args[i].i) & 1);
  return Value::Int(oid::kInt4, r);
}

// One GROUP BY item as a list of grouping sets over group slots.
std::vector<std::vector<int>> ExpandGroupItem(const PgNode* g, const PgQuery__SelectStmt* s,
                                              const Scope& scope, Binder& binder, GroupBy* out);

int GroupSlot(std::unique_ptr<Expr> e, GroupBy* out) {
  for (size_t i = 0; i < out->exprs.size(); i++) {
    if (SameExpr(*out->exprs[i], *e)) return static_cast<int>(i);
  }
  out->exprs.push_back(std::move(e));
  return static_cast<int>(out->exprs.size()) - 1;
}

std::unique_ptr<Expr> BindGroupExpr(const PgNode* g, const PgQuery__SelectStmt* s,
                                    const Scope& scope, Binder& binder) {
  // GROUP BY 1 refers to the first output column.
  if (g->node_case == PG_QUERY__NODE__NODE_A_CONST &&
      g->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
    const int pos = g->a_const->ival->ival;
    if (pos < 1 || static_cast<size_t>(pos) > s->n_target_list) {
      Throw(sqlstate::kInvalidColumnReference,
            "GROUP BY position " + std::to_string(pos) + " is not in select list",
            g->a_const->location);
    }
    return binder.Bind(s->target_list[pos - 1]->res_target->val, scope);
  }
  // A bare name may be an output column alias.
  if (g->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && g->column_ref->n_fields == 1 &&
      g->column_ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING) {
    const std::string_view name = NodeString(g->column_ref->fields[0]);
    bool in_scope = false;
    for (const auto& c : scope.columns) in_scope |= c.name == name;
    if (!in_scope) {
      for (size_t t = 0; t < s->n_target_list; t++) {
        const auto* rt = s->target_list[t]->res_target;
        if (rt->name != nullptr && *rt->name && name == rt->name)
          return binder.Bind(rt->val, scope);
      }
    }
  }
  return binder.Bind(g, scope);
}

// Concatenation of every combination: {A} x {B} for GROUP BY a, ROLLUP(...).
std::vector<std::vector<int>> Cross(const std::vector<std::vector<int>>& a,
                                    const std::vector<std::vector<int>>& b) {
  std::vector<std::vector<int>> r;
  for (const auto& x : a) {
    for (const auto& y : b) {
      std::vector<int> z = x;
      z.insert(z.end(), y.begin(), y.end());
      r.push_back(std::move(z));
    }
  }
  return r;
}

// An element of ROLLUP/CUBE/GROUPING SETS: an expression, a parenthesised
// list (a row expression) or a nested grouping set.
std::vector<int> SimpleSet(const PgNode* g, const PgQuery__SelectStmt* s, const Scope& scope,
                           Binder& binder, GroupBy* out) {
  std::vector<int> r;
  if (g->node_case == PG_QUERY__NODE__NODE_ROW_EXPR) {
    for (size_t i = 0; i < g->row_expr->n_args; i++)
      r.push_back(GroupSlot(BindGroupExpr(g->row_expr->args[i], s, scope, binder), out));
  } else if (g->node_case == PG_QUERY__NODE__NODE_GROUPING_SET &&
             g->grouping_set->kind == PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_EMPTY) {
  } else if (g->node_case == PG_QUERY__NODE__NODE_GROUPING_SET) {
    throw PgError(sqlstate::kFeatureNotSupported,
                  "nested grouping sets inside ROLLUP or CUBE are not supported");
  } else {
    r.push_back(GroupSlot(BindGroupExpr(g, s, scope, binder), out));
  }
  return r;
}

std::vector<std::vector<int>> ExpandGroupItem(const PgNode* g, const PgQuery__SelectStmt* s,
                                              const Scope& scope, Binder& binder, GroupBy* out) {
  if (g->node_case != PG_QUERY__NODE__NODE_GROUPING_SET)
    return {SimpleSet(g, s, scope, binder, out)};
  const auto* gs = g->grouping_set;
  switch (gs->kind) {
    case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_EMPTY:
      return {{}};
    case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_ROLLUP: {
      std::vector<std::vector<int>> parts;
      for (size_t i = 0; i < gs->n_content; i++)
        parts.push_back(SimpleSet(gs->content[i], s, scope, binder, out));
      std::vector<std::vector<int>> r;
      for (size_t k = parts.size() + 1; k-- > 0;) {
        std::vector<int> set;
        for (size_t i = 0; i < k; i++) set.insert(set.end(), parts[i].begin(), parts[i].end());
        r.push_back(std::move(set));
      }
      return r;
    }
    case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_CUBE: {
      std::vector<std::vector<int>> parts;
      for (size_t i = 0; i < gs->n_content; i++)
        parts.push_back(SimpleSet(gs->content[i], s, scope, binder, out));
      if (parts.size() > 12) throw PgError("54001", "CUBE is limited to 12 elements");
      std::vector<std::vector<int>> r;
      const size_t n = parts.size();
      for (size_t m = 0; m < (size_t{1} << n); m++) {
        const size_t mask = (size_t{1} << n) - 1 - m;  // the full set first
        std::vector<int> set;
        for (size_t i = 0; i < n; i++) {
          if (mask & (size_t{1} << (n - 1 - i)))
            set.insert(set.end(), parts[i].begin(), parts[i].end());
        }
        r.push_back(std::move(set));
      }
      return r;
    }
    case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_SETS: {
      std::vector<std::vector<int>> r;
      for (size_t i = 0; i < gs->n_content; i++) {
        auto sub = ExpandGroupItem(gs->content[i], s, scope, binder, out);
        r.insert(r.end(), sub.begin(), sub.end());
      }
      return r;
    }
    default:
      return {SimpleSet(g, s, scope, binder, out)};
  }
}

}  // namespace

std::string GroupKey(const std::vector<Value>& vals) {
  std::string k;
  for (const auto& v : vals) AppendKeyValue(v, &k);
  return k;
}

bool SameExpr(const Expr& a, const Expr& b) {
  if (a.kind != b.kind || a.type != b.type || a.args.size() != b.args.size()) return false;
  switch (a.kind) {
    case Expr::Kind::kConst:
      if (a.value.null != b.value.null) return false;
      if (!a.value.null && (a.value.type != b.value.type || CompareValues(a.value, b.value) != 0))
        return false;
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
      // Bound subqueries are not compared structurally; the same SubLink
      // (same place in the statement text) is the same expression, which
      // is what GROUP BY <output position> of a subquery item produces.
      if (a.location < 0 || a.location != b.location || a.negate != b.negate) return false;
      break;
    default:
      if (a.negate != b.negate || a.typmod != b.typmod) return false;
      break;
  }
  for (size_t i = 0; i < a.args.size(); i++) {
    if (!SameExpr(*a.args[i], *b.args[i])) return false;
  }
  return true;
}

void CheckAggCalls(const std::vector<AggCall>& aggs) {
  for (const auto& a : aggs) {
    if (!a.distinct) continue;
    for (const auto& o : a.order) {
      const bool is_arg =
          (a.arg && SameExpr(*o.expr, *a.arg)) || (a.arg2 && SameExpr(*o.expr, *a.arg2));
      if (!is_arg) {
        Throw(sqlstate::kInvalidColumnReference,
              "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list",
              o.expr->location);
      }
    }
  }
}

void BindGroupBy(const PgQuery__SelectStmt* s, const Scope& scope, Binder& binder, GroupBy* out) {
  binder.no_agg_clause = "GROUP BY";
  out->present = s->n_group_clause > 0;
  out->sets = {{}};
  for (size_t i = 0; i < s->n_group_clause; i++) {
    out->sets = Cross(out->sets, ExpandGroupItem(s->group_clause[i], s, scope, binder, out));
  }
  if (s->group_distinct) {
    // GROUP BY DISTINCT: each grouping set once (as a set of columns).
    std::vector<std::vector<int>> unique;
    for (auto set : out->sets) {
      std::sort(set.begin(), set.end());
      set.erase(std::unique(set.begin(), set.end()), set.end());
      if (std::find(unique.begin(), unique.end(), set) == unique.end())
        unique.push_back(std::move(set));
    }
    out->sets = std::move(unique);
  }
  if (out->sets.size() > 4096)
    throw PgError("54001", "too many grouping sets present (maximum 4096)");
}

namespace {

// True when every primary-key column of the table instance behind c (same
// qualifier and table) is a plain group expression of a single grouping set.
bool DependsOnGroupedKey(const ScopeColumn& c, const GroupBy& groups, const Scope& scope,
                         const Catalog* catalog) {
  if (catalog == nullptr || c.table_oid == 0 || groups.sets.size() != 1) return false;
  const TableDef* t = catalog->FindByOid(c.table_oid);
  if (t == nullptr || t->pk.empty()) return false;
  for (const int pk_col : t->pk) {
    bool found = false;
    for (const int g : groups.sets[0]) {
      const Expr& ge = *groups.exprs[static_cast<size_t>(g)];
      if (ge.kind != Expr::Kind::kColumn || ge.outer_level != 0) continue;
      const ScopeColumn& gc = scope.columns[static_cast<size_t>(ge.index)];
      found |= gc.table_oid == c.table_oid && gc.qualifier == c.qualifier && gc.attnum == pk_col + 1;
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<Expr> ToGrouped(std::unique_ptr<Expr> e, const GroupBy& groups,
                                const Scope& scope, std::vector<AggCall>* aggs, const Catalog* catalog) {
  for (size_t g = 0; g < groups.exprs.size(); g++) {
    if (SameExpr(*e, *groups.exprs[g])) {
      auto r = std::make_unique<Expr>();
      r->kind = Expr::Kind::kAggRef;
      r->index = static_cast<int>(g);
      r->type = e->type;
      r->typmod = e->typmod;
      r->name = e->name;
      return r;
    }
  }
  if (e->kind == Expr::Kind::kFunc && e->fn == GroupingMarker) {
    auto r = std::make_unique<Expr>();
    r->kind = Expr::Kind::kFunc;
    r->fn = GroupingEval;
    r->type = oid::kInt4;
    r->name = "grouping";
    auto mask = std::make_unique<Expr>();
    mask->kind = Expr::Kind::kAggRef;
    mask->index = static_cast<int>(groups.exprs.size());
    mask->type = oid::kInt8;
    r->args.push_back(std::move(mask));
    for (const auto& a : e->args) {
      int slot = -1;
      for (size_t g = 0; g < groups.exprs.size() && slot < 0; g++) {
        if (SameExpr(*a, *groups.exprs[g])) slot = static_cast<int>(g);
      }
      if (slot < 0) {
        Throw(sqlstate::kGroupingError,
              "arguments to GROUPING must be grouping expressions of the associated query level",
              a->location);
      }
      if (slot >= static_cast<int>(kMaskSlots)) {
        Throw(sqlstate::kProgramLimitExceeded,
              "GROUPING argument is beyond the first " + std::to_string(kMaskSlots) +
                  " grouping expressions",
              a->location);
      }
      r->args.push_back(Expr::Const(Value::Int(oid::kInt4, slot)));
    }
    return r;
  }
  if (e->kind == Expr::Kind::kColumn && e->outer_level == 0) {
    const ScopeColumn& c = scope.columns[static_cast<size_t>(e->index)];
    if (aggs != nullptr && DependsOnGroupedKey(c, groups, scope, catalog)) {
      auto r = std::make_unique<Expr>();
      r->kind = Expr::Kind::kAggRef;
      r->type = e->type;
      r->typmod = e->typmod;
      r->name = e->name;
      AggCall call;
      call.name = "any_value";
      call.result_type = e->type;
      call.arg = std::move(e);
      aggs->push_back(std::move(call));
      r->index = groups.AggBase() + static_cast<int>(aggs->size()) - 1;
      return r;
    }
    Throw(sqlstate::kGroupingError,
          "column \"" + (c.qualifier.empty() ? "" : c.qualifier + ".") + c.name +
              "\" must appear in the GROUP BY clause or be used in an aggregate function",
          e->location);
  }
  for (auto& a : e->args) a = ToGrouped(std::move(a), groups, scope, aggs, catalog);
  return e;
}

std::vector<Row> RunGrouping(const std::vector<Row>& input, const GroupBy& groups,
                             const std::vector<AggCall>& aggs, const Expr* having,
                             EvalContext& ctx) {
  std::vector<Row> out;
  const size_t ng = groups.exprs.size();
  for (const auto& set : groups.sets) {
    int64_t mask = 0;
    // Slots past kMaskSlots are never GROUPING() arguments (ToGrouped).
    for (size_t g = 0; g < ng && g < kMaskSlots; g++) {
      if (std::find(set.begin(), set.end(), static_cast<int>(g)) == set.end())
        mask |= int64_t{1} << g;
    }
    std::unordered_map<std::string, size_t> index;
    std::vector<std::pair<Row, std::vector<AggState>>> states;
    Row key;
    for (const Row& r : input) {
      CheckCancel(ctx);
      key.assign(ng, Value());
      for (size_t g = 0; g < ng; g++) key[g] = Value::Null(groups.exprs[g]->type);
      for (int g : set)
        key[static_cast<size_t>(g)] = Eval(*groups.exprs[static_cast<size_t>(g)], r, ctx);
      auto [it, inserted] = index.try_emplace(GroupKey(key), states.size());
      if (inserted) states.emplace_back(key, std::vector<AggState>(aggs.size()));
      auto& st = states[it->second].second;
      for (size_t a = 0; a < aggs.size(); a++) Accumulate(aggs[a], st[a], r, ctx);
    }
    // The empty grouping set yields one row even over no input.
    if (states.empty() && set.empty()) {
      Row nulls;
      for (size_t g = 0; g < ng; g++) nulls.push_back(Value::Null(groups.exprs[g]->type));
      states.emplace_back(std::move(nulls), std::vector<AggState>(aggs.size()));
    }
    for (auto& [k, st] : states) {
      Row g = k;
      g.push_back(Value::Int(oid::kInt8, mask));
      for (size_t a = 0; a < aggs.size(); a++) g.push_back(Finish(aggs[a], st[a], ctx));
      if (having != nullptr && !EvalPredicate(*having, g, ctx)) continue;
      out.push_back(std::move(g));
    }
  }
  return out;
}

}  // namespace immu::sql
