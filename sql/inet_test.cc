// inet/cidr parsing, output, binary form and the order-preserving storage
// encoding (sql/inet.h), against PostgreSQL 15's results.

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/inet.h"

namespace immu::sql {
namespace {

std::string RoundTrip(std::string_view text, bool is_cidr) { return FormatInet(ParseInet(text, is_cidr), is_cidr); }

TEST_CASE("inet and cidr text input and output as PostgreSQL") {
  CHECK(RoundTrip("10.1.2.3", false) == "10.1.2.3");
  CHECK(RoundTrip("10.1.2.3/24", false) == "10.1.2.3/24");
  CHECK(RoundTrip("10.1.2.3/32", false) == "10.1.2.3");
  CHECK(RoundTrip("10/8", true) == "10.0.0.0/8");
  CHECK(RoundTrip("10", true) == "10.0.0.0/8");
  CHECK(RoundTrip("192.168.1", true) == "192.168.1.0/24");
  CHECK(RoundTrip("128.1", true) == "128.1.0.0/16");
  CHECK(RoundTrip("224", true) == "224.0.0.0/4");
  CHECK(RoundTrip("10.1.2.3", true) == "10.1.2.3/32");
  CHECK(RoundTrip("::", false) == "::");
  CHECK(RoundTrip("::1", false) == "::1");
  CHECK(RoundTrip("1::", false) == "1::");
  CHECK(RoundTrip("2001:DB8:0:0:0:0:0:1", false) == "2001:db8::1");
  CHECK(RoundTrip("::ffff:1.2.3.4", false) == "::ffff:1.2.3.4");
  CHECK(RoundTrip("::1.2.3.4", false) == "::1.2.3.4");
  CHECK(RoundTrip("1:0:0:1::/64", true) == "1:0:0:1::/64");
  CHECK(RoundTrip("2001:db8::1/64", false) == "2001:db8::1/64");
  CHECK(InetShow(ParseInet("10.1.2.3", false)) == "10.1.2.3/32");
  CHECK(InetHost(ParseInet("10.1.2.3/24", false)) == "10.1.2.3");
  CHECK(CidrAbbrev(ParseInet("10.1.0.0/16", true)) == "10.1/16");
  CHECK(CidrAbbrev(ParseInet("10.1.2.0/23", true)) == "10.1.2/23");
  CHECK(CidrAbbrev(ParseInet("0.0.0.0/0", true)) == "0/0");
  CHECK(CidrAbbrev(ParseInet("2001:db8::/32", true)) == "2001:db8/32");
}

TEST_CASE("invalid inet and cidr input raise 22P02") {
  for (const char* bad : {"10", "10.1.2.3.4", "256.1.2.3", " 10.1.2.3", "10.1.2.3 ", "10.1.2.3/33", "1::2::3", "",
                          "::1/129", "::1/01", "10.1.2.3/"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(ParseInet(bad, false), PgError);
  }
  try {
    ParseInet("10.1.2.3/24", true);
    FAIL("accepted");
  } catch (const PgError& e) {
    CHECK(e.sqlstate() == "22P02");
    CHECK(std::string(e.what()) == "invalid cidr value: \"10.1.2.3/24\"");
  }
}

TEST_CASE("inet binary form is PostgreSQL's (family 2/3, bits, is_cidr, length, address)") {
  std::string out;
  AppendInetBinary(ParseInet("10.1.2.3/24", false), false, &out);
  CHECK(out == std::string("\x02\x18\x00\x04\x0a\x01\x02\x03", 8));
  out.clear();
  AppendInetBinary(ParseInet("::1", true), true, &out);
  CHECK(out.size() == 20);
  CHECK(out.substr(0, 4) == std::string("\x03\x80\x01\x10", 4));
  CHECK(FormatInet(InetFromBinary(out, true), true) == "::1/128");
  CHECK_THROWS_AS(InetFromBinary(std::string("\x02\x18\x00\x04\x0a\x01\x02\x03", 8), true), PgError);
  CHECK_THROWS_AS(InetFromBinary(std::string("\x05\x18\x00\x04\x0a\x01\x02\x03", 8), false), PgError);
  CHECK_THROWS_AS(InetFromBinary(std::string("\x02\x21\x00\x04\x0a\x01\x02\x03", 8), false), PgError);
  CHECK_THROWS_AS(InetFromBinary(std::string("\x02\x18\x00\x04\x0a", 5), false), PgError);
}

TEST_CASE("the storage encoding sorts as PostgreSQL's network_cmp and round-trips") {
  // Ascending in PostgreSQL: family, common prefix, masklen, host bits.
  const std::vector<std::string> sorted = {"0.0.0.0/0", "10.0.0.0/7",  "10.0.0.0/8", "10.0.0.1/8", "10.0.0.0/16",
                                           "10.0.0.1",  "11.0.0.0/8",  "::/0",       "::1",        "ffff::/16"};
  std::vector<std::string> keys;
  for (const auto& t : sorted) {
    const Inet ip = ParseInet(t, false);
    keys.push_back(EncodeInet(ip));
    CHECK(FormatInet(DecodeInet(keys.back()), false) == FormatInet(ip, false));
  }
  CHECK(std::is_sorted(keys.begin(), keys.end()));
  CHECK(std::adjacent_find(keys.begin(), keys.end()) == keys.end());
}

}  // namespace
}  // namespace immu::sql
