// Table-driven check of Numeric against outputs produced by a real
// PostgreSQL 15.18 server (see the header of numeric_pg_cases_*.inc).

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>

#include "catalog/pg_error.h"
#include "sql/numeric.h"

namespace immu {
namespace {

struct PgCase {
  const char* op;
  const char* a;
  const char* b;
  const char* want;
};

const PgCase kPgCases[] = {
#include "sql/numeric_pg_cases_0.inc"
#include "sql/numeric_pg_cases_1.inc"
#include "sql/numeric_pg_cases_2.inc"
};

std::string Hex(const std::string& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out = "\\x";
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string OrNull(const std::optional<Numeric>& n) { return n ? n->ToString() : ""; }
std::string OrNull(const std::optional<int>& n) { return n ? std::to_string(*n) : ""; }

// PostgreSQL prints float8 in shortest round-trip form; compare as doubles.
std::string FloatText(double got, std::string_view want, bool single) {
  double w = 0;
  if (want == "Infinity") {
    w = HUGE_VAL;
  } else if (want == "-Infinity") {
    w = -HUGE_VAL;
  } else if (want == "NaN") {
    return std::isnan(got) ? std::string(want) : "not NaN";
  } else {
    w = single ? static_cast<double>(std::strtof(std::string(want).c_str(), nullptr))
               : std::strtod(std::string(want).c_str(), nullptr);
  }
  return got == w ? std::string(want) : std::to_string(got);
}

std::string Eval(std::string_view op, const std::string& a, const std::string& b, std::string_view want) {
  auto n = [](const std::string& s) { return Numeric::Parse(s); };
  try {
    if (op == "in") return n(a).ToString();
    if (op == "+") return (n(a) + n(b)).ToString();
    if (op == "-") return (n(a) - n(b)).ToString();
    if (op == "*") return (n(a) * n(b)).ToString();
    if (op == "/") return (n(a) / n(b)).ToString();
    if (op == "%") return (n(a) % n(b)).ToString();
    if (op == "^") return Numeric::Power(n(a), n(b)).ToString();
    if (op == "div") return Numeric::DivTrunc(n(a), n(b)).ToString();
    if (op == "gcd") return Numeric::Gcd(n(a), n(b)).ToString();
    if (op == "lcm") return Numeric::Lcm(n(a), n(b)).ToString();
    if (op == "log") return Numeric::Log(n(a), n(b)).ToString();
    if (op == "round") return n(a).Round(std::stoi(b)).ToString();
    if (op == "trunc") return n(a).Trunc(std::stoi(b)).ToString();
    if (op == "ceil") return n(a).Ceil().ToString();
    if (op == "floor") return n(a).Floor().ToString();
    if (op == "sign") return n(a).Sign().ToString();
    if (op == "abs") return n(a).Abs().ToString();
    if (op == "neg") return (-n(a)).ToString();
    if (op == "sqrt") return n(a).Sqrt().ToString();
    if (op == "exp") return n(a).Exp().ToString();
    if (op == "ln") return n(a).Ln().ToString();
    if (op == "log10") return n(a).Log10().ToString();
    if (op == "scale") return OrNull(n(a).Scale());
    if (op == "min_scale") return OrNull(n(a).MinScale());
    if (op == "trim_scale") return n(a).TrimScale().ToString();
    if (op == "typmod") {
      size_t comma = b.find(',');
      int precision = std::stoi(b.substr(0, comma));
      int scale = comma == std::string::npos ? 0 : std::stoi(b.substr(comma + 1));
      Numeric::CheckTypmod(precision, scale);
      return n(a).ApplyTypmod(precision, scale).ToString();
    }
    if (op == "int2") return std::to_string(n(a).ToInt16());
    if (op == "int4") return std::to_string(n(a).ToInt32());
    if (op == "int8") return std::to_string(n(a).ToInt64());
    if (op == "float8") return FloatText(n(a).ToDouble(), want, false);
    if (op == "float4") return FloatText(static_cast<double>(n(a).ToFloat()), want, true);
    if (op == "from_float8") return Numeric::FromDouble(std::strtod(a.c_str(), nullptr)).ToString();
    if (op == "from_float4") return Numeric::FromFloat(std::strtof(a.c_str(), nullptr)).ToString();
    if (op == "from_int8") return Numeric::FromInt64(std::stoll(a)).ToString();
    if (op == "cmp") return std::to_string(Numeric::Compare(n(a), n(b)));
    if (op == "factorial") return Numeric::Factorial(std::stoll(a)).ToString();
    if (op == "sum" || op == "avg") {
      NumericAccumulator acc;
      size_t start = 0;
      for (;;) {
        size_t end = a.find(';', start);
        acc.Add(n(a.substr(start, end - start)));
        if (end == std::string::npos) break;
        start = end + 1;
      }
      return OrNull(op == "sum" ? acc.Sum() : acc.Avg());
    }
    if (op == "send") return Hex(n(a).ToBinary());
    return "unknown op";
  } catch (const PgError& e) {
    std::string s = "!" + e.sqlstate() + "|" + e.message();
    if (!e.detail().empty()) s += "|" + e.detail();
    return s;
  }
}

// Known deviations. exp(-1e-8) is 0.99999999000000004999..., which rounds to
// ...00; PostgreSQL's exp_var carries too few guard digits here, sees the
// exact tie ...000005 and rounds up. We return the correctly rounded value.
bool KnownDeviation(const PgCase& c) {
  return std::string_view(c.op) == "exp" && std::string_view(c.a) == "-0.00000001";
}

TEST_CASE("numeric: PostgreSQL 15 reference table") {
  int failures = 0;
  for (const PgCase& c : kPgCases) {
    if (KnownDeviation(c)) continue;
    std::string got = Eval(c.op, c.a, c.b, c.want);
    if (got != c.want) {
      failures++;
      std::string what = std::string(c.op) + "(" + c.a + ", " + c.b + ")";
      std::string want = c.want;
      CAPTURE(what);
      CHECK(got == want);
    }
  }
  CHECK(failures == 0);
  MESSAGE(std::size(kPgCases), " PostgreSQL-checked cases");
}

}  // namespace
}  // namespace immu
