#pragma once
// Backend keys and CancelRequest routing.
//
// Every authenticated connection registers its session under a process id
// and a random secret (sent to the client in BackendKeyData). A
// CancelRequest arrives on a new connection carrying both; Cancel() finds
// the session and calls Session::Cancel() if, and only if, the secret
// matches (compared in constant time, so a client cannot guess it byte by
// byte). Process ids are unique among live registrations; they are not OS
// pids.
//
// Thread-safety: all methods may be called from any thread. Cancel() calls
// Session::Cancel() under the registry's lock, and Unregister() takes the
// same lock, so a session is never cancelled after its connection has
// unregistered it (connections unregister before destroying the session).

#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "sql/session.h"

namespace immu::pgwire {

struct BackendKey {
  int32_t process_id = 0;
  uint32_t secret_key = 0;
};

class CancelRegistry {
 public:
  // Allocates a fresh key and registers session under it. session may be
  // null and attached later (the key is needed to create the session):
  // cancelling a key without a session does nothing.
  BackendKey Register(sql::Session* session = nullptr);
  void Attach(int32_t process_id, sql::Session* session);
  void Unregister(int32_t process_id);
  // True when a session was found and asked to cancel.
  bool Cancel(int32_t process_id, uint32_t secret_key);
  // Cancels every registered session (a second shutdown signal).
  void CancelAll();
  size_t size() const;

 private:
  struct Entry {
    uint32_t secret_key;
    sql::Session* session;
  };
  mutable std::mutex mu_;
  int32_t next_pid_ = 1000;                        // guarded by mu_
  std::unordered_map<int32_t, Entry> sessions_;  // guarded by mu_
};

}  // namespace immu::pgwire
