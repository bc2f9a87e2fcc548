// JSON functions and operators that ORMs and their introspection queries
// use: json_build_object / json_build_array (SQLAlchemy's inspector builds
// its identity-column options with json_build_object), the field, element
// and path operators -> ->> #> #>> on json and jsonb, and jsonb's key
// existence (? ?| ?&) and containment (@> <@) operators (Django's JSONField
// lookups).
//
// json values are kept as their (validated) input text and jsonb values as
// their canonical text (sql/jsonb.h), so the selecting operators scan that
// text and return the selected value's exact slice, as PostgreSQL's json
// operators do (and a slice of canonical jsonb is canonical).

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
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

// The value at a text[] path (#> and #>>): keys into objects, integer
// subscripts into arrays; empty when the path leads nowhere.
std::string_view SelectPath(std::string_view doc, const Value& path) {
  size_t b = SkipWs(doc, 0), e = doc.size();
  while (e > b && (doc[e - 1] == ' ' || doc[e - 1] == '\t' || doc[e - 1] == '\n' || doc[e - 1] == '\r')) e--;
  std::string_view cur = doc.substr(b, e - b);
  for (const Value& k : *path.arr) {
    if (k.null || cur.empty()) return {};
    if (cur.front() == '{') {
      cur = ObjectField(cur, k.s);
    } else if (cur.front() == '[') {
      int64_t index = 0;
      const char* first = k.s.data();
      const char* last = k.s.data() + k.s.size();
      auto [ptr, ec] = std::from_chars(first, last, index);
      if (ec != std::errc() || ptr != last || k.s.empty()) return {};
      cur = ArrayElement(cur, index);
    } else {
      return {};
    }
  }
  return cur;
}

Value HashArrow(std::span<const Value> a, EvalContext&) {
  const std::string_view v = SelectPath(a[0].s, a[1]);
  if (v.empty()) return Value::Null(a[0].type);
  return Value::Str(a[0].type, std::string(v));
}

Value HashArrowText(std::span<const Value> a, EvalContext&) {
  const std::string_view v = SelectPath(a[0].s, a[1]);
  if (v.empty() || v == "null") return Value::Null(oid::kText);
  if (v.front() == '"') return Value::Str(oid::kText, UnescapeString(v));
  return Value::Str(oid::kText, std::string(v));
}

nlohmann::json ParseDoc(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) BadJson();
  return j;
}

// jsonb ? key: a top-level object key, array string element or string.
bool HasKey(const nlohmann::json& j, const std::string& key) {
  if (j.is_object()) return j.contains(key);
  if (j.is_array()) {
    return std::any_of(j.begin(), j.end(), [&](const auto& e) { return e.is_string() && e.template get<std::string>() == key; });
  }
  return j.is_string() && j.get<std::string>() == key;
}

Value Exists(std::span<const Value> a, EvalContext&) { return Value::Bool(HasKey(ParseDoc(a[0].s), a[1].s)); }

Value ExistsAny(std::span<const Value> a, EvalContext&) {
  const nlohmann::json j = ParseDoc(a[0].s);
  for (const Value& k : *a[1].arr) {
    if (!k.null && HasKey(j, k.s)) return Value::Bool(true);
  }
  return Value::Bool(false);
}

Value ExistsAll(std::span<const Value> a, EvalContext&) {
  const nlohmann::json j = ParseDoc(a[0].s);
  for (const Value& k : *a[1].arr) {
    if (!k.null && !HasKey(j, k.s)) return Value::Bool(false);
  }
  return Value::Bool(true);
}

// jsonb containment (@>): objects contain the pairs of the right side,
// arrays contain each right element somewhere, a top-level array contains
// a scalar element; scalars are equal.
bool Contains(const nlohmann::json& a, const nlohmann::json& b, bool top) {
  if (a.is_object()) {
    if (!b.is_object()) return false;
    for (const auto& [k, v] : b.items()) {
      auto it = a.find(k);
      if (it == a.end() || !Contains(*it, v, false)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (b.is_array()) {
      for (const auto& e : b) {
        if (std::none_of(a.begin(), a.end(), [&](const auto& x) { return Contains(x, e, false); })) return false;
      }
      return true;
    }
    if (top && !b.is_object()) {
      return std::any_of(a.begin(), a.end(), [&](const auto& x) { return !x.is_structured() && x == b; });
    }
    return false;
  }
  return !b.is_structured() && a == b;
}

Value ContainsFn(std::span<const Value> a, EvalContext&) {
  return Value::Bool(Contains(ParseDoc(a[0].s), ParseDoc(a[1].s), true));
}

Value ContainedFn(std::span<const Value> a, EvalContext&) {
  return Value::Bool(Contains(ParseDoc(a[1].s), ParseDoc(a[0].s), true));
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
  if (left == oid::kUnknown && right == oid::kJsonb && (op == "@>" || op == "<@")) left = oid::kJsonb;
  if (left != oid::kJson && left != oid::kJsonb) return false;
  const uint32_t text_array = ArrayTypeOf(oid::kText);
  const bool path_arg = right == text_array || right == oid::kUnknown || right == ArrayTypeOf(oid::kVarchar);
  if ((op == "#>" || op == "#>>") && path_arg) {
    *out = {op == "#>" ? HashArrow : HashArrowText, op == "#>" ? left : oid::kText, {left, text_array}};
    return true;
  }
  if (left == oid::kJsonb) {
    if (op == "?" && IsStringCategory(right)) {
      *out = {Exists, oid::kBool, {left, oid::kText}};
      return true;
    }
    if ((op == "?|" || op == "?&") && path_arg) {
      *out = {op == "?|" ? ExistsAny : ExistsAll, oid::kBool, {left, text_array}};
      return true;
    }
    if ((op == "@>" || op == "<@") && (right == oid::kJsonb || right == oid::kUnknown)) {
      *out = {op == "@>" ? ContainsFn : ContainedFn, oid::kBool, {left, oid::kJsonb}};
      return true;
    }
  }
  if (op != "->" && op != "->>") return false;
  uint32_t key = 0;
  if (right == oid::kInt2 || right == oid::kInt4 || right == oid::kInt8) key = right;
  else if (IsStringCategory(right)) key = oid::kText;
  else return false;
  *out = {op == "->" ? Arrow : ArrowText, op == "->" ? left : oid::kText, {left, key}};
  return true;
}

}  // namespace immu::sql
