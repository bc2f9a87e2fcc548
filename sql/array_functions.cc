// Array functions and operators (see array_functions.h). Element equality
// is the engine's value order (CompareValues); NULL elements follow
// PostgreSQL: the containment operators never match them, while
// array_remove/replace/position(s) compare with IS NOT DISTINCT FROM.

#include "sql/array_functions.h"

#include <climits>

#include "catalog/pg_error.h"
#include "sql/srf.h"
#include "sql/value_io.h"

namespace immu::sql {

namespace {

bool NotDistinct(const Value& a, const Value& b) {
  if (a.null || b.null) return a.null && b.null;
  return CompareValues(a, b) == 0;
}

// Whether every non-NULL element of sub occurs in super (NULLs in sub never do).
bool Contains(const Value& super, const Value& sub) {
  for (const auto& e : *sub.arr) {
    if (e.null) return false;
    bool found = false;
    for (const auto& x : *super.arr) {
      if (!x.null && CompareValues(x, e) == 0) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

Value ArrayContains(std::span<const Value> a, EvalContext&) { return Value::Bool(Contains(a[0], a[1])); }
Value ArrayContained(std::span<const Value> a, EvalContext&) { return Value::Bool(Contains(a[1], a[0])); }

Value ArrayOverlap(std::span<const Value> a, EvalContext&) {
  for (const auto& x : *a[0].arr) {
    if (x.null) continue;
    for (const auto& y : *a[1].arr) {
      if (!y.null && CompareValues(x, y) == 0) return Value::Bool(true);
    }
  }
  return Value::Bool(false);
}

Value ArrayRemove(std::span<const Value> a, EvalContext&) {
  if (a[0].null) return a[0];
  ValueArray out;
  for (const auto& e : *a[0].arr) {
    if (!NotDistinct(e, a[1])) out.push_back(e);
  }
  return Value::Array(a[0].type, std::move(out));
}

Value ArrayReplace(std::span<const Value> a, EvalContext&) {
  if (a[0].null) return a[0];
  ValueArray out;
  for (const auto& e : *a[0].arr) out.push_back(NotDistinct(e, a[1]) ? a[2] : e);
  return Value::Array(a[0].type, std::move(out));
}

Value ArrayPositions(std::span<const Value> a, EvalContext&) {
  const uint32_t type = ArrayTypeOf(oid::kInt4);
  if (a[0].null) return Value::Null(type);
  ValueArray out;
  for (size_t i = 0; i < a[0].arr->size(); i++) {
    if (NotDistinct((*a[0].arr)[i], a[1])) out.push_back(Value::Int(oid::kInt4, static_cast<int64_t>(i + 1)));
  }
  return Value::Array(type, std::move(out));
}

Value ArrayPositionFrom(std::span<const Value> a, EvalContext&) {
  if (a[0].null) return Value::Null(oid::kInt4);
  if (a[2].null) throw PgError(sqlstate::kNullValueNotAllowed, "initial position must not be null");
  for (int64_t i = std::max<int64_t>(a[2].i, 1); i <= static_cast<int64_t>(a[0].arr->size()); i++) {
    if (NotDistinct((*a[0].arr)[static_cast<size_t>(i - 1)], a[1])) return Value::Int(oid::kInt4, i);
  }
  return Value::Null(oid::kInt4);
}

// string_to_array(text, delimiter [, null_string]): a NULL delimiter splits
// into characters, an empty one keeps the whole string; '' gives '{}'.
Value StringToArray(std::span<const Value> a, EvalContext&) {
  const uint32_t type = ArrayTypeOf(oid::kText);
  if (a[0].null) return Value::Null(type);
  const std::string& s = a[0].s;
  std::vector<std::string> parts;
  if (!s.empty()) {
    if (a[1].null) {
      for (size_t i = 0; i < s.size();) {
        size_t n = 1;
        while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) n++;
        parts.push_back(s.substr(i, n));
        i += n;
      }
    } else if (a[1].s.empty()) {
      parts.push_back(s);
    } else {
      size_t start = 0;
      for (size_t pos; (pos = s.find(a[1].s, start)) != std::string::npos; start = pos + a[1].s.size()) {
        parts.push_back(s.substr(start, pos - start));
      }
      parts.push_back(s.substr(start));
    }
  }
  ValueArray out;
  for (auto& p : parts) {
    const bool is_null = a.size() > 2 && !a[2].null && p == a[2].s;
    out.push_back(is_null ? Value::Null(oid::kText) : Value::Str(oid::kText, std::move(p)));
  }
  return Value::Array(type, std::move(out));
}

Value ArrayDims(std::span<const Value> a, EvalContext&) {
  if (a[0].arr->empty()) return Value::Null(oid::kText);
  return Value::Str(oid::kText, "[1:" + std::to_string(a[0].arr->size()) + "]");
}

Value ArrayNdims(std::span<const Value> a, EvalContext&) {
  if (a[0].arr->empty()) return Value::Null(oid::kInt4);
  return Value::Int(oid::kInt4, 1);
}

// The array type and element type of an (array, element) argument pair;
// false when neither side names an array type.
bool ArrayAndElement(uint32_t array, uint32_t elem, uint32_t* at, uint32_t* et) {
  if (ArrayElementType(array) != 0) {
    *at = array;
    *et = ArrayElementType(array);
    return true;
  }
  if (array == oid::kUnknown && elem != oid::kUnknown && ArrayTypeOf(elem) != 0) {
    *at = ArrayTypeOf(elem);
    *et = elem;
    return true;
  }
  return false;
}

}  // namespace

Value ArraySlice(std::span<const Value> a, EvalContext&) {
  const int64_t n = static_cast<int64_t>(a[0].arr->size());
  const int64_t lo = std::max<int64_t>(a[1].i, 1), hi = std::min<int64_t>(a[2].i, n);
  const uint32_t type = ArrayTypeOf(ArrayElementType(a[0].type));
  ValueArray out;
  for (int64_t i = lo; i <= hi; i++) out.push_back((*a[0].arr)[static_cast<size_t>(i - 1)]);
  return Value::Array(type, std::move(out));
}

Value ArrayAssign(std::span<const Value> a, EvalContext&) {
  if (a[1].null) throw PgError(sqlstate::kNullValueNotAllowed, "array subscript in assignment must not be null");
  ValueArray v = a[0].null ? ValueArray{} : *a[0].arr;
  const int64_t i = a[1].i;
  if (i < 1 || (v.empty() && i != 1)) {
    throw PgError(sqlstate::kFeatureNotSupported, "arrays with a lower bound other than 1 are not supported");
  }
  if (i > 100000000) throw PgError(sqlstate::kProgramLimitExceeded, "array size exceeds the maximum allowed (134217727)");
  const uint32_t elem = ArrayElementType(a[0].type);
  if (static_cast<size_t>(i) > v.size()) v.resize(static_cast<size_t>(i), Value::Null(elem));
  v[static_cast<size_t>(i - 1)] = a[2];
  return Value::Array(a[0].type, std::move(v));
}

bool ResolveArrayFunction(std::string_view name, std::span<const uint32_t> t, ResolvedFn* out) {
  uint32_t at = 0, et = 0;
  if ((name == "array_append" || name == "array_remove" || name == "array_positions") && t.size() == 2 &&
      ArrayAndElement(t[0], t[1], &at, &et)) {
    const ScalarFn fn = name == "array_append" ? ResolveOperator("||", at, et).fn
                        : name == "array_remove" ? ArrayRemove
                                                 : ArrayPositions;
    *out = {fn, name == "array_positions" ? ArrayTypeOf(oid::kInt4) : at, {at, et}, false};
    return true;
  }
  if (name == "array_prepend" && t.size() == 2 && ArrayAndElement(t[1], t[0], &at, &et)) {
    *out = {ResolveOperator("||", et, at).fn, at, {et, at}, false};
    return true;
  }
  if (name == "array_cat" && t.size() == 2 && (ArrayElementType(t[0]) != 0 || ArrayElementType(t[1]) != 0)) {
    at = ArrayElementType(t[0]) != 0 ? t[0] : t[1];
    *out = {ResolveOperator("||", at, at).fn, at, {at, at}, false};
    return true;
  }
  if (name == "array_replace" && t.size() == 3 && ArrayAndElement(t[0], t[1] != oid::kUnknown ? t[1] : t[2], &at, &et)) {
    *out = {ArrayReplace, at, {at, et, et}, false};
    return true;
  }
  if (name == "array_position" && t.size() == 3 && ArrayAndElement(t[0], t[1], &at, &et)) {
    *out = {ArrayPositionFrom, oid::kInt4, {at, et, oid::kInt4}, false};
    return true;
  }
  if (name == "string_to_array" && (t.size() == 2 || t.size() == 3)) {
    *out = {StringToArray, ArrayTypeOf(oid::kText), std::vector<uint32_t>(t.size(), oid::kText), false};
    return true;
  }
  if ((name == "regexp_match" || name == "regexp_split_to_array") && (t.size() == 2 || t.size() == 3)) {
    for (uint32_t x : t) {
      if (!IsStringCategory(x)) return false;
    }
    *out = {name == "regexp_match" ? RegexpMatch : RegexpSplitToArray, ArrayTypeOf(oid::kText),
            std::vector<uint32_t>(t.size(), oid::kText)};
    return true;
  }
  if ((name == "array_dims" || name == "array_ndims") && t.size() == 1 && ArrayElementType(t[0]) != 0) {
    *out = name == "array_dims" ? ResolvedFn{ArrayDims, oid::kText, {t[0]}} : ResolvedFn{ArrayNdims, oid::kInt4, {t[0]}};
    return true;
  }
  return false;
}

bool ResolveArrayOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out) {
  if (op != "@>" && op != "<@" && op != "&&") return false;
  const uint32_t le = ArrayElementType(left), re = ArrayElementType(right);
  if ((le == 0 && left != oid::kUnknown) || (re == 0 && right != oid::kUnknown) || (le == 0 && re == 0)) return false;
  const uint32_t at = le == 0 ? right : re == 0 ? left : ArrayTypeOf(CommonType(le, re, "operator"));
  if (at == 0) return false;
  *out = {op == "@>" ? ArrayContains : op == "<@" ? ArrayContained : ArrayOverlap, oid::kBool, {at, at}};
  return true;
}

}  // namespace immu::sql
