#include "sql/comma_join.h"

#include <algorithm>
#include <memory>
#include <numeric>

#include "catalog/pg_error.h"
#include "sql/binder.h"
#include "sql/join.h"

namespace immu::sql {

namespace {

// A WHERE conjunct "l = r" whose sides each read exactly one FROM item.
struct Link {
  const PgNode* conjunct;
  size_t a, b;  // the items of the two sides (a != b)
};

void Conjuncts(const PgNode* where, std::vector<const PgNode*>* out) {
  if (where->node_case == PG_QUERY__NODE__NODE_BOOL_EXPR && where->bool_expr->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR) {
    for (size_t i = 0; i < where->bool_expr->n_args; i++) Conjuncts(where->bool_expr->args[i], out);
    return;
  }
  out->push_back(where);
}

bool IsEquality(const PgNode* n) {
  if (n->node_case != PG_QUERY__NODE__NODE_A_EXPR) return false;
  const PgQuery__AExpr* e = n->a_expr;
  if (e->kind != PG_QUERY__A__EXPR__KIND__AEXPR_OP || e->n_name != 1 || e->lexpr == nullptr || e->rexpr == nullptr) {
    return false;
  }
  const PgNode* op = e->name[0];
  return op->node_case == PG_QUERY__NODE__NODE_STRING && std::string_view(op->string->sval) == "=";
}

// Whether a side reads columns at all (a constant side links nothing).
bool HasColumnRef(const PgNode* n) {
  return n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF ||
         (n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && n->type_cast->arg != nullptr &&
          HasColumnRef(n->type_cast->arg)) ||
         (n->node_case == PG_QUERY__NODE__NODE_A_INDIRECTION && n->a_indirection->arg != nullptr &&
          HasColumnRef(n->a_indirection->arg));
}

// The one item an expression binds over alone; -1 when none or several.
int ItemOf(const PgNode* side, const std::vector<Relation>& items, Binder& binder) {
  if (!HasColumnRef(side)) return -1;
  int found = -1;
  for (size_t i = 0; i < items.size(); i++) {
    Scope alone;
    alone.columns = items[i].scope.columns;
    try {
      binder.Bind(side, alone);
    } catch (const PgError& e) {
      if (std::string_view(e.sqlstate()) == sqlstate::kQueryCanceled) throw;
      continue;
    }
    if (found >= 0) return -1;
    found = static_cast<int>(i);
  }
  return found;
}

}  // namespace

Relation JoinCommaItems(std::vector<Relation> items, const PgNode* where, StmtContext& sc, const Scope* outer) {
  const size_t n = items.size();
  std::vector<uint32_t> scratch_params = sc.param_types != nullptr ? *sc.param_types : std::vector<uint32_t>{};
  Binder binder(*sc.eval, &scratch_params);
  std::vector<Link> links;
  if (where != nullptr) {
    std::vector<const PgNode*> conjuncts;
    Conjuncts(where, &conjuncts);
    for (const PgNode* c : conjuncts) {
      if (!IsEquality(c)) continue;
      const int a = ItemOf(c->a_expr->lexpr, items, binder);
      const int b = ItemOf(c->a_expr->rexpr, items, binder);
      if (a >= 0 && b >= 0 && a != b) links.push_back({c, static_cast<size_t>(a), static_cast<size_t>(b)});
    }
  }
  std::vector<size_t> width(n);
  for (size_t i = 0; i < n; i++) width[i] = items[i].scope.columns.size();
  std::vector<bool> joined(n, false);
  std::vector<size_t> order;
  auto smallest = [&](bool linked_only) -> int {
    int best = -1;
    for (size_t i = 0; i < n; i++) {
      if (joined[i]) continue;
      if (linked_only) {
        const bool linked = std::any_of(links.begin(), links.end(), [&](const Link& l) {
          return (l.a == i && joined[l.b]) || (l.b == i && joined[l.a]);
        });
        if (!linked) continue;
      }
      if (best < 0 || items[i].rows.size() < items[static_cast<size_t>(best)].rows.size()) best = static_cast<int>(i);
    }
    return best;
  };
  const size_t first = static_cast<size_t>(smallest(false));
  joined[first] = true;
  order.push_back(first);
  Relation acc = std::move(items[first]);
  acc.scope.parent = outer;
  while (order.size() < n) {
    int next = smallest(true);
    if (next < 0) next = smallest(false);
    const size_t k = static_cast<size_t>(next);
    Relation& item = items[k];
    // The equality conjuncts between the joined items and this one, bound
    // over [acc..., item...].
    Relation right;
    right.scope.columns = item.scope.columns;
    Scope both;
    both.parent = outer;
    both.columns = acc.scope.columns;
    both.columns.insert(both.columns.end(), item.scope.columns.begin(), item.scope.columns.end());
    auto cond = std::make_unique<Expr>();
    cond->kind = Expr::Kind::kAnd;
    cond->type = oid::kBool;
    for (const Link& l : links) {
      if (!((l.a == k && joined[l.b]) || (l.b == k && joined[l.a]))) continue;
      try {
        cond->args.push_back(binder.BindCondition(l.conjunct, both, "WHERE"));
      } catch (const PgError& e) {
        if (std::string_view(e.sqlstate()) == sqlstate::kQueryCanceled) throw;
      }
    }
    right.rows = std::move(item.rows);
    Relation out;
    out.scope = std::move(both);
    out.rows = JoinRows(acc, right, cond->args.empty() ? nullptr : cond.get(), false, false, *sc.eval);
    acc = std::move(out);
    joined[k] = true;
    order.push_back(k);
  }
  // Back to FROM order.
  std::vector<size_t> start_in_acc(n);
  size_t pos = 0;
  for (size_t k : order) {
    start_in_acc[k] = pos;
    pos += width[k];
  }
  bool identity = true;
  for (size_t i = 0; i < n; i++) identity &= order[i] == i;
  if (identity) return acc;
  std::vector<size_t> perm;
  perm.reserve(pos);
  for (size_t i = 0; i < n; i++) {
    for (size_t c = 0; c < width[i]; c++) perm.push_back(start_in_acc[i] + c);
  }
  Relation out;
  out.scope.parent = outer;
  for (size_t p : perm) out.scope.columns.push_back(acc.scope.columns[p]);
  out.rows.reserve(acc.rows.size());
  for (Row& row : acc.rows) {
    Row r;
    r.reserve(perm.size());
    for (size_t p : perm) r.push_back(std::move(row[p]));
    out.rows.push_back(std::move(r));
  }
  return out;
}

}  // namespace immu::sql
