#include "catalog/type_def.h"

#include <nlohmann/json.hpp>

namespace immu {

std::string TypeDefPrefix() { return std::string("\x01y", 2); }

std::string TypeDefKey(uint32_t oid) {
  std::string k = TypeDefPrefix();
  for (int i = 3; i >= 0; i--) k.push_back(static_cast<char>((oid >> (8 * i)) & 0xff));
  return k;
}

const EnumLabel* TypeDef::FindLabel(std::string_view label) const {
  for (const auto& l : labels) {
    if (l.label == label) return &l;
  }
  return nullptr;
}

const EnumLabel* TypeDef::FindLabelByOid(uint32_t label_oid) const {
  for (const auto& l : labels) {
    if (l.oid == label_oid) return &l;
  }
  return nullptr;
}

std::string TypeDef::ToJson() const {
  nlohmann::json j = {{"oid", oid},     {"array_oid", array_oid},     {"schema", schema},
                      {"name", name},   {"owner", owner},             {"kind", std::string(1, kind)},
                      {"comment", comment}};
  if (kind == 'e') {
    auto ls = nlohmann::json::array();
    for (const auto& l : labels) ls.push_back({{"oid", l.oid}, {"sort", l.sort_order}, {"label", l.label}});
    j["labels"] = ls;
  }
  if (kind == 'd') {
    j["base_type"] = base_type;
    j["base_typmod"] = base_typmod;
    j["not_null"] = not_null;
    j["default"] = default_expr;
    auto cs = nlohmann::json::array();
    for (const auto& c : checks) {
      cs.push_back({{"oid", c.oid}, {"name", c.name}, {"expr", c.expr}, {"not_valid", c.not_valid}});
    }
    j["checks"] = cs;
  }
  if (kind == 'r' || kind == 'm') {
    j["base_type"] = base_type;
    j["multirange_oid"] = multirange_oid;
  }
  if (kind == 'c') {
    auto fs = nlohmann::json::array();
    for (const auto& f : fields) fs.push_back({{"name", f.name}, {"type", f.type_oid}, {"typmod", f.typmod}});
    j["fields"] = fs;
    j["relid"] = relid;
  }
  if (kind == 'b') j["extension"] = extension;
  return j.dump();
}

std::optional<TypeDef> TypeDef::FromJson(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  try {
    TypeDef t;
    t.oid = j.at("oid").get<uint32_t>();
    t.array_oid = j.value("array_oid", 0u);
    t.schema = j.value("schema", "public");
    t.name = j.at("name").get<std::string>();
    t.owner = j.value("owner", "immudb");
    const std::string kind = j.at("kind").get<std::string>();
    if (kind.size() != 1) return std::nullopt;
    t.kind = kind[0];
    t.comment = j.value("comment", "");
    if (j.contains("labels")) {
      for (const auto& l : j.at("labels")) {
        t.labels.push_back({l.at("oid").get<uint32_t>(), l.at("sort").get<double>(), l.at("label").get<std::string>()});
      }
    }
    t.base_type = j.value("base_type", 0u);
    t.base_typmod = j.value("base_typmod", -1);
    t.multirange_oid = j.value("multirange_oid", 0u);
    t.not_null = j.value("not_null", false);
    t.default_expr = j.value("default", "");
    if (j.contains("checks")) {
      for (const auto& c : j.at("checks")) {
        t.checks.push_back({c.at("oid").get<uint32_t>(), c.at("name").get<std::string>(),
                            c.at("expr").get<std::string>(), c.value("not_valid", false)});
      }
    }
    if (j.contains("fields")) {
      for (const auto& f : j.at("fields")) {
        t.fields.push_back({f.at("name").get<std::string>(), f.at("type").get<uint32_t>(), f.value("typmod", -1)});
      }
    }
    t.relid = j.value("relid", 0u);
    t.extension = j.value("extension", "");
    return t;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace immu
