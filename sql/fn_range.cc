#include "sql/fn_range.h"

#include <algorithm>
#include <string>

#include "catalog/pg_error.h"
#include "sql/range.h"
#include "sql/user_types.h"

namespace immu::sql {

namespace {

// Polymorphic arguments take their type exactly (or an unknown literal);
// domain values carry their base type.
bool Accepts(uint32_t want, uint32_t got) { return got == want || got == oid::kUnknown || BaseType(want) == got; }

// A range or multirange operand as its list of non-empty ranges, so every
// combination of ranges and multiranges shares one implementation
// (multirangetypes.c treats a range as a one-range multirange the same way).
ValueArray Ranges(const Value& v) {
  if (IsMultirangeType(v.type)) return *v.arr;
  if (RangeIsEmpty(v)) return {};
  return {v};
}

// The range type behind a range or multirange type; 0 for neither.
uint32_t RangeTypeOf(uint32_t t) {
  if (IsRangeType(t)) return t;
  return MultirangeRangeType(t);
}

bool ContainsElem(const ValueArray& rs, const Value& elem) {
  return std::any_of(rs.begin(), rs.end(), [&](const Value& r) { return RangeContainsElem(r, elem); });
}

// Every range of b lies inside one range of a.
bool ContainsAll(const ValueArray& a, const ValueArray& b) {
  for (const Value& r : b) {
    if (std::none_of(a.begin(), a.end(), [&](const Value& x) { return RangeContains(x, r); })) return false;
  }
  return true;
}

bool OverlapsAny(const ValueArray& a, const ValueArray& b) {
  for (const Value& x : a) {
    for (const Value& y : b) {
      if (RangeOverlaps(x, y)) return true;
    }
  }
  return false;
}

RangeBound LowerOf(const ValueArray& rs) { return DeserializeRange(rs.front()).lower; }
RangeBound UpperOf(const ValueArray& rs) { return DeserializeRange(rs.back()).upper; }

Value Bool2(std::span<const Value> a, bool (*f)(const ValueArray&, const ValueArray&)) {
  return Value::Bool(f(Ranges(a[0]), Ranges(a[1])));
}

Value OpContains(std::span<const Value> a, EvalContext&) { return Bool2(a, ContainsAll); }
Value OpContainedBy(std::span<const Value> a, EvalContext&) {
  return Value::Bool(ContainsAll(Ranges(a[1]), Ranges(a[0])));
}
Value OpContainsElem(std::span<const Value> a, EvalContext&) { return Value::Bool(ContainsElem(Ranges(a[0]), a[1])); }
Value OpElemContainedBy(std::span<const Value> a, EvalContext&) {
  return Value::Bool(ContainsElem(Ranges(a[1]), a[0]));
}
Value OpOverlaps(std::span<const Value> a, EvalContext&) { return Bool2(a, OverlapsAny); }
Value OpBefore(std::span<const Value> a, EvalContext&) {
  return Bool2(a, [](const ValueArray& x, const ValueArray& y) {
    return !x.empty() && !y.empty() && CompareRangeBounds(UpperOf(x), LowerOf(y)) < 0;
  });
}
Value OpAfter(std::span<const Value> a, EvalContext&) {
  return Bool2(a, [](const ValueArray& x, const ValueArray& y) {
    return !x.empty() && !y.empty() && CompareRangeBounds(LowerOf(x), UpperOf(y)) > 0;
  });
}
Value OpOverLeft(std::span<const Value> a, EvalContext&) {
  return Bool2(a, [](const ValueArray& x, const ValueArray& y) {
    return !x.empty() && !y.empty() && CompareRangeBounds(UpperOf(x), UpperOf(y)) <= 0;
  });
}
Value OpOverRight(std::span<const Value> a, EvalContext&) {
  return Bool2(a, [](const ValueArray& x, const ValueArray& y) {
    return !x.empty() && !y.empty() && CompareRangeBounds(LowerOf(x), LowerOf(y)) >= 0;
  });
}
Value OpAdjacent(std::span<const Value> a, EvalContext&) {
  const uint32_t type = RangeTypeOf(a[0].type);
  const ValueArray x = Ranges(a[0]), y = Ranges(a[1]);
  if (x.empty() || y.empty()) return Value::Bool(false);
  return Value::Bool(BoundsAdjacent(type, UpperOf(x), LowerOf(y)) || BoundsAdjacent(type, UpperOf(y), LowerOf(x)));
}

Value OpRangeUnion(std::span<const Value> a, EvalContext&) { return RangeUnion(a[0], a[1], true); }
Value OpRangeIntersect(std::span<const Value> a, EvalContext&) { return RangeIntersect(a[0], a[1]); }
Value OpRangeMinus(std::span<const Value> a, EvalContext&) { return RangeMinus(a[0], a[1]); }

Value MultirangeUnion(const Value& x, const Value& y) {
  std::vector<Value> all(x.arr->begin(), x.arr->end());
  all.insert(all.end(), y.arr->begin(), y.arr->end());
  return MakeMultirange(x.type, std::move(all));
}
Value MultirangeIntersect(const Value& x, const Value& y) {
  std::vector<Value> out;
  for (const Value& r : *x.arr) {
    for (const Value& s : *y.arr) {
      if (RangeOverlaps(r, s)) out.push_back(RangeIntersect(r, s));
    }
  }
  return MakeMultirange(x.type, std::move(out));
}
Value MultirangeMinus(const Value& x, const Value& y) {
  std::vector<Value> pieces(x.arr->begin(), x.arr->end());
  for (const Value& s : *y.arr) {
    std::vector<Value> next;
    for (const Value& p : pieces) {
      for (Value& q : RangeMinusPieces(p, s)) next.push_back(std::move(q));
    }
    pieces = std::move(next);
  }
  return MakeMultirange(x.type, std::move(pieces));
}
Value OpMrUnion(std::span<const Value> a, EvalContext&) { return MultirangeUnion(a[0], a[1]); }
Value OpMrIntersect(std::span<const Value> a, EvalContext&) { return MultirangeIntersect(a[0], a[1]); }
Value OpMrMinus(std::span<const Value> a, EvalContext&) { return MultirangeMinus(a[0], a[1]); }

// ---- functions -------------------------------------------------------------------

// Constructors get their result type from a trailing NULL of it (the
// binder appends one for each declared argument the call did not give).
Value RangeConstructor(std::span<const Value> a, EvalContext&) {
  const uint32_t type = a.back().type;
  RangeBound lower, upper;
  lower.inclusive = true;
  if (a.size() == 4) {
    if (a[2].null) throw PgError(sqlstate::kDataException, "range constructor flags argument must not be null");
    const std::string& f = a[2].s;
    if (f.size() != 2 || (f[0] != '[' && f[0] != '(') || (f[1] != ']' && f[1] != ')')) {
      throw PgError(sqlstate::kSyntaxError, "invalid range bound flags", "",
                    "Valid values are \"[]\", \"[)\", \"(]\", and \"()\".");
    }
    lower.inclusive = f[0] == '[';
    upper.inclusive = f[1] == ']';
  }
  lower.infinite = a[0].null;
  upper.infinite = a[1].null;
  lower.val = a[0];
  upper.val = a[1];
  return MakeRange(type, std::move(lower), std::move(upper));
}

Value MultirangeConstructor(std::span<const Value> a, EvalContext&) {
  const uint32_t type = a.back().type;
  std::vector<Value> ranges;
  for (size_t k = 0; k + 1 < a.size(); k++) {
    if (a[k].null) throw PgError(sqlstate::kNullValueNotAllowed, "multirange values cannot contain null members");
    ranges.push_back(a[k]);
  }
  return MakeMultirange(type, std::move(ranges));
}

Value MultirangeFromArray(std::span<const Value> a, EvalContext& ctx) {
  if (a[0].null) throw PgError(sqlstate::kNullValueNotAllowed, "multirange values cannot contain null members");
  std::vector<Value> args(a[0].arr->begin(), a[0].arr->end());
  args.push_back(a[1]);
  return MultirangeConstructor(args, ctx);
}

Value Identity(std::span<const Value> a, EvalContext&) { return a[0]; }

// The subtype_diff functions of the built-in ranges (pg_range.rngsubdiff):
// the distance as float8, in days for dates and seconds for timestamps.
Value SubdiffInt(std::span<const Value> a, EvalContext&) {
  return Value::Float(oid::kFloat8, static_cast<double>(a[0].i) - static_cast<double>(a[1].i));
}
Value SubdiffNumeric(std::span<const Value> a, EvalContext&) {
  return Value::Float(oid::kFloat8, Numeric::Sub(*a[0].num, *a[1].num).ToDouble());
}
Value SubdiffTimestamp(std::span<const Value> a, EvalContext&) {
  return Value::Float(oid::kFloat8, static_cast<double>(a[0].i - a[1].i) / 1000000.0);
}

Value ToMultirange(std::span<const Value> a, EvalContext&) {
  RangeTypeInfo info;
  FindRangeType(a[0].type, &info);
  return MakeMultirange(info.multirange, {a[0]});
}

// The bounds of a range, or of a multirange's first and last ranges.
RangeParts Span(const Value& v) {
  if (!IsMultirangeType(v.type)) return DeserializeRange(v);
  RangeParts p;
  p.empty = v.arr->empty();
  if (!p.empty) {
    p.lower = LowerOf(*v.arr);
    p.upper = UpperOf(*v.arr);
  }
  return p;
}

Value FnLower(std::span<const Value> a, EvalContext&) {
  const RangeParts p = Span(a[0]);
  const uint32_t sub = RangeSubtype(RangeTypeOf(a[0].type));
  return p.empty || p.lower.infinite ? Value::Null(sub) : p.lower.val;
}
Value FnUpper(std::span<const Value> a, EvalContext&) {
  const RangeParts p = Span(a[0]);
  const uint32_t sub = RangeSubtype(RangeTypeOf(a[0].type));
  return p.empty || p.upper.infinite ? Value::Null(sub) : p.upper.val;
}
Value FnIsEmpty(std::span<const Value> a, EvalContext&) { return Value::Bool(Span(a[0]).empty); }
Value FnLowerInc(std::span<const Value> a, EvalContext&) {
  const RangeParts p = Span(a[0]);
  return Value::Bool(!p.empty && p.lower.inclusive);
}
Value FnUpperInc(std::span<const Value> a, EvalContext&) {
  const RangeParts p = Span(a[0]);
  return Value::Bool(!p.empty && p.upper.inclusive);
}
Value FnLowerInf(std::span<const Value> a, EvalContext&) {
  const RangeParts p = Span(a[0]);
  return Value::Bool(!p.empty && p.lower.infinite);
}
Value FnUpperInf(std::span<const Value> a, EvalContext&) {
  const RangeParts p = Span(a[0]);
  return Value::Bool(!p.empty && p.upper.infinite);
}
Value FnRangeMerge(std::span<const Value> a, EvalContext&) {
  if (a.size() == 2) return RangeUnion(a[0], a[1], false);
  const uint32_t type = MultirangeRangeType(a[0].type);
  if (a[0].arr->empty()) return EmptyRange(type);
  return MakeRange(type, LowerOf(*a[0].arr), UpperOf(*a[0].arr));
}

// The functions behind the operators, callable by name (rangetypes.c and
// multirangetypes.c): name -> operator; the argument types pick the variant.
constexpr std::pair<std::string_view, std::string_view> kOperatorFunctions[] = {
    {"range_contains", "@>"},
    {"range_contains_elem", "@>"},
    {"range_contains_multirange", "@>"},
    {"multirange_contains_elem", "@>"},
    {"multirange_contains_range", "@>"},
    {"multirange_contains_multirange", "@>"},
    {"range_contained_by", "<@"},
    {"elem_contained_by_range", "<@"},
    {"range_contained_by_multirange", "<@"},
    {"elem_contained_by_multirange", "<@"},
    {"multirange_contained_by_range", "<@"},
    {"multirange_contained_by_multirange", "<@"},
    {"range_overlaps", "&&"},
    {"range_overlaps_multirange", "&&"},
    {"multirange_overlaps_range", "&&"},
    {"multirange_overlaps_multirange", "&&"},
    {"range_before", "<<"},
    {"range_before_multirange", "<<"},
    {"multirange_before_range", "<<"},
    {"multirange_before_multirange", "<<"},
    {"range_after", ">>"},
    {"range_after_multirange", ">>"},
    {"multirange_after_range", ">>"},
    {"multirange_after_multirange", ">>"},
    {"range_overleft", "&<"},
    {"range_overleft_multirange", "&<"},
    {"multirange_overleft_range", "&<"},
    {"multirange_overleft_multirange", "&<"},
    {"range_overright", "&>"},
    {"range_overright_multirange", "&>"},
    {"multirange_overright_range", "&>"},
    {"multirange_overright_multirange", "&>"},
    {"range_adjacent", "-|-"},
    {"range_adjacent_multirange", "-|-"},
    {"multirange_adjacent_range", "-|-"},
    {"multirange_adjacent_multirange", "-|-"},
    {"range_union", "+"},
    {"multirange_union", "+"},
    {"range_intersect", "*"},
    {"multirange_intersect", "*"},
    {"range_minus", "-"},
    {"multirange_minus", "-"},
};

Value FnEq(std::span<const Value> a, EvalContext&) { return Value::Bool(CompareRanges(a[0], a[1]) == 0); }
Value FnNe(std::span<const Value> a, EvalContext&) { return Value::Bool(CompareRanges(a[0], a[1]) != 0); }
Value FnLt(std::span<const Value> a, EvalContext&) { return Value::Bool(CompareRanges(a[0], a[1]) < 0); }
Value FnLe(std::span<const Value> a, EvalContext&) { return Value::Bool(CompareRanges(a[0], a[1]) <= 0); }
Value FnGt(std::span<const Value> a, EvalContext&) { return Value::Bool(CompareRanges(a[0], a[1]) > 0); }
Value FnGe(std::span<const Value> a, EvalContext&) { return Value::Bool(CompareRanges(a[0], a[1]) >= 0); }
Value FnCmp(std::span<const Value> a, EvalContext&) { return Value::Int(oid::kInt4, CompareRanges(a[0], a[1])); }

// range_eq ... range_cmp and multirange_eq ... multirange_cmp.
ScalarFn ComparisonFunction(std::string_view name, bool multi) {
  const std::string_view prefix = multi ? "multirange_" : "range_";
  if (!name.starts_with(prefix)) return nullptr;
  const std::string_view op = name.substr(prefix.size());
  return op == "eq" ? FnEq : op == "ne" ? FnNe : op == "lt" ? FnLt : op == "le" ? FnLe
       : op == "gt" ? FnGt : op == "ge" ? FnGe : op == "cmp" ? FnCmp : nullptr;
}

}  // namespace

bool ResolveRangeOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out) {
  if (left == 0) return false;
  const uint32_t lr = RangeTypeOf(left), rr = RangeTypeOf(right);
  if (lr == 0 && rr == 0) return false;
  // An unknown literal takes the other side's type (so '[1,2)' is a range
  // and '3' an element only where no range operator applies).
  const uint32_t l = left == oid::kUnknown ? right : left;
  const uint32_t r = right == oid::kUnknown ? left : right;
  const uint32_t range = lr != 0 ? lr : rr;
  const bool l_any = RangeTypeOf(l) == range, r_any = RangeTypeOf(r) == range;
  const uint32_t sub = RangeSubtype(range);
  auto set = [&](ScalarFn f, uint32_t result, uint32_t lt, uint32_t rt) {
    *out = {f, result, {lt, rt}};
    return true;
  };
  if (op == "@>" && l_any) {
    if (r_any) return set(OpContains, oid::kBool, l, r);
    if (rr == 0 && Accepts(sub, right)) return set(OpContainsElem, oid::kBool, l, sub);
  }
  if (op == "<@" && r_any) {
    if (l_any) return set(OpContainedBy, oid::kBool, l, r);
    if (lr == 0 && Accepts(sub, left)) return set(OpElemContainedBy, oid::kBool, sub, r);
  }
  if (!l_any || !r_any) return false;
  if (op == "&&") return set(OpOverlaps, oid::kBool, l, r);
  if (op == "<<") return set(OpBefore, oid::kBool, l, r);
  if (op == ">>") return set(OpAfter, oid::kBool, l, r);
  if (op == "&<") return set(OpOverLeft, oid::kBool, l, r);
  if (op == "&>") return set(OpOverRight, oid::kBool, l, r);
  if (op == "-|-") return set(OpAdjacent, oid::kBool, l, r);
  if (l != r) return false;  // + * - take two ranges or two multiranges
  const bool multi = IsMultirangeType(l);
  if (op == "+") return set(multi ? OpMrUnion : OpRangeUnion, l, l, l);
  if (op == "*") return set(multi ? OpMrIntersect : OpRangeIntersect, l, l, l);
  if (op == "-") return set(multi ? OpMrMinus : OpRangeMinus, l, l, l);
  return false;
}

