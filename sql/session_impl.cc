#include "sql/session_impl.h"

#include "sql/lock_wait.h"

#include <algorithm>
#include <chrono>

#include "catalog/pg_error.h"
#include "sql/copy.h"
#include "sql/query_history.h"
#include "sql/query_internal.h"
#include "sql/datestyle.h"
#include "sql/query_database.h"
#include "sql/query_role.h"
#include "sql/system_internal.h"
#include "sql/system_tables.h"

namespace immu::sql {

namespace {

// Parameters PostgreSQL reports with ParameterStatus, and their defaults.
const std::vector<std::pair<std::string, std::string>>& ReportedDefaults() {
  static const std::vector<std::pair<std::string, std::string>> kReported = {
      {"application_name", ""},
      {"client_encoding", "UTF8"},
      {"DateStyle", "ISO, MDY"},
      {"default_transaction_read_only", "off"},
      {"in_hot_standby", "off"},
      {"integer_datetimes", "on"},
      {"IntervalStyle", "postgres"},
      {"is_superuser", "on"},
      {"server_encoding", "UTF8"},
      {"server_version", "15.0"},
      {"session_authorization", ""},
      {"standard_conforming_strings", "on"},
      {"TimeZone", "UTC"},
  };
  return kReported;
}

// Other settings clients read with SHOW or set at connect.
const std::vector<std::pair<std::string, std::string>>& OtherDefaults() {
  static const std::vector<std::pair<std::string, std::string>> kOther = {
      {"search_path", "\"$user\", public"},
      {"default_tablespace", ""},
      // No statistics collector: the pg_stat_get_* counters stay zero, as
      // PostgreSQL reports them with track_counts off.
      {"track_counts", "off"},
      {"transaction_isolation", "read committed"},
      {"default_transaction_isolation", "read committed"},
      {"extra_float_digits", "1"},
      {"statement_timeout", "0"},
      {"lock_timeout", "0"},
      {"idle_in_transaction_session_timeout", "0"},
      {"max_identifier_length", "63"},
      {"max_connections", "100"},
      {"synchronous_commit", "on"},
      {"lc_messages", "C"},
      {"lc_monetary", "C"},
      {"lc_numeric", "C"},
      {"lc_time", "C"},
      {"bytea_output", "hex"},
      // What libpq's PQencryptPasswordConn (psql's \password) hashes with.
      {"password_encryption", "scram-sha-256"},
      {"client_min_messages", "notice"},
      {"row_security", "on"},
      {"transaction_read_only", "off"},
      {"server_version_num", "150000"},
      {"timezone_abbreviations", "Default"},
      {"xmloption", "content"},
      {"jit", "off"},
      // The only table access method (pg_am): SQLAlchemy's table reflection
      // compares pg_am.amname with it.
      {"default_table_access_method", "heap"},
      // Planner switch for PostgreSQL's genetic join search (12+ FROM items);
      // it changes plans only, never results, and this planner has none, so
      // any value is accepted (ActiveRecord connects with -c geqo=off).
      {"geqo", "on"},
      // Server-log switches: they print plans and parse trees to the log only.
      {"debug_print_plan", "off"},
      {"debug_print_parse", "off"},
      {"debug_print_rewritten", "off"},
      {"debug_pretty_print", "on"},
      // The rest of PostgreSQL's planner and cost settings, for the same
      // reason: they steer plan choice (and memory use) only, never results,
      // so tests and tools that set them run unchanged.
      {"enable_async_append", "on"},
      {"enable_bitmapscan", "on"},
      {"enable_gathermerge", "on"},
      {"enable_hashagg", "on"},
      {"enable_hashjoin", "on"},
      {"enable_incremental_sort", "on"},
      {"enable_indexonlyscan", "on"},
      {"enable_indexscan", "on"},
      {"enable_material", "on"},
      {"enable_memoize", "on"},
      {"enable_mergejoin", "on"},
      {"enable_nestloop", "on"},
      {"enable_parallel_append", "on"},
      {"enable_parallel_hash", "on"},
      {"enable_partition_pruning", "on"},
      {"enable_partitionwise_aggregate", "off"},
      {"enable_partitionwise_join", "off"},
      {"enable_seqscan", "on"},
      {"enable_sort", "on"},
      {"enable_tidscan", "on"},
      {"force_parallel_mode", "off"},
      {"from_collapse_limit", "8"},
      {"join_collapse_limit", "8"},
      {"constraint_exclusion", "partition"},
      {"cursor_tuple_fraction", "0.1"},
      {"cpu_index_tuple_cost", "0.005"},
      {"cpu_operator_cost", "0.0025"},
      {"cpu_tuple_cost", "0.01"},
      {"random_page_cost", "4"},
      {"seq_page_cost", "1"},
      {"effective_cache_size", "4GB"},
      {"work_mem", "4MB"},
      {"maintenance_work_mem", "64MB"},
      {"hash_mem_multiplier", "2"},
      {"max_parallel_workers_per_gather", "2"},
      {"parallel_setup_cost", "1000"},
      {"parallel_tuple_cost", "0.1"},
      {"parallel_leader_participation", "on"},
      {"min_parallel_table_scan_size", "8MB"},
      {"min_parallel_index_scan_size", "512kB"},
      {"plan_cache_mode", "auto"},
      {"default_statistics_target", "100"},
      {"jit_above_cost", "100000"},
  };
  return kOther;
}

}  // namespace

// Preset parameters (PostgreSQL's "internal" context): they describe how the
// server was built or initialised, clients read them (pgjdbc's
// getMaxColumnsInIndex reads max_index_keys, pgAdmin lc_collate) and no
// session can change them.
const std::vector<std::pair<std::string, std::string>>& PresetDefaults() {
  static const std::vector<std::pair<std::string, std::string>> kPreset = {
      {"block_size", "8192"},
      {"data_checksums", "off"},
      {"lc_collate", "C"},
      {"lc_ctype", "C"},
      {"max_function_args", "100"},
      {"max_index_keys", "32"},
      {"segment_size", "131072"},
      {"wal_block_size", "8192"},
  };
  return kPreset;
}

bool IsPresetParameter(std::string_view name) {
  for (const auto& [k, v] : PresetDefaults()) {
    if (k == name) return true;
  }
  return false;
}

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Canonical spelling of a parameter name (case-insensitive lookup).
std::string CanonicalName(const std::string& name) {
  const std::string l = Lower(name);
  for (const auto& [k, v] : ReportedDefaults()) {
    if (Lower(k) == l) return k;
  }
  return l;
}

int64_t NowPgMicros() { return WallClockNow(); }

std::string SetArgText(const PgNode* n) {
  if (n->node_case == PG_QUERY__NODE__NODE_A_CONST) {
    const auto* c = n->a_const;
    switch (c->val_case) {
      case PG_QUERY__A__CONST__VAL_IVAL: return std::to_string(c->ival->ival);
      case PG_QUERY__A__CONST__VAL_FVAL: return c->fval->fval;
      case PG_QUERY__A__CONST__VAL_SVAL: return c->sval->sval;
      case PG_QUERY__A__CONST__VAL_BOOLVAL: return c->boolval->boolval ? "on" : "off";
      default: return "";
    }
  }
  if (n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) return SetArgText(n->type_cast->arg);
  return std::string(NodeString(n));
}

// Temporary schemas of sessions without a backend pid (the embedded engine).
std::atomic<int32_t> next_embedded_temp{1'000'000'000};

class NullSink : public RowSink {
 public:
  void Columns(std::span<const ResultColumn>) override {}
  void Row(std::span<const std::optional<std::string_view>>) override {}
  void Notice(std::string_view, std::string_view, std::string_view) override {}
};

}  // namespace

SessionImpl::SessionImpl(std::shared_ptr<Database> db, std::shared_ptr<ActivityBoard::Entry> activity,
                         const SessionOptions& options, const std::string& server_version)
    : db_owner_(std::move(db)), db_(db_owner_.get()), activity_(std::move(activity)), options_(options) {
  for (const auto& [k, v] : ReportedDefaults()) params_[k] = v;
  for (const auto& [k, v] : OtherDefaults()) params_[k] = v;
  for (const auto& [k, v] : PresetDefaults()) params_[k] = v;
  params_["server_version"] = server_version;
  params_["session_authorization"] = options.user;
  if (options.users != nullptr) {
    const std::optional<RoleInfo> role = options.users->Find(options.user);
    params_["is_superuser"] = role && role->superuser ? "on" : "off";
  }
  params_["application_name"] = options.application_name;
  db_->SetOwnerPid(this, options.backend_pid);
  eval_.database = db_->name();
  eval_.cluster = options.cluster;
  eval_.introspection = this;
  eval_.user = options.user;
  eval_.application_name = options.application_name;
  eval_.cancel = &cancel_;
  eval_.catalog = &catalog_;
  eval_.settings = &params_;
  eval_.set_parameter = [this](const std::string& name, const std::string& value) { SetParameter(name, value, true); };
  eval_.users = options.users;
  eval_.backend_pid = options.backend_pid;
  eval_.temp_schema = "pg_temp_" + std::to_string(options.backend_pid != 0 ? options.backend_pid
                                                                           : next_embedded_temp.fetch_add(1));
  sequences_ = std::make_unique<SessionSequences>(db_);
  eval_.sequences = sequences_.get();
  eval_.session = this;
  eval_.deadline = &deadline_;
  names_ = std::make_unique<CatalogNames>(&catalog_);
  eval_.vc.names = names_.get();
  // Startup parameters (DateStyle, TimeZone, options=-c x=y ...).
  for (const auto& [k, v] : options.startup_params) {
    if (k == "options") {
      // "-c name=value" pairs.
      size_t pos = 0;
      while ((pos = v.find("-c", pos)) != std::string::npos) {
        pos += 2;
        while (pos < v.size() && v[pos] == ' ') pos++;
        const size_t end = v.find(' ', pos);
        const std::string kv = v.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        const size_t eq = kv.find('=');
        if (eq != std::string::npos) SetParameter(kv.substr(0, eq), kv.substr(eq + 1), false);
        pos = end == std::string::npos ? v.size() : end;
      }
      continue;
    }
    if (k == "user" || k == "database" || k == "replication" || k == "application_name") continue;
    try {
      SetParameter(k, v, false);
    } catch (const PgError&) {
      // PostgreSQL rejects bad startup settings with FATAL; be lenient here.
    }
  }
  changed_.clear();
  reset_values_ = params_;
  // A crashed server leaves temporary relations behind; whoever gets the
  // schema next removes them (as a PostgreSQL backend does on first use).
  try {
    DropTempRelations();
  } catch (const PgError&) {
  }
}

SessionImpl::~SessionImpl() {
  db_->advisory_locks().UnlockAll(this);
  db_->ForgetOwner(this);
  try {
    DropTempRelations();
  } catch (...) {
    // The session is going; leftovers are dropped by the next session that
    // gets this temporary schema.
  }
  if (txn_) txn_->Rollback();
  db_->ReleaseRowLocks(this);
}


void SessionImpl::StartStatementClock() {
  const int64_t ms = TimeoutMs(params_["statement_timeout"]);
  deadline_ = ms > 0 ? std::chrono::steady_clock::now() + std::chrono::milliseconds(ms)
                     : std::chrono::steady_clock::time_point{};
}

void SessionImpl::PrepareEval(const std::vector<Value>* params) {
  eval_.params = params;
  eval_.vc.dt.now = txn_start_ != 0 ? txn_start_ : NowPgMicros();
  eval_.outer.clear();
}

void SessionImpl::EnsureTransaction() {
  if (txn_) return;
  TxOptions o;
  // SERIALIZABLE validates reads at commit; READ COMMITTED and REPEATABLE
  // READ both run on the transaction's snapshot (see the closing notes).
  o.serializable = params_["transaction_isolation"] == "serializable";
  txn_ = db_->store()->Begin(o);
  txn_used_ = false;
  catalog_ = db_->catalog();
  catalog_changed_ = false;
  txn_start_ = NowPgMicros();
}

void SessionImpl::ApplyTransactionOptions(PgNode* const* opts, size_t n, bool session_default) {
  for (size_t i = 0; i < n; i++) {
    const PgQuery__DefElem* d = opts[i]->def_elem;
    const std::string name = d->defname;
    std::string value;
    if (d->arg != nullptr && d->arg->node_case == PG_QUERY__NODE__NODE_A_CONST) {
      const auto* c = d->arg->a_const;
      if (c->val_case == PG_QUERY__A__CONST__VAL_SVAL) value = c->sval->sval;
      if (c->val_case == PG_QUERY__A__CONST__VAL_IVAL) value = c->ival->ival != 0 ? "on" : "off";
      if (c->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL) value = c->boolval->boolval ? "on" : "off";
    }
    if (name == "transaction_isolation") {
      if (!session_default && txn_used_ && value != params_["transaction_isolation"]) {
        throw PgError(sqlstate::kActiveSqlTransaction, "SET TRANSACTION ISOLATION LEVEL must be called before any query");
      }
      SetParameter(session_default ? "default_transaction_isolation" : "transaction_isolation", value, false);
      if (!session_default && txn_ && !txn_used_) {
        // Nothing ran yet: restart the transaction with the new isolation.
        txn_->Rollback();
        txn_.reset();
        const bool block = in_block_;
        EnsureTransaction();
        in_block_ = block;
      }
    } else if (name == "transaction_read_only") {
      SetParameter(session_default ? "default_transaction_read_only" : "transaction_read_only", value, false);
    } else if (name == "transaction_deferrable") {
      SetParameter(session_default ? "default_transaction_deferrable" : "transaction_deferrable", value, false);
    }
  }
}

void SessionImpl::EndTransactionCharacteristics() {
  params_["transaction_isolation"] = params_["default_transaction_isolation"];
  params_["transaction_read_only"] = params_["default_transaction_read_only"];
}

QueryResult SessionImpl::RunSavepointStmt(const PgQuery__TransactionStmt* t) {
  QueryResult r;
  const std::string name = t->savepoint_name != nullptr ? t->savepoint_name : "";
  const char* what = t->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT  ? "SAVEPOINT"
                     : t->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE ? "RELEASE SAVEPOINT"
                                                                                        : "ROLLBACK TO SAVEPOINT";
  if (!in_block_) {
    throw PgError(sqlstate::kNoActiveSqlTransaction, std::string(what) + " can only be used in transaction blocks");
  }
  if (t->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT) {
    std::map<std::string, std::optional<std::string>> params;
    for (const auto& [k, before] : tx_saved_params_) {
      auto it = params_.find(k);
      params[k] = it != params_.end() ? std::optional<std::string>(it->second) : std::nullopt;
    }
    savepoints_.push_back(
        {name, txn_->Mark(), catalog_, catalog_changed_, deferred_.size(), std::move(params), tx_local_params_});
    r.tag = "SAVEPOINT";
    return r;
  }
  size_t i = savepoints_.size();
  while (i > 0 && savepoints_[i - 1].name != name) i--;
  if (i == 0) throw PgError(sqlstate::kInvalidSavepoint, "savepoint \"" + name + "\" does not exist");
  Savepoint& sp = savepoints_[i - 1];
  if (t->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE) {
    txn_->Release(sp.marker);
    savepoints_.resize(i - 1);
    r.tag = "RELEASE";
    return r;
  }
  // The savepoint stays; the ones after it go. Row locks taken since stay
  // held until the transaction ends.
  txn_->RollbackTo(sp.marker);
  catalog_ = sp.catalog;
  catalog_changed_ = sp.catalog_changed;
  deferred_.resize(sp.deferred);
  RestoreSavepointParameters(sp);
  savepoints_.resize(i);
  failed_ = false;
  r.tag = "ROLLBACK";
  return r;
}

void SessionImpl::RunDeferredChecks() {
  if (deferred_.empty()) return;
  std::vector<DeferredFkCheck> checks = std::move(deferred_);
  deferred_.clear();
  StmtContext sc;
  sc.db = db_;
  sc.catalog = &catalog_;
  sc.txn = txn_.get();
  sc.eval = &eval_;
  PrepareEval(nullptr);
  for (const auto& c : checks) RowWriter::RunDeferred(sc, c);
}

void SessionImpl::NoteOnCommit(const PgNode* stmt) {
  if (stmt->node_case != PG_QUERY__NODE__NODE_CREATE_STMT) return;
  const auto* c = stmt->create_stmt;
  if (c->oncommit != PG_QUERY__ON_COMMIT_ACTION__ONCOMMIT_DROP &&
      c->oncommit != PG_QUERY__ON_COMMIT_ACTION__ONCOMMIT_DELETE_ROWS) {
    return;
  }
  on_commit_[QuoteIdent(eval_.temp_schema) + "." + QuoteIdent(c->relation->relname)] = c->oncommit;
}

void SessionImpl::RunOnCommitActions() {
  if (on_commit_.empty()) return;
  std::vector<std::string> drops;
  for (const auto& [name, action] : on_commit_) {
    const std::string sql = action == PG_QUERY__ON_COMMIT_ACTION__ONCOMMIT_DROP ? "DROP TABLE IF EXISTS " + name
                                                                               : "DELETE FROM " + name;
    if (action == PG_QUERY__ON_COMMIT_ACTION__ONCOMMIT_DROP) drops.push_back(name);
    auto tree = ParseTree::Parse(sql);
    std::vector<uint32_t> types;
    RunStatement(*tree, 0, {}, &types, nullptr, false);
  }
  for (const auto& name : drops) on_commit_.erase(name);
}

std::vector<std::string> SessionImpl::TempDropStatements(const Catalog& cat) const {
  std::vector<std::string> stmts;
  if (eval_.temp_schema.empty()) return stmts;
  for (const auto& [id, t] : cat.tables()) {
    if (t.schema != eval_.temp_schema) continue;
    const char* what = t.kind == 'v' ? "VIEW" : t.kind == 'S' ? "SEQUENCE" : "TABLE";
    stmts.push_back(std::string("DROP ") + what + " IF EXISTS " + QuoteIdent(t.schema) + "." + QuoteIdent(t.name) +
                    " CASCADE");
  }
  return stmts;
}

void SessionImpl::DropTempRelationsInTransaction() {
  on_commit_.clear();
  if (!txn_) catalog_ = db_->catalog();
  for (const std::string& sql : TempDropStatements(*catalog_)) {
    auto tree = ParseTree::Parse(sql);
    std::vector<uint32_t> types;
    RunStatement(*tree, 0, {}, &types, nullptr, false);
  }
}

void SessionImpl::DropTempRelations() {
  const std::vector<std::string> stmts = TempDropStatements(*db_->catalog());
  on_commit_.clear();
  if (stmts.empty()) return;
  if (txn_) RollbackTransaction();
  in_block_ = false;
  failed_ = false;
  NullSink sink;
  for (const std::string& sql : stmts) {
    std::vector<ExecResult> results;
    try {
      SimpleQuery(sql, sink, &results);
    } catch (const PgError&) {
      // Already gone with an earlier CASCADE, or a concurrent change: go on.
      if (txn_) RollbackTransaction();
      in_block_ = false;
      failed_ = false;
    }
  }
}

void SessionImpl::CommitTransaction() {
  RestoreSetParameters(false);
  EndTransactionCharacteristics();
  cursors_.EndTransaction();
  if (!txn_) return;
  savepoints_.clear();
  try {
    RunDeferredChecks();
    RunOnCommitActions();
  } catch (...) {
    RollbackTransaction();
    throw;
  }
  std::unique_ptr<Transaction> txn = std::move(txn_);
  txn_start_ = 0;
  // Row locks go once the commit is decided (either way).
  struct Release {
    SessionImpl* s;
    ~Release() { s->db_->ReleaseRowLocks(s); }
  } release{this};
  if (catalog_changed_) {
    std::lock_guard lock(db_->ddl_mu());
    auto r = txn->Commit();
    if (!r.ok()) {
      catalog_changed_ = false;
      if (r.status().code() == StatusCode::kConflict) {
        throw PgError(sqlstate::kSerializationFailure, "could not serialize access due to concurrent update");
      }
      ThrowIfError(r.status());
    }
    // Another session's DDL may have committed since this transaction took
    // its catalog snapshot (changes to other objects do not conflict):
    // publishing our copy would drop theirs, so publish what the store now
    // holds, which has both. Serialized by ddl_mu.
    catalog_ = Catalog::Load(db_->store(), db_->catalog().get());
    db_->PublishCatalog(catalog_);
    catalog_changed_ = false;
    return;
  }
  auto r = txn->Commit();
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kConflict) {
      throw PgError(sqlstate::kSerializationFailure, "could not serialize access due to concurrent update");
    }
    ThrowIfError(r.status());
  }
}

