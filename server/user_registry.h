#pragma once
// The server's users, persisted in the data directory: what logins check
// (pgwire::UserStore) and what CREATE/ALTER/DROP ROLE change
// (sql::UserDirectory).
//
// Storage: <dir>/users, mode 0600: a comment header, "#next-oid N" (OIDs
// are never reused), then one role per line:
//   name TAB oid TAB flags TAB secret
// flags is a comma list of "super" and "login"; secret is empty (no
// password: the role cannot log in) or in pg_authid.rolpassword form
// ("SCRAM-SHA-256$..." or "md5..."): a password is never stored in plaintext.
// Every change rewrites the file to a temporary, fsyncs it and renames it
// over the old one (then fsyncs the directory), so a crash leaves either
// the old or the new set of users.
//
// The bootstrap superuser (immudb, oid 10) is created with --admin-password
// when the file does not exist yet; later starts keep the stored password
// (ALTER USER changes it) unless force_admin_password resets it. It cannot
// be dropped or lose the superuser attribute.
//
// Thread-safety: every method may be called concurrently (one mutex).

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/user_store.h"
#include "sql/user_directory.h"

namespace immu::server {

class UserRegistry : public pgwire::UserStore, public sql::UserDirectory {
 public:
  static constexpr const char* kBootstrapUser = "immudb";
  static constexpr uint32_t kBootstrapOid = 10;  // PostgreSQL's BOOTSTRAP_SUPERUSERID
  static constexpr uint32_t kFirstOid = 16384;   // PostgreSQL's FirstNormalObjectId

  // Loads (or creates) dir/users. Throws std::runtime_error when the file
  // cannot be read, is malformed, or cannot be written.
  static std::unique_ptr<UserRegistry> Open(const std::string& dir, std::string_view admin_password,
                                            bool force_admin_password);

  // True when password is the bootstrap user's current password (the
  // server warns when --admin-password no longer is).
  bool IsBootstrapPassword(std::string_view password) const;

  // pgwire::UserStore: nullopt for unknown users, NOLOGIN roles and roles
  // without a password (the login then fails like a wrong password).
  std::optional<pgwire::UserAuth> Lookup(std::string_view user) const override;

  // sql::UserDirectory.
  std::vector<sql::RoleInfo> Roles() const override;
  std::optional<sql::RoleInfo> Find(const std::string& name) const override;
  void Create(const sql::RoleChange& change) override;
  void Alter(const sql::RoleChange& change) override;
  void Drop(const std::string& name) override;

 private:
  struct Entry {
    uint32_t oid = 0;
    bool superuser = false;
    bool login = false;
    std::string secret;  // rolpassword form or empty
  };
  using Map = std::map<std::string, Entry, std::less<>>;

  explicit UserRegistry(std::string path) : path_(std::move(path)) {}
  static sql::RoleInfo InfoOf(const std::string& name, const Entry& e);
  // The stored form of a password given to CREATE/ALTER ROLE.
  static std::string SecretFor(const std::optional<std::string>& password);
  // Writes users durably; throws PgError 58030 (the caller's change is then
  // not applied).
  void Save(const Map& users, uint32_t next_oid) const;

  const std::string path_;
  mutable std::mutex mu_;
  Map users_;  // guarded by mu_
  uint32_t next_oid_ = kFirstOid;  // guarded by mu_
};

}  // namespace immu::server
