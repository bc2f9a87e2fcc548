#pragma once
// Row values in expressions: ROW(...) / (a, b) constructors, whole-row
// references (SELECT t FROM t), and field selection (col).field of
// composite values. Row values are Slot::kRecord (sql/user_types.h).

#include <memory>
#include <string>
#include <vector>

#include "sql/binder.h"
#include "sql/functions.h"

namespace immu::sql {

// A record of the given field expressions (unknown literals become text).
std::unique_ptr<Expr> MakeRecordExpr(std::vector<std::unique_ptr<Expr>> fields, int location);

// The whole row of the relation named qualifier in scope s (columns at
// outer_level level), or nullptr when no relation has that name.
std::unique_ptr<Expr> WholeRowExpr(const Scope& s, const std::string& qualifier, int level, int location);

// Comparison of two row constructors, ROW(a, b) < ROW(c, d), with the SQL
// standard's pairwise semantics (a NULL pair that decides makes the result
// NULL); values of composite types compare as whole records instead.
// Fills *out and returns true when op is a comparison of two records.
bool ResolveRowComparison(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out);

// (e).field of a composite-typed e; 42703 when the type has no such field,
// 42809 when e is not of a composite type.
std::unique_ptr<Expr> BindFieldSelect(std::unique_ptr<Expr> e, const std::string& field, int location);

}  // namespace immu::sql
