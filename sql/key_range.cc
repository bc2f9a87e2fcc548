// Primary-key access paths: point lookups and range scans derived from the
// WHERE clause (query_internal.h).

#include "catalog/pg_error.h"
#include "sql/functions.h"
#include "sql/index_writer.h"
#include "sql/query_internal.h"
#include "sql/row_codec.h"

namespace immu::sql {

namespace {

bool IsIntFamily(uint32_t t) { return t == oid::kInt2 || t == oid::kInt4 || t == oid::kInt8; }

// True when e reads no column of the current row (constants, parameters and
// functions of them), so it can be evaluated once before the scan.
bool RowIndependent(const Expr& e) {
  // Outer-query columns are fixed while a (correlated) subquery runs.
  if ((e.kind == Expr::Kind::kColumn && e.outer_level == 0) || e.kind == Expr::Kind::kAggRef ||
      e.kind == Expr::Kind::kSubquery) {
    return false;
  }
  for (const auto& a : e.args) {
    if (!RowIndependent(*a)) return false;
  }
  return true;
}

void Conjuncts(const Expr* e, std::vector<const Expr*>* out) {
  if (e == nullptr) return;
  if (e->kind == Expr::Kind::kAnd) {
    for (const auto& a : e->args) Conjuncts(a.get(), out);
    return;
  }
  out->push_back(e);
}

// Strips an implicit cast of a column (e.g. int4 column compared as int8).
const Expr* Unwrap(const Expr* e) {
  while (e->kind == Expr::Kind::kCast && e->args.size() == 1 && e->args[0]->kind == Expr::Kind::kColumn &&
         IsIntFamily(e->type) && IsIntFamily(e->args[0]->type)) {
    e = e->args[0].get();
  }
  return e;
}

struct Bound {
  std::string op;  // = < <= > >=
  Value v;
};

}  // namespace

std::optional<KeyRange> PrimaryKeyRange(const TableDef& t, const Expr* cond, EvalContext& ctx) {
  if (cond == nullptr) return std::nullopt;
  std::vector<const Expr*> conj;
  Conjuncts(cond, &conj);
  // Per primary-key column, the usable bounds; per column, an equality.
  std::vector<std::vector<Bound>> bounds(t.pk.size());
  std::vector<std::optional<Value>> equal(t.columns.size());
  for (const Expr* c : conj) {
    if (c->kind != Expr::Kind::kFunc || c->args.size() != 2) continue;
    std::string op = c->name;
    if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=") continue;
    const Expr* l = Unwrap(c->args[0].get());
    const Expr* r = Unwrap(c->args[1].get());
    if (r->kind == Expr::Kind::kColumn && l->kind != Expr::Kind::kColumn) {
      std::swap(l, r);
      op = op == "<" ? ">" : op == "<=" ? ">=" : op == ">" ? "<" : op == ">=" ? "<=" : op;
    }
    if (l->kind != Expr::Kind::kColumn || l->outer_level != 0 || !RowIndependent(*r)) continue;
    if (op == "=") {
      const uint32_t col_type = t.columns[static_cast<size_t>(l->index)].type_oid;
      Value v = Eval(*r, Row{}, ctx);
      const bool same = v.null || v.type == col_type || (IsIntFamily(v.type) && IsIntFamily(col_type)) ||
                        ((v.type == oid::kText || v.type == oid::kVarchar) &&
                         (col_type == oid::kText || col_type == oid::kVarchar));
      if (same) equal[static_cast<size_t>(l->index)] = std::move(v);
    }
    for (size_t k = 0; k < t.pk.size(); k++) {
      if (t.pk[k] != l->index) continue;
      const uint32_t col_type = t.columns[static_cast<size_t>(l->index)].type_oid;
      Value v = Eval(*r, Row{}, ctx);
      if (v.null) return KeyRange{true, "", ""};  // col = NULL matches nothing: an impossible key
      // Only same-encoding comparisons: the key bytes must mean the same order.
      const bool same = v.type == col_type || (IsIntFamily(v.type) && IsIntFamily(col_type)) ||
                        ((v.type == oid::kText || v.type == oid::kVarchar) &&
                         (col_type == oid::kText || col_type == oid::kVarchar));
      if (!same) continue;
      bounds[k].push_back({op, std::move(v)});
    }
  }
  // A secondary index whose leading columns are all pinned by equalities
  // (longest prefix wins; unique and fully pinned first).
  auto index_path = [&]() -> std::optional<KeyRange> {
    const IndexDef* best = nullptr;
    size_t best_len = 0;
    for (const auto& x : t.indexes) {
      if (!x.predicate.empty() || x.HasExpressions()) continue;  // expression keys: no lookups yet
      size_t n = 0;
      while (n < x.columns.size() && equal[static_cast<size_t>(x.columns[n])]) n++;
      const bool better = n > best_len || (n == best_len && n == x.columns.size() && x.unique);
      if (n > 0 && better) {
        best = &x;
        best_len = n;
      }
    }
    if (best == nullptr) return std::nullopt;
    std::vector<Value> lead;
    for (size_t i = 0; i < best_len; i++) {
      const Value& v = *equal[static_cast<size_t>(best->columns[i])];
      if (v.null) return KeyRange{true, "", "", nullptr, ""};  // = NULL matches nothing
      lead.push_back(v);
    }
    KeyRange kr;
    kr.index = best;
    kr.index_prefix = IndexKeyPrefix(*best, lead);
    return kr;
  };
  if (t.pk.empty()) return index_path();
  std::string prefix = RowPrefix(t.relfilenode());
  size_t eq_cols = 0;
  for (; eq_cols < t.pk.size(); eq_cols++) {
    const Bound* eq = nullptr;
    for (const auto& b : bounds[eq_cols]) {
      if (b.op == "=") eq = &b;
    }
    if (eq == nullptr) break;
    AppendKeyValue(eq->v, &prefix);
  }
  KeyRange kr;
  if (eq_cols == t.pk.size()) {
    kr.point = true;
    kr.start = prefix;
    return kr;
  }
  std::string start = prefix, end;
  bool bounded = eq_cols > 0;
  for (const auto& b : bounds[eq_cols]) {
    std::string enc = prefix;
    AppendKeyValue(b.v, &enc);
    // Every key whose column equals v starts with enc and continues with a
    // tag byte below 0xff (or ends), so enc + 0xff sorts after all of them.
    if (b.op == ">" && enc + '\xff' > start) start = enc + '\xff';
    if (b.op == ">=" && enc > start) start = enc;
    if (b.op == "<" && (end.empty() || enc < end)) end = enc;
    if (b.op == "<=" && (end.empty() || enc + '\xff' < end)) end = enc + '\xff';
    bounded = true;
  }
  if (eq_cols == 0) {
    // A pinned secondary index beats a primary-key range.
    auto by_index = index_path();
    if (by_index) return by_index;
  }
  if (!bounded) return std::nullopt;
  if (end.empty() && eq_cols > 0) end = prefix + '\xff';
  kr.start = start;
  kr.end = end;
  return kr;
}

void ScanTableRange(StmtContext& sc, const TableDef& t, const std::optional<KeyRange>& range,
                    std::vector<Row>* rows, std::vector<std::string>* keys) {
  if (!range) {
    ScanTable(sc, t, rows, keys);
    return;
  }
  if (sc.describe_only) return;
  const std::vector<uint32_t> types = ColumnTypes(t);
  if (range->index != nullptr) {
    ScanOptions o;
    o.prefix = range->index_prefix;
    auto entries = sc.txn->Scan(o);
    ThrowIfError(entries.status());
    const std::string prefix = RowPrefix(t.relfilenode());
    for (const auto& e : *entries) {
      CheckCancel(*sc.eval);
      const std::string key = prefix + e.value;
      auto got = sc.txn->Get(key);
      if (!got.ok()) {
        if (got.status().code() == StatusCode::kNotFound) continue;
        ThrowIfError(got.status());
      }
      if (got->md.deleted()) continue;
      Row r;
      DecodeRow(got->value, types, &r);
      rows->push_back(std::move(r));
      if (keys != nullptr) keys->push_back(key);
    }
    return;
  }
  if (range->point) {
    if (range->start.empty()) return;
    auto got = sc.txn->Get(range->start);
    if (!got.ok()) {
      if (got.status().code() == StatusCode::kNotFound) return;
      ThrowIfError(got.status());
    }
    if (got->md.deleted()) return;
    Row r;
    DecodeRow(got->value, types, &r);
    rows->push_back(std::move(r));
    if (keys != nullptr) keys->push_back(range->start);
    return;
  }
  ScanOptions o;
  o.prefix = RowPrefix(t.relfilenode());
  o.start = range->start;
  o.end = range->end;
  auto got = sc.txn->Scan(o);
  ThrowIfError(got.status());
  for (auto& vv : *got) {
    CheckCancel(*sc.eval);
    Row r;
    DecodeRow(vv.value, types, &r);
    rows->push_back(std::move(r));
    if (keys != nullptr) keys->push_back(std::move(vv.key));
  }
}

}  // namespace immu::sql
