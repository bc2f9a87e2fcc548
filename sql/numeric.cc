#include "sql/numeric.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "catalog/pg_error.h"

namespace immu {

using numeric_internal::Var;
namespace ni = numeric_internal;

namespace {

constexpr const char* kInvalidArgumentForPower = "2201F";
constexpr const char* kInvalidArgumentForLog = "2201E";

[[noreturn]] void ThrowOverflow() {
  throw PgError(sqlstate::kNumericValueOutOfRange, "value overflows numeric format");
}

[[noreturn]] void ThrowSyntax(std::string_view text) {
  throw PgError(sqlstate::kInvalidTextRepresentation,
                "invalid input syntax for type numeric: \"" + std::string(text) + "\"");
}

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); i++) {
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

// PostgreSQL's set_var_from_str: parses a number starting at text[*pos]
// (no leading spaces), leaving *pos after it. `whole` is quoted in errors.
Var ParseVar(std::string_view whole, size_t* pos) {
  std::string_view s = whole;
  size_t i = *pos;
  auto at = [&](size_t k) -> char { return k < s.size() ? s[k] : '\0'; };
  bool neg = false;
  if (at(i) == '+') {
    i++;
  } else if (at(i) == '-') {
    neg = true;
    i++;
  }
  bool have_dp = false;
  if (at(i) == '.') {
    have_dp = true;
    i++;
  }
  if (!IsDigit(at(i))) ThrowSyntax(whole);

  std::string dec;  // decimal digit values
  long dweight = -1;
  long dscale = 0;
  for (;;) {
    char c = at(i);
    if (IsDigit(c)) {
      dec.push_back(static_cast<char>(c - '0'));
      if (have_dp) {
        dscale++;
      } else {
        dweight++;
      }
      i++;
    } else if (c == '.') {
      if (have_dp) ThrowSyntax(whole);
      have_dp = true;
      i++;
    } else {
      break;
    }
  }
  if (at(i) == 'e' || at(i) == 'E') {
    i++;
    // strtol(): optional spaces and sign, then at least one digit.
    size_t j = i;
    while (IsSpace(at(j))) j++;
    bool eneg = false;
    if (at(j) == '+' || at(j) == '-') {
      eneg = at(j) == '-';
      j++;
    }
    if (!IsDigit(at(j))) ThrowSyntax(whole);
    long exponent = 0;
    bool saturated = false;
    while (IsDigit(at(j))) {
      int d = at(j) - '0';
      if (!saturated) {
        if (exponent > (LONG_MAX - d) / 10) {
          saturated = true;
        } else {
          exponent = exponent * 10 + d;
        }
      }
      j++;
    }
    if (saturated) exponent = LONG_MAX;
    if (eneg) exponent = -exponent;
    i = j;
    if (exponent >= INT_MAX / 2 || exponent <= -(INT_MAX / 2)) ThrowOverflow();
    dweight += exponent;
    dscale -= exponent;
    if (dscale < 0) dscale = 0;
  }
  *pos = i;
  if (dscale > ni::kMaxStoredDscale) ThrowOverflow();

  // Align the decimal digits on base-10000 digit boundaries.
  long weight;
  if (dweight >= 0) {
    weight = (dweight + 1 + ni::kBaseDigits - 1) / ni::kBaseDigits - 1;
  } else {
    weight = -((-dweight - 1) / ni::kBaseDigits + 1);
  }
  const long offset = (weight + 1) * ni::kBaseDigits - (dweight + 1);
  const long ndigits = (static_cast<long>(dec.size()) + offset + ni::kBaseDigits - 1) / ni::kBaseDigits;
  Var v;
  v.neg = neg;
  v.weight = static_cast<int>(weight);
  v.dscale = static_cast<int>(dscale);
  v.digits.resize(static_cast<size_t>(ndigits));
  for (long k = 0; k < ndigits; k++) {
    int d = 0;
    for (int q = 0; q < ni::kBaseDigits; q++) {
      long idx = k * ni::kBaseDigits + q - offset;
      d = d * 10 + (idx >= 0 && idx < static_cast<long>(dec.size()) ? dec[static_cast<size_t>(idx)] : 0);
    }
    v.digits[static_cast<size_t>(k)] = static_cast<int16_t>(d);
  }
  int saved = v.dscale;
  ni::Strip(&v);
  v.dscale = saved;
  return v;
}

int SignOf(const Numeric& n) {
  if (n.kind() == Numeric::Kind::kPosInf) return 1;
  if (n.kind() == Numeric::Kind::kNegInf) return -1;
  if (n.is_zero()) return 0;
  return n.is_negative() ? -1 : 1;
}

// numeric_is_integral: infinities count as integral, NaN does not.
bool IsIntegral(const Numeric& n) {
  if (n.is_nan()) return false;
  if (!n.is_finite()) return true;
  return n.var().IsZero() || static_cast<int>(n.var().digits.size()) <= n.var().weight + 1;
}

int ClampScale(int rscale) { return std::min(std::max(rscale, 0), ni::kMaxDisplayScale); }

// round()/trunc() scale limits: one digit beyond the largest weight, and the
// largest storable dscale.
int ClampRoundScale(int scale) {
  return std::min(std::max(scale, -(ni::kMaxWeight + 1) * ni::kBaseDigits - 1), ni::kMaxStoredDscale);
}

// Lowest scale that shows every nonzero digit (get_min_scale).
int MinScaleOf(const Var& v) {
  if (v.IsZero()) return 0;
  int last = static_cast<int>(v.digits.size()) - 1;
  int scale = (last - v.weight) * ni::kBaseDigits;
  if (scale <= 0) return 0;
  int d = v.digits[static_cast<size_t>(last)];
  while (d % 10 == 0) {
    scale--;
    d /= 10;
  }
  return scale;
}

[[noreturn]] void ThrowCannotConvert(const Numeric& n, const char* type) {
  throw PgError(sqlstate::kFeatureNotSupported,
                std::string("cannot convert ") + (n.is_nan() ? "NaN" : "infinity") + " to " + type);
}

}  // namespace

