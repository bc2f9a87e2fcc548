#pragma once
// Array functions and operators beyond the catalog's (sql/system_functions.cc):
// containment (@>, <@, &&), array_append/prepend/cat/remove/replace,
// array_positions, array_position with a start, string_to_array,
// array_dims/ndims, regexp_match/regexp_split_to_array (sql/srf.cc), and
// slices a[l:u]. One-dimensional arrays with lower
// bound 1, as everywhere in the engine.

#include <span>
#include <string_view>

#include "sql/functions.h"

namespace immu::sql {

// Fills *out and returns true when name/arg_types is one of the functions.
bool ResolveArrayFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
// The same for the binary operators @>, <@ and && over arrays.
bool ResolveArrayOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out);

// a[lower:upper] with args (array, int4 lower, int4 upper); an omitted
// bound is passed as INT32_MIN / INT32_MAX. Strict.
Value ArraySlice(std::span<const Value> args, EvalContext& ctx);

// UPDATE ... SET a[i] = v with args (array, int4 i, element v), not strict:
// subscripts past the end pad with NULLs; a NULL array takes a[1] only
// (arrays here always start at 1), else 0A000; a NULL subscript is 22004.
Value ArrayAssign(std::span<const Value> args, EvalContext& ctx);

}  // namespace immu::sql
