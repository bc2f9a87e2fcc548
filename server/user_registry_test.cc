#include "server/user_registry.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "catalog/pg_error.h"
#include "pgwire/password.h"

namespace immu::server {
namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/immu_users_XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string Users() const {
    std::ifstream in(path + "/users");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

bool Verifies(const UserRegistry& r, const std::string& user, const std::string& password) {
  std::optional<pgwire::UserAuth> a = r.Lookup(user);
  return a && pgwire::VerifyPassword(*a, user, password);
}

sql::RoleChange Change(const std::string& name, std::optional<std::string> password = std::nullopt) {
  sql::RoleChange c;
  c.name = name;
  c.login = true;
  if (password) {
    c.set_password = true;
    c.password = password;
  }
  return c;
}

TEST_CASE("users: the bootstrap superuser, created once, password never in plaintext") {
  TempDir dir;
  {
    auto r = UserRegistry::Open(dir.path, "first-pw", false);
    CHECK(Verifies(*r, "immudb", "first-pw"));
    CHECK(r->IsBootstrapPassword("first-pw"));
    std::optional<sql::RoleInfo> i = r->Find("immudb");
    REQUIRE(i);
    CHECK(i->oid == UserRegistry::kBootstrapOid);
    CHECK(i->superuser);
    CHECK(i->login);
  }
  CHECK(dir.Users().find("first-pw") == std::string::npos);
  CHECK(dir.Users().find("SCRAM-SHA-256$4096:") != std::string::npos);
  CHECK((std::filesystem::status(dir.path + "/users").permissions() & std::filesystem::perms::others_read) ==
        std::filesystem::perms::none);
  {
    // A later start keeps the stored password ...
    auto r = UserRegistry::Open(dir.path, "second-pw", false);
    CHECK(Verifies(*r, "immudb", "first-pw"));
    CHECK(!r->IsBootstrapPassword("second-pw"));
  }
  {
    // ... unless forced.
    auto r = UserRegistry::Open(dir.path, "second-pw", true);
    CHECK(Verifies(*r, "immudb", "second-pw"));
    CHECK(!Verifies(*r, "immudb", "first-pw"));
  }
}

TEST_CASE("users: create, alter, drop persist across a reopen") {
  TempDir dir;
  {
    auto r = UserRegistry::Open(dir.path, "pw", false);
    r->Create(Change("alice", "alice-pw"));
    sql::RoleChange nologin = Change("carol");
    nologin.login = false;
    r->Create(nologin);
    r->Create(Change("dave", "dave-pw"));
    CHECK_THROWS_AS(r->Create(Change("alice")), PgError);
    sql::RoleChange up = Change("alice", "alice-pw2");
    up.login.reset();
    up.superuser = true;
    r->Alter(up);
    r->Drop("dave");
    CHECK_THROWS_AS(r->Drop("dave"), PgError);
    CHECK_THROWS_AS(r->Drop("immudb"), PgError);
    sql::RoleChange demote = Change("immudb");
    demote.superuser = false;
    CHECK_THROWS_AS(r->Alter(demote), PgError);
  }
  auto r = UserRegistry::Open(dir.path, "pw", false);
  CHECK(Verifies(*r, "alice", "alice-pw2"));
  CHECK(!Verifies(*r, "alice", "alice-pw"));
  REQUIRE(r->Find("alice"));
  CHECK(r->Find("alice")->superuser);
  CHECK(r->Find("alice")->oid == UserRegistry::kFirstOid);
  // NOLOGIN and password-less roles exist but cannot log in.
  REQUIRE(r->Find("carol"));
  CHECK(!r->Lookup("carol"));
  CHECK(!r->Find("dave"));
  CHECK(!r->Lookup("dave"));
  // OIDs are not reused after a drop.
  r->Create(Change("erin", "x"));
  CHECK(r->Find("erin")->oid == UserRegistry::kFirstOid + 3);
  CHECK(r->Roles().size() == 4);
  CHECK(dir.Users().find("alice-pw") == std::string::npos);
}

TEST_CASE("users: pre-hashed secrets are stored as given, an empty password clears") {
  TempDir dir;
  auto r = UserRegistry::Open(dir.path, "pw", false);
  const std::string md5 = pgwire::Md5PasswordHash("m-pw", "m");
  r->Create(Change("m", md5));
  std::optional<pgwire::UserAuth> a = r->Lookup("m");
  REQUIRE(a);
  CHECK(a->secret == md5);
  CHECK(a->method == pgwire::AuthMethod::kMd5);
  r->Alter(Change("m", ""));
  CHECK(!r->Lookup("m"));
  CHECK(!r->Find("m")->has_password);
}

TEST_CASE("users: a malformed file is refused, not half-loaded") {
  TempDir dir;
  {
    std::ofstream out(dir.path + "/users");
    out << "immudb\t10\tsuper,login\tplaintext-password\n";
  }
  CHECK_THROWS_AS(UserRegistry::Open(dir.path, "pw", false), std::runtime_error);
  {
    std::ofstream out(dir.path + "/users");
    out << "immudb\tten\tsuper,login\t\n";
  }
  CHECK_THROWS_AS(UserRegistry::Open(dir.path, "pw", false), std::runtime_error);
}

}  // namespace
}  // namespace immu::server
