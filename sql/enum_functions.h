#pragma once
// enum_range, enum_first, enum_last over user enums (anyenum): their
// result type is the argument's enum (or its array type).

#include <span>
#include <string_view>

#include "sql/functions.h"

namespace immu::sql {

// Fills *out and returns true when name/arg_types is one of them.
bool ResolveEnumFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);

}  // namespace immu::sql
