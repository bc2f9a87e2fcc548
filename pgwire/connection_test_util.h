#pragma once
// Test doubles for the connection tests (header only: not part of the
// library): a scriptable fake Session/Engine and a client that talks to a
// Connection through the pgwire codec, including the client half of SCRAM.
//
// FakeSession understands a tiny statement language, one statement per
// ';'-separated piece:
//   ""            empty query
//   SELECT <n>    one int4 column "?column?" with value n
//   ROWS <n>      n rows of one text column "i" (0 .. n-1)
//   BEGIN, COMMIT, ROLLBACK   transaction status I/T/E as PostgreSQL
//   FAIL          PgError 42601 with detail, hint and position
//   CRASH         std::runtime_error (not a PgError)
//   NOTICE        a NoticeResponse, tag "DO"
//   SET <k> <v>   a reported parameter change, tag "SET"
//   INSERT        tag "INSERT 0 1", no rows
//   SLEEP         waits for Cancel(), then fails with 57014
// Parameters of a prepared statement: one per '$' in its text.
//
// Thread-safety: single-threaded test code, except FakeSession::Cancel
// (an atomic flag) as in the real interface.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "catalog/pg_error.h"
#include "pgwire/backend_parse.h"
#include "pgwire/base64.h"
#include "pgwire/connection.h"
#include "pgwire/frontend.h"
#include "pgwire/password.h"
#include "pgwire/scram.h"
#include "pgwire/startup.h"
#include "pgwire/test_util.h"
#include "sql/session.h"

namespace immu::pgwire::testing {

inline std::vector<std::string> SplitStatements(std::string_view sql) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t semi = sql.find(';', start);
    std::string piece(sql.substr(start, semi == std::string_view::npos ? sql.npos : semi - start));
    size_t b = piece.find_first_not_of(" \n\t");
    size_t e = piece.find_last_not_of(" \n\t");
    piece = b == std::string::npos ? "" : piece.substr(b, e - b + 1);
    if (!piece.empty() || out.empty()) out.push_back(piece);
    if (semi == std::string_view::npos) break;
    start = semi + 1;
  }
  return out;
}

class FakeSession : public sql::Session {
 public:
  explicit FakeSession(sql::SessionOptions options) : options_(std::move(options)) {}

  void SimpleQuery(std::string_view sql, sql::RowSink& sink,
                   std::vector<sql::ExecResult>* results) override {
    for (const std::string& stmt : SplitStatements(sql)) {
      sql::ExecResult r;
      if (stmt.empty()) {
        r.empty_query = true;
        results->push_back(r);
        continue;
      }
      CheckNotFailed(stmt);
      std::vector<sql::ResultColumn> cols = ColumnsOf(stmt);
      if (!cols.empty()) sink.Columns(cols);
      Portal p{stmt, 0};
      r = Run(&p, 0, sink);
      results->push_back(r);
    }
  }

  sql::StatementDescription Parse(const std::string& name, std::string_view sql,
                                  std::span<const uint32_t> param_type_oids) override {
    std::string text(sql);
    if (text == "FAIL") Fail();
    CheckNotFailed(text);
    if (!name.empty() && statements_.count(name) != 0) {
      throw PgError("42P05", "prepared statement \"" + name + "\" already exists");
    }
    Statement s;
    s.text = text;
    size_t params = static_cast<size_t>(std::count(text.begin(), text.end(), '$'));
    for (size_t i = 0; i < params; i++) {
      s.param_types.push_back(i < param_type_oids.size() && param_type_oids[i] != 0
                                  ? param_type_oids[i]
                                  : 25);
    }
    statements_[name] = s;
    return Describe(s);
  }

  sql::StatementDescription DescribeStatement(const std::string& name) override {
    return Describe(FindStatement(name));
  }

