#include "sql/domain_check.h"

#include <algorithm>

#include "catalog/pg_error.h"
#include "sql/user_types.h"

namespace immu::sql {

std::unique_ptr<Expr> BindDomainCheck(const std::string& expr, uint32_t base, int32_t base_typmod,
                                      EvalContext& ctx) {
  Scope scope;
  ScopeColumn c;
  c.name = "value";
  c.type = base;
  c.typmod = base_typmod;
  scope.columns.push_back(std::move(c));
  Binder binder(ctx, nullptr);
  auto tree = ParseTree::Parse("SELECT 1 WHERE " + expr);
  return binder.BindCondition(tree->stmt(0)->select_stmt->where_clause, scope, "CHECK");
}

DomainChecker::DomainChecker(EvalContext& ctx, uint32_t type) {
  int32_t base_typmod = -1;
  base_ = BaseType(type, &base_typmod);
  std::vector<const TypeDef*> chain;
  for (const TypeDef* d = FindUserType(type); d != nullptr && d->kind == 'd' && chain.size() < 32;
       d = FindUserType(d->base_type)) {
    chain.push_back(d);
  }
  std::reverse(chain.begin(), chain.end());
  for (const TypeDef* d : chain) {
    if (d->not_null) not_null_.push_back(d->name);
    for (const auto& c : d->checks) checks_.push_back({d->name, c.name, BindDomainCheck(c.expr, base_, base_typmod, ctx)});
  }
}

void DomainChecker::Check(const Value& v, EvalContext& ctx) const {
  if (v.null && !not_null_.empty()) {
    throw PgError(sqlstate::kNotNullViolation, "domain " + not_null_.front() + " does not allow null values");
  }
  const Row row{v};
  for (const auto& c : checks_) {
    const Value r = Eval(*c.expr, row, ctx);
    if (!r.null && r.i == 0) {
      PgError e(sqlstate::kCheckViolation,
                "value for domain " + c.domain + " violates check constraint \"" + c.name + "\"");
      e.constraint_name = c.name;
      throw e;
    }
  }
}

Value DomainChecker::Run(EvalContext& ctx, const Row& current, const Value* probe) {
  (void)current;
  Value v = probe != nullptr ? *probe : Value::Null(base_);
  Check(v, ctx);
  return v;
}

std::unique_ptr<Expr> WrapDomainCheck(std::unique_ptr<Expr> e, uint32_t domain, EvalContext& ctx) {
  auto checker = std::make_shared<DomainChecker>(ctx, domain);
  auto w = std::make_unique<Expr>();
  w->kind = Expr::Kind::kSubquery;
  w->type = e->type;
  w->typmod = e->typmod;
  w->name = e->name;
  w->location = e->location;
  w->subquery = std::move(checker);
  w->args.push_back(std::move(e));
  return w;
}

}  // namespace immu::sql
