// The catalog rows of extensions: pg_extension (plpgsql, always there, and
// the installed ones), pg_available_extensions and
// pg_available_extension_versions (what CREATE EXTENSION accepts: one
// version each), pg_description's extension comments (\dx shows them) and
// pg_am's index access methods.

#include "sql/extensions.h"
#include "sql/system_internal.h"

namespace immu::sql {

namespace {

constexpr uint32_t kPlpgsqlExtensionOid = 13653;
constexpr uint32_t kPgExtensionClassOid = 3079;

void PgExtension(StmtContext& sc, RowBuilder& b) {
  b.Begin()
      .Set("oid", OidV(kPlpgsqlExtensionOid))
      .Set("extname", NameV("plpgsql"))
      .Set("extowner", OidV(kSuperuserOid))
      .Set("extnamespace", OidV(kPgCatalogNamespace))
      .Set("extrelocatable", BoolV(false))
      .Set("extversion", TextV("1.0"))
      .End();
  for (const auto& [id, e] : (**sc.catalog).extensions()) {
    b.Begin()
        .Set("oid", OidV(e.oid))
        .Set("extname", NameV(e.name))
        .Set("extowner", OidV(kSuperuserOid))
        .Set("extnamespace", OidV(NamespaceOid(e.schema)))
        .Set("extrelocatable", BoolV(true))
        .Set("extversion", TextV(e.version))
        .End();
  }
}

// The installed version of an extension ("" when not installed).
std::string InstalledVersion(const Catalog& cat, std::string_view name) {
  if (name == "plpgsql") return "1.0";
  const ExtensionDef* e = cat.FindExtension(name);
  return e != nullptr ? e->version : "";
}

void PgAvailableExtensions(StmtContext& sc, RowBuilder& b) {
  for (const auto& a : AvailableExtensions()) {
    const std::string installed = InstalledVersion(**sc.catalog, a.name);
    b.Begin()
        .Set("name", NameV(a.name))
        .Set("default_version", TextV(a.version))
        .Set("installed_version", installed.empty() ? Value::Null(oid::kText) : TextV(installed))
        .Set("comment", TextV(a.comment))
        .End();
  }
}

void PgAvailableExtensionVersions(StmtContext& sc, RowBuilder& b) {
  for (const auto& a : AvailableExtensions()) {
    const bool plpgsql = std::string_view(a.name) == "plpgsql";
    b.Begin()
        .Set("name", NameV(a.name))
        .Set("version", TextV(a.version))
        .Set("installed", BoolV(!InstalledVersion(**sc.catalog, a.name).empty()))
        .Set("superuser", BoolV(true))
        .Set("trusted", BoolV(a.trusted))
        .Set("relocatable", BoolV(!plpgsql))
        .Set("schema", plpgsql ? NameV("pg_catalog") : Value::Null(oid::kName))
        .Set("requires", Value::Null(oid::kNameArray))
        .Set("comment", TextV(a.comment))
        .End();
  }
}

}  // namespace

Producer ExtensionProducer(std::string_view name) {
  if (name == "pg_extension") return PgExtension;
  if (name == "pg_available_extensions") return PgAvailableExtensions;
  if (name == "pg_available_extension_versions") return PgAvailableExtensionVersions;
  return nullptr;
}

void ExtensionDescriptionRows(StmtContext& sc, RowBuilder& b) {
  auto row = [&](uint32_t objoid, std::string_view name) {
    const AvailableExtension* a = FindAvailableExtension(name);
    if (a == nullptr) return;
    b.Begin()
        .Set("objoid", OidV(objoid))
        .Set("classoid", OidV(kPgExtensionClassOid))
        .Set("objsubid", Int4V(0))
        .Set("description", TextV(a->comment))
        .End();
  };
  row(kPlpgsqlExtensionOid, "plpgsql");
  for (const auto& [id, e] : (**sc.catalog).extensions()) row(e.oid, e.name);
}

std::vector<std::pair<uint32_t, std::string>> IndexAccessMethods(const Catalog& cat) {
  std::vector<std::pair<uint32_t, std::string>> out = {
      {kBtreeAm, "btree"}, {405, "hash"}, {783, "gist"}, {2742, "gin"}, {4000, "spgist"}, {3580, "brin"}};
  if (const ExtensionDef* e = cat.FindExtension("bloom"); e != nullptr) out.emplace_back(e->am_oid, "bloom");
  return out;
}

uint32_t AccessMethodOid(const Catalog& cat, std::string_view name) {
  for (const auto& [id, n] : IndexAccessMethods(cat)) {
    if (n == name) return id;
  }
  return 0;
}

}  // namespace immu::sql
