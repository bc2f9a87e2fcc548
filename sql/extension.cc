// CREATE / ALTER / DROP EXTENSION (sql/extensions.h). An extension is a
// catalog entry (catalog/extension_def.h) plus, for citext and hstore, the
// type it provides; everything else it offers is compiled in and gated on
// the entry's presence.

#include <algorithm>

#include "catalog/pg_error.h"
#include "sql/extensions.h"
#include "sql/user_types.h"
#include "sql/query_internal.h"

namespace immu::sql {

namespace {

constexpr AvailableExtension kAvailable[] = {
    {"bloom", "1.0", false, "bloom access method - signature file based index"},
    {"btree_gin", "1.3", true, "support for indexing common datatypes in GIN"},
    {"btree_gist", "1.7", true, "support for indexing common datatypes in GiST"},
    {"citext", "1.6", true, "data type for case-insensitive character strings"},
    {"hstore", "1.8", true, "data type for storing sets of (key, value) pairs"},
    {"pg_trgm", "1.6", true, "text similarity measurement and index searching based on trigrams"},
    {"pgcrypto", "1.3", true, "cryptographic functions"},
    {"plpgsql", "1.0", true, "PL/pgSQL procedural language"},
    {"unaccent", "1.1", true, "text search dictionary that removes accents"},
    {"uuid-ossp", "1.1", true, "generate universally unique identifiers (UUIDs)"},
};

// The type an extension provides ("" when none).
std::string_view ProvidedType(std::string_view extension) {
  if (extension == "citext") return "citext";
  if (extension == "hstore") return "hstore";
  return {};
}

std::string OptionValue(const PgQuery__DefElem* d) {
  if (d->arg == nullptr) return "";
  if (d->arg->node_case == PG_QUERY__NODE__NODE_STRING) return std::string(NodeString(d->arg));
  if (d->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN) return d->arg->boolean->boolval ? "true" : "false";
  return "";
}

const TypeDef* ExtensionType(const Catalog& cat, const ExtensionDef& e) {
  for (const auto& [oid, t] : cat.types()) {
    if (t.kind == 'b' && t.extension == e.name) return &t;
  }
  return nullptr;
}

}  // namespace

std::span<const AvailableExtension> AvailableExtensions() { return kAvailable; }

const AvailableExtension* FindAvailableExtension(std::string_view name) {
  for (const auto& e : kAvailable) {
    if (name == e.name) return &e;
  }
  return nullptr;
}

bool ExtensionInstalled(std::string_view name) {
  const Catalog* cat = CurrentTypeCatalog();
  return cat != nullptr && !cat->extensions().empty() && cat->FindExtension(name) != nullptr;
}

uint32_t ExtensionTypeOid(std::string_view type_name) {
  const Catalog* cat = CurrentTypeCatalog();
  if (cat == nullptr || cat->extensions().empty()) return 0;
  for (const auto& [oid, t] : cat->types()) {
    if (t.kind == 'b' && t.extension == type_name) return oid;
  }
  return 0;
}

bool IsCitextType(uint32_t type) {
  const TypeDef* t = FindUserType(type);
  return t != nullptr && t->kind == 'b' && t->extension == "citext";
}

bool IsHstoreType(uint32_t type) {
  const TypeDef* t = FindUserType(type);
  return t != nullptr && t->kind == 'b' && t->extension == "hstore";
}

QueryResult RunCreateExtension(const PgQuery__CreateExtensionStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "CREATE EXTENSION";
  const std::string name = s->extname;
  std::string schema, version;
  for (size_t i = 0; i < s->n_options; i++) {
    if (s->options[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    const PgQuery__DefElem* d = s->options[i]->def_elem;
    const std::string opt = d->defname;
    if (opt == "schema") schema = OptionValue(d);
    else if (opt == "new_version") version = OptionValue(d);
    // "cascade": none of ours requires another extension.
  }
  const AvailableExtension* avail = FindAvailableExtension(name);
  if (avail == nullptr) {
    throw PgError(sqlstate::kFeatureNotSupported, "extension \"" + name + "\" is not available",
                  "Could not open extension control file \"/usr/share/postgresql/15/extension/" + name +
                      ".control\": No such file or directory.",
                  "The extension must first be installed on the system where PostgreSQL is running.");
  }
  const Catalog& cat = **sc.catalog;
  if (name == "plpgsql" || cat.FindExtension(name) != nullptr) {
    if (s->if_not_exists) return out;  // PostgreSQL notes "already exists, skipping"
    throw PgError(sqlstate::kDuplicateObject, "extension \"" + name + "\" already exists");
  }
  if (!version.empty() && version != avail->version) {
    throw PgError(sqlstate::kInvalidParameterValue, "extension \"" + name +
                                                        "\" has no installation script nor update path for version \"" +
                                                        version + "\"");
  }
  if (!schema.empty() && !cat.SchemaExists(schema)) {
    throw PgError(sqlstate::kInvalidSchemaName, "schema \"" + schema + "\" does not exist");
  }
  ExtensionDef e;
  e.name = name;
  e.version = avail->version;
  e.schema = schema.empty() ? CreationSchema(sc, nullptr, -1) : schema;
  e.owner = sc.eval->user;
  const std::string_view type_name = ProvidedType(name);
  if (!type_name.empty() &&
      (cat.FindTypeDef(e.schema, type_name) != nullptr || cat.Find(e.schema, type_name) != nullptr)) {
    throw PgError(sqlstate::kDuplicateObject, "type \"" + std::string(type_name) + "\" already exists");
  }
  if (sc.describe_only) return out;
  e.oid = sc.db->AllocateOid();
  if (name == "bloom") e.am_oid = sc.db->AllocateOid();
  if (!type_name.empty()) {
    TypeDef t;
    t.oid = sc.db->AllocateOid();
    t.array_oid = sc.db->AllocateOid();
    t.schema = e.schema;
    t.name = std::string(type_name);
    t.owner = e.owner;
    t.kind = 'b';
    t.extension = name;
    SaveType(sc, t);
  }
  ThrowIfError(sc.txn->Set(ExtensionDefKey(e.oid), e.ToJson()));
  *sc.catalog = (*sc.catalog)->WithExtension(e);
  sc.catalog_changed = true;
  return out;
}

QueryResult RunAlterExtension(const PgQuery__AlterExtensionStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "ALTER EXTENSION";
  const std::string name = s->extname;
  const ExtensionDef* e = (*sc.catalog)->FindExtension(name);
  std::string current = e != nullptr ? e->version : name == "plpgsql" ? "1.0" : "";
  if (current.empty()) throw PgError(sqlstate::kUndefinedObject, "extension \"" + name + "\" does not exist");
  for (size_t i = 0; i < s->n_options; i++) {
    if (s->options[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    const PgQuery__DefElem* d = s->options[i]->def_elem;
    const std::string version = OptionValue(d);
    // Each extension has one version here: UPDATE [TO it] is a no-op
    // (PostgreSQL notes "version ... is already installed").
    if (std::string_view(d->defname) == "new_version" && !version.empty() && version != current) {
      throw PgError(sqlstate::kInvalidParameterValue, "extension \"" + name + "\" has no update path from version \"" +
                                                          current + "\" to version \"" + version + "\"");
    }
  }
  return out;
}

QueryResult RunDropExtension(const PgQuery__DropStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "DROP EXTENSION";
  const bool cascade = s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  std::vector<ExtensionDef> victims;
  for (size_t i = 0; i < s->n_objects; i++) {
    const std::string name(NodeString(s->objects[i]));
    if (name == "plpgsql") {
      throw PgError(sqlstate::kFeatureNotSupported, "extension \"plpgsql\" is built in and cannot be dropped");
    }
    const ExtensionDef* e = (*sc.catalog)->FindExtension(name);
    if (e == nullptr) {
      if (s->missing_ok) continue;  // PostgreSQL notes "does not exist, skipping"
      throw PgError(sqlstate::kUndefinedObject, "extension \"" + name + "\" does not exist");
    }
    victims.push_back(*e);
  }
  for (const ExtensionDef& e : victims) {
    const Catalog& cat = **sc.catalog;
    std::string detail;
    if (const TypeDef* t = ExtensionType(cat, e)) detail = TypeDependentsDetail(cat, *t);
    if (e.name == "bloom") {
      for (const auto& [oid, tab] : cat.tables()) {
        for (const auto& x : tab.indexes) {
          if (x.access_method == "bloom") {
            detail += (detail.empty() ? "" : "\n") + ("index " + x.name + " depends on operator class") +
                      " int4_ops for access method bloom";
          }
        }
      }
    }
    if (!detail.empty() && !cascade) {
      throw PgError(sqlstate::kDependentObjectsStillExist,
                    "cannot drop extension " + e.name + " because other objects depend on it", detail,
                    "Use DROP ... CASCADE to drop the dependent objects too.");
    }
  }
  if (sc.describe_only) return out;
  for (const ExtensionDef& e : victims) {
    if (const TypeDef* t = ExtensionType(**sc.catalog, e)) DropTypeAndDependents(sc, t->oid, cascade, 0);
    if (e.name == "bloom") {
      std::vector<TableDef> changed;
      for (const auto& [oid, tab] : (*sc.catalog)->tables()) {
        TableDef copy = tab;
        if (std::erase_if(copy.indexes, [](const IndexDef& x) { return x.access_method == "bloom"; }) > 0) {
          changed.push_back(std::move(copy));
        }
      }
      for (const TableDef& t : changed) SaveTable(sc, t);
    }
    ThrowIfError(sc.txn->Delete(ExtensionDefKey(e.oid)));
    *sc.catalog = (*sc.catalog)->WithoutExtension(e.oid);
    sc.catalog_changed = true;
  }
  return out;
}

bool MatchExtensionFunction(std::span<const ExtensionFn> fns, std::string_view name,
                            std::span<const uint32_t> arg_types, ResolvedFn* out) {
  auto concrete = [](uint32_t t) {
    return t == kCitextArg ? ExtensionTypeOid("citext") : t == kHstoreArg ? ExtensionTypeOid("hstore") : t;
  };
  auto stringish = [](uint32_t t) { return IsStringCategory(t) || IsCitextType(t); };
  for (const auto& f : fns) {
    if (f.name != name || f.args.size() != arg_types.size()) continue;
    std::vector<uint32_t> want;
    bool ok = true;
    for (size_t i = 0; i < arg_types.size() && ok; i++) {
      const uint32_t w = concrete(f.args[i]), got = arg_types[i];
      want.push_back(w);
      ok = w != 0 && (got == w || got == oid::kUnknown || (stringish(w) && stringish(got)) ||
                      (IsNumericCategory(w) && IsNumericCategory(got)) ||
                      (ArrayElementType(w) != 0 && ArrayElementType(got) != 0 &&
                       stringish(ArrayElementType(w)) && stringish(ArrayElementType(got))));
    }
    if (!ok) continue;
    *out = {f.fn, concrete(f.result), std::move(want), f.strict};
    return true;
  }
  return false;
}

bool ResolveExtensionFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out) {
  const Catalog* cat = CurrentTypeCatalog();
  if (cat == nullptr || cat->extensions().empty()) return false;
  if (cat->FindExtension("uuid-ossp") != nullptr && ResolveUuidOsspFunction(name, arg_types, out)) return true;
  if (cat->FindExtension("pg_trgm") != nullptr && ResolveTrgmFunction(name, arg_types, out)) return true;
  if (cat->FindExtension("unaccent") != nullptr && ResolveUnaccentFunction(name, arg_types, out)) return true;
  if (cat->FindExtension("citext") != nullptr && ResolveCitextFunction(name, arg_types, out)) return true;
  if (cat->FindExtension("hstore") != nullptr && ResolveHstoreFunction(name, arg_types, out)) return true;
  if (cat->FindExtension("pgcrypto") != nullptr && ResolvePgcryptoFunction(name, arg_types, out)) return true;
  return false;
}

bool ResolveExtensionOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out) {
  const Catalog* cat = CurrentTypeCatalog();
  if (cat == nullptr || cat->extensions().empty()) return false;
  if (cat->FindExtension("citext") != nullptr && ResolveCitextOperator(op, left, right, out)) return true;
  if (cat->FindExtension("hstore") != nullptr && ResolveHstoreOperator(op, left, right, out)) return true;
  if (cat->FindExtension("pg_trgm") != nullptr && ResolveTrgmOperator(op, left, right, out)) return true;
  return false;
}

}  // namespace immu::sql
