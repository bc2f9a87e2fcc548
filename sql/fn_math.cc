// Mathematical functions of PostgreSQL 15 (float8 variants follow
// src/backend/utils/adt/float.c, numeric ones use sql/numeric.h, integer
// ones int.c/int8.c): same overloads, results, NaN/Infinity rules, errors.

#include <cerrno>
#include <cmath>
#include <random>

#include "catalog/pg_error.h"
#include "sql/fn_library.h"

namespace immu::sql {

namespace {

using Args = std::span<const Value>;

[[noreturn]] void OutOfRange(const char* what) { throw PgError(sqlstate::kNumericValueOutOfRange, what); }
[[noreturn]] void FloatOverflow() { OutOfRange("value out of range: overflow"); }
[[noreturn]] void FloatUnderflow() { OutOfRange("value out of range: underflow"); }
[[noreturn]] void IntOutOfRange(uint32_t t) { OutOfRange(t == oid::kInt8 ? "bigint out of range" : "integer out of range"); }

Value F8(double v) { return Value::Float(oid::kFloat8, v); }
// float.c's check_float8_val: an infinite result from finite inputs
// overflows; zero from non-zero inputs underflows (when asked).
Value CheckedF8(double v, bool inf_ok, bool zero_ok) {
  if (std::isinf(v) && !inf_ok) FloatOverflow();
  if (v == 0.0 && !zero_ok) FloatUnderflow();
  return F8(v);
}

// ---- float8 ------------------------------------------------------------------------
Value RoundF(Args a, EvalContext&) { return F8(std::nearbyint(a[0].f)); }
Value TruncF(Args a, EvalContext&) { return F8(std::trunc(a[0].f)); }
Value CeilF(Args a, EvalContext&) { return F8(std::ceil(a[0].f)); }
Value FloorF(Args a, EvalContext&) { return F8(std::floor(a[0].f)); }
Value SignF(Args a, EvalContext&) { return F8(a[0].f > 0 ? 1.0 : a[0].f < 0 ? -1.0 : a[0].f == 0 ? 0.0 : a[0].f); }
Value SqrtF(Args a, EvalContext&) {
  if (a[0].f < 0) throw PgError("2201F", "cannot take square root of a negative number");
  return CheckedF8(std::sqrt(a[0].f), std::isinf(a[0].f), a[0].f == 0);
}
Value CbrtF(Args a, EvalContext&) { return CheckedF8(std::cbrt(a[0].f), std::isinf(a[0].f), a[0].f == 0); }
Value ExpF(Args a, EvalContext&) {
  const double x = a[0].f;
  if (std::isnan(x)) return F8(x);
  if (std::isinf(x)) return F8(x > 0 ? x : 0);
  return CheckedF8(std::exp(x), false, false);
}
void CheckLogArg(double x) {
  if (x == 0.0) throw PgError("2201E", "cannot take logarithm of zero");
  if (x < 0) throw PgError("2201E", "cannot take logarithm of a negative number");
}
Value LnF(Args a, EvalContext&) {
  CheckLogArg(a[0].f);
  return CheckedF8(std::log(a[0].f), std::isinf(a[0].f), a[0].f == 1);
}
Value Log10F(Args a, EvalContext&) {
  CheckLogArg(a[0].f);
  return CheckedF8(std::log10(a[0].f), std::isinf(a[0].f), a[0].f == 1);
}
Value PowerF(Args a, EvalContext&) {
  const double x = a[0].f, y = a[1].f;
  if (std::isnan(x)) return F8(std::isnan(y) || y != 0 ? x : 1.0);
  if (std::isnan(y)) return F8(x != 1.0 ? y : 1.0);
  if (x == 0 && y < 0) throw PgError("2201F", "zero raised to a negative power is undefined");
  if (x < 0 && std::floor(y) != y) {
    throw PgError("2201F", "a negative number raised to a non-integer power yields a complex result");
  }
  const bool finite = std::isfinite(x) && std::isfinite(y);
  const double r = std::pow(x, y);
  if (!finite) return F8(r);
  return CheckedF8(r, false, x == 0);
}
constexpr double kRadiansPerDegree = 0.0174532925199432957692;
Value PiF(Args, EvalContext&) { return F8(M_PI); }
Value DegreesF(Args a, EvalContext&) {
  return CheckedF8(a[0].f / kRadiansPerDegree, std::isinf(a[0].f), a[0].f == 0);
}
Value RadiansF(Args a, EvalContext&) {
  return CheckedF8(a[0].f * kRadiansPerDegree, std::isinf(a[0].f), a[0].f == 0);
}

void RequireFinite(double x) {
  if (std::isinf(x)) OutOfRange("input is out of range");
}
void RequireUnit(double x) {
  if (x < -1.0 || x > 1.0) OutOfRange("input is out of range");
}
// sin/cos/tan/cot of infinity are errors; the results cannot overflow
// except tan/cot near their poles, which PostgreSQL lets through as well.
Value SinF(Args a, EvalContext&) { RequireFinite(a[0].f); return F8(std::sin(a[0].f)); }
Value CosF(Args a, EvalContext&) { RequireFinite(a[0].f); return F8(std::cos(a[0].f)); }
Value TanF(Args a, EvalContext&) { RequireFinite(a[0].f); return F8(std::tan(a[0].f)); }
Value CotF(Args a, EvalContext&) { RequireFinite(a[0].f); return F8(1.0 / std::tan(a[0].f)); }
Value AsinF(Args a, EvalContext&) { RequireUnit(a[0].f); return F8(std::asin(a[0].f)); }
Value AcosF(Args a, EvalContext&) { RequireUnit(a[0].f); return F8(std::acos(a[0].f)); }
Value AtanF(Args a, EvalContext&) { return F8(std::atan(a[0].f)); }
Value Atan2F(Args a, EvalContext&) { return F8(std::atan2(a[0].f, a[1].f)); }
Value SinhF(Args a, EvalContext&) { return F8(std::sinh(a[0].f)); }
Value CoshF(Args a, EvalContext&) {
  const double r = std::cosh(a[0].f);
  return CheckedF8(r, std::isinf(a[0].f), true);
}
Value TanhF(Args a, EvalContext&) { return F8(std::tanh(a[0].f)); }
Value AsinhF(Args a, EvalContext&) { return F8(std::asinh(a[0].f)); }
Value AcoshF(Args a, EvalContext&) {
  if (a[0].f < 1.0) OutOfRange("input is out of range");
  return F8(std::acosh(a[0].f));
}
Value AtanhF(Args a, EvalContext&) {
  RequireUnit(a[0].f);
  if (a[0].f == -1.0) return F8(-HUGE_VAL);
  if (a[0].f == 1.0) return F8(HUGE_VAL);
  return F8(std::atanh(a[0].f));
}

// Degree-based trigonometry, as float.c: exact at the multiples of 30 and
// 45 degrees by scaling with the computed values at those points.
struct DegreeConstants {
  double sin_30 = std::sin(30.0 * kRadiansPerDegree);
  double one_minus_cos_60 = 1.0 - std::cos(60.0 * kRadiansPerDegree);
  double asin_0_5 = std::asin(0.5);
  double acos_0_5 = std::acos(0.5);
  double atan_1_0 = std::atan(1.0);
};
const DegreeConstants& Dc() {
  static const DegreeConstants k;
  return k;
}
double Sind0To30(double x) { return (std::sin(x * kRadiansPerDegree) / Dc().sin_30) / 2.0; }
double Cosd0To60(double x) { return 1.0 - ((1.0 - std::cos(x * kRadiansPerDegree)) / Dc().one_minus_cos_60) / 2.0; }
double SindQ1(double x) { return x <= 30.0 ? Sind0To30(x) : Cosd0To60(90.0 - x); }
double CosdQ1(double x) { return x <= 60.0 ? Cosd0To60(x) : Sind0To30(90.0 - x); }
double AsindQ1(double x) {
  return x <= 0.5 ? (std::asin(x) / Dc().asin_0_5) * 30.0 : 90.0 - (std::acos(x) / Dc().acos_0_5) * 60.0;
}
double AcosdQ1(double x) {
  return x <= 0.5 ? 90.0 - (std::asin(x) / Dc().asin_0_5) * 30.0 : (std::acos(x) / Dc().acos_0_5) * 60.0;
}
double Tan45() { return SindQ1(45.0) / CosdQ1(45.0); }
double Cot45() { return CosdQ1(45.0) / SindQ1(45.0); }

// Reduces x to [0, 90] for the *d functions; flips *sign as the function's
// symmetry requires (odd: sin/tan/cot, cos only past 90 degrees).
double ReduceDegrees(double x, bool odd, bool flip_past_90, double* sign) {
  x = std::fmod(x, 360.0);
  if (x < 0.0) {
    x = -x;
    if (odd) *sign = -*sign;
  }
  if (x > 180.0) {
    x = 360.0 - x;
    if (odd) *sign = -*sign;
  }
  if (x > 90.0) {
    x = 180.0 - x;
    if (flip_past_90) *sign = -*sign;
  }
  return x;
}
Value SindF(Args a, EvalContext&) {
  if (std::isnan(a[0].f)) return F8(a[0].f);
  RequireFinite(a[0].f);
  double sign = 1.0;
  const double x = ReduceDegrees(a[0].f, true, false, &sign);
  return F8(sign * SindQ1(x));
}
Value CosdF(Args a, EvalContext&) {
  if (std::isnan(a[0].f)) return F8(a[0].f);
  RequireFinite(a[0].f);
  double sign = 1.0;
  const double x = ReduceDegrees(a[0].f, false, true, &sign);
  return F8(sign * CosdQ1(x));
}
Value TandF(Args a, EvalContext&) {
  if (std::isnan(a[0].f)) return F8(a[0].f);
  RequireFinite(a[0].f);
  double sign = 1.0;
  const double x = ReduceDegrees(a[0].f, true, true, &sign);
  double r = sign * ((SindQ1(x) / CosdQ1(x)) / Tan45());
  if (r == 0.0) r = 0.0;  // no minus zero, as PostgreSQL
  return F8(r);
}
Value CotdF(Args a, EvalContext&) {
  if (std::isnan(a[0].f)) return F8(a[0].f);
  RequireFinite(a[0].f);
  double sign = 1.0;
  const double x = ReduceDegrees(a[0].f, true, true, &sign);
  double r = sign * ((CosdQ1(x) / SindQ1(x)) / Cot45());
  if (r == 0.0) r = 0.0;
  return F8(r);
}
Value AsindF(Args a, EvalContext&) {
  if (std::isnan(a[0].f)) return F8(a[0].f);
  RequireUnit(a[0].f);
  return F8(a[0].f >= 0 ? AsindQ1(a[0].f) : -AsindQ1(-a[0].f));
}
Value AcosdF(Args a, EvalContext&) {
  if (std::isnan(a[0].f)) return F8(a[0].f);
  RequireUnit(a[0].f);
  return F8(a[0].f >= 0 ? AcosdQ1(a[0].f) : 90.0 + AsindQ1(-a[0].f));
}
Value AtandF(Args a, EvalContext&) {
  if (std::isnan(a[0].f)) return F8(a[0].f);
  return F8((std::atan(a[0].f) / Dc().atan_1_0) * 45.0);
}
Value Atan2dF(Args a, EvalContext&) {
  if (std::isnan(a[0].f) || std::isnan(a[1].f)) return F8(NAN);
  return F8((std::atan2(a[0].f, a[1].f) / Dc().atan_1_0) * 45.0);
}

// random()/setseed(): one generator per thread (each session runs on its
// own thread), so setseed makes the session's later random() repeatable.
std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}
Value RandomF(Args, EvalContext&) { return F8(std::uniform_real_distribution<double>(0.0, 1.0)(Rng())); }
Value SetSeed(Args a, EvalContext&) {
  const double seed = a[0].f;
  if (seed < -1 || seed > 1 || std::isnan(seed)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "setseed parameter %g is out of allowed range [-1,1]", seed);
    throw PgError(sqlstate::kInvalidParameterValue, buf);
  }
  Rng().seed(static_cast<uint64_t>(static_cast<int64_t>(seed * 9007199254740992.0)));
  return Value::Str(oid::kVoid, "");
}

