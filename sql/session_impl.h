#pragma once
// SessionImpl: the Session of sql/session.h over a Database. Owns the
// session's transaction state machine (idle / in block / failed block),
// run-time parameters, prepared statements and portals.

#include <atomic>
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sql/activity_board.h"
#include "sql/user_types.h"
#include "sql/cursors.h"
#include "sql/database.h"
#include "sql/parser.h"
#include "sql/query.h"
#include "sql/row_writer.h"
#include "sql/sequences.h"
#include "sql/session.h"
#include "sql/session_introspection.h"

namespace immu::sql {

class SessionImpl : public Session, public SessionIntrospection {
 public:
  // db and activity: the engine's shared references (a session keeps its
  // database open and stays on pg_stat_activity while it lives).
  SessionImpl(std::shared_ptr<Database> db, std::shared_ptr<ActivityBoard::Entry> activity,
              const SessionOptions& options, const std::string& server_version);
  ~SessionImpl() override;

  void SimpleQuery(std::string_view sql, RowSink& sink, std::vector<ExecResult>* results) override;
  StatementDescription Parse(const std::string& name, std::string_view sql,
                             std::span<const uint32_t> param_type_oids) override;
  StatementDescription DescribeStatement(const std::string& name) override;
  void Bind(const std::string& portal, const std::string& statement,
            std::span<const std::optional<std::string>> params, std::span<const int16_t> param_formats,
            std::span<const int16_t> result_formats) override;
  std::vector<ResultColumn> DescribePortal(const std::string& portal) override;
  ExecResult Execute(const std::string& portal, int64_t max_rows, RowSink& sink) override;
  void CloseStatement(const std::string& name) override;
  void ClosePortal(const std::string& name) override;
  void Sync() override;
  char TransactionStatus() const override;
  std::vector<std::pair<std::string, std::string>> TakeParameterChanges() override;
  std::vector<std::pair<std::string, std::string>> ReportedParameters() const override;
  void Cancel() override { cancel_.store(true); }
  void CopyInData(std::string_view data) override;
  ExecResult CopyInDone() override;
  void CopyInFail(std::string_view message) override;
  std::vector<PreparedStatementInfo> PreparedStatements() const override;
  std::vector<CursorInfo> Cursors() const override { return cursors_.List(); }

 private:
  struct Prepared {
    std::unique_ptr<ParseTree> tree;  // nullptr for an empty query
    std::string sql;
    std::vector<uint32_t> param_types;
    StatementDescription desc;
    int64_t prepare_time = 0;
    bool from_sql = false;
  };
  struct Portal {
    std::shared_ptr<Prepared> stmt;
    std::vector<Value> params;
    std::vector<int16_t> formats;  // per result column
    bool executed = false;
    QueryResult result;
    size_t next_row = 0;
  };

  // Throws 25P02 unless stmt (nullable) is COMMIT, ROLLBACK or ROLLBACK TO
  // SAVEPOINT: the only statements a failed transaction block accepts.
  void ThrowIfFailedUnlessExit(const PgNode* stmt);
  // Runs statement i of tree; result rows stay in the result for the caller to send.
  QueryResult RunStatement(const ParseTree& tree, size_t i, const std::vector<Value>& params,
                           std::vector<uint32_t>* param_types, RowSink* notices, bool describe_only);
  // USE SNAPSHOT <period> | NONE: sets or clears snapshot_period_.
  QueryResult RunUseSnapshot(const TravelRef& use, const std::vector<Value>& params,
                             std::vector<uint32_t>* param_types, bool describe_only);
  // text: the statement's own text (for pg_prepared_statements).
  QueryResult RunUtility(const PgNode* stmt, std::string_view text, RowSink* notices, bool* handled);
  void EnsureTransaction();
  void CommitTransaction();
  void RollbackTransaction();
  void OnError();
  // Makes this session's user-defined types visible to the type functions
  // (sql/user_types.h) for the scope's life; outside a transaction the
  // catalog snapshot is refreshed first, as statements do.
  UserTypeScope TypeScope();
  void SetParameter(const std::string& name, const std::string& value, bool report_change);
  std::string GetParameter(const std::string& name) const;
  void SendRows(const QueryResult& r, const std::vector<int16_t>& formats, size_t begin, size_t end, RowSink& sink);
  void PrepareEval(const std::vector<Value>* params);

