// pg_range: the built-in range types and CREATE TYPE ... AS RANGE types
// (sql/range.h), as PostgreSQL 15 lists them.

#include "sql/range.h"
#include "sql/system_internal.h"

namespace immu::sql {

namespace {

// The discrete types' canonical functions and every type's subtype_diff,
// and the default btree operator classes of the subtypes (pg_proc and
// pg_opclass OIDs of PostgreSQL 15).
struct BuiltinRangeProcs {
  uint32_t range;
  uint32_t opclass;
  uint32_t canonical;
  uint32_t subdiff;
};
constexpr BuiltinRangeProcs kProcs[] = {
    {oid::kInt4Range, 1978, 3914, 3922}, {oid::kNumRange, 3125, 0, 3924}, {oid::kTsRange, 3128, 0, 3929},
    {oid::kTstzRange, 3127, 0, 3930},    {oid::kDateRange, 3122, 3915, 3925}, {oid::kInt8Range, 3124, 3928, 3923},
};

// The default btree operator class of a subtype (0 when not listed).
uint32_t DefaultOpclass(uint32_t subtype) {
  static constexpr std::pair<uint32_t, uint32_t> kOpclasses[] = {
      {oid::kInt2, 1979}, {oid::kInt4, 1978},    {oid::kInt8, 3124},        {oid::kNumeric, 3125},
      {oid::kFloat4, 1970}, {oid::kFloat8, 3123}, {oid::kTimestamp, 3128}, {oid::kTimestampTz, 3127},
      {oid::kDate, 3122}, {oid::kText, 3126},    {oid::kVarchar, 3126},     {oid::kTime, 1996},
      {oid::kInterval, 1982}, {oid::kOid, 1981}, {oid::kBpchar, 426},     {oid::kUuid, 2968},
  };
  for (const auto& [t, opc] : kOpclasses) {
    if (t == subtype) return opc;
  }
  return 0;
}

void PgRange(StmtContext& sc, RowBuilder& b) {
  auto row = [&](uint32_t range, uint32_t subtype, uint32_t multirange, uint32_t collation, uint32_t opclass,
                 uint32_t canonical, uint32_t subdiff) {
    b.Begin()
        .Set("rngtypid", OidV(range))
        .Set("rngsubtype", OidV(subtype))
        .Set("rngmultitypid", OidV(multirange))
        .Set("rngcollation", OidV(collation))
        .Set("rngsubopc", OidV(opclass))
        .Set("rngcanonical", Value::Int(oid::kRegproc, canonical))
        .Set("rngsubdiff", Value::Int(oid::kRegproc, subdiff))
        .End();
  };
  for (const RangeTypeInfo& r : BuiltinRangeTypes()) {
    for (const auto& p : kProcs) {
      if (p.range == r.range) row(r.range, r.subtype, r.multirange, 0, p.opclass, p.canonical, p.subdiff);
    }
  }
  for (const auto& [id, t] : (**sc.catalog).types()) {
    if (t.kind != 'r') continue;
    // Text-like subtypes sort by the default collation.
    const bool collatable = t.base_type == oid::kText || t.base_type == oid::kVarchar || t.base_type == oid::kBpchar;
    row(t.oid, t.base_type, t.multirange_oid, collatable ? kDefaultCollation : 0, DefaultOpclass(t.base_type), 0, 0);
  }
}

}  // namespace

Producer RangeProducer(std::string_view name) { return name == "pg_range" ? PgRange : nullptr; }

}  // namespace immu::sql