  void Bind(const std::string& portal, const std::string& statement,
            std::span<const std::optional<std::string>> params,
            std::span<const int16_t> param_formats,
            std::span<const int16_t> result_formats) override {
    const Statement& s = FindStatement(statement);
    CheckNotFailed(s.text);
    if (params.size() != s.param_types.size()) {
      throw PgError(sqlstate::kProtocolViolation,
                    "bind message supplies " + std::to_string(params.size()) +
                        " parameters, but prepared statement \"" + statement + "\" requires " +
                        std::to_string(s.param_types.size()));
    }
    last_params.assign(params.begin(), params.end());
    last_param_formats.assign(param_formats.begin(), param_formats.end());
    last_result_formats.assign(result_formats.begin(), result_formats.end());
    if (!portal.empty() && portals_.count(portal) != 0) {
      throw PgError("42P03", "cursor \"" + portal + "\" already exists");
    }
    portals_[portal] = Portal{s.text, 0, result_formats.empty() ? int16_t{0} : result_formats[0]};
  }

  std::vector<sql::ResultColumn> DescribePortal(const std::string& portal) override {
    Portal& p = FindPortal(portal);
    std::vector<sql::ResultColumn> cols = ColumnsOf(p.text);
    for (auto& c : cols) c.format = p.format;
    return cols;
  }

  sql::ExecResult Execute(const std::string& portal, int64_t max_rows,
                          sql::RowSink& sink) override {
    last_max_rows = max_rows;
    Portal& p = FindPortal(portal);
    CheckNotFailed(p.text);
    return Run(&p, max_rows, sink);
  }

  void CloseStatement(const std::string& name) override { statements_.erase(name); }
  void ClosePortal(const std::string& name) override { portals_.erase(name); }

  void Sync() override {
    syncs++;
    portals_.erase("");
  }

  char TransactionStatus() const override { return status_; }

  std::vector<std::pair<std::string, std::string>> TakeParameterChanges() override {
    auto out = std::move(changes_);
    changes_.clear();
    return out;
  }

  std::vector<std::pair<std::string, std::string>> ReportedParameters() const override {
    std::vector<std::pair<std::string, std::string>> out(params_.begin(), params_.end());
    return out;
  }

  void Cancel() override { cancelled = true; }

  sql::SessionOptions options_;
  std::atomic<bool> cancelled{false};
  int syncs = 0;
  int64_t last_max_rows = -1;
  std::vector<std::optional<std::string>> last_params;
  std::vector<int16_t> last_param_formats;
  std::vector<int16_t> last_result_formats;

 private:
  struct Statement {
    std::string text;
    std::vector<uint32_t> param_types;
  };
  struct Portal {
    std::string text;
    int64_t next_row = 0;
    int16_t format = 0;
  };

  [[noreturn]] void Fail() {
    if (status_ == 'T') status_ = 'E';
    PgError e(sqlstate::kSyntaxError, "syntax error at or near \"FAIL\"", "some detail",
              "some hint", 1);
    e.table_name = "t";
    throw e;
  }

  void CheckNotFailed(const std::string& stmt) {
    if (status_ == 'E' && stmt != "ROLLBACK" && stmt != "COMMIT") {
      throw PgError(sqlstate::kInFailedSqlTransaction,
                    "current transaction is aborted, commands ignored until end of transaction "
                    "block");
    }
  }

  static std::vector<sql::ResultColumn> ColumnsOf(const std::string& stmt) {
    sql::ResultColumn c;
    if (stmt.rfind("SELECT", 0) == 0) {
      c.name = "?column?";
      c.type_oid = 23;
      c.type_len = 4;
      return {c};
    }
    if (stmt.rfind("ROWS", 0) == 0) {
      c.name = "i";
      c.type_oid = 25;
      return {c};
    }
    return {};
  }

  sql::StatementDescription Describe(const Statement& s) {
    sql::StatementDescription d;
    d.param_type_oids = s.param_types;
    d.columns = ColumnsOf(s.text);
    d.returns_rows = !d.columns.empty();
    return d;
  }

  Statement& FindStatement(const std::string& name) {
    auto it = statements_.find(name);
    if (it == statements_.end()) {
      throw PgError("26000", "prepared statement \"" + name + "\" does not exist");
    }
    return it->second;
  }

  Portal& FindPortal(const std::string& name) {
    auto it = portals_.find(name);
    if (it == portals_.end()) {
      throw PgError(sqlstate::kInvalidCursorName, "portal \"" + name + "\" does not exist");
    }
    return it->second;
  }

