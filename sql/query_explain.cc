// EXPLAIN [ANALYZE]: see query_explain.h.

#include "sql/query_explain.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>

#include "catalog/pg_error.h"

namespace immu::sql {

namespace {

bool OptionValue(const PgQuery__DefElem* d) {
  const PgNode* a = d->arg;
  if (a == nullptr) return true;
  std::string v;
  switch (a->node_case) {
    case PG_QUERY__NODE__NODE_INTEGER:
      return a->integer->ival != 0;
    case PG_QUERY__NODE__NODE_BOOLEAN:
      return a->boolean->boolval;
    case PG_QUERY__NODE__NODE_STRING:
      v = a->string->sval;
      break;
    case PG_QUERY__NODE__NODE_A_CONST:
      if (a->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) return a->a_const->ival->ival != 0;
      if (a->a_const->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL)
        return a->a_const->boolval->boolval;
      if (a->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL) v = a->a_const->sval->sval;
      break;
    default:
      break;
  }
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v == "true" || v == "on" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "off" || v == "0" || v == "no") return false;
  throw PgError(sqlstate::kSyntaxError, std::string(d->defname) + " requires a Boolean value");
}

// The column names a key range uses: the index's or the primary key's.
std::vector<std::string> KeyColumns(const TableDef& t, const std::optional<KeyRange>& range) {
  std::vector<std::string> cols;
  const std::vector<int>& idx = range->index != nullptr ? range->index->columns : t.pk;
  for (int c : idx) cols.push_back(t.columns[static_cast<size_t>(c)].name);
  return cols;
}

// A comparison of a key column with something else: an index condition.
bool IsKeyCondition(const PgNode* c, const std::vector<std::string>& keys) {
  if (c->node_case != PG_QUERY__NODE__NODE_A_EXPR) return false;
  const auto* a = c->a_expr;
  auto key_ref = [&](const PgNode* n) {
    if (n == nullptr || n->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return false;
    const auto* r = n->column_ref;
    const std::string_view name = NodeString(r->fields[r->n_fields - 1]);
    return std::find(keys.begin(), keys.end(), name) != keys.end();
  };
  if (a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN) return key_ref(a->lexpr);
  if (a->kind != PG_QUERY__A__EXPR__KIND__AEXPR_OP || a->n_name != 1) return false;
  const std::string_view op = NodeString(a->name[0]);
  if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=") return false;
  return key_ref(a->lexpr) != key_ref(a->rexpr);
}

std::string JoinConjuncts(const std::vector<const PgNode*>& cs) {
  std::string s;
  for (size_t i = 0; i < cs.size(); i++) s += (i ? " AND " : "") + PlanExprText(cs[i]);
  return s;
}

// A non-NULL value of type t (a NULL key would make an impossible range and
// misreport the access path).
Value StandIn(uint32_t t, const ValueContext& vc) {
  for (const char* text :
       {"0", "2000-01-01", "00:00", "00000000-0000-0000-0000-000000000000", "{}"}) {
    try {
      return FromText(text, t, -1, vc);
    } catch (const PgError&) {
    }
  }
  return Value::Null(t);
}

}  // namespace

std::string PlanExprText(const PgNode* n) {
  if (n->node_case == PG_QUERY__NODE__NODE_GROUPING_SET) {
    const auto* g = n->grouping_set;
    std::string s = g->kind == PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_ROLLUP ? "ROLLUP ("
                    : g->kind == PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_CUBE ? "CUBE ("
                    : g->kind == PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_SETS ? "GROUPING SETS ("
                                                                                : "(";
    for (size_t i = 0; i < g->n_content; i++) s += (i ? ", " : "") + PlanExprText(g->content[i]);
    return s + ")";
  }
  try {
    std::string s = DeparseExpr(const_cast<PgNode*>(n));
    if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF ||
        n->node_case == PG_QUERY__NODE__NODE_A_CONST)
      return s;
    if (s.size() >= 2 && s.front() == '(' && s.back() == ')') return s;
    return "(" + s + ")";
  } catch (const PgError&) {
    return "?";
  }
}

