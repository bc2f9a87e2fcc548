// VALUES lists and set operations (UNION, INTERSECT, EXCEPT [ALL]), and
// the sort/limit helpers SELECT shares with them.

#include "sql/query_setop.h"

#include <algorithm>
#include <unordered_map>

#include "catalog/pg_error.h"
#include "sql/plan.h"
#include "sql/query_aggregate.h"

namespace immu::sql {

int64_t EvalLimit(const PgNode* n, Binder& binder, const Scope& scope, EvalContext& ctx,
                  const char* what) {
  auto e = binder.Coerce(binder.Bind(n, scope), oid::kInt8, -1, false);
  const Value v = Eval(*e, Row{}, ctx);
  if (v.null) return -1;
  if (v.i < 0) {
    throw PgError("2201W", std::string(what) + " must not be negative");
  }
  return v.i;
}

int CompareSort(const Value& a, const Value& b, const SortKey& k) {
  if (a.null || b.null) {
    if (a.null && b.null) return 0;
    const bool a_first = a.null ? k.nulls_first : !k.nulls_first;
    return a_first ? -1 : 1;
  }
  const int c = CompareValues(a, b);
  return k.desc ? -c : c;
}

QueryResult RunValues(const PgQuery__SelectStmt* s, StmtContext& sc, Binder& binder,
                      const Scope& scope) {
  PlanScope plan(sc.plan, s, s->n_values_lists == 1 ? "Result" : "Values Scan on \"*VALUES*\"",
                 !sc.describe_only);
  plan.Rows(s->n_values_lists);
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
      if (r == 0)
        types.push_back(row.back()->type);
      else
        types[c] = CommonType(types[c], row.back()->type, "VALUES");
    }
    rows.push_back(std::move(row));
  }
  for (auto& t : types)
    if (t == oid::kUnknown) t = oid::kText;
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
  PlanScope plan(sc.plan, s, "Append", !sc.describe_only);
  PlanStages stages(plan);
  QueryResult l = RunSelect(s->larg, sc, outer);
  QueryResult r = RunSelect(s->rarg, sc, outer);
  plan.Rows(l.rows.size() + r.rows.size());
  const int combine =
      s->op == PG_QUERY__SET_OPERATION__SETOP_UNION
          ? (s->all ? -1 : stages.Add("HashAggregate"))
          : stages.Add(
                std::string("HashSetOp ") +
                (s->op == PG_QUERY__SET_OPERATION__SETOP_INTERSECT ? "Intersect" : "Except") +
                (s->all ? " All" : ""));
  const int sort_stage = s->n_sort_clause > 0 ? stages.Add("Sort") : -1;
  const int limit_stage =
      s->limit_count != nullptr || s->limit_offset != nullptr ? stages.Add("Limit") : -1;
  if (l.columns.size() != r.columns.size()) {
    const char* op = s->op == PG_QUERY__SET_OPERATION__SETOP_UNION       ? "UNION"
                     : s->op == PG_QUERY__SET_OPERATION__SETOP_INTERSECT ? "INTERSECT"
                                                                         : "EXCEPT";
    throw PgError(sqlstate::kSyntaxError,
                  std::string("each ") + op + " query must have the same number of columns");
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
  stages.Rows(combine, out.rows.size());
  stages.Rows(sort_stage, out.rows.size());
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
      const SortDirection dir = SortByDirection(sb);
      k.desc = dir.desc;
      k.nulls_first = dir.nulls_first;
      if (sb->node->node_case == PG_QUERY__NODE__NODE_A_CONST &&
          sb->node->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
        k.output = sb->node->a_const->ival->ival - 1;
      } else {
        k.expr = binder.Bind(sb->node, scope);
      }
      keys.push_back(std::move(k));
    }
    std::vector<std::pair<std::vector<Value>, Row>> tagged;
    for (auto& row : out.rows) {
      std::vector<Value> kv;
      for (const auto& k : keys)
        kv.push_back(k.expr ? Eval(*k.expr, row, *sc.eval) : row[static_cast<size_t>(k.output)]);
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
  // Describing binds LIMIT/OFFSET (typing their parameters) without
  // evaluating them: there are no parameter values yet.
  auto limit_value = [&](const PgNode* n, const char* what, int64_t none) -> int64_t {
    if (n == nullptr) return none;
    if (sc.describe_only) {
      binder.Coerce(binder.Bind(n, Scope{}), oid::kInt8, -1, false);
      return none;
    }
    return EvalLimit(n, binder, Scope{}, *sc.eval, what);
  };
  int64_t offset = limit_value(s->limit_offset, "OFFSET", 0);
  int64_t limit = limit_value(s->limit_count, "LIMIT", -1);
  if (offset > 0)
    out.rows.erase(
        out.rows.begin(),
        out.rows.begin() + std::min<int64_t>(offset, static_cast<int64_t>(out.rows.size())));
  if (limit >= 0 && static_cast<int64_t>(out.rows.size()) > limit)
    out.rows.resize(static_cast<size_t>(limit));
  stages.Rows(limit_stage, out.rows.size());
  return out;
}

}  // namespace immu::sql
