#pragma once
// Value: one SQL datum of a known PostgreSQL type, and the type catalogue of
// built-in types (PostgreSQL's OIDs, so clients and pg_catalog agree).
//
// Representation by type (the storage slot used):
//   bool, int2, int4, int8, oid, date (days since 2000-01-01), time and
//   timestamp[tz] (microseconds)                     -> i
//   float4, float8                                    -> f
//   text, varchar, bpchar, name, bytea, json, jsonb,
//   uuid (16 raw bytes), unknown (untyped literal)    -> s
//   inet, cidr, macaddr, macaddr8, timetz: order-preserving bytes -> s
//     (sql/inet.h, sql/macaddr.h, sql/timetz.h)
//   numeric                                           -> num
//   interval                                          -> iv
//   arrays, int2vector, oidvector (one dimension)     -> arr
//   regclass/regtype/regproc/regnamespace/regrole     -> i (the OID)
//   user-defined enums and composites: see sql/user_types.h
//   ranges and multiranges (built-in and user-defined): see sql/range.h
// A NULL has null = true and keeps its type (NULL::int4 is still int4).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sql/datetime.h"
#include "sql/numeric.h"

namespace immu::sql {

namespace oid {
inline constexpr uint32_t kBool = 16;
inline constexpr uint32_t kBytea = 17;
inline constexpr uint32_t kChar = 18;
inline constexpr uint32_t kName = 19;
inline constexpr uint32_t kInt8 = 20;
inline constexpr uint32_t kInt2 = 21;
inline constexpr uint32_t kInt4 = 23;
inline constexpr uint32_t kRegproc = 24;
inline constexpr uint32_t kText = 25;
inline constexpr uint32_t kOid = 26;
inline constexpr uint32_t kJson = 114;
inline constexpr uint32_t kFloat4 = 700;
inline constexpr uint32_t kFloat8 = 701;
inline constexpr uint32_t kUnknown = 705;
inline constexpr uint32_t kBpchar = 1042;
inline constexpr uint32_t kVarchar = 1043;
inline constexpr uint32_t kDate = 1082;
inline constexpr uint32_t kTime = 1083;
inline constexpr uint32_t kTimestamp = 1114;
inline constexpr uint32_t kTimestampTz = 1184;
inline constexpr uint32_t kInterval = 1186;
inline constexpr uint32_t kNumeric = 1700;
inline constexpr uint32_t kRegclass = 2205;
inline constexpr uint32_t kRegtype = 2206;
inline constexpr uint32_t kUuid = 2950;
inline constexpr uint32_t kTimeTz = 1266;
inline constexpr uint32_t kInet = 869;
inline constexpr uint32_t kCidr = 650;
inline constexpr uint32_t kMacaddr = 829;
inline constexpr uint32_t kMacaddr8 = 774;
inline constexpr uint32_t kJsonb = 3802;
inline constexpr uint32_t kVoid = 2278;
inline constexpr uint32_t kRecord = 2249;  // anonymous row values: ROW(1, 'a')
inline constexpr uint32_t kInt2Vector = 22;
inline constexpr uint32_t kXid = 28;
inline constexpr uint32_t kOidVector = 30;
inline constexpr uint32_t kPgNodeTree = 194;
inline constexpr uint32_t kAclitem = 1033;
inline constexpr uint32_t kRegprocedure = 2202;
inline constexpr uint32_t kCstring = 2275;
inline constexpr uint32_t kRegnamespace = 4089;
inline constexpr uint32_t kRegrole = 4096;
inline constexpr uint32_t kBoolArray = 1000;
inline constexpr uint32_t kCharArray = 1002;
inline constexpr uint32_t kNameArray = 1003;
inline constexpr uint32_t kInt2Array = 1005;
inline constexpr uint32_t kInt4Array = 1007;
inline constexpr uint32_t kTextArray = 1009;
inline constexpr uint32_t kInt8Array = 1016;
inline constexpr uint32_t kOidArray = 1028;
inline constexpr uint32_t kRegtypeArray = 2211;
inline constexpr uint32_t kAclitemArray = 1034;
// Range and multirange types (sql/range.h).
inline constexpr uint32_t kInt4Range = 3904;
inline constexpr uint32_t kNumRange = 3906;
inline constexpr uint32_t kTsRange = 3908;
inline constexpr uint32_t kTstzRange = 3910;
inline constexpr uint32_t kDateRange = 3912;
inline constexpr uint32_t kInt8Range = 3926;
inline constexpr uint32_t kInt4Multirange = 4451;
inline constexpr uint32_t kNumMultirange = 4532;
inline constexpr uint32_t kTsMultirange = 4533;
inline constexpr uint32_t kTstzMultirange = 4534;
inline constexpr uint32_t kDateMultirange = 4535;
inline constexpr uint32_t kInt8Multirange = 4536;
}  // namespace oid

// How values of a type are stored and compared.
// kEnum: user enums (i label oid, f sort order, s label); kRecord:
// composite values (arr holds the fields); kRange: ranges and multiranges
// (sql/range.h).
enum class Slot { kInt, kFloat, kString, kNumeric, kInterval, kArray, kEnum, kRecord, kRange };

struct TypeInfo {
  uint32_t oid;
  const char* name;  // PostgreSQL's canonical name (format_type)
  int16_t len;       // typlen: -1 varlena, -2 cstring
  char category;     // typcategory: B N S D T U V ...
  Slot slot;
};

// nullptr for an OID we do not know. User-defined types (sql/user_types.h)
// answer with a shared description of their kind (oid 0): enums "anyenum",
// composites "record", arrays of them "anyarray"; domains with their base
// type's.
const TypeInfo* FindType(uint32_t type_oid);
// Resolves a type name as written in SQL ("int", "integer", "int4",
// "character varying", "timestamptz", "double precision", "serial", ...).
// Returns 0 when unknown. *serial is set for serial/bigserial/smallserial.
uint32_t TypeOidByName(std::string_view name, bool* serial = nullptr);
// format_type(oid, typmod): "integer", "character varying(20)", "numeric(10,2)".
std::string FormatType(uint32_t type_oid, int32_t typmod);
// The element type of an array type (int2vector: int2, oidvector: oid);
// 0 when type_oid is not an array.
uint32_t ArrayElementType(uint32_t type_oid);
// The array type whose elements are elem; 0 when there is none.
uint32_t ArrayTypeOf(uint32_t elem);
// Types whose value is an OID shown by name (regclass, regtype, ...).
bool IsRegType(uint32_t type_oid);

struct Value;
using ValueArray = std::vector<Value>;

struct Value {
  uint32_t type = oid::kUnknown;
  bool null = true;
  int64_t i = 0;
  double f = 0;
  std::string s;
  std::shared_ptr<const Numeric> num;
  Interval iv{};
  std::shared_ptr<const ValueArray> arr;  // elements (NULLs keep the element type)

  static Value Null(uint32_t type) {
    Value v;
    v.type = type;
    return v;
  }
  static Value Bool(bool b) { return Int(oid::kBool, b ? 1 : 0); }
  static Value Int(uint32_t type, int64_t x) {
    Value v;
    v.type = type;
    v.null = false;
    v.i = x;
    return v;
  }
  static Value Float(uint32_t type, double x) {
    Value v;
    v.type = type;
    v.null = false;
    v.f = x;
    return v;
  }
  static Value Str(uint32_t type, std::string x) {
    Value v;
    v.type = type;
    v.null = false;
    v.s = std::move(x);
    return v;
  }
  static Value Num(Numeric n) {
    Value v;
    v.type = oid::kNumeric;
    v.null = false;
    v.num = std::make_shared<const Numeric>(std::move(n));
    return v;
  }
  static Value Iv(const Interval& x) {
    Value v;
    v.type = oid::kInterval;
    v.null = false;
    v.iv = x;
    return v;
  }
  static Value Array(uint32_t type, ValueArray elems) {
    Value v;
    v.type = type;
    v.null = false;
    v.arr = std::make_shared<const ValueArray>(std::move(elems));
    return v;
  }
  bool boolean() const { return i != 0; }
};

}  // namespace immu::sql
