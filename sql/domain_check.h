#pragma once
// Enforcement of domain constraints (CREATE DOMAIN ... NOT NULL / CHECK):
// where a value is coerced to a domain (casts, INSERT/UPDATE values: the
// binder wraps the expression) and where a row is written to a table with
// domain columns (RowWriter, COPY).

#include <memory>
#include <string>
#include <vector>

#include "sql/binder.h"

namespace immu::sql {

class DomainChecker : public SubqueryRunner {
 public:
  // Binds the constraints of domain `type` and of the domains it is based
  // on (innermost first, as PostgreSQL checks them).
  DomainChecker(EvalContext& ctx, uint32_t type);

  // 23502 "domain d does not allow null values" / 23514 "value for domain
  // d violates check constraint "c"" when v violates the domain.
  void Check(const Value& v, EvalContext& ctx) const;
  // As an expression (Expr::Kind::kSubquery with the value as probe).
  Value Run(EvalContext& ctx, const Row& current, const Value* probe) override;

 private:
  struct Bound {
    std::string domain;
    std::string name;
    std::unique_ptr<Expr> expr;  // over a one-column row: VALUE
  };
  std::vector<std::string> not_null_;  // domains (names) that reject NULL
  std::vector<Bound> checks_;
  uint32_t base_ = 0;
};

// e (already of the domain's base type) wrapped so that evaluating it
// checks the domain's constraints; its type stays the base type.
std::unique_ptr<Expr> WrapDomainCheck(std::unique_ptr<Expr> e, uint32_t domain, EvalContext& ctx);

// Binds one CHECK expression of a domain over VALUE of type base (42804
// when it is not boolean); used to validate new constraints.
std::unique_ptr<Expr> BindDomainCheck(const std::string& expr, uint32_t base, int32_t base_typmod, EvalContext& ctx);

}  // namespace immu::sql