[[noreturn]] void WidthBucketError(const char* msg) { throw PgError("2201G", msg); }
int64_t BucketCountPlusOne(int64_t count) {
  if (count == INT32_MAX) IntOutOfRange(oid::kInt4);
  return count + 1;
}
Value WidthBucketF(Args a, EvalContext&) {
  const double x = a[0].f, b1 = a[1].f, b2 = a[2].f;
  const int64_t count = a[3].i;
  if (count <= 0) WidthBucketError("count must be greater than zero");
  if (std::isnan(x) || std::isnan(b1) || std::isnan(b2)) {
    WidthBucketError("operand, lower bound, and upper bound cannot be NaN");
  }
  if (std::isinf(b1) || std::isinf(b2)) WidthBucketError("lower and upper bounds must be finite");
  if (b1 == b2) WidthBucketError("lower bound cannot equal upper bound");
  const bool up = b1 < b2;
  if (up ? x < b1 : x > b1) return Value::Int(oid::kInt4, 0);
  if (up ? x >= b2 : x <= b2) return Value::Int(oid::kInt4, BucketCountPlusOne(count));
  const double num = up ? x - b1 : b1 - x, den = up ? b2 - b1 : b1 - b2;
  double r = std::isinf(den) ? static_cast<double>(count) * ((up ? x / 2 - b1 / 2 : b1 / 2 - x / 2) /
                                                             (up ? b2 / 2 - b1 / 2 : b1 / 2 - b2 / 2))
                             : static_cast<double>(count) * (num / den);
  int64_t bucket = static_cast<int64_t>(r);
  if (bucket >= count) bucket = count - 1;
  return Value::Int(oid::kInt4, bucket + 1);
}

