#pragma once
// The jsonpath syntax tree shared by its parser (json_path_parser.cc) and
// evaluator (json_path.cc). Not a public API: see json_path.h.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sql/json.h"

namespace immu::sql::jsonpath {

struct PathNode;
using PathPtr = std::unique_ptr<PathNode>;

struct PathNode {
  enum class Type {
    kRoot, kCurrent, kVar, kLiteral, kLast,    // primaries
    kKey, kAnyKey, kAnyIndex, kIndex, kFilter, kMethod,  // accessors (args[0]: base)
    kBinary, kUnary, kExists, kNot, kIsUnknown, kStartsWith
  };
  Type type;
  std::string name;    // key, variable, method or operator
  JsonNode literal;
  std::vector<PathPtr> args;                          // operands / base
  std::vector<std::pair<PathPtr, PathPtr>> subscripts;  // [a to b] (second may be null)
};

// Parses path text (with its optional lax/strict prefix into *strict).
// Throws 42601 on bad syntax, 54001/54000 on paths too deep or too large.
PathPtr ParsePath(std::string_view text, bool* strict);

}  // namespace immu::sql::jsonpath
