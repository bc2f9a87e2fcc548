#pragma once
// What a session reaches beyond its own database: the server's other
// databases (CREATE/DROP DATABASE, pg_database) and every live session
// (pg_stat_activity). The engine implements it (sql/engine_impl.cc) and
// hands it to each session through SessionOptions.
//
// Database changes take effect at once and are not transactional (PostgreSQL
// refuses CREATE/DROP DATABASE inside a transaction block; so do we).
// DROP DATABASE never destroys data: the store moves under
// <dir>/.dropped/ and is no longer served.
//
// Thread-safety: every method may be called concurrently from any session.

#include <cstdint>
#include <string>
#include <vector>

namespace immu::sql {

// One live session as pg_stat_activity shows it. Times are PostgreSQL
// microseconds (since 2000-01-01 UTC); 0 means NULL.
struct SessionActivity {
  int32_t pid = 0;
  std::string database;
  std::string user;
  std::string application_name;
  std::string client_addr;  // empty: NULL (a Unix socket or the embedded engine)
  int32_t client_port = -1;
  std::string state;  // "active", "idle", "idle in transaction", "idle in transaction (aborted)"
  std::string query;  // the last statement's text
  int64_t backend_start = 0;
  int64_t xact_start = 0;
  int64_t query_start = 0;
  int64_t state_change = 0;
};

class Cluster {
 public:
  virtual ~Cluster() = default;
  // Every database served, sorted by name.
  virtual std::vector<std::string> DatabaseNames() const = 0;
  // Throws PgError 42P04 when it exists, 42602 for a name the server cannot store.
  virtual void CreateDatabase(const std::string& name) = 0;
  // Throws PgError 3D000 when missing (the caller handles IF EXISTS), 55006
  // when another session is connected to it.
  virtual void DropDatabase(const std::string& name) = 0;
  virtual void RenameDatabase(const std::string& from, const std::string& to) = 0;
  virtual std::vector<SessionActivity> Activity() const = 0;
  // PostgreSQL microseconds when the server started (pg_postmaster_start_time).
  virtual int64_t StartTime() const = 0;
};

}  // namespace immu::sql
