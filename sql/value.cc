#include "sql/value.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "sql/user_types.h"

namespace immu::sql {

namespace {
constexpr TypeInfo kTypes[] = {
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
    {oid::kTimeTz, "time with time zone", 12, 'D', Slot::kString},
    {oid::kInet, "inet", -1, 'I', Slot::kString},
    {oid::kCidr, "cidr", -1, 'I', Slot::kString},
    {oid::kMacaddr, "macaddr", 6, 'U', Slot::kString},
    {oid::kMacaddr8, "macaddr8", 8, 'U', Slot::kString},
    {oid::kJsonb, "jsonb", -1, 'U', Slot::kString},
    {oid::kVoid, "void", 4, 'P', Slot::kString},
    {oid::kRecord, "record", -1, 'P', Slot::kRecord},
    {oid::kInt2Vector, "int2vector", -1, 'A', Slot::kArray},
    {oid::kXid, "xid", 4, 'U', Slot::kInt},
    {oid::kOidVector, "oidvector", -1, 'A', Slot::kArray},
    {oid::kPgNodeTree, "pg_node_tree", -1, 'Z', Slot::kString},
    {oid::kAclitem, "aclitem", 12, 'U', Slot::kString},
    {oid::kRegprocedure, "regprocedure", 4, 'N', Slot::kInt},
    {oid::kCstring, "cstring", -2, 'P', Slot::kString},
    {oid::kRegnamespace, "regnamespace", 4, 'N', Slot::kInt},
    {oid::kRegrole, "regrole", 4, 'N', Slot::kInt},
    {oid::kInt4Range, "int4range", -1, 'R', Slot::kRange},
    {oid::kNumRange, "numrange", -1, 'R', Slot::kRange},
    {oid::kTsRange, "tsrange", -1, 'R', Slot::kRange},
    {oid::kTstzRange, "tstzrange", -1, 'R', Slot::kRange},
    {oid::kDateRange, "daterange", -1, 'R', Slot::kRange},
    {oid::kInt8Range, "int8range", -1, 'R', Slot::kRange},
    {oid::kInt4Multirange, "int4multirange", -1, 'R', Slot::kRange},
    {oid::kNumMultirange, "nummultirange", -1, 'R', Slot::kRange},
    {oid::kTsMultirange, "tsmultirange", -1, 'R', Slot::kRange},
    {oid::kTstzMultirange, "tstzmultirange", -1, 'R', Slot::kRange},
    {oid::kDateMultirange, "datemultirange", -1, 'R', Slot::kRange},
    {oid::kInt8Multirange, "int8multirange", -1, 'R', Slot::kRange},
};

// Array types PostgreSQL defines for the types above: (array, element).
struct ArrayType {
  uint32_t array;
  uint32_t elem;
};
constexpr ArrayType kArrayTypes[] = {
    {1000, oid::kBool},      {1001, oid::kBytea},        {1002, oid::kChar},      {1003, oid::kName},
    {1005, oid::kInt2},      {1006, oid::kInt2Vector},   {1007, oid::kInt4},      {1008, oid::kRegproc},
    {1009, oid::kText},      {1011, oid::kXid},          {1013, oid::kOidVector}, {1014, oid::kBpchar},
    {1015, oid::kVarchar},   {1016, oid::kInt8},         {1021, oid::kFloat4},    {1022, oid::kFloat8},
    {1028, oid::kOid},       {1034, oid::kAclitem},      {1115, oid::kTimestamp}, {1182, oid::kDate},
    {1183, oid::kTime},      {1185, oid::kTimestampTz},  {1187, oid::kInterval},  {1231, oid::kNumeric},
    {1263, oid::kCstring},   {2207, oid::kRegprocedure}, {2210, oid::kRegclass},  {2211, oid::kRegtype},
    {2951, oid::kUuid},      {199, oid::kJson},          {3807, oid::kJsonb},     {4090, oid::kRegnamespace},
    {4097, oid::kRegrole},
    {3905, oid::kInt4Range},      {3907, oid::kNumRange},       {3909, oid::kTsRange},
    {3911, oid::kTstzRange},      {3913, oid::kDateRange},      {3927, oid::kInt8Range},
    {6150, oid::kInt4Multirange}, {6151, oid::kNumMultirange},  {6152, oid::kTsMultirange},
    {6153, oid::kTstzMultirange}, {6155, oid::kDateMultirange}, {6157, oid::kInt8Multirange},
    {1270, oid::kTimeTz},    {1041, oid::kInet},         {651, oid::kCidr},       {1040, oid::kMacaddr},
    {775, oid::kMacaddr8},
};

// Array TypeInfos, named as format_type prints them ("integer[]").
struct ArrayInfos {
  TypeInfo infos[std::size(kArrayTypes)];
  std::string names[std::size(kArrayTypes)];
  ArrayInfos() {
    for (size_t i = 0; i < std::size(kArrayTypes); i++) {
      const TypeInfo* e = nullptr;
      for (const auto& t : kTypes) {
        if (t.oid == kArrayTypes[i].elem) e = &t;
      }
      names[i] = std::string(e != nullptr ? e->name : "???") + "[]";
      infos[i] = TypeInfo{kArrayTypes[i].array, names[i].c_str(), -1, 'A', Slot::kArray};
    }
  }
};
const ArrayInfos& Arrays() {
  static const ArrayInfos kInfos;
  return kInfos;
}

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
    {"int2vector", oid::kInt2Vector, false}, {"oidvector", oid::kOidVector, false},
    {"xid", oid::kXid, false},          {"pg_node_tree", oid::kPgNodeTree, false},
    {"aclitem", oid::kAclitem, false},  {"regproc", oid::kRegproc, false},
    {"regprocedure", oid::kRegprocedure, false},
    {"regnamespace", oid::kRegnamespace, false},
    {"regrole", oid::kRegrole, false},  {"cstring", oid::kCstring, false},
    {"int4range", oid::kInt4Range, false}, {"int8range", oid::kInt8Range, false},
    {"numrange", oid::kNumRange, false},   {"tsrange", oid::kTsRange, false},
    {"tstzrange", oid::kTstzRange, false}, {"daterange", oid::kDateRange, false},
    {"int4multirange", oid::kInt4Multirange, false}, {"int8multirange", oid::kInt8Multirange, false},
    {"nummultirange", oid::kNumMultirange, false},   {"tsmultirange", oid::kTsMultirange, false},
    {"tstzmultirange", oid::kTstzMultirange, false}, {"datemultirange", oid::kDateMultirange, false},
    {"timetz", oid::kTimeTz, false},    {"time with time zone", oid::kTimeTz, false},
    {"inet", oid::kInet, false},        {"cidr", oid::kCidr, false},
    {"macaddr", oid::kMacaddr, false},  {"macaddr8", oid::kMacaddr8, false},
};

constexpr TypeInfo kEnumInfo{0, "anyenum", 4, 'E', Slot::kEnum};
constexpr TypeInfo kRecordInfo{0, "record", -1, 'C', Slot::kRecord};
constexpr TypeInfo kUserArrayInfo{0, "anyarray", -1, 'A', Slot::kArray};
constexpr TypeInfo kRangeInfo{0, "anyrange", -1, 'R', Slot::kRange};
constexpr TypeInfo kMultirangeInfo{0, "anymultirange", -1, 'R', Slot::kRange};
constexpr TypeInfo kCitextInfo{0, "citext", -1, 'S', Slot::kString};
constexpr TypeInfo kHstoreInfo{0, "hstore", -1, 'U', Slot::kString};

}  // namespace

