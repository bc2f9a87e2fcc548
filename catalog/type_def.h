#pragma once
// User-defined types (CREATE TYPE ... AS ENUM / AS (...), CREATE DOMAIN),
// stored as versioned catalog entries like tables:
//   0x01 'y' u32be(type oid) -> TypeDef (JSON)
//
// Invariants: an enum's labels never change their sort_order or oid once
// created (rows store the label oid, index keys the sort order), so ADD
// VALUE picks a sort order between its neighbours and RENAME VALUE only
// changes the text. Oids of types, their array types, enum labels and
// domain constraints come from the catalog's oid counter.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace immu {

// One label of an enum (a pg_enum row).
struct EnumLabel {
  uint32_t oid = 0;
  double sort_order = 0;  // pg_enum.enumsortorder (shown as float4)
  std::string label;
};

// A CHECK constraint of a domain; expr is SQL text over VALUE.
struct DomainCheck {
  uint32_t oid = 0;
  std::string name;
  std::string expr;
  bool not_valid = false;
};

// One attribute of a composite type.
struct TypeField {
  std::string name;
  uint32_t type_oid = 0;
  int32_t typmod = -1;
};

struct TypeDef {
  uint32_t oid = 0;
  uint32_t array_oid = 0;  // the type "_name" (pg_type.typarray)
  std::string schema = "public";
  std::string name;
  std::string owner = "immudb";
  // pg_type.typtype: 'e' enum, 'd' domain, 'c' composite, 'r' range,
  // 'm' multirange (CREATE TYPE ... AS RANGE makes both, sql/range.h),
  // 'b' a base type an extension provides (citext, hstore: extension names
  // it, and its behaviour is the engine's, keyed by name).
  char kind = 'e';
  std::string extension;
  std::string comment;

  // 'e': labels in sort order.
  std::vector<EnumLabel> labels;

  // 'd': the base type; 'r': the subtype; 'm': the range type.
  uint32_t base_type = 0;
  // 'r': its multirange type's oid.
  uint32_t multirange_oid = 0;
  int32_t base_typmod = -1;
  bool not_null = false;
  std::string default_expr;
  std::vector<DomainCheck> checks;

  // 'c': the attributes, and the pg_class row (relkind 'c') they hang off.
  std::vector<TypeField> fields;
  uint32_t relid = 0;

  // Labels of an enum: nullptr when missing.
  const EnumLabel* FindLabel(std::string_view label) const;
  const EnumLabel* FindLabelByOid(uint32_t label_oid) const;

  std::string ToJson() const;
  static std::optional<TypeDef> FromJson(std::string_view json);
};

std::string TypeDefPrefix();
std::string TypeDefKey(uint32_t oid);

}  // namespace immu
