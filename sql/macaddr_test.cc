// macaddr / macaddr8 input layouts and conversions (sql/macaddr.h), against
// PostgreSQL 15's results.

#include <doctest/doctest.h>

#include <string>

#include "catalog/pg_error.h"
#include "sql/macaddr.h"

namespace immu::sql {
namespace {

TEST_CASE("macaddr accepts PostgreSQL's seven layouts") {
  for (const char* ok : {"08:00:2b:01:02:03", "08-00-2b-01-02-03", "08002b:010203", "08002b-010203", "0800.2b01.0203",
                         "0800-2b01-0203", "08002b010203", " 8:0:2B:1:2:3 ", "08:00:2b: 01:02:03"}) {
    CAPTURE(ok);
    CHECK(FormatMacaddr(ParseMacaddr(ok)) == "08:00:2b:01:02:03");
  }
  for (const char* bad : {"08:00:2b:01:02", "08:00:2b:01:02:03:04", "08-00-2b:01:02:03", "08:00:2b:01:02:03x", ""}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(ParseMacaddr(bad), PgError);
  }
}

TEST_CASE("macaddr8 takes 6 or 8 hex pairs with one consistent separator") {
  CHECK(FormatMacaddr(ParseMacaddr8("08:00:2b:01:02:03:04:05")) == "08:00:2b:01:02:03:04:05");
  CHECK(FormatMacaddr(ParseMacaddr8("0800.2b01.0203.0405")) == "08:00:2b:01:02:03:04:05");
  CHECK(FormatMacaddr(ParseMacaddr8("08:00:2b:01:02:03")) == "08:00:2b:ff:fe:01:02:03");
  CHECK(FormatMacaddr(ParseMacaddr8(" 08002b0102030405 ")) == "08:00:2b:01:02:03:04:05");
  // PostgreSQL reads pairs only: a lone trailing character is never looked at.
  CHECK(FormatMacaddr(ParseMacaddr8("08:00:2b:01:02:03x")) == "08:00:2b:ff:fe:01:02:03");
  for (const char* bad : {"08:00:2b:01:02:03:04", "08:00-2b:01:02:03", "08:00:2b:01:02:0g", "8:0:2b:1:2:3",
                          "08:00:2b:01:02:03:04:05:06"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(ParseMacaddr8(bad), PgError);
  }
}

TEST_CASE("macaddr <-> macaddr8") {
  CHECK(FormatMacaddr(MacaddrToMacaddr8(ParseMacaddr("08:00:2b:01:02:03"))) == "08:00:2b:ff:fe:01:02:03");
  CHECK(FormatMacaddr(Macaddr8ToMacaddr(ParseMacaddr8("08:00:2b:ff:fe:02:03:04"))) == "08:00:2b:02:03:04");
  try {
    Macaddr8ToMacaddr(ParseMacaddr8("08:00:2b:01:02:03:04:05"));
    FAIL("converted");
  } catch (const PgError& e) {
    CHECK(e.sqlstate() == "22003");
  }
}

}  // namespace
}  // namespace immu::sql