void SessionImpl::NoteSet(const std::string& raw_name, bool local) {
  const std::string name = CanonicalName(raw_name);
  if (!tx_saved_params_.contains(name)) {
    auto it = params_.find(name);
    tx_saved_params_[name] = it != params_.end() ? std::optional<std::string>(it->second) : std::nullopt;
  }
  if (local) tx_local_params_.insert(name);
}

void SessionImpl::RestoreSetParameters(bool all) {
  // Moved out first: SetParameter below must not record anything.
  auto saved = std::move(tx_saved_params_);
  auto local = std::move(tx_local_params_);
  tx_saved_params_.clear();
  tx_local_params_.clear();
  for (const auto& [name, value] : saved) {
    if (!all && !local.contains(name)) continue;
    RestoreParameter(name, value);
  }
}

void SessionImpl::RestoreParameter(const std::string& name, const std::optional<std::string>& value) {
  if (!value) {
    params_.erase(name);
    return;
  }
  try {
    SetParameter(name, *value, true);
  } catch (const PgError&) {
    params_[name] = *value;  // it was valid when saved
  }
}

void SessionImpl::RestoreSavepointParameters(const Savepoint& sp) {
  for (auto it = tx_saved_params_.begin(); it != tx_saved_params_.end();) {
    const std::string& name = it->first;
    auto at_savepoint = sp.params.find(name);
    // First SET after the savepoint: back to its value before the block.
    const std::optional<std::string>& value = at_savepoint != sp.params.end() ? at_savepoint->second : it->second;
    auto now = params_.find(name);
    const bool same = value ? (now != params_.end() && now->second == *value) : now == params_.end();
    if (!same) RestoreParameter(name, value);
    it = at_savepoint != sp.params.end() ? std::next(it) : tx_saved_params_.erase(it);
  }
  tx_local_params_ = sp.local_params;
}

