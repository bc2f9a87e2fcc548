// Encodings of user-defined type values (sql/user_types.h): enum rows and
// keys, record text I/O and quoting, domain values, without a session.

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/row_codec.h"
#include "sql/user_types.h"
#include "sql/value_io.h"

namespace immu::sql {
namespace {

// A catalog with mood (enum, labels added out of order), pair (a int, b
// text) and posint (domain over int4).
std::shared_ptr<const Catalog> TestCatalog() {
  auto cat = std::make_shared<const Catalog>();
  TypeDef mood;
  mood.oid = 20000;
  mood.array_oid = 20001;
  mood.name = "mood";
  mood.kind = 'e';
  mood.labels = {{20002, 1, "sad"}, {20005, 1.5, "meh"}, {20003, 2, "happy"}};
  TypeDef pair;
  pair.oid = 20010;
  pair.array_oid = 20011;
  pair.name = "pair";
  pair.kind = 'c';
  pair.fields = {{"a", oid::kInt4, -1}, {"b", oid::kText, -1}};
  TypeDef posint;
  posint.oid = 20020;
  posint.array_oid = 20021;
  posint.name = "posint";
  posint.kind = 'd';
  posint.base_type = oid::kInt4;
  return cat->WithType(mood)->WithType(pair)->WithType(posint);
}

std::string Key(const Value& v) {
  std::string k;
  AppendKeyValue(v, &k);
  return k;
}

TEST_CASE("enum values compare, key-encode and round-trip rows by label oid") {
  const auto cat = TestCatalog();
  UserTypeScope scope(&cat);
  const TypeDef& mood = *cat->FindTypeDefByOid(20000);
  const Value sad = EnumFromLabel(mood, "sad"), meh = EnumFromLabel(mood, "meh"), happy = EnumFromLabel(mood, "happy");
  CHECK(CompareValues(sad, meh) < 0);
  CHECK(CompareValues(meh, happy) < 0);
  CHECK(CompareValues(happy, happy) == 0);
  CHECK(Key(sad) < Key(meh));
  CHECK(Key(meh) < Key(happy));
  CHECK(Key(happy) < Key(Value::Null(mood.oid)));  // NULLS LAST
  CHECK(HashValue(meh) == HashValue(EnumFromLabel(mood, "meh")));
  CHECK(ToText(meh, ValueContext{}) == "meh");
  CHECK_THROWS_AS(EnumFromLabel(mood, "Sad"), PgError);

  std::string row;
  AppendRowValues({meh, Value::Null(mood.oid)}, &row);
  std::vector<Value> back;
  DecodeRow(row, {mood.oid, mood.oid}, &back);
  REQUIRE(back.size() == 2);
  CHECK(back[0].s == "meh");
  CHECK(back[0].i == 20005);
  CHECK(back[0].f == 1.5);
  CHECK(back[1].null);
  // A reader that no longer knows the type (its column dropped with it)
  // still steps over the value.
  std::vector<Value> blind;
  DecodeRow(row, {99999, mood.oid}, &blind);
  CHECK(blind[1].null);
}

TEST_CASE("record text output quotes as record_out and parses back") {
  const auto cat = TestCatalog();
  UserTypeScope scope(&cat);
  const ValueContext ctx;
  std::string s;
  AppendRecordField("a b", &s);
  AppendRecordField("", &s);
  AppendRecordField("x\"y\\z", &s);
  AppendRecordField("plain", &s);
  CHECK(s == "\"a b\"\"\"\"x\"\"y\\\\z\"plain");

  const Value v = FromText("(1,\"a,b\")", 20010, -1, ctx);
  REQUIRE(v.arr);
  CHECK((*v.arr)[0].i == 1);
  CHECK((*v.arr)[1].s == "a,b");
  CHECK(ToText(v, ctx) == "(1,\"a,b\")");
  const Value n = FromText("(,\"\")", 20010, -1, ctx);
  CHECK((*n.arr)[0].null);
  CHECK((*n.arr)[1].s.empty());
  CHECK(ToText(n, ctx) == "(,\"\")");
  CHECK_THROWS_AS(FromText("(1,2,3)", 20010, -1, ctx), PgError);
  CHECK_THROWS_AS(FromText("1,2", 20010, -1, ctx), PgError);
  CHECK_THROWS_AS(FromText("(x,y)", 20010, -1, ctx), PgError);

  std::string row;
  AppendRowValues({v}, &row);
  std::vector<Value> back;
  DecodeRow(row, {20010}, &back);
  CHECK(ToText(back[0], ctx) == "(1,\"a,b\")");
  CHECK(CompareValues(back[0], FromText("(1,b)", 20010, -1, ctx)) < 0);
}

TEST_CASE("domains read and write as their base type") {
  const auto cat = TestCatalog();
  UserTypeScope scope(&cat);
  const ValueContext ctx;
  CHECK(BaseType(20020) == oid::kInt4);
  const Value v = FromText("42", 20020, -1, ctx);
  CHECK(v.type == oid::kInt4);
  CHECK(v.i == 42);
  CHECK(FormatType(20020, -1) == "posint");
  CHECK(FormatType(20001, -1) == "mood[]");
  CHECK(TypeOidByName("pair") == 20010);
  CHECK(ArrayTypeOf(20000) == 20001);
  CHECK(ArrayElementType(20001) == 20000);
}

TEST_CASE("without a scope user type oids are unknown") {
  CHECK(FindUserType(20000) == nullptr);
  CHECK(TypeOidByName("mood") == 0);
}

}  // namespace
}  // namespace immu::sql
