#include "sql/numeric.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "catalog/pg_error.h"

namespace immu {
namespace {

Numeric N(const char* s) { return Numeric::Parse(s); }

std::string Key(const Numeric& n) {
  std::string k;
  n.AppendKeyEncoding(&k);
  return k;
}

// A mix of specials, zeros with different scales, and random finite values
// of very different magnitudes and digit counts.
std::vector<Numeric> SampleValues() {
  std::vector<Numeric> v = {N("NaN"),   N("Infinity"), N("-Infinity"), N("0"),      N("0.000"),
                            N("1"),     N("1.0"),      N("1.00"),      N("-1"),     N("-1.000"),
                            N("10000"), N("9999.9999"), N("1e-16383"), N("-1e-16383"),
                            N("9.9999e131071"), N("-9.9999e131071"), N("0.0001"), N("0.00010001"),
                            N("123456789012345678901234567890.123456789")};
  std::mt19937_64 rng(42);
  for (int i = 0; i < 400; i++) {
    std::string s = (rng() % 2) ? "-" : "";
    int int_digits = static_cast<int>(rng() % 12);
    int frac_digits = static_cast<int>(rng() % 12);
    for (int d = 0; d < int_digits; d++) s += static_cast<char>('0' + rng() % 10);
    if (int_digits == 0) s += '0';
    if (frac_digits > 0) {
      s += '.';
      for (int d = 0; d < frac_digits; d++) s += static_cast<char>('0' + rng() % 10);
    }
    s += "e" + std::to_string(static_cast<int>(rng() % 80) - 40);
    v.push_back(Numeric::Parse(s));
  }
  return v;
}

TEST_CASE("numeric: parse and print keep the display scale") {
  CHECK(N("1.50").ToString() == "1.50");
  CHECK(N("0.000").ToString() == "0.000");
  CHECK(N("-0.00").ToString() == "0.00");
  CHECK(N(" 1.5e3 ").ToString() == "1500");
  CHECK(N("1.5e-3").ToString() == "0.0015");
  CHECK(N("nan").ToString() == "NaN");
  CHECK(N("-inf").ToString() == "-Infinity");
  CHECK(N("1.50").dscale() == 2);
  CHECK(N("12345.678").weight() == 1);
  CHECK(N("12345.678").digits() == std::vector<int16_t>{1, 2345, 6780});
  try {
    N("12abc");
    FAIL("no error");
  } catch (const PgError& e) {
    CHECK(e.sqlstate() == "22P02");
    CHECK(e.message() == "invalid input syntax for type numeric: \"12abc\"");
  }
}

TEST_CASE("numeric: examples from the PostgreSQL docs") {
  CHECK((N("1") / N("3")).ToString() == "0.33333333333333333333");
  CHECK((N("10") / N("4")).ToString() == "2.5000000000000000");
  CHECK((N("1.5") * N("2.25")).ToString() == "3.375");
  CHECK(N("123.455").ApplyTypmod(5, 2).ToString() == "123.46");
  try {
    N("1234.5").ApplyTypmod(5, 2);
    FAIL("no error");
  } catch (const PgError& e) {
    CHECK(e.sqlstate() == "22003");
    CHECK(e.message() == "numeric field overflow");
    CHECK(e.detail() == "A field with precision 5, scale 2 must round to an absolute value less than 10^3.");
  }
  CHECK(N("1234").ApplyTypmod(2, -2).ToString() == "1200");
  CHECK(N("0.00099").ApplyTypmod(2, 5).ToString() == "0.00099");
  CHECK(N("2").Sqrt().ToString() == "1.414213562373095");
  CHECK(Numeric::Power(N("2"), N("0.5")).ToString() == "1.4142135623730950");
}

TEST_CASE("numeric: comparison orders NaN last and ignores scale") {
  CHECK(N("1.0") == N("1.00"));
  CHECK(N("NaN") == N("NaN"));
  CHECK(N("Infinity") < N("NaN"));
  CHECK(N("-Infinity") < N("-1e100"));
  CHECK(N("1e100") < N("Infinity"));
  CHECK(N("-2") < N("-1.5"));
  CHECK(N("0") == N("-0.000"));
}

TEST_CASE("numeric: key encoding sorts like Compare and ignores scale") {
  std::vector<Numeric> values = SampleValues();
  for (size_t i = 0; i < values.size(); i++) {
    for (size_t j = 0; j < values.size(); j += 7) {
      int c = Numeric::Compare(values[i], values[j]);
      int k = Key(values[i]).compare(Key(values[j]));
      k = k < 0 ? -1 : k > 0 ? 1 : 0;
      REQUIRE(c == k);
    }
  }
  CHECK(Key(N("1.0")) == Key(N("1.00")));
  CHECK(Key(N("0")) == Key(N("-0.000")));
  // Self-delimiting: a suffix after the key does not change the order.
  CHECK(Key(N("1")) + "\xff" < Key(N("1.0001")) + "\x00");
  CHECK(Key(N("-1.0001")) + "\xff" < Key(N("-1")) + "\x00");
  for (const Numeric& v : values) {
    std::string k = Key(v) + "tail";
    std::string_view in = k;
    Numeric back;
    REQUIRE(Numeric::DecodeKey(&in, &back));
    CHECK(in == "tail");
    CHECK(Numeric::Compare(back, v) == 0);
  }
}

TEST_CASE("numeric: value encoding round-trips exactly") {
  std::vector<Numeric> values = SampleValues();
  values.push_back(N("1.50000"));
  std::string buf;
  for (const Numeric& v : values) v.EncodeValue(&buf);
  std::string_view in = buf;
  for (const Numeric& v : values) {
    Numeric back;
    REQUIRE(Numeric::DecodeValue(&in, &back));
    CHECK(back.ToString() == v.ToString());
    CHECK(back.kind() == v.kind());
  }
  CHECK(in.empty());
  // Every strict prefix of one encoding is rejected.
  std::string one;
  N("-12345.678900").EncodeValue(&one);
  for (size_t len = 0; len < one.size(); len++) {
    std::string_view part(one.data(), len);
    Numeric out;
    CHECK_FALSE(Numeric::DecodeValue(&part, &out));
  }
}

TEST_CASE("numeric: binary wire format") {
  for (const Numeric& v : SampleValues()) {
    Numeric back = Numeric::FromBinary(v.ToBinary());
    CHECK(back.ToString() == v.ToString());
  }
  // -12.5 as PostgreSQL sends it.
  CHECK(N("-12.5").ToBinary() == std::string("\x00\x02\x00\x00\x40\x00\x00\x01\x00\x0c\x13\x88", 12));
  auto error_of = [](std::string data) {
    try {
      Numeric::FromBinary(data);
    } catch (const PgError& e) {
      return e.sqlstate() + ": " + e.message();
    }
    return std::string("ok");
  };
  CHECK(error_of(std::string("\x00\x00\x00\x00\x12\x34\x00\x00", 8)) ==
        "22P03: invalid sign in external \"numeric\" value");
  CHECK(error_of(std::string("\x00\x00\x00\x00\x00\x00\x40\x00", 8)) ==
        "22P03: invalid scale in external \"numeric\" value");
  CHECK(error_of(std::string("\x00\x01\x00\x00\x00\x00\x00\x00\x27\x10", 10)) ==
        "22P03: invalid digit in external \"numeric\" value");
  CHECK(error_of(std::string("\x00\x01\x00\x00\x00\x00\x00\x00\x00", 9)) ==
        "08P01: insufficient data left in message");
  CHECK(error_of(std::string("\x00\x00\x00\x00\x00\x00\x00", 7)) == "08P01: insufficient data left in message");
  // Digits hidden by dscale are truncated: 1.2345 with dscale 2 -> 1.23.
  CHECK(Numeric::FromBinary(std::string("\x00\x02\x00\x00\x00\x00\x00\x02\x00\x01\x09\x29", 12)).ToString() ==
        "1.23");
  // Leading zero digits are accepted and stripped.
  CHECK(Numeric::FromBinary(std::string("\x00\x02\x00\x01\x00\x00\x00\x00\x00\x00\x00\x07", 12)).ToString() ==
        "7");
}

TEST_CASE("numeric: hash agrees with equality") {
  CHECK(N("1.0").Hash() == N("1.00").Hash());
  CHECK(N("0").Hash() == N("-0.000").Hash());
  CHECK(N("NaN").Hash() == N("nan").Hash());
  CHECK(N("1").Hash() != N("-1").Hash());
  CHECK(N("1").Hash() != N("10000").Hash());
  CHECK(N("Infinity").Hash() != N("-Infinity").Hash());
}

TEST_CASE("numeric: conversions") {
  CHECK(Numeric::FromInt64(INT64_MIN).ToString() == "-9223372036854775808");
  CHECK(N("-9223372036854775808").ToInt64() == INT64_MIN);
  CHECK(N("2.5").ToInt32() == 3);
  CHECK(N("-2.5").ToInt16() == -3);
  CHECK(Numeric::FromDouble(0.1).ToString() == "0.1");
  CHECK(Numeric::FromDouble(1e20).ToString() == "100000000000000000000");
  CHECK(N("0.1").ToDouble() == 0.1);
  try {
    N("NaN").ToInt32();
    FAIL("no error");
  } catch (const PgError& e) {
    CHECK(e.sqlstate() == "0A000");
    CHECK(e.message() == "cannot convert NaN to integer");
  }
  try {
    N("-Infinity").ToInt16();
    FAIL("no error");
  } catch (const PgError& e) {
    CHECK(e.message() == "cannot convert infinity to smallint");
  }
}

TEST_CASE("numeric: typmod limits") {
  CHECK_NOTHROW(Numeric::CheckTypmod(1000, -1000));
  try {
    Numeric::CheckTypmod(0, 0);
    FAIL("no error");
  } catch (const PgError& e) {
    CHECK(e.sqlstate() == "22023");
    CHECK(e.message() == "NUMERIC precision 0 must be between 1 and 1000");
  }
  try {
    Numeric::CheckTypmod(5, 1001);
    FAIL("no error");
  } catch (const PgError& e) {
    CHECK(e.message() == "NUMERIC scale 1001 must be between -1000 and 1000");
  }
}

TEST_CASE("numeric: sum and avg") {
  NumericAccumulator acc;
  CHECK_FALSE(acc.Sum().has_value());
  CHECK_FALSE(acc.Avg().has_value());
  acc.AddInt64(1);
  acc.AddInt64(2);
  CHECK(acc.Sum()->ToString() == "3");
  CHECK(acc.Avg()->ToString() == "1.5000000000000000");
  NumericAccumulator other;
  other.Add(N("0.25"));
  acc.Merge(other);
  CHECK(acc.count() == 3);
  CHECK(acc.Sum()->ToString() == "3.25");
  CHECK(acc.Avg()->ToString() == "1.08333333333333333333");
  other.Add(N("NaN"));
  CHECK(other.Sum()->is_nan());
}

TEST_CASE("numeric: high precision and large values") {
  // sqrt(2) to 1000 places squares back to within one unit of the last place.
  Numeric two = N("2.000").ApplyTypmod(1000, 1000 - 1);
  Numeric r = two.Sqrt();
  CHECK(r.dscale() == 999);
  Numeric diff = (r * r - N("2")).Abs();
  CHECK(diff < N("1e-995"));
  // Values are copied by value.
  Numeric a = N("123.450");
  Numeric b = a;
  b = b + N("1");
  CHECK(a.ToString() == "123.450");
  CHECK(b.ToString() == "124.450");
  CHECK(Numeric::Factorial(25).ToString() == "15511210043330985984000000");
  CHECK_THROWS_AS(N("9e131071") * N("10"), PgError);
}

}  // namespace
}  // namespace immu