// ---- Construction and conversion ---------------------------------------------

Numeric Numeric::FromVar(Var var) {
  int saved = var.dscale;
  ni::Strip(&var);
  var.dscale = std::max(saved, 0);
  if (!var.IsZero() && (var.weight > ni::kMaxWeight || var.weight < ni::kMinWeight)) ThrowOverflow();
  if (var.dscale > ni::kMaxStoredDscale) ThrowOverflow();
  Numeric n;
  n.var_ = std::move(var);
  return n;
}

Numeric Numeric::NaN() { return Numeric(Kind::kNaN); }
Numeric Numeric::Infinity() { return Numeric(Kind::kPosInf); }
Numeric Numeric::NegativeInfinity() { return Numeric(Kind::kNegInf); }

Numeric Numeric::Parse(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && IsSpace(text[i])) i++;
  std::string_view rest = text.substr(i);
  Numeric special;
  size_t used = 0;
  if (StartsWithNoCase(rest, "NaN")) {
    special = NaN();
    used = 3;
  } else if (StartsWithNoCase(rest, "Infinity")) {
    special = Infinity();
    used = 8;
  } else if (StartsWithNoCase(rest, "+Infinity")) {
    special = Infinity();
    used = 9;
  } else if (StartsWithNoCase(rest, "-Infinity")) {
    special = NegativeInfinity();
    used = 9;
  } else if (StartsWithNoCase(rest, "inf")) {
    special = Infinity();
    used = 3;
  } else if (StartsWithNoCase(rest, "+inf")) {
    special = Infinity();
    used = 4;
  } else if (StartsWithNoCase(rest, "-inf")) {
    special = NegativeInfinity();
    used = 4;
  }
  Var v;
  if (used > 0) {
    i += used;
  } else {
    v = ParseVar(text, &i);
  }
  for (; i < text.size(); i++) {
    if (!IsSpace(text[i])) ThrowSyntax(text);
  }
  if (used > 0) return special;
  return FromVar(std::move(v));
}

Numeric Numeric::FromInt64(int64_t v) { return FromVar(ni::MakeInt(v)); }

namespace {

Numeric FromShortestText(const char* buf) {
  std::string_view s(buf);
  size_t pos = 0;
  return Numeric::FromVar(ParseVar(s, &pos));
}

}  // namespace

Numeric Numeric::FromDouble(double v) {
  if (std::isnan(v)) return NaN();
  if (std::isinf(v)) return v < 0 ? NegativeInfinity() : Infinity();
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*g", 15, v);
  return FromShortestText(buf);
}

Numeric Numeric::FromFloat(float v) {
  if (std::isnan(v)) return NaN();
  if (std::isinf(v)) return v < 0 ? NegativeInfinity() : Infinity();
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*g", 6, static_cast<double>(v));
  return FromShortestText(buf);
}