  std::shared_ptr<Database> db_owner_;
  Database* db_;
  std::shared_ptr<ActivityBoard::Entry> activity_;
  // pg_stat_activity: back to idle (with the transaction state) on scope exit.
  struct IdleOnExit {
    SessionImpl* s;
    ~IdleOnExit();
  };
  SessionOptions options_;
  std::atomic<bool> cancel_{false};

  std::unique_ptr<Transaction> txn_;
  // Open savepoints, innermost last: what ROLLBACK TO restores.
  struct Savepoint {
    std::string name;
    size_t marker;  // Transaction::Mark()
    std::shared_ptr<const Catalog> catalog;
    bool catalog_changed;
    size_t deferred;  // deferred_ size
    // Parameters SET in the block before the savepoint, with their values
    // then: ROLLBACK TO puts back what was SET after it.
    std::map<std::string, std::optional<std::string>> params;
    std::set<std::string> local_params;
  };
  std::vector<Savepoint> savepoints_;
  // Checks of deferred foreign keys, run at COMMIT.
  std::vector<DeferredFkCheck> deferred_;
  QueryResult RunSavepointStmt(const PgQuery__TransactionStmt* t);
  // BEGIN / SET TRANSACTION / SET SESSION CHARACTERISTICS options.
  void ApplyTransactionOptions(PgNode* const* opts, size_t n, bool session_default);
  // The next transaction starts with the session's defaults.
  void EndTransactionCharacteristics();
  bool txn_used_ = false;  // a statement ran in the current transaction
  // statement_timeout of the running statement (EvalContext::deadline).
  std::chrono::steady_clock::time_point deadline_{};
  void StartStatementClock();
  void RunDeferredChecks();
  // Parameters SET in the open transaction block: their values before it
  // (nullopt: unset), and which were SET LOCAL. COMMIT restores the LOCAL
  // ones, ROLLBACK all of them, as PostgreSQL.
  std::map<std::string, std::optional<std::string>> tx_saved_params_;
  std::set<std::string> tx_local_params_;
  bool implicit_block_ = false;  // running a multi-statement Query outside BEGIN
  void NoteSet(const std::string& raw_name, bool local);
  void RestoreSetParameters(bool all);
  // Puts a saved value back (nullopt: the parameter was unset).
  void RestoreParameter(const std::string& name, const std::optional<std::string>& value);
  // ROLLBACK TO: parameters SET since the savepoint get their values back.
  void RestoreSavepointParameters(const Savepoint& sp);
  // Every parameter's value when the session started (RESET's target).
  std::map<std::string, std::string> reset_values_;
  // RESET ALL (and DISCARD ALL): every settable parameter back to it.
  void ResetAllParameters();
  // Temporary relations: ON COMMIT DROP / DELETE ROWS of temp tables created
  // in this session, run at every commit (DROP entries then go).
  std::map<std::string, PgQuery__OnCommitAction> on_commit_;  // quoted qualified name -> action
  void NoteOnCommit(const PgNode* stmt);
  void RunOnCommitActions();
  // Drops every relation of the session's temporary schema (session end,
  // DISCARD TEMP/ALL, and at start for leftovers of a crashed server).
  void DropTempRelations();
  // DISCARD TEMP / ALL: the same inside the current transaction.
  void DropTempRelationsInTransaction();
  std::vector<std::string> TempDropStatements(const Catalog& cat) const;
  std::shared_ptr<const Catalog> catalog_;
  bool catalog_changed_ = false;
  bool in_block_ = false;   // explicit BEGIN
  bool failed_ = false;     // error inside the block (or the implicit one)
  int64_t txn_start_ = 0;   // PostgreSQL-epoch microseconds

  EvalContext eval_;
  std::unique_ptr<SessionSequences> sequences_;
  std::optional<TxRange> snapshot_period_;  // USE SNAPSHOT (session-wide, not transactional)
  std::unique_ptr<OidNames> names_;  // reg* names over catalog_
  std::map<std::string, std::string> params_;
  std::set<std::string> changed_;

  std::map<std::string, std::shared_ptr<Prepared>> prepared_;
  std::map<std::string, Portal> portals_;
  SessionCursors cursors_;  // DECLARE ... CURSOR
  std::unique_ptr<class CopyIn> copy_in_;
  std::unique_ptr<StmtContext> copy_sc_;
};

}  // namespace immu::sql
