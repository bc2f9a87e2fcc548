#pragma once
// An installed extension (CREATE EXTENSION), a pg_extension row, stored as a
// versioned catalog entry like tables and types:
//   0x01 'x' u32be(extension oid) -> ExtensionDef (JSON)
//
// Only extensions whose functionality the engine really implements can be
// created (sql/extensions.h lists them). The functions an extension provides
// resolve only while its entry exists in the database; the types it provides
// (citext, hstore) are TypeDefs of kind 'b' whose `extension` names it, with
// oids allocated like user types, so they are dropped with it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace immu {

struct ExtensionDef {
  uint32_t oid = 0;
  std::string name;
  std::string schema = "public";  // pg_extension.extnamespace
  std::string version;
  std::string owner = "immudb";
  // bloom: the oid of its index access method (pg_am row), allocated at
  // CREATE EXTENSION as PostgreSQL's extension script does; 0 otherwise.
  uint32_t am_oid = 0;

  std::string ToJson() const;
  static std::optional<ExtensionDef> FromJson(std::string_view json);
};

std::string ExtensionDefPrefix();
std::string ExtensionDefKey(uint32_t oid);

}  // namespace immu
