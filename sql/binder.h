#pragma once
// Binder: parse-tree expressions -> typed Expr trees against a scope of
// visible columns. Resolves names (with PostgreSQL's ambiguity and
// missing-column errors), operators, functions, casts and parameter types,
// and collects aggregate calls when the query groups.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sql/expr.h"
#include "sql/functions.h"
#include "sql/parser.h"

namespace immu::sql {

struct SrfCall;

struct ScopeColumn {
  std::string qualifier;  // table name or alias
  std::string name;
  uint32_t type = 0;
  int32_t typmod = -1;
  uint32_t table_oid = 0;
  int16_t attnum = 0;
  // The right-hand copy of a USING/NATURAL join column: reachable only
  // qualified, and left out of an unqualified *, as in PostgreSQL.
  bool using_duplicate = false;
};

struct Scope {
  std::vector<ScopeColumn> columns;
  const Scope* parent = nullptr;  // enclosing query (correlated subqueries)
};

// An ORDER BY item inside an aggregate call (or its WITHIN GROUP).
struct AggOrder {
  std::unique_ptr<Expr> expr;
  bool desc = false;
  bool nulls_first = false;
};

// One aggregate call of a grouped query (or of a window).
struct AggCall {
  // count, sum, avg, min, max, bool_and, bool_or, string_agg, array_agg,
  // json_agg, jsonb_agg, json_object_agg, jsonb_object_agg, stddev[_samp],
  // stddev_pop, variance, var_samp, var_pop, percentile_cont,
  // percentile_disc, mode
  std::string name;
  std::unique_ptr<Expr> arg;  // nullptr for count(*); the sorted value of an ordered-set aggregate
  std::unique_ptr<Expr> arg2;  // string_agg delimiter, json_object_agg value
  std::unique_ptr<Expr> filter;  // FILTER (WHERE ...)
  std::vector<AggOrder> order;   // ORDER BY inside the call / WITHIN GROUP
  std::unique_ptr<Expr> direct;  // ordered-set aggregates: the fraction
  bool distinct = false;
  uint32_t result_type = 0;
};

// A window function call: `name(args) OVER window`. Aggregates used as
// window functions carry their AggCall.
struct WindowCall {
  std::string name;
  std::vector<std::unique_ptr<Expr>> args;
  std::unique_ptr<AggCall> agg;  // set for aggregates
  const PgQuery__WindowDef* over = nullptr;
  uint32_t result_type = 0;
  int location = -1;
};

class Binder {
 public:
  // param_types: known parameter types (0 = infer); grows as $n are seen and
  // receives inferred types.
  Binder(EvalContext& ctx, std::vector<uint32_t>* param_types) : ctx_(ctx), params_(param_types) {}

  std::unique_ptr<Expr> Bind(const PgNode* node, const Scope& scope);
  // Coerces e to type (assignment rules unless explicit_cast); literals and
  // untyped parameters are converted at bind time.
  std::unique_ptr<Expr> Coerce(std::unique_ptr<Expr> e, uint32_t type, int32_t typmod, bool explicit_cast,
                               const char* context = nullptr);
  // Binds a boolean condition (WHERE, ON, HAVING): 42804 if not boolean.
  std::unique_ptr<Expr> BindCondition(const PgNode* node, const Scope& scope, const char* clause);

  // When set, aggregate calls are collected here and replaced by kAggRef
  // with index agg_base + position.
  std::vector<AggCall>* aggs = nullptr;
  int agg_base = 0;
  const char* no_agg_clause = "WHERE";  // message when aggregates are not allowed
  // When set, window function calls are collected here and replaced by
  // kAggRef with index window_base + position.
  std::vector<WindowCall>* windows = nullptr;
  int window_base = 0;

  // When set (the select list), set-returning calls are collected here and
  // replaced by kAggRef with index kSrfRefBase + position (sql/srf.h);
  // elsewhere they fail with 0A000.
  std::vector<SrfCall>* srfs = nullptr;
  // While set (inside CASE, COALESCE...): the construct named in the 0A000
  // for a set-returning call, which PostgreSQL forbids there.
  const char* no_srf_clause = nullptr;

  // Provided by the query executor to bind subqueries.
  std::function<std::shared_ptr<SubqueryRunner>(const PgNode* select, const Scope& scope,
                                                SubqueryRunner::Mode mode, uint32_t* type)>
      bind_subquery;

  EvalContext& ctx() { return ctx_; }

 private:
  std::unique_ptr<Expr> BindColumnRef(const PgQuery__ColumnRef* ref, const Scope& scope);
  std::unique_ptr<Expr> BindAExpr(const PgQuery__AExpr* a, const Scope& scope);
  std::unique_ptr<Expr> BindFuncCall(const PgQuery__FuncCall* f, const Scope& scope);
  std::unique_ptr<Expr> BindConst(const PgQuery__AConst* c);
  std::unique_ptr<Expr> BindOperator(const std::string& op, std::unique_ptr<Expr> l,
                                     std::unique_ptr<Expr> r, int location);
  // Aggregates, window functions and GROUPING() (binder_agg.cc).
  std::unique_ptr<Expr> BindAggregate(const PgQuery__FuncCall* f, const std::string& name, const Scope& scope);
  std::unique_ptr<Expr> BindWindowCall(const PgQuery__FuncCall* f, const std::string& name, const Scope& scope);
  std::unique_ptr<Expr> BindSrfCall(const PgQuery__FuncCall* f, const std::string& name, const Scope& scope);
  std::unique_ptr<Expr> BindGrouping(const PgQuery__GroupingFunc* g, const Scope& scope);
  AggCall BindAggCall(const PgQuery__FuncCall* f, const std::string& name, const Scope& scope);
  std::unique_ptr<Expr> BindSubLink(const PgQuery__SubLink* s, const Scope& scope);
  std::unique_ptr<Expr> BindArrayExpr(const PgQuery__AArrayExpr* a, const Scope& scope);
  std::unique_ptr<Expr> BindIndirection(const PgQuery__AIndirection* ind, const Scope& scope);

  EvalContext& ctx_;
  std::vector<uint32_t>* params_;
};

// Aggregate names the binder collects (count, sum, ..., mode).
bool IsAggregateName(std::string_view name);
// The marker function of a bound GROUPING(...) call: args are the grouping
// expressions until the executor rewrites them (see ToGrouped).
Value GroupingMarker(std::span<const Value> args, EvalContext& ctx);

// The direction of an ORDER BY item (query, aggregate or window): DESC or
// USING > (USING < is ascending); NULLS FIRST by default when descending.
// Throws 42809 for a USING operator that is not < or >.
struct SortDirection {
  bool desc = false;
  bool nulls_first = false;
};
SortDirection SortByDirection(const PgQuery__SortBy* sb);

// Resolves a TypeName node to (oid, typmod); throws 42704 for unknown types.
void ResolveTypeName(const PgQuery__TypeName* tn, uint32_t* type, int32_t* typmod, bool* serial = nullptr);

}  // namespace immu::sql