  sql::ExecResult Run(Portal* p, int64_t max_rows, sql::RowSink& sink) {
    sql::ExecResult r;
    std::istringstream in(p->text);
    std::string word;
    in >> word;
    if (word.empty()) {
      r.empty_query = true;
    } else if (word == "SELECT") {
      std::string v;
      in >> v;
      std::optional<std::string_view> cell = std::string_view(v);
      sink.Row(std::span(&cell, 1));
      r.command_tag = "SELECT 1";
    } else if (word == "ROWS") {
      int64_t n = 0;
      in >> n;
      int64_t sent = 0;
      while (p->next_row < n) {
        if (max_rows > 0 && sent == max_rows) {
          r.suspended = true;
          return r;
        }
        std::string v = std::to_string(p->next_row++);
        std::optional<std::string_view> cell = std::string_view(v);
        sink.Row(std::span(&cell, 1));
        sent++;
      }
      r.command_tag = "SELECT " + std::to_string(n);
    } else if (word == "BEGIN") {
      status_ = 'T';
      r.command_tag = "BEGIN";
    } else if (word == "COMMIT") {
      r.command_tag = status_ == 'E' ? "ROLLBACK" : "COMMIT";
      status_ = 'I';
    } else if (word == "ROLLBACK") {
      status_ = 'I';
      r.command_tag = "ROLLBACK";
    } else if (word == "FAIL") {
      Fail();
    } else if (word == "CRASH") {
      throw std::runtime_error("boom");
    } else if (word == "NOTICE") {
      sink.Notice("NOTICE", "00000", "hello");
      r.command_tag = "DO";
    } else if (word == "SET") {
      std::string k, v;
      in >> k >> v;
      params_[k] = v;
      changes_.emplace_back(k, v);
      r.command_tag = "SET";
    } else if (word == "SLEEP") {
      // Runs until cancelled (at most 10 s), as a long query would.
      for (int i = 0; i < 10000 && !cancelled; i++) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      cancelled = false;
      throw PgError(sqlstate::kQueryCanceled, "canceling statement due to user request");
    } else if (word == "INSERT") {
      r.command_tag = "INSERT 0 1";
    } else {
      if (status_ == 'T') status_ = 'E';
      throw PgError(sqlstate::kSyntaxError, "unknown statement " + word);
    }
    return r;
  }

  char status_ = 'I';
  std::map<std::string, Statement> statements_;
  std::map<std::string, Portal> portals_;
  std::map<std::string, std::string> params_ = {
      {"server_version", "15.0"}, {"client_encoding", "UTF8"}, {"DateStyle", "ISO, MDY"}};
  std::vector<std::pair<std::string, std::string>> changes_ = {{"ignored", "at startup"}};
};

class FakeEngine : public sql::Engine {
 public:
  std::unique_ptr<sql::Session> NewSession(const sql::SessionOptions& options) override {
    if (options.database == "nodb") {
      throw PgError(sqlstate::kUndefinedDatabase, "database \"nodb\" does not exist");
    }
    auto s = std::make_unique<FakeSession>(options);
    std::lock_guard<std::mutex> l(mu_);  // Engine is thread-safe
    last_session = s.get();
    return s;
  }
  // Read only by single-threaded tests.
  FakeSession* last_session = nullptr;

 private:
  std::mutex mu_;
};

using Messages = std::vector<std::pair<char, std::string>>;

// The types of messages, as a string ("RSKZ"), for compact assertions.
inline std::string Types(const Messages& m) {
  std::string out;
  for (const auto& [t, body] : m) out.push_back(t);
  return out;
}

// A server-side world (engine, users, cancel registry) shared by clients.
struct World {
  FakeEngine engine;
  InMemoryUserStore users;
  CancelRegistry cancels;
  World() {
    users.SetPassword("immudb", "immudb");
    users.SetPassword("md5user", "secret", AuthMethod::kMd5);
    users.SetPassword("clear", "secret", AuthMethod::kPassword);
    // md5 method with a SCRAM secret: SCRAM is asked for instead.
    users.Set("md5scram",
              UserAuth{AuthMethod::kMd5, ScramVerifier::FromPassword("secret").ToString()});
    users.Set("trusty", UserAuth{AuthMethod::kTrust, {}});
  }
};