// ---- numeric -----------------------------------------------------------------------
const Numeric& N(const Value& v) { return *v.num; }
Value RoundN(Args a, EvalContext&) { return Value::Num(N(a[0]).Round(a.size() > 1 ? static_cast<int>(a[1].i) : 0)); }
Value TruncN(Args a, EvalContext&) { return Value::Num(N(a[0]).Trunc(a.size() > 1 ? static_cast<int>(a[1].i) : 0)); }
Value CeilN(Args a, EvalContext&) { return Value::Num(N(a[0]).Ceil()); }
Value FloorN(Args a, EvalContext&) { return Value::Num(N(a[0]).Floor()); }
Value SignN(Args a, EvalContext&) { return Value::Num(N(a[0]).Sign()); }
Value SqrtN(Args a, EvalContext&) { return Value::Num(N(a[0]).Sqrt()); }
Value ExpN(Args a, EvalContext&) { return Value::Num(N(a[0]).Exp()); }
Value LnN(Args a, EvalContext&) { return Value::Num(N(a[0]).Ln()); }
Value Log10N(Args a, EvalContext&) { return Value::Num(N(a[0]).Log10()); }
Value LogN(Args a, EvalContext&) { return Value::Num(Numeric::Log(N(a[0]), N(a[1]))); }
Value PowerN(Args a, EvalContext&) { return Value::Num(Numeric::Power(N(a[0]), N(a[1]))); }
Value DivN(Args a, EvalContext&) { return Value::Num(Numeric::DivTrunc(N(a[0]), N(a[1]))); }
Value ModN(Args a, EvalContext&) { return Value::Num(Numeric::Mod(N(a[0]), N(a[1]))); }
Value GcdN(Args a, EvalContext&) { return Value::Num(Numeric::Gcd(N(a[0]), N(a[1]))); }
Value LcmN(Args a, EvalContext&) { return Value::Num(Numeric::Lcm(N(a[0]), N(a[1]))); }
Value Factorial(Args a, EvalContext&) { return Value::Num(Numeric::Factorial(a[0].i)); }
Value ScaleN(Args a, EvalContext&) {
  const auto s = N(a[0]).Scale();
  return s ? Value::Int(oid::kInt4, *s) : Value::Null(oid::kInt4);
}
Value MinScaleN(Args a, EvalContext&) {
  const auto s = N(a[0]).MinScale();
  return s ? Value::Int(oid::kInt4, *s) : Value::Null(oid::kInt4);
}
Value TrimScaleN(Args a, EvalContext&) { return Value::Num(N(a[0]).TrimScale()); }
Value WidthBucketN(Args a, EvalContext&) {
  const Numeric &x = N(a[0]), &b1 = N(a[1]), &b2 = N(a[2]);
  const int64_t count = a[3].i;
  if (count <= 0) WidthBucketError("count must be greater than zero");
  if (x.is_nan() || b1.is_nan() || b2.is_nan()) WidthBucketError("operand, lower bound, and upper bound cannot be NaN");
  if (b1.is_infinite() || b2.is_infinite()) WidthBucketError("lower and upper bounds must be finite");
  const int c = Numeric::Compare(b1, b2);
  if (c == 0) WidthBucketError("lower bound cannot equal upper bound");
  const bool up = c < 0;
  if (up ? x < b1 : x > b1) return Value::Int(oid::kInt4, 0);
  if (up ? x >= b2 : x <= b2) return Value::Int(oid::kInt4, BucketCountPlusOne(count));
  // floor(count * (x - b1) / (b2 - b1)) + 1, exactly.
  const Numeric num = Numeric::Mul(up ? x - b1 : b1 - x, Numeric::FromInt64(count));
  const Numeric bucket = Numeric::DivTrunc(num, up ? b2 - b1 : b1 - b2);
  return Value::Int(oid::kInt4, bucket.ToInt64() + 1);
}

