#pragma once
// Who may log in, and how: the wire layer's view of the server's users.
//
// A user has an authentication method and a stored secret in PostgreSQL's
// pg_authid.rolpassword form, never a plaintext password:
//   "SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>"  (scram.h)
//   "md5<32 hex digits>"                                   (password.h)
// The method decides what the server asks the client for, as pg_hba.conf
// does; the secret decides how the answer is checked. As in PostgreSQL, a
// user configured for md5 whose secret is a SCRAM verifier is asked for
// SCRAM instead, and the cleartext method checks the password against
// either kind of secret.
//
// Thread-safety: UserStore implementations must be safe for concurrent
// Lookup() calls (every connection's strand calls it). InMemoryUserStore
// is.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace immu::pgwire {

enum class AuthMethod {
  kScramSha256,  // the default
  kMd5,
  kPassword,  // cleartext: only sensible over TLS
  kTrust,     // no password at all (tests, local setups)
};

struct UserAuth {
  AuthMethod method = AuthMethod::kScramSha256;
  std::string secret;  // rolpassword form, see above; empty for kTrust
};

// Whether password matches auth's secret of either kind, in constant time
// (PostgreSQL's plain_crypt_verify: the cleartext method, and the server's
// own checks such as --admin-password).
bool VerifyPassword(const UserAuth& auth, std::string_view user, std::string_view password);

class UserStore {
 public:
  virtual ~UserStore() = default;
  // nullopt when the user does not exist: the connection then runs a mock
  // exchange that always fails, so clients cannot probe for user names.
  virtual std::optional<UserAuth> Lookup(std::string_view user) const = 0;
};

class InMemoryUserStore : public UserStore {
 public:
  // Stores a fresh SCRAM verifier (or, for kMd5, the md5 hash) of password:
  // the password itself is not kept.
  void SetPassword(const std::string& user, std::string_view password,
                   AuthMethod method = AuthMethod::kScramSha256);
  void Set(const std::string& user, UserAuth auth);
  void Remove(const std::string& user);

  std::optional<UserAuth> Lookup(std::string_view user) const override;

 private:
  mutable std::mutex mu_;
  std::map<std::string, UserAuth, std::less<>> users_;  // guarded by mu_
};

}  // namespace immu::pgwire