std::string Numeric::ToString() const {
  switch (kind_) {
    case Kind::kNaN:
      return "NaN";
    case Kind::kPosInf:
      return "Infinity";
    case Kind::kNegInf:
      return "-Infinity";
    case Kind::kFinite:
      break;
  }
  return ni::ToText(var_);
}

int64_t Numeric::ToInt64() const {
  if (!is_finite()) ThrowCannotConvert(*this, "bigint");
  int64_t out = 0;
  if (!ni::ToInt64(var_, &out)) throw PgError(sqlstate::kNumericValueOutOfRange, "bigint out of range");
  return out;
}

int32_t Numeric::ToInt32() const {
  if (!is_finite()) ThrowCannotConvert(*this, "integer");
  int64_t out = 0;
  if (!ni::ToInt64(var_, &out) || out < INT32_MIN || out > INT32_MAX) {
    throw PgError(sqlstate::kNumericValueOutOfRange, "integer out of range");
  }
  return static_cast<int32_t>(out);
}

int16_t Numeric::ToInt16() const {
  if (!is_finite()) ThrowCannotConvert(*this, "smallint");
  int64_t out = 0;
  if (!ni::ToInt64(var_, &out) || out < INT16_MIN || out > INT16_MAX) {
    throw PgError(sqlstate::kNumericValueOutOfRange, "smallint out of range");
  }
  return static_cast<int16_t>(out);
}

double Numeric::ToDouble() const {
  if (kind_ == Kind::kPosInf) return HUGE_VAL;
  if (kind_ == Kind::kNegInf) return -HUGE_VAL;
  if (kind_ == Kind::kNaN) return std::nan("");
  std::string text = ToString();
  errno = 0;
  double v = std::strtod(text.c_str(), nullptr);
  if (errno == ERANGE && (v == 0.0 || std::isinf(v))) {
    throw PgError(sqlstate::kNumericValueOutOfRange,
                  "\"" + text + "\" is out of range for type double precision");
  }
  return v;
}

float Numeric::ToFloat() const {
  if (kind_ == Kind::kPosInf) return HUGE_VALF;
  if (kind_ == Kind::kNegInf) return -HUGE_VALF;
  if (kind_ == Kind::kNaN) return std::nanf("");
  std::string text = ToString();
  errno = 0;
  float v = std::strtof(text.c_str(), nullptr);
  if (errno == ERANGE && (v == 0.0f || std::isinf(v))) {
    throw PgError(sqlstate::kNumericValueOutOfRange, "\"" + text + "\" is out of range for type real");
  }
  return v;
}

// ---- Typmod --------------------------------------------------------------------

void Numeric::CheckTypmod(int precision, int scale) {
  if (precision < 1 || precision > kMaxPrecision) {
    throw PgError(sqlstate::kInvalidParameterValue,
                  "NUMERIC precision " + std::to_string(precision) + " must be between 1 and " +
                      std::to_string(kMaxPrecision));
  }
  if (scale < kMinScale || scale > kMaxScale) {
    throw PgError(sqlstate::kInvalidParameterValue,
                  "NUMERIC scale " + std::to_string(scale) + " must be between " +
                      std::to_string(kMinScale) + " and " + std::to_string(kMaxScale));
  }
}

Numeric Numeric::ApplyTypmod(int precision, int scale) const {
  const std::string field =
      "A field with precision " + std::to_string(precision) + ", scale " + std::to_string(scale);
  if (is_nan()) return *this;
  if (is_infinite()) {
    throw PgError(sqlstate::kNumericValueOutOfRange, "numeric field overflow",
                  field + " cannot hold an infinite value.");
  }
  Var v = var_;
  ni::RoundTo(&v, scale);
  if (v.dscale < 0) v.dscale = 0;
  const int maxdigits = precision - scale;
  if (!v.IsZero() && ni::DecimalWeight(v) + 1 > maxdigits) {
    std::string limit = maxdigits != 0 ? "10^" + std::to_string(maxdigits) : "1";
    throw PgError(sqlstate::kNumericValueOutOfRange, "numeric field overflow",
                  field + " must round to an absolute value less than " + limit + ".");
  }
  return FromVar(std::move(v));
}

// ---- Arithmetic ------------------------------------------------------------------

Numeric Numeric::Add(const Numeric& a, const Numeric& b) {
  if (a.is_nan() || b.is_nan()) return NaN();
  if (a.kind_ == Kind::kPosInf) return b.kind_ == Kind::kNegInf ? NaN() : Infinity();
  if (a.kind_ == Kind::kNegInf) return b.kind_ == Kind::kPosInf ? NaN() : NegativeInfinity();
  if (!b.is_finite()) return b;
  return FromVar(ni::Add(a.var_, b.var_));
}

