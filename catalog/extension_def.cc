#include "catalog/extension_def.h"

#include <nlohmann/json.hpp>

namespace immu {

std::string ExtensionDefPrefix() { return std::string("\x01x", 2); }

std::string ExtensionDefKey(uint32_t oid) {
  std::string k = ExtensionDefPrefix();
  for (int i = 3; i >= 0; i--) k.push_back(static_cast<char>((oid >> (8 * i)) & 0xff));
  return k;
}

std::string ExtensionDef::ToJson() const {
  nlohmann::json j = {{"oid", oid}, {"name", name}, {"schema", schema}, {"version", version}, {"owner", owner}};
  if (am_oid != 0) j["am_oid"] = am_oid;
  return j.dump();
}

std::optional<ExtensionDef> ExtensionDef::FromJson(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  try {
    ExtensionDef e;
    e.oid = j.at("oid").get<uint32_t>();
    e.name = j.at("name").get<std::string>();
    e.schema = j.value("schema", "public");
    e.version = j.value("version", "");
    e.owner = j.value("owner", "immudb");
    e.am_oid = j.value("am_oid", 0u);
    return e;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace immu
