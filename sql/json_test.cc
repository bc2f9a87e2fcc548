#include "sql/json.h"

#include <doctest/doctest.h>

#include "catalog/pg_error.h"
#include "sql/json_edit.h"
#include "sql/json_path.h"

namespace immu::sql {
namespace {

std::string Canon(std::string_view text) { return CanonicalJsonb(text); }

std::string ErrorDetail(std::string_view text) {
  try {
    ValidateJson(text);
  } catch (const PgError& e) {
    CHECK(e.sqlstate() == "22P02");
    return e.detail();
  }
  return "no error";
}

TEST_CASE("json parser accepts RFC 8259 documents and keeps sub-value text") {
  const std::string doc = R"( {"a" : [1,  2.50, -0.5e3], "b": {"c": null}, "s": "x\"\u00e9\ud83d\ude00"} )";
  const JsonNode n = ParseJson(doc);
  REQUIRE(n.kind == JsonNode::Kind::kObject);
  REQUIRE(n.keys.size() == 3);
  CHECK(JsonSlice(doc, n.items[0]) == "[1,  2.50, -0.5e3]");
  CHECK(n.items[0].items[2].text == "-0.5e3");
  CHECK(n.items[2].text == "x\"\xC3\xA9\xF0\x9F\x98\x80");
  CHECK(n.Field("b")->Field("c")->kind == JsonNode::Kind::kNull);
  CHECK(ParseJson("true").boolean);
  CHECK(ParseJson(" \"\" ").kind == JsonNode::Kind::kString);
}

TEST_CASE("json parser errors carry PostgreSQL's details") {
  CHECK(ErrorDetail("") == "The input string ended unexpectedly.");
  CHECK(ErrorDetail("{\"a\":}") == "Expected JSON value, but found \"}\".");
  CHECK(ErrorDetail("[1 2]") == "Expected \",\" or \"]\", but found \"2\".");
  CHECK(ErrorDetail("{\"a\" 1}") == "Expected \":\", but found \"1\".");
  CHECK(ErrorDetail("{1:2}") == "Expected string or \"}\", but found \"1\".");
  CHECK(ErrorDetail("{\"a\":1,}") == "Expected string, but found \"}\".");
  CHECK(ErrorDetail("1 2") == "Expected end of input, but found \"2\".");
  CHECK(ErrorDetail("tru") == "Token \"tru\" is invalid.");
  CHECK(ErrorDetail("01") == "Token \"01\" is invalid.");
  CHECK(ErrorDetail("\"a\nb\"") == "Character with value 0x0a must be escaped.");
  CHECK(ErrorDetail("\"\\x\"") == "Escape sequence \"\\x\" is invalid.");
  CHECK(ErrorDetail("\"\\u12\"") == "\"\\u\" must be followed by four hexadecimal digits.");
  CHECK(ErrorDetail("\"\\ude00\"") == "Unicode low surrogate must follow a high surrogate.");
  CHECK(ErrorDetail("[1,]") == "Expected JSON value, but found \"]\".");
  CHECK_THROWS_AS(ParseJson("\"\\u0000\"", true), PgError);
  CHECK_NOTHROW(ParseJson("\"\\u0000\"", false));
  CHECK_THROWS_AS(ParseJson(std::string(5000, '[') + std::string(5000, ']')), PgError);
}

TEST_CASE("jsonb normalises keys, numbers and spacing") {
  CHECK(Canon(R"({"bb":1,"a":2,"c":3,"a":4})") == R"({"a": 4, "c": 3, "bb": 1})");
  CHECK(Canon("[1.50, 1e2, -0, 0.1E-1]") == "[1.50, 100, 0, 0.01]");
  CHECK(Canon(R"( {"x":[ ],"y":{ }} )") == R"({"x": [], "y": {}})");
  CHECK(Canon(R"("a\/b\u0041\t")") == R"("a/bA\t")");
  CHECK(JsonbPretty(ParseJsonb(R"({"a":[1,{}],"b":[]})")) ==
        "{\n    \"a\": [\n        1,\n        {\n        }\n    ],\n    \"b\": [\n    ]\n}");
}

