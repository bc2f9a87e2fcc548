#pragma once
// A minimal JSON value, parser and writer for the proof documents of
// docs/VERIFICATION.md. It accepts RFC 8259 JSON with these limits: numbers
// are kept as their source text (callers parse the integers they expect, so
// 64-bit ids never pass through a double), nesting is at most 64 deep, and
// \u escapes must form valid UTF-8 (surrogate pairs combined).
//
// Thread-safety: plain values.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "verify/status.h"

namespace immu::json {

class Value {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  // Number: its text; string: its decoded bytes; object: its source text
  // (as it appeared in the parsed document, for display).
  const std::string& text() const { return text_; }
  bool boolean() const { return bool_; }
  const std::vector<Value>& items() const { return items_; }
  // nullptr when this is not an object or has no such member.
  const Value* Find(std::string_view name) const;

  static Result<Value> Parse(std::string_view text);

 private:
  friend class Parser;
  Type type_ = Type::kNull;
  bool bool_ = false;
  std::string text_;
  std::vector<Value> items_;                 // array elements
  std::map<std::string, Value, std::less<>> members_;  // object members
};

// Typed member access for documents whose shape is fixed: each fails with
// Corruption("<field>: ...") when the member is missing or of another type.
Status GetString(const Value& obj, std::string_view name, std::string* out);
Status GetU64(const Value& obj, std::string_view name, uint64_t* out);
Status GetI64(const Value& obj, std::string_view name, int64_t* out);

// Appends s as a JSON string literal (quotes included); bytes that are not
// valid UTF-8 are escaped as \u00XX of each byte.
void AppendString(std::string* out, std::string_view s);

}  // namespace immu::json
