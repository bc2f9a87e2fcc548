// Aggregate state machines: see agg_state.h.

#include "sql/agg_state.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <map>

#include "catalog/pg_error.h"
#include "sql/fn_range.h"
#include "sql/json.h"
#include "sql/row_codec.h"

namespace immu::sql {

namespace {

Numeric Int128ToNumeric(__int128 v) {
  if (v >= INT64_MIN && v <= INT64_MAX) return Numeric::FromInt64(static_cast<int64_t>(v));
  const bool neg = v < 0;
  unsigned __int128 u =
      neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string digits;
  while (u > 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  return Numeric::Parse((neg ? "-" : "") + digits);
}

bool IsStatistical(const std::string& n) {
  return n == "stddev" || n == "stddev_samp" || n == "stddev_pop" || n == "variance" ||
         n == "var_samp" || n == "var_pop";
}

// stddev/variance as PostgreSQL computes them: Youngs-Cramer over float8
// (float8_accum), exact sums of x and x*x over numeric
// (numeric_stddev_internal).
void FeedStatistical(AggState& s, const Value& v) {
  s.has = true;
  if (v.type == oid::kFloat4 || v.type == oid::kFloat8) {
    const double n = static_cast<double>(s.count);
    s.fsum += v.f;
    if (s.count > 1) {
      const double tmp = v.f * n - s.fsum;
      s.fsxx += tmp * tmp / (n * (n - 1.0));
    } else {
      s.fsxx = 0;
    }
    return;
  }
  const Numeric x = v.type == oid::kNumeric ? *v.num : Numeric::FromInt64(v.i);
  s.num.Add(x);
  s.num2.Add(Numeric::Mul(x, x));
}

Value FinishStatistical(const AggCall& a, const AggState& s) {
  const std::string& n = a.name;
  const bool sample = n != "stddev_pop" && n != "var_pop";
  const bool variance = n == "variance" || n == "var_samp" || n == "var_pop";
  const uint32_t t = a.result_type;
  if (s.count == 0 || (sample && s.count == 1)) return Value::Null(t);
  if (t == oid::kFloat8) {
    const double var =
        s.fsxx / (sample ? static_cast<double>(s.count) - 1.0 : static_cast<double>(s.count));
    return Value::Float(oid::kFloat8, variance ? var : std::sqrt(var));
  }
  const Numeric count = Numeric::FromInt64(s.count);
  const Numeric sum = *s.num.Sum();
  const Numeric numerator =
      Numeric::Sub(Numeric::Mul(count, *s.num2.Sum()), Numeric::Mul(sum, sum));
  if (Numeric::Compare(numerator, Numeric::FromInt64(0)) <= 0)
    return Value::Num(Numeric::FromInt64(0));
  const Numeric denominator = Numeric::Mul(count, sample ? Numeric::FromInt64(s.count - 1) : count);
  const Numeric var = Numeric::Div(numerator, denominator);
  if (variance) return Value::Num(var);
  // sqrt_var at the division's scale.
  return Value::Num(var.Sqrt().Round(var.dscale()));
}

int CompareOrder(const Value& a, const Value& b, const AggOrder& o) {
  if (a.null || b.null) {
    if (a.null && b.null) return 0;
    const bool a_first = a.null ? o.nulls_first : !o.nulls_first;
    return a_first ? -1 : 1;
  }
  const int c = CompareValues(a, b);
  return o.desc ? -c : c;
}

// Adds evaluated arguments to the state (after FILTER and sorting).
void Feed(const AggCall& a, AggState& s, const Value& v, const Value& v2, EvalContext& ctx) {
  const std::string& n = a.name;
  const bool keeps_nulls = n == "array_agg" || n == "json_agg" || n == "jsonb_agg" ||
                           n == "json_object_agg" || n == "jsonb_object_agg";
  if (n == "any_value") {  // a column functionally dependent on the group key (ToGrouped)
    if (!s.has) s.best = v;
    s.has = true;
    return;
  }
  if (v.null && !keeps_nulls) return;
  if (a.distinct) {
    std::string k;
    AppendKeyValue(v, &k);
    if (a.arg2) AppendKeyValue(v2, &k);
    if (!s.seen.insert(std::move(k)).second) return;
  }
  s.count++;
  if (n == "count") return;
  if (n == "min" || n == "max") {
    if (!s.has || (n == "min" ? CompareValues(v, s.best) < 0 : CompareValues(v, s.best) > 0))
      s.best = v;
    s.has = true;
    return;
  }
  if (n == "bool_and") {
    s.flag = s.has ? (s.flag && v.i) : v.i != 0;
    s.has = true;
    return;
  }
  if (n == "bool_or") {
    s.flag = s.has ? (s.flag || v.i) : v.i != 0;
    s.has = true;
    return;
  }
  if (n == "bit_and" || n == "bit_or" || n == "bit_xor") {
    const int64_t x = static_cast<int64_t>(s.isum);
    s.isum = !s.has ? v.i : n == "bit_and" ? (x & v.i) : n == "bit_or" ? (x | v.i) : (x ^ v.i);
    s.has = true;
    return;
  }
  if (n == "string_agg") {
    if (s.has && !v2.null) s.text += v2.s;
    s.text += v.s;
    s.has = true;
    return;
  }
  if (n == "json_object_agg" || n == "jsonb_object_agg") {
    if (v.null) throw PgError(sqlstate::kInvalidParameterValue, "field name must not be null");
    s.values.push_back(v);
    s.values2.push_back(v2);
    s.has = true;
    return;
  }
  if (IsStatistical(n)) {
    FeedStatistical(s, v);
    return;
  }
  if (keeps_nulls || n == "percentile_cont" || n == "percentile_disc" || n == "mode" || IsRangeAggregateName(n)) {
    s.values.push_back(v);
    s.has = true;
    return;
  }
  s.has = true;
  switch (v.type) {
    case oid::kInt2:
    case oid::kInt4:
    case oid::kInt8:
      // Exact in 128 bits for any realistic row count; numeric at the end.
      s.isum += v.i;
      break;
    case oid::kFloat4:
    case oid::kFloat8:
      s.fsum += v.f;
      break;
    case oid::kNumeric:
      s.num.Add(*v.num);
      break;
    case oid::kInterval:
      s.ivsum = IntervalPlus(s.ivsum, v.iv);
      break;
    default:
      break;
  }
  (void)ctx;
}

Value Percentile(const std::string& name, uint32_t t, const ValueArray& values,
                 const Value& fraction, EvalContext& ctx);

Value FinishOrderedSet(const AggCall& a, const AggState& s, EvalContext& ctx) {
  const uint32_t t = a.result_type;
  if (a.name == "mode") {
    if (s.values.empty()) return Value::Null(t);
    // Input is sorted: the longest run wins, the first one on ties.
    size_t best = 0, best_len = 0;
    for (size_t i = 0; i < s.values.size();) {
      size_t j = i + 1;
      while (j < s.values.size() && CompareValues(s.values[i], s.values[j]) == 0) j++;
      if (j - i > best_len) {
        best = i;
        best_len = j - i;
      }
      i = j;
    }
    return s.values[best];
  }
  if (!s.direct_set || s.direct.null || s.values.empty()) return Value::Null(t);
  const uint32_t elem = ArrayElementType(t);
  if (elem == 0) return Percentile(a.name, t, s.values, s.direct, ctx);
  ValueArray out;
  for (const Value& f : *s.direct.arr) out.push_back(Percentile(a.name, elem, s.values, f, ctx));
  return Value::Array(t, std::move(out));
}

Value Percentile(const std::string& name, uint32_t t, const ValueArray& values,
                 const Value& fraction, EvalContext& ctx) {
  if (fraction.null) return Value::Null(t);
  const double f = fraction.f;
  if (!(f >= 0 && f <= 1)) {
    throw PgError(sqlstate::kNumericValueOutOfRange,
                  "percentile value " + ToText(fraction, ctx.vc) + " is not between 0 and 1");
  }
  const size_t n = values.size();
  if (name == "percentile_disc") {
    const double pos = std::ceil(f * static_cast<double>(n));
    const size_t idx = pos < 1 ? 0 : static_cast<size_t>(pos) - 1;
    return values[std::min(idx, n - 1)];
  }
  const double row = f * static_cast<double>(n - 1);
  const size_t lo = static_cast<size_t>(std::floor(row)), hi = static_cast<size_t>(std::ceil(row));
  const Value& vl = values[lo];
  const Value& vh = values[hi];
  if (t == oid::kInterval) {
    if (lo == hi) return vl;
    Interval diff = IntervalPlus(vh.iv, IntervalMul(vl.iv, -1.0));
    return Value::Iv(IntervalPlus(vl.iv, IntervalMul(diff, row - static_cast<double>(lo))));
  }
  if (lo == hi) return Value::Float(oid::kFloat8, vl.f);
  return Value::Float(oid::kFloat8, vl.f + (row - static_cast<double>(lo)) * (vh.f - vl.f));
}

Value FinishJson(const AggCall& a, const AggState& s, EvalContext& ctx) {
  const uint32_t t = a.result_type;
  std::string out;
  if (a.name == "json_agg" || a.name == "jsonb_agg") {
    out = "[";
    for (size_t i = 0; i < s.values.size(); i++) {
      if (i > 0) out += ", ";
      AppendJsonValue(s.values[i], ctx.vc, &out);
    }
    out += "]";
    return Value::Str(t, t == oid::kJsonb ? CanonicalJsonb(out) : out);
  }
  auto key_text = [&](const Value& k) {
    return k.type == oid::kText || k.type == oid::kVarchar ? k.s : ToText(k, ctx.vc);
  };
  if (a.name == "json_object_agg") {
    out = "{ ";
    for (size_t i = 0; i < s.values.size(); i++) {
      if (i > 0) out += ", ";
      AppendJsonString(key_text(s.values[i]), &out);
      out += " : ";
      AppendJsonValue(s.values2[i], ctx.vc, &out);
    }
    return Value::Str(t, out + " }");
  }
  // jsonb objects keep one value per key (the last) in jsonb key order:
  // shorter keys first, then bytewise.
  std::map<std::pair<size_t, std::string>, size_t> keys;
  for (size_t i = 0; i < s.values.size(); i++) {
    const std::string k = key_text(s.values[i]);
    keys[{k.size(), k}] = i;
  }
  out = "{";
  bool first = true;
  for (const auto& [k, i] : keys) {
    if (!first) out += ", ";
    first = false;
    AppendJsonString(k.second, &out);
    out += ": ";
    AppendJsonValue(s.values2[i], ctx.vc, &out);
  }
  return Value::Str(t, CanonicalJsonb(out + "}"));
}

}  // namespace

void Accumulate(const AggCall& a, AggState& s, const Row& row, EvalContext& ctx) {
  if (a.filter && !EvalPredicate(*a.filter, row, ctx)) return;
  if (a.direct && !s.direct_set) {
    s.direct = Eval(*a.direct, row, ctx);
    s.direct_set = true;
  }
  if (!a.arg) {  // count(*)
    s.count++;
    return;
  }
  Value v = Eval(*a.arg, row, ctx);
  Value v2 = a.arg2 ? Eval(*a.arg2, row, ctx) : Value::Null(oid::kText);
  if (!a.order.empty()) {
    Row keys;
    keys.reserve(a.order.size());
    for (const auto& o : a.order) keys.push_back(Eval(*o.expr, row, ctx));
    s.deferred.emplace_back(std::move(keys), Row{std::move(v), std::move(v2)});
    return;
  }
  Feed(a, s, v, v2, ctx);
}

Value Finish(const AggCall& a, AggState& s, EvalContext& ctx) {
  if (!s.deferred.empty()) {
    std::stable_sort(s.deferred.begin(), s.deferred.end(), [&](const auto& x, const auto& y) {
      for (size_t i = 0; i < a.order.size(); i++) {
        const int c = CompareOrder(x.first[i], y.first[i], a.order[i]);
        if (c != 0) return c < 0;
      }
      return false;
    });
    for (auto& [keys, args] : s.deferred) Feed(a, s, args[0], args[1], ctx);
    s.deferred.clear();
  }
  const uint32_t t = a.result_type;
  const std::string& n = a.name;
  if (n == "count") return Value::Int(oid::kInt8, s.count);
  if (n == "percentile_cont" || n == "percentile_disc" || n == "mode")
    return FinishOrderedSet(a, s, ctx);
  if (IsStatistical(n)) return FinishStatistical(a, s);
  if (!s.has) return Value::Null(t);
  if (n == "min" || n == "max" || n == "any_value") return s.best;
  if (n == "bool_and" || n == "bool_or") return Value::Bool(s.flag);
  if (n == "bit_and" || n == "bit_or" || n == "bit_xor") return Value::Int(t, static_cast<int64_t>(s.isum));
  if (n == "string_agg") return Value::Str(t, s.text);
  if (n == "array_agg") return Value::Array(t, s.values);
  if (IsRangeAggregateName(n)) return FinishRangeAggregate(n, t, s.values);
  if (t == oid::kJson || t == oid::kJsonb) return FinishJson(a, s, ctx);
  const uint32_t at = a.arg->type;
  const bool integral = at == oid::kInt2 || at == oid::kInt4 || at == oid::kInt8;
  if (n == "sum") {
    if (at == oid::kInt2 || at == oid::kInt4) {
      if (s.isum > INT64_MAX || s.isum < INT64_MIN)
        throw PgError(sqlstate::kNumericValueOutOfRange, "bigint out of range");
      return Value::Int(oid::kInt8, static_cast<int64_t>(s.isum));
    }
    if (integral) return Value::Num(Int128ToNumeric(s.isum));
    if (at == oid::kFloat4 || at == oid::kFloat8) return Value::Float(t, s.fsum);
    if (at == oid::kInterval) return Value::Iv(s.ivsum);
    return Value::Num(*s.num.Sum());
  }
  // avg
  if (integral)
    return Value::Num(Numeric::Div(Int128ToNumeric(s.isum), Numeric::FromInt64(s.count)));
  if (at == oid::kFloat4 || at == oid::kFloat8)
    return Value::Float(oid::kFloat8, s.fsum / static_cast<double>(s.count));
  if (at == oid::kInterval) return Value::Iv(IntervalDiv(s.ivsum, static_cast<double>(s.count)));
  return Value::Num(*s.num.Avg());
}

}  // namespace immu::sql
