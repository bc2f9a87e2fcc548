#pragma once
// Set-returning functions: generate_series (integers, numeric, timestamps
// with an interval step), generate_subscripts, unnest, regexp_matches and
// regexp_split_to_table (RE2 syntax), shared by FROM
// (query_from.cc) and the select list (query_select.cc).
//
// In the select list the binder replaces each call by kAggRef(kSrfRefBase
// + i); the executor evaluates every call's arguments per input row and
// emits as many rows as the longest call returns, the shorter ones padded
// with NULL (PostgreSQL 10+ lockstep semantics).

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sql/expr.h"

namespace immu::sql {

class Binder;

inline constexpr int kSrfRefBase = 1 << 25;

// One set-returning call of a select list.
struct SrfCall {
  std::string name;
  std::vector<std::unique_ptr<Expr>> args;
  uint32_t result_type = 0;
  // 1 + the deepest level of the calls nested in args (PostgreSQL runs
  // each level as its own ProjectSet, innermost first).
  int level = 1;
};

// Whether name is one of the set-returning functions above.
bool IsSetReturningName(std::string_view name);

// Coerces args to the function's argument types and returns its result
// type (unnest takes one array here). Throws 42883 when no variant fits.
uint32_t BindSrfArgs(const std::string& name, std::vector<std::unique_ptr<Expr>>* args, Binder& binder);

// The values a call returns for evaluated arguments (already coerced). An
// empty name stands for a scalar function in ROWS FROM: its one value,
// bound as args[0].
std::vector<Value> RunSrf(const std::string& name, const std::vector<Value>& argv, uint32_t result_type,
                          EvalContext& ctx);

// The select list's SRF step: for one input row, the rows
// [row..., srf values...] in lockstep (none when every call is empty).
void ExpandSrfRow(const std::vector<SrfCall>& calls, const Row& row, EvalContext& ctx, std::vector<Row>* out);

// The select list's ProjectSet steps over all rows: each row gets one slot
// per call after its own columns (kAggRef(kSrfRefBase + i) rebased there),
// then each level, innermost first, repeats the rows in lockstep.
void ExpandSrfLevels(const std::vector<SrfCall>& calls, std::vector<Row>* rows, EvalContext& ctx);

// The scalar forms (text, pattern [, flags]) -> text[]: regexp_match (the
// first match's groups, NULL when none; 'g' is 22023) and
// regexp_split_to_array. Strict.
Value RegexpMatch(std::span<const Value> args, EvalContext& ctx);
Value RegexpSplitToArray(std::span<const Value> args, EvalContext& ctx);

// Points kAggRef(kSrfRefBase + i) at column base + i.
void RebaseSrfRefs(Expr* e, int base);

}  // namespace immu::sql