bool ResolveRangeFunction(std::string_view name, std::span<const uint32_t> t, ResolvedFn* out) {
  const size_t n = t.size();
  // Constructors: a range or multirange type's name.
  {
    const uint32_t type = TypeOidByName(name);
    if (type != 0 && n == 1 && Accepts(type, t[0]) && RangeTypeOf(type) != 0) {
      return *out = {Identity, type, {type}}, true;  // a function-style cast to the value's own type
    }
    RangeTypeInfo info;
    if (type != 0 && FindRangeType(type, &info) && (n == 2 || n == 3)) {
      if (!CanCast(t[0], info.subtype, false) || !CanCast(t[1], info.subtype, false)) return false;
      if (n == 3 && !Accepts(oid::kText, t[2]) && !IsStringCategory(t[2])) return false;
      out->fn = RangeConstructor;
      out->result_type = type;
      out->arg_types = {info.subtype, info.subtype};
      if (n == 3) out->arg_types.push_back(oid::kText);
      out->arg_types.push_back(type);
      out->strict = false;
      return true;
    }
    if (const uint32_t range = type != 0 ? MultirangeRangeType(type) : 0; range != 0) {
      if (n == 1 && t[0] == ArrayTypeOf(range)) {  // VARIADIC array of ranges
        *out = {MultirangeFromArray, type, {t[0], type}, false};
        return true;
      }
      for (uint32_t a : t) {
        if (!Accepts(range, a)) return false;
      }
      out->fn = MultirangeConstructor;
      out->result_type = type;
      out->arg_types.assign(n + 1, range);
      out->arg_types.back() = type;
      out->strict = false;
      return true;
    }
  }
  if (n == 2) {
    for (const auto& [fn_name, op] : kOperatorFunctions) {
      if (fn_name == name) return ResolveRangeOperator(op, t[0], t[1], out);
    }
  }
  if (n == 2 && name.ends_with("range_subdiff")) {
    static constexpr std::pair<std::string_view, uint32_t> kSubdiffs[] = {
        {"int4range_subdiff", oid::kInt4},       {"int8range_subdiff", oid::kInt8},
        {"numrange_subdiff", oid::kNumeric},     {"daterange_subdiff", oid::kDate},
        {"tsrange_subdiff", oid::kTimestamp},    {"tstzrange_subdiff", oid::kTimestampTz},
    };
    for (const auto& [fn_name, sub] : kSubdiffs) {
      if (fn_name != name || !CanCast(t[0], sub, false) || !CanCast(t[1], sub, false)) continue;
      const ScalarFn f = sub == oid::kNumeric                                     ? SubdiffNumeric
                         : sub == oid::kTimestamp || sub == oid::kTimestampTz ? SubdiffTimestamp
                                                                              : SubdiffInt;
      return *out = {f, oid::kFloat8, {sub, sub}}, true;
    }
  }
  if (n == 0 || RangeTypeOf(t[0]) == 0) return false;
  const uint32_t t0 = t[0];
  const uint32_t range = RangeTypeOf(t0);
  if (n == 1) {
    ScalarFn f = name == "lower"       ? FnLower
                 : name == "upper"     ? FnUpper
                 : name == "isempty"   ? FnIsEmpty
                 : name == "lower_inc" ? FnLowerInc
                 : name == "upper_inc" ? FnUpperInc
                 : name == "lower_inf" ? FnLowerInf
                 : name == "upper_inf" ? FnUpperInf
                                       : nullptr;
    if (f != nullptr) {
      *out = {f, f == FnLower || f == FnUpper ? RangeSubtype(range) : oid::kBool, {t0}};
      return true;
    }
    if (name == "range_merge" && IsMultirangeType(t0)) return *out = {FnRangeMerge, range, {t0}}, true;
    if (name == "multirange" && IsRangeType(t0)) {
      RangeTypeInfo info;
      FindRangeType(t0, &info);
      return *out = {ToMultirange, info.multirange, {t0}}, true;
    }
  }
  if (n == 2 && name == "range_merge" && IsRangeType(t0) && Accepts(t0, t[1])) {
    return *out = {FnRangeMerge, t0, {t0, t0}}, true;
  }
  if (n == 2) {
    if (ScalarFn f = ComparisonFunction(name, IsMultirangeType(t0)); f != nullptr && Accepts(t0, t[1])) {
      return *out = {f, f == FnCmp ? oid::kInt4 : oid::kBool, {t0, t0}}, true;
    }
  }
  return false;
}

