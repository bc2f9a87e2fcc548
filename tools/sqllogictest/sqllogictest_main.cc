// sqllogictest: runs SQL logic test files (DuckDB/sqllogictest style) against
// the embedded engine, or against any PostgreSQL-protocol server through
// libpq (to check the expectations on a real PostgreSQL 15).
//
//   sqllogictest [--pg CONNINFO] FILE...
//
// File format, records separated by blank lines:
//   statement ok                 the statement must succeed
//   statement error [SQLSTATE]   it must fail (with that SQLSTATE when given)
//   query <types> [rowsort]      a query; after "----", one line per row,
//                                values separated by tabs, NULL as NULL,
//                                the empty string as (empty)
//   restart                      reopen the engine (embedded mode only)
//   skipif ENGINE / onlyif ENGINE  before a record: skip it on (or run it only
//                                on) that engine, for intended differences
//                                from PostgreSQL (ENGINE: immudb, postgresql)
//   require ENGINE               skip the whole file unless running on ENGINE
//   # comment
// The engine is immudb in embedded mode and postgresql with --pg, unless
// --engine names it (the server suite runs --pg against immudb).
// Exit status 0 when every record passed.

#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/engine.h"

namespace {

struct Outcome {
  bool ok = true;
  std::string sqlstate;
  std::string message;
  std::vector<std::string> rows;  // tab-joined
};

std::string Cell(const std::optional<std::string_view>& v) {
  if (!v) return "NULL";
  if (v->empty()) return "(empty)";
  return std::string(*v);
}

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Outcome Run(const std::string& sql) = 0;
  virtual bool Restart() = 0;
};