// format_type's spelling of a user type: quoted when it is not a plain
// lower-case identifier, qualified outside public (PostgreSQL qualifies
// types not visible in the search path).
std::string QuoteTypeName(const TypeDef& t) {
  auto quote = [](const std::string& n) {
    bool plain = !n.empty() && !(n[0] >= '0' && n[0] <= '9');
    for (char c : n) plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (plain) return n;
    std::string q = "\"";
    for (char c : n) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  return t.schema == "public" ? quote(t.name) : quote(t.schema) + "." + quote(t.name);
}

const TypeInfo* FindType(uint32_t type_oid) {
  if (type_oid >= kFirstUserOid) {
    if (const TypeDef* t = FindUserType(type_oid)) {
      if (t->kind == 'e') return &kEnumInfo;
      if (t->kind == 'c') return &kRecordInfo;
      if (t->kind == 'r') return &kRangeInfo;
      if (t->kind == 'm') return &kMultirangeInfo;
      if (t->kind == 'b') return t->extension == "citext" ? &kCitextInfo : &kHstoreInfo;
      const uint32_t base = BaseType(type_oid);
      return base != type_oid ? FindType(base) : nullptr;
    }
    return FindUserArrayElement(type_oid) != nullptr ? &kUserArrayInfo : nullptr;
  }
  for (const auto& t : kTypes) {
    if (t.oid == type_oid) return &t;
  }
  for (const auto& t : Arrays().infos) {
    if (t.oid == type_oid) return &t;
  }
  return nullptr;
}

uint32_t ArrayElementType(uint32_t type_oid) {
  if (type_oid == oid::kInt2Vector) return oid::kInt2;
  if (type_oid == oid::kOidVector) return oid::kOid;
  if (type_oid >= kFirstUserOid) {
    const TypeDef* t = FindUserArrayElement(type_oid);
    return t != nullptr ? t->oid : 0;
  }
  for (const auto& a : kArrayTypes) {
    if (a.array == type_oid) return a.elem;
  }
  return 0;
}

uint32_t ArrayTypeOf(uint32_t elem) {
  if (elem >= kFirstUserOid) {
    const TypeDef* t = FindUserType(elem);
    return t != nullptr ? t->array_oid : 0;
  }
  for (const auto& a : kArrayTypes) {
    if (a.elem == elem) return a.array;
  }
  return 0;
}

bool IsRegType(uint32_t t) {
  return t == oid::kRegclass || t == oid::kRegtype || t == oid::kRegproc || t == oid::kRegprocedure ||
         t == oid::kRegnamespace || t == oid::kRegrole;
}

uint32_t TypeOidByName(std::string_view name, bool* serial) {
  if (const TypeDef* t = FindUserTypeByName(name)) return t->oid;
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
  // PostgreSQL's internal array names: _int4, _text ...
  if (lower.size() > 1 && lower[0] == '_') {
    const uint32_t elem = TypeOidByName(std::string_view(lower).substr(1));
    if (elem != 0) return ArrayTypeOf(elem);
  }
  return 0;
}

std::string FormatType(uint32_t type_oid, int32_t typmod) {
  const uint32_t elem = ArrayElementType(type_oid);
  if (elem != 0 && type_oid != oid::kInt2Vector && type_oid != oid::kOidVector) {
    return FormatType(elem, typmod) + "[]";
  }
  if (const TypeDef* u = FindUserType(type_oid)) return QuoteTypeName(*u);
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
    case oid::kTimeTz:
      return "time(" + std::to_string(typmod) + ") with time zone";
    default:
      return name;
  }
}

}  // namespace immu::sql