void SessionImpl::ResetAllParameters() {
  // Fixed for the session (or per transaction): RESET ALL leaves them.
  static const std::set<std::string> kKeep = {
      "server_version", "server_version_num", "server_encoding", "integer_datetimes", "is_superuser",
      "session_authorization", "max_identifier_length", "max_connections", "transaction_isolation",
      "transaction_read_only"};
  for (const auto& [k, v] : reset_values_) {
    if (kKeep.contains(k)) continue;
    auto it = params_.find(k);
    if (it != params_.end() && it->second == v) continue;
    if (in_block_) NoteSet(k, false);
    SetParameter(k, v, true);
  }
  // Custom "a.b" settings made since the start go.
  std::erase_if(params_, [&](const auto& kv) { return kv.first.find('.') != std::string::npos && !reset_values_.contains(kv.first); });
}

void SessionImpl::RollbackTransaction() {
  RestoreSetParameters(true);
  EndTransactionCharacteristics();
  cursors_.EndTransaction();
  savepoints_.clear();
  deferred_.clear();
  if (txn_) txn_->Rollback();
  db_->ReleaseRowLocks(this);
  txn_.reset();
  txn_start_ = 0;
  catalog_changed_ = false;
  catalog_.reset();
}

UserTypeScope SessionImpl::TypeScope() {
  if (!txn_) catalog_ = db_->catalog();
  return UserTypeScope(&catalog_);
}

