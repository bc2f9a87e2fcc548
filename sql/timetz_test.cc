// timetz's storage encoding (sql/timetz.h): bytewise order is PostgreSQL's
// timetz_cmp order, and it round-trips; precision rounding.

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sql/timetz.h"

namespace immu::sql {
namespace {

TEST_CASE("timetz encoding sorts by UTC time, then by zone, and round-trips") {
  DateTimeContext dt;
  // Ascending in PostgreSQL ('12:00+01' < '11:00+00': same instant, zone
  // -3600 < 0 seconds west).
  const std::vector<std::string> sorted = {"00:00+14", "10:00+02", "12:00+01", "11:00+00", "10:00-01",
                                           "10:00:00.000001-01", "23:59:59.999999-12"};
  std::vector<std::string> keys;
  for (const auto& text : sorted) {
    const TimeTzAdt t = ParseTimeTz(text, dt);
    keys.push_back(EncodeTimeTz(t));
    const TimeTzAdt back = DecodeTimeTz(keys.back());
    CHECK(back.time == t.time);
    CHECK(back.zone == t.zone);
  }
  CHECK(std::is_sorted(keys.begin(), keys.end()));
  for (size_t i = 1; i < sorted.size(); i++) {
    CHECK(CompareTimeTz(ParseTimeTz(sorted[i - 1], dt), ParseTimeTz(sorted[i], dt)) < 0);
  }
}

TEST_CASE("fractional precision rounds half away from zero") {
  CHECK(RoundToPrecision(123456, 2) == 120000);
  CHECK(RoundToPrecision(125000, 2) == 130000);
  CHECK(RoundToPrecision(-125000, 2) == -130000);
  CHECK(RoundToPrecision(500000, 0) == 1000000);
  CHECK(RoundToPrecision(123456, 6) == 123456);
  CHECK(RoundToPrecision(123456, -1) == 123456);
}

}  // namespace
}  // namespace immu::sql
