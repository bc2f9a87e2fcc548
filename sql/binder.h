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

struct ScopeColumn {
  std::string qualifier;  // table name or alias
  std::string name;
  uint32_t type = 0;
  int32_t typmod = -1;
  uint32_t table_oid = 0;
  int16_t attnum = 0;
};

struct Scope {
  std::vector<ScopeColumn> columns;
  const Scope* parent = nullptr;  // enclosing query (correlated subqueries)
};

// One aggregate call of a grouped query.
struct AggCall {
  std::string name;  // count, sum, avg, min, max, bool_and, bool_or, string_agg
  std::unique_ptr<Expr> arg;  // nullptr for count(*)
  std::unique_ptr<Expr> arg2;  // string_agg delimiter
  bool distinct = false;
  uint32_t result_type = 0;
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
  std::unique_ptr<Expr> BindSubLink(const PgQuery__SubLink* s, const Scope& scope);
  std::unique_ptr<Expr> BindArrayExpr(const PgQuery__AArrayExpr* a, const Scope& scope);
  std::unique_ptr<Expr> BindIndirection(const PgQuery__AIndirection* ind, const Scope& scope);

  EvalContext& ctx_;
  std::vector<uint32_t>* params_;
};

// Resolves a TypeName node to (oid, typmod); throws 42704 for unknown types.
void ResolveTypeName(const PgQuery__TypeName* tn, uint32_t* type, int32_t* typmod, bool* serial = nullptr);

}  // namespace immu::sql