Numeric Numeric::Sub(const Numeric& a, const Numeric& b) {
  if (a.is_nan() || b.is_nan()) return NaN();
  if (a.kind_ == Kind::kPosInf) return b.kind_ == Kind::kPosInf ? NaN() : Infinity();
  if (a.kind_ == Kind::kNegInf) return b.kind_ == Kind::kNegInf ? NaN() : NegativeInfinity();
  if (b.kind_ == Kind::kPosInf) return NegativeInfinity();
  if (b.kind_ == Kind::kNegInf) return Infinity();
  return FromVar(ni::Sub(a.var_, b.var_));
}

Numeric Numeric::Mul(const Numeric& a, const Numeric& b) {
  if (a.is_nan() || b.is_nan()) return NaN();
  if (!a.is_finite() || !b.is_finite()) {
    int s = SignOf(a) * SignOf(b);
    if (s == 0) return NaN();
    return s > 0 ? Infinity() : NegativeInfinity();
  }
  Var r = ni::Mul(a.var_, b.var_);
  if (r.dscale > ni::kMaxStoredDscale) ni::RoundTo(&r, ni::kMaxStoredDscale);
  return FromVar(std::move(r));
}

namespace {

// The NaN/Infinity cases shared by / and div(); nullopt if both are finite.
std::optional<Numeric> DivSpecial(const Numeric& a, const Numeric& b) {
  if (a.is_nan() || b.is_nan()) return Numeric::NaN();
  if (a.is_infinite()) {
    if (!b.is_finite()) return Numeric::NaN();
    int s = SignOf(b);
    if (s == 0) throw PgError(sqlstate::kDivisionByZero, "division by zero");
    return (s > 0) == (a.kind() == Numeric::Kind::kPosInf) ? Numeric::Infinity()
                                                           : Numeric::NegativeInfinity();
  }
  if (b.is_infinite()) return Numeric();
  return std::nullopt;
}

}  // namespace

Numeric Numeric::Div(const Numeric& a, const Numeric& b) {
  if (auto s = DivSpecial(a, b)) return *s;
  return FromVar(ni::Div(a.var_, b.var_, ni::SelectDivScale(a.var_, b.var_), true));
}

Numeric Numeric::DivTrunc(const Numeric& a, const Numeric& b) {
  if (auto s = DivSpecial(a, b)) return *s;
  return FromVar(ni::Div(a.var_, b.var_, 0, false));
}

Numeric Numeric::Mod(const Numeric& a, const Numeric& b) {
  if (a.is_nan() || b.is_nan()) return NaN();
  if (a.is_infinite()) {
    if (SignOf(b) == 0) throw PgError(sqlstate::kDivisionByZero, "division by zero");
    return NaN();
  }
  if (b.is_infinite()) return a;
  return FromVar(ni::Mod(a.var_, b.var_));
}

Numeric Numeric::Negate() const {
  switch (kind_) {
    case Kind::kPosInf:
      return NegativeInfinity();
    case Kind::kNegInf:
      return Infinity();
    case Kind::kNaN:
      return *this;
    case Kind::kFinite:
      break;
  }
  Numeric r = *this;
  if (!r.var_.IsZero()) r.var_.neg = !r.var_.neg;
  return r;
}

Numeric Numeric::Abs() const {
  if (kind_ == Kind::kNegInf) return Infinity();
  Numeric r = *this;
  r.var_.neg = false;
  return r;
}

int Numeric::Compare(const Numeric& a, const Numeric& b) {
  auto rank = [](Kind k) {
    switch (k) {
      case Kind::kNegInf:
        return 0;
      case Kind::kFinite:
        return 1;
      case Kind::kPosInf:
        return 2;
      case Kind::kNaN:
        return 3;
    }
    return 3;
  };
  int ra = rank(a.kind_), rb = rank(b.kind_);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra != 1) return 0;
  return ni::Cmp(a.var_, b.var_);
}

// ---- Functions ---------------------------------------------------------------------

Numeric Numeric::Round(int scale) const {
  if (!is_finite()) return *this;
  scale = ClampRoundScale(scale);
  Var v = var_;
  ni::RoundTo(&v, scale);
  if (scale < 0) v.dscale = 0;
  return FromVar(std::move(v));
}

