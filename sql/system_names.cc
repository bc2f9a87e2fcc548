// CatalogNames: text I/O of regclass, regnamespace, regrole and regproc
// against the session's catalog and the emulated system objects.

#include "catalog/pg_error.h"
#include "sql/system_internal.h"
#include "sql/system_tables.h"

namespace immu::sql {

std::vector<std::string> SplitQualified(std::string_view s) {
  std::vector<std::string> parts(1);
  bool quoted = false;
  for (size_t i = 0; i < s.size(); i++) {
    const char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        parts.back().push_back('"');
        i++;
      } else if (c == '"') {
        quoted = false;
      } else {
        parts.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '.') {
      parts.emplace_back();
    } else if (!std::isspace(static_cast<unsigned char>(c))) {
      parts.back().push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return parts;
}

std::optional<std::string> CatalogNames::NameOf(uint32_t type, uint32_t id) const {
  const Catalog* cat = catalog_ != nullptr ? catalog_->get() : nullptr;
  switch (type) {
    case oid::kRegclass: {
      if (cat != nullptr) {
        const RelationRef r = FindRelation(*cat, id);
        if (r.kind != 0) {
          const std::string name = QuoteIdent(r.name);
          return r.table->schema == "public" ? name : QuoteIdent(r.table->schema) + "." + name;
        }
      }
      for (const auto& s : SystemRelations()) {
        if (s.oid == id) {
          return std::string_view(s.schema) == "pg_catalog" ? std::string(s.name)
                                                             : std::string(s.schema) + "." + s.name;
        }
      }
      return std::nullopt;
    }
    case oid::kRegnamespace: {
      for (const char* n : {"pg_catalog", "public", "information_schema", "pg_toast"}) {
        if (NamespaceOid(n) == id) return QuoteIdent(n);
      }
      if (cat != nullptr) {
        for (const auto& s : UserSchemas(*cat)) {
          if (NamespaceOid(s) == id) return QuoteIdent(s);
        }
      }
      return std::nullopt;
    }
    case oid::kRegrole:
      if (id == kSuperuserOid) return std::string(kSuperuserName);
      if (id == kDatabaseOwnerRoleOid) return std::string("pg_database_owner");
      return std::nullopt;
    case oid::kRegproc:
    case oid::kRegprocedure:
      for (const auto& p : PgProcs()) {
        if (p.oid == id) return std::string(p.name);
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

uint32_t CatalogNames::OidOf(uint32_t type, std::string_view text) const {
  const Catalog* cat = catalog_ != nullptr ? catalog_->get() : nullptr;
  // regprocedure input names the argument types: 'array_in(cstring,oid,integer)'.
  // Built-in functions are not overloaded in PgProcs, so the name decides.
  std::string_view bare = text;
  if (type == oid::kRegprocedure && bare.find('(') != std::string_view::npos) bare = bare.substr(0, bare.find('('));
  const std::vector<std::string> parts = SplitQualified(bare);
  const std::string& name = parts.back();
  const std::string schema = parts.size() > 1 ? parts[parts.size() - 2] : "";
  switch (type) {
    case oid::kRegclass: {
      const uint32_t id = cat != nullptr ? RelationOidByName(*cat, schema, name) : 0;
      if (id == 0) throw PgError(sqlstate::kUndefinedTable, "relation \"" + std::string(text) + "\" does not exist");
      return id;
    }
    case oid::kRegnamespace: {
      bool known = name == "pg_catalog" || name == "information_schema" || name == "pg_toast";
      if (!known && cat != nullptr) {
        for (const auto& s : UserSchemas(*cat)) known |= s == name;
      }
      if (!known) throw PgError(sqlstate::kInvalidSchemaName, "schema \"" + name + "\" does not exist");
      return NamespaceOid(name);
    }
    case oid::kRegrole:
      if (name == kSuperuserName) return kSuperuserOid;
      if (name == "pg_database_owner") return kDatabaseOwnerRoleOid;
      throw PgError(sqlstate::kUndefinedObject, "role \"" + name + "\" does not exist");
    default:
      for (const auto& p : PgProcs()) {
        if (name == p.name) return p.oid;
      }
      throw PgError(sqlstate::kUndefinedFunction, "function \"" + std::string(text) + "\" does not exist");
  }
}

}  // namespace immu::sql
