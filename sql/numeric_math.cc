// Transcendental functions on numeric_internal::Var: exp, ln, log, power.
//
// The result scales are chosen exactly as PostgreSQL 15 chooses them
// (numeric.c: numeric_exp, numeric_ln, log_var, power_var, power_var_int);
// the values are computed with extra guard digits beyond PostgreSQL's and
// then rounded, so they match PostgreSQL's (nearly always correctly rounded)
// results.

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "catalog/pg_error.h"
#include "sql/numeric_var.h"

namespace immu {
namespace numeric_internal {
namespace {

// Extra decimal digits carried beyond what the result needs.
constexpr int kGuardDigits = 12;
constexpr double kLog10E = 0.434294481903252;
constexpr const char* kInvalidArgumentForLog = "2201E";
constexpr const char* kInvalidArgumentForPower = "2201F";

[[noreturn]] void ThrowOverflow() {
  throw PgError(sqlstate::kNumericValueOutOfRange, "value overflows numeric format");
}

Var ZeroWithScale(int dscale) {
  Var z;
  z.dscale = dscale;
  return z;
}

Var OneWithScale(int dscale) {
  Var one = MakeInt(1);
  one.dscale = dscale;
  return one;
}

// 0.9 and 1.1, the bounds of ln()'s series range.
Var PointNine() { return Var{false, -1, 1, {9000}}; }
Var OnePointOne() { return Var{false, 0, 1, {1, 1000}}; }

int ClampScale(int rscale) { return std::min(std::max(rscale, 0), kMaxDisplayScale); }

bool IsInteger(const Var& v) {
  return v.IsZero() || static_cast<int>(v.digits.size()) <= v.weight + 1;
}

// base ^ exp for an int exponent, to rscale places (PostgreSQL's
// power_var_int, with more working precision).
Var PowerInt(const Var& base, int exp, int rscale) {
  switch (exp) {
    case 0:
      return OneWithScale(rscale);
    case 1: {
      Var r = base;
      RoundTo(&r, rscale);
      return r;
    }
    case -1:
      return Div(MakeInt(1), base, rscale, true);
    case 2:
      return MulRound(base, base, rscale);
    default:
      break;
  }
  if (base.IsZero()) {
    if (exp < 0) throw PgError(sqlstate::kDivisionByZero, "division by zero");
    return ZeroWithScale(rscale);
  }
  // Estimated decimal weight of the result.
  double f = base.digits[0];
  int p = base.weight * kBaseDigits;
  for (size_t i = 1; i < base.digits.size() && i * kBaseDigits < 16; i++) {
    f = f * kBase + base.digits[i];
    p -= kBaseDigits;
  }
  f = exp * (std::log10(f) + p);
  if (f > 3.0 * kMaxWeight * kBaseDigits) ThrowOverflow();
  if (f + 1 < -rscale || f + 1 < -kMaxDisplayScale) return ZeroWithScale(rscale);

  int sig = 1 + rscale + static_cast<int>(f);
  sig += static_cast<int>(std::log(std::fabs(static_cast<double>(exp)))) + 8 + kGuardDigits;

  unsigned mask = exp < 0 ? 0u - static_cast<unsigned>(exp) : static_cast<unsigned>(exp);
  Var prod = base;
  Var result = (mask & 1) ? base : MakeInt(1);
  while ((mask >>= 1) > 0) {
    prod = Mul(prod, prod);
    RoundSig(&prod, sig);
    if (mask & 1) {
      result = Mul(result, prod);
      RoundSig(&result, sig);
    }
    if (prod.weight > kMaxWeight || result.weight > kMaxWeight) {
      if (exp > 0) ThrowOverflow();
      return ZeroWithScale(rscale);
    }
  }
  if (exp < 0) return Div(MakeInt(1), result, rscale, true);
  RoundTo(&result, rscale);
  return result;
}

}  // namespace

Var Exp(const Var& x, int rscale) {
  const double val = ToDoubleNoOverflow(x);
  if (std::fabs(val) >= kMaxResultScale * 3) {
    if (val > 0) ThrowOverflow();
    return ZeroWithScale(rscale);
  }
  if (x.IsZero()) return OneWithScale(rscale);

  Var a = x;
  a.neg = false;
  const double av = std::fabs(val);
  // Significant digits the result needs: e^|x| has decimal weight ~res_dw.
  const int res_dw = static_cast<int>(av * kLog10E);
  int sig = x.neg ? rscale - res_dw + 2 : rscale + res_dw + 2;
  sig = std::max(sig, 1);

  // Reduce to |y| <= 0.01 by halving, sum the Taylor series, square back.
  int halvings = 0;
  for (double t = av; t > 0.01; t /= 2) halvings++;
  const int work = sig + kGuardDigits + static_cast<int>(halvings * 0.302) + 1;
  const int scale = work + 4;  // y and the series terms are below 1
  Var y = halvings > 0 ? Div(a, MakeInt(int64_t{1} << halvings), scale, true) : a;
  if (halvings == 0) RoundTo(&y, scale);

  Var sum = Add(MakeInt(1), y);
  Var term = y;
  for (int k = 2;; k++) {
    term = MulRound(term, y, scale);
    term = Div(term, MakeInt(k), scale, true);
    if (term.IsZero()) break;
    sum = Add(sum, term);
  }
  for (int i = 0; i < halvings; i++) {
    sum = Mul(sum, sum);
    RoundSig(&sum, work + 2);
  }
  if (x.neg) return Div(MakeInt(1), sum, rscale, true);
  RoundTo(&sum, rscale);
  return sum;
}

Var Ln(const Var& x, int rscale) {
  if (x.IsZero()) throw PgError(kInvalidArgumentForLog, "cannot take logarithm of zero");
  if (x.neg) throw PgError(kInvalidArgumentForLog, "cannot take logarithm of a negative number");
  const Var one = MakeInt(1);
  if (Cmp(x, one) == 0) return ZeroWithScale(rscale);

  // Estimate how many square roots bring x into (0.9, 1.1).
  double lead = x.digits[0];
  int dw = x.weight * kBaseDigits;
  if (x.digits.size() > 1) {
    lead = lead * kBase + x.digits[1];
    dw -= kBaseDigits;
  }
  double est = std::fabs(std::log(lead) + dw * 2.302585092994046);
  int nest = 0;
  for (double t = est; t > 0.09; t /= 2) nest++;
  const int work = rscale + kGuardDigits + static_cast<int>((nest + 3) * 0.302) + 1;
  const int scale = work + 4;

  const Var lo = PointNine(), hi = OnePointOne();
  Var v = x;
  int nsqrt = 0;
  while (Cmp(v, lo) <= 0 || Cmp(v, hi) >= 0) {
    // Keep `scale` significant digits even when v is tiny.
    int extra = v.weight < 0 ? -DecimalWeight(v) / 2 + 1 : 0;
    v = Sqrt(v, scale + extra);
    nsqrt++;
  }

  // ln(v) = 2 * atanh(z) = 2 * (z + z^3/3 + z^5/5 + ...), z = (v-1)/(v+1).
  Var z = Div(Sub(v, one), Add(v, one), scale, true);
  Var z2 = MulRound(z, z, scale);
  Var sum = z;
  Var term = z;
  for (int k = 3;; k += 2) {
    term = MulRound(term, z2, scale);
    Var elem = Div(term, MakeInt(k), scale, true);
    if (elem.IsZero()) break;
    sum = Add(sum, elem);
  }
  Var result = Mul(sum, MakeInt(int64_t{1} << (nsqrt + 1)));
  RoundTo(&result, rscale);
  return result;
}

int EstimateLnDweight(const Var& x) {
  if (x.neg) return 0;
  if (Cmp(x, PointNine()) >= 0 && Cmp(x, OnePointOne()) <= 0) {
    // ln(1 + d) ~= d
    Var d = Sub(x, MakeInt(1));
    if (d.IsZero()) return 0;
    return d.weight * kBaseDigits + static_cast<int>(std::log10(static_cast<double>(d.digits[0])));
  }
  if (x.IsZero()) return 0;
  int digits = x.digits[0];
  int dweight = x.weight * kBaseDigits;
  if (x.digits.size() > 1) {
    digits = digits * kBase + x.digits[1];
    dweight -= kBaseDigits;
  }
  double ln_var = std::log(static_cast<double>(digits)) + dweight * 2.302585092994046;
  return static_cast<int>(std::log10(std::fabs(ln_var)));
}

Var Log(const Var& base, const Var& num) {
  const int ln_base_dweight = EstimateLnDweight(base);
  const int ln_num_dweight = EstimateLnDweight(num);
  const int result_dweight = ln_num_dweight - ln_base_dweight;
  int rscale = kMinSigDigits - result_dweight;
  rscale = std::max({rscale, base.dscale, num.dscale});
  rscale = ClampScale(rscale);
  const int ln_base_rscale =
      std::max(rscale + result_dweight - ln_base_dweight + 8 + kGuardDigits, 0);
  const int ln_num_rscale = std::max(rscale + result_dweight - ln_num_dweight + 8 + kGuardDigits, 0);
  Var ln_base = Ln(base, ln_base_rscale);
  Var ln_num = Ln(num, ln_num_rscale);
  return Div(ln_num, ln_base, rscale, true);
}

Var Power(const Var& base, const Var& exp) {
  if (IsInteger(exp)) {
    int64_t e = 0;
    if (ToInt64(exp, &e) && e >= INT32_MIN && e <= INT32_MAX) {
      int rscale = ClampScale(std::max(kMinSigDigits, base.dscale));
      return PowerInt(base, static_cast<int>(e), rscale);
    }
  }
  if (base.IsZero()) return ZeroWithScale(kMinSigDigits);

  bool result_neg = false;
  Var abs_base = base;
  if (base.neg) {
    if (!IsInteger(exp)) {
      throw PgError(kInvalidArgumentForPower,
                    "a negative number raised to a non-integer power yields a complex result");
    }
    // An integer with a digit in the units place is odd if that digit is.
    result_neg = static_cast<int>(exp.digits.size()) == exp.weight + 1 && (exp.digits.back() & 1);
    abs_base.neg = false;
  }

  // Low-precision exp * ln(base) for the result scale and overflow checks.
  const int ln_dweight = EstimateLnDweight(abs_base);
  int local_rscale = std::max(8 - ln_dweight, 0);
  Var ln_base = Ln(abs_base, local_rscale);
  Var ln_num = MulRound(ln_base, exp, local_rscale);
  double val = ToDoubleNoOverflow(ln_num);
  if (std::fabs(val) > kMaxResultScale * 3.01) {
    if (val > 0) ThrowOverflow();
    return ZeroWithScale(kMaxDisplayScale);
  }
  val *= kLog10E;
  int rscale = kMinSigDigits - static_cast<int>(val);
  rscale = std::max({rscale, abs_base.dscale, exp.dscale});
  rscale = ClampScale(rscale);
  const int sig_digits = std::max(rscale + static_cast<int>(val), 0);
  local_rscale = std::max(sig_digits - ln_dweight + 8 + kGuardDigits, 0);

  ln_base = Ln(abs_base, local_rscale);
  ln_num = MulRound(ln_base, exp, local_rscale);
  Var result = Exp(ln_num, rscale);
  if (result_neg && !result.IsZero()) result.neg = true;
  return result;
}

}  // namespace numeric_internal
}  // namespace immu