// ---- integer -----------------------------------------------------------------------
int64_t Gcd64(int64_t a, int64_t b, uint32_t t) {
  const int64_t lo = t == oid::kInt8 ? INT64_MIN : INT32_MIN;
  // |INT_MIN| is not representable: PostgreSQL fails when the result would be it.
  if ((a == lo && (b == 0 || b == lo)) || (b == lo && a == 0)) IntOutOfRange(t);
  if (a == lo || b == lo) {  // gcd(lo, b) == gcd(lo % b, b); lo % b fits
    // lo % -1 traps on x86 (the quotient overflows); gcd(lo, +-1) is 1.
    if (a == 1 || a == -1 || b == 1 || b == -1) return 1;
    if (a == lo) a = a % b;
    else b = b % a;
  }
  a = a < 0 ? -a : a;
  b = b < 0 ? -b : b;
  while (b != 0) {
    const int64_t r = a % b;
    a = b;
    b = r;
  }
  return a;
}
Value GcdI(Args a, EvalContext&) { return Value::Int(a[0].type, Gcd64(a[0].i, a[1].i, a[0].type)); }
Value LcmI(Args a, EvalContext&) {
  const uint32_t t = a[0].type;
  if (a[0].i == 0 || a[1].i == 0) return Value::Int(t, 0);
  const int64_t g = Gcd64(a[0].i, a[1].i, t);
  __int128 r = static_cast<__int128>(a[0].i / g) * a[1].i;
  if (r < 0) r = -r;
  if (r > (t == oid::kInt8 ? INT64_MAX : INT32_MAX)) IntOutOfRange(t);
  return Value::Int(t, static_cast<int64_t>(r));
}