void SessionImpl::OnError() {
  if (in_block_) {
    failed_ = true;
  } else {
    RollbackTransaction();
  }
}

char SessionImpl::TransactionStatus() const {
  if (!in_block_) return 'I';
  return failed_ ? 'E' : 'T';
}

void SessionImpl::SetParameter(const std::string& raw_name, const std::string& value, bool report_change) {
  const std::string name = CanonicalName(raw_name);
  if (IsPresetParameter(name)) {
    throw PgError(sqlstate::kCantChangeRuntimeParam, "parameter \"" + name + "\" cannot be changed");
  }
  std::string v = value;
  if (name == "TimeZone") {
    TimeZone tz = TimeZone::FromSetting(value);
    eval_.vc.dt.session_zone = tz;
    v = tz.name();
  } else if (name == "client_encoding") {
    const std::string l = Lower(value);
    if (l != "utf8" && l != "utf-8" && l != "unicode") {
      if (l == "sql_ascii" || l == "latin1") {
        v = Lower(value) == "latin1" ? "LATIN1" : "SQL_ASCII";
      } else {
        throw PgError(sqlstate::kInvalidParameterValue, "invalid value for parameter \"client_encoding\": \"" + value + "\"");
      }
    } else {
      v = "UTF8";
    }
  } else if (name == "DateStyle") {
    v = ApplyDateStyle(value, &eval_.vc.dt);
  } else if (name == "IntervalStyle") {
    const std::string l = Lower(value);
    if (l == "postgres") {
      eval_.vc.dt.interval_style = IntervalStyle::kPostgres;
    } else if (l == "iso_8601") {
      eval_.vc.dt.interval_style = IntervalStyle::kIso8601;
    } else if (l == "postgres_verbose") {
      eval_.vc.dt.interval_style = IntervalStyle::kPostgresVerbose;
    } else {
      throw PgError(sqlstate::kFeatureNotSupported,
                    "only IntervalStyle postgres, postgres_verbose and iso_8601 are supported");
    }
    v = l;
  } else if (name == "application_name") {
    eval_.application_name = value;
  } else if (!params_.contains(name) && name.find('.') == std::string::npos) {
    throw PgError(sqlstate::kUndefinedObject, "unrecognized configuration parameter \"" + raw_name + "\"");
  }
  params_[name] = v;
  if (report_change) changed_.insert(name);
}

std::string SessionImpl::GetParameter(const std::string& raw_name) const {
  const std::string name = CanonicalName(raw_name);
  auto it = params_.find(name);
  if (it == params_.end()) {
    throw PgError(sqlstate::kUndefinedObject, "unrecognized configuration parameter \"" + raw_name + "\"");
  }
  return it->second;
}

std::vector<std::pair<std::string, std::string>> SessionImpl::TakeParameterChanges() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& name : changed_) {
    for (const auto& [k, v] : ReportedDefaults()) {
      if (k == name) out.emplace_back(k, params_[k]);
    }
  }
  changed_.clear();
  return out;
}

std::vector<std::pair<std::string, std::string>> SessionImpl::ReportedParameters() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : ReportedDefaults()) out.emplace_back(k, params_.at(k));
  return out;
}

