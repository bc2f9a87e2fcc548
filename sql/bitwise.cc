// Bitwise operators on int2/int4/int8: & | # (xor) << >> and prefix ~
// (Django's introspection reads index options with "option & 1"). The
// result keeps the (wider) operand type; shifts take an integer count,
// which counts modulo the width, and wrap, as PostgreSQL's C operators do.

#include "sql/functions.h"

namespace immu::sql {

namespace {

bool IsInt(uint32_t t) { return t == oid::kInt2 || t == oid::kInt4 || t == oid::kInt8; }

Value IntAnd(std::span<const Value> a, EvalContext&) { return Value::Int(a[0].type, a[0].i & a[1].i); }
Value IntOr(std::span<const Value> a, EvalContext&) { return Value::Int(a[0].type, a[0].i | a[1].i); }
Value IntXor(std::span<const Value> a, EvalContext&) { return Value::Int(a[0].type, a[0].i ^ a[1].i); }
Value IntNot(std::span<const Value> a, EvalContext&) { return Value::Int(a[0].type, ~a[0].i); }

int64_t WrapToType(uint32_t type, uint64_t bits) {
  if (type == oid::kInt2) return static_cast<int16_t>(static_cast<uint16_t>(bits));
  if (type == oid::kInt4) return static_cast<int32_t>(static_cast<uint32_t>(bits));
  return static_cast<int64_t>(bits);
}
int ShiftWidth(uint32_t type) { return type == oid::kInt2 ? 16 : type == oid::kInt4 ? 32 : 64; }

Value IntShl(std::span<const Value> a, EvalContext&) {
  const int n = static_cast<int>(a[1].i & (ShiftWidth(a[0].type) - 1));
  return Value::Int(a[0].type, WrapToType(a[0].type, static_cast<uint64_t>(a[0].i) << n));
}
Value IntShr(std::span<const Value> a, EvalContext&) {
  const int n = static_cast<int>(a[1].i & (ShiftWidth(a[0].type) - 1));
  return Value::Int(a[0].type, a[0].i >> n);
}

}  // namespace

bool ResolveBitwiseOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out) {
  if (left == 0) {  // prefix
    const uint32_t t = right == oid::kUnknown ? oid::kInt4 : right;
    if (op != "~" || !IsInt(t)) return false;
    *out = {IntNot, t, {t}};
    return true;
  }
  if (op != "&" && op != "|" && op != "#" && op != "<<" && op != ">>") return false;
  const uint32_t lt = left == oid::kUnknown ? (IsInt(right) ? right : oid::kInt4) : left;
  const uint32_t rt = right == oid::kUnknown ? lt : right;
  if (!IsInt(lt) || !IsInt(rt)) return false;
  if (op == "<<" || op == ">>") {
    *out = {op == "<<" ? IntShl : IntShr, lt, {lt, oid::kInt4}};
    return true;
  }
  const uint32_t t = lt == oid::kInt8 || rt == oid::kInt8 ? oid::kInt8 : lt == oid::kInt4 || rt == oid::kInt4 ? oid::kInt4 : oid::kInt2;
  *out = {op == "&" ? IntAnd : op == "|" ? IntOr : IntXor, t, {t, t}};
  return true;
}

}  // namespace immu::sql