// ---- overload selection ------------------------------------------------------------
bool IsInt(uint32_t t) { return t == oid::kInt2 || t == oid::kInt4 || t == oid::kInt8; }
bool IsFloat(uint32_t t) { return t == oid::kFloat4 || t == oid::kFloat8; }

// For a function with float8 and numeric variants: numeric when an argument
// is numeric and none is a float (exact matches win), float8 otherwise (the
// preferred type of the category); 0 when an argument is not a number.
uint32_t FloatOrNumeric(std::span<const uint32_t> args) {
  bool numeric = false, flt = false;
  for (const uint32_t t : args) {
    if (t == oid::kNumeric) numeric = true;
    else if (IsFloat(t)) flt = true;
    else if (!IsInt(t) && t != oid::kUnknown) return 0;
  }
  return numeric && !flt ? oid::kNumeric : oid::kFloat8;
}
// For int4/int8/numeric variants (gcd, lcm; mod also has int2): the widest
// argument type, unknown (and int2 without an int2 variant) promoting to
// int4; 0 when a float or non-number is given.
uint32_t IntegerOrNumeric(std::span<const uint32_t> args, bool has_int2) {
  bool all_int2 = has_int2;
  for (const uint32_t t : args) all_int2 = all_int2 && t == oid::kInt2;
  if (all_int2) return oid::kInt2;
  uint32_t best = oid::kInt4;
  for (const uint32_t t : args) {
    if (t == oid::kNumeric) best = oid::kNumeric;
    else if (t == oid::kInt8 && best != oid::kNumeric) best = oid::kInt8;
    else if (!IsInt(t) && t != oid::kUnknown) return 0;
  }
  return best;
}

struct Variant {
  const char* name;
  size_t nargs;
  ScalarFn flt;  // float8 variant (nullptr: none)
  ScalarFn num;  // numeric variant (nullptr: none)
};

