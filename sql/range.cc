#include "sql/range.h"

#include <algorithm>
#include <functional>

#include "catalog/pg_error.h"
#include "sql/row_codec.h"
#include "sql/user_types.h"
#include "sql/value_io.h"

namespace immu::sql {

namespace {

constexpr RangeTypeInfo kBuiltinRanges[] = {
    {oid::kInt4Range, oid::kInt4, oid::kInt4Multirange, true},
    {oid::kNumRange, oid::kNumeric, oid::kNumMultirange, false},
    {oid::kTsRange, oid::kTimestamp, oid::kTsMultirange, false},
    {oid::kTstzRange, oid::kTimestampTz, oid::kTstzMultirange, false},
    {oid::kDateRange, oid::kDate, oid::kDateMultirange, true},
    {oid::kInt8Range, oid::kInt8, oid::kInt8Multirange, true},
};

[[noreturn]] void OutOfRange(uint32_t subtype) {
  if (subtype == oid::kDate) throw PgError(sqlstate::kDatetimeFieldOverflow, "date out of range");
  throw PgError(sqlstate::kNumericValueOutOfRange,
                std::string(subtype == oid::kInt4 ? "integer" : "bigint") + " out of range");
}

// The discrete types' canonical functions (int4range_canonical ...): both
// bounds become "[)" by stepping the value by one.
void Canonicalize(uint32_t subtype, RangeBound* lower, RangeBound* upper) {
  auto step = [&](RangeBound* b) {
    if (subtype == oid::kDate && !DateIsFinite(static_cast<DateAdt>(b->val.i))) return;
    const int64_t max = subtype == oid::kInt4 ? INT32_MAX : subtype == oid::kDate ? INT32_MAX - 1 : INT64_MAX;
    if (b->val.i >= max) OutOfRange(subtype);
    b->val.i++;
    b->inclusive = !b->inclusive;
  };
  if (!lower->infinite && !lower->inclusive) step(lower);
  if (!upper->infinite && upper->inclusive) step(upper);
}

Value Serialize(uint32_t type, const RangeBound& lower, const RangeBound& upper, bool empty, uint32_t subtype) {
  if (!empty && !lower.infinite && !upper.infinite) {
    const int cmp = CompareRangeBoundValues(lower, upper);
    if (cmp > 0) {
      throw PgError(sqlstate::kDataException, "range lower bound must be less than or equal to range upper bound");
    }
    if (cmp == 0 && !(lower.inclusive && upper.inclusive)) empty = true;
  }
  if (empty) return EmptyRange(type);
  int64_t flags = 0;
  Value lo = Value::Null(subtype), hi = Value::Null(subtype);
  if (lower.infinite) {
    flags |= kRangeLbInf;
  } else {
    lo = lower.val;
    if (lower.inclusive) flags |= kRangeLbInc;
  }
  if (upper.infinite) {
    flags |= kRangeUbInf;
  } else {
    hi = upper.val;
    if (upper.inclusive) flags |= kRangeUbInc;
  }
  Value v = Value::Array(type, {std::move(lo), std::move(hi)});
  v.i = flags;
  return v;
}

}  // namespace

bool FindRangeType(uint32_t type, RangeTypeInfo* out) {
  if (type >= kFirstUserOid) {
    const TypeDef* t = FindUserType(type);
    if (t == nullptr || t->kind != 'r') return false;
    *out = {t->oid, t->base_type, t->multirange_oid, false};
    return true;
  }
  for (const auto& r : kBuiltinRanges) {
    if (r.range == type) {
      *out = r;
      return true;
    }
  }
  return false;
}

bool IsRangeType(uint32_t type) {
  RangeTypeInfo r;
  return FindRangeType(type, &r);
}

uint32_t MultirangeRangeType(uint32_t type) {
  if (type >= kFirstUserOid) {
    const TypeDef* t = FindUserType(type);
    return t != nullptr && t->kind == 'm' ? t->base_type : 0;
  }
  for (const auto& r : kBuiltinRanges) {
    if (r.multirange == type) return r.range;
  }
  return 0;
}

bool IsMultirangeType(uint32_t type) { return MultirangeRangeType(type) != 0; }

uint32_t RangeSubtype(uint32_t type) {
  RangeTypeInfo r;
  return FindRangeType(type, &r) ? r.subtype : 0;
}

std::span<const RangeTypeInfo> BuiltinRangeTypes() { return kBuiltinRanges; }

RangeParts DeserializeRange(const Value& r) {
  if (!r.arr || r.arr->size() != 2) throw PgError(sqlstate::kInternalError, "value is not a range");
  RangeParts p;
  p.empty = RangeIsEmpty(r);
  p.lower.lower = true;
  p.upper.lower = false;
  p.lower.val = (*r.arr)[0];
  p.upper.val = (*r.arr)[1];
  p.lower.infinite = (r.i & kRangeLbInf) != 0;
  p.upper.infinite = (r.i & kRangeUbInf) != 0;
  p.lower.inclusive = (r.i & kRangeLbInc) != 0;
  p.upper.inclusive = (r.i & kRangeUbInc) != 0;
  return p;
}

Value EmptyRange(uint32_t type) {
  const uint32_t subtype = RangeSubtype(type);
  Value v = Value::Array(type, {Value::Null(subtype), Value::Null(subtype)});
  v.i = kRangeEmpty;
  return v;
}

Value MakeRange(uint32_t type, RangeBound lower, RangeBound upper, bool empty) {
  RangeTypeInfo info;
  if (!FindRangeType(type, &info)) throw PgError(sqlstate::kInternalError, "not a range type");
  lower.lower = true;
  upper.lower = false;
  if (lower.infinite) lower.inclusive = false;
  if (upper.infinite) upper.inclusive = false;
  Value r = Serialize(type, lower, upper, empty, info.subtype);
  if (!info.discrete || RangeIsEmpty(r)) return r;
  Canonicalize(info.subtype, &lower, &upper);
  return Serialize(type, lower, upper, false, info.subtype);
}

int CompareRangeBoundValues(const RangeBound& a, const RangeBound& b) {
  if (a.infinite && b.infinite) return a.lower == b.lower ? 0 : a.lower ? -1 : 1;
  if (a.infinite) return a.lower ? -1 : 1;
  if (b.infinite) return b.lower ? 1 : -1;
  return CompareValues(a.val, b.val);
}

int CompareRangeBounds(const RangeBound& a, const RangeBound& b) {
  if (a.infinite || b.infinite) return CompareRangeBoundValues(a, b);
  const int c = CompareValues(a.val, b.val);
  if (c != 0) return c;
  if (!a.inclusive && !b.inclusive) return a.lower == b.lower ? 0 : a.lower ? 1 : -1;
  if (!a.inclusive) return a.lower ? 1 : -1;
  if (!b.inclusive) return b.lower ? -1 : 1;
  return 0;
}

int CompareRanges(const Value& a, const Value& b) {
  const bool multi = IsMultirangeType(a.type);
  if (multi != IsMultirangeType(b.type)) {  // never of one type: no operator compares them
    throw PgError(sqlstate::kDatatypeMismatch,
                  "cannot compare " + FormatType(a.type, -1) + " with " + FormatType(b.type, -1));
  }
  if (multi) {
    const size_t n = std::min(a.arr->size(), b.arr->size());
    for (size_t k = 0; k < n; k++) {
      if (const int c = CompareRanges((*a.arr)[k], (*b.arr)[k]); c != 0) return c;
    }
    return a.arr->size() < b.arr->size() ? -1 : a.arr->size() > b.arr->size() ? 1 : 0;
  }
  const RangeParts x = DeserializeRange(a), y = DeserializeRange(b);
  if (x.empty || y.empty) return x.empty && y.empty ? 0 : x.empty ? -1 : 1;
  if (const int c = CompareRangeBounds(x.lower, y.lower); c != 0) return c;
  return CompareRangeBounds(x.upper, y.upper);
}

size_t HashRange(const Value& v) {
  size_t h = std::hash<int64_t>()(v.i) ^ 0x52414e47;
  for (const Value& e : *v.arr) h = h * 1000003 ^ (e.null ? 0 : HashValue(e));
  return h;
}

// Empty ranges sort first (0x00); a lower bound is 0x00 when -infinite,
// else 0x01 value then 0x00 inclusive / 0x01 exclusive; an upper bound is
// 0x02 when +infinite, else 0x01 value then 0x00 exclusive / 0x01
// inclusive: CompareRangeBounds' order. A multirange is its ranges (each
// starting with 0x01) ended by 0x00, so a prefix sorts first.
void AppendRangeKey(const Value& v, std::string* out) {
  if (IsMultirangeType(v.type)) {
    for (const Value& r : *v.arr) AppendRangeKey(r, out);
    out->push_back('\0');
    return;
  }
  const RangeParts p = DeserializeRange(v);
  if (p.empty) {
    out->push_back('\0');
    return;
  }
  out->push_back('\x01');
  if (p.lower.infinite) {
    out->push_back('\0');
  } else {
    out->push_back('\x01');
    AppendKeyValue(p.lower.val, out);
    out->push_back(p.lower.inclusive ? '\0' : '\x01');
  }
  if (p.upper.infinite) {
    out->push_back('\x02');
  } else {
    out->push_back('\x01');
    AppendKeyValue(p.upper.val, out);
    out->push_back(p.upper.inclusive ? '\x01' : '\0');
  }
}

bool RangeContains(const Value& r1, const Value& r2) {
  const RangeParts a = DeserializeRange(r1), b = DeserializeRange(r2);
  if (b.empty) return true;
  if (a.empty) return false;
  return CompareRangeBounds(a.lower, b.lower) <= 0 && CompareRangeBounds(a.upper, b.upper) >= 0;
}

bool RangeContainsElem(const Value& r, const Value& elem) {
  const RangeParts a = DeserializeRange(r);
  if (a.empty) return false;
  if (!a.lower.infinite) {
    const int c = CompareValues(a.lower.val, elem);
    if (c > 0 || (c == 0 && !a.lower.inclusive)) return false;
  }
  if (!a.upper.infinite) {
    const int c = CompareValues(a.upper.val, elem);
    if (c < 0 || (c == 0 && !a.upper.inclusive)) return false;
  }
  return true;
}

bool RangeOverlaps(const Value& r1, const Value& r2) {
  const RangeParts a = DeserializeRange(r1), b = DeserializeRange(r2);
  if (a.empty || b.empty) return false;
  if (CompareRangeBounds(a.lower, b.lower) >= 0 && CompareRangeBounds(a.lower, b.upper) <= 0) return true;
  return CompareRangeBounds(b.lower, a.lower) >= 0 && CompareRangeBounds(b.lower, a.upper) <= 0;
}

bool BoundsAdjacent(uint32_t type, RangeBound upper, RangeBound lower) {
  const int cmp = CompareRangeBoundValues(upper, lower);
  if (cmp < 0) {
    // Discrete types: adjacent when nothing lies between the two bounds.
    RangeTypeInfo info;
    if (!FindRangeType(type, &info) || !info.discrete) return false;
    upper.inclusive = !upper.inclusive;
    lower.inclusive = !lower.inclusive;
    return RangeIsEmpty(MakeRange(type, upper, lower));
  }
  return cmp == 0 && upper.inclusive != lower.inclusive;
}

bool RangeAdjacent(const Value& r1, const Value& r2) {
  const RangeParts a = DeserializeRange(r1), b = DeserializeRange(r2);
  if (a.empty || b.empty) return false;
  return BoundsAdjacent(r1.type, a.upper, b.lower) || BoundsAdjacent(r1.type, b.upper, a.lower);
}

Value RangeUnion(const Value& r1, const Value& r2, bool strict) {
  const RangeParts a = DeserializeRange(r1), b = DeserializeRange(r2);
  if (b.empty) return r1;
  if (a.empty) return r2;
  if (strict && !RangeOverlaps(r1, r2) && !RangeAdjacent(r1, r2)) {
    throw PgError(sqlstate::kDataException, "result of range union would not be contiguous");
  }
  const RangeBound& lo = CompareRangeBounds(a.lower, b.lower) < 0 ? a.lower : b.lower;
  const RangeBound& hi = CompareRangeBounds(a.upper, b.upper) > 0 ? a.upper : b.upper;
  return MakeRange(r1.type, lo, hi);
}

Value RangeIntersect(const Value& r1, const Value& r2) {
  if (!RangeOverlaps(r1, r2)) return EmptyRange(r1.type);
  const RangeParts a = DeserializeRange(r1), b = DeserializeRange(r2);
  const RangeBound& lo = CompareRangeBounds(a.lower, b.lower) >= 0 ? a.lower : b.lower;
  const RangeBound& hi = CompareRangeBounds(a.upper, b.upper) <= 0 ? a.upper : b.upper;
  return MakeRange(r1.type, lo, hi);
}

std::vector<Value> RangeMinusPieces(const Value& r1, const Value& r2) {
  RangeParts a = DeserializeRange(r1), b = DeserializeRange(r2);
  if (a.empty) return {};
  if (b.empty) return {r1};
  const int l1l2 = CompareRangeBounds(a.lower, b.lower);
  const int l1u2 = CompareRangeBounds(a.lower, b.upper);
  const int u1l2 = CompareRangeBounds(a.upper, b.lower);
  const int u1u2 = CompareRangeBounds(a.upper, b.upper);
  if (l1u2 > 0 || u1l2 < 0) return {r1};
  std::vector<Value> out;
  if (l1l2 < 0) {  // the piece of r1 before r2
    RangeBound hi = b.lower;
    hi.inclusive = !hi.inclusive;
    out.push_back(MakeRange(r1.type, a.lower, hi));
  }
  if (u1u2 > 0) {  // the piece of r1 after r2
    RangeBound lo = b.upper;
    lo.inclusive = !lo.inclusive;
    out.push_back(MakeRange(r1.type, lo, a.upper));
  }
  std::erase_if(out, [](const Value& r) { return RangeIsEmpty(r); });
  return out;
}

Value RangeMinus(const Value& r1, const Value& r2) {
  const RangeParts a = DeserializeRange(r1), b = DeserializeRange(r2);
  if (a.empty || b.empty) return r1;
  if (CompareRangeBounds(a.lower, b.lower) < 0 && CompareRangeBounds(a.upper, b.upper) > 0) {
    throw PgError(sqlstate::kDataException, "result of range difference would not be contiguous");
  }
  std::vector<Value> pieces = RangeMinusPieces(r1, r2);
  return pieces.empty() ? EmptyRange(r1.type) : pieces.front();
}

Value MakeMultirange(uint32_t type, std::vector<Value> ranges) {
  std::erase_if(ranges, [](const Value& r) { return RangeIsEmpty(r); });
  std::stable_sort(ranges.begin(), ranges.end(),
                   [](const Value& x, const Value& y) { return CompareRanges(x, y) < 0; });
  ValueArray out;
  for (Value& r : ranges) {
    if (!out.empty() && (RangeOverlaps(out.back(), r) || RangeAdjacent(out.back(), r))) {
      out.back() = RangeUnion(out.back(), r, false);
    } else {
      out.push_back(std::move(r));
    }
  }
  return Value::Array(type, std::move(out));
}

}  // namespace immu::sql
