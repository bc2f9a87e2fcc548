// JSON parsing, jsonb normalisation and output: see json.h.

#include "sql/json.h"

#include <algorithm>
#include <cstdio>
#include <functional>

#include "catalog/pg_error.h"
#include "sql/numeric.h"
#include "sql/value_io.h"

namespace immu::sql {

namespace {

// jsonb's key order: shorter keys first, then bytewise.
bool JsonbKeyLess(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

void PrettyInto(const JsonNode& n, int level, std::string* out) {
  auto indent = [&](int l) { out->append(static_cast<size_t>(l) * 4, ' '); };
  if (!n.is_container()) {
    AppendJsonbText(n, out);
    return;
  }
  const bool obj = n.kind == JsonNode::Kind::kObject;
  out->push_back(obj ? '{' : '[');
  for (size_t i = 0; i < n.items.size(); i++) {
    if (i > 0) out->push_back(',');
    out->push_back('\n');
    indent(level + 1);
    if (obj) {
      AppendJsonString(n.keys[i], out);
      *out += ": ";
    }
    PrettyInto(n.items[i], level + 1, out);
  }
  out->push_back('\n');
  indent(level);
  out->push_back(obj ? '}' : ']');
}

int CompareScalar(const JsonNode& a, const JsonNode& b) {
  switch (a.kind) {
    case JsonNode::Kind::kNull: return 0;
    case JsonNode::Kind::kString: {
      const int c = a.text.compare(b.text);
      return c < 0 ? -1 : c > 0;
    }
    case JsonNode::Kind::kNumber: return Numeric::Compare(Numeric::Parse(a.text), Numeric::Parse(b.text));
    case JsonNode::Kind::kBool: return a.boolean == b.boolean ? 0 : a.boolean ? 1 : -1;
    default: return 0;
  }
}

// Compares two values inside containers (not top level).
int CompareInner(const JsonNode& a, const JsonNode& b) {
  if (a.kind != b.kind) return a.kind > b.kind ? 1 : -1;
  if (!a.is_container()) return CompareScalar(a, b);
  if (a.items.size() != b.items.size()) return a.items.size() > b.items.size() ? 1 : -1;
  for (size_t i = 0; i < a.items.size(); i++) {
    if (a.kind == JsonNode::Kind::kObject) {
      const int c = a.keys[i].compare(b.keys[i]);
      if (c != 0) return c < 0 ? -1 : 1;
    }
    const int c = CompareInner(a.items[i], b.items[i]);
    if (c != 0) return c;
  }
  return 0;
}

bool ScalarEqual(const JsonNode& a, const JsonNode& b) { return a.kind == b.kind && CompareScalar(a, b) == 0; }

// JsonbDeepContains over two containers of the same kind.
bool DeepContains(const JsonNode& a, const JsonNode& b) {
  if (a.kind == JsonNode::Kind::kObject) {
    for (size_t i = 0; i < b.items.size(); i++) {
      const JsonNode* av = a.Field(b.keys[i]);
      if (av == nullptr) return false;
      const JsonNode& bv = b.items[i];
      if (!bv.is_container()) {
        if (!ScalarEqual(*av, bv)) return false;
      } else if (av->kind != bv.kind || !DeepContains(*av, bv)) {
        return false;
      }
    }
    return true;
  }
  for (const JsonNode& bv : b.items) {
    bool found = false;
    for (const JsonNode& av : a.items) {
      if (!bv.is_container() ? ScalarEqual(av, bv) : (av.kind == bv.kind && DeepContains(av, bv))) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

bool IsStringText(uint32_t t) {
  return t == oid::kText || t == oid::kVarchar || t == oid::kName || t == oid::kUnknown || t == oid::kBpchar;
}

void AppendBE32(uint32_t v, std::string* out) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}

// A string: 0x00 escaped as 0x00 0xff, ended by 0x00 0x01 (bytewise order,
// a prefix first), as row_codec encodes text.
void AppendKeyString(std::string_view s, std::string* out) {
  for (char c : s) {
    out->push_back(c);
    if (c == '\0') out->push_back('\xff');
  }
  out->push_back('\0');
  out->push_back('\x01');
}

// Tag bytes in jsonb's type order, then the value; containers put their
// member count first (a longer container sorts later whatever it holds).
void AppendInnerKey(const JsonNode& n, std::string* out) {
  out->push_back(static_cast<char>(1 + static_cast<int>(n.kind)));
  switch (n.kind) {
    case JsonNode::Kind::kNull: return;
    case JsonNode::Kind::kString: AppendKeyString(n.text, out); return;
    case JsonNode::Kind::kNumber: Numeric::Parse(n.text).AppendKeyEncoding(out); return;
    case JsonNode::Kind::kBool: out->push_back(n.boolean ? 1 : 0); return;
    case JsonNode::Kind::kArray:
    case JsonNode::Kind::kObject:
      AppendBE32(static_cast<uint32_t>(n.items.size()), out);
      out->push_back(1);  // not a raw scalar
      for (size_t i = 0; i < n.items.size(); i++) {
        if (n.kind == JsonNode::Kind::kObject) AppendKeyString(n.keys[i], out);
        AppendInnerKey(n.items[i], out);
      }
      return;
  }
}

}  // namespace

JsonNode JsonNode::String(std::string s) {
  JsonNode n;
  n.kind = Kind::kString;
  n.text = std::move(s);
  return n;
}
JsonNode JsonNode::Number(std::string digits) {
  JsonNode n;
  n.kind = Kind::kNumber;
  n.text = std::move(digits);
  return n;
}
JsonNode JsonNode::Bool(bool b) {
  JsonNode n;
  n.kind = Kind::kBool;
  n.boolean = b;
  return n;
}

const JsonNode* JsonNode::Field(std::string_view key) const {
  if (kind != Kind::kObject) return nullptr;
  for (size_t i = keys.size(); i-- > 0;) {
    if (keys[i] == key) return &items[i];
  }
  return nullptr;
}

JsonNode ParseJsonb(std::string_view text) {
  JsonNode n = ParseJson(text, true);
  NormalizeJsonb(&n);
  return n;
}

void NormalizeJsonb(JsonNode* n) {
  if (n->kind == JsonNode::Kind::kNumber) {
    n->text = Numeric::Parse(n->text).ToString();
    return;
  }
  for (auto& item : n->items) NormalizeJsonb(&item);
  if (n->kind != JsonNode::Kind::kObject) return;
  // Last value wins for a repeated key; then jsonb's key order.
  std::vector<size_t> order(n->keys.size());
  for (size_t i = 0; i < order.size(); i++) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return JsonbKeyLess(n->keys[x], n->keys[y]); });
  std::vector<std::string> keys;
  std::vector<JsonNode> items;
  for (size_t k = 0; k < order.size(); k++) {
    const size_t i = order[k];
    if (k + 1 < order.size() && n->keys[order[k + 1]] == n->keys[i]) continue;  // a later duplicate wins
    keys.push_back(std::move(n->keys[i]));
    items.push_back(std::move(n->items[i]));
  }
  n->keys = std::move(keys);
  n->items = std::move(items);
}

void AppendJsonbText(const JsonNode& n, std::string* out) {
  switch (n.kind) {
    case JsonNode::Kind::kNull: *out += "null"; return;
    case JsonNode::Kind::kBool: *out += n.boolean ? "true" : "false"; return;
    case JsonNode::Kind::kNumber: *out += n.text; return;
    case JsonNode::Kind::kString: AppendJsonString(n.text, out); return;
    case JsonNode::Kind::kArray:
    case JsonNode::Kind::kObject: {
      const bool obj = n.kind == JsonNode::Kind::kObject;
      out->push_back(obj ? '{' : '[');
      for (size_t i = 0; i < n.items.size(); i++) {
        if (i > 0) *out += ", ";
        if (obj) {
          AppendJsonString(n.keys[i], out);
          *out += ": ";
        }
        AppendJsonbText(n.items[i], out);
      }
      out->push_back(obj ? '}' : ']');
      return;
    }
  }
}

std::string JsonbText(const JsonNode& n) {
  std::string out;
  AppendJsonbText(n, &out);
  return out;
}

std::string JsonbPretty(const JsonNode& n) {
  std::string out;
  PrettyInto(n, 0, &out);
  return out;
}

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          *out += buf;
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void AppendJsonValue(const Value& v, const ValueContext& vc, std::string* out) {
  if (v.null) {
    *out += "null";
    return;
  }
  if (ArrayElementType(v.type) != 0 && v.arr) {
    out->push_back('[');
    for (size_t i = 0; i < v.arr->size(); i++) {
      if (i > 0) out->push_back(',');
      AppendJsonValue((*v.arr)[i], vc, out);
    }
    out->push_back(']');
    return;
  }
  switch (v.type) {
    case oid::kBool:
      *out += v.i ? "true" : "false";
      return;
    case oid::kInt2:
    case oid::kInt4:
    case oid::kInt8:
    case oid::kOid:
    case oid::kNumeric:
    case oid::kFloat4:
    case oid::kFloat8: {
      const std::string t = ToText(v, vc);
      if (t == "NaN" || t == "Infinity" || t == "-Infinity") {
        AppendJsonString(t, out);
      } else {
        *out += t;
      }
      return;
    }
    case oid::kJson:
    case oid::kJsonb:
      *out += v.s;
      return;
    case oid::kDate:
    case oid::kTimestamp:
    case oid::kTimestampTz: {
      // JSON always carries ISO 8601, whatever DateStyle says.
      ValueContext iso = vc;
      iso.dt.date_style = DateStyle::kIso;
      std::string t = ToText(v, iso);
      if (v.type == oid::kDate) {
        AppendJsonString(t, out);
        return;
      }
      const size_t sp = t.find(' ');
      if (sp != std::string::npos) t[sp] = 'T';
      // ISO 8601 offsets carry minutes.
      const size_t sign = t.find_last_of("+-");
      if (v.type == oid::kTimestampTz && sign != std::string::npos && sign > 10 && t.size() - sign == 3) t += ":00";
      AppendJsonString(t, out);
      return;
    }
    default:
      AppendJsonString(IsStringText(v.type) ? v.s : ToText(v, vc), out);
  }
}

int CompareJsonb(const JsonNode& a, const JsonNode& b) {
  // Top-level scalars are one-element "raw scalar" arrays in PostgreSQL: a
  // raw scalar sorts before an array of the same length, but the length
  // comparison comes after and overrides it ('1' > '[]').
  const bool as = !a.is_container(), bs = !b.is_container();
  if (as && bs) return CompareInner(a, b);
  if (as || bs) {
    const JsonNode& arr = as ? b : a;
    if (arr.kind == JsonNode::Kind::kObject) return as ? -1 : 1;
    if (arr.items.size() != 1) return (arr.items.size() > 1) == as ? -1 : 1;
    return as ? -1 : 1;
  }
  return CompareInner(a, b);
}

void AppendJsonbKey(const JsonNode& n, std::string* out) {
  if (n.is_container()) {
    AppendInnerKey(n, out);
    return;
  }
  // A top-level scalar is a one-element array flagged raw (sorting before
  // a one-element real array), as PostgreSQL stores it.
  out->push_back(static_cast<char>(1 + static_cast<int>(JsonNode::Kind::kArray)));
  AppendBE32(1, out);
  out->push_back(0);
  AppendInnerKey(n, out);
}

size_t HashJsonb(const JsonNode& n) {
  size_t h = static_cast<size_t>(n.kind) * 0x9e3779b97f4a7c15ULL;
  switch (n.kind) {
    case JsonNode::Kind::kNull: break;
    case JsonNode::Kind::kBool: h ^= n.boolean ? 0x51 : 0x17; break;
    case JsonNode::Kind::kNumber: h ^= static_cast<size_t>(Numeric::Parse(n.text).Hash()); break;
    case JsonNode::Kind::kString: h ^= std::hash<std::string_view>()(n.text); break;
    case JsonNode::Kind::kArray:
    case JsonNode::Kind::kObject:
      for (size_t i = 0; i < n.items.size(); i++) {
        if (n.kind == JsonNode::Kind::kObject) h = h * 1000003 ^ std::hash<std::string_view>()(n.keys[i]);
        h = h * 1000003 ^ HashJsonb(n.items[i]);
      }
      break;
  }
  return h;
}

bool JsonbContains(const JsonNode& a, const JsonNode& b) {
  const bool a_obj = a.kind == JsonNode::Kind::kObject, b_obj = b.kind == JsonNode::Kind::kObject;
  if (a_obj != b_obj) return false;
  if (a_obj) return DeepContains(a, b);
  // Both are arrays or raw scalars (one-element arrays); a raw scalar
  // contains only a raw scalar.
  if (!a.is_container()) return !b.is_container() && ScalarEqual(a, b);
  if (!b.is_container()) {
    JsonNode wrapped;
    wrapped.kind = JsonNode::Kind::kArray;
    wrapped.items.push_back(b);
    return DeepContains(a, wrapped);
  }
  return DeepContains(a, b);
}

bool IsJsonbCastTarget(uint32_t t) {
  return t == oid::kNumeric || t == oid::kInt2 || t == oid::kInt4 || t == oid::kInt8 || t == oid::kFloat4 ||
         t == oid::kFloat8 || t == oid::kBool;
}

Value JsonbToScalar(const Value& v, uint32_t type, const ValueContext& ctx) {
  static const char* const kNames[] = {"null", "string", "numeric", "boolean", "array", "object"};
  const JsonNode n = ParseJsonb(v.s);
  const bool ok = type == oid::kBool ? n.kind == JsonNode::Kind::kBool : n.kind == JsonNode::Kind::kNumber;
  if (!ok) {
    throw PgError(sqlstate::kInvalidParameterValue, std::string("cannot cast jsonb ") +
                                                        kNames[static_cast<int>(n.kind)] + " to type " +
                                                        FormatType(type, -1));
  }
  if (type == oid::kBool) return Value::Bool(n.boolean);
  return CastValue(Value::Num(Numeric::Parse(n.text)), type, -1, ctx);
}

void ValidateJson(std::string_view text) { (void)ParseJson(text, false); }

std::string CanonicalJsonb(std::string_view text) { return JsonbText(ParseJsonb(text)); }

int CompareJsonbText(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  return CompareJsonb(ParseJsonb(a), ParseJsonb(b));
}

size_t HashJsonbText(std::string_view text) { return HashJsonb(ParseJsonb(text)); }

}  // namespace immu::sql