TEST_CASE("jsonb ordering and containment follow PostgreSQL") {
  auto cmp = [](std::string_view a, std::string_view b) { return CompareJsonbText(a, b); };
  CHECK(cmp("null", "\"a\"") < 0);
  CHECK(cmp("\"a\"", "1") < 0);
  CHECK(cmp("1", "true") < 0);
  CHECK(cmp("true", "[]") > 0);  // raw scalar vs empty array: the length wins
  CHECK(cmp("true", "[true]") < 0);
  CHECK(cmp("[1]", "{}") < 0);
  CHECK(cmp("[1, 2]", "[3]") > 0);
  CHECK(cmp("1.0", "1") == 0);
  CHECK(HashJsonbText("1.0") == HashJsonbText("1"));
  CHECK(cmp(R"({"a": 1})", R"({"a": 2})") < 0);
  CHECK(JsonbContains(ParseJsonb(R"({"a":[1,2,{"b":3}],"c":4})"), ParseJsonb(R"({"a":[{"b":3},1]})")));
  CHECK(!JsonbContains(ParseJsonb(R"({"a":[1]})"), ParseJsonb(R"({"a":1})")));
  CHECK(JsonbContains(ParseJsonb("[1,2]"), ParseJsonb("1")));
  CHECK(!JsonbContains(ParseJsonb("1"), ParseJsonb("[1]")));
}

TEST_CASE("jsonb path edits") {
  auto path = [](std::initializer_list<const char*> steps) {
    std::vector<Value> v;
    for (const char* s : steps) v.push_back(Value::Str(oid::kText, s));
    return v;
  };
  JsonNode n = ParseJsonb(R"({"a":[1,2,3],"b":{"c":1}})");
  const JsonNode nine = ParseJsonb("9");
  JsonbSetPath(&n, path({"a", "-1"}), &nine, JsonPathOp::kReplace);
  JsonbSetPath(&n, path({"b", "d"}), &nine, JsonPathOp::kCreate);
  JsonbSetPath(&n, path({"a", "0"}), &nine, JsonPathOp::kInsertAfter);
  CHECK(JsonbText(n) == R"({"a": [1, 9, 2, 9], "b": {"c": 1, "d": 9}})");
  JsonbSetPath(&n, path({"a", "1"}), nullptr, JsonPathOp::kDelete);
  CHECK(JsonbText(n) == R"({"a": [1, 2, 9], "b": {"c": 1, "d": 9}})");
  CHECK_THROWS_AS(JsonbSetPath(&n, path({"a", "x"}), &nine, JsonPathOp::kReplace), PgError);
  CHECK_THROWS_AS(JsonbSetPath(&n, path({"b", "c"}), &nine, JsonPathOp::kInsertBefore), PgError);
  CHECK(JsonbText(JsonbConcat(ParseJsonb("1"), ParseJsonb(R"({"a":1})"))) == R"([1, {"a": 1}])");
}

}  // namespace
}  // namespace immu::sql

namespace immu::sql {
namespace {

TEST_CASE("jsonb keys sort as CompareJsonb does") {
  const std::vector<std::string> docs = {
      "null", "\"\"", "\"a\"", "\"ab\"", "\"b\"", "-1", "1", "1.0", "2.5", "false", "true", "[]", "[1]", "[\"a\"]",
      "[true]", "[1, 2]", "[[1]]", "[{}]", "{}", "{\"a\": 1}", "{\"b\": 1}", "{\"a\": 2}", "{\"aa\": 1}",
      "{\"a\": 1, \"b\": 2}", "{\"a\": [1]}", "{\"a\": null}", "[1, 2, 3]", "[\"a\\u0001\"]"};
  for (const auto& x : docs) {
    for (const auto& y : docs) {
      std::string kx, ky;
      AppendJsonbKey(ParseJsonb(x), &kx);
      AppendJsonbKey(ParseJsonb(y), &ky);
      const int c = CompareJsonbText(x, y);
      const int k = kx.compare(ky);
      INFO(x << " vs " << y);
      CHECK((c < 0) == (k < 0));
      CHECK((c == 0) == (k == 0));
    }
  }
}

}  // namespace
}  // namespace immu::sql

namespace immu::sql {
namespace {

TEST_CASE("jsonpath refuses paths deep enough to exhaust the stack") {
  const JsonNode doc = ParseJsonb(R"({"a": [1, 2, 3]})");
  CHECK(JsonPathQuery(doc, "$.a[*] ? (@ >= 2)", nullptr, false).items.size() == 2);
  CHECK_THROWS_AS(JsonPathQuery(doc, std::string(100000, '(') + "1" + std::string(100000, ')'), nullptr, false), PgError);
  CHECK_THROWS_AS(JsonPathQuery(doc, std::string(100000, '-') + "1", nullptr, false), PgError);
  std::string chain = "$";
  for (int i = 0; i < 100000; i++) chain += ".a";
  CHECK_THROWS_AS(JsonPathQuery(doc, chain, nullptr, false), PgError);
  std::string sum = "1";
  for (int i = 0; i < 100000; i++) sum += "+1";
  CHECK_THROWS_AS(JsonPathQuery(doc, sum, nullptr, false), PgError);
  const JsonPathResult silent = JsonPathQuery(doc, "strict $.b", nullptr, true);
  CHECK(silent.failed);
}

}  // namespace
}  // namespace immu::sql
