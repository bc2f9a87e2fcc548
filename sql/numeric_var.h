#pragma once
// Internal arithmetic on finite numeric values, shared by numeric.cc,
// numeric_math.cc and numeric_codec.cc. Not part of the public API: include
// sql/numeric.h instead.
//
// A Var is sign + base-10000 digits + weight + display scale, the same
// representation PostgreSQL uses: the value is
//   (-1)^neg * sum(digits[i] * 10000^(weight - i))
// and dscale is the number of decimal digits shown after the point. Every
// function here returns "stripped" values (no leading or trailing zero
// digits; zero has no digits, weight 0 and neg == false) and accepts only
// stripped inputs. dscale may temporarily be negative inside computations.
//
// Thread-safety: plain functions over values.

#include <cstdint>
#include <string>
#include <vector>

namespace immu {
namespace numeric_internal {

inline constexpr int kBase = 10000;
inline constexpr int kBaseDigits = 4;            // decimal digits per base digit
inline constexpr int kMinSigDigits = 16;         // NUMERIC_MIN_SIG_DIGITS
inline constexpr int kMaxDisplayScale = 1000;    // NUMERIC_MAX_DISPLAY_SCALE
inline constexpr int kMaxResultScale = 2000;     // NUMERIC_MAX_RESULT_SCALE
inline constexpr int kMaxStoredDscale = 0x3FFF;  // NUMERIC_DSCALE_MAX
inline constexpr int kMaxWeight = 32767;         // weight is an int16 on disk
inline constexpr int kMinWeight = -32768;

struct Var {
  bool neg = false;
  int weight = 0;
  int dscale = 0;
  std::vector<int16_t> digits;

  bool IsZero() const { return digits.empty(); }
};

// Construction and normalisation.
Var MakeInt(int64_t v);
void Strip(Var* v);
// Decimal exponent of the leading digit (floor(log10(|v|))); v nonzero.
int DecimalWeight(const Var& v);

// Comparison.
int CmpAbs(const Var& a, const Var& b);
int Cmp(const Var& a, const Var& b);

// Exact arithmetic; dscale = max (add/sub) or sum (mul) of the inputs'.
Var Add(const Var& a, const Var& b);
Var Sub(const Var& a, const Var& b);
Var Mul(const Var& a, const Var& b);
// Product rounded to rscale decimal places.
Var MulRound(const Var& a, const Var& b, int rscale);
// Quotient to rscale decimal places, rounded half away from zero or
// truncated. Throws 22012 "division by zero".
Var Div(const Var& a, const Var& b, int rscale, bool round);
// a - trunc(a / b) * b (PostgreSQL's mod_var).
Var Mod(const Var& a, const Var& b);
// PostgreSQL's select_div_scale().
int SelectDivScale(const Var& a, const Var& b);
Var Gcd(const Var& a, const Var& b);

// Rounding at a decimal position (negative rscale rounds before the point);
// both set dscale = rscale.
void RoundTo(Var* v, int rscale);
void TruncTo(Var* v, int rscale);
// Rounds to sig significant decimal digits (dscale set accordingly).
void RoundSig(Var* v, int sig);

// Correctly rounded square root of a >= 0 to rscale >= 0 decimal places.
Var Sqrt(const Var& a, int rscale);

// Rounds to an integer and converts; false when out of int64 range.
bool ToInt64(const Var& v, int64_t* out);
// Text as numeric_out prints it, using v.dscale (must be >= 0).
std::string ToText(const Var& v);
// strtod of the exact decimal text (no overflow error: +-HUGE_VAL).
double ToDoubleNoOverflow(const Var& v);

// Transcendental functions (numeric_math.cc); inputs are validated by the
// callers in numeric.cc. Exp throws 22003 on overflow.
Var Exp(const Var& x, int rscale);
Var Ln(const Var& x, int rscale);
int EstimateLnDweight(const Var& x);
// log(base, num) and base ^ exp with PostgreSQL's result scales.
Var Log(const Var& base, const Var& num);
Var Power(const Var& base, const Var& exp);

}  // namespace numeric_internal
}  // namespace immu