std::string ScanLabel(const TableDef& t, const std::optional<KeyRange>& range,
                      const PgQuery__RangeVar* rv) {
  std::string label = !range
                          ? "Seq Scan on "
                          : "Index Scan using " +
                                (range->index != nullptr ? range->index->name : t.pk_name) + " on ";
  label += t.name;
  if (rv != nullptr && rv->alias != nullptr && rv->alias->aliasname != nullptr &&
      *rv->alias->aliasname) {
    label += std::string(" ") + rv->alias->aliasname;
  }
  return label;
}

void AddScanDetails(PlanScope& plan, const TableDef& t, const std::optional<KeyRange>& range,
                    const PgNode* where) {
  if (plan.node() == nullptr || where == nullptr) return;
  std::vector<const PgNode*> conj;
  if (where->node_case == PG_QUERY__NODE__NODE_BOOL_EXPR &&
      where->bool_expr->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR) {
    for (size_t i = 0; i < where->bool_expr->n_args; i++) conj.push_back(where->bool_expr->args[i]);
  } else {
    conj.push_back(where);
  }
  std::vector<const PgNode*> cond, filter;
  const std::vector<std::string> keys = range ? KeyColumns(t, range) : std::vector<std::string>{};
  for (const PgNode* c : conj) (range && IsKeyCondition(c, keys) ? cond : filter).push_back(c);
  if (!cond.empty())
    plan.Detail("Index Cond: " +
                (cond.size() == 1 ? PlanExprText(cond[0]) : "(" + JoinConjuncts(cond) + ")"));
  if (!filter.empty()) {
    plan.Detail("Filter: " +
                (filter.size() == 1 ? PlanExprText(filter[0]) : "(" + JoinConjuncts(filter) + ")"));
    plan.node()->removed = std::max<int64_t>(plan.node()->removed, 0);
  }
}

const void* FromItemKey(const PgNode* item) {
  switch (item->node_case) {
    case PG_QUERY__NODE__NODE_RANGE_VAR:
      return item->range_var;
    case PG_QUERY__NODE__NODE_JOIN_EXPR:
      return item->join_expr;
    case PG_QUERY__NODE__NODE_RANGE_SUBSELECT:
      return item->range_subselect;
    case PG_QUERY__NODE__NODE_RANGE_FUNCTION:
      return item->range_function;
    default:
      return item;
  }
}

PlanNode* FindPlanChild(PlanNode* parent, const void* key) {
  for (auto& c : parent->children) {
    if (c->key == key) return c.get();
  }
  return nullptr;
}

OuterStandIns::OuterStandIns(StmtContext& sc, const Scope* outer) {
  if (!sc.describe_only || sc.plan == nullptr) return;
  ctx_ = sc.eval;
  std::vector<const Scope*> chain;
  for (const Scope* p = outer; p != nullptr; p = p->parent) chain.push_back(p);
  rows_.reserve(chain.size());
  // Innermost last, as the executors push them.
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    Row r;
    for (const auto& c : (*it)->columns) r.push_back(StandIn(c.type, sc.eval->vc));
    rows_.push_back(std::move(r));
  }
  for (const Row& r : rows_) ctx_->outer.push_back(&r);
}

OuterStandIns::~OuterStandIns() {
  if (ctx_ != nullptr) ctx_->outer.resize(ctx_->outer.size() - rows_.size());
}

