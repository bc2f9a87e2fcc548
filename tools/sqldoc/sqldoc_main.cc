// sqldoc: writes docs/SQL.md, the reference of what the engine supports,
// by asking the engine itself. PostgreSQL 15's functions and operators are
// read from a reference server's pg_proc / pg_operator; each becomes a call
// with typed NULL arguments that runs on the embedded engine (and on the
// reference, to prove the call well-formed). A call counts as supported
// when it runs or fails only on its data (SQLSTATE class 22 and the like),
// never when the engine does not know it (42883, 42704, 0A000, ...). So the
// list cannot drift from the code: scripts/gen_sql_doc.sh --check fails the
// test command when docs/SQL.md differs from a fresh run.
//
//   sqldoc --pg CONNINFO --out FILE

#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/engine.h"
#include "sql/immudb_functions.h"
#include "tools/sqldoc/probes.h"

namespace {

using immu::sqldoc::Probe;

class NullSink : public immu::sql::RowSink {
 public:
  void Columns(std::span<const immu::sql::ResultColumn>) override {}
  void Row(std::span<const std::optional<std::string_view>>) override {}
  void Notice(std::string_view, std::string_view, std::string_view) override {}
  void CopyOutBegin(const immu::sql::CopyState&) override {}
  void CopyData(std::string_view) override {}
};

// A statement that fails only on its (NULL) data still proves the engine
// knows the function or operator.
bool Acceptable(const std::string& sqlstate) {
  const std::string cls = sqlstate.substr(0, 2);
  return cls == "22" || cls == "55" || cls == "25" || cls == "57" || cls == "P0" || cls == "2B" ||
         sqlstate == "42P01" || sqlstate == "3D000" || sqlstate == "42P07" || sqlstate == "23505";
}

class Embedded {
 public:
  explicit Embedded(const std::string& dir) : dir_(dir) {
    std::filesystem::remove_all(dir_);
    immu::sql::EngineOptions eo;
    eo.dir = dir_;
    eo.synced = false;
    engine_ = immu::sql::OpenEngine(eo);
    immu::sql::SessionOptions so;
    so.user = "immudb";
    so.database = "defaultdb";
    session_ = engine_->NewSession(so);
    Run("SET statement_timeout = '2s'");
  }
  ~Embedded() {
    session_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  // "" on success, else the SQLSTATE.
  std::string Run(const std::string& sql) {
    NullSink sink;
    std::vector<immu::sql::ExecResult> results;
    try {
      session_->SimpleQuery(sql, sink, &results);
      if (session_->TransactionStatus() != 'I') session_->SimpleQuery("ROLLBACK", sink, &results);
      return "";
    } catch (const immu::PgError& e) {
      std::vector<immu::sql::ExecResult> more;
      if (session_->TransactionStatus() != 'I') session_->SimpleQuery("ROLLBACK", sink, &more);
      return e.sqlstate();
    }
  }

 private:
  std::string dir_;
  std::unique_ptr<immu::sql::Engine> engine_;
  std::unique_ptr<immu::sql::Session> session_;
};

class Reference {
 public:
  explicit Reference(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      fprintf(stderr, "sqldoc: cannot connect: %s", PQerrorMessage(conn_));
      exit(2);
    }
    Run("SET statement_timeout = '2s'");
    Run("SET client_min_messages = error");
  }
  ~Reference() { PQfinish(conn_); }
  std::string Run(const std::string& sql) {
    std::string state;
    PQsendQuery(conn_, sql.c_str());
    while (PGresult* r = PQgetResult(conn_)) {
      if (PQresultStatus(r) == PGRES_FATAL_ERROR && state.empty()) {
        const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        state = s ? s : "XX000";
      }
      if (PQresultStatus(r) == PGRES_COPY_OUT) {
        char* buf = nullptr;
        while (PQgetCopyData(conn_, &buf, 0) > 0) PQfreemem(buf);
      }
      PQclear(r);
    }
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) PQclear(PQexec(conn_, "ROLLBACK"));
    return state;
  }
  std::vector<std::vector<std::string>> Rows(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      fprintf(stderr, "sqldoc: %s", PQerrorMessage(conn_));
      exit(2);
    }
    std::vector<std::vector<std::string>> out;
    for (int i = 0; i < PQntuples(r); i++) {
      std::vector<std::string> row;
      for (int j = 0; j < PQnfields(r); j++) row.emplace_back(PQgetvalue(r, i, j));
      out.push_back(std::move(row));
    }
    PQclear(r);
    return out;
  }

 private:
  PGconn* conn_;
};

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t i = 0;
  while (true) {
    const size_t j = s.find('|', i);
    out.push_back(s.substr(i, j - i));
    if (j == std::string::npos) break;
    i = j + 1;
  }
  return out;
}

