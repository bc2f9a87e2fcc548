#pragma once
// Joining two materialised relations. When the join condition has equality
// conjuncts with one side over the left relation's columns and the other
// over the right's (a.x = b.y AND ...), the right side is hashed on them
// and each left row probes it (a hash join, O(n + m)); otherwise every pair
// is tested (a nested loop). Either way the whole condition is evaluated on
// each candidate pair, so results are identical; outer joins add the
// unmatched rows padded with NULLs.

#include <vector>

#include "sql/query_internal.h"

namespace immu::sql {

// cond is bound over left's columns followed by right's (nullptr: cross
// join). Returns the joined rows.
// *hashed (optional) tells whether the hash join was used.
std::vector<Row> JoinRows(const Relation& left, const Relation& right, const Expr* cond, bool left_outer,
                          bool right_outer, EvalContext& ctx, bool* hashed = nullptr);

}  // namespace immu::sql
