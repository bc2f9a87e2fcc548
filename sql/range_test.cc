// Ranges and multiranges (sql/range.h): text parsing and quoting, the
// binary wire format (PostgreSQL's range_send/multirange_send bytes), row
// round trips, and index keys ordered as CompareRanges orders values.

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/range.h"
#include "sql/row_codec.h"
#include "sql/value_io.h"

namespace immu::sql {
namespace {

Value Parse(const char* text, uint32_t type) { return FromText(text, type, -1, ValueContext{}); }
std::string Text(const Value& v) { return ToText(v, ValueContext{}); }

std::string Sqlstate(const char* text, uint32_t type) {
  try {
    Parse(text, type);
  } catch (const PgError& e) {
    return e.sqlstate();
  }
  return "";
}

TEST_CASE("range text input canonicalises discrete types") {
  CHECK(Text(Parse("[1,5]", oid::kInt4Range)) == "[1,6)");
  CHECK(Text(Parse("(1,5)", oid::kInt4Range)) == "[2,5)");
  CHECK(Text(Parse("(4,5)", oid::kInt4Range)) == "empty");
  CHECK(Text(Parse(" (,) ", oid::kInt8Range)) == "(,)");
  CHECK(Sqlstate("( , )", oid::kInt8Range) == "22P02");  // " " is not a bigint
  CHECK(Text(Parse("[,3]", oid::kInt4Range)) == "(,4)");
  CHECK(Text(Parse("[1.50,2]", oid::kNumRange)) == "[1.50,2]");
  CHECK(Text(Parse("[2020-01-01,2020-01-01]", oid::kDateRange)) == "[2020-01-01,2020-01-02)");
  CHECK(Text(Parse("eMpTy", oid::kNumRange)) == "empty");
}

TEST_CASE("range text input errors") {
  CHECK(Sqlstate("1,5", oid::kInt4Range) == "22P02");
  CHECK(Sqlstate("[1,5", oid::kInt4Range) == "22P02");
  CHECK(Sqlstate("[1,2,3)", oid::kInt4Range) == "22P02");
  CHECK(Sqlstate("empty!", oid::kInt4Range) == "22P02");
  CHECK(Sqlstate("[5,1)", oid::kInt4Range) == "22000");
  CHECK(Sqlstate("[1,2147483647]", oid::kInt4Range) == "22003");
  CHECK(Sqlstate("{[1,2) [3,4)}", oid::kInt4Multirange) == "22P02");
}

TEST_CASE("range bounds are quoted on output when needed") {
  CHECK(Text(Parse("[\"2020-01-01 10:00\",)", oid::kTsRange)) == "[\"2020-01-01 10:00:00\",)");
  // Quotes group, a backslash takes the next character literally.
  CHECK(Text(Parse("[\"1\",\"5\")", oid::kInt4Range)) == "[1,5)");
  CHECK(Text(Parse("[\\1,5)", oid::kInt4Range)) == "[1,5)");
  CHECK(Sqlstate("[\"1,5)", oid::kInt4Range) == "22P02");
}

TEST_CASE("range binary format is PostgreSQL's") {
  std::string out;
  AppendBinary(Parse("[1,5)", oid::kInt4Range), &out);
  CHECK(out == std::string("\x02\x00\x00\x00\x04\x00\x00\x00\x01\x00\x00\x00\x04\x00\x00\x00\x05", 17));
  out.clear();
  AppendBinary(Parse("(,5)", oid::kInt4Range), &out);
  CHECK(out == std::string("\x08\x00\x00\x00\x04\x00\x00\x00\x05", 9));
  out.clear();
  AppendBinary(Parse("empty", oid::kInt4Range), &out);
  CHECK(out == std::string("\x01", 1));
  out.clear();
  const Value mr = Parse("{[1,3),[5,7)}", oid::kInt4Multirange);
  AppendBinary(mr, &out);
  CHECK(out.size() == 4 + 2 * (4 + 17));
  CHECK(Text(FromBinary(out, oid::kInt4Multirange, -1)) == "{[1,3),[5,7)}");
  // range_recv canonicalises and validates like range_in.
  const std::string inclusive("\x06\x00\x00\x00\x04\x00\x00\x00\x01\x00\x00\x00\x04\x00\x00\x00\x05", 17);
  CHECK(Text(FromBinary(inclusive, oid::kInt4Range, -1)) == "[1,6)");
  CHECK_THROWS_AS(FromBinary(std::string("\x40", 1), oid::kInt4Range, -1), PgError);
}

TEST_CASE("range rows round-trip and keys follow range order") {
  const char* texts[] = {"empty", "(,)", "(,3)", "[1,2)", "[1,3)", "[1,)", "[2,3)", "(,1)"};
  std::vector<Value> values;
  for (const char* t : texts) values.push_back(Parse(t, oid::kInt4Range));
  values.push_back(Value::Null(oid::kInt4Range));
  std::string row;
  AppendRowValues(values, &row);
  std::vector<Value> back;
  DecodeRow(row, std::vector<uint32_t>(values.size(), oid::kInt4Range), &back);
  REQUIRE(back.size() == values.size());
  for (size_t k = 0; k + 1 < values.size(); k++) CHECK(Text(back[k]) == Text(values[k]));
  CHECK(back.back().null);
  values.pop_back();
  for (const Value& a : values) {
    for (const Value& b : values) {
      std::string ka, kb;
      AppendKeyValue(a, &ka);
      AppendKeyValue(b, &kb);
      const int c = CompareValues(a, b);
      CHECK_MESSAGE((ka < kb) == (c < 0), (Text(a) + " vs " + Text(b)));
      CHECK_MESSAGE((ka == kb) == (c == 0), (Text(a) + " vs " + Text(b)));
    }
  }
}

TEST_CASE("numeric range keys order inclusive and exclusive bounds") {
  const char* texts[] = {"[1,2]", "(1,2]", "[1,2)", "(1,2)", "[1,1]", "(,2]", "[1,)"};
  for (const char* x : texts) {
    for (const char* y : texts) {
      const Value a = Parse(x, oid::kNumRange), b = Parse(y, oid::kNumRange);
      std::string ka, kb;
      AppendKeyValue(a, &ka);
      AppendKeyValue(b, &kb);
      const int c = CompareValues(a, b);
      CHECK_MESSAGE((ka < kb) == (c < 0), (std::string(x) + " vs " + y));
    }
  }
}

TEST_CASE("multiranges merge, sort and compare") {
  CHECK(Text(Parse("{[5,7), [1,3), [2,4), empty}", oid::kInt4Multirange)) == "{[1,4),[5,7)}");
  CHECK(Text(Parse("{[1,2], [3,4)}", oid::kInt4Multirange)) == "{[1,4)}");
  CHECK(Text(Parse("{[1,2], (2,4)}", oid::kNumMultirange)) == "{[1,4)}");
  CHECK(Text(Parse("{[1,2), (2,4)}", oid::kNumMultirange)) == "{[1,2),(2,4)}");
  const Value a = Parse("{[1,3)}", oid::kInt4Multirange), b = Parse("{[1,3),[5,6)}", oid::kInt4Multirange);
  CHECK(CompareValues(a, b) < 0);
  CHECK(CompareValues(Parse("{}", oid::kInt4Multirange), a) < 0);
  std::string ka, kb;
  AppendKeyValue(a, &ka);
  AppendKeyValue(b, &kb);
  CHECK(ka < kb);
}

TEST_CASE("range algebra") {
  auto r = [](const char* t) { return Parse(t, oid::kInt4Range); };
  CHECK(Text(RangeUnion(r("[1,5)"), r("[5,8)"), true)) == "[1,8)");
  CHECK_THROWS_AS(RangeUnion(r("[1,5)"), r("[6,8)"), true), PgError);
  CHECK(Text(RangeUnion(r("[1,5)"), r("[6,8)"), false)) == "[1,8)");
  CHECK(Text(RangeIntersect(r("[1,5)"), r("[3,8)"))) == "[3,5)");
  CHECK(Text(RangeMinus(r("[1,10)"), r("[5,20)"))) == "[1,5)");
  CHECK_THROWS_AS(RangeMinus(r("[1,10)"), r("[3,5)")), PgError);
  CHECK(RangeMinusPieces(r("[1,10)"), r("[3,5)")).size() == 2);
  CHECK(RangeAdjacent(r("[1,5)"), r("[5,8)")));
  CHECK(RangeAdjacent(r("[1,4]"), r("[5,8)")));
  CHECK_FALSE(RangeAdjacent(Parse("[1,4]", oid::kNumRange), Parse("[5,8)", oid::kNumRange)));
  CHECK(RangeContainsElem(r("[1,5)"), Value::Int(oid::kInt4, 4)));
  CHECK_FALSE(RangeContainsElem(r("[1,5)"), Value::Int(oid::kInt4, 5)));
}

}  // namespace
}  // namespace immu::sql
