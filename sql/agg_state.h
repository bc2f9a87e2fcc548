#pragma once
// Aggregate state machines: count, sum, avg, min, max, bool_and/or,
// string_agg, array_agg, json(b)_agg, json(b)_object_agg, stddev/variance
// and the ordered-set aggregates, with FILTER, DISTINCT and ORDER BY inside
// the call, computed as PostgreSQL does (result types, NULL handling, numeric
// scales). Used per group by GROUP BY and per frame by window functions.

#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sql/binder.h"
#include "sql/datetime.h"
#include "sql/numeric.h"

namespace immu::sql {

// Running state of one aggregate over one group (or window frame).
struct AggState {
  int64_t count = 0;
  bool has = false;
  Value best;  // min/max
  NumericAccumulator num;
  NumericAccumulator num2;  // sum of squares (stddev/variance over exact types)
  double fsum = 0;
  double fsxx = 0;  // float stddev/variance: Youngs-Cramer Sxx
  __int128 isum = 0;
  Interval ivsum{};
  bool flag = false;  // bool_and/or
  std::string text;
  std::unordered_set<std::string> seen;  // DISTINCT keys
  ValueArray values;                     // array/json aggregates, ordered-set input
  ValueArray values2;                    // json_object_agg values
  Value direct;                          // ordered-set aggregates: the fraction
  bool direct_set = false;
  std::vector<std::pair<Row, Row>> deferred;  // ORDER BY inside the call: (keys, args)
};

// Adds row (an input row of the group) to s: FILTER, then the argument.
void Accumulate(const AggCall& a, AggState& s, const Row& row, EvalContext& ctx);
// The aggregate's value over everything accumulated (sorts deferred input).
Value Finish(const AggCall& a, AggState& s, EvalContext& ctx);

}  // namespace immu::sql
