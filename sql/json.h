#pragma once
// JSON documents for the json and jsonb types, with PostgreSQL 15's rules.
//
// Values of both types are stored as text (Value::s): json keeps the input
// text exactly as given (it is only validated), jsonb keeps its canonical
// output form (keys deduplicated, last wins, ordered shorter-first then
// bytewise; numbers as numeric_out prints them; `{"a": 1, "b": [1, 2]}`
// spacing). Operations parse the text into a JsonNode tree. Numbers are kept
// as their decimal text and compared through Numeric, so no precision is lost.
//
// Every input error throws PgError 22P02 "invalid input syntax for type json"
// with a DETAIL worded like PostgreSQL's json lexer/parser.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sql/value.h"

namespace immu::sql {

struct ValueContext;

struct JsonNode {
  // Declared in jsonb's type order (null < string < number < boolean <
  // array < object), which CompareJsonb relies on.
  enum class Kind : uint8_t { kNull, kString, kNumber, kBool, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;               // string: decoded contents; number: its text
  std::vector<std::string> keys;  // object keys, parallel to items
  std::vector<JsonNode> items;    // array elements / object values
  // Byte range of this value in the parsed text (json keeps sub-values
  // verbatim: '{"a": [1,  2]}'::json -> 'a' is '[1,  2]').
  size_t begin = 0, end = 0;

  static JsonNode Null() { return JsonNode{}; }
  static JsonNode String(std::string s);
  static JsonNode Number(std::string digits);
  static JsonNode Bool(bool b);
  bool is_container() const { return kind == Kind::kArray || kind == Kind::kObject; }
  // The value of key (the last one, as PostgreSQL's json operators find it);
  // nullptr when absent or not an object.
  const JsonNode* Field(std::string_view key) const;
};

// Parses JSON text (RFC 8259). for_jsonb: \u0000 is rejected (22P05) as
// jsonb cannot hold it. Objects keep duplicate keys in input order.
JsonNode ParseJson(std::string_view text, bool for_jsonb = false);
// Parses and normalises into jsonb's canonical tree.
JsonNode ParseJsonb(std::string_view text);
// jsonb normalisation in place: numbers to numeric_out form, object keys
// deduplicated (last wins) and sorted (shorter first, then bytewise).
void NormalizeJsonb(JsonNode* node);
// jsonb_out: canonical text of a (normalised) tree.
std::string JsonbText(const JsonNode& node);
void AppendJsonbText(const JsonNode& node, std::string* out);
// jsonb_pretty: four-space indentation, one member per line.
std::string JsonbPretty(const JsonNode& node);
// The text of one value of a json document: its verbatim slice of `doc`.
inline std::string_view JsonSlice(std::string_view doc, const JsonNode& node) {
  return doc.substr(node.begin, node.end - node.begin);
}
// A JSON string literal for s, escaped as PostgreSQL's escape_json does.
void AppendJsonString(std::string_view s, std::string* out);
// A SQL value as to_json renders it (NULL -> null, numbers bare, NaN and
// infinities quoted, arrays as JSON arrays, json/jsonb embedded as is,
// timestamps in ISO 8601, everything else as a string of its text form).
void AppendJsonValue(const Value& v, const ValueContext& vc, std::string* out);

// jsonb's btree order (PostgreSQL's compareJsonbContainers): object > array
// > boolean > number > string > null; containers with more members sort
// later; equal-sized ones compare member by member (keys, then values).
int CompareJsonb(const JsonNode& a, const JsonNode& b);
// An order-preserving, self-delimiting key for index and grouping keys:
// memcmp of two keys has the sign of CompareJsonb, equal values (1.0 and
// 1) give identical keys.
void AppendJsonbKey(const JsonNode& node, std::string* out);
// Hash consistent with CompareJsonb == 0 (1.0 and 1 hash alike).
size_t HashJsonb(const JsonNode& node);
// PostgreSQL's JsonbDeepContains (a @> b), top level included.
bool JsonbContains(const JsonNode& a, const JsonNode& b);

// jsonb -> numeric, int2/4/8, float4/8, bool (explicit casts): the scalar
// converted as its SQL type would be; 22023 "cannot cast jsonb string to
// type integer" for anything else.
bool IsJsonbCastTarget(uint32_t type);
Value JsonbToScalar(const Value& v, uint32_t type, const ValueContext& ctx);

// Text-level helpers used by value I/O: validate json text, canonicalise
// jsonb text, and compare/hash canonical jsonb texts.
void ValidateJson(std::string_view text);
std::string CanonicalJsonb(std::string_view text);
int CompareJsonbText(std::string_view a, std::string_view b);
size_t HashJsonbText(std::string_view text);

}  // namespace immu::sql
