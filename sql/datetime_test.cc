#include "sql/datetime.h"

#include <doctest/doctest.h>

namespace immu {
namespace {

TEST_SUITE("datetime") {
TEST_CASE("datetime: smoke") {
  DateTimeContext ctx;
  CHECK(FormatDate(ParseDate("2024-03-05", ctx)) == "2024-03-05");
}
}

}  // namespace
}  // namespace immu
