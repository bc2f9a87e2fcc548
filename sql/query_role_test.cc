#include "sql/query_role.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <map>

#include "catalog/pg_error.h"
#include "sql/engine.h"

namespace immu::sql {
namespace {

// An in-memory directory: the statements' parsing and permission rules are
// sql/'s; storage and hashing are the server's (server/user_registry.cc).
class FakeDirectory : public UserDirectory {
 public:
  FakeDirectory() {
    RoleChange c;
    c.name = "immudb";
    c.superuser = true;
    c.login = true;
    c.password = "x";
    Create(c);
  }
  std::vector<RoleInfo> Roles() const override {
    std::vector<RoleInfo> out;
    for (const auto& [n, r] : roles_) out.push_back(r.info);
    return out;
  }
  std::optional<RoleInfo> Find(const std::string& name) const override {
    auto it = roles_.find(name);
    if (it == roles_.end()) return std::nullopt;
    return it->second.info;
  }
  void Create(const RoleChange& c) override {
    if (roles_.contains(c.name)) throw PgError(sqlstate::kDuplicateObject, "exists");
    Stored& s = roles_[c.name];
    s.info.name = c.name;
    s.info.oid = next_oid_++;
    s.info.superuser = c.superuser.value_or(false);
    s.info.login = c.login.value_or(false);
    s.info.has_password = c.password.has_value();
    s.password = c.password.value_or("");
  }
  void Alter(const RoleChange& c) override {
    Stored& s = roles_.at(c.name);
    if (c.superuser) s.info.superuser = *c.superuser;
    if (c.login) s.info.login = *c.login;
    if (c.set_password) {
      s.password = c.password.value_or("");
      s.info.has_password = c.password.has_value();
    }
  }
  void Drop(const std::string& name) override { roles_.erase(name); }
  std::string PasswordOf(const std::string& name) const { return roles_.at(name).password; }