std::string Cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else {
      out += c;
    }
  }
  return out;
}

constexpr const char* kProcQuery = R"(
SELECT p.proname, p.prokind, p.proretset::text,
       coalesce((SELECT string_agg(format_type(t, NULL), '|' ORDER BY n)
                 FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY u(t, n)), ''),
       CASE WHEN p.provariadic = 0 THEN '' ELSE format_type(p.provariadic, NULL) END,
       format_type(p.prorettype, NULL), coalesce(a.aggkind::text, ''), coalesce(a.aggnumdirectargs, 0)::text
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
WHERE n.nspname = 'pg_catalog'
  AND p.oid NOT IN (SELECT oprcode FROM pg_operator)
  AND p.oid NOT IN (SELECT castfunc FROM pg_cast)
  AND p.proname !~ '^(pg_promote|pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile.*|pg_switch_wal|pg_stat_reset.*|pg_replication_origin.*|pg_create_.*slot|pg_drop_replication_slot|lo_.*|pg_read_.*|pg_ls_.*|pg_file.*|binary_upgrade_.*|pg_log_backend_memory_contexts)$'
ORDER BY 1, 4)";

constexpr const char* kOperatorQuery = R"(
SELECT o.oprname, CASE WHEN o.oprleft = 0 THEN '' ELSE format_type(o.oprleft, NULL) END,
       format_type(o.oprright, NULL), format_type(o.oprresult, NULL)
FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
WHERE n.nspname = 'pg_catalog' AND o.oprcode <> 0
ORDER BY 1, 2, 3)";

struct Outcome {
  Probe probe;
  bool supported = false;
};

}  // namespace

