#pragma once
// The SQL engine as the wire layer sees it: one Engine per server (it owns
// the store of every database), one Session per client connection.
//
// pgwire/ drives a Session with the protocol's operations and never looks
// inside a statement: simple Query (several statements, implicit
// transaction), and the extended protocol's Parse / Bind / Describe /
// Execute / Close / Sync. Results stream through a RowSink so a large result
// never needs to be materialised; values reach the sink already encoded in
// the format (text or binary) the client asked for.
//
// Errors: every method may throw PgError (catalog/pg_error.h). After a throw
// inside an explicit transaction the session is in the failed state ('E')
// until ROLLBACK, exactly as PostgreSQL.
//
// Thread-safety: a Session is used by one thread at a time (its connection's
// strand). Cancel() may be called from any thread. Engine is thread-safe.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace immu::sql {

// One column of a result, as RowDescription reports it.
struct ResultColumn {
  std::string name;
  uint32_t table_oid = 0;
  int16_t column_attnum = 0;
  uint32_t type_oid = 0;
  int16_t type_len = -1;
  int32_t type_mod = -1;
  int16_t format = 0;  // 0 text, 1 binary
};

// Input of COPY FROM STDIN / output of COPY TO STDOUT.
struct CopyState {
  bool in = false;            // true: client sends data; false: server sends
  int16_t format = 0;         // 0 text/csv, 1 binary
  std::vector<int16_t> column_formats;
};

// Receives the results of one statement execution.
class RowSink {
 public:
  virtual ~RowSink() = default;
  // Called once before the first Row of a statement that returns rows
  // (simple protocol only; the extended protocol describes through Describe).
  virtual void Columns(std::span<const ResultColumn> columns) = 0;
  // One row; nullopt is SQL NULL. Views are valid only during the call.
  virtual void Row(std::span<const std::optional<std::string_view>> cells) = 0;
  // A NoticeResponse (severity, sqlstate, message).
  virtual void Notice(std::string_view severity, std::string_view sqlstate,
                      std::string_view message) = 0;
  // COPY ... TO STDOUT: CopyOutBegin once (CopyOutResponse), then CopyData
  // per row; the statement's CommandComplete follows as usual.
  virtual void CopyOutBegin(const CopyState& state) { (void)state; }
  virtual void CopyData(std::string_view data) { (void)data; }
};

// What a prepared statement expects and returns.
struct StatementDescription {
  std::vector<uint32_t> param_type_oids;
  bool returns_rows = false;
  std::vector<ResultColumn> columns;  // formats all text (0) here
};

// Outcome of executing one statement (or a portal up to a row limit).
struct ExecResult {
  std::string command_tag;  // "SELECT 3", "INSERT 0 1", ... (empty when suspended)
  bool suspended = false;   // portal hit max_rows and has more rows
  bool empty_query = false; // the statement text was empty
  // COPY FROM STDIN: the wire layer sends CopyInResponse(copy), feeds the
  // client's CopyData to CopyInData and ends with CopyInDone (or
  // CopyInFail). Statements after the COPY in the same Query are not run.
  bool copy_in = false;
  CopyState copy;
};

class Engine;

class Session {
 public:
  virtual ~Session() = default;

  // Simple query protocol: runs every statement of sql in turn, reporting
  // each one's columns/rows through sink and appending its result to
  // *results. An empty query string yields one result with empty_query.
  // Statements after a failed one are not run (the PgError propagates).
  virtual void SimpleQuery(std::string_view sql, RowSink& sink, std::vector<ExecResult>* results) = 0;

  // Extended protocol. name "" is the unnamed statement/portal.
  virtual StatementDescription Parse(const std::string& name, std::string_view sql,
                                     std::span<const uint32_t> param_type_oids) = 0;
  virtual StatementDescription DescribeStatement(const std::string& name) = 0;
  // params[i] nullopt = NULL; param_formats follows the protocol's 0/1/N rule
  // (already expanded to one per parameter by the caller); likewise
  // result_formats (empty = all text, one = for all, else one per column).
  virtual void Bind(const std::string& portal, const std::string& statement,
                    std::span<const std::optional<std::string>> params,
                    std::span<const int16_t> param_formats,
                    std::span<const int16_t> result_formats) = 0;
  // Columns of the portal with their final formats; empty when no rows.
  virtual std::vector<ResultColumn> DescribePortal(const std::string& portal) = 0;
  // Runs the portal; max_rows 0 = all. Rows go to sink.Row (Columns is not
  // called: the client learned them through Describe).
  virtual ExecResult Execute(const std::string& portal, int64_t max_rows, RowSink& sink) = 0;
  virtual void CloseStatement(const std::string& name) = 0;
  virtual void ClosePortal(const std::string& name) = 0;
  // Sync: ends the implicit transaction of an extended-protocol batch
  // (commit, or rollback if it failed) and drops the unnamed portal.
  virtual void Sync() = 0;

  // 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block.
  virtual char TransactionStatus() const = 0;

  // Parameters whose value changed since the last call (ParameterStatus
  // messages to send: client_encoding, DateStyle, TimeZone, ...).
  virtual std::vector<std::pair<std::string, std::string>> TakeParameterChanges() = 0;
  // Every reported parameter with its current value (sent after startup).
  virtual std::vector<std::pair<std::string, std::string>> ReportedParameters() const = 0;

  // Asks the running statement to stop with 57014 at its next check.
  virtual void Cancel() = 0;

  // COPY FROM STDIN data (any chunking) and its end; CopyInDone returns the
  // "COPY n" result, CopyInFail aborts with 57014 like PostgreSQL.
  virtual void CopyInData(std::string_view data) { (void)data; }
  virtual ExecResult CopyInDone() { return ExecResult{}; }
  virtual void CopyInFail(std::string_view message) { (void)message; }
};

// Options of a new session, from the StartupMessage.
class UserDirectory;  // sql/user_directory.h
class Cluster;        // sql/cluster.h

struct SessionOptions {
  std::string user;
  std::string database;
  std::string application_name;
  std::map<std::string, std::string> startup_params;  // everything else (options, DateStyle ...)
  int32_t backend_pid = 0;
  // Roles for CREATE/ALTER/DROP ROLE and pg_roles; the engine fills it from
  // EngineOptions::users when unset. nullptr: no role management.
  UserDirectory* users = nullptr;
  // The client's address for pg_stat_activity (empty: local/unknown).
  std::string client_addr;
  int32_t client_port = -1;
  // Set by the engine: other databases and sessions (sql/cluster.h).
  Cluster* cluster = nullptr;
};

class Engine {
 public:
  virtual ~Engine() = default;
  // Throws PgError 3D000 when the database does not exist.
  virtual std::unique_ptr<Session> NewSession(const SessionOptions& options) = 0;
};

}  // namespace immu::sql
