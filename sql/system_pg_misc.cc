// pg_type, pg_proc, pg_am, pg_database, pg_roles / pg_user / pg_authid,
// pg_settings, pg_collation, pg_tablespace, pg_extension, pg_language and
// the statistics views for this session. Relations without a producer
// here are present and empty (pg_description, pg_inherits, pg_policy ...).

#include "sql/cluster.h"
#include "sql/fn_library.h"
#include "sql/session_introspection.h"
#include "sql/system_internal.h"
#include "sql/user_directory.h"

namespace immu::sql {

namespace {

void PgType(StmtContext& sc, RowBuilder& b) {
  for (const auto& t : PgTypes()) {
    b.Begin()
        .Set("oid", OidV(t.oid))
        .Set("typname", NameV(t.name))
        .Set("typnamespace", OidV(kPgCatalogNamespace))
        .Set("typowner", OidV(kSuperuserOid))
        .Set("typlen", Int2V(t.len))
        .Set("typbyval", BoolV(t.byval))
        .Set("typtype", CharV(t.type))
        .Set("typcategory", CharV(t.category))
        .Set("typispreferred", BoolV(t.preferred))
        .Set("typisdefined", BoolV(true))
        .Set("typdelim", CharV(','))
        .Set("typelem", OidV(t.elem))
        .Set("typarray", OidV(t.array))
        .Set("typinput", Value::Int(oid::kRegproc, t.input))
        .Set("typoutput", Value::Int(oid::kRegproc, t.output))
        .Set("typreceive", Value::Int(oid::kRegproc, t.receive))
        .Set("typsend", Value::Int(oid::kRegproc, t.send))
        .Set("typsubscript", Value::Int(oid::kRegproc, 0))
        .Set("typalign", CharV(t.align))
        .Set("typstorage", CharV(t.storage))
        .Set("typtypmod", Int4V(-1))
        .Set("typcollation", OidV(t.collation))
        .End();
  }
  UserTypePgTypeRows(sc, b);
}

void PgProc(StmtContext&, RowBuilder& b) {
  for (const auto& p : PgProcs()) {
    b.Begin()
        .Set("oid", OidV(p.oid))
        .Set("proname", NameV(p.name))
        .Set("pronamespace", OidV(kPgCatalogNamespace))
        .Set("proowner", OidV(kSuperuserOid))
        .Set("prolang", OidV(12))  // internal
        .Set("prokind", CharV('f'))
        .Set("proisstrict", BoolV(true))
        .Set("provolatile", CharV('i'))
        .Set("proparallel", CharV('s'))
        .Set("proargtypes", Value::Array(oid::kOidVector, {}))
        .Set("prosrc", TextV(p.name))
        .End();
  }
}

void PgDescription(StmtContext& sc, RowBuilder& b) {
  auto row = [&](uint32_t objoid, uint32_t classoid, int64_t subid, const std::string& text) {
    b.Begin()
        .Set("objoid", OidV(objoid))
        .Set("classoid", OidV(classoid))
        .Set("objsubid", Int4V(subid))
        .Set("description", TextV(text))
        .End();
  };
  const Catalog& cat = **sc.catalog;
  const SchemaDef* pub = cat.FindSchema("public");
  // initdb's comments on the built-in schemas.
  row(kPgCatalogNamespace, 2615, 0, "system catalog schema");
  row(kPgToastNamespace, 2615, 0, "reserved schema for TOAST tables");
  if (pub == nullptr) row(kPublicNamespace, 2615, 0, "standard public schema");
  for (const auto& [id, s] : cat.schemas()) {
    if (!s.comment.empty()) row(s.oid, 2615, 0, s.comment);  // pg_namespace
  }
  for (const auto& [id, t] : cat.tables()) {
    if (!t.comment.empty()) row(t.oid, 1259, 0, t.comment);  // pg_class
    for (size_t c = 0; c < t.columns.size(); c++) {
      if (!t.columns[c].comment.empty() && !t.columns[c].dropped) {
        row(t.oid, 1259, static_cast<int64_t>(c + 1), t.columns[c].comment);
      }
    }
    for (const auto& [name, text] : t.constraint_comments) {
      if (const uint32_t oid = ConstraintOidByName(t, name); oid != 0) row(oid, 2606, 0, text);  // pg_constraint
    }
  }
  ExtensionDescriptionRows(sc, b);
}

void PgAm(StmtContext& sc, RowBuilder& b) {
  b.Begin().Set("oid", OidV(kHeapAm)).Set("amname", NameV("heap")).Set("amtype", CharV('t')).End();
  for (const auto& [id, name] : IndexAccessMethods(**sc.catalog)) {
    b.Begin().Set("oid", OidV(id)).Set("amname", NameV(name)).Set("amtype", CharV('i')).End();
  }
}

void PgDatabase(StmtContext& sc, RowBuilder& b) {
  std::vector<std::string> names{sc.eval->database};
  if (sc.eval->cluster != nullptr) names = sc.eval->cluster->DatabaseNames();
  for (const std::string& name : names) {
    b.Begin()
        .Set("oid", OidV(DatabaseOid(name)))
        .Set("datname", NameV(name))
        .Set("datdba", OidV(kSuperuserOid))
        .Set("encoding", Int4V(6))  // UTF8
        .Set("datlocprovider", CharV('c'))
        .Set("datistemplate", BoolV(false))
        .Set("datallowconn", BoolV(true))
        .Set("datconnlimit", Int4V(-1))
        .Set("dattablespace", OidV(1663))
        .Set("datcollate", TextV("C"))
        .Set("datctype", TextV("C"))
        .End();
  }
}

struct Role {
  uint32_t oid;
  std::string name;
  bool super;
  bool login;
};

// The server's roles (or, in the embedded engine, the built-in superuser),
// then pg_database_owner.
std::vector<Role> Roles(const StmtContext& sc) {
  std::vector<Role> out;
  if (sc.eval != nullptr && sc.eval->users != nullptr) {
    for (const RoleInfo& r : sc.eval->users->Roles()) out.push_back({r.oid, r.name, r.superuser, r.login});
  } else {
    out.push_back({kSuperuserOid, kSuperuserName, true, true});
  }
  out.push_back({kDatabaseOwnerRoleOid, "pg_database_owner", false, false});
  return out;
}

void RoleColumns(RowBuilder& b, const Role& r) {
  b.Set("oid", OidV(r.oid))
      .Set("rolname", NameV(r.name))
      .Set("rolsuper", BoolV(r.super))
      .Set("rolinherit", BoolV(true))
      .Set("rolcreaterole", BoolV(r.super))
      .Set("rolcreatedb", BoolV(r.super))
      .Set("rolcanlogin", BoolV(r.login))
      .Set("rolreplication", BoolV(r.super))
      .Set("rolbypassrls", BoolV(r.super))
      .Set("rolconnlimit", Int4V(-1));
}

void PgRoles(StmtContext& sc, RowBuilder& b) {
  for (const auto& r : Roles(sc)) {
    b.Begin();
    RoleColumns(b, r);
    b.Set("rolpassword", TextV("********")).End();
  }
}

void PgAuthid(StmtContext& sc, RowBuilder& b) {
  for (const auto& r : Roles(sc)) {
    b.Begin();
    RoleColumns(b, r);
    b.End();  // rolpassword stays NULL: no secrets here
  }
}

void PgUser(StmtContext& sc, RowBuilder& b) {
  for (const auto& r : Roles(sc)) {
    if (!r.login) continue;
    b.Begin()
        .Set("usename", NameV(r.name))
        .Set("usesysid", OidV(r.oid))
        .Set("usecreatedb", BoolV(r.super))
        .Set("usesuper", BoolV(r.super))
        .Set("userepl", BoolV(r.super))
        .Set("usebypassrls", BoolV(r.super))
        .Set("passwd", TextV("********"))
        .End();
  }
}

void PgSettings(StmtContext& sc, RowBuilder& b) {
  if (sc.eval->settings == nullptr) return;
  for (const auto& [name, value] : *sc.eval->settings) {
    b.Begin()
        .Set("name", TextV(name))
        .Set("setting", TextV(value))
        .Set("category", TextV("Ungrouped"))
        .Set("context", TextV(IsPresetParameter(name) ? "internal" : "user"))
        .Set("vartype", TextV("string"))
        .Set("source", TextV("default"))
        .Set("boot_val", TextV(value))
        .Set("reset_val", TextV(value))
        .Set("pending_restart", BoolV(false))
        .End();
  }
}

void PgCollation(StmtContext&, RowBuilder& b) {
  const std::pair<uint32_t, const char*> rows[] = {{kDefaultCollation, "default"}, {950, "C"}, {951, "POSIX"}};
  for (const auto& [id, name] : rows) {
    b.Begin()
        .Set("oid", OidV(id))
        .Set("collname", NameV(name))
        .Set("collnamespace", OidV(kPgCatalogNamespace))
        .Set("collowner", OidV(kSuperuserOid))
        .Set("collprovider", CharV(id == kDefaultCollation ? 'd' : 'c'))
        .Set("collisdeterministic", BoolV(true))
        .Set("collencoding", Int4V(id == kDefaultCollation ? -1 : -1))
        .Set("collcollate", id == kDefaultCollation ? Value::Null(oid::kText) : TextV(name))
        .Set("collctype", id == kDefaultCollation ? Value::Null(oid::kText) : TextV(name))
        .End();
  }
}

void PgTablespace(StmtContext&, RowBuilder& b) {
  b.Begin().Set("oid", OidV(1663)).Set("spcname", NameV("pg_default")).Set("spcowner", OidV(kSuperuserOid)).End();
  b.Begin().Set("oid", OidV(1664)).Set("spcname", NameV("pg_global")).Set("spcowner", OidV(kSuperuserOid)).End();
}

void PgLanguage(StmtContext&, RowBuilder& b) {
  const std::pair<uint32_t, const char*> rows[] = {{12, "internal"}, {13, "c"}, {14, "sql"}, {13652, "plpgsql"}};
  for (const auto& [id, name] : rows) {
    b.Begin()
        .Set("oid", OidV(id))
        .Set("lanname", NameV(name))
        .Set("lanowner", OidV(kSuperuserOid))
        .Set("lanispl", BoolV(id == 13652))
        .Set("lanpltrusted", BoolV(id == 14 || id == 13652))
        .End();
  }
}

// Every live session when the engine has a cluster, else this one.
std::vector<SessionActivity> LiveSessions(StmtContext& sc) {
  std::vector<SessionActivity> all;
  if (sc.eval->cluster != nullptr) all = sc.eval->cluster->Activity();
  if (all.empty()) {
    SessionActivity me;
    me.pid = sc.eval->backend_pid;
    me.database = sc.eval->database;
    me.user = sc.eval->user;
    me.application_name = sc.eval->application_name;
    me.state = "active";
    all.push_back(me);
  }
  return all;
}

// No session authenticates with GSSAPI (the server offers SCRAM and MD5).
void PgStatGssapi(StmtContext& sc, RowBuilder& b) {
  for (const SessionActivity& a : LiveSessions(sc)) {
    b.Begin().Set("pid", Int4V(a.pid)).Set("gss_authenticated", BoolV(false)).Set("encrypted", BoolV(false)).End();
  }
}

void PgStatActivity(StmtContext& sc, RowBuilder& b) {
  const std::vector<SessionActivity> all = LiveSessions(sc);
  auto role_oid = [&](const std::string& user) {
    if (sc.eval->users == nullptr) return kSuperuserOid;
    const std::optional<RoleInfo> r = sc.eval->users->Find(user);
    return r ? r->oid : 0u;
  };
  auto ts = [](int64_t t) { return t == 0 ? Value::Null(oid::kTimestampTz) : Value::Int(oid::kTimestampTz, t); };
  for (const SessionActivity& a : all) {
    b.Begin()
        .Set("datid", OidV(DatabaseOid(a.database)))
        .Set("datname", NameV(a.database))
        .Set("pid", Int4V(a.pid))
        .Set("usesysid", OidV(role_oid(a.user)))
        .Set("usename", NameV(a.user))
        .Set("application_name", TextV(a.application_name))
        .Set("client_addr", ClientAddrValue(a.client_addr))
        .Set("client_port", Int4V(a.client_port))
        .Set("backend_start", ts(a.backend_start))
        .Set("xact_start", ts(a.xact_start))
        .Set("query_start", ts(a.query_start))
        .Set("state_change", ts(a.state_change))
        .Set("state", TextV(a.state))
        .Set("query", TextV(a.query))
        .Set("backend_type", TextV("client backend"))
        .End();
  }
}

void PgPreparedStatements(StmtContext& sc, RowBuilder& b) {
  if (sc.eval->introspection == nullptr) return;
  for (const PreparedStatementInfo& p : sc.eval->introspection->PreparedStatements()) {
    std::vector<Value> types;
    for (uint32_t t : p.param_types) types.push_back(Value::Int(oid::kRegtype, t));
    b.Begin()
        .Set("name", TextV(p.name))
        .Set("statement", TextV(p.statement))
        .Set("prepare_time", Value::Int(oid::kTimestampTz, p.prepare_time))
        .Set("parameter_types", Value::Array(oid::kRegtypeArray, std::move(types)))
        .Set("from_sql", BoolV(p.from_sql))
        // Every execution binds afresh: all plans are "custom" in PostgreSQL's terms.
        .Set("generic_plans", Int8V(0))
        .Set("custom_plans", Int8V(0))
        .End();
  }
}

void PgCursors(StmtContext& sc, RowBuilder& b) {
  if (sc.eval->introspection == nullptr) return;
  for (const CursorInfo& c : sc.eval->introspection->Cursors()) {
    b.Begin()
        .Set("name", TextV(c.name))
        .Set("statement", TextV(c.statement))
        .Set("is_holdable", BoolV(c.holdable))
        .Set("is_binary", BoolV(false))
        .Set("is_scrollable", BoolV(false))
        .Set("creation_time", Value::Int(oid::kTimestampTz, c.creation_time))
        .End();
  }
}

void PgStatUserTables(StmtContext& sc, RowBuilder& b) {
  for (const auto& [id, t] : (**sc.catalog).tables()) {
    if (t.kind != 'r') continue;
    b.Begin().Set("relid", OidV(t.oid)).Set("schemaname", NameV(t.schema)).Set("relname", NameV(t.name)).End();
  }
}

}  // namespace

Producer MiscProducer(std::string_view name) {
  static const std::pair<std::string_view, Producer> kProducers[] = {
      {"pg_type", PgType},           {"pg_proc", PgProc},
      {"pg_am", PgAm},               {"pg_description", PgDescription},               {"pg_database", PgDatabase},
      {"pg_roles", PgRoles},         {"pg_authid", PgAuthid},
      {"pg_user", PgUser},           {"pg_settings", PgSettings},
      {"pg_collation", PgCollation}, {"pg_tablespace", PgTablespace},
      {"pg_language", PgLanguage},
      {"pg_stat_activity", PgStatActivity}, {"pg_prepared_statements", PgPreparedStatements},
      {"pg_cursors", PgCursors}, {"pg_stat_user_tables", PgStatUserTables},
      {"pg_statio_user_tables", PgStatUserTables}, {"pg_stat_gssapi", PgStatGssapi},
  };
  for (const auto& [n, p] : kProducers) {
    if (n == name) return p;
  }
  return nullptr;
}

}  // namespace immu::sql