int main(int argc, char** argv) {
  std::string conninfo, out_path = "docs/SQL.md";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--pg") conninfo = argv[i + 1];
    if (a == "--out") out_path = argv[i + 1];
  }
  if (conninfo.empty()) {
    fprintf(stderr, "usage: sqldoc --pg CONNINFO [--out FILE]\n");
    return 2;
  }
  Reference pg(conninfo);
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("immu_sqldoc_" + std::to_string(getpid()))).string();
  Embedded ours(dir);

  std::vector<Probe> probes;
  for (const auto& r : pg.Rows(kProcQuery)) {
    Probe p;
    if (immu::sqldoc::FunctionProbe(r[0], r[1][0], r[2] == "true", SplitComma(r[3]), r[4], r[5],
                                    r[6].empty() ? 'n' : r[6][0], std::stoi(r[7]), &p)) {
      probes.push_back(std::move(p));
    }
  }
  for (const auto& r : pg.Rows(kOperatorQuery)) {
    Probe p;
    if (immu::sqldoc::OperatorProbe(r[0], r[1], r[2], r[3], &p)) probes.push_back(std::move(p));
  }
  // Functions and operators: only calls PostgreSQL itself accepts count.
  std::vector<Outcome> outcomes;
  for (const Probe& p : probes) {
    const std::string ref = pg.Run(p.sql);
    if (!ref.empty() && !Acceptable(ref)) continue;
    const std::string got = ours.Run(p.sql);
    outcomes.push_back({p, got.empty() || Acceptable(got)});
  }
  // Statements run in order after a setup, on both.
  ours.Run(immu::sqldoc::StatementSetup());
  pg.Run(immu::sqldoc::StatementSetup());
  std::vector<Outcome> statements;
  for (const Probe& p : immu::sqldoc::StatementProbes()) {
    const std::string got = ours.Run(p.sql);
    statements.push_back({p, got.empty() || Acceptable(got)});
  }
  pg.Run("DROP TABLE IF EXISTS doc_u, doc_t, doc_x, doc_ctas, doc_unlogged, doc_part, doc_inh CASCADE");
  pg.Run("DROP SEQUENCE IF EXISTS doc_s; DROP TYPE IF EXISTS doc_mood, doc_pair; DROP DOMAIN IF EXISTS doc_pos");
  pg.Run("DROP FUNCTION IF EXISTS doc_f(int), doc_g() CASCADE; DROP MATERIALIZED VIEW IF EXISTS doc_mv");

  // group -> name -> signatures (supported), and the unsupported names.
  std::map<std::string, std::map<std::string, std::vector<std::string>>> yes;
  std::map<std::string, std::set<std::string>> no;
  std::map<std::string, std::pair<int, int>> counts;  // group -> (supported, total) signatures
  for (const Outcome& o : outcomes) {
    auto& c = counts[o.probe.group];
    c.second++;
    if (o.supported) {
      c.first++;
      yes[o.probe.group][o.probe.name].push_back(o.probe.signature);
    } else {
      no[o.probe.group].insert(o.probe.name);
    }
  }
  for (auto& [group, names] : no) {
    for (const auto& [name, sigs] : yes[group]) names.erase(name);  // partly supported names are listed above
  }

  std::ofstream out(out_path);
  out << "# SQL reference\n\n"
         "Generated by `tools/sqldoc` (`scripts/gen_sql_doc.sh`); do not edit. Every PostgreSQL 15\n"
         "function and operator of `pg_catalog` (read from a reference server) is called on the\n"
         "embedded engine with typed NULL arguments; it is listed as supported when the engine runs it\n"
         "(or rejects only the NULL data), so this list cannot drift from the code. The test command\n"
         "fails when a fresh run differs from this file. Type casts, `CASE`, `COALESCE`, `NULLIF`,\n"
         "`GREATEST`, `LEAST`, `IN`, `BETWEEN`, `LIKE`/`ILIKE`/`SIMILAR TO`, `IS [NOT] DISTINCT FROM`\n"
         "and subquery expressions are grammar, not functions, and are covered by the SQL logic tests.\n\n";
  out << "| kind | supported signatures | PostgreSQL 15 signatures probed |\n|---|---|---|\n";
  for (const auto& [group, c] : counts) out << "| " << group << " | " << c.first << " | " << c.second << " |\n";
  int stmt_yes = 0;
  for (const auto& s : statements) stmt_yes += s.supported;
  out << "| statement | " << stmt_yes << " | " << statements.size() << " (sample statements) |\n\n";

  out << "## Statements\n\n| statement | supported |\n|---|---|\n";
  for (const auto& s : statements) out << "| " << Cell(s.probe.name) << " | " << (s.supported ? "yes" : "no") << " |\n";

  out << "\n## immudb functions\n\nVerification, history and the key-value space (docs/VERIFICATION.md):\n\n";
  for (const auto& sig : immu::sql::ImmudbFunctionSignatures()) out << "- `" << sig << "`\n";

  const std::pair<const char*, const char*> sections[] = {{"function", "Functions"},
                                                          {"aggregate", "Aggregate functions"},
                                                          {"window", "Window functions"},
                                                          {"set-returning", "Set-returning functions"},
                                                          {"operator", "Operators"}};
  for (const auto& [group, title] : sections) {
    out << "\n## " << title << "\n\n| name | supported signatures |\n|---|---|\n";
    for (const auto& [name, sigs] : yes[group]) {
      out << "| `" << Cell(name) << "` | ";
      for (size_t i = 0; i < sigs.size(); i++) out << (i ? "<br>" : "") << "`" << Cell(sigs[i]) << "`";
      out << " |\n";
    }
    if (!no[group].empty()) {
      out << "\nNot supported yet (" << no[group].size() << "): ";
      size_t i = 0;
      for (const auto& name : no[group]) out << (i++ ? ", " : "") << "`" << Cell(name) << "`";
      out << "\n";
    }
  }
  printf("sqldoc: wrote %s (%zu probes, %d statements supported of %zu)\n", out_path.c_str(), outcomes.size(),
         stmt_yes, statements.size());
  return 0;
}