Numeric Numeric::Trunc(int scale) const {
  if (!is_finite()) return *this;
  scale = ClampRoundScale(scale);
  Var v = var_;
  ni::TruncTo(&v, scale);
  if (scale < 0) v.dscale = 0;
  return FromVar(std::move(v));
}

Numeric Numeric::Ceil() const {
  if (!is_finite()) return *this;
  Var v = var_;
  ni::TruncTo(&v, 0);
  if (!var_.neg && ni::Cmp(v, var_) != 0) v = ni::Add(v, ni::MakeInt(1));
  return FromVar(std::move(v));
}

Numeric Numeric::Floor() const {
  if (!is_finite()) return *this;
  Var v = var_;
  ni::TruncTo(&v, 0);
  if (var_.neg && ni::Cmp(v, var_) != 0) v = ni::Sub(v, ni::MakeInt(1));
  return FromVar(std::move(v));
}

Numeric Numeric::Sign() const {
  if (is_nan()) return NaN();
  return FromInt64(SignOf(*this));
}

Numeric Numeric::Sqrt() const {
  if (kind_ == Kind::kNegInf || (is_finite() && var_.neg)) {
    throw PgError(kInvalidArgumentForPower, "cannot take square root of a negative number");
  }
  if (!is_finite()) return *this;
  const int sweight = (var_.weight + 1) * ni::kBaseDigits / 2 - 1;
  const int rscale = ClampScale(std::max(ni::kMinSigDigits - sweight, var_.dscale));
  return FromVar(ni::Sqrt(var_, rscale));
}

Numeric Numeric::Exp() const {
  if (kind_ == Kind::kNegInf) return Numeric();
  if (!is_finite()) return *this;
  double val = ni::ToDoubleNoOverflow(var_) * 0.434294481903252;
  val = std::min(std::max(val, -static_cast<double>(ni::kMaxResultScale)),
                 static_cast<double>(ni::kMaxResultScale));
  const int rscale = ClampScale(std::max(ni::kMinSigDigits - static_cast<int>(val), var_.dscale));
  return FromVar(ni::Exp(var_, rscale));
}

Numeric Numeric::Ln() const {
  if (kind_ == Kind::kNegInf) {
    throw PgError(kInvalidArgumentForLog, "cannot take logarithm of a negative number");
  }
  if (!is_finite()) return *this;
  const int rscale =
      ClampScale(std::max(ni::kMinSigDigits - ni::EstimateLnDweight(var_), var_.dscale));
  return FromVar(ni::Ln(var_, rscale));
}

Numeric Numeric::Log10() const { return Log(FromInt64(10), *this); }

Numeric Numeric::Log(const Numeric& base, const Numeric& x) {
  if (!base.is_finite() || !x.is_finite()) {
    if (base.is_nan() || x.is_nan()) return NaN();
    int s1 = SignOf(base), s2 = SignOf(x);
    if (s1 < 0 || s2 < 0) {
      throw PgError(kInvalidArgumentForLog, "cannot take logarithm of a negative number");
    }
    if (s1 == 0 || s2 == 0) throw PgError(kInvalidArgumentForLog, "cannot take logarithm of zero");
    if (base.kind_ == Kind::kPosInf) return x.kind_ == Kind::kPosInf ? NaN() : Numeric();
    return Infinity();
  }
  return FromVar(ni::Log(base.var_, x.var_));
}