QueryResult SessionImpl::RunUtility(const PgNode* stmt, std::string_view text, RowSink* notices,
                                    bool* handled) {
  QueryResult r;
  *handled = true;
  if (IsRoleStatement(stmt)) return RunRoleStatement(stmt, options_.users, options_.user, notices);
  if (IsDatabaseStatement(stmt)) {
    DatabaseStatementContext dc;
    dc.cluster = options_.cluster;
    dc.current_database = db_->name();
    if (options_.users != nullptr) {
      const std::optional<RoleInfo> role = options_.users->Find(options_.user);
      dc.superuser = role && role->superuser;
    }
    dc.in_transaction_block = in_block_;
    dc.notices = notices;
    return RunDatabaseStatement(stmt, dc);
  }
  switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT: {
      const auto* t = stmt->transaction_stmt;
      switch (t->kind) {
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
          if (in_block_) {
            if (notices) notices->Notice("WARNING", "25001", "there is already a transaction in progress");
          } else {
            EndTransactionCharacteristics();
            EnsureTransaction();
            in_block_ = true;
            ApplyTransactionOptions(t->options, t->n_options, false);
          }
          r.tag = "BEGIN";
          return r;
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
          if (!in_block_) {
            if (notices) notices->Notice("WARNING", "25P01", "there is no transaction in progress");
            r.tag = "COMMIT";
            return r;
          }
          in_block_ = false;
          if (failed_) {
            failed_ = false;
            RollbackTransaction();
            r.tag = "ROLLBACK";
            return r;
          }
          CommitTransaction();
          r.tag = "COMMIT";
          return r;
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
          if (!in_block_ && notices) notices->Notice("WARNING", "25P01", "there is no transaction in progress");
          in_block_ = false;
          failed_ = false;
          RollbackTransaction();
          r.tag = "ROLLBACK";
          return r;
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT:
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE:
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO:
          return RunSavepointStmt(t);
        default:
          throw PgError(sqlstate::kFeatureNotSupported, "two-phase commit is not supported");
      }
    }
    case PG_QUERY__NODE__NODE_CONSTRAINTS_SET_STMT:
      // IMMEDIATE runs the checks deferred so far, as PostgreSQL does;
      // DEFERRED changes nothing for constraints declared INITIALLY DEFERRED.
      if (!stmt->constraints_set_stmt->deferred && txn_) RunDeferredChecks();
      r.tag = "SET CONSTRAINTS";
      return r;
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT: {
      const auto* v = stmt->variable_set_stmt;
      r.tag = v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET || v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL
                  ? "RESET" : "SET";
      switch (v->kind) {
        case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE: {
          std::string value;
          for (size_t i = 0; i < v->n_args; i++) value += (i ? ", " : "") + SetArgText(v->args[i]);
          const bool block = in_block_ || implicit_block_;
          if (v->is_local && !block) {
            if (notices) notices->Notice("WARNING", "25P01", "SET LOCAL can only be used in transaction blocks");
            return r;
          }
          // SET is transactional: ROLLBACK undoes it, and SET LOCAL ends
          // with the transaction either way.
          if (block) NoteSet(v->name, v->is_local);
          SetParameter(v->name, value, true);
          return r;
        }
        case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT:
        case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET: {
          // Back to the session's own default: the value it started with
          // (a startup parameter, else the built-in default).
          const std::string name = CanonicalName(v->name);
          if (in_block_) NoteSet(v->name, v->is_local);
          if (auto it = reset_values_.find(name); it != reset_values_.end()) {
            SetParameter(name, it->second, true);
          } else if (!params_.contains(name) && name.find('.') == std::string::npos) {
            throw PgError(sqlstate::kUndefinedObject, "unrecognized configuration parameter \"" + std::string(v->name) + "\"");
          } else {
            params_.erase(name);  // a custom "a.b" setting
          }
          return r;
        }
        case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL:
          ResetAllParameters();
          return r;
        case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_MULTI: {
          const std::string what = v->name != nullptr ? v->name : "";
          if (what == "TRANSACTION") {
            if (!in_block_) {
              if (notices) notices->Notice("WARNING", "25P01", "SET TRANSACTION can only be used in transaction blocks");
              return r;
            }
            ApplyTransactionOptions(v->args, v->n_args, false);
          } else if (what == "SESSION CHARACTERISTICS") {
            ApplyTransactionOptions(v->args, v->n_args, true);
            if (!in_block_) EndTransactionCharacteristics();
          }
          return r;
        }
        default:
          return r;
      }
    }
    case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT: {
      const std::string name = stmt->variable_show_stmt->name;
      r.returns_rows = true;
      r.tag = "SHOW";
      Expr text;
      text.type = oid::kText;
      if (Lower(name) == "all") {
        r.columns = {MakeResultColumn("name", text), MakeResultColumn("setting", text),
                     MakeResultColumn("description", text)};
        for (const auto& [k, v] : params_) {
          r.rows.push_back({Value::Str(oid::kText, k), Value::Str(oid::kText, v), Value::Str(oid::kText, "")});
        }
        return r;
      }
      const std::string value = Lower(name) == "transaction isolation level" ? "read committed" : GetParameter(name);
      r.columns = {MakeResultColumn(Lower(name) == "transaction isolation level" ? "transaction_isolation" : Lower(name), text)};
      r.rows.push_back({Value::Str(oid::kText, value)});
      return r;
    }
    case PG_QUERY__NODE__NODE_FETCH_STMT:
      return cursors_.Fetch(stmt->fetch_stmt);
    case PG_QUERY__NODE__NODE_CLOSE_PORTAL_STMT:
      return cursors_.Close(stmt->close_portal_stmt->portalname != nullptr ? stmt->close_portal_stmt->portalname : "");
    case PG_QUERY__NODE__NODE_DISCARD_STMT:
      switch (stmt->discard_stmt->target) {
        case PG_QUERY__DISCARD_MODE__DISCARD_PLANS:
          r.tag = "DISCARD PLANS";  // nothing cached across executions
          return r;
        case PG_QUERY__DISCARD_MODE__DISCARD_SEQUENCES:
          sequences_ = std::make_unique<SessionSequences>(db_);
          eval_.sequences = sequences_.get();
          r.tag = "DISCARD SEQUENCES";
          return r;
        case PG_QUERY__DISCARD_MODE__DISCARD_TEMP:
          DropTempRelationsInTransaction();
          r.tag = "DISCARD TEMP";
          return r;
        default:
          if (in_block_) throw PgError(sqlstate::kActiveSqlTransaction, "DISCARD ALL cannot run inside a transaction block");
          portals_.clear();
          cursors_.Clear();
          prepared_.clear();
          snapshot_period_.reset();  // USE SNAPSHOT is session state too
          sequences_ = std::make_unique<SessionSequences>(db_);
          eval_.sequences = sequences_.get();
          DropTempRelationsInTransaction();
          ResetAllParameters();
          db_->advisory_locks().UnlockAll(this);
          r.tag = "DISCARD ALL";
          return r;
      }
    case PG_QUERY__NODE__NODE_PREPARE_STMT: {
      // SQL-level PREPARE shares the protocol's statement namespace.
      const auto* ps = stmt->prepare_stmt;
      std::vector<uint32_t> types;
      for (size_t i = 0; i < ps->n_argtypes; i++) {
        uint32_t type = 0;
        int32_t typmod = -1;
        ResolveTypeName(ps->argtypes[i]->type_name, &type, &typmod);
        types.push_back(type);
      }
      if (ps->name == nullptr || *ps->name == '\0') throw PgError(sqlstate::kSyntaxError, "prepared statement name missing");
      Parse(ps->name, DeparseStatement(ps->query), types);
      prepared_[ps->name]->from_sql = true;
      prepared_[ps->name]->sql = std::string(text);
      r.tag = "PREPARE";
      return r;
    }
    case PG_QUERY__NODE__NODE_EXECUTE_STMT: {
      const auto* es = stmt->execute_stmt;
      auto it = prepared_.find(es->name != nullptr ? es->name : "");
      if (it == prepared_.end()) {
        throw PgError("26000", "prepared statement \"" + std::string(es->name ? es->name : "") + "\" does not exist");
      }
      std::shared_ptr<Prepared> p = it->second;
      if (es->n_params != p->param_types.size()) {
        throw PgError(sqlstate::kSyntaxError, "wrong number of parameters for prepared statement \"" +
                                                  std::string(es->name) + "\"",
                      "Expected " + std::to_string(p->param_types.size()) + " parameters but got " +
                          std::to_string(es->n_params) + ".");
      }
      EnsureTransaction();
      PrepareEval(nullptr);
      std::vector<Value> values;
      Binder binder(eval_, nullptr);
      for (size_t i = 0; i < es->n_params; i++) {
        auto e = binder.Coerce(binder.Bind(es->params[i], Scope{}), p->param_types[i], -1, false, "parameter");
        values.push_back(Eval(*e, Row{}, eval_));
      }
      if (p->tree == nullptr || p->tree->size() == 0) return r;
      std::vector<uint32_t> types = p->param_types;
      return RunStatement(*p->tree, 0, values, &types, notices, false);
    }
    case PG_QUERY__NODE__NODE_DEALLOCATE_STMT: {
      const char* name = stmt->deallocate_stmt->name;
      if (name == nullptr || *name == '\0') {  // DEALLOCATE ALL
        prepared_.clear();
      } else if (prepared_.erase(name) == 0) {
        throw PgError("26000", "prepared statement \"" + std::string(name) + "\" does not exist");
      }
      r.tag = "DEALLOCATE";
      return r;
    }
    default:
      *handled = false;
      return r;
  }
}

