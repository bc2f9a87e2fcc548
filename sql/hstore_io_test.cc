#include "sql/hstore.h"

#include <doctest/doctest.h>

#include "catalog/pg_error.h"

namespace immu::sql {
namespace {

std::string State(std::string_view text) {
  try {
    HstoreIn(text);
  } catch (const PgError& e) {
    return e.sqlstate();
  }
  return "ok";
}

TEST_CASE("hstore: text input is canonicalised as hstore_out prints it") {
  CHECK(HstoreIn("") == "");
  CHECK(HstoreIn("  ") == "");
  CHECK(HstoreIn("b=>2, a=>1") == "\"a\"=>\"1\", \"b\"=>\"2\"");
  // Shorter keys first, then bytes; NULL (any case, unquoted) is SQL NULL.
  CHECK(HstoreIn("aaa=>1, bb=>NuLl, c=>\"NULL\"") == "\"c\"=>\"NULL\", \"bb\"=>NULL, \"aaa\"=>\"1\"");
  // The first of duplicate keys is kept.
  CHECK(HstoreIn("a=>1, a=>2") == "\"a\"=>\"1\"");
  // Escapes in quoted and bare words; quotes and backslashes escaped on output.
  CHECK(HstoreIn("\"x\\\"y\"=>a\\,b") == "\"x\\\"y\"=>\"a,b\"");
  CHECK(HstoreIn("a=>1,") == "\"a\"=>\"1\"");
}

TEST_CASE("hstore: malformed text input fails like hstore_in") {
  CHECK(State("a") == "XX000");
  CHECK(State("a=>") == "XX000");
  CHECK(State("=>1") == "XX000");
  CHECK(State("a=>1 x") == "XX000");
  CHECK(State("a=>\"open") == "XX000");
  CHECK(State("a->1") == "XX000");
}

TEST_CASE("hstore: binary send and receive round-trip") {
  const std::string canonical = HstoreIn("k=>v, n=>NULL, \"\"=>\"\"");
  std::string wire;
  HstoreSend(canonical, &wire);
  CHECK(HstoreRecv(wire) == canonical);
  CHECK(HstorePairs{{"", ""}, {"k", "v"}, {"n", std::nullopt}} == HstoreParse(canonical));
  // Truncated data and trailing garbage are 22P03.
  for (const std::string& bad : {wire.substr(0, wire.size() - 1), wire + "x", std::string("\x7f\xff\xff\xff", 4)}) {
    try {
      HstoreRecv(bad);
      FAIL("accepted bad binary hstore");
    } catch (const PgError& e) {
      CHECK(e.sqlstate() == "22P03");
    }
  }
}

TEST_CASE("hstore: pairs to canonical text, first or last of equal keys") {
  const HstorePairs p = {{"a", "1"}, {"b", std::nullopt}, {"a", "2"}};
  CHECK(HstoreFromPairs(p) == "\"a\"=>\"1\", \"b\"=>NULL");
  CHECK(HstoreFromPairs(p, true) == "\"a\"=>\"2\", \"b\"=>NULL");
}

}  // namespace
}  // namespace immu::sql
