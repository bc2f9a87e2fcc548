#include "sql/numeric_var.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "catalog/pg_error.h"

namespace immu {
namespace numeric_internal {
namespace {

// Unsigned big integers, base 10000, most significant digit first. Used for
// the division and square-root cores, which work on integers.
using Big = std::vector<int32_t>;

void TrimLeading(Big* a) {
  size_t z = 0;
  while (z < a->size() && (*a)[z] == 0) z++;
  if (z > 0) a->erase(a->begin(), a->begin() + static_cast<std::ptrdiff_t>(z));
}

Big BigFromUint64(uint64_t v) {
  Big out;
  while (v > 0) {
    out.push_back(static_cast<int32_t>(v % kBase));
    v /= kBase;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

int BigCmp(const Big& a, const Big& b) {  // both trimmed
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = 0; i < a.size(); i++) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

Big BigAdd(const Big& a, const Big& b) {
  Big out(std::max(a.size(), b.size()) + 1, 0);
  int32_t carry = 0;
  for (size_t i = 0; i < out.size(); i++) {
    int32_t s = carry;
    if (i < a.size()) s += a[a.size() - 1 - i];
    if (i < b.size()) s += b[b.size() - 1 - i];
    carry = s >= kBase ? 1 : 0;
    out[out.size() - 1 - i] = s - carry * kBase;
  }
  TrimLeading(&out);
  return out;
}

Big BigHalve(const Big& a) {
  Big out(a.size());
  int32_t rem = 0;
  for (size_t i = 0; i < a.size(); i++) {
    int32_t cur = rem * kBase + a[i];
    out[i] = cur / 2;
    rem = cur % 2;
  }
  TrimLeading(&out);
  return out;
}

// floor(u / v) for trimmed u and nonzero trimmed v (Knuth, TAOCP vol. 2,
// 4.3.1, algorithm D).
Big BigDiv(const Big& u, const Big& v) {
  const size_t n = v.size();
  if (u.size() < n) return {};
  if (n == 1) {
    Big q(u.size());
    int64_t rem = 0;
    for (size_t i = 0; i < u.size(); i++) {
      int64_t cur = rem * kBase + u[i];
      q[i] = static_cast<int32_t>(cur / v[0]);
      rem = cur % v[0];
    }
    TrimLeading(&q);
    return q;
  }
  const size_t m = u.size() - n;
  const int32_t d = kBase / (v[0] + 1);
  Big vn(n), un(u.size() + 1);
  int32_t carry = 0;
  for (size_t i = n; i-- > 0;) {
    int32_t p = v[i] * d + carry;
    vn[i] = p % kBase;
    carry = p / kBase;
  }
  carry = 0;
  for (size_t i = u.size(); i-- > 0;) {
    int32_t p = u[i] * d + carry;
    un[i + 1] = p % kBase;
    carry = p / kBase;
  }
  un[0] = carry;

  Big q(m + 1);
  for (size_t j = 0; j <= m; j++) {
    int64_t num = static_cast<int64_t>(un[j]) * kBase + un[j + 1];
    int64_t qhat = num / vn[0];
    int64_t rhat = num % vn[0];
    while (qhat >= kBase || qhat * vn[1] > rhat * kBase + un[j + 2]) {
      qhat--;
      rhat += vn[0];
      if (rhat >= kBase) break;
    }
    // un[j..j+n] -= qhat * vn
    int64_t mul_carry = 0;
    int64_t borrow = 0;
    for (size_t i = n; i-- > 0;) {
      int64_t p = qhat * vn[i] + mul_carry;
      mul_carry = p / kBase;
      int64_t t = un[j + 1 + i] - p % kBase - borrow;
      borrow = t < 0 ? 1 : 0;
      un[j + 1 + i] = static_cast<int32_t>(t + borrow * kBase);
    }
    int64_t top = un[j] - mul_carry - borrow;
    if (top < 0) {
      // qhat was one too large: add vn back.
      qhat--;
      int32_t c = 0;
      for (size_t i = n; i-- > 0;) {
        int32_t s = un[j + 1 + i] + vn[i] + c;
        c = s >= kBase ? 1 : 0;
        un[j + 1 + i] = s - c * kBase;
      }
      top += c;
    }
    un[j] = static_cast<int32_t>(top);
    q[j] = static_cast<int32_t>(qhat);
  }
  TrimLeading(&q);
  return q;
}

// floor(sqrt(y)) for trimmed y.
Big BigSqrt(const Big& y) {
  if (y.empty()) return {};
  const size_t n = y.size();
  // Leading 1..3 digits, so that the remaining count is even.
  size_t m = (n % 2 == 0) ? std::min<size_t>(2, n) : std::min<size_t>(3, n);
  double t = 0;
  for (size_t i = 0; i < m; i++) t = t * kBase + y[i];
  // x0 >= sqrt(y): sqrt(t + 1) <= floor(sqrt(t)) + 1.
  Big x = BigFromUint64(static_cast<uint64_t>(std::sqrt(t)) + 2);
  x.insert(x.end(), (n - m) / 2, 0);
  for (;;) {
    Big next = BigHalve(BigAdd(x, BigDiv(y, x)));
    if (BigCmp(next, x) >= 0) return x;
    x = std::move(next);
  }
}

// The integer value of |v|'s digits followed by `zeros` zero digits.
Big DigitsToBig(const Var& v, int zeros) {
  Big out(v.digits.begin(), v.digits.end());
  out.insert(out.end(), static_cast<size_t>(zeros), 0);
  return out;
}

// A Var from the integer q scaled by kBase^-frac_digits.
Var BigToVar(const Big& q, int frac_digits, bool neg) {
  Var out;
  out.digits.assign(q.begin(), q.end());
  out.weight = static_cast<int>(q.size()) - 1 - frac_digits;
  out.neg = neg;
  Strip(&out);
  return out;
}

// Exponent (in base digits) of the last digit of a nonzero v.
int LastExponent(const Var& v) { return v.weight - static_cast<int>(v.digits.size()) + 1; }

Var AddAbs(const Var& a, const Var& b) {
  const int hi = std::max(a.weight, b.weight) + 1;
  const int lo = std::min(LastExponent(a), LastExponent(b));
  std::vector<int32_t> acc(static_cast<size_t>(hi - lo + 1), 0);
  for (size_t i = 0; i < a.digits.size(); i++) acc[hi - a.weight + i] += a.digits[i];
  for (size_t i = 0; i < b.digits.size(); i++) acc[hi - b.weight + i] += b.digits[i];
  for (size_t i = acc.size(); i-- > 1;) {
    if (acc[i] >= kBase) {
      acc[i] -= kBase;
      acc[i - 1]++;
    }
  }
  Var out;
  out.weight = hi;
  out.digits.assign(acc.begin(), acc.end());
  Strip(&out);
  return out;
}

// |a| - |b| where |a| >= |b|.
Var SubAbs(const Var& a, const Var& b) {
  const int hi = a.weight;
  const int lo = std::min(LastExponent(a), b.IsZero() ? LastExponent(a) : LastExponent(b));
  std::vector<int32_t> acc(static_cast<size_t>(hi - lo + 1), 0);
  for (size_t i = 0; i < a.digits.size(); i++) acc[hi - a.weight + i] += a.digits[i];
  for (size_t i = 0; i < b.digits.size(); i++) acc[hi - b.weight + i] -= b.digits[i];
  for (size_t i = acc.size(); i-- > 1;) {
    if (acc[i] < 0) {
      acc[i] += kBase;
      acc[i - 1]--;
    }
  }
  Var out;
  out.weight = hi;
  out.digits.assign(acc.begin(), acc.end());
  Strip(&out);
  return out;
}

Var SignedSum(const Var& a, const Var& b, bool negate_b) {
  const bool b_neg = negate_b ? !b.neg : b.neg;
  Var out;
  if (a.IsZero()) {
    out = b;
    out.neg = b.IsZero() ? false : b_neg;
  } else if (b.IsZero()) {
    out = a;
  } else if (a.neg == b_neg) {
    out = AddAbs(a, b);
    out.neg = a.neg;
  } else {
    int c = CmpAbs(a, b);
    if (c == 0) {
      out = Var();
    } else if (c > 0) {
      out = SubAbs(a, b);
      out.neg = a.neg;
    } else {
      out = SubAbs(b, a);
      out.neg = b_neg;
    }
  }
  if (out.IsZero()) out.neg = false;
  out.dscale = std::max(a.dscale, b.dscale);
  return out;
}

}  // namespace

Var MakeInt(int64_t v) {
  Var out;
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  Big b = BigFromUint64(u);
  out.digits.assign(b.begin(), b.end());
  out.weight = static_cast<int>(b.size()) - 1;
  out.neg = v < 0;
  Strip(&out);
  return out;
}

void Strip(Var* v) {
  size_t lead = 0;
  while (lead < v->digits.size() && v->digits[lead] == 0) lead++;
  if (lead > 0) {
    v->digits.erase(v->digits.begin(), v->digits.begin() + static_cast<std::ptrdiff_t>(lead));
    v->weight -= static_cast<int>(lead);
  }
  while (!v->digits.empty() && v->digits.back() == 0) v->digits.pop_back();
  if (v->digits.empty()) {
    v->weight = 0;
    v->neg = false;
  }
}

int DecimalWeight(const Var& v) {
  int d = v.digits[0];
  int extra = d >= 1000 ? 3 : d >= 100 ? 2 : d >= 10 ? 1 : 0;
  return v.weight * kBaseDigits + extra;
}

int CmpAbs(const Var& a, const Var& b) {
  if (a.IsZero() || b.IsZero()) {
    if (a.IsZero() && b.IsZero()) return 0;
    return a.IsZero() ? -1 : 1;
  }
  if (a.weight != b.weight) return a.weight < b.weight ? -1 : 1;
  size_t n = std::min(a.digits.size(), b.digits.size());
  for (size_t i = 0; i < n; i++) {
    if (a.digits[i] != b.digits[i]) return a.digits[i] < b.digits[i] ? -1 : 1;
  }
  if (a.digits.size() == b.digits.size()) return 0;
  return a.digits.size() < b.digits.size() ? -1 : 1;
}

int Cmp(const Var& a, const Var& b) {
  if (a.IsZero() && b.IsZero()) return 0;
  if (a.IsZero()) return b.neg ? 1 : -1;
  if (b.IsZero()) return a.neg ? -1 : 1;
  if (a.neg != b.neg) return a.neg ? -1 : 1;
  int c = CmpAbs(a, b);
  return a.neg ? -c : c;
}

Var Add(const Var& a, const Var& b) { return SignedSum(a, b, false); }
Var Sub(const Var& a, const Var& b) { return SignedSum(a, b, true); }

Var Mul(const Var& a, const Var& b) {
  Var out;
  out.dscale = a.dscale + b.dscale;
  if (a.IsZero() || b.IsZero()) return out;
  const size_t na = a.digits.size(), nb = b.digits.size();
  std::vector<uint64_t> acc(na + nb, 0);
  for (size_t i = 0; i < na; i++) {
    const uint64_t ai = static_cast<uint64_t>(a.digits[i]);
    if (ai == 0) continue;
    for (size_t j = 0; j < nb; j++) acc[i + j + 1] += ai * static_cast<uint64_t>(b.digits[j]);
  }
  uint64_t carry = 0;
  out.digits.resize(na + nb);
  for (size_t k = na + nb; k-- > 0;) {
    uint64_t s = acc[k] + carry;
    out.digits[k] = static_cast<int16_t>(s % kBase);
    carry = s / kBase;
  }
  out.weight = a.weight + b.weight + 1;
  out.neg = a.neg != b.neg;
  Strip(&out);
  return out;
}

Var MulRound(const Var& a, const Var& b, int rscale) {
  Var out = Mul(a, b);
  RoundTo(&out, rscale);
  return out;
}

Var Div(const Var& a, const Var& b, int rscale, bool round) {
  if (b.IsZero()) throw PgError(sqlstate::kDivisionByZero, "division by zero");
  Var out;
  if (!a.IsZero()) {
    // Quotient digits down to kBase^-frac, with one more decimal digit than
    // rscale when rounding, so that rounding the truncated quotient is exact.
    const int need = rscale + (round ? 1 : 0);
    const int frac = need > 0 ? (need + kBaseDigits - 1) / kBaseDigits : 0;
    // |a| / |b| * B^frac = A * B^(ea - eb + frac) / Bv
    const int shift = LastExponent(a) - LastExponent(b) + frac;
    Big num = DigitsToBig(a, std::max(shift, 0));
    Big den = DigitsToBig(b, std::max(-shift, 0));
    out = BigToVar(BigDiv(num, den), frac, a.neg != b.neg);
  }
  if (round) {
    RoundTo(&out, rscale);
  } else {
    TruncTo(&out, rscale);
  }
  return out;
}

Var Mod(const Var& a, const Var& b) {
  Var q = Div(a, b, 0, false);
  Var prod = Mul(b, q);
  prod.dscale = b.dscale;
  return Sub(a, prod);
}

int SelectDivScale(const Var& a, const Var& b) {
  int w1 = 0, w2 = 0, d1 = 0, d2 = 0;
  if (!a.IsZero()) {
    w1 = a.weight;
    d1 = a.digits[0];
  }
  if (!b.IsZero()) {
    w2 = b.weight;
    d2 = b.digits[0];
  }
  int qweight = w1 - w2;
  if (d1 <= d2) qweight--;
  int rscale = kMinSigDigits - qweight * kBaseDigits;
  rscale = std::max({rscale, a.dscale, b.dscale, 0});
  return std::min(rscale, kMaxDisplayScale);
}

Var Gcd(const Var& a_in, const Var& b_in) {
  const int dscale = std::max(a_in.dscale, b_in.dscale);
  Var a = a_in, b = b_in;
  a.neg = b.neg = false;
  if (CmpAbs(a, b) < 0) std::swap(a, b);
  while (!b.IsZero()) {
    Var r = Mod(a, b);
    r.neg = false;
    a = std::move(b);
    b = std::move(r);
  }
  a.neg = false;
  a.dscale = dscale;
  return a;
}

namespace {

void ChangeAt(Var* v, int rscale, bool round) {
  v->dscale = rscale;
  if (v->IsZero()) return;
  // Decimal digits kept, counted from the top of digits[0].
  const long keep = static_cast<long>(v->weight + 1) * kBaseDigits + rscale;
  const long have = static_cast<long>(v->digits.size()) * kBaseDigits;
  if (keep >= have) return;
  if (keep < 0) {
    *v = Var{false, 0, rscale, {}};
    return;
  }
  static const int kPow10[] = {1, 10, 100, 1000, 10000};
  const size_t idx = static_cast<size_t>(keep / kBaseDigits);
  const int pos = static_cast<int>(keep % kBaseDigits);  // decimal digits kept in digits[idx]
  const int unit = kPow10[kBaseDigits - pos];
  int d = v->digits[idx];
  const bool up = round && (d / kPow10[kBaseDigits - pos - 1]) % 10 >= 5;
  v->digits.resize(idx + 1);
  v->digits[idx] = static_cast<int16_t>(d - d % unit);
  if (up) {
    int carry = unit;
    for (size_t i = idx + 1; i-- > 0 && carry;) {
      int s = v->digits[i] + carry;
      carry = s >= kBase ? 1 : 0;
      v->digits[i] = static_cast<int16_t>(s - carry * kBase);
    }
    if (carry) {
      v->digits.insert(v->digits.begin(), 1);
      v->weight++;
    }
  }
  const int saved = v->dscale;
  Strip(v);
  v->dscale = saved;
}

}  // namespace

void RoundTo(Var* v, int rscale) { ChangeAt(v, rscale, true); }
void TruncTo(Var* v, int rscale) { ChangeAt(v, rscale, false); }

void RoundSig(Var* v, int sig) {
  if (v->IsZero()) return;
  RoundTo(v, sig - 1 - DecimalWeight(*v));
}

Var Sqrt(const Var& a, int rscale) {
  Var out;
  if (!a.IsZero()) {
    // floor(sqrt(a) * B^k) = isqrt(A * B^(ea + 2k)) with at least one decimal
    // digit beyond rscale, then round.
    int k = (rscale + 1 + kBaseDigits - 1) / kBaseDigits;
    const int ea = LastExponent(a);
    k = std::max({k, (-ea + 1) / 2, 0});
    Big y = DigitsToBig(a, ea + 2 * k);
    out = BigToVar(BigSqrt(y), k, false);
  }
  RoundTo(&out, rscale);
  return out;
}

bool ToInt64(const Var& v, int64_t* out) {
  Var r = v;
  RoundTo(&r, 0);
  if (r.IsZero()) {
    *out = 0;
    return true;
  }
  // Accumulate negatively so that INT64_MIN fits.
  int64_t acc = 0;
  for (int i = 0; i <= r.weight; i++) {
    int64_t d = i < static_cast<int>(r.digits.size()) ? r.digits[i] : 0;
    if (__builtin_mul_overflow(acc, static_cast<int64_t>(kBase), &acc)) return false;
    if (__builtin_sub_overflow(acc, d, &acc)) return false;
  }
  if (!r.neg) {
    if (acc == INT64_MIN) return false;
    acc = -acc;
  }
  *out = acc;
  return true;
}

std::string ToText(const Var& v) {
  std::string s;
  if (v.neg) s += '-';
  const int n = static_cast<int>(v.digits.size());
  auto digit = [&](int i) -> int { return i >= 0 && i < n ? v.digits[i] : 0; };
  int d;
  if (v.weight < 0) {
    d = v.weight + 1;
    s += '0';
  } else {
    for (d = 0; d <= v.weight; d++) {
      int dig = digit(d);
      char buf[4] = {static_cast<char>('0' + dig / 1000), static_cast<char>('0' + dig / 100 % 10),
                     static_cast<char>('0' + dig / 10 % 10), static_cast<char>('0' + dig % 10)};
      int start = 0;
      if (d == 0) {
        while (start < 3 && buf[start] == '0') start++;
      }
      s.append(buf + start, static_cast<size_t>(4 - start));
    }
  }
  if (v.dscale > 0) {
    s += '.';
    size_t end = s.size() + static_cast<size_t>(v.dscale);
    for (int i = 0; i < v.dscale; d++, i += kBaseDigits) {
      int dig = digit(d);
      s += static_cast<char>('0' + dig / 1000);
      s += static_cast<char>('0' + dig / 100 % 10);
      s += static_cast<char>('0' + dig / 10 % 10);
      s += static_cast<char>('0' + dig % 10);
    }
    s.resize(end);
  }
  return s;
}

double ToDoubleNoOverflow(const Var& v) {
  Var exact = v;
  int frac = static_cast<int>(v.digits.size()) - v.weight - 1;
  exact.dscale = std::max(0, frac * kBaseDigits);
  std::string text = ToText(exact);
  return std::strtod(text.c_str(), nullptr);
}

}  // namespace numeric_internal
}  // namespace immu