void SessionImpl::ThrowIfFailedUnlessExit(const PgNode* stmt) {
  const bool exit = stmt != nullptr && stmt->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT &&
                    (stmt->transaction_stmt->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK ||
                     stmt->transaction_stmt->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT ||
                     stmt->transaction_stmt->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO);
  if (!exit) {
    throw PgError(sqlstate::kInFailedSqlTransaction,
                  "current transaction is aborted, commands ignored until end of transaction block");
  }
}

QueryResult SessionImpl::RunUseSnapshot(const TravelRef& use, const std::vector<Value>& params,
                                        std::vector<uint32_t>* param_types, bool describe_only) {
  QueryResult r;
  r.tag = "SET";
  if (use.clear) {
    if (!describe_only) snapshot_period_.reset();
    return r;
  }
  // The bounds are resolved to tx ids now, against the latest commit (or
  // the open transaction's snapshot), and stay fixed for the session.
  std::unique_ptr<Transaction> scratch = txn_ ? nullptr : db_->store()->Begin(TxOptions{});
  StmtContext sc;
  sc.db = db_;
  sc.catalog = &catalog_;
  sc.txn = txn_ ? txn_.get() : scratch.get();
  sc.eval = &eval_;
  sc.param_types = param_types;
  sc.describe_only = describe_only;
  PrepareEval(describe_only ? nullptr : &params);
  const TxRange range = ResolvePeriod(use.period, sc);
  if (scratch) scratch->Rollback();
  if (!describe_only) snapshot_period_ = range;
  return r;
}

QueryResult SessionImpl::RunStatement(const ParseTree& tree, size_t i, const std::vector<Value>& params,
                                      std::vector<uint32_t>* param_types, RowSink* notices, bool describe_only) {
  cancel_.store(false);
  const PgNode* stmt = tree.stmt(i);
  if (const TravelRef* use = tree.UseSnapshot(i); use != nullptr && !(failed_ && !describe_only)) {
    return RunUseSnapshot(*use, params, param_types, describe_only);
  }
  if (failed_ && !describe_only) ThrowIfFailedUnlessExit(stmt);
  if (describe_only) {
    // Utility statements describe as "no rows" except SHOW.
    if (stmt->node_case == PG_QUERY__NODE__NODE_FETCH_STMT && !stmt->fetch_stmt->ismove) {
      return cursors_.Describe(stmt->fetch_stmt->portalname != nullptr ? stmt->fetch_stmt->portalname : "");
    }
    if (stmt->node_case == PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT) {
      QueryResult r;
      r.returns_rows = true;
      Expr text;
      text.type = oid::kText;
      r.columns = {MakeResultColumn(Lower(stmt->variable_show_stmt->name), text)};
      return r;
    }
    switch (stmt->node_case) {
      case PG_QUERY__NODE__NODE_SELECT_STMT:
      case PG_QUERY__NODE__NODE_INSERT_STMT:
      case PG_QUERY__NODE__NODE_UPDATE_STMT:
      case PG_QUERY__NODE__NODE_DELETE_STMT:
      case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
        break;
      default:
        return QueryResult{};
    }
    // Outside a transaction the snapshot is refreshed for binding (reg*
    // literals and system functions read catalog_ too).
    if (!txn_) catalog_ = db_->catalog();
    std::shared_ptr<const Catalog> cat = catalog_;
    std::unique_ptr<Transaction> scratch = db_->store()->Begin(TxOptions{});
    StmtContext sc;
    sc.db = db_;
    sc.catalog = &cat;
    sc.txn = scratch.get();
    sc.eval = &eval_;
    sc.param_types = param_types;
    sc.describe_only = true;
    sc.tree = &tree;
    sc.session_period = snapshot_period_ ? &*snapshot_period_ : nullptr;
    PrepareEval(nullptr);
    QueryResult r = ExecuteStatement(stmt, sc);
    scratch->Rollback();
    return r;
  }
  bool handled = false;
  QueryResult r = RunUtility(stmt, tree.text(i), notices, &handled);
  if (handled) return r;
  if (!describe_only && stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT &&
      stmt->node_case != PG_QUERY__NODE__NODE_EXPLAIN_STMT && params_["transaction_read_only"] == "on" &&
      (in_block_ || params_["default_transaction_read_only"] == "on")) {
    throw PgError(sqlstate::kReadOnlySqlTransaction, "cannot execute this statement in a read-only transaction");
  }
  EnsureTransaction();
  StartStatementClock();
  if (txn_used_ && params_["transaction_isolation"] == "read committed") {
    // READ COMMITTED: each statement of a block sees what was committed
    // before it started (the first one runs on the transaction's snapshot).
    txn_->AdvanceSnapshot();
    if (!catalog_changed_) catalog_ = db_->catalog();
  }
  txn_used_ = true;
  StmtContext sc;
  sc.db = db_;
  sc.catalog = &catalog_;
  sc.txn = txn_.get();
  sc.eval = &eval_;
  sc.param_types = param_types;
  sc.lock_owner = this;
  sc.deferred = &deferred_;
  sc.tree = &tree;
  sc.session_period = snapshot_period_ ? &*snapshot_period_ : nullptr;
  PrepareEval(&params);
  if (stmt->node_case == PG_QUERY__NODE__NODE_CREATE_STMT && stmt->create_stmt->if_not_exists &&
      catalog_->Find(stmt->create_stmt->relation->schemaname ? stmt->create_stmt->relation->schemaname : "",
                     stmt->create_stmt->relation->relname) != nullptr &&
      notices != nullptr) {
    notices->Notice("NOTICE", "42P07",
                    "relation \"" + std::string(stmt->create_stmt->relation->relname) + "\" already exists, skipping");
  }
  if (stmt->node_case == PG_QUERY__NODE__NODE_LOCK_STMT && !in_block_) {
    throw PgError("25P01", "LOCK TABLE can only be used in transaction blocks");
  }
  if (stmt->node_case == PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT) {
    // The query runs now; its rows wait in the cursor (see sql/cursors.h).
    const auto* d = stmt->declare_cursor_stmt;
    constexpr int32_t kCursorOptHold = 0x0020;  // CURSOR_OPT_HOLD
    const bool hold = (d->options & kCursorOptHold) != 0;
    if (!hold && !in_block_) {
      throw PgError("25P01", "DECLARE CURSOR can only be used in transaction blocks");
    }
    QueryResult rows = ExecuteStatement(d->query, sc);
    cursors_.Declare(d->portalname != nullptr ? d->portalname : "", std::move(rows), hold,
                     std::string(tree.text(i)), NowPgMicros());
    r = QueryResult{};
    r.tag = "DECLARE CURSOR";
    return r;
  }
  r = ExecuteStatement(stmt, sc);
  NoteOnCommit(stmt);
  catalog_changed_ = catalog_changed_ || sc.catalog_changed;
  return r;
}

