// Time travel through the session API: parameters in periods through the
// extended protocol (Parse/Bind/Execute), result shapes, error positions.

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/engine.h"
#include "sql/parser.h"

namespace immu::sql {
namespace {

class Rows : public RowSink {
 public:
  void Columns(std::span<const ResultColumn> cols) override { columns.assign(cols.begin(), cols.end()); }
  void Row(std::span<const std::optional<std::string_view>> cells) override {
    std::string line;
    for (size_t i = 0; i < cells.size(); i++) line += (i ? "|" : "") + (cells[i] ? std::string(*cells[i]) : "NULL");
    lines += (lines.empty() ? "" : " / ") + line;
  }
  void Notice(std::string_view, std::string_view, std::string_view) override {}
  void CopyData(std::string_view) override {}
  std::vector<ResultColumn> columns;
  std::string lines;
};

struct TravelFixture {
  TravelFixture() {
    dir = std::filesystem::temp_directory_path() / ("immu_history_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    EngineOptions o;
    o.dir = dir.string();
    o.synced = false;
    engine = OpenEngine(o);
    SessionOptions so;
    so.user = "immudb";
    so.database = "defaultdb";
    session = engine->NewSession(so);
    Q("CREATE TABLE t (id int PRIMARY KEY, v text)");
    Q("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
    tx_a = Q("SELECT max(_tx_id) FROM (HISTORY OF t)");
    Q("UPDATE t SET v = 'b2' WHERE id = 2");
    tx_b = Q("SELECT max(_tx_id) FROM (HISTORY OF t)");
    Q("DELETE FROM t WHERE id = 1");
    tx_c = Q("SELECT max(_tx_id) FROM (HISTORY OF t)");
  }
  ~TravelFixture() {
    session.reset();
    engine.reset();
    std::filesystem::remove_all(dir);
  }
  std::string Q(const std::string& sql) {
    Rows r;
    std::vector<ExecResult> results;
    session->SimpleQuery(sql, r, &results);
    return r.lines;
  }
  // Parse + Bind (text parameters) + Execute of the unnamed statement.
  std::string X(const std::string& sql, const std::vector<std::optional<std::string>>& params,
                std::vector<uint32_t>* param_types = nullptr) {
    StatementDescription d = session->Parse("", sql, {});
    if (param_types != nullptr) *param_types = d.param_type_oids;
    session->Bind("", "", params, {}, {});
    Rows r;
    session->Execute("", 0, r);
    session->Sync();
    return r.lines;
  }
  // "SQLSTATE@position" of the error sql raises.
  std::string Err(const std::string& sql) {
    try {
      Q(sql);
    } catch (const PgError& e) {
      return std::string(e.sqlstate()) + "@" + std::to_string(e.position());
    }
    return "none";
  }
  std::filesystem::path dir;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<Session> session;
  std::string tx_a, tx_b, tx_c;
};

TEST_CASE("time travel: parameters in periods through the extended protocol") {
  TravelFixture f;
  std::vector<uint32_t> types;
  CHECK(f.X("SELECT id, v FROM t SINCE TX $1 UNTIL TX $2 ORDER BY id", {f.tx_a, f.tx_b}, &types) == "1|a / 2|b2");
  CHECK(types == std::vector<uint32_t>{20, 20});
  CHECK(f.X("SELECT id, v FROM t BEFORE TX $1 ORDER BY id", {f.tx_b}) == "1|a / 2|b");
  CHECK(f.X("SELECT count(*) FROM t UNTIL $1", {"2000-01-01 00:00:00+00"}, &types) == "0");
  CHECK(types == std::vector<uint32_t>{1184});
  CHECK(f.X("SELECT count(*) FROM t FOR SYSTEM_TIME AS OF $1", {"2999-01-01"}) == "1");
  CHECK(f.X("SELECT _rev, v FROM (HISTORY OF t) AFTER TX $1 WHERE id = $2", {f.tx_a, "2"}, &types) == "2|b2");
  CHECK(types == std::vector<uint32_t>{20, 23});
  CHECK(f.X("SELECT _diff_action, id FROM (DIFF OF t) AFTER TX $1 UNTIL TX $2 ORDER BY id", {f.tx_a, f.tx_c}) ==
        "DELETE|1 / UPDATE|2");
  // USE SNAPSHOT takes parameters too, and holds for later statements.
  CHECK(f.X("USE SNAPSHOT UNTIL TX $1", {f.tx_a}, &types).empty());
  CHECK(types == std::vector<uint32_t>{20});
  CHECK(f.Q("SELECT id, v FROM t ORDER BY id") == "1|a / 2|b");
  f.Q("USE SNAPSHOT NONE");
  CHECK(f.Q("SELECT id, v FROM t ORDER BY id") == "2|b2");
  f.Q("USE SNAPSHOT UNTIL TX " + f.tx_a);
  f.Q("DISCARD ALL");
  CHECK(f.Q("SELECT id, v FROM t ORDER BY id") == "2|b2");
  // A NULL parameter is an error, as is a missing one.
  CHECK_THROWS_AS(f.X("SELECT * FROM t UNTIL TX $1", {std::nullopt}), PgError);
}

TEST_CASE("time travel: result columns of HISTORY OF and DIFF OF") {
  TravelFixture f;
  StatementDescription d = f.session->Parse("h", "SELECT * FROM (HISTORY OF t) h", {});
  REQUIRE(d.columns.size() == 6);
  const char* names[] = {"_rev", "_tx_id", "_ts", "_deleted", "id", "v"};
  const uint32_t types[] = {20, 20, 1184, 16, 23, 25};
  for (size_t i = 0; i < 6; i++) {
    CHECK(d.columns[i].name == names[i]);
    CHECK(d.columns[i].type_oid == types[i]);
  }
  d = f.session->Parse("d", "SELECT * FROM (DIFF OF t) SINCE TX 1", {});
  REQUIRE(d.columns.size() == 3);
  CHECK(d.columns[0].name == "_diff_action");
  CHECK(d.columns[0].type_oid == 25);
}

TEST_CASE("time travel: errors point into the original text") {
  TravelFixture f;
  CHECK(f.Err("SELECT * FROM t SINCE TX 0") == "22023@26");
  CHECK(f.Err("SELECT * FROM t\n  UNTIL TX NULL") == "22004@28");
  CHECK(f.Err("SELECT * FROM t SINCE TX 1 x") == "42601@26");
  CHECK(f.Err("SELECT * FROM t SINCE TX") == "42601@25");
  CHECK(f.Err("SELECT * FROM t SINCE TX 1 + ) WHERE true") == "42601@30");
  // Errors of libpg_query and of the binder after a period keep their places.
  CHECK(f.Err("SELECT * FROM t SINCE TX 1 WHERE id = = 1") == "42601@39");
  CHECK(f.Err("SELECT nope FROM (HISTORY OF t) SINCE TX 1") == "42703@8");
  CHECK(f.Err("SELECT * FROM t SINCE TX 1 WHERE nope = 1") == "42703@34");
  CHECK(f.Err("SELECT * FROM t SINCE TX 'x'") == "22P02@26");
  CHECK(f.Err("USE SNAPSHOT SINCE") == "42601@14");
}

TEST_CASE("time travel: every prefix of a statement parses or fails with a position") {
  const std::string text =
      "SELECT h._rev FROM (HISTORY OF t SINCE TX (SELECT min(_tx_id) FROM (HISTORY OF t) UNTIL TX $1)) h "
      "JOIN t AS x FOR SYSTEM_TIME AS OF TIMESTAMP '2024-01-01' ON x.id = h.id; USE SNAPSHOT AFTER TX 1 BEFORE $2";
  for (size_t n = 0; n <= text.size(); n++) {
    CAPTURE(text.substr(0, n));
    try {
      ParseTree::Parse(text.substr(0, n));
    } catch (const PgError& e) {
      CHECK(e.sqlstate() == std::string("42601"));
      CHECK(e.position() >= 1);
    }
  }
}

}  // namespace
}  // namespace immu::sql