 private:
  struct Stored {
    RoleInfo info;
    std::string password;
  };
  std::map<std::string, Stored> roles_;
  uint32_t next_oid_ = 16384;
};

struct RoleFixture {
  RoleFixture() {
    dir = std::filesystem::temp_directory_path() / ("immu_role_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    EngineOptions o;
    o.dir = dir.string();
    o.synced = false;
    o.users = &users;
    engine = OpenEngine(o);
  }
  ~RoleFixture() {
    engine.reset();
    std::filesystem::remove_all(dir);
  }
  std::unique_ptr<Session> As(const std::string& user) {
    SessionOptions so;
    so.user = user;
    so.database = "defaultdb";
    return engine->NewSession(so);
  }
  static std::string Run(Session& s, const std::string& sql, std::vector<std::string>* notices = nullptr) {
    class Sink : public RowSink {
     public:
      void Columns(std::span<const ResultColumn>) override {}
      void Row(std::span<const std::optional<std::string_view>> cells) override {
        for (const auto& c : cells) rows += (rows.empty() ? "" : ",") + std::string(c ? *c : "NULL");
      }
      void Notice(std::string_view, std::string_view, std::string_view m) override { notices.emplace_back(m); }
      std::string rows;
      std::vector<std::string> notices;
    } sink;
    std::vector<ExecResult> results;
    try {
      s.SimpleQuery(sql, sink, &results);
    } catch (const PgError& e) {
      return e.sqlstate();
    }
    if (notices != nullptr) *notices = sink.notices;
    return sink.rows.empty() ? results.back().command_tag : sink.rows;
  }
  std::filesystem::path dir;
  FakeDirectory users;
  std::unique_ptr<Engine> engine;
};

TEST_CASE("roles: CREATE/ALTER/DROP ROLE and USER reach the directory") {
  RoleFixture f;
  auto admin = f.As("immudb");
  CHECK(f.Run(*admin, "CREATE USER alice WITH PASSWORD 'pw1'") == "CREATE ROLE");
  CHECK(f.users.Find("alice")->login);  // USER implies LOGIN
  CHECK(f.users.PasswordOf("alice") == "pw1");
  CHECK(f.Run(*admin, "CREATE ROLE r2 SUPERUSER") == "CREATE ROLE");
  CHECK(!f.users.Find("r2")->login);  // ROLE does not
  CHECK(f.users.Find("r2")->superuser);
  CHECK(f.Run(*admin, "CREATE ROLE alice") == "42710");
  CHECK(f.Run(*admin, "CREATE ROLE pg_mine") == "42939");
  CHECK(f.Run(*admin, "CREATE ROLE r3 CREATEDB") == "0A000");
  CHECK(f.Run(*admin, "CREATE ROLE r3 LOGIN NOLOGIN") == "42601");
  CHECK(f.Run(*admin, "ALTER ROLE r2 WITH LOGIN NOSUPERUSER PASSWORD NULL") == "ALTER ROLE");
  CHECK(f.users.Find("r2")->login);
  CHECK(!f.users.Find("r2")->superuser);
  CHECK(f.Run(*admin, "ALTER USER nobody PASSWORD 'x'") == "42704");
  CHECK(f.Run(*admin, "SELECT rolname FROM pg_roles WHERE rolcanlogin ORDER BY 1") == "alice,immudb,r2");
  CHECK(f.Run(*admin, "SELECT count(*) FROM pg_user") == "3");
  std::vector<std::string> notices;
  CHECK(f.Run(*admin, "DROP ROLE IF EXISTS ghost, r2", &notices) == "DROP ROLE");
  REQUIRE(notices.size() == 1);
  CHECK(notices[0] == "role \"ghost\" does not exist, skipping");
  CHECK(!f.users.Find("r2"));
  CHECK(f.Run(*admin, "DROP ROLE ghost") == "42704");
  CHECK(f.Run(*admin, "DROP USER immudb") == "55006");  // the current user
  CHECK(f.Run(*admin, "SHOW is_superuser") == "on");
}

TEST_CASE("roles: a non-superuser may change only their own password") {
  RoleFixture f;
  auto admin = f.As("immudb");
  f.Run(*admin, "CREATE USER bob PASSWORD 'b1'");
  f.Run(*admin, "CREATE USER carol PASSWORD 'c1'");
  auto bob = f.As("bob");
  CHECK(f.Run(*bob, "SHOW is_superuser") == "off");
  CHECK(f.Run(*bob, "ALTER USER bob PASSWORD 'b2'") == "ALTER ROLE");
  CHECK(f.users.PasswordOf("bob") == "b2");
  CHECK(f.Run(*bob, "ALTER USER CURRENT_USER PASSWORD 'b3'") == "ALTER ROLE");
  CHECK(f.users.PasswordOf("bob") == "b3");
  CHECK(f.Run(*bob, "ALTER USER carol PASSWORD 'x'") == "42501");
  CHECK(f.Run(*bob, "ALTER USER bob SUPERUSER") == "42501");
  CHECK(f.Run(*bob, "CREATE ROLE eve") == "42501");
  CHECK(f.Run(*bob, "DROP ROLE carol") == "42501");
  CHECK(f.users.PasswordOf("carol") == "c1");
}

TEST_CASE("roles: the embedded engine has no directory") {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("immu_role_none_" + std::to_string(::getpid()));
  {
    EngineOptions o;
    o.dir = dir.string();
    o.synced = false;
    auto engine = OpenEngine(o);
    SessionOptions so;
    so.user = "immudb";
    so.database = "defaultdb";
    auto s = engine->NewSession(so);
    CHECK(RoleFixture::Run(*s, "CREATE ROLE x") == "0A000");
    CHECK(RoleFixture::Run(*s, "SELECT string_agg(rolname, ',') FROM pg_roles") == "immudb,pg_database_owner");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace immu::sql
