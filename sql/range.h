#pragma once
// Range and multirange types (PostgreSQL 15): the built-in int4range,
// int8range, numrange, tsrange, tstzrange, daterange, their multiranges, and
// user-defined ranges (CREATE TYPE name AS RANGE, stored as a TypeDef of
// kind 'r' plus one of kind 'm' for its multirange, catalog/type_def.h).
//
// Values (Slot::kRange):
//   range       type = the range type, i = flags (kRangeEmpty ...), arr =
//               {lower, upper}, each a value of the subtype, or a NULL of it
//               when that bound is infinite or the range is empty.
//               Ranges are always canonical: built by MakeRange, which
//               rejects lower > upper (22000), turns [x,x) into empty and
//               applies the discrete types' canonical form [).
//   multirange  type = the multirange type, i = 0, arr = its ranges, sorted,
//               non-empty, neither overlapping nor adjacent (MakeMultirange).
// Ordering (CompareRanges) is PostgreSQL's range_cmp / multirange_cmp, and
// AppendRangeKey encodes it order-preservingly for index keys.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sql/value.h"

namespace immu::sql {

struct ValueContext;

// PostgreSQL's range flag bits (also the binary format's flags byte).
inline constexpr int64_t kRangeEmpty = 0x01;
inline constexpr int64_t kRangeLbInc = 0x02;
inline constexpr int64_t kRangeUbInc = 0x04;
inline constexpr int64_t kRangeLbInf = 0x08;
inline constexpr int64_t kRangeUbInf = 0x10;

// A range type's description (pg_range); user ranges come from the
// current thread's catalog (sql/user_types.h).
struct RangeTypeInfo {
  uint32_t range = 0;
  uint32_t subtype = 0;
  uint32_t multirange = 0;
  bool discrete = false;  // has a canonical function: int4, int8, date
};
// Fills *out and returns true when type is a range type.
bool FindRangeType(uint32_t type, RangeTypeInfo* out);
bool IsRangeType(uint32_t type);
bool IsMultirangeType(uint32_t type);
// The range type of a multirange type; 0 when type is not one.
uint32_t MultirangeRangeType(uint32_t type);
// The subtype of a range type; 0 when type is not one.
uint32_t RangeSubtype(uint32_t type);
// Built-in range types, for pg_range.
std::span<const RangeTypeInfo> BuiltinRangeTypes();

// One bound, as PostgreSQL's RangeBound.
struct RangeBound {
  Value val;
  bool infinite = false;
  bool inclusive = false;
  bool lower = false;
};
struct RangeParts {
  bool empty = false;
  RangeBound lower;
  RangeBound upper;
};

RangeParts DeserializeRange(const Value& r);
// make_range: validates, canonicalises (discrete types) and empties.
Value MakeRange(uint32_t type, RangeBound lower, RangeBound upper, bool empty = false);
Value EmptyRange(uint32_t type);
inline bool RangeIsEmpty(const Value& r) { return (r.i & kRangeEmpty) != 0; }

// range_cmp_bounds and range_cmp_bound_values.
int CompareRangeBounds(const RangeBound& a, const RangeBound& b);
int CompareRangeBoundValues(const RangeBound& a, const RangeBound& b);
// range_cmp / multirange_cmp: two ranges or two multiranges of one type.
int CompareRanges(const Value& a, const Value& b);
size_t HashRange(const Value& v);
void AppendRangeKey(const Value& v, std::string* out);

// Range algebra (rangetypes.c), for non-NULL ranges of one type.
bool RangeContains(const Value& r1, const Value& r2);
bool RangeContainsElem(const Value& r, const Value& elem);
bool RangeOverlaps(const Value& r1, const Value& r2);
bool RangeAdjacent(const Value& r1, const Value& r2);
bool BoundsAdjacent(uint32_t type, RangeBound upper, RangeBound lower);
// strict: 22000 when the result would not be contiguous (range +).
Value RangeUnion(const Value& r1, const Value& r2, bool strict);
Value RangeIntersect(const Value& r1, const Value& r2);
// range -: 22000 when r2 splits r1.
Value RangeMinus(const Value& r1, const Value& r2);
// r1 minus r2 as up to two pieces (multirange difference).
std::vector<Value> RangeMinusPieces(const Value& r1, const Value& r2);

// multirange_canonicalize: sorts, drops empties, merges.
Value MakeMultirange(uint32_t type, std::vector<Value> ranges);

// Text and binary I/O (sql/range_io.cc), ranges and multiranges alike.
std::string RangeToText(const Value& v, const ValueContext& ctx);
Value RangeFromText(std::string_view text, uint32_t type, const ValueContext& ctx);
void AppendRangeBinary(const Value& v, std::string* out);
Value RangeFromBinary(std::string_view data, uint32_t type);

}  // namespace immu::sql
