// libpq connection of immuclient (connection.h).

#include "tools/immuclient/connection.h"

#include <libpq-fe.h>

#include <cstdlib>

namespace immu::client {

Connection::~Connection() { PQfinish(conn_); }

Result<std::unique_ptr<Connection>> Connection::Open(const ConnectOptions& o) {
  std::vector<const char*> keys, values;
  auto add = [&](const char* k, const std::string& v) {
    if (v.empty()) return;
    keys.push_back(k);
    values.push_back(v.c_str());
  };
  add("host", o.host);
  add("port", o.port);
  // immudb's defaults when neither the option nor libpq's variable says.
  const std::string user = !o.user.empty() || std::getenv("PGUSER") != nullptr ? o.user : "immudb";
  const std::string db = !o.dbname.empty() || std::getenv("PGDATABASE") != nullptr ? o.dbname : "defaultdb";
  add("user", user);
  add("dbname", db);
  add("fallback_application_name", "immuclient");
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* c = PQconnectdbParams(keys.data(), values.data(), 0);
  if (c == nullptr) return Status::IOError("out of memory");
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    PQfinish(c);
    return Status::IOError(msg);
  }
  return std::unique_ptr<Connection>(new Connection(c));
}

Result<std::vector<Cells>> Connection::Query(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  PGresult* r = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                             nullptr, 0);
  const ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    std::string msg = primary != nullptr ? primary : PQerrorMessage(conn_);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    PQclear(r);
    return Status::InvalidArgument(std::string(state != nullptr ? state : "08000") + ": " + msg);
  }
  std::vector<Cells> rows;
  for (int i = 0; i < PQntuples(r); i++) {
    Cells row;
    for (int j = 0; j < PQnfields(r); j++) {
      if (PQgetisnull(r, i, j)) row.emplace_back(std::nullopt);
      else row.emplace_back(std::string(PQgetvalue(r, i, j), static_cast<size_t>(PQgetlength(r, i, j))));
    }
    rows.push_back(std::move(row));
  }
  PQclear(r);
  return rows;
}

std::string Connection::server() const { return std::string(PQhost(conn_)) + ":" + PQport(conn_); }
std::string Connection::db() const { return PQdb(conn_); }

}  // namespace immu::client
