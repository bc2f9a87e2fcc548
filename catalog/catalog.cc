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
namespace {
// The oid of a TableDefKey (0 when the key is not one).
uint32_t TableDefKeyOid(std::string_view key) {
  const size_t n = TableDefPrefix().size();
  if (key.size() != n + 4) return 0;
  const auto* p = reinterpret_cast<const unsigned char*>(key.data() + n);
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
}  // namespace

std::string SchemaDefPrefix() { return std::string("\x01n", 2); }
std::string SchemaDefKey(uint32_t oid) {
  std::string k = SchemaDefPrefix();
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
                    {"identity", c.identity},
                    {"identity_always", c.identity_always},
                    {"generated", c.generated_expr},
                    {"dropped", c.dropped},
                    {"comment", c.comment}});
    if (c.identity_options) {
      const SequenceDef& o = *c.identity_options;
      cols.back()["identity_options"] = {{"start", o.start}, {"increment", o.increment}, {"min", o.min_value},
                                         {"max", o.max_value}, {"cache", o.cache},     {"cycle", o.cycle}};
    }
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
                   {"predicate", x.predicate},
                   {"nulls_not_distinct", x.nulls_not_distinct}});
    // Written only when set, so older readers' entries stay byte-identical.
    if (!x.include_columns.empty()) idx.back()["include"] = x.include_columns;
    if (x.access_method != "btree") idx.back()["am"] = x.access_method;
    if (!x.options.empty()) idx.back()["options"] = x.options;
    if (x.HasExpressions()) {
      idx.back()["exprs"] = x.exprs;
      idx.back()["expr_types"] = x.expr_types;
      idx.back()["expr_columns"] = x.expr_columns;
    }
  }
  j["indexes"] = idx;
  auto checks_json = nlohmann::json::array();
  for (const auto& c : checks) {
    checks_json.push_back({{"name", c.name}, {"expr", c.expr}, {"not_valid", c.not_valid}});
  }
  j["checks"] = checks_json;
  auto fks = nlohmann::json::array();
  for (const auto& f : foreign_keys) {
    fks.push_back({{"name", f.name},
                   {"columns", f.columns},
                   {"ref_oid", f.ref_oid},
                   {"ref_columns", f.ref_columns},
                   {"on_delete", std::string(1, f.on_delete)},
                   {"on_update", std::string(1, f.on_update)},
                   {"match", std::string(1, f.match)},
                   {"deferrable", f.deferrable},
                   {"initially_deferred", f.initially_deferred},
                   {"not_valid", f.not_valid}});
  }
  j["foreign_keys"] = fks;
  j["kind"] = std::string(1, kind);
  if (kind == 'v' || kind == 'm') {
    j["view_query"] = view_query;
    j["view_deps"] = view_deps;
  }
  if (kind == 'S') {
    j["sequence"] = {{"type", sequence.type_oid},     {"start", sequence.start},
                     {"increment", sequence.increment}, {"min", sequence.min_value},
                     {"max", sequence.max_value},       {"cache", sequence.cache},
                     {"cycle", sequence.cycle},         {"owned_by_table", sequence.owned_by_table},
                     {"owned_by_column", sequence.owned_by_column}};
  }
  j["comment"] = comment;
  if (!constraint_comments.empty()) j["constraint_comments"] = constraint_comments;
  if (fk_triggers_disabled) j["fk_triggers_disabled"] = true;
  if (!populated) j["unpopulated"] = true;
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
      d.identity = c.value("identity", d.identity_always);
      d.generated_expr = c.value("generated", "");
      d.dropped = c.value("dropped", false);
      d.comment = c.value("comment", "");
      if (c.contains("identity_options")) {
        const auto& q = c.at("identity_options");
        SequenceDef o;
        o.type_oid = d.type_oid;
        o.start = q.value("start", int64_t{1});
        o.increment = q.value("increment", int64_t{1});
        o.min_value = q.value("min", int64_t{1});
        o.max_value = q.value("max", INT64_MAX);
        o.cache = q.value("cache", int64_t{1});
        o.cycle = q.value("cycle", false);
        d.identity_options = o;
      }
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
        d.nulls_not_distinct = x.value("nulls_not_distinct", false);
        if (x.contains("include")) d.include_columns = x.at("include").get<std::vector<int>>();
        d.access_method = x.value("am", "btree");
        if (x.contains("options")) d.options = x.at("options").get<std::vector<int16_t>>();
        if (x.contains("exprs")) {
          d.exprs = x.at("exprs").get<std::vector<std::string>>();
          d.expr_types = x.at("expr_types").get<std::vector<uint32_t>>();
          d.expr_columns = x.at("expr_columns").get<std::vector<int>>();
        }
        t.indexes.push_back(std::move(d));
      }
    }
    if (j.contains("checks")) {
      for (const auto& c : j.at("checks")) {
        t.checks.push_back({c.at("name").get<std::string>(), c.at("expr").get<std::string>(),
                            c.value("not_valid", false)});
      }
    }
    auto letter = [](const nlohmann::json& o, const char* k, char def) {
      const std::string v = o.value(k, std::string(1, def));
      return v.empty() ? def : v[0];
    };
    if (j.contains("foreign_keys")) {
      for (const auto& f : j.at("foreign_keys")) {
        ForeignKeyDef d;
        d.name = f.at("name").get<std::string>();
        d.columns = f.at("columns").get<std::vector<int>>();
        d.ref_oid = f.at("ref_oid").get<uint32_t>();
        d.ref_columns = f.at("ref_columns").get<std::vector<int>>();
        d.on_delete = letter(f, "on_delete", 'a');
        d.on_update = letter(f, "on_update", 'a');
        d.match = letter(f, "match", 's');
        d.deferrable = f.value("deferrable", false);
        d.initially_deferred = f.value("initially_deferred", false);
        d.not_valid = f.value("not_valid", false);
        t.foreign_keys.push_back(std::move(d));
      }
    }
    t.kind = letter(j, "kind", 'r');
    t.view_query = j.value("view_query", "");
    if (j.contains("view_deps")) t.view_deps = j.at("view_deps").get<std::vector<uint32_t>>();
    if (j.contains("sequence")) {
      const auto& q = j.at("sequence");
      t.sequence.type_oid = q.value("type", 20u);
      t.sequence.start = q.value("start", int64_t{1});
      t.sequence.increment = q.value("increment", int64_t{1});
      t.sequence.min_value = q.value("min", int64_t{1});
      t.sequence.max_value = q.value("max", INT64_MAX);
      t.sequence.cache = q.value("cache", int64_t{1});
      t.sequence.cycle = q.value("cycle", false);
      t.sequence.owned_by_table = q.value("owned_by_table", 0u);
      t.sequence.owned_by_column = q.value("owned_by_column", int16_t{-1});
    }
    t.comment = j.value("comment", "");
    if (j.contains("constraint_comments")) {
      t.constraint_comments = j["constraint_comments"].get<std::map<std::string, std::string>>();
    }
    t.fk_triggers_disabled = j.value("fk_triggers_disabled", false);
    t.populated = !j.value("unpopulated", false);
    return t;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::shared_ptr<const Catalog> Catalog::Load(Store* store, const Catalog* previous) {
  auto cat = std::make_shared<Catalog>();
  ScanOptions o;
  o.prefix = TableDefPrefix();
  auto rows = store->Scan(o);
  ThrowIfError(rows.status());
  for (const auto& vv : *rows) {
    if (previous != nullptr && vv.tx != 0) {
      const uint32_t oid = TableDefKeyOid(vv.key);
      auto seen = previous->loaded_tx_.find(oid);
      if (seen != previous->loaded_tx_.end() && seen->second == vv.tx) {
        const TableDef* same = previous->FindByOid(oid);
        if (same != nullptr) {
          cat->next_oid_ = std::max(cat->next_oid_, oid + 1);
          cat->tables_[oid] = *same;
          cat->loaded_tx_[oid] = vv.tx;
          continue;
        }
      }
    }
    auto t = TableDef::FromJson(vv.value);
    if (!t) throw PgError(sqlstate::kDataCorrupted, "catalog entry for a table does not parse");
    cat->next_oid_ = std::max(cat->next_oid_, t->oid + 1);
    cat->loaded_tx_[t->oid] = vv.tx;
    cat->tables_[t->oid] = std::move(*t);
  }
  o.prefix = SchemaDefPrefix();
  auto schemas = store->Scan(o);
  ThrowIfError(schemas.status());
  for (const auto& vv : *schemas) {
    auto j = nlohmann::json::parse(vv.value, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      throw PgError(sqlstate::kDataCorrupted, "catalog entry for a schema does not parse");
    }
    SchemaDef d;
    d.oid = j.value("oid", 0u);
    d.name = j.value("name", "");
    d.owner = j.value("owner", "immudb");
    d.comment = j.value("comment", "");
    cat->schemas_[d.oid] = std::move(d);
  }
  o.prefix = TypeDefPrefix();
  auto types = store->Scan(o);
  ThrowIfError(types.status());
  for (const auto& vv : *types) {
    auto t = TypeDef::FromJson(vv.value);
    if (!t) throw PgError(sqlstate::kDataCorrupted, "catalog entry for a type does not parse");
    cat->types_[t->oid] = std::move(*t);
  }
  o.prefix = ExtensionDefPrefix();
  auto extensions = store->Scan(o);
  ThrowIfError(extensions.status());
  for (const auto& vv : *extensions) {
    auto e = ExtensionDef::FromJson(vv.value);
    if (!e) throw PgError(sqlstate::kDataCorrupted, "catalog entry for an extension does not parse");
    cat->extensions_[e->oid] = std::move(*e);
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

std::shared_ptr<const void> Catalog::Derived(const std::string& key,
                                             const std::function<std::shared_ptr<const void>()>& make) const {
  {
    std::lock_guard<std::mutex> l(derived_.mu);
    auto it = derived_.values.find(key);
    if (it != derived_.values.end()) return it->second;
  }
  std::shared_ptr<const void> v = make();
  std::lock_guard<std::mutex> l(derived_.mu);
  return derived_.values.emplace(key, std::move(v)).first->second;
}

std::shared_ptr<const Catalog> Catalog::WithTable(const TableDef& t) const {
  auto cat = std::make_shared<Catalog>(*this);
  cat->tables_[t.oid] = t;
  cat->loaded_tx_.erase(t.oid);
  cat->next_oid_ = std::max(next_oid_, t.oid + 1);
  return cat;
}

std::shared_ptr<const Catalog> Catalog::WithoutTable(uint32_t oid) const {
  auto cat = std::make_shared<Catalog>(*this);
  cat->tables_.erase(oid);
  cat->loaded_tx_.erase(oid);
  return cat;
}

const TableDef* Catalog::Find(std::string_view schema, std::string_view name) const {
  for (const auto& [oid, t] : tables_) {
    if (t.name == name && (schema.empty() || t.schema == schema)) return &t;
  }
  return nullptr;
}

std::string SchemaDefJson(const SchemaDef& s) {
  nlohmann::json j = {{"oid", s.oid}, {"name", s.name}, {"owner", s.owner}, {"comment", s.comment}};
  return j.dump();
}

std::shared_ptr<const Catalog> Catalog::WithSchema(const SchemaDef& s) const {
  auto cat = std::make_shared<Catalog>(*this);
  cat->schemas_[s.oid] = s;
  return cat;
}

std::shared_ptr<const Catalog> Catalog::WithoutSchema(uint32_t oid) const {
  auto cat = std::make_shared<Catalog>(*this);
  cat->schemas_.erase(oid);
  return cat;
}

const SchemaDef* Catalog::FindSchema(std::string_view name) const {
  for (const auto& [oid, s] : schemas_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

bool Catalog::SchemaExists(std::string_view name) const {
  return name == "public" || name == "pg_catalog" || name == "information_schema" || FindSchema(name) != nullptr;
}

uint32_t Catalog::SchemaOid(std::string_view name) const {
  if (name == "public") return kPublicNamespaceOid;
  if (name == "pg_catalog") return kPgCatalogNamespaceOid;
  if (name == "information_schema") return kInformationSchemaNamespaceOid;
  const SchemaDef* s = FindSchema(name);
  return s != nullptr ? s->oid : 0;
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

std::shared_ptr<const Catalog> Catalog::WithType(const TypeDef& t) const {
  auto cat = std::make_shared<Catalog>(*this);
  cat->types_[t.oid] = t;
  return cat;
}

std::shared_ptr<const Catalog> Catalog::WithoutType(uint32_t oid) const {
  auto cat = std::make_shared<Catalog>(*this);
  cat->types_.erase(oid);
  return cat;
}

const TypeDef* Catalog::FindTypeDef(std::string_view schema, std::string_view name) const {
  for (const auto& [oid, t] : types_) {
    if (t.name == name && (schema.empty() || t.schema == schema)) return &t;
  }
  return nullptr;
}

const TypeDef* Catalog::FindTypeDefByOid(uint32_t oid) const {
  auto it = types_.find(oid);
  return it == types_.end() ? nullptr : &it->second;
}

const TypeDef* Catalog::FindTypeDefByArray(uint32_t array_oid) const {
  for (const auto& [oid, t] : types_) {
    if (t.array_oid == array_oid) return &t;
  }
  return nullptr;
}

std::shared_ptr<const Catalog> Catalog::WithExtension(const ExtensionDef& e) const {
  auto cat = std::make_shared<Catalog>(*this);
  cat->extensions_[e.oid] = e;
  return cat;
}

std::shared_ptr<const Catalog> Catalog::WithoutExtension(uint32_t oid) const {
  auto cat = std::make_shared<Catalog>(*this);
  cat->extensions_.erase(oid);
  return cat;
}

const ExtensionDef* Catalog::FindExtension(std::string_view name) const {
  for (const auto& [oid, e] : extensions_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

const TableDef* Catalog::FindByOid(uint32_t oid) const {
  auto it = tables_.find(oid);
  return it == tables_.end() ? nullptr : &it->second;
}

}  // namespace immu