const Variant kVariants[] = {
    {"round", 1, RoundF, RoundN},     {"trunc", 1, TruncF, TruncN},   {"ceil", 1, CeilF, CeilN},
    {"ceiling", 1, CeilF, CeilN},     {"floor", 1, FloorF, FloorN},   {"sign", 1, SignF, SignN},
    {"sqrt", 1, SqrtF, SqrtN},        {"exp", 1, ExpF, ExpN},         {"ln", 1, LnF, LnN},
    {"log", 1, Log10F, Log10N},       {"log10", 1, Log10F, Log10N},   {"power", 2, PowerF, PowerN},
    {"pow", 2, PowerF, PowerN},       {"log", 2, nullptr, LogN},      {"div", 2, nullptr, DivN},
    {"cbrt", 1, CbrtF, nullptr},      {"degrees", 1, DegreesF, nullptr}, {"radians", 1, RadiansF, nullptr},
    {"sin", 1, SinF, nullptr},        {"cos", 1, CosF, nullptr},      {"tan", 1, TanF, nullptr},
    {"cot", 1, CotF, nullptr},        {"asin", 1, AsinF, nullptr},    {"acos", 1, AcosF, nullptr},
    {"atan", 1, AtanF, nullptr},      {"atan2", 2, Atan2F, nullptr},  {"sind", 1, SindF, nullptr},
    {"cosd", 1, CosdF, nullptr},      {"tand", 1, TandF, nullptr},    {"cotd", 1, CotdF, nullptr},
    {"asind", 1, AsindF, nullptr},    {"acosd", 1, AcosdF, nullptr},  {"atand", 1, AtandF, nullptr},
    {"atan2d", 2, Atan2dF, nullptr},  {"sinh", 1, SinhF, nullptr},    {"cosh", 1, CoshF, nullptr},
    {"tanh", 1, TanhF, nullptr},      {"asinh", 1, AsinhF, nullptr},  {"acosh", 1, AcoshF, nullptr},
    {"atanh", 1, AtanhF, nullptr},    {"dexp", 1, ExpF, nullptr},     {"dlog1", 1, LnF, nullptr},
    {"dlog10", 1, Log10F, nullptr},   {"dround", 1, RoundF, nullptr}, {"dtrunc", 1, TruncF, nullptr},
    {"numeric_exp", 1, nullptr, ExpN}, {"numeric_ln", 1, nullptr, LnN}, {"numeric_sqrt", 1, nullptr, SqrtN},
    {"numeric_log", 2, nullptr, LogN}, {"numeric_div_trunc", 2, nullptr, DivN},
    {"scale", 1, nullptr, ScaleN},    {"min_scale", 1, nullptr, MinScaleN},
    {"trim_scale", 1, nullptr, TrimScaleN},
};

}  // namespace

bool ResolveMathFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out) {
  const size_t n = arg_types.size();
  const uint32_t kF = oid::kFloat8, kN = oid::kNumeric, kI4 = oid::kInt4;
  if ((name == "round" || name == "trunc") && n == 2) {
    if (FloatOrNumeric(arg_types.first(1)) == 0 || !(IsInt(arg_types[1]) || arg_types[1] == oid::kUnknown)) return false;
    *out = {name == "round" ? RoundN : TruncN, kN, {kN, kI4}};
    return true;
  }
  if (name == "pi" && n == 0) return *out = {PiF, kF, {}}, true;
  if (name == "random" && n == 0) return *out = {RandomF, kF, {}}, true;
  if (name == "setseed" && n == 1) return *out = {SetSeed, oid::kVoid, {kF}}, true;
  if (name == "factorial" && n == 1 && (IsInt(arg_types[0]) || arg_types[0] == oid::kUnknown)) {
    return *out = {Factorial, kN, {oid::kInt8}}, true;
  }
  if (name == "width_bucket" && n == 4 && (IsInt(arg_types[3]) || arg_types[3] == oid::kUnknown)) {
    const uint32_t t = FloatOrNumeric(arg_types.first(3));
    if (t == 0) return false;
    *out = {t == kN ? WidthBucketN : WidthBucketF, kI4, {t, t, t, kI4}};
    return true;
  }
  if ((name == "gcd" || name == "lcm" || name == "mod") && n == 2) {
    const uint32_t t = IntegerOrNumeric(arg_types, name == "mod");
    if (t == 0) return false;
    if (name == "mod") {
      // mod(a, b) is a % b for every type it accepts.
      *out = t == kN ? ResolvedFn{ModN, kN, {kN, kN}} : ResolveOperator("%", t, t);
      return true;
    }
    const bool gcd = name == "gcd";
    *out = t == kN ? ResolvedFn{gcd ? GcdN : LcmN, kN, {kN, kN}} : ResolvedFn{gcd ? GcdI : LcmI, t, {t, t}};
    return true;
  }
  for (const Variant& v : kVariants) {
    if (name != v.name || n != v.nargs) continue;
    uint32_t t = FloatOrNumeric(arg_types);
    if (t == 0) return false;
    if (v.num == nullptr) t = kF;
    if (v.flt == nullptr) t = kN;
    const bool num = t == kN;
    uint32_t result = t;
    if (v.num == ScaleN || v.num == MinScaleN) result = kI4;
    *out = {num ? v.num : v.flt, result, std::vector<uint32_t>(n, t)};
    return true;
  }
  return false;
}

}  // namespace immu::sql