QueryResult RunExplain(const PgQuery__ExplainStmt* s, StmtContext& sc) {
  bool analyze = false, timing = true, summary = false, summary_set = false;
  for (size_t i = 0; i < s->n_options; i++) {
    const auto* d = s->options[i]->def_elem;
    const std::string name = d->defname;
    if (name == "analyze") {
      analyze = OptionValue(d);
    } else if (name == "timing") {
      timing = OptionValue(d);
    } else if (name == "summary") {
      summary = OptionValue(d);
      summary_set = true;
    } else if (name == "costs" || name == "verbose" || name == "buffers" || name == "settings" ||
               name == "wal") {
      OptionValue(d);  // accepted; there are no costs or buffers to show
    } else if (name == "format") {
      const std::string f = d->arg != nullptr ? std::string(NodeString(d->arg)) : "";
      if (f != "text")
        throw PgError(sqlstate::kFeatureNotSupported, "EXPLAIN format " + f + " is not supported");
    } else {
      Throw(sqlstate::kSyntaxError, "unrecognized EXPLAIN option \"" + name + "\"", d->location);
    }
  }
  if (!summary_set) summary = analyze;
  QueryResult out;
  out.returns_rows = true;
  Expr text;
  text.type = oid::kText;
  out.columns = {MakeResultColumn("QUERY PLAN", text)};
  out.tag = "EXPLAIN";
  if (sc.describe_only) {
    // Describing (Parse of a prepared EXPLAIN): the statement is still
    // bound, so the types of its parameters ($1 compared with a bigint
    // column) are inferred as for the statement itself.
    ExecuteStatement(s->query, sc);
    return out;
  }

  const PgNode* q = s->query;
  PlanRecorder rec(analyze);
  StmtContext inner = sc;
  inner.plan = &rec;
  inner.describe_only = !analyze;
  const auto start = std::chrono::steady_clock::now();
  switch (q->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT:
      RunSelect(q->select_stmt, inner, nullptr);
      break;
    case PG_QUERY__NODE__NODE_INSERT_STMT: {
      const auto* ins = q->insert_stmt;
      const TableDef& t = LookupTable(sc, ins->relation);
      PlanScope top(&rec, q, "Insert on " + t.name, analyze);
      const PgQuery__SelectStmt* src =
          ins->select_stmt != nullptr ? ins->select_stmt->select_stmt : nullptr;
      if (src != nullptr && src->n_values_lists > 0 && src->with_clause == nullptr) {
        PlanScope values(&rec, src,
                         src->n_values_lists == 1 ? "Result" : "Values Scan on \"*VALUES*\"",
                         analyze);
        values.Rows(src->n_values_lists);
      }
      ExecuteStatement(q, inner);
      break;
    }
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
    case PG_QUERY__NODE__NODE_DELETE_STMT: {
      const bool upd = q->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT;
      const PgQuery__RangeVar* rv = upd ? q->update_stmt->relation : q->delete_stmt->relation;
      const PgNode* where = upd ? q->update_stmt->where_clause : q->delete_stmt->where_clause;
      const TableDef& t = LookupTable(sc, rv);
      PlanScope top(&rec, q, std::string(upd ? "Update on " : "Delete on ") + t.name, analyze);
      QueryResult r;
      {
        // The target rows' access path, as the statement chooses it.
        std::optional<KeyRange> range;
        if (where != nullptr) {
          Binder binder(*sc.eval, sc.param_types);
          InstallSubqueryBinder(binder, inner);
          Scope scope;
          AddTableScope(t, rv->alias != nullptr ? rv->alias->aliasname : t.name, &scope);
          auto cond = binder.BindCondition(where, scope, "WHERE");
          range = PrimaryKeyRange(t, cond.get(), *sc.eval);
        }
        PlanScope scan(&rec, rv, ScanLabel(t, range, rv), analyze);
        AddScanDetails(scan, t, range, where);
        if (scan.node() != nullptr) scan.node()->removed = -1;
        r = ExecuteStatement(q, inner);
        const size_t sp = r.tag.rfind(' ');
        scan.Rows(sp == std::string::npos ? 0
                                          : static_cast<size_t>(std::stoll(r.tag.substr(sp + 1))));
      }
      break;
    }
    default:
      throw PgError(sqlstate::kFeatureNotSupported, "EXPLAIN of this statement is not supported");
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  for (auto& line : rec.Render(timing)) out.rows.push_back({Value::Str(oid::kText, line)});
  if (summary && analyze) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "Execution Time: %.3f ms", ms);
    out.rows.push_back({Value::Str(oid::kText, buf)});
  }
  return out;
}

}  // namespace immu::sql