void SessionImpl::SendRows(const QueryResult& r, const std::vector<int16_t>& formats, size_t begin, size_t end,
                           RowSink& sink) {
  std::vector<std::optional<std::string_view>> cells(r.columns.size());
  std::vector<std::string> storage(r.columns.size());
  for (size_t i = begin; i < end; i++) {
    const Row& row = r.rows[i];
    for (size_t c = 0; c < r.columns.size(); c++) {
      if (row[c].null) {
        cells[c] = std::nullopt;
        continue;
      }
      storage[c].clear();
      if (c < formats.size() && formats[c] == 1) {
        AppendBinary(row[c], &storage[c]);
      } else {
        storage[c] = ToText(row[c], eval_.vc);
      }
      cells[c] = storage[c];
    }
    sink.Row(cells);
  }
}

SessionImpl::IdleOnExit::~IdleOnExit() {
  if (s->activity_) s->activity_->Idle(s->TransactionStatus(), NowPgMicros());
}

void SessionImpl::SimpleQuery(std::string_view sql, RowSink& sink, std::vector<ExecResult>* results) {
  UserTypeScope user_types = TypeScope();
  if (activity_) activity_->StatementStart(sql, NowPgMicros(), txn_start_);
  IdleOnExit idle{this};
  std::unique_ptr<ParseTree> tree;
  try {
    tree = ParseTree::Parse(sql);
  } catch (...) {
    OnError();
    throw;
  }
  if (tree->size() == 0) {
    ExecResult er;
    er.empty_query = true;
    results->push_back(er);
    return;
  }
  // Statements of one Query message share an implicit transaction unless
  // they open an explicit block (SET LOCAL works inside it).
  struct ImplicitBlock {
    bool& flag;
    ~ImplicitBlock() { flag = false; }
  } implicit{implicit_block_};
  implicit_block_ = tree->size() > 1;
  for (size_t i = 0; i < tree->size(); i++) {
    QueryResult r;
    const PgNode* node = tree->stmt(i);
    if (node->node_case == PG_QUERY__NODE__NODE_COPY_STMT) {
      const PgQuery__CopyStmt* cs = node->copy_stmt;
      try {
        if (failed_) {
          throw PgError(sqlstate::kInFailedSqlTransaction,
                        "current transaction is aborted, commands ignored until end of transaction block");
        }
        if ((cs->filename != nullptr && *cs->filename) || cs->is_program) {
          throw PgError(sqlstate::kInsufficientPrivilege,
                        "COPY to or from a file or program is not allowed; use COPY FROM STDIN / TO STDOUT");
        }
        cancel_.store(false);
        EnsureTransaction();
        PrepareEval(nullptr);
        copy_sc_ = std::make_unique<StmtContext>();
        copy_sc_->db = db_;
        copy_sc_->catalog = &catalog_;
        copy_sc_->txn = txn_.get();
        copy_sc_->eval = &eval_;
        if (cs->is_from) {
          copy_in_ = std::make_unique<CopyIn>(cs, *copy_sc_);
          ExecResult er;
          er.copy_in = true;
          er.copy.in = true;
          er.copy.column_formats.assign(copy_in_->column_count(), 0);
          results->push_back(er);
          return;  // the wire layer now streams CopyData
        }
        const int64_t n = CopyOut(cs, *copy_sc_, sink);
        r.tag = "COPY " + std::to_string(n);
        if (!in_block_ && i + 1 == tree->size()) CommitTransaction();
      } catch (...) {
        copy_in_.reset();
        OnError();
        throw;
      }
      ExecResult er;
      er.command_tag = r.tag;
      results->push_back(er);
      continue;
    }
    try {
      std::vector<uint32_t> types;
      r = RunStatement(*tree, i, {}, &types, &sink, false);
      if (r.returns_rows) {
        std::vector<ResultColumn> cols = r.columns;
        for (auto& c : cols) c.format = 0;
        sink.Columns(cols);
        SendRows(r, {}, 0, r.rows.size(), sink);
      }
      if (r.tag.empty()) r.tag = "SELECT " + std::to_string(r.rows.size());
      if (!in_block_ && i + 1 == tree->size()) CommitTransaction();
    } catch (PgError& e) {
      if (e.position() > 0) e.set_position(e.position());
      OnError();
      throw;
    } catch (...) {
      OnError();
      throw;
    }
    ExecResult er;
    er.command_tag = r.tag;
    results->push_back(er);
  }
}

StatementDescription SessionImpl::Parse(const std::string& name, std::string_view sql,
                                        std::span<const uint32_t> param_type_oids) {
  UserTypeScope user_types = TypeScope();
  if (!name.empty() && prepared_.contains(name)) {
    throw PgError("42P05", "prepared statement \"" + name + "\" already exists");
  }
  auto p = std::make_shared<Prepared>();
  p->sql = std::string(sql);
  p->tree = ParseTree::Parse(sql);
  if (p->tree->size() > 1) {
    throw PgError(sqlstate::kSyntaxError, "cannot insert multiple commands into a prepared statement");
  }
  p->param_types.assign(param_type_oids.begin(), param_type_oids.end());
  if (p->tree->size() == 1) {
    QueryResult shape = RunStatement(*p->tree, 0, {}, &p->param_types, nullptr, true);
    p->desc.returns_rows = shape.returns_rows;
    p->desc.columns = shape.columns;
  }
  for (auto& t : p->param_types) {
    if (t == 0 || t == oid::kUnknown) t = oid::kText;
  }
  p->desc.param_type_oids = p->param_types;
  p->prepare_time = NowPgMicros();
  prepared_[name] = p;
  return p->desc;
}

StatementDescription SessionImpl::DescribeStatement(const std::string& name) {
  UserTypeScope user_types = TypeScope();
  auto it = prepared_.find(name);
  if (it == prepared_.end()) throw PgError("26000", "prepared statement \"" + name + "\" does not exist");
  return it->second->desc;
}

