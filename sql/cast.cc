// CastValue / CanCast (declared in sql/value_io.h): PostgreSQL's cast rules
// for the built-in types. Numbers convert directly with range checks and
// rounding; everything reaches text through its output function and leaves
// text through the target's input function, as PostgreSQL's I/O casts do.

#include <cmath>

#include "catalog/pg_error.h"
#include "sql/fn_library.h"
#include "sql/json.h"
#include "sql/range.h"
#include "sql/timetz.h"
#include "sql/user_types.h"
#include "sql/value_io.h"

namespace immu::sql {

namespace {

bool IsIntType(uint32_t t) {
  return t == oid::kInt2 || t == oid::kInt4 || t == oid::kInt8 || t == oid::kOid || t == oid::kXid ||
         IsRegType(t);
}
bool IsFloatType(uint32_t t) { return t == oid::kFloat4 || t == oid::kFloat8; }
bool IsNumberType(uint32_t t) { return IsIntType(t) || IsFloatType(t) || t == oid::kNumeric; }
bool IsStringType(uint32_t t) {
  return t == oid::kText || t == oid::kVarchar || t == oid::kBpchar || t == oid::kName ||
         t == oid::kUnknown || t == oid::kChar;
}
bool IsDateTimeType(uint32_t t) {
  return t == oid::kDate || t == oid::kTime || t == oid::kTimestamp || t == oid::kTimestampTz;
}

[[noreturn]] void NoCast(uint32_t from, uint32_t to) {
  throw PgError(sqlstate::kCannotCoerce,
                "cannot cast type " + FormatType(from, -1) + " to " + FormatType(to, -1));
}

int64_t RoundToInt(double d, uint32_t to) {
  if (std::isnan(d) || std::isinf(d)) {
    throw PgError(sqlstate::kNumericValueOutOfRange,
                  std::string(to == oid::kInt2 ? "smallint" : to == oid::kInt4 ? "integer" : "bigint") +
                      " out of range");
  }
  const double r = std::rint(d);  // PostgreSQL rounds half to even here
  const double lo = to == oid::kInt2 ? INT16_MIN : to == oid::kInt4 ? INT32_MIN : -9223372036854775808.0;
  const double hi = to == oid::kInt2 ? INT16_MAX : to == oid::kInt4 ? INT32_MAX : 9223372036854775807.0;
  if (r < lo || r >= hi + (to == oid::kInt8 ? 0 : 1)) {
    throw PgError(sqlstate::kNumericValueOutOfRange,
                  std::string(to == oid::kInt2 ? "smallint" : to == oid::kInt4 ? "integer" : "bigint") +
                      " out of range");
  }
  return static_cast<int64_t>(r);
}

int64_t CheckRange(int64_t v, uint32_t to) {
  if ((to == oid::kInt2 && (v < INT16_MIN || v > INT16_MAX)) ||
      (to == oid::kInt4 && (v < INT32_MIN || v > INT32_MAX))) {
    throw PgError(sqlstate::kNumericValueOutOfRange,
                  std::string(to == oid::kInt2 ? "smallint" : "integer") + " out of range");
  }
  return v;
}

}  // namespace

bool CanCast(uint32_t from, uint32_t to, bool explicit_cast) {
  if (from == to || from == oid::kUnknown) return true;
  if (from >= kFirstUserOid || to >= kFirstUserOid) {
    // Domains cast as their base types; a row value (record) or a
    // composite casts to a composite field by field.
    from = BaseType(from);
    to = BaseType(to);
    if (from == to) return true;
    if (IsCompositeType(to)) return from == oid::kRecord || IsCompositeType(from) || (IsStringType(from) && explicit_cast);
    // citext <-> text, varchar, bpchar (pg_cast: implicit from citext,
    // assignment to it).
    if (IsCitextType(to)) return IsStringType(from) || IsCitextType(from) || explicit_cast;
    if (IsCitextType(from) && IsStringType(to)) return true;
  }
  if (from != 0 && MultirangeRangeType(to) == from) return explicit_cast;  // the multirange() function
  const uint32_t fe = ArrayElementType(from), te = ArrayElementType(to);
  if (fe != 0 && te != 0) return CanCast(fe, te, explicit_cast);
  if (auto c = CanCastNetwork(from, to)) return *c;
  if (auto c = CanCastTimeTz(from, to)) return *c;
  if (fe != 0 || te != 0) return IsStringType(to) || (IsStringType(from) && explicit_cast);
  // oid and the reg* types convert to each other implicitly, as in PostgreSQL.
  if ((from == oid::kOid || IsRegType(from)) && (to == oid::kOid || IsRegType(to))) return true;
  if ((IsRegType(from) || from == oid::kOid) && IsNumberType(to)) return explicit_cast || to == oid::kInt8;
  if (IsNumberType(from) && IsNumberType(to)) return true;
  if (IsStringType(to)) return explicit_cast || IsStringType(from) || true;
  // text and varchar convert to regclass implicitly (pg_cast context 'i'),
  // so nextval(pg_get_serial_sequence(...)) resolves.
  if ((from == oid::kText || from == oid::kVarchar) && to == oid::kRegclass) return true;
  if (IsStringType(from)) return explicit_cast || from == oid::kUnknown;
  if (IsDateTimeType(from) && IsDateTimeType(to)) return !(from == oid::kTime || to == oid::kTime) || explicit_cast;
  if (from == oid::kBool && to == oid::kInt4) return explicit_cast;
  if (from == oid::kInt4 && to == oid::kBool) return explicit_cast;
  if ((from == oid::kJson && to == oid::kJsonb) || (from == oid::kJsonb && to == oid::kJson)) return true;
  if (from == oid::kJsonb && IsJsonbCastTarget(to)) return explicit_cast;
  return false;
}

Value CastValue(const Value& v, uint32_t to, int32_t typmod, const ValueContext& ctx,
                bool explicit_cast) {
  const uint32_t from = v.type;
  if (to >= kFirstUserOid) {
    if (const TypeDef* t = FindUserType(to)) {
      if (t->kind == 'd') {  // checks run where the binder coerces (DomainCheck)
        int32_t base_typmod = -1;
        const uint32_t base = BaseType(to, &base_typmod);
        return CastValue(v, base, typmod >= 0 ? typmod : base_typmod, ctx, explicit_cast);
      }
      if (t->kind == 'c' && v.arr && !v.null && from != to) {
        if (v.arr->size() != t->fields.size()) {
          throw PgError(sqlstate::kCannotCoerce, "cannot cast type " + FormatType(from, -1) + " to " +
                                                     FormatType(to, -1),
                        "Input has " + std::string(v.arr->size() < t->fields.size() ? "too few" : "too many") +
                            " columns.");
        }
        ValueArray fields;
        for (size_t i = 0; i < t->fields.size(); i++) {
          fields.push_back(CastValue((*v.arr)[i], t->fields[i].type_oid, t->fields[i].typmod, ctx, explicit_cast));
        }
        return Value::Array(to, std::move(fields));
      }
    }
  }
  if (v.null) return Value::Null(to);
  if (from == to) return ApplyTypmod(v, typmod, explicit_cast);
  if (MultirangeRangeType(to) == from) return MakeMultirange(to, {v});
  if (v.arr && ArrayElementType(to) != 0) {
    const uint32_t elem = ArrayElementType(to);
    ValueArray out;
    out.reserve(v.arr->size());
    for (const auto& e : *v.arr) out.push_back(CastValue(e, elem, typmod, ctx, explicit_cast));
    return Value::Array(to, std::move(out));
  }
  if (from == oid::kJsonb && IsJsonbCastTarget(to)) return ApplyTypmod(JsonbToScalar(v, to, ctx), typmod, explicit_cast);
  if (auto r = CastNetwork(v, to)) return ApplyTypmod(std::move(*r), typmod, explicit_cast);
  if (auto r = CastTimeTz(v, to, ctx)) return ApplyTypmod(std::move(*r), typmod, explicit_cast);
  if (IsIntType(to)) {
    if (IsIntType(from)) return Value::Int(to, CheckRange(v.i, to));
    if (IsFloatType(from)) return Value::Int(to, RoundToInt(v.f, to));
    if (from == oid::kNumeric) {
      const int64_t x = to == oid::kInt2 ? v.num->ToInt16() : to == oid::kInt4 ? v.num->ToInt32() : v.num->ToInt64();
      return Value::Int(to, x);
    }
    if (from == oid::kBool && to == oid::kInt4) return Value::Int(to, v.i);
  }
  if (IsFloatType(to)) {
    if (IsIntType(from)) return Value::Float(to, to == oid::kFloat4 ? static_cast<float>(v.i) : static_cast<double>(v.i));
    if (IsFloatType(from)) {
      if (to == oid::kFloat4 && std::isfinite(v.f) && std::isinf(static_cast<float>(v.f))) {
        throw PgError(sqlstate::kNumericValueOutOfRange, "value out of range: overflow");
      }
      return Value::Float(to, to == oid::kFloat4 ? static_cast<float>(v.f) : v.f);
    }
    if (from == oid::kNumeric) {
      const double d = v.num->ToDouble();
      return Value::Float(to, to == oid::kFloat4 ? static_cast<float>(d) : d);
    }
  }
  if (to == oid::kNumeric) {
    if (IsIntType(from)) return ApplyTypmod(Value::Num(Numeric::FromInt64(v.i)), typmod, explicit_cast);
    if (from == oid::kFloat4) return ApplyTypmod(Value::Num(Numeric::FromFloat(static_cast<float>(v.f))), typmod, explicit_cast);
    if (from == oid::kFloat8) return ApplyTypmod(Value::Num(Numeric::FromDouble(v.f)), typmod, explicit_cast);
  }
  if (to == oid::kBool && from == oid::kInt4) return Value::Bool(v.i != 0);
  // boolean's text cast spells the value out (its output function prints t/f).
  if (from == oid::kBool && IsStringType(to)) {
    return ApplyTypmod(Value::Str(to, v.i != 0 ? "true" : "false"), typmod, explicit_cast);
  }
  if (IsDateTimeType(from) && IsDateTimeType(to)) {
    // Through text in the session zone: exact for these conversions.
    if (from == oid::kTimestampTz && to == oid::kTimestamp) {
      const auto info = ctx.dt.session_zone.Lookup(v.i / kUsecsPerSec + kEpochDiffSecs - (v.i % kUsecsPerSec < 0 ? 1 : 0));
      return Value::Int(to, v.i + int64_t{info.gmtoff} * kUsecsPerSec);
    }
    if (from == oid::kDate && (to == oid::kTimestamp || to == oid::kTimestampTz)) {
      if (!DateIsFinite(static_cast<DateAdt>(v.i))) {
        return Value::Int(to, v.i == kDateNoBegin ? kDtNoBegin : kDtNoEnd);
      }
      if (to == oid::kTimestamp) return Value::Int(to, v.i * kUsecsPerDay);
    }
    if ((from == oid::kTimestamp || from == oid::kTimestampTz) && to == oid::kDate) {
      Value ts = from == oid::kTimestampTz ? CastValue(v, oid::kTimestamp, -1, ctx) : v;
      if (!TimestampIsFinite(ts.i)) return Value::Int(to, ts.i == kDtNoBegin ? kDateNoBegin : kDateNoEnd);
      int64_t days = ts.i / kUsecsPerDay;
      if (ts.i % kUsecsPerDay < 0) days--;
      return Value::Int(to, days);
    }
    if ((from == oid::kTimestamp || from == oid::kTimestampTz) && to == oid::kTime) {
      Value ts = from == oid::kTimestampTz ? CastValue(v, oid::kTimestamp, -1, ctx) : v;
      int64_t t = ts.i % kUsecsPerDay;
      if (t < 0) t += kUsecsPerDay;
      return Value::Int(to, t);
    }
    // date/timestamp -> timestamptz: local midnight/time in the session zone.
    return FromText(ToText(v, ctx), to, typmod, ctx);
  }
  if (IsStringType(to) || from == oid::kUnknown || IsStringType(from) ||
      (from == oid::kJson && to == oid::kJsonb) || (from == oid::kJsonb && to == oid::kJson)) {
    if (IsStringType(to)) {
      Value out = Value::Str(to, IsStringType(from) ? v.s : ToText(v, ctx));
      if (from == oid::kBpchar && to != oid::kBpchar) {
        while (!out.s.empty() && out.s.back() == ' ') out.s.pop_back();
      }
      return ApplyTypmod(std::move(out), typmod, explicit_cast);
    }
    const std::string text = IsStringType(from) ? v.s : ToText(v, ctx);
    // Arrays take their elements' typmod as a cast would (explicit: truncate).
    if (ArrayElementType(to) != 0) return ApplyTypmod(FromText(text, to, -1, ctx), typmod, explicit_cast);
    return FromText(text, to, typmod, ctx);
  }
  NoCast(from, to);
}

}  // namespace immu::sql
