#include "sql/numeric.h"

#include <doctest/doctest.h>

namespace immu {
namespace {

TEST_CASE("numeric: smoke") {
  CHECK(Numeric::Parse("1.50").ToString() == "1.50");
  CHECK((Numeric::Parse("1") / Numeric::Parse("3")).ToString() == "0.33333333333333333333");
}

}  // namespace
}  // namespace immu
