// Text and binary I/O of user-defined types (declared in sql/user_types.h):
// enums print their label, domains their base type's form, composites
// PostgreSQL's record_out / record_in text.

#include <cctype>

#include "catalog/pg_error.h"
#include "sql/user_types.h"
#include "sql/value_io.h"
#include "storage/coding.h"

namespace immu::sql {

void AppendRecordField(std::string_view text, std::string* out) {
  bool quote = text.empty();
  for (char c : text) {
    if (c == '"' || c == '\\' || c == '(' || c == ')' || c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      quote = true;
    }
  }
  if (!quote) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') out->push_back(c);
    out->push_back(c);
  }
  out->push_back('"');
}

std::string RecordToText(const Value& v, const ValueContext& ctx) {
  std::string s = "(";
  for (size_t i = 0; i < v.arr->size(); i++) {
    if (i > 0) s += ',';
    const Value& f = (*v.arr)[i];
    if (!f.null) AppendRecordField(ToText(f, ctx), &s);
  }
  return s + ")";
}

namespace {

[[noreturn]] void MalformedRecord(std::string_view text, const char* detail) {
  throw PgError(sqlstate::kInvalidTextRepresentation, "malformed record literal: \"" + std::string(text) + "\"",
                detail);
}

// record_in: "(a,\"b c\",)" -> fields (an empty unquoted field is NULL).
Value RecordFromText(std::string_view text, const TypeDef& t, const ValueContext& ctx) {
  size_t p = 0;
  while (p < text.size() && std::isspace(static_cast<unsigned char>(text[p]))) p++;
  if (p >= text.size() || text[p] != '(') MalformedRecord(text, "Missing left parenthesis.");
  p++;
  ValueArray fields;
  for (size_t i = 0; i < t.fields.size(); i++) {
    if (i > 0) {
      if (p >= text.size() || text[p] != ',') MalformedRecord(text, "Too few columns.");
      p++;
    }
    std::string field;
    bool quoted = false;
    while (p < text.size() && text[p] != ',' && text[p] != ')') {
      const char c = text[p++];
      if (c == '\\') {
        if (p >= text.size()) MalformedRecord(text, "Unexpected end of input.");
        field += text[p++];
      } else if (c == '"') {
        quoted = true;
        while (true) {
          if (p >= text.size()) MalformedRecord(text, "Unexpected end of input.");
          const char d = text[p++];
          if (d == '\\') {
            if (p >= text.size()) MalformedRecord(text, "Unexpected end of input.");
            field += text[p++];
          } else if (d == '"') {
            if (p < text.size() && text[p] == '"') {
              field += '"';
              p++;
            } else {
              break;
            }
          } else {
            field += d;
          }
        }
      } else {
        field += c;
      }
    }
    const TypeField& f = t.fields[i];
    fields.push_back(!quoted && field.empty() ? Value::Null(f.type_oid)
                                               : FromText(field, f.type_oid, f.typmod, ctx));
  }
  if (p >= text.size() || text[p] != ')') MalformedRecord(text, "Too many columns.");
  p++;
  while (p < text.size() && std::isspace(static_cast<unsigned char>(text[p]))) p++;
  if (p != text.size()) MalformedRecord(text, "Junk after right parenthesis.");
  return Value::Array(t.oid, std::move(fields));
}

}  // namespace

bool UserTypeToText(const Value& v, const ValueContext& ctx, std::string* out) {
  if (v.type == oid::kRecord && v.arr) {
    *out = RecordToText(v, ctx);
    return true;
  }
  const TypeDef* t = FindUserType(v.type);
  if (t == nullptr || t->kind == 'r' || t->kind == 'm') return false;  // ranges: sql/range.h
  if (t->kind == 'e') {
    *out = v.s;
  } else if (t->kind == 'c') {
    if (!v.arr) return false;
    *out = RecordToText(v, ctx);
  } else if (t->kind == 'b') {
    *out = ExtensionTypeOut(*t, v);
  } else {
    Value b = v;
    b.type = BaseType(v.type);
    *out = ToText(b, ctx);
  }
  return true;
}

bool UserTypeFromText(std::string_view text, uint32_t type, int32_t typmod, const ValueContext& ctx, Value* out) {
  const TypeDef* t = FindUserType(type);
  if (t == nullptr || t->kind == 'r' || t->kind == 'm') return false;  // ranges: sql/range.h
  if (t->kind == 'e') {
    *out = EnumFromLabel(*t, text);
  } else if (t->kind == 'c') {
    *out = RecordFromText(text, *t, ctx);
  } else if (t->kind == 'b') {
    *out = ExtensionTypeIn(*t, text);
  } else {
    int32_t base_typmod = -1;
    const uint32_t base = BaseType(type, &base_typmod);
    *out = FromText(text, base, typmod >= 0 ? typmod : base_typmod, ctx);
  }
  return true;
}

bool UserTypeAppendBinary(const Value& v, std::string* out) {
  const TypeDef* t = FindUserType(v.type);
  if (t == nullptr || t->kind == 'r' || t->kind == 'm') return false;  // ranges: sql/range.h
  if (t->kind == 'e') {
    out->append(v.s);  // enum_send: the label
  } else if (t->kind == 'c') {
    if (!v.arr) return false;
    // record_send: field count, then (type oid, length or -1, bytes) each.
    char buf[4];
    EncodeFixed32BE(buf, static_cast<uint32_t>(v.arr->size()));
    out->append(buf, 4);
    for (const Value& f : *v.arr) {
      EncodeFixed32BE(buf, f.type);
      out->append(buf, 4);
      if (f.null) {
        EncodeFixed32BE(buf, 0xffffffffu);
        out->append(buf, 4);
        continue;
      }
      std::string data;
      AppendBinary(f, &data);
      EncodeFixed32BE(buf, static_cast<uint32_t>(data.size()));
      out->append(buf, 4);
      out->append(data);
    }
  } else if (t->kind == 'b') {
    ExtensionTypeSend(*t, v, out);
  } else {
    Value b = v;
    b.type = BaseType(v.type);
    AppendBinary(b, out);
  }
  return true;
}

bool UserTypeFromBinary(std::string_view data, uint32_t type, int32_t typmod, Value* out) {
  const TypeDef* t = FindUserType(type);
  if (t == nullptr || t->kind == 'r' || t->kind == 'm') return false;  // ranges: sql/range.h
  if (t->kind == 'e') {
    *out = EnumFromLabel(*t, data);
  } else if (t->kind == 'c') {
    throw PgError(sqlstate::kFeatureNotSupported, "binary input of composite types is not supported");
  } else if (t->kind == 'b') {
    *out = ExtensionTypeRecv(*t, data);
  } else {
    int32_t base_typmod = -1;
    const uint32_t base = BaseType(type, &base_typmod);
    *out = FromBinary(data, base, typmod >= 0 ? typmod : base_typmod);
  }
  return true;
}

}  // namespace immu::sql
