#include "server/user_registry.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "catalog/pg_error.h"
#include "pgwire/password.h"
#include "pgwire/scram.h"

namespace immu::server {

namespace {

constexpr const char* kHeader = "# immudb users v1: name<TAB>oid<TAB>flags<TAB>secret";
constexpr const char* kIoError = "58030";
// Remembers the OID counter, so a dropped role's OID is never handed out again.
constexpr const char* kNextOidPrefix = "#next-oid ";

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

bool IsStoredSecret(std::string_view s) {
  return pgwire::IsMd5PasswordHash(s) || pgwire::ScramVerifier::Parse(s).has_value();
}

// write(2) all of data, or false.
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

std::unique_ptr<UserRegistry> UserRegistry::Open(const std::string& dir, std::string_view admin_password,
                                                 bool force_admin_password) {
  std::unique_ptr<UserRegistry> r(new UserRegistry(dir + "/users"));
  std::ifstream in(r->path_);
  if (in) {
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      line_no++;
      if (line.starts_with(kNextOidPrefix)) {
        const unsigned long n = std::strtoul(line.c_str() + std::strlen(kNextOidPrefix), nullptr, 10);
        if (n > r->next_oid_ && n <= UINT32_MAX) r->next_oid_ = static_cast<uint32_t>(n);
        continue;
      }
      if (line.empty() || line[0] == '#') continue;
      const std::vector<std::string> f = SplitTabs(line);
      Entry e;
      char* end = nullptr;
      const unsigned long oid = f.size() == 4 ? std::strtoul(f[1].c_str(), &end, 10) : 0;
      if (f.size() != 4 || f[0].empty() || end == nullptr || *end != 0 || oid == 0 || oid > UINT32_MAX ||
          (!f[3].empty() && !IsStoredSecret(f[3]))) {
        throw std::runtime_error(r->path_ + ":" + std::to_string(line_no) + ": malformed user entry");
      }
      e.oid = static_cast<uint32_t>(oid);
      e.superuser = f[2].find("super") != std::string::npos;
      e.login = f[2].find("login") != std::string::npos;
      e.secret = f[3];
      if (e.oid >= r->next_oid_) r->next_oid_ = e.oid + 1;
      r->users_[f[0]] = std::move(e);
    }
    if (in.bad()) throw std::runtime_error("cannot read " + r->path_);
  } else if (errno != ENOENT) {
    throw std::runtime_error("cannot open " + r->path_ + ": " + std::strerror(errno));
  }
  Map next = r->users_;
  auto it = next.find(kBootstrapUser);
  const bool create = it == next.end();
  if (create || force_admin_password) {
    Entry& e = next[kBootstrapUser];
    e.oid = kBootstrapOid;
    e.superuser = true;
    e.login = true;
    e.secret = pgwire::ScramVerifier::FromPassword(admin_password).ToString();
  }
  if (create || force_admin_password) {
    try {
      r->Save(next, r->next_oid_);
    } catch (const PgError& e) {
      throw std::runtime_error(e.message());
    }
    r->users_ = std::move(next);
  }
  return r;
}

bool UserRegistry::IsBootstrapPassword(std::string_view password) const {
  std::optional<pgwire::UserAuth> auth = Lookup(kBootstrapUser);
  return auth && pgwire::VerifyPassword(*auth, kBootstrapUser, password);
}

std::optional<pgwire::UserAuth> UserRegistry::Lookup(std::string_view user) const {
  std::lock_guard lock(mu_);
  auto it = users_.find(user);
  if (it == users_.end() || !it->second.login || it->second.secret.empty()) return std::nullopt;
  pgwire::UserAuth auth;
  // An md5 secret can only answer an md5 challenge; a SCRAM one gets SCRAM
  // either way (user_store.h), so SCRAM stays the method offered.
  auth.method = pgwire::IsMd5PasswordHash(it->second.secret) ? pgwire::AuthMethod::kMd5
                                                              : pgwire::AuthMethod::kScramSha256;
  auth.secret = it->second.secret;
  return auth;
}

sql::RoleInfo UserRegistry::InfoOf(const std::string& name, const Entry& e) {
  sql::RoleInfo r;
  r.name = name;
  r.oid = e.oid;
  r.superuser = e.superuser;
  r.login = e.login;
  r.has_password = !e.secret.empty();
  return r;
}

std::vector<sql::RoleInfo> UserRegistry::Roles() const {
  std::lock_guard lock(mu_);
  std::vector<sql::RoleInfo> out;
  for (const auto& [name, e] : users_) out.push_back(InfoOf(name, e));
  return out;
}

std::optional<sql::RoleInfo> UserRegistry::Find(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = users_.find(name);
  if (it == users_.end()) return std::nullopt;
  return InfoOf(name, it->second);
}

std::string UserRegistry::SecretFor(const std::optional<std::string>& password) {
  // PostgreSQL clears the password for an empty string (with a NOTICE).
  if (!password || password->empty()) return {};
  // Already hashed (psql's \password, pg_dumpall output): stored as given.
  if (IsStoredSecret(*password)) return *password;
  return pgwire::ScramVerifier::FromPassword(*password).ToString();
}

void UserRegistry::Create(const sql::RoleChange& change) {
  if (change.name.find_first_of("\t\n\r") != std::string::npos || change.name.empty()) {
    throw PgError("42602", "invalid role name \"" + change.name + "\"");
  }
  // Hashing (PBKDF2) outside the lock.
  const std::string secret = change.set_password ? SecretFor(change.password) : std::string();
  std::lock_guard lock(mu_);
  if (users_.contains(change.name)) {
    throw PgError(sqlstate::kDuplicateObject, "role \"" + change.name + "\" already exists");
  }
  Map next = users_;
  Entry& e = next[change.name];
  e.oid = next_oid_;
  e.superuser = change.superuser.value_or(false);
  e.login = change.login.value_or(false);
  e.secret = secret;
  Save(next, next_oid_ + 1);
  users_ = std::move(next);
  next_oid_++;
}

void UserRegistry::Alter(const sql::RoleChange& change) {
  const std::string secret = change.set_password ? SecretFor(change.password) : std::string();
  std::lock_guard lock(mu_);
  auto it = users_.find(change.name);
  if (it == users_.end()) {
    throw PgError(sqlstate::kUndefinedObject, "role \"" + change.name + "\" does not exist");
  }
  if (change.name == kBootstrapUser && change.superuser == false) {
    throw PgError(sqlstate::kFeatureNotSupported, "permission denied: bootstrap user must be superuser");
  }
  Map next = users_;
  Entry& e = next[change.name];
  if (change.superuser) e.superuser = *change.superuser;
  if (change.login) e.login = *change.login;
  if (change.set_password) e.secret = secret;
  Save(next, next_oid_);
  users_ = std::move(next);
}

void UserRegistry::Drop(const std::string& name) {
  std::lock_guard lock(mu_);
  if (!users_.contains(name)) throw PgError(sqlstate::kUndefinedObject, "role \"" + name + "\" does not exist");
  if (name == kBootstrapUser) {
    throw PgError("55006", "cannot drop role " + name + " because it is required by the database system");
  }
  Map next = users_;
  next.erase(name);
  Save(next, next_oid_);
  users_ = std::move(next);
}

void UserRegistry::Save(const Map& users, uint32_t next_oid) const {
  std::ostringstream out;
  out << kHeader << "\n" << kNextOidPrefix << next_oid << "\n";
  for (const auto& [name, e] : users) {
    std::string flags;
    if (e.superuser) flags = "super";
    if (e.login) flags += flags.empty() ? "login" : ",login";
    out << name << '\t' << e.oid << '\t' << flags << '\t' << e.secret << '\n';
  }
  const std::string tmp = path_ + ".tmp";
  auto fail = [&](const char* what) {
    const std::string msg = std::string("could not ") + what + " \"" + tmp + "\": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    throw PgError(kIoError, msg);
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail("create");
  const bool ok = WriteAll(fd, out.str()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) fail("write");
  if (::rename(tmp.c_str(), path_.c_str()) != 0) fail("rename");
  const std::string dir = path_.substr(0, path_.rfind('/'));
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace immu::server
