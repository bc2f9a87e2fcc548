#pragma once
// Numeric: PostgreSQL 15's exact decimal type `numeric`.
//
// A value is NaN, +Infinity, -Infinity or a finite decimal stored as
// PostgreSQL stores it: a sign, base-10000 digits with the weight (power of
// 10000) of the first digit, and a display scale (dscale, the number of
// decimal digits printed after the point, so that 1.50 and 1.5 are equal but
// print differently). Every operation follows PostgreSQL 15: result scales
// (add/sub: max of the inputs', mul: sum, div: select_div_scale, ...),
// rounding half away from zero, NaN/Infinity rules, limits, and the exact
// SQLSTATEs and message texts of its errors, which are thrown as PgError.
//
// Encodings:
//   - ToBinary/FromBinary: numeric_send/numeric_recv wire format.
//   - AppendKeyEncoding/DecodeKey: memcmp order == numeric order (NaN last);
//     equal values (1.0, 1.00) encode identically; self-delimiting.
//   - EncodeValue/DecodeValue: compact row storage, keeps dscale.
//
// Thread-safety: values are immutable after construction; distinct objects
// may be used concurrently.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sql/numeric_var.h"

namespace immu {

class Numeric {
 public:
  enum class Kind : uint8_t { kFinite, kNaN, kPosInf, kNegInf };

  // Typmod limits (numeric(p,s)).
  static constexpr int kMaxPrecision = 1000;
  static constexpr int kMinScale = -1000;
  static constexpr int kMaxScale = 1000;

  Numeric() = default;  // 0

  // ---- Construction and conversion ----------------------------------------
  // numeric_in: spaces, sign, digits with one '.', exponent, NaN, [+-]Infinity,
  // [+-]inf (case-insensitive). 22P02 on bad syntax, 22003 when too large.
  static Numeric Parse(std::string_view text);
  static Numeric NaN();
  static Numeric Infinity();
  static Numeric NegativeInfinity();
  static Numeric FromInt64(int64_t v);
  // float8_numeric / float4_numeric: via "%.15g" / "%.6g".
  static Numeric FromDouble(double v);
  static Numeric FromFloat(float v);

  // numeric_out.
  std::string ToString() const;
  // Round half away from zero to an integer; 22003 "<type> out of range",
  // 0A000 "cannot convert NaN/infinity to <type>".
  int64_t ToInt64() const;
  int32_t ToInt32() const;
  int16_t ToInt16() const;
  // numeric_float8: strtod of the text; 22003 when out of double's range.
  double ToDouble() const;
  float ToFloat() const;

  // ---- Properties ----------------------------------------------------------
  Kind kind() const { return kind_; }
  bool is_nan() const { return kind_ == Kind::kNaN; }
  bool is_infinite() const { return kind_ == Kind::kPosInf || kind_ == Kind::kNegInf; }
  bool is_finite() const { return kind_ == Kind::kFinite; }
  bool is_zero() const { return is_finite() && var_.IsZero(); }
  bool is_negative() const { return kind_ == Kind::kNegInf || (is_finite() && var_.neg); }
  // Finite values only: weight of the first base-10000 digit, the digits
  // (no leading/trailing zero digits; none for 0) and the display scale.
  int weight() const { return var_.weight; }
  int dscale() const { return var_.dscale; }
  const std::vector<int16_t>& digits() const { return var_.digits; }

  // ---- Typmod --------------------------------------------------------------
  // numerictypmodin's checks: 22023 "NUMERIC precision %d must be between 1
  // and 1000" / "NUMERIC scale %d must be between -1000 and 1000".
  static void CheckTypmod(int precision, int scale);
  // Coerce to numeric(precision, scale): round to scale (negative allowed,
  // scale > precision allowed), 22003 "numeric field overflow" with
  // PostgreSQL's detail when it does not fit. NaN passes; infinities fail.
  Numeric ApplyTypmod(int precision, int scale) const;

  // ---- Arithmetic ----------------------------------------------------------
  static Numeric Add(const Numeric& a, const Numeric& b);
  static Numeric Sub(const Numeric& a, const Numeric& b);
  static Numeric Mul(const Numeric& a, const Numeric& b);
  static Numeric Div(const Numeric& a, const Numeric& b);
  // div(a, b): truncated integer quotient.
  static Numeric DivTrunc(const Numeric& a, const Numeric& b);
  static Numeric Mod(const Numeric& a, const Numeric& b);
  Numeric Negate() const;
  Numeric Abs() const;

  // Three-way comparison: NaN == NaN, NaN above everything, -Inf < finite <
  // +Inf. Returns -1, 0 or 1.
  static int Compare(const Numeric& a, const Numeric& b);

