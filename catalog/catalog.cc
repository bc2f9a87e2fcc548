#include "catalog/catalog.h"

#include <nlohmann/json.hpp>

#include "catalog/pg_error.h"

namespace immu {

namespace {
void PutU32BE(std::string* s, uint32_t v) {
  for (int i = 3; i >= 0; i--) s->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
}  // namespace

std::string TableDefPrefix() { return std::string("\x01t", 2); }
std::string TableDefKey(uint32_t oid) {
  std::string k = TableDefPrefix();
  PutU32BE(&k, oid);
  return k;
}
std::string RowPrefix(uint32_t table_oid) {
  std::string k(1, '\x02');
  PutU32BE(&k, table_oid);
  return k;
}
std::string IndexPrefix(uint32_t index_storage_id) {
  std::string k(1, '\x03');
  PutU32BE(&k, index_storage_id);
  return k;
}

std::string SequenceKey(uint32_t table_oid, uint16_t column) {
  std::string k("\x01q", 2);
  PutU32BE(&k, table_oid);
  k.push_back(static_cast<char>(column >> 8));
  k.push_back(static_cast<char>(column & 0xff));
  return k;
}

int TableDef::FindColumn(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); i++) {
    if (!columns[i].dropped && columns[i].name == column) return static_cast<int>(i);
  }
  return -1;
}

std::string TableDef::ToJson() const {
  nlohmann::json j;
  j["oid"] = oid;
  j["schema"] = schema;
  j["name"] = name;
  j["pk"] = pk;
  j["pk_name"] = pk_name;
  j["storage_id"] = storage_id;
  auto cols = nlohmann::json::array();
  for (const auto& c : columns) {
    cols.push_back({{"name", c.name},
                    {"type", c.type_oid},
                    {"typmod", c.typmod},
                    {"not_null", c.not_null},
                    {"default", c.default_expr},
                    {"serial", c.serial},
                    {"identity_always", c.identity_always},
                    {"dropped", c.dropped}});
  }
  j["columns"] = cols;
  auto idx = nlohmann::json::array();
  for (const auto& x : indexes) {
    idx.push_back({{"oid", x.oid},
                   {"storage_id", x.storage_id},
                   {"name", x.name},
                   {"columns", x.columns},
                   {"unique", x.unique},
                   {"constraint", x.constraint},
                   {"predicate", x.predicate}});
  }
  j["indexes"] = idx;
  return j.dump();
}

std::optional<TableDef> TableDef::FromJson(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  try {
    TableDef t;
    t.oid = j.at("oid").get<uint32_t>();
    t.schema = j.at("schema").get<std::string>();
    t.name = j.at("name").get<std::string>();
    t.pk = j.at("pk").get<std::vector<int>>();
    t.pk_name = j.value("pk_name", "");
    t.storage_id = j.value("storage_id", 0u);
    for (const auto& c : j.at("columns")) {
      ColumnDef d;
      d.name = c.at("name").get<std::string>();
      d.type_oid = c.at("type").get<uint32_t>();
      d.typmod = c.at("typmod").get<int32_t>();
      d.not_null = c.at("not_null").get<bool>();
      d.default_expr = c.at("default").get<std::string>();
      d.serial = c.at("serial").get<bool>();
      d.identity_always = c.value("identity_always", false);
      d.dropped = c.value("dropped", false);
      t.columns.push_back(std::move(d));
    }
    if (j.contains("indexes")) {
      for (const auto& x : j.at("indexes")) {
        IndexDef d;
        d.oid = x.at("oid").get<uint32_t>();
        d.storage_id = x.at("storage_id").get<uint32_t>();
        d.name = x.at("name").get<std::string>();
        d.columns = x.at("columns").get<std::vector<int>>();
        d.unique = x.at("unique").get<bool>();
        d.constraint = x.value("constraint", false);
        d.predicate = x.value("predicate", "");
        t.indexes.push_back(std::move(d));
      }
    }
    return t;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::shared_ptr<const Catalog> Catalog::Load(Store* store) {
  auto cat = std::make_shared<Catalog>();
  ScanOptions o;
  o.prefix = TableDefPrefix();
  auto rows = store->Scan(o);
  ThrowIfError(rows.status());
  for (const auto& vv : *rows) {
    auto t = TableDef::FromJson(vv.value);
    if (!t) throw PgError(sqlstate::kDataCorrupted, "catalog entry for a table does not parse");
    cat->next_oid_ = std::max(cat->next_oid_, t->oid + 1);
    cat->tables_[t->oid] = std::move(*t);
  }
  // Oids of dropped tables are never reused: their history stays addressable.
  auto next = store->Get(std::string("\x01o", 2));
  if (next.ok() && next->value.size() == 4) {
    const auto* p = reinterpret_cast<const unsigned char*>(next->value.data());
    const uint32_t v = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    cat->next_oid_ = std::max(cat->next_oid_, v);
  }
  return cat;
}

std::shared_ptr<const Catalog> Catalog::WithTable(const TableDef& t) const {
  auto cat = std::make_shared<Catalog>(*this);
  cat->tables_[t.oid] = t;
  cat->next_oid_ = std::max(next_oid_, t.oid + 1);
  return cat;
}

std::shared_ptr<const Catalog> Catalog::WithoutTable(uint32_t oid) const {
  auto cat = std::make_shared<Catalog>(*this);
  cat->tables_.erase(oid);
  return cat;
}

const TableDef* Catalog::Find(std::string_view schema, std::string_view name) const {
  for (const auto& [oid, t] : tables_) {
    if (t.name == name && (schema.empty() || t.schema == schema)) return &t;
  }
  return nullptr;
}

const TableDef* Catalog::FindIndexTable(std::string_view schema, std::string_view index_name) const {
  for (const auto& [oid, t] : tables_) {
    if (!schema.empty() && t.schema != schema) continue;
    for (const auto& x : t.indexes) {
      if (x.name == index_name) return &t;
    }
  }
  return nullptr;
}

const TableDef* Catalog::FindByOid(uint32_t oid) const {
  auto it = tables_.find(oid);
  return it == tables_.end() ? nullptr : &it->second;
}

}  // namespace immu