class EmbeddedBackend : public Backend {
 public:
  EmbeddedBackend() {
    dir_ = std::filesystem::temp_directory_path() / ("sqllogictest_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    Open();
  }
  ~EmbeddedBackend() override {
    session_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  Outcome Run(const std::string& sql) override {
    class Sink : public immu::sql::RowSink {
     public:
      void Columns(std::span<const immu::sql::ResultColumn>) override {}
      void Row(std::span<const std::optional<std::string_view>> cells) override {
        std::string line;
        for (size_t i = 0; i < cells.size(); i++) line += (i ? "\t" : "") + Cell(cells[i]);
        rows.push_back(line);
      }
      void Notice(std::string_view, std::string_view, std::string_view) override {}
      std::vector<std::string> rows;
    } sink;
    Outcome o;
    std::vector<immu::sql::ExecResult> results;
    try {
      session_->SimpleQuery(sql, sink, &results);
    } catch (const immu::PgError& e) {
      o.ok = false;
      o.sqlstate = e.sqlstate();
      o.message = e.message();
    } catch (const std::exception& e) {
      o.ok = false;
      o.sqlstate = "XX000";
      o.message = e.what();
    }
    o.rows = std::move(sink.rows);
    return o;
  }
  bool Restart() override {
    Open();
    return true;
  }

 private:
  void Open() {
    session_.reset();
    engine_.reset();
    immu::sql::EngineOptions eo;
    eo.dir = dir_.string();
    eo.synced = false;
    engine_ = immu::sql::OpenEngine(eo);
    immu::sql::SessionOptions so;
    so.user = "immudb";
    so.database = "defaultdb";
    session_ = engine_->NewSession(so);
  }
  std::filesystem::path dir_;
  std::unique_ptr<immu::sql::Engine> engine_;
  std::unique_ptr<immu::sql::Session> session_;
};

class PqBackend : public Backend {
 public:
  explicit PqBackend(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      fprintf(stderr, "sqllogictest: cannot connect: %s", PQerrorMessage(conn_));
      exit(2);
    }
    PQexec(conn_, "SET client_min_messages = warning");
  }
  ~PqBackend() override { PQfinish(conn_); }
  Outcome Run(const std::string& sql) override {
    Outcome o;
    PQsendQuery(conn_, sql.c_str());
    while (PGresult* r = PQgetResult(conn_)) {
      const auto st = PQresultStatus(r);
      if (st == PGRES_FATAL_ERROR) {
        o.ok = false;
        const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        o.sqlstate = s ? s : "";
        o.message = PQresultErrorMessage(r);
      } else if (st == PGRES_TUPLES_OK) {
        for (int i = 0; i < PQntuples(r); i++) {
          std::string line;
          for (int c = 0; c < PQnfields(r); c++) {
            std::optional<std::string_view> v;
            if (!PQgetisnull(r, i, c)) v = std::string_view(PQgetvalue(r, i, c), static_cast<size_t>(PQgetlength(r, i, c)));
            line += (c ? "\t" : "") + Cell(v);
          }
          o.rows.push_back(line);
        }
      }
      PQclear(r);
    }
    return o;
  }
  bool Restart() override { return false; }

 private:
  PGconn* conn_;
};

int RunFile(const std::string& path, Backend& backend, const std::string& engine, int* passed, int* failed,
            int* skipped) {
  std::ifstream in(path);
  if (!in) {
    fprintf(stderr, "sqllogictest: cannot read %s\n", path.c_str());
    return 2;
  }
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  size_t i = 0;
  auto fail = [&](size_t line, const std::string& why) {
    fprintf(stderr, "%s:%zu: %s\n", path.c_str(), line + 1, why.c_str());
    (*failed)++;
  };
  bool skip_next = false;
  while (i < lines.size()) {
    const std::string head = lines[i];
    if (head.empty() || head[0] == '#') {
      i++;
      continue;
    }
    const size_t head_line = i++;
    std::istringstream hs(head);
    std::string kind;
    hs >> kind;
    if (kind == "skipif" || kind == "onlyif" || kind == "require") {
      std::string name;
      hs >> name;
      const bool match = name == engine;
      if (kind == "require" && !match) return 0;
      if ((kind == "skipif" && match) || (kind == "onlyif" && !match)) skip_next = true;
      continue;
    }
    if (skip_next) {
      skip_next = false;
      for (; i < lines.size() && !lines[i].empty(); i++) {
      }
      (*skipped)++;
      continue;
    }
    if (kind == "restart") {
      if (backend.Restart()) (*passed)++;
      continue;
    }
    std::string sql, sep;
    std::vector<std::string> expected;
    bool in_expected = false;
    for (; i < lines.size() && !lines[i].empty(); i++) {
      if (lines[i] == "----") {
        in_expected = true;
        continue;
      }
      if (in_expected) {
        expected.push_back(lines[i]);
      } else {
        sql += (sql.empty() ? "" : "\n") + lines[i];
      }
    }
    const Outcome o = backend.Run(sql);
    if (kind == "statement") {
      std::string mode, state;
      hs >> mode >> state;
      if (mode == "ok" && !o.ok) {
        fail(head_line, "expected success, got " + o.sqlstate + ": " + o.message + "\n  " + sql);
      } else if (mode == "error" && o.ok) {
        fail(head_line, "expected an error, statement succeeded\n  " + sql);
      } else if (mode == "error" && !state.empty() && state != o.sqlstate) {
        fail(head_line, "expected SQLSTATE " + state + ", got " + o.sqlstate + ": " + o.message + "\n  " + sql);
      } else {
        (*passed)++;
      }
      continue;
    }
    if (kind == "query") {
      std::string types, opt;
      hs >> types >> opt;
      if (!o.ok) {
        fail(head_line, "query failed: " + o.sqlstate + ": " + o.message + "\n  " + sql);
        continue;
      }
      std::vector<std::string> got = o.rows;
      if (opt == "rowsort") {
        std::sort(got.begin(), got.end());
        std::sort(expected.begin(), expected.end());
      }
      if (got != expected) {
        std::string msg = "wrong result\n  " + sql + "\n  expected:\n";
        for (const auto& e : expected) msg += "    " + e + "\n";
        msg += "  got:\n";
        for (const auto& g : got) msg += "    " + g + "\n";
        fail(head_line, msg);
      } else {
        (*passed)++;
      }
      continue;
    }
    fail(head_line, "unknown record kind: " + kind);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string pg, engine;
  std::vector<std::string> files;
  for (int a = 1; a < argc; a++) {
    const std::string arg = argv[a];
    if (arg == "--pg" && a + 1 < argc) {
      pg = argv[++a];
    } else if (arg == "--engine" && a + 1 < argc) {
      engine = argv[++a];
    } else if (arg == "--help") {
      printf("usage: sqllogictest [--pg CONNINFO] [--engine immudb|postgresql] FILE...\n");
      return 0;
    } else {
      files.push_back(arg);
    }
  }
  if (engine.empty()) engine = pg.empty() ? "immudb" : "postgresql";
  int passed = 0, failed = 0, skipped = 0;
  for (const auto& f : files) {
    // A fresh database per file.
    std::unique_ptr<Backend> backend;
    if (pg.empty()) {
      backend = std::make_unique<EmbeddedBackend>();
    } else {
      backend = std::make_unique<PqBackend>(pg);
    }
    if (RunFile(f, *backend, engine, &passed, &failed, &skipped) != 0) return 2;
  }
  printf("sqllogictest: %d passed, %d failed, %d skipped on %s\n", passed, failed, skipped, engine.c_str());
  return failed == 0 ? 0 : 1;
}
