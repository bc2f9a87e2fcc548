#pragma once
// immuclient's connection to the server: libpq with psql's options (host,
// port, user, database, and libpq's PG* environment: PGHOST, PGPORT,
// PGUSER, PGDATABASE, PGPASSWORD, PGSSLMODE ...).
//
// Thread-safety: a Connection is used by one thread.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "verify/status.h"

struct pg_conn;

namespace immu::client {

struct ConnectOptions {
  std::string host, port, user, dbname;  // empty: libpq's environment or default
};

using Cells = std::vector<std::optional<std::string>>;  // one row; nullopt is NULL

class Connection {
 public:
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // IOError with libpq's message when the connection fails.
  static Result<std::unique_ptr<Connection>> Open(const ConnectOptions& options);

  // Runs one statement with text parameters. InvalidArgument with
  // "SQLSTATE: message" when the server reports an error.
  Result<std::vector<Cells>> Query(const std::string& sql, const std::vector<std::string>& params = {});

  // "host:port" as connected (the key of the trusted state) and the database.
  std::string server() const;
  std::string db() const;

 private:
  explicit Connection(pg_conn* c) : conn_(c) {}
  pg_conn* conn_;
};

}  // namespace immu::client
