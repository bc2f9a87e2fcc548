// JSON functions and operators that ORMs and their introspection queries
// use: json_build_object / json_build_array (SQLAlchemy's inspector builds
// its identity-column options with json_build_object) and the field and
// element operators -> and ->> on json and jsonb.
//
// json and jsonb values are kept as their input text, so the operators scan
// that text and return the selected value's exact slice, as PostgreSQL's
// json operators do; the text is assumed to be one well-formed JSON value,
// and a malformed one raises 22P02.

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/functions.h"

namespace immu::sql {

namespace {

[[noreturn]] void BadJson() {
  throw PgError(sqlstate::kInvalidTextRepresentation, "invalid input syntax for type json");
}

size_t SkipWs(std::string_view s, size_t p) {
  while (p < s.size() && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r')) p++;
  return p;
}

// The end of the JSON value starting at s[p] (no leading whitespace).
size_t SkipValue(std::string_view s, size_t p) {
  if (p >= s.size()) BadJson();
  const char c = s[p];
  if (c == '"') {
    for (p++; p < s.size(); p++) {
      if (s[p] == '\\') {
        p++;
      } else if (s[p] == '"') {
        return p + 1;
      }
    }
    BadJson();
  }
  if (c == '{' || c == '[') {
    const char close = c == '{' ? '}' : ']';
    p = SkipWs(s, p + 1);
    if (p < s.size() && s[p] == close) return p + 1;
    while (true) {
      p = SkipValue(s, p);
      if (c == '{') {
        p = SkipWs(s, p);
        if (p >= s.size() || s[p] != ':') BadJson();
        p = SkipValue(s, SkipWs(s, p + 1));
      }
      p = SkipWs(s, p);
      if (p >= s.size()) BadJson();
      if (s[p] == close) return p + 1;
      if (s[p] != ',') BadJson();
      p = SkipWs(s, p + 1);
    }
  }
  const size_t start = p;
  while (p < s.size() && s[p] != ',' && s[p] != ']' && s[p] != '}' && s[p] != ':' && s[p] != ' ' &&
         s[p] != '\t' && s[p] != '\n' && s[p] != '\r') {
    p++;
  }
  if (p == start) BadJson();
  return p;
}

std::string UnescapeString(std::string_view quoted) {
  auto j = nlohmann::json::parse(quoted, nullptr, false);
  if (!j.is_string()) BadJson();
  return j.get<std::string>();
}

// The slice of the member `key` of the object `doc` (empty when `doc` is not
// an object or has no such member; the last of duplicate keys wins).
std::string_view ObjectField(std::string_view doc, std::string_view key) {
  size_t p = SkipWs(doc, 0);
  std::string_view found;
  if (p >= doc.size() || doc[p] != '{') return found;
  p = SkipWs(doc, p + 1);
  if (p < doc.size() && doc[p] == '}') return found;
  while (p < doc.size()) {
    const size_t key_end = SkipValue(doc, p);
    const bool match = UnescapeString(doc.substr(p, key_end - p)) == key;
    p = SkipWs(doc, key_end);
    if (p >= doc.size() || doc[p] != ':') BadJson();
    p = SkipWs(doc, p + 1);
    const size_t value_end = SkipValue(doc, p);
    if (match) found = doc.substr(p, value_end - p);
    p = SkipWs(doc, value_end);
    if (p < doc.size() && doc[p] == ',') p = SkipWs(doc, p + 1);
    else break;
  }
  return found;
}

// The slice of element `index` of the array `doc` (negative counts from
// the end); empty when out of range or `doc` is not an array.
std::string_view ArrayElement(std::string_view doc, int64_t index) {
  size_t p = SkipWs(doc, 0);
  std::vector<std::string_view> elems;
  if (p >= doc.size() || doc[p] != '[') return {};
  p = SkipWs(doc, p + 1);
  if (p < doc.size() && doc[p] == ']') return {};
  while (p < doc.size()) {
    const size_t end = SkipValue(doc, p);
    elems.push_back(doc.substr(p, end - p));
    p = SkipWs(doc, end);
    if (p < doc.size() && doc[p] == ',') p = SkipWs(doc, p + 1);
    else break;
  }
  if (index < 0) index += static_cast<int64_t>(elems.size());
  if (index < 0 || index >= static_cast<int64_t>(elems.size())) return {};
  return elems[static_cast<size_t>(index)];
}

std::string_view Select(const Value& doc, const Value& path) {
  if (path.type == oid::kInt2 || path.type == oid::kInt4 || path.type == oid::kInt8) return ArrayElement(doc.s, path.i);
  return ObjectField(doc.s, path.s);
}

Value Arrow(std::span<const Value> a, EvalContext&) {
  const std::string_view v = Select(a[0], a[1]);
  if (v.empty()) return Value::Null(a[0].type);
  return Value::Str(a[0].type, std::string(v));
}

Value ArrowText(std::span<const Value> a, EvalContext&) {
  const std::string_view v = Select(a[0], a[1]);
  if (v.empty() || v == "null") return Value::Null(oid::kText);
  if (v.front() == '"') return Value::Str(oid::kText, UnescapeString(v));
  return Value::Str(oid::kText, std::string(v));
}

std::string Quote(std::string_view s) { return nlohmann::json(std::string(s)).dump(); }

// A value as JSON text, following PostgreSQL's to_json: numbers and
// booleans bare (non-finite floats quoted), json as is, date/time in ISO
// 8601 with a 'T', everything else as its quoted text form.
std::string ToJson(const Value& v, const ValueContext& vc) {
  if (v.null) return "null";
  switch (v.type) {
    case oid::kBool:
      return v.i != 0 ? "true" : "false";
    case oid::kJson:
    case oid::kJsonb:
      return v.s;
    case oid::kInt2:
    case oid::kInt4:
    case oid::kInt8:
    case oid::kOid:
    case oid::kNumeric:
    case oid::kFloat4:
    case oid::kFloat8: {
      std::string t = ToText(v, vc);
      const bool finite = t != "NaN" && t != "Infinity" && t != "-Infinity";
      return finite ? t : Quote(t);
    }
    case oid::kTimestamp:
    case oid::kTimestampTz: {
      std::string t = ToText(v, vc);
      if (t.size() > 10 && t[10] == ' ') t[10] = 'T';
      // "+05" -> "+05:00" (ISO 8601 offsets have minutes).
      const size_t sign = t.find_last_of("+-");
      if (v.type == oid::kTimestampTz && sign != std::string::npos && sign > 10 && t.size() - sign == 3) t += ":00";
      return Quote(t);
    }
    default:
      return Quote(IsStringCategory(v.type) ? v.s : ToText(v, vc));
  }
}

Value BuildObject(std::span<const Value> a, EvalContext& ctx) {
  if (a.size() % 2 != 0) {
    throw PgError(sqlstate::kInvalidParameterValue, "argument list must have even number of elements", "",
                  "The arguments of json_build_object() must consist of alternating keys and values.");
  }
  std::string out = "{";
  for (size_t i = 0; i < a.size(); i += 2) {
    if (a[i].null) {
      throw PgError(sqlstate::kNullValueNotAllowed, "null value not allowed for object key");
    }
    if (i > 0) out += ", ";
    out += Quote(IsStringCategory(a[i].type) ? a[i].s : ToText(a[i], ctx.vc));
    out += " : ";
    out += ToJson(a[i + 1], ctx.vc);
  }
  out += "}";
  return Value::Str(oid::kJson, std::move(out));
}

Value BuildArray(std::span<const Value> a, EvalContext& ctx) {
  std::string out = "[";
  for (size_t i = 0; i < a.size(); i++) {
    if (i > 0) out += ", ";
    out += ToJson(a[i], ctx.vc);
  }
  out += "]";
  return Value::Str(oid::kJson, std::move(out));
}

Value ToJsonFn(std::span<const Value> a, EvalContext& ctx) {
  return Value::Str(oid::kJson, ToJson(a[0], ctx.vc));
}

}  // namespace

bool ResolveJsonFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out) {
  // "any" arguments: untyped literals are text, as in PostgreSQL.
  std::vector<uint32_t> args(arg_types.size(), 0);
  for (size_t i = 0; i < args.size(); i++) {
    if (arg_types[i] == oid::kUnknown) args[i] = oid::kText;
  }
  if (name == "json_build_object") *out = {BuildObject, oid::kJson, std::move(args), false};
  else if (name == "json_build_array") *out = {BuildArray, oid::kJson, std::move(args), false};
  else if (name == "to_json" && args.size() == 1) *out = {ToJsonFn, oid::kJson, std::move(args), true};
  else return false;
  return true;
}

bool ResolveJsonOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out) {
  if ((op != "->" && op != "->>") || (left != oid::kJson && left != oid::kJsonb)) return false;
  uint32_t key = 0;
  if (right == oid::kInt2 || right == oid::kInt4 || right == oid::kInt8) key = right;
  else if (IsStringCategory(right)) key = oid::kText;
  else return false;
  *out = {op == "->" ? Arrow : ArrowText, op == "->" ? left : oid::kText, {left, key}};
  return true;
}

}  // namespace immu::sql
