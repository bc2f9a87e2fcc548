// Set-returning functions in a select list (PostgreSQL 10+ semantics):
// unnest(array), generate_subscripts(array, dim [, reverse]) and
// generate_series over integers. Catalog queries of SQLAlchemy's inspector
// and ActiveRecord's primary-key lookup use them. Each is bound to an
// expression yielding an array; the projection emits one output row per
// element, running several such columns in lockstep and padding the shorter
// ones with NULLs.

#include <algorithm>

#include "catalog/pg_error.h"
#include "sql/functions.h"
#include "sql/query_internal.h"

namespace immu::sql {

namespace {

Value Int4Array(std::vector<int64_t> xs) {
  ValueArray elems;
  elems.reserve(xs.size());
  for (const int64_t x : xs) elems.push_back(Value::Int(oid::kInt4, x));
  return Value::Array(ArrayTypeOf(oid::kInt4), std::move(elems));
}

// generate_subscripts(array, dim [, reverse]): the subscripts of dimension
// dim (arrays here have one; int2vector and oidvector start at 0).
Value GenerateSubscripts(std::span<const Value> a, EvalContext&) {
  if (a[1].i != 1) return Int4Array({});
  const int64_t lower = a[0].type == oid::kInt2Vector || a[0].type == oid::kOidVector ? 0 : 1;
  const int64_t n = static_cast<int64_t>(a[0].arr->size());
  std::vector<int64_t> xs;
  for (int64_t i = 0; i < n; i++) xs.push_back(lower + i);
  if (a.size() > 2 && a[2].i != 0) std::reverse(xs.begin(), xs.end());
  return Int4Array(std::move(xs));
}

Value GenerateSeries(std::span<const Value> a, EvalContext& ctx) {
  const int64_t step = a.size() > 2 ? a[2].i : 1;
  if (step == 0) throw PgError(sqlstate::kInvalidParameterValue, "step size cannot equal zero");
  ValueArray elems;
  for (int64_t x = a[0].i; step > 0 ? x <= a[1].i : x >= a[1].i; x += step) {
    CheckCancel(ctx);
    elems.push_back(Value::Int(a[0].type, x));
  }
  return Value::Array(ArrayTypeOf(a[0].type), std::move(elems));
}

std::unique_ptr<Expr> Call(ScalarFn fn, const char* name, uint32_t type, std::vector<std::unique_ptr<Expr>> args) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kFunc;
  e->fn = fn;
  e->name = name;
  e->type = type;
  e->args = std::move(args);
  return e;
}

}  // namespace

std::unique_ptr<Expr> BindSetReturningTarget(const PgNode* val, const Scope& scope, Binder& binder, uint32_t* elem_type) {
  if (val->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) return nullptr;
  const PgQuery__FuncCall* f = val->func_call;
  if (f->over != nullptr || f->agg_star || f->n_funcname > 2) return nullptr;
  if (f->n_funcname == 2 && NodeString(f->funcname[0]) != "pg_catalog") return nullptr;
  const std::string name(NodeString(f->funcname[f->n_funcname - 1]));
  const bool unnest = name == "unnest" && f->n_args == 1;
  const bool subscripts = name == "generate_subscripts" && (f->n_args == 2 || f->n_args == 3);
  const bool series = name == "generate_series" && (f->n_args == 2 || f->n_args == 3);
  if (!unnest && !subscripts && !series) return nullptr;
  std::vector<std::unique_ptr<Expr>> args;
  for (size_t i = 0; i < f->n_args; i++) args.push_back(binder.Bind(f->args[i], scope));
  auto fail = [&]() -> std::unique_ptr<Expr> {
    std::string sig;
    for (size_t i = 0; i < args.size(); i++) sig += (i ? ", " : "") + FormatType(args[i]->type, -1);
    throw PgError(sqlstate::kUndefinedFunction, "function " + name + "(" + sig + ") does not exist", "",
                  "No function matches the given name and argument types. You might need to add explicit type casts.");
  };
  if (unnest || subscripts) {
    const uint32_t elem = ArrayElementType(args[0]->type);
    if (elem == 0) return fail();
    if (unnest) {
      *elem_type = elem;
      return std::move(args[0]);
    }
    args[1] = binder.Coerce(std::move(args[1]), oid::kInt4, -1, false);
    if (args.size() > 2) args[2] = binder.Coerce(std::move(args[2]), oid::kBool, -1, false);
    *elem_type = oid::kInt4;
    return Call(GenerateSubscripts, "generate_subscripts", ArrayTypeOf(oid::kInt4), std::move(args));
  }
  uint32_t t = oid::kInt4;
  for (auto& a : args) {
    if (a->type == oid::kInt8) t = oid::kInt8;
    else if (a->type != oid::kInt4 && a->type != oid::kInt2 && a->type != oid::kUnknown) return fail();
  }
  for (auto& a : args) a = binder.Coerce(std::move(a), t, -1, false);
  *elem_type = t;
  return Call(GenerateSeries, "generate_series", ArrayTypeOf(t), std::move(args));
}

void ExpandSetReturningRow(const Projection& proj, Row values, std::vector<Row>* out) {
  size_t n = 0;
  for (size_t c = 0; c < values.size(); c++) {
    if (proj.srf[c] && !values[c].null) n = std::max(n, values[c].arr->size());
  }
  for (size_t i = 0; i < n; i++) {
    Row row;
    row.reserve(values.size());
    for (size_t c = 0; c < values.size(); c++) {
      if (!proj.srf[c]) {
        row.push_back(values[c]);
      } else if (!values[c].null && i < values[c].arr->size()) {
        row.push_back((*values[c].arr)[i]);
      } else {
        row.push_back(Value::Null(proj.columns[c].type_oid));
      }
    }
    out->push_back(std::move(row));
  }
}

}  // namespace immu::sql
