#pragma once
// Range and multirange operators and functions (PostgreSQL 15's
// rangetypes.c / multirangetypes.c; the types themselves: sql/range.h).
//   operators  @> <@ && << >> &< &> -|- + * - over ranges, multiranges and
//              elements (= <> < <= > >= are the generic comparisons)
//   functions  the constructors int4range(a, b [, '[]']) ... and
//              int4multirange(r, ...) ..., lower upper isempty lower_inc
//              upper_inc lower_inf upper_inf range_merge multirange
//   aggregates range_agg, range_intersect_agg

#include <cstdint>
#include <span>
#include <string_view>

#include "sql/functions.h"

namespace immu::sql {

bool ResolveRangeOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out);
bool ResolveRangeFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);

// Range and multirange constructors declare one argument more than the
// call gives: a NULL of their result type, which the binder appends (a
// ScalarFn sees values only, and int4range(NULL, NULL) must still know
// which range type to build).
bool WantsTypeCarrier(const ResolvedFn& fn, size_t given_args);

bool IsRangeAggregateName(std::string_view name);
// The result type of range_agg / range_intersect_agg over arg_type; 0 when
// the argument is not a range or multirange.
uint32_t RangeAggregateResultType(std::string_view name, uint32_t arg_type);
// The aggregate over its non-NULL inputs; NULL when there were none.
Value FinishRangeAggregate(std::string_view name, uint32_t result_type, const ValueArray& inputs);

}  // namespace immu::sql
