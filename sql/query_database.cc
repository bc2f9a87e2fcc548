#include "sql/query_database.h"

#include <algorithm>

#include "catalog/pg_error.h"
#include "sql/cluster.h"

namespace immu::sql {

namespace {

QueryResult Tag(const char* tag) {
  QueryResult r;
  r.tag = tag;
  return r;
}

std::string OptionText(const PgQuery__DefElem* d) {
  const PgNode* a = d->arg;
  if (a == nullptr) return "";
  if (a->node_case == PG_QUERY__NODE__NODE_STRING) return a->string->sval;
  if (a->node_case == PG_QUERY__NODE__NODE_INTEGER) return std::to_string(a->integer->ival);
  if (a->node_case == PG_QUERY__NODE__NODE_TYPE_NAME && a->type_name->n_names > 0) {
    const PgNode* last = a->type_name->names[a->type_name->n_names - 1];
    if (last->node_case == PG_QUERY__NODE__NODE_STRING) return last->string->sval;
  }
  return "";
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// CREATE DATABASE's options: what a new, empty, UTF8 store satisfies is
// accepted; asking for anything else (another encoding, a copy of a user
// database) is refused instead of silently ignored.
void CheckCreateOptions(PgNode* const* options, size_t n, const Cluster& cluster) {
  for (size_t i = 0; i < n; i++) {
    if (options[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    const PgQuery__DefElem* d = options[i]->def_elem;
    const std::string name = d->defname;
    const std::string value = OptionText(d);
    if (name == "encoding") {
      const std::string v = Lower(value);
      if (v != "utf8" && v != "utf-8" && v != "unicode" && v != "6" && v != "sql_ascii" && v != "0") {
        throw PgError(sqlstate::kFeatureNotSupported, "encoding \"" + value + "\" is not supported",
                      "", "Databases are UTF8.");
      }
    } else if (name == "template") {
      if (value != "template0" && value != "template1") {
        const auto names = cluster.DatabaseNames();
        if (std::find(names.begin(), names.end(), value) == names.end()) {
          throw PgError(sqlstate::kUndefinedDatabase, "template database \"" + value + "\" does not exist");
        }
        throw PgError(sqlstate::kFeatureNotSupported, "copying database \"" + value + "\" is not supported",
                      "", "New databases start empty (TEMPLATE template0).");
      }
    } else if (name == "owner" || name == "locale" || name == "lc_collate" || name == "lc_ctype" ||
               name == "icu_locale" || name == "locale_provider" || name == "collation_version" ||
               name == "tablespace" || name == "allow_connections" || name == "connection_limit" ||
               name == "is_template" || name == "strategy" || name == "oid") {
      // Accepted: one owner (the superuser), C collation, the default tablespace.
    } else {
      throw PgError(sqlstate::kSyntaxError, "option \"" + name + "\" not recognized");
    }
  }
}

void RequireOutsideBlock(const DatabaseStatementContext& ctx, const char* what) {
  if (ctx.in_transaction_block) {
    throw PgError(sqlstate::kActiveSqlTransaction, std::string(what) + " cannot run inside a transaction block");
  }
}

}  // namespace

bool IsDatabaseStatement(const PgNode* stmt) {
  switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_CREATEDB_STMT:
    case PG_QUERY__NODE__NODE_DROPDB_STMT:
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_SET_STMT:
      return true;
    case PG_QUERY__NODE__NODE_RENAME_STMT:
      return stmt->rename_stmt->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE;
    default:
      return false;
  }
}

QueryResult RunDatabaseStatement(const PgNode* stmt, const DatabaseStatementContext& ctx) {
  if (ctx.cluster == nullptr) {
    throw PgError(sqlstate::kFeatureNotSupported, "databases are managed by the server; this engine has one");
  }
  Cluster& cluster = *ctx.cluster;
  switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_CREATEDB_STMT: {
      const auto* s = stmt->createdb_stmt;
      RequireOutsideBlock(ctx, "CREATE DATABASE");
      if (!ctx.superuser) throw PgError(sqlstate::kInsufficientPrivilege, "permission denied to create database");
      CheckCreateOptions(s->options, s->n_options, cluster);
      cluster.CreateDatabase(s->dbname);
      return Tag("CREATE DATABASE");
    }
    case PG_QUERY__NODE__NODE_DROPDB_STMT: {
      const auto* s = stmt->dropdb_stmt;
      RequireOutsideBlock(ctx, "DROP DATABASE");
      const std::string name = s->dbname;
      const auto names = cluster.DatabaseNames();
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        if (!s->missing_ok) throw PgError(sqlstate::kUndefinedDatabase, "database \"" + name + "\" does not exist");
        if (ctx.notices) ctx.notices->Notice("NOTICE", "00000", "database \"" + name + "\" does not exist, skipping");
        return Tag("DROP DATABASE");
      }
      if (!ctx.superuser) throw PgError(sqlstate::kInsufficientPrivilege, "must be owner of database " + name);
      if (name == ctx.current_database) {
        throw PgError(sqlstate::kObjectInUse, "cannot drop the currently open database");
      }
      // WITH (FORCE) would terminate the other sessions; we refuse (55006)
      // while any is connected, FORCE or not.
      cluster.DropDatabase(name);
      return Tag("DROP DATABASE");
    }
    case PG_QUERY__NODE__NODE_RENAME_STMT: {
      const auto* s = stmt->rename_stmt;
      if (!ctx.superuser) throw PgError(sqlstate::kInsufficientPrivilege, "permission denied to rename database");
      if (std::string(s->subname) == ctx.current_database) {
        throw PgError(sqlstate::kFeatureNotSupported, "current database cannot be renamed");
      }
      cluster.RenameDatabase(s->subname, s->newname);
      return Tag("ALTER DATABASE");
    }
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_SET_STMT:
      throw PgError(sqlstate::kFeatureNotSupported, "ALTER DATABASE ... SET is not supported",
                    "", "Set the parameter per session (SET, or the connection's options).");
    default:
      throw PgError(sqlstate::kFeatureNotSupported, "ALTER DATABASE options are not supported");
  }
}

}  // namespace immu::sql