void SessionImpl::Bind(const std::string& portal, const std::string& statement,
                       std::span<const std::optional<std::string>> params, std::span<const int16_t> param_formats,
                       std::span<const int16_t> result_formats) {
  UserTypeScope user_types = TypeScope();
  auto it = prepared_.find(statement);
  if (it == prepared_.end()) throw PgError("26000", "prepared statement \"" + statement + "\" does not exist");
  const auto& stmt = it->second;
  if (params.size() != stmt->param_types.size()) {
    throw PgError(sqlstate::kProtocolViolation,
                  "bind message supplies " + std::to_string(params.size()) + " parameters, but prepared statement \"" +
                      statement + "\" requires " + std::to_string(stmt->param_types.size()));
  }
  // As PostgreSQL's exec_bind_message: a failed transaction still binds
  // COMMIT/ROLLBACK (drivers such as pgjdbc send them as prepared statements).
  if (failed_) ThrowIfFailedUnlessExit(stmt->tree && stmt->tree->size() == 1 ? stmt->tree->stmt(0) : nullptr);
  if (!portal.empty() && portals_.contains(portal)) {
    throw PgError("42P03", "cursor \"" + portal + "\" already exists");
  }
  Portal p;
  p.stmt = stmt;
  PrepareEval(nullptr);
  for (size_t i = 0; i < params.size(); i++) {
    const uint32_t type = stmt->param_types[i];
    if (!params[i]) {
      p.params.push_back(Value::Null(type));
      continue;
    }
    const int16_t fmt = i < param_formats.size() ? param_formats[i] : 0;
    if (fmt == 1) {
      p.params.push_back(FromBinary(*params[i], type, -1));
    } else {
      p.params.push_back(FromText(*params[i], type, -1, eval_.vc));
    }
  }
  const size_t ncols = stmt->desc.columns.size();
  if (result_formats.size() > 1 && result_formats.size() != ncols) {
    throw PgError(sqlstate::kProtocolViolation, "bind message has " + std::to_string(result_formats.size()) +
                                                    " result formats but query has " + std::to_string(ncols) + " columns");
  }
  for (size_t c = 0; c < ncols; c++) {
    p.formats.push_back(result_formats.empty() ? 0 : result_formats.size() == 1 ? result_formats[0] : result_formats[c]);
  }
  portals_[portal] = std::move(p);
}

std::vector<ResultColumn> SessionImpl::DescribePortal(const std::string& portal) {
  UserTypeScope user_types = TypeScope();
  auto it = portals_.find(portal);
  // A cursor opened by DECLARE is a portal too (psycopg 3 describes its
  // named cursors this way).
  if (it == portals_.end() && cursors_.Contains(portal)) return cursors_.Describe(portal).columns;
  if (it == portals_.end()) throw PgError(sqlstate::kInvalidCursorName, "portal \"" + portal + "\" does not exist");
  std::vector<ResultColumn> cols = it->second.stmt->desc.columns;
  for (size_t c = 0; c < cols.size(); c++) cols[c].format = it->second.formats[c];
  if (!it->second.stmt->desc.returns_rows) cols.clear();
  return cols;
}

ExecResult SessionImpl::Execute(const std::string& portal, int64_t max_rows, RowSink& sink) {
  UserTypeScope user_types = TypeScope();
  auto it = portals_.find(portal);
  if (it == portals_.end() && cursors_.Contains(portal)) {
    // Execute on a DECLAREd cursor's portal: its next rows, in text.
    bool more = false;
    QueryResult r = cursors_.Take(portal, max_rows, &more);
    SendRows(r, std::vector<int16_t>(r.columns.size(), 0), 0, r.rows.size(), sink);
    ExecResult er;
    er.suspended = more || (max_rows > 0 && r.rows.size() == static_cast<size_t>(max_rows));
    if (!er.suspended) er.command_tag = "SELECT " + std::to_string(r.rows.size());
    return er;
  }
  if (it == portals_.end()) throw PgError(sqlstate::kInvalidCursorName, "portal \"" + portal + "\" does not exist");
  Portal& p = it->second;
  ExecResult er;
  if (p.stmt->tree == nullptr || p.stmt->tree->size() == 0) {
    er.empty_query = true;
    return er;
  }
  if (!p.executed) {
    if (activity_) activity_->StatementStart(p.stmt->sql, NowPgMicros(), txn_start_);
    try {
      std::vector<uint32_t> types = p.stmt->param_types;
      p.result = RunStatement(*p.stmt->tree, 0, p.params, &types, &sink, false);
      p.executed = true;
    } catch (...) {
      OnError();
      throw;
    }
  }
  const size_t total = p.result.rows.size();
  size_t end = total;
  if (max_rows > 0 && p.next_row + static_cast<size_t>(max_rows) < total) end = p.next_row + static_cast<size_t>(max_rows);
  if (p.result.returns_rows) SendRows(p.result, p.formats, p.next_row, end, sink);
  const size_t sent = end - p.next_row;
  p.next_row = end;
  // Like PostgreSQL, a portal that filled max_rows is suspended even when it
  // happens to be exhausted; the next Execute reports completion.
  if (p.result.returns_rows && max_rows > 0 && sent == static_cast<size_t>(max_rows)) {
    er.suspended = true;
    return er;
  }
  // SELECT reports the rows of this Execute; DML its own count.
  er.command_tag = p.result.tag.empty() || p.result.tag.starts_with("SELECT") ? "SELECT " + std::to_string(sent)
                                                                              : p.result.tag;
  return er;
}

void SessionImpl::CopyInData(std::string_view data) {
  UserTypeScope user_types = TypeScope();
  if (!copy_in_) return;
  try {
    copy_in_->Data(data);
  } catch (...) {
    copy_in_.reset();
    OnError();
    throw;
  }
}

ExecResult SessionImpl::CopyInDone() {
  UserTypeScope user_types = TypeScope();
  ExecResult er;
  if (!copy_in_) return er;
  try {
    const int64_t n = copy_in_->Finish();
    copy_in_.reset();
    if (!in_block_) CommitTransaction();
    er.command_tag = "COPY " + std::to_string(n);
  } catch (...) {
    copy_in_.reset();
    OnError();
    throw;
  }
  return er;
}

void SessionImpl::CopyInFail(std::string_view message) {
  copy_in_.reset();
  OnError();
  throw PgError(sqlstate::kQueryCanceled, "COPY from stdin failed: " + std::string(message));
}

void SessionImpl::CloseStatement(const std::string& name) { prepared_.erase(name); }

std::vector<PreparedStatementInfo> SessionImpl::PreparedStatements() const {
  std::vector<PreparedStatementInfo> out;
  for (const auto& [name, p] : prepared_) {
    if (name.empty()) continue;
    out.push_back({name, p->sql, p->prepare_time, p->param_types, p->from_sql});
  }
  return out;
}
void SessionImpl::ClosePortal(const std::string& name) { portals_.erase(name); }

void SessionImpl::Sync() {
  UserTypeScope user_types = TypeScope();
  IdleOnExit idle{this};
  portals_.erase("");
  if (!in_block_) {
    portals_.clear();
    if (txn_) {
      try {
        CommitTransaction();
      } catch (...) {
        RollbackTransaction();
        throw;
      }
    }
  }
}

}  // namespace immu::sql