Numeric Numeric::Power(const Numeric& x, const Numeric& y) {
  if (!x.is_finite() || !y.is_finite()) {
    // POSIX pow() rules, as PostgreSQL applies them.
    if (x.is_nan()) return (y.is_finite() && y.is_zero()) ? FromInt64(1) : NaN();
    if (y.is_nan()) {
      return (x.is_finite() && ni::Cmp(x.var_, ni::MakeInt(1)) == 0) ? FromInt64(1) : NaN();
    }
    const int s1 = SignOf(x), s2 = SignOf(y);
    if (s1 == 0 && s2 < 0) {
      throw PgError(kInvalidArgumentForPower, "zero raised to a negative power is undefined");
    }
    if (s1 < 0 && !IsIntegral(y)) {
      throw PgError(kInvalidArgumentForPower,
                    "a negative number raised to a non-integer power yields a complex result");
    }
    if (x.is_finite() && ni::Cmp(x.var_, ni::MakeInt(1)) == 0) return FromInt64(1);
    if (s2 == 0) return FromInt64(1);
    if (s1 == 0 && s2 > 0) return Numeric();
    if (y.is_infinite()) {
      bool abs_x_gt_one = true;
      if (x.is_finite()) {
        if (ni::Cmp(x.var_, ni::MakeInt(-1)) == 0) return FromInt64(1);
        Var a = x.var_;
        a.neg = false;
        abs_x_gt_one = ni::Cmp(a, ni::MakeInt(1)) > 0;
      }
      return abs_x_gt_one == (s2 > 0) ? Infinity() : Numeric();
    }
    if (x.kind_ == Kind::kPosInf) return s2 > 0 ? Infinity() : Numeric();
    // x is -Infinity, y finite nonzero.
    if (s2 < 0) return Numeric();
    const Var& e = y.var_;
    bool odd = !e.IsZero() && static_cast<int>(e.digits.size()) == e.weight + 1 && (e.digits.back() & 1);
    return odd ? NegativeInfinity() : Infinity();
  }
  if (x.is_zero() && y.var_.neg) {
    throw PgError(kInvalidArgumentForPower, "zero raised to a negative power is undefined");
  }
  return FromVar(ni::Power(x.var_, y.var_));
}

Numeric Numeric::Factorial(int64_t n) {
  if (n < 0) {
    throw PgError(sqlstate::kNumericValueOutOfRange, "factorial of a negative number is undefined");
  }
  if (n <= 1) return FromInt64(1);
  if (n > 32177) ThrowOverflow();
  Var r = ni::MakeInt(n);
  for (int64_t k = n - 1; k > 1; k--) r = ni::Mul(r, ni::MakeInt(k));
  return FromVar(std::move(r));
}

Numeric Numeric::Gcd(const Numeric& a, const Numeric& b) {
  if (!a.is_finite() || !b.is_finite()) return NaN();
  return FromVar(ni::Gcd(a.var_, b.var_));
}

Numeric Numeric::Lcm(const Numeric& a, const Numeric& b) {
  if (!a.is_finite() || !b.is_finite()) return NaN();
  Var r;
  if (!a.var_.IsZero() && !b.var_.IsZero()) {
    Var g = ni::Gcd(a.var_, b.var_);
    r = ni::Mul(b.var_, ni::Div(a.var_, g, 0, false));
    r.neg = false;
  }
  r.dscale = std::max(a.var_.dscale, b.var_.dscale);
  return FromVar(std::move(r));
}

std::optional<int> Numeric::Scale() const {
  if (!is_finite()) return std::nullopt;
  return var_.dscale;
}

std::optional<int> Numeric::MinScale() const {
  if (!is_finite()) return std::nullopt;
  return MinScaleOf(var_);
}

Numeric Numeric::TrimScale() const {
  if (!is_finite()) return *this;
  Numeric r = *this;
  r.var_.dscale = MinScaleOf(var_);
  return r;
}

// ---- NumericAccumulator ---------------------------------------------------------

void NumericAccumulator::Add(const Numeric& v) {
  switch (v.kind()) {
    case Numeric::Kind::kNaN:
      nan_count_++;
      return;
    case Numeric::Kind::kPosInf:
      pinf_count_++;
      return;
    case Numeric::Kind::kNegInf:
      ninf_count_++;
      return;
    case Numeric::Kind::kFinite:
      break;
  }
  count_++;
  sum_ = ni::Add(sum_, v.var());
}

void NumericAccumulator::Merge(const NumericAccumulator& other) {
  count_ += other.count_;
  nan_count_ += other.nan_count_;
  pinf_count_ += other.pinf_count_;
  ninf_count_ += other.ninf_count_;
  if (other.count_ > 0) sum_ = ni::Add(sum_, other.sum_);
}

std::optional<Numeric> NumericAccumulator::Special() const {
  if (nan_count_ > 0 || (pinf_count_ > 0 && ninf_count_ > 0)) return Numeric::NaN();
  if (pinf_count_ > 0) return Numeric::Infinity();
  if (ninf_count_ > 0) return Numeric::NegativeInfinity();
  return std::nullopt;
}

std::optional<Numeric> NumericAccumulator::Sum() const {
  if (count() == 0) return std::nullopt;
  if (auto s = Special()) return s;
  return Numeric::FromVar(sum_);
}

std::optional<Numeric> NumericAccumulator::Avg() const {
  if (count() == 0) return std::nullopt;
  if (auto s = Special()) return s;
  return Numeric::Div(Numeric::FromVar(sum_), Numeric::FromInt64(count_));
}

}  // namespace immu
