#pragma once
// Helpers shared by the pgwire unit tests (header only: not part of the
// library).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/pg_error.h"

namespace immu::pgwire::testing {

// The SQLSTATE f() throws as a PgError, "no error" if it returns. Any other
// exception type propagates and fails the test.
template <typename F>
std::string ThrownSqlState(F&& f) {
  try {
    f();
  } catch (const PgError& e) {
    return e.sqlstate();
  }
  return "no error";
}

inline std::string FromHexString(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
  };
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return out;
}

// Splits a stream of typed messages (either direction) into (type, body)
// without any validation beyond bounds: the tests' view of what was written.
inline std::vector<std::pair<char, std::string>> SplitTyped(std::string_view s) {
  std::vector<std::pair<char, std::string>> out;
  while (s.size() >= 5) {
    uint32_t len = 0;
    for (int i = 1; i <= 4; i++) len = len << 8 | static_cast<uint8_t>(s[i]);
    if (len < 4 || s.size() < 1 + static_cast<size_t>(len)) break;
    out.emplace_back(s[0], std::string(s.substr(5, len - 4)));
    s.remove_prefix(1 + len);
  }
  if (!s.empty()) out.emplace_back('?', std::string(s));  // leftover: a test failure
  return out;
}

}  // namespace immu::pgwire::testing