bool WantsTypeCarrier(const ResolvedFn& fn, size_t given_args) {
  return fn.arg_types.size() == given_args + 1 && fn.arg_types.back() == fn.result_type &&
         RangeTypeOf(fn.result_type) != 0;
}

bool IsRangeAggregateName(std::string_view name) { return name == "range_agg" || name == "range_intersect_agg"; }

uint32_t RangeAggregateResultType(std::string_view name, uint32_t arg_type) {
  RangeTypeInfo info;
  if (FindRangeType(arg_type, &info)) return name == "range_agg" ? info.multirange : arg_type;
  return IsMultirangeType(arg_type) ? arg_type : 0;
}

Value FinishRangeAggregate(std::string_view name, uint32_t result_type, const ValueArray& inputs) {
  if (inputs.empty()) return Value::Null(result_type);
  if (name == "range_agg") {
    std::vector<Value> all;
    for (const Value& v : inputs) {
      for (const Value& r : Ranges(v)) all.push_back(r);
    }
    return MakeMultirange(result_type, std::move(all));
  }
  // range_intersect_agg
  Value acc = inputs.front();
  for (size_t k = 1; k < inputs.size(); k++) {
    acc = IsMultirangeType(result_type) ? MultirangeIntersect(acc, inputs[k]) : RangeIntersect(acc, inputs[k]);
  }
  return acc;
}

}  // namespace immu::sql
