#pragma once
// Row values in expressions: ROW(...) / (a, b) constructors, whole-row
// references (SELECT t FROM t), and field selection (col).field of
// composite values. Row values are Slot::kRecord (sql/user_types.h).

#include <memory>
#include <string>
#include <vector>

#include "sql/binder.h"

namespace immu::sql {

// A record of the given field expressions (unknown literals become text).
std::unique_ptr<Expr> MakeRecordExpr(std::vector<std::unique_ptr<Expr>> fields, int location);

// The whole row of the relation named qualifier in scope s (columns at
// outer_level level), or nullptr when no relation has that name.
std::unique_ptr<Expr> WholeRowExpr(const Scope& s, const std::string& qualifier, int level, int location);

// (e).field of a composite-typed e; 42703 when the type has no such field,
// 42809 when e is not of a composite type.
std::unique_ptr<Expr> BindFieldSelect(std::unique_ptr<Expr> e, const std::string& field, int location);

}  // namespace immu::sql
