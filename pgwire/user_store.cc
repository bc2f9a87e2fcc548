#include "pgwire/user_store.h"

#include "pgwire/password.h"
#include "pgwire/scram.h"

namespace immu::pgwire {

bool VerifyPassword(const UserAuth& auth, std::string_view user, std::string_view password) {
  if (IsMd5PasswordHash(auth.secret)) {
    return ConstantTimeEquals(Md5PasswordHash(password, user), auth.secret);
  }
  std::optional<ScramVerifier> v = ScramVerifier::Parse(auth.secret);
  if (!v) return false;
  const ScramKey salted = ScramSaltedPassword(password, v->salt, v->iterations);
  const ScramKey stored = Sha256Key(ScramClientKey(salted));
  const ScramKey server = ScramServerKey(salted);
  // Both keys, compared without early exit.
  const bool stored_ok = ConstantTimeEquals(KeyView(stored), KeyView(v->stored_key));
  const bool server_ok = ConstantTimeEquals(KeyView(server), KeyView(v->server_key));
  return stored_ok && server_ok;
}

void InMemoryUserStore::SetPassword(const std::string& user, std::string_view password,
                                    AuthMethod method) {
  UserAuth auth;
  auth.method = method;
  if (method == AuthMethod::kMd5) {
    auth.secret = Md5PasswordHash(password, user);
  } else if (method != AuthMethod::kTrust) {
    auth.secret = ScramVerifier::FromPassword(password).ToString();
  }
  Set(user, std::move(auth));
}

void InMemoryUserStore::Set(const std::string& user, UserAuth auth) {
  std::lock_guard<std::mutex> l(mu_);
  users_[user] = std::move(auth);
}

void InMemoryUserStore::Remove(const std::string& user) {
  std::lock_guard<std::mutex> l(mu_);
  users_.erase(user);
}

std::optional<UserAuth> InMemoryUserStore::Lookup(std::string_view user) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = users_.find(user);
  if (it == users_.end()) return std::nullopt;
  return it->second;
}

}  // namespace immu::pgwire
