#include "sql/join.h"

#include <unordered_map>

#include "sql/row_codec.h"

namespace immu::sql {

namespace {

// Which sides' columns an expression reads: bit 1 left, bit 2 right, bit 4
// anything that cannot be evaluated on one side alone (subqueries,
// aggregates, parameters are fine).
int Sides(const Expr& e, size_t nl) {
  int s = 0;
  switch (e.kind) {
    case Expr::Kind::kColumn:
      if (e.outer_level > 0) return 0;  // an enclosing query's row: constant here
      return static_cast<size_t>(e.index) < nl ? 1 : 2;
    case Expr::Kind::kSubquery:
    case Expr::Kind::kAggRef:
      return 4;
    default:
      break;
  }
  for (const auto& a : e.args) {
    if (a) s |= Sides(*a, nl);
  }
  return s;
}

struct EquiKey {
  const Expr* left;
  const Expr* right;
};

void CollectKeys(const Expr& e, size_t nl, std::vector<EquiKey>* keys) {
  if (e.kind == Expr::Kind::kAnd) {
    for (const auto& a : e.args) CollectKeys(*a, nl, keys);
    return;
  }
  if (e.kind != Expr::Kind::kFunc || e.name != "=" || e.args.size() != 2) return;
  const int a = Sides(*e.args[0], nl), b = Sides(*e.args[1], nl);
  if (a == 1 && b == 2) keys->push_back({e.args[0].get(), e.args[1].get()});
  if (a == 2 && b == 1) keys->push_back({e.args[1].get(), e.args[0].get()});
}

// The hash key of one side's row; false when a key value is NULL (such a
// row matches nothing through "=").
bool KeyOf(const std::vector<const Expr*>& exprs, const Row& row, EvalContext& ctx, std::string* key) {
  key->clear();
  for (const Expr* e : exprs) {
    const Value v = Eval(*e, row, ctx);
    if (v.null) return false;
    AppendKeyValue(v, key);
  }
  return true;
}

}  // namespace

std::vector<Row> JoinRows(const Relation& left, const Relation& right, const Expr* cond, bool left_outer,
                          bool right_outer, EvalContext& ctx, bool* hashed) {
  const size_t nl = left.scope.columns.size(), nr = right.scope.columns.size();
  std::vector<Row> out;
  std::vector<bool> right_matched(right.rows.size(), false);
  Row joined(nl + nr);
  auto emit_unmatched_left = [&](const Row& lr) {
    Row r = lr;
    for (const auto& c : right.scope.columns) r.push_back(Value::Null(c.type));
    out.push_back(std::move(r));
  };
  auto try_pair = [&](const Row& lr, size_t k) -> bool {
    std::copy(lr.begin(), lr.end(), joined.begin());
    std::copy(right.rows[k].begin(), right.rows[k].end(), joined.begin() + static_cast<std::ptrdiff_t>(nl));
    if (cond != nullptr && !EvalPredicate(*cond, joined, ctx)) return false;
    right_matched[k] = true;
    out.push_back(joined);
    CheckMaterialized(out.size(), nl + nr);
    return true;
  };

  std::vector<EquiKey> keys;
  if (cond != nullptr) CollectKeys(*cond, nl, &keys);
  // Hashing pays off unless one side is tiny.
  const bool hash = !keys.empty() && left.rows.size() * right.rows.size() > 64;
  if (hashed != nullptr) *hashed = hash;
  if (hash) {
    std::vector<const Expr*> lk, rk;
    for (const auto& k : keys) {
      lk.push_back(k.left);
      rk.push_back(k.right);
    }
    // Key expressions read the joined row layout: fill the side they use.
    std::unordered_map<std::string, std::vector<size_t>> table;
    table.reserve(right.rows.size());
    std::string key;
    for (size_t k = 0; k < right.rows.size(); k++) {
      CheckCancel(ctx);
      std::copy(right.rows[k].begin(), right.rows[k].end(), joined.begin() + static_cast<std::ptrdiff_t>(nl));
      if (KeyOf(rk, joined, ctx, &key)) table[key].push_back(k);
    }
    for (const Row& lr : left.rows) {
      CheckCancel(ctx);
      std::copy(lr.begin(), lr.end(), joined.begin());
      bool matched = false;
      if (KeyOf(lk, joined, ctx, &key)) {
        auto it = table.find(key);
        if (it != table.end()) {
          for (size_t k : it->second) matched |= try_pair(lr, k);
        }
      }
      if (!matched && left_outer) emit_unmatched_left(lr);
    }
  } else {
    for (const Row& lr : left.rows) {
      bool matched = false;
      for (size_t k = 0; k < right.rows.size(); k++) {
        CheckCancel(ctx);
        matched |= try_pair(lr, k);
      }
      if (!matched && left_outer) emit_unmatched_left(lr);
    }
  }
  if (right_outer) {
    for (size_t k = 0; k < right.rows.size(); k++) {
      if (right_matched[k]) continue;
      Row r;
      for (const auto& c : left.scope.columns) r.push_back(Value::Null(c.type));
      r.insert(r.end(), right.rows[k].begin(), right.rows[k].end());
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace immu::sql
