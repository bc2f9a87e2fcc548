#include "sql/value.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace immu::sql {

namespace {
constexpr std::array<TypeInfo, 26> kTypes = {{
    {oid::kBool, "boolean", 1, 'B', Slot::kInt},
    {oid::kBytea, "bytea", -1, 'U', Slot::kString},
    {oid::kChar, "\"char\"", 1, 'Z', Slot::kString},
    {oid::kName, "name", 64, 'S', Slot::kString},
    {oid::kInt8, "bigint", 8, 'N', Slot::kInt},
    {oid::kInt2, "smallint", 2, 'N', Slot::kInt},
    {oid::kInt4, "integer", 4, 'N', Slot::kInt},
    {oid::kRegproc, "regproc", 4, 'N', Slot::kInt},
    {oid::kText, "text", -1, 'S', Slot::kString},
    {oid::kOid, "oid", 4, 'N', Slot::kInt},
    {oid::kJson, "json", -1, 'U', Slot::kString},
    {oid::kFloat4, "real", 4, 'N', Slot::kFloat},
    {oid::kFloat8, "double precision", 8, 'N', Slot::kFloat},
    {oid::kUnknown, "unknown", -2, 'X', Slot::kString},
    {oid::kBpchar, "character", -1, 'S', Slot::kString},
    {oid::kVarchar, "character varying", -1, 'S', Slot::kString},
    {oid::kDate, "date", 4, 'D', Slot::kInt},
    {oid::kTime, "time without time zone", 8, 'D', Slot::kInt},
    {oid::kTimestamp, "timestamp without time zone", 8, 'D', Slot::kInt},
    {oid::kTimestampTz, "timestamp with time zone", 8, 'D', Slot::kInt},
    {oid::kInterval, "interval", 16, 'T', Slot::kInterval},
    {oid::kNumeric, "numeric", -1, 'N', Slot::kNumeric},
    {oid::kRegclass, "regclass", 4, 'N', Slot::kInt},
    {oid::kRegtype, "regtype", 4, 'N', Slot::kInt},
    {oid::kUuid, "uuid", 16, 'U', Slot::kString},
    {oid::kJsonb, "jsonb", -1, 'U', Slot::kString},
}};

struct Alias {
  const char* name;
  uint32_t oid;
  bool serial;
};
constexpr Alias kAliases[] = {
    {"bool", oid::kBool, false},        {"boolean", oid::kBool, false},
    {"bytea", oid::kBytea, false},      {"blob", oid::kBytea, false},
    {"char", oid::kBpchar, false},      {"character", oid::kBpchar, false},
    {"bpchar", oid::kBpchar, false},    {"name", oid::kName, false},
    {"int8", oid::kInt8, false},        {"bigint", oid::kInt8, false},
    {"int2", oid::kInt2, false},        {"smallint", oid::kInt2, false},
    {"int4", oid::kInt4, false},        {"int", oid::kInt4, false},
    {"integer", oid::kInt4, false},     {"text", oid::kText, false},
    {"oid", oid::kOid, false},          {"json", oid::kJson, false},
    {"float4", oid::kFloat4, false},    {"real", oid::kFloat4, false},
    {"float8", oid::kFloat8, false},    {"float", oid::kFloat8, false},
    {"double", oid::kFloat8, false},    {"double precision", oid::kFloat8, false},
    {"varchar", oid::kVarchar, false},  {"character varying", oid::kVarchar, false},
    {"date", oid::kDate, false},        {"time", oid::kTime, false},
    {"time without time zone", oid::kTime, false},
    {"timestamp", oid::kTimestamp, false},
    {"timestamp without time zone", oid::kTimestamp, false},
    {"timestamptz", oid::kTimestampTz, false},
    {"timestamp with time zone", oid::kTimestampTz, false},
    {"interval", oid::kInterval, false}, {"numeric", oid::kNumeric, false},
    {"decimal", oid::kNumeric, false},  {"regclass", oid::kRegclass, false},
    {"regtype", oid::kRegtype, false},  {"uuid", oid::kUuid, false},
    {"jsonb", oid::kJsonb, false},      {"unknown", oid::kUnknown, false},
    {"serial", oid::kInt4, true},       {"serial4", oid::kInt4, true},
    {"bigserial", oid::kInt8, true},    {"serial8", oid::kInt8, true},
    {"smallserial", oid::kInt2, true},  {"serial2", oid::kInt2, true},
    {"void", oid::kVoid, false},
};
}  // namespace

const TypeInfo* FindType(uint32_t type_oid) {
  for (const auto& t : kTypes) {
    if (t.oid == type_oid) return &t;
  }
  return nullptr;
}

uint32_t TypeOidByName(std::string_view name, bool* serial) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.starts_with("pg_catalog.")) lower = lower.substr(11);
  for (const auto& a : kAliases) {
    if (lower == a.name) {
      if (serial != nullptr) *serial = a.serial;
      return a.oid;
    }
  }
  return 0;
}

std::string FormatType(uint32_t type_oid, int32_t typmod) {
  const TypeInfo* t = FindType(type_oid);
  std::string name = t != nullptr ? t->name : "???";
  if (typmod < 0) return name;
  switch (type_oid) {
    case oid::kVarchar:
    case oid::kBpchar:
      return name + "(" + std::to_string(typmod - 4) + ")";
    case oid::kNumeric: {
      const int32_t m = typmod - 4;
      const int precision = (m >> 16) & 0xffff;
      const int scale = static_cast<int16_t>(m & 0xffff);
      return name + "(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    }
    case oid::kTimestamp:
      return "timestamp(" + std::to_string(typmod) + ") without time zone";
    case oid::kTimestampTz:
      return "timestamp(" + std::to_string(typmod) + ") with time zone";
    case oid::kTime:
      return "time(" + std::to_string(typmod) + ") without time zone";
    default:
      return name;
  }
}

}  // namespace immu::sql
