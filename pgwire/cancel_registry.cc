#include "pgwire/cancel_registry.h"

#include <array>
#include <cstring>
#include <string_view>

#include "pgwire/password.h"

namespace immu::pgwire {

BackendKey CancelRegistry::Register(sql::Session* session) {
  std::array<uint8_t, 4> random;
  RandomBytes(random);
  BackendKey key;
  std::memcpy(&key.secret_key, random.data(), random.size());
  std::lock_guard<std::mutex> l(mu_);
  // Skip ids still in use after a wrap-around (needs 2^31 connections).
  do {
    key.process_id = next_pid_;
    next_pid_ = next_pid_ == INT32_MAX ? 1000 : next_pid_ + 1;
  } while (sessions_.count(key.process_id) != 0);
  sessions_[key.process_id] = Entry{key.secret_key, session};
  return key;
}

void CancelRegistry::Attach(int32_t process_id, sql::Session* session) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = sessions_.find(process_id);
  if (it != sessions_.end()) it->second.session = session;
}

void CancelRegistry::Unregister(int32_t process_id) {
  std::lock_guard<std::mutex> l(mu_);
  sessions_.erase(process_id);
}

bool CancelRegistry::Cancel(int32_t process_id, uint32_t secret_key) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = sessions_.find(process_id);
  if (it == sessions_.end()) return false;
  const uint32_t expected = it->second.secret_key;
  if (!ConstantTimeEquals(std::string_view(reinterpret_cast<const char*>(&expected), 4),
                          std::string_view(reinterpret_cast<const char*>(&secret_key), 4))) {
    return false;
  }
  if (it->second.session == nullptr) return false;
  it->second.session->Cancel();
  return true;
}

void CancelRegistry::CancelAll() {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [pid, entry] : sessions_) {
    if (entry.session != nullptr) entry.session->Cancel();
  }
}

size_t CancelRegistry::size() const {
  std::lock_guard<std::mutex> l(mu_);
  return sessions_.size();
}

}  // namespace immu::pgwire
