// One-dimensional arrays: what the catalog needs (oid[], text[], name[],
// "char"[], int2vector, oidvector) and what clients send back.

#include <cstring>

#include "catalog/pg_error.h"
#include "sql/value_io.h"
#include "storage/coding.h"

namespace immu::sql {

namespace {

bool IsVector(uint32_t t) { return t == oid::kInt2Vector || t == oid::kOidVector; }

// Whether an element's text must be double-quoted in array output.
bool NeedsQuotes(std::string_view s) {
  if (s.empty()) return true;
  if (s.size() == 4 && (s[0] == 'N' || s[0] == 'n') && (s[1] == 'U' || s[1] == 'u') &&
      (s[2] == 'L' || s[2] == 'l') && (s[3] == 'L' || s[3] == 'l')) {
    return true;
  }
  for (char c : s) {
    if (c == '{' || c == '}' || c == ',' || c == '"' || c == '\\' || std::isspace(static_cast<unsigned char>(c))) {
      return true;
    }
  }
  return false;
}

[[noreturn]] void Malformed(std::string_view text, const std::string& detail) {
  throw PgError(sqlstate::kInvalidTextRepresentation, "malformed array literal: \"" + std::string(text) + "\"",
                detail);
}

}  // namespace

std::string ArrayToText(const Value& v, const ValueContext& ctx) {
  std::string out;
  if (IsVector(v.type)) {
    for (size_t i = 0; i < v.arr->size(); i++) {
      if (i > 0) out.push_back(' ');
      out += ToText((*v.arr)[i], ctx);
    }
    return out;
  }
  out.push_back('{');
  for (size_t i = 0; i < v.arr->size(); i++) {
    if (i > 0) out.push_back(',');
    const Value& e = (*v.arr)[i];
    if (e.null) {
      out += "NULL";
      continue;
    }
    const std::string t = ToText(e, ctx);
    if (!NeedsQuotes(t)) {
      out += t;
      continue;
    }
    out.push_back('"');
    for (char c : t) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

Value ArrayFromText(std::string_view text, uint32_t type, const ValueContext& ctx) {
  const uint32_t elem = ArrayElementType(type);
  ValueArray elems;
  if (IsVector(type)) {
    size_t i = 0;
    while (i < text.size()) {
      while (i < text.size() && text[i] == ' ') i++;
      size_t j = i;
      while (j < text.size() && text[j] != ' ') j++;
      if (j > i) elems.push_back(FromText(text.substr(i, j - i), elem, -1, ctx));
      i = j;
    }
    return Value::Array(type, std::move(elems));
  }
  size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) i++;
  };
  skip_space();
  if (i >= text.size() || text[i] != '{') Malformed(text, "Array value must start with \"{\" or dimension information.");
  i++;
  skip_space();
  if (i < text.size() && text[i] == '}') {
    i++;
  } else {
    while (true) {
      skip_space();
      if (i >= text.size()) Malformed(text, "Unexpected end of input.");
      if (text[i] == '{') throw PgError(sqlstate::kFeatureNotSupported, "multidimensional arrays are not supported");
      std::string item;
      bool quoted = false;
      if (text[i] == '"') {
        quoted = true;
        i++;
        while (i < text.size() && text[i] != '"') {
          if (text[i] == '\\' && i + 1 < text.size()) i++;
          item.push_back(text[i++]);
        }
        if (i >= text.size()) Malformed(text, "Unexpected end of input.");
        i++;
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '}') {
          if (text[i] == '\\' && i + 1 < text.size()) i++;
          item.push_back(text[i++]);
        }
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.pop_back();
        if (item.empty()) Malformed(text, "Unexpected \"" + std::string(1, i < text.size() ? text[i] : ' ') + "\" character.");
      }
      const bool is_null = !quoted && item.size() == 4 && (item == "NULL" || item == "null" || item == "Null");
      elems.push_back(is_null ? Value::Null(elem) : FromText(item, elem, -1, ctx));
      skip_space();
      if (i < text.size() && text[i] == ',') {
        i++;
        continue;
      }
      if (i < text.size() && text[i] == '}') {
        i++;
        break;
      }
      Malformed(text, "Unexpected end of input.");
    }
  }
  skip_space();
  if (i != text.size()) Malformed(text, "Junk after closing right brace.");
  return Value::Array(type, std::move(elems));
}

void AppendArrayBinary(const Value& v, std::string* out) {
  char buf[4];
  auto put32 = [&](uint32_t x) {
    EncodeFixed32BE(buf, x);
    out->append(buf, 4);
  };
  bool has_null = false;
  for (const auto& e : *v.arr) has_null |= e.null;
  const bool empty = v.arr->empty();
  put32(empty ? 0 : 1);
  put32(has_null ? 1 : 0);
  put32(ArrayElementType(v.type));
  if (empty) return;
  put32(static_cast<uint32_t>(v.arr->size()));
  put32(IsVector(v.type) ? 0 : 1);
  for (const auto& e : *v.arr) {
    if (e.null) {
      put32(0xffffffffu);
      continue;
    }
    std::string data;
    AppendBinary(e, &data);
    put32(static_cast<uint32_t>(data.size()));
    out->append(data);
  }
}

Value ArrayFromBinary(std::string_view data, uint32_t type) {
  auto bad = [] {
    throw PgError(sqlstate::kInvalidBinaryRepresentation, "incorrect binary data format in bind parameter");
  };
  auto get32 = [&]() {
    if (data.size() < 4) bad();
    const uint32_t x = DecodeFixed32BE(data.data());
    data.remove_prefix(4);
    return x;
  };
  const uint32_t ndim = get32();
  get32();  // flags
  const uint32_t elem = get32();
  ValueArray elems;
  if (ndim > 1) throw PgError(sqlstate::kFeatureNotSupported, "multidimensional arrays are not supported");
  if (ndim == 1) {
    const uint32_t n = get32();
    get32();  // lower bound
    for (uint32_t k = 0; k < n; k++) {
      const uint32_t len = get32();
      if (len == 0xffffffffu) {
        elems.push_back(Value::Null(elem));
        continue;
      }
      if (data.size() < len) bad();
      elems.push_back(FromBinary(data.substr(0, len), ArrayElementType(type), -1));
      data.remove_prefix(len);
    }
  }
  return Value::Array(type, std::move(elems));
}

int CompareArrays(const Value& a, const Value& b) {
  const size_t n = std::min(a.arr->size(), b.arr->size());
  for (size_t i = 0; i < n; i++) {
    const Value& x = (*a.arr)[i];
    const Value& y = (*b.arr)[i];
    if (x.null || y.null) {
      if (x.null != y.null) return x.null ? 1 : -1;
      continue;
    }
    const int c = CompareValues(x, y);
    if (c != 0) return c;
  }
  return a.arr->size() < b.arr->size() ? -1 : a.arr->size() > b.arr->size() ? 1 : 0;
}

}  // namespace immu::sql
