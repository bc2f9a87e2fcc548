#include "sql/query_role.h"

#include <set>

#include "catalog/pg_error.h"

namespace immu::sql {

namespace {

constexpr const char* kObjectInUse = "55006";
constexpr const char* kReservedName = "42939";

bool BoolArg(const PgQuery__DefElem* d) {
  const PgNode* a = d->arg;
  if (a == nullptr) return true;
  if (a->node_case == PG_QUERY__NODE__NODE_BOOLEAN) return a->boolean->boolval;
  if (a->node_case == PG_QUERY__NODE__NODE_INTEGER) return a->integer->ival != 0;
  throw PgError(sqlstate::kSyntaxError, "invalid value for option \"" + std::string(d->defname) + "\"");
}

// The options of CREATE/ALTER ROLE into a RoleChange. Options the directory
// does not model (CREATEDB, CONNECTION LIMIT, VALID UNTIL, IN ROLE ...) are
// refused rather than silently ignored.
void ApplyOptions(PgNode* const* options, size_t n, RoleChange* c) {
  std::set<std::string> seen;
  for (size_t i = 0; i < n; i++) {
    if (options[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    const PgQuery__DefElem* d = options[i]->def_elem;
    const std::string name = d->defname;
    if (!seen.insert(name).second) throw PgError(sqlstate::kSyntaxError, "conflicting or redundant options");
    if (name == "password") {
      c->set_password = true;
      if (d->arg == nullptr) {
        c->password.reset();
      } else if (d->arg->node_case == PG_QUERY__NODE__NODE_STRING) {
        c->password = std::string(d->arg->string->sval);
      } else {
        throw PgError(sqlstate::kSyntaxError, "invalid value for option \"password\"");
      }
    } else if (name == "superuser") {
      c->superuser = BoolArg(d);
    } else if (name == "canlogin") {
      c->login = BoolArg(d);
    } else if (name == "inherit" && BoolArg(d)) {
      // INHERIT is the default and the only behaviour (no role membership).
    } else {
      throw PgError(sqlstate::kFeatureNotSupported, "role option \"" + name + "\" is not supported");
    }
  }
}

std::string RoleName(const PgQuery__RoleSpec* r, const std::string& current_user) {
  if (r == nullptr) throw PgError(sqlstate::kSyntaxError, "a role name is expected");
  switch (r->roletype) {
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CSTRING:
      return r->rolename;
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CURRENT_ROLE:
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CURRENT_USER:
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_SESSION_USER:
      return current_user;
    default:
      throw PgError(sqlstate::kUndefinedObject, "role \"public\" does not exist");
  }
}

std::string RoleName(const PgNode* n, const std::string& current_user) {
  if (n == nullptr || n->node_case != PG_QUERY__NODE__NODE_ROLE_SPEC) {
    throw PgError(sqlstate::kSyntaxError, "a role name is expected");
  }
  return RoleName(n->role_spec, current_user);
}

QueryResult Tag(const char* tag) {
  QueryResult r;
  r.tag = tag;
  return r;
}

}  // namespace

bool IsRoleStatement(const PgNode* stmt) {
  return stmt->node_case == PG_QUERY__NODE__NODE_CREATE_ROLE_STMT ||
         stmt->node_case == PG_QUERY__NODE__NODE_ALTER_ROLE_STMT ||
         stmt->node_case == PG_QUERY__NODE__NODE_DROP_ROLE_STMT;
}

QueryResult RunRoleStatement(const PgNode* stmt, UserDirectory* users, const std::string& current_user,
                             RowSink* notices) {
  if (users == nullptr) {
    throw PgError(sqlstate::kFeatureNotSupported, "roles are managed by the server; the embedded engine has none");
  }
  const bool super = users->IsSuperuser(current_user);
  switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_ROLE_STMT: {
      const PgQuery__CreateRoleStmt* s = stmt->create_role_stmt;
      if (!super) throw PgError(sqlstate::kInsufficientPrivilege, "permission denied to create role");
      RoleChange c;
      c.name = s->role;
      if (c.name.starts_with("pg_")) {
        throw PgError(kReservedName, "role name \"" + c.name + "\" is reserved",
                      "Role names starting with \"pg_\" are reserved.");
      }
      ApplyOptions(s->options, s->n_options, &c);
      if (!c.login) c.login = s->stmt_type == PG_QUERY__ROLE_STMT_TYPE__ROLESTMT_USER;
      if (!c.superuser) c.superuser = false;
      users->Create(c);
      return Tag("CREATE ROLE");
    }
    case PG_QUERY__NODE__NODE_ALTER_ROLE_STMT: {
      const PgQuery__AlterRoleStmt* s = stmt->alter_role_stmt;
      RoleChange c;
      c.name = RoleName(s->role, current_user);
      ApplyOptions(s->options, s->n_options, &c);
      if (!users->Find(c.name)) throw PgError(sqlstate::kUndefinedObject, "role \"" + c.name + "\" does not exist");
      // Anyone may change their own password; everything else needs a superuser.
      const bool own_password_only = c.name == current_user && !c.superuser && !c.login;
      if (!super && !own_password_only) throw PgError(sqlstate::kInsufficientPrivilege, "permission denied");
      users->Alter(c);
      return Tag("ALTER ROLE");
    }
    case PG_QUERY__NODE__NODE_DROP_ROLE_STMT: {
      const PgQuery__DropRoleStmt* s = stmt->drop_role_stmt;
      if (!super) throw PgError(sqlstate::kInsufficientPrivilege, "permission denied to drop role");
      for (size_t i = 0; i < s->n_roles; i++) {
        const std::string name = RoleName(s->roles[i], current_user);
        if (!users->Find(name)) {
          if (!s->missing_ok) throw PgError(sqlstate::kUndefinedObject, "role \"" + name + "\" does not exist");
          if (notices != nullptr) {
            notices->Notice("NOTICE", sqlstate::kUndefinedObject, "role \"" + name + "\" does not exist, skipping");
          }
          continue;
        }
        if (name == current_user) throw PgError(kObjectInUse, "current user cannot be dropped");
        users->Drop(name);
      }
      return Tag("DROP ROLE");
    }
    default:
      throw PgError(sqlstate::kFeatureNotSupported, "this statement is not supported yet");
  }
}

}  // namespace immu::sql