// The client side of one connection.
class TestClient {
 public:
  explicit TestClient(World* world, ConnectionOptions options = {})
      : conn(&world->engine, &world->users, &world->cancels, std::move(options)) {}

  // Feeds raw bytes; returns what the server answered (startup answers 'S'
  // / 'N' are single untyped bytes: raw() has them).
  Messages Send(std::string_view bytes) {
    conn.Receive(bytes);
    last_raw = conn.output().buffer();
    conn.output().Clear();
    return SplitTyped(last_raw);
  }

  Messages SendMessage(const FrontendMessage& m) {
    MessageWriter w;
    AppendFrontendMessage(&w, m);
    return Send(w.buffer());
  }
  // Several messages in one batch (a pipelined extended-protocol round).
  Messages SendMessages(const std::vector<FrontendMessage>& ms) {
    MessageWriter w;
    for (const auto& m : ms) AppendFrontendMessage(&w, m);
    return Send(w.buffer());
  }

  Messages Startup(std::string_view user, std::string_view database = "defaultdb",
                   std::vector<std::pair<std::string_view, std::string_view>> extra = {}) {
    std::vector<std::pair<std::string_view, std::string_view>> params = {{"user", user},
                                                                         {"database", database}};
    params.insert(params.end(), extra.begin(), extra.end());
    return Send(EncodeStartupMessage(params));
  }

  // Runs the SCRAM exchange after an AuthenticationSASL; returns the
  // server's messages after the client-final-message.
  Messages Scram(std::string_view password, bool* server_signature_ok = nullptr) {
    const std::string client_nonce = "fyko+d2lbbFgONRv9qkxdawL";
    const std::string client_first_bare = "n=,r=" + client_nonce;
    const std::string first = "n,," + client_first_bare;
    MessageWriter w;
    AppendSaslInitialResponse(&w, SaslInitialResponse{kScramSha256, std::string_view(first)});
    Messages m = Send(w.buffer());
    if (m.size() != 1 || m[0].first != 'R') return m;
    AuthenticationMessage cont = ParseAuthentication(m[0].second);
    const std::string server_first(cont.data);
    std::string nonce, salt_b64;
    int iterations = 0;
    std::istringstream in(server_first);
    std::string attr;
    while (std::getline(in, attr, ',')) {
      if (attr.rfind("r=", 0) == 0) nonce = attr.substr(2);
      if (attr.rfind("s=", 0) == 0) salt_b64 = attr.substr(2);
      if (attr.rfind("i=", 0) == 0) iterations = std::stoi(attr.substr(2));
    }
    const ScramKey salted = ScramSaltedPassword(password, *Base64Decode(salt_b64), iterations);
    const ScramKey client_key = HmacSha256(salted, "Client Key");
    const ScramKey stored_key = Sha256Key(client_key);
    const std::string without_proof = "c=biws,r=" + nonce;
    const std::string auth_message = client_first_bare + "," + server_first + "," + without_proof;
    const ScramKey signature = HmacSha256(stored_key, auth_message);
    ScramKey proof{};
    for (size_t i = 0; i < proof.size(); i++) proof[i] = client_key[i] ^ signature[i];
    MessageWriter w2;
    AppendSaslResponse(&w2, without_proof + ",p=" + Base64Encode(KeyView(proof)));
    Messages out = Send(w2.buffer());
    if (server_signature_ok != nullptr && !out.empty() && out[0].first == 'R') {
      AuthenticationMessage fin = ParseAuthentication(out[0].second);
      const ScramKey server_sig =
          HmacSha256(HmacSha256(salted, "Server Key"), auth_message);
      *server_signature_ok = fin.code == AuthCode::kSaslFinal &&
                             fin.data == "v=" + Base64Encode(KeyView(server_sig));
    }
    return out;
  }

  // Startup + SCRAM as immudb/immudb; returns the messages after auth.
  Messages Login(std::string_view database = "defaultdb") {
    Startup("immudb", database);
    return Scram("immudb");
  }

  Messages Query(std::string_view sql) { return SendMessage(QueryMessage{sql}); }

  Connection conn;
  std::string last_raw;
};

inline ErrorFields ErrorOf(const std::pair<char, std::string>& m) {
  return ParseErrorFields(m.second);
}

}  // namespace immu::pgwire::testing
