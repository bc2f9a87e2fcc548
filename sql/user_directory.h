#pragma once
// The server's roles as SQL sees them: CREATE/ALTER/DROP ROLE (USER) and the
// pg_roles / pg_user / pg_authid views. sql/ defines the interface; the
// server implements it (server/user_registry.h: persisted, SCRAM verifiers,
// never plaintext) and passes it in EngineOptions. Without one (the embedded
// engine) role statements fail with 0A000 and the views show the built-in
// superuser only.
//
// Role changes take effect at once, not at COMMIT (PostgreSQL makes them
// transactional); they are not part of any database's history.
//
// Thread-safety: implementations must allow concurrent calls from every
// session.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace immu::sql {

struct RoleInfo {
  std::string name;
  uint32_t oid = 0;
  bool superuser = false;
  bool login = false;
  bool has_password = false;
};

// What a CREATE or ALTER ROLE sets; unset fields stay as they are (ALTER) or
// take PostgreSQL's defaults (CREATE: no superuser, LOGIN only for USER).
struct RoleChange {
  std::string name;
  std::optional<bool> superuser;
  std::optional<bool> login;
  bool set_password = false;
  // With set_password: the password as written (plaintext, or an already
  // hashed "SCRAM-SHA-256$..." / "md5..." secret, as psql's \password sends);
  // nullopt for PASSWORD NULL.
  std::optional<std::string> password;
};

class UserDirectory {
 public:
  virtual ~UserDirectory() = default;
  // Sorted by name. Never returns secrets.
  virtual std::vector<RoleInfo> Roles() const = 0;
  virtual std::optional<RoleInfo> Find(const std::string& name) const = 0;
  bool IsSuperuser(const std::string& name) const {
    const std::optional<RoleInfo> r = Find(name);
    return r && r->superuser;
  }
  // Throw PgError: 42710 when the role exists (Create), 42704 when it does
  // not (Alter, Drop), 55006 for a role that cannot be dropped.
  virtual void Create(const RoleChange& change) = 0;
  virtual void Alter(const RoleChange& change) = 0;
  virtual void Drop(const std::string& name) = 0;
};

}  // namespace immu::sql