  // ---- Functions -----------------------------------------------------------
  Numeric Round(int scale = 0) const;
  Numeric Trunc(int scale = 0) const;
  Numeric Ceil() const;
  Numeric Floor() const;
  Numeric Sign() const;
  Numeric Sqrt() const;
  Numeric Exp() const;
  Numeric Ln() const;
  Numeric Log10() const;  // log(x) = log(10, x)
  static Numeric Log(const Numeric& base, const Numeric& x);
  static Numeric Power(const Numeric& base, const Numeric& exp);
  static Numeric Factorial(int64_t n);
  static Numeric Gcd(const Numeric& a, const Numeric& b);
  static Numeric Lcm(const Numeric& a, const Numeric& b);
  // scale(), min_scale(): nullopt (SQL NULL) for NaN and infinities.
  std::optional<int> Scale() const;
  std::optional<int> MinScale() const;
  Numeric TrimScale() const;

  // ---- Encodings -----------------------------------------------------------
  std::string ToBinary() const;
  // numeric_recv: 22P03 on an invalid sign, scale or digit, 08P01 when the
  // data is short, 22P03 on trailing bytes. Digits hidden by dscale are
  // truncated away, as PostgreSQL does.
  static Numeric FromBinary(std::string_view data);

  void AppendKeyEncoding(std::string* dst) const;
  // Consumes one key from the front of *in; the result has the minimal
  // scale (dscale is not part of the key). False if malformed.
  static bool DecodeKey(std::string_view* in, Numeric* out);

  void EncodeValue(std::string* dst) const;
  // Consumes one value from the front of *in; false if malformed.
  static bool DecodeValue(std::string_view* in, Numeric* out);

  // Equal values (Compare == 0) hash equally.
  uint64_t Hash() const;

  // Internal: a finite value from a computed Var (strips and checks the
  // storage limits: 22003 "value overflows numeric format").
  static Numeric FromVar(numeric_internal::Var var);
  const numeric_internal::Var& var() const { return var_; }

 private:
  explicit Numeric(Kind kind) : kind_(kind) {}

  Kind kind_ = Kind::kFinite;
  numeric_internal::Var var_;
};

inline bool operator==(const Numeric& a, const Numeric& b) { return Numeric::Compare(a, b) == 0; }
inline bool operator!=(const Numeric& a, const Numeric& b) { return Numeric::Compare(a, b) != 0; }
inline bool operator<(const Numeric& a, const Numeric& b) { return Numeric::Compare(a, b) < 0; }
inline bool operator<=(const Numeric& a, const Numeric& b) { return Numeric::Compare(a, b) <= 0; }
inline bool operator>(const Numeric& a, const Numeric& b) { return Numeric::Compare(a, b) > 0; }
inline bool operator>=(const Numeric& a, const Numeric& b) { return Numeric::Compare(a, b) >= 0; }
inline Numeric operator+(const Numeric& a, const Numeric& b) { return Numeric::Add(a, b); }
inline Numeric operator-(const Numeric& a, const Numeric& b) { return Numeric::Sub(a, b); }
inline Numeric operator*(const Numeric& a, const Numeric& b) { return Numeric::Mul(a, b); }
inline Numeric operator/(const Numeric& a, const Numeric& b) { return Numeric::Div(a, b); }
inline Numeric operator%(const Numeric& a, const Numeric& b) { return Numeric::Mod(a, b); }
inline Numeric operator-(const Numeric& a) { return a.Negate(); }

// Running sum/avg of numeric inputs with PostgreSQL's semantics: the sum's
// scale is the largest input scale; avg = sum / count with numeric division
// (avg of 1, 2 is 1.5000000000000000); NaN inputs make the result NaN, and
// +Inf with -Inf gives NaN.
class NumericAccumulator {
 public:
  void Add(const Numeric& v);
  void AddInt64(int64_t v) { Add(Numeric::FromInt64(v)); }
  // Combines a partial aggregate (parallel or hash-partitioned input).
  void Merge(const NumericAccumulator& other);

  int64_t count() const { return count_ + nan_count_ + pinf_count_ + ninf_count_; }
  // nullopt (SQL NULL) when no input was added.
  std::optional<Numeric> Sum() const;
  std::optional<Numeric> Avg() const;

 private:
  std::optional<Numeric> Special() const;

  int64_t count_ = 0;  // finite inputs
  int64_t nan_count_ = 0;
  int64_t pinf_count_ = 0;
  int64_t ninf_count_ = 0;
  numeric_internal::Var sum_;
};

}  // namespace immu
