#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <string>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/engine.h"

namespace immu::sql {
namespace {

// Collects results as text rows "a|b|NULL".
class Recorder : public RowSink {
 public:
  void Columns(std::span<const ResultColumn> cols) override {
    columns.assign(cols.begin(), cols.end());
  }
  void Row(std::span<const std::optional<std::string_view>> cells) override {
    std::string line;
    for (size_t i = 0; i < cells.size(); i++) {
      if (i) line += "|";
      line += cells[i] ? std::string(*cells[i]) : "NULL";
    }
    rows.push_back(line);
  }
  void Notice(std::string_view, std::string_view, std::string_view message) override {
    notices.emplace_back(message);
  }
  void CopyData(std::string_view data) override { copied += data; }
  std::string copied;
  std::vector<ResultColumn> columns;
  std::vector<std::string> rows;
  std::vector<std::string> notices;
};

struct Fixture {
  Fixture() {
    dir = std::filesystem::temp_directory_path() / ("immu_session_test_" + std::to_string(::getpid()) + "_" +
                                                    std::to_string(counter++));
    std::filesystem::remove_all(dir);
    Open();
  }
  ~Fixture() {
    session.reset();
    engine.reset();
    std::filesystem::remove_all(dir);
  }
  void Open() {
    session.reset();
    engine.reset();
    EngineOptions o;
    o.dir = dir.string();
    o.synced = false;
    engine = OpenEngine(o);
    session = NewSession();
  }
  // A session on the engine, as another client's would be.
  std::unique_ptr<Session> NewSession(int32_t backend_pid = 0) {
    SessionOptions so;
    so.user = "immudb";
    so.database = "defaultdb";
    so.backend_pid = backend_pid;
    return engine->NewSession(so);
  }
  std::vector<std::string> Q(const std::string& sql) {
    Recorder r;
    std::vector<ExecResult> results;
    session->SimpleQuery(sql, r, &results);
    last_tag = results.empty() ? "" : results.back().command_tag;
    last_columns = r.columns;
    return r.rows;
  }
  std::string ErrorOf(const std::string& sql) {
    try {
      Q(sql);
    } catch (const PgError& e) {
      return e.sqlstate();
    }
    return "none";
  }
  static inline int counter = 0;
  std::filesystem::path dir;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<Session> session;
  std::string last_tag;
  std::vector<ResultColumn> last_columns;
};

using Rows = std::vector<std::string>;

std::string J(const Rows& rows) {
  std::string out;
  for (const auto& r : rows) out += (out.empty() ? "" : " / ") + r;
  return out;
}

TEST_CASE("session: a literal's input errors carry its position, typmod and cast errors none (PostgreSQL)") {
  Fixture f;
  f.Q("CREATE TABLE t (v varchar(1), n numeric(3,1))");
  auto err = [&f](const std::string& sql) -> std::string {
    try {
      f.Q(sql);
    } catch (const PgError& e) {
      return std::string(e.sqlstate()) + "@" + std::to_string(e.position());
    }
    return "none";
  };
  CHECK(err("SELECT 'x'::int") == "22P02@8");
  CHECK(err("INSERT INTO t (v) VALUES ('cd')") == "22001@0");
  CHECK(err("INSERT INTO t (n) VALUES ('1234')") == "22003@0");
  CHECK(err("SELECT '1234'::numeric(3,1)") == "22003@0");
  CHECK(err("SELECT 70000::int2") == "22003@0");
  CHECK(err("SELECT '32767.6'::float4::int2") == "22003@0");
  CHECK(J(f.Q("SELECT 'abc'::varchar(2), 'c  '::char(1)")) == "ab|c");
}

TEST_CASE("session: expressions without tables") {
  Fixture f;
  CHECK(J(f.Q("SELECT 1")) == J(Rows{"1"}));
  CHECK(f.last_tag == "SELECT 1");
  CHECK(f.last_columns[0].name == "?column?");
  CHECK(J(f.Q("SELECT 1 + 2 * 3 AS x, 'a' || 'b', 10 / 4, 10.0 / 4, -7 % 3")) == J(Rows{"7|ab|2|2.5000000000000000|-1"}));
  CHECK(J(f.Q("SELECT NULL IS NULL, 1 = NULL, NOT (1 < 2), 2 BETWEEN 1 AND 3")) == J(Rows{"t|NULL|f|t"}));
  CHECK(J(f.Q("SELECT CASE WHEN 1 > 2 THEN 'a' ELSE 'b' END, COALESCE(NULL, 3), NULLIF(1, 1)")) == J(Rows{"b|3|NULL"}));
  CHECK(J(f.Q("SELECT 'abc' LIKE 'a%', 'ABC' ILIKE 'a_c', 3 IN (1, 2, 3), 4 NOT IN (1, NULL)")) == J(Rows{"t|t|t|NULL"}));
  CHECK(J(f.Q("SELECT '42'::int + 1, CAST('1.50' AS numeric(5,1)), 1.5::float8, 'x'::varchar(3)")) == J(Rows{"43|1.5|1.5|x"}));
  CHECK(J(f.Q("SELECT upper('abc'), length('héllo'), substr('hello', 2, 3), greatest(1, 5, 3)")) == J(Rows{"ABC|5|ell|5"}));
  CHECK(J(f.Q("SELECT '2024-03-05'::date + 1, '2024-03-05 10:00'::timestamp + '1 day'::interval")) == J(Rows{"2024-03-06|2024-03-06 10:00:00"}));
  CHECK(f.ErrorOf("SELECT 1/0") == "22012");
  CHECK(f.ErrorOf("SELECT 'abc'::int") == "22P02");
  CHECK(f.ErrorOf("SELECT 2147483647::int + 1") == "22003");
  CHECK(f.ErrorOf("SELEC 1") == "42601");
  CHECK(f.ErrorOf("SELECT nope") == "42703");
  CHECK(f.ErrorOf("SELECT 1 + 'a'::text") == "42883");
  CHECK(f.ErrorOf("SELECT * FROM missing") == "42P01");
}

TEST_CASE("session: tables, DML, transactions, restart") {
  Fixture f;
  f.Q("CREATE TABLE t (id serial PRIMARY KEY, name text NOT NULL, score numeric(6,2) DEFAULT 0, tag varchar(5))");
  CHECK(f.last_tag == "CREATE TABLE");
  f.Q("INSERT INTO t (name, score) VALUES ('ann', 10.5), ('bob', 7)");
  CHECK(f.last_tag == "INSERT 0 2");
  CHECK(J(f.Q("INSERT INTO t (name) VALUES ('cy') RETURNING id, score")) == J(Rows{"3|0.00"}));
  CHECK(J(f.Q("SELECT id, name, score FROM t ORDER BY id")) == J(Rows{"1|ann|10.50", "2|bob|7.00", "3|cy|0.00"}));
  CHECK(J(f.Q("SELECT name FROM t WHERE score > 5 ORDER BY score DESC")) == J(Rows{"ann", "bob"}));
  CHECK(J(f.Q("SELECT count(*), sum(score), avg(score), min(name), max(id) FROM t")) == J(Rows{"3|17.50|5.8333333333333333|ann|3"}));
  CHECK(f.ErrorOf("INSERT INTO t (id, name) VALUES (1, 'dup')") == "23505");
  CHECK(f.ErrorOf("INSERT INTO t (name) VALUES (NULL)") == "23502");
  CHECK(f.ErrorOf("INSERT INTO t (name, tag) VALUES ('x', 'toolong')") == "22001");
  f.Q("UPDATE t SET score = score + 1 WHERE name = 'bob'");
  CHECK(f.last_tag == "UPDATE 1");
  f.Q("DELETE FROM t WHERE id = 3");
  CHECK(f.last_tag == "DELETE 1");
  CHECK(J(f.Q("SELECT id, score FROM t ORDER BY 1")) == J(Rows{"1|10.50", "2|8.00"}));
  // Explicit transaction, failure, rollback.
  f.Q("BEGIN");
  CHECK(f.session->TransactionStatus() == 'T');
  f.Q("INSERT INTO t (name) VALUES ('tmp')");
  CHECK(f.ErrorOf("SELECT 1/0") == "22012");
  CHECK(f.session->TransactionStatus() == 'E');
  CHECK(f.ErrorOf("SELECT 1") == "25P02");
  f.Q("ROLLBACK");
  CHECK(f.session->TransactionStatus() == 'I');
  CHECK(J(f.Q("SELECT count(*) FROM t")) == J(Rows{"2"}));
  f.Q("BEGIN; INSERT INTO t (name) VALUES ('kept'); COMMIT");
  CHECK(J(f.Q("SELECT name FROM t WHERE id > 2")) == J(Rows{"kept"}));
  // Group by, having, joins.
  f.Q("CREATE TABLE u (tid int, v int)");
  f.Q("INSERT INTO u VALUES (1, 10), (1, 20), (2, 5), (9, 1)");
  CHECK(J(f.Q("SELECT t.name, sum(u.v) FROM t JOIN u ON u.tid = t.id GROUP BY t.name ORDER BY 1")) == J(Rows{"ann|30", "bob|5"}));
  CHECK(J(f.Q("SELECT tid, count(*) FROM u GROUP BY tid HAVING count(*) > 1")) == J(Rows{"1|2"}));
  auto lj = f.Q("SELECT t.id, u.v FROM t LEFT JOIN u ON u.tid = t.id WHERE u.v IS NULL ORDER BY 1");
  CHECK(J(lj) == J(Rows{"6|NULL"}));
  CHECK(J(f.Q("SELECT name FROM t WHERE id IN (SELECT tid FROM u WHERE v > 6) ORDER BY 1")) == J(Rows{"ann"}));
  CHECK(J(f.Q("SELECT (SELECT max(v) FROM u WHERE u.tid = t.id) FROM t ORDER BY id")) == J(Rows{"20", "5", "NULL"}));
  CHECK(f.ErrorOf("SELECT tid, v FROM u GROUP BY tid") == "42803");
  // Survives a restart: catalog, rows and sequences.
  f.Open();
  auto after = f.Q("SELECT id, name FROM t ORDER BY id");
  CHECK(J(after) == J(Rows{"1|ann", "2|bob", "6|kept"}));
  f.Q("INSERT INTO t (name) VALUES ('after')");
  // Sequences resume past the persisted high-water mark.
  CHECK(std::stoi(f.Q("SELECT id FROM t WHERE name = 'after'")[0]) > 6);
  f.Q("DROP TABLE u");
  CHECK(f.ErrorOf("SELECT * FROM u") == "42P01");
}

TEST_CASE("session: extended protocol with parameters and portals") {
  Fixture f;
  f.Q("CREATE TABLE kv (k int PRIMARY KEY, v text)");
  auto desc = f.session->Parse("ins", "INSERT INTO kv VALUES ($1, $2)", {});
  REQUIRE(desc.param_type_oids.size() == 2);
  CHECK(desc.param_type_oids[0] == 23);
  CHECK(desc.param_type_oids[1] == 25);
  Recorder r;
  for (int i = 1; i <= 5; i++) {
    std::vector<std::optional<std::string>> params = {std::to_string(i), "v" + std::to_string(i)};
    f.session->Bind("", "ins", params, {}, {});
    auto er = f.session->Execute("", 0, r);
    CHECK(er.command_tag == "INSERT 0 1");
    f.session->Sync();
  }
  desc = f.session->Parse("", "SELECT k, v FROM kv WHERE k >= $1 ORDER BY k", {});
  CHECK(desc.columns.size() == 2);
  std::vector<std::optional<std::string>> params = {"2"};
  f.session->Bind("", "", params, {}, {});
  Recorder rows;
  auto er = f.session->Execute("", 2, rows);
  CHECK(er.suspended);
  CHECK(J(rows.rows) == J(Rows{"2|v2", "3|v3"}));
  er = f.session->Execute("", 2, rows);
  CHECK(er.suspended);
  er = f.session->Execute("", 2, rows);
  CHECK_FALSE(er.suspended);
  CHECK(er.command_tag == "SELECT 0");
  CHECK(rows.rows.size() == 4);
  f.session->Sync();
}

TEST_CASE("session: a prepared EXPLAIN infers its parameters' types from the statement (ActiveRecord)") {
  Fixture f;
  f.Q("CREATE TABLE ex (id bigint PRIMARY KEY, v text)");
  auto desc = f.session->Parse("", "EXPLAIN SELECT * FROM ex WHERE id = $1 AND v = $2", {});
  REQUIRE(desc.param_type_oids.size() == 2);
  CHECK(desc.param_type_oids[0] == 20);
  CHECK(desc.param_type_oids[1] == 25);
  std::vector<std::optional<std::string>> params = {"1", "x"};
  f.session->Bind("", "", params, {}, {});
  Recorder rows;
  auto er = f.session->Execute("", 0, rows);
  CHECK(er.command_tag == "EXPLAIN");
  CHECK_FALSE(rows.rows.empty());
  f.session->Sync();
}

TEST_CASE("session: a failed transaction still binds prepared COMMIT/ROLLBACK (pgjdbc)") {
  Fixture f;
  f.session->Parse("rb", "ROLLBACK", {});
  f.session->Parse("sel", "SELECT 1", {});
  f.Q("BEGIN");
  CHECK(f.ErrorOf("SELECT 1/0") == "22012");
  CHECK(f.session->TransactionStatus() == 'E');
  try {
    f.session->Bind("", "sel", {}, {}, {});
    CHECK(false);
  } catch (const PgError& e) {
    CHECK(e.sqlstate() == "25P02");
  }
  f.session->Sync();
  f.session->Bind("", "rb", {}, {}, {});
  Recorder r;
  CHECK(f.session->Execute("", 0, r).command_tag == "ROLLBACK");
  f.session->Sync();
  CHECK(f.session->TransactionStatus() == 'I');
}

TEST_CASE("session: LIMIT and OFFSET parameters are described as bigint") {
  Fixture f;
  auto desc = f.session->Parse("", "SELECT 1 LIMIT $1 OFFSET $2", {});
  CHECK(desc.param_type_oids == std::vector<uint32_t>{20, 20});
}

TEST_CASE("session: concurrent updates of a row wait for each other; a lock cycle is 40P01") {
  Fixture f;
  f.Q("CREATE TABLE acc (id int PRIMARY KEY, bal int)");
  f.Q("INSERT INTO acc VALUES (1, 0), (2, 0)");
  auto other = f.NewSession();
  auto run = [](Session* s, const std::string& sql) {
    Recorder r;
    std::vector<ExecResult> results;
    s->SimpleQuery(sql, r, &results);
  };
  f.Q("BEGIN");
  f.Q("UPDATE acc SET bal = bal + 1 WHERE id = 1");
  std::atomic<bool> done{false};
  std::thread t([&] {
    run(other.get(), "UPDATE acc SET bal = bal + 10 WHERE id = 1");  // waits for the lock
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK_FALSE(done.load());
  f.Q("COMMIT");
  t.join();
  CHECK(done.load());
  // No lost update: the second statement applied to the committed value.
  CHECK(J(f.Q("SELECT bal FROM acc WHERE id = 1")) == "11");

  f.Q("BEGIN");
  run(other.get(), "BEGIN");
  f.Q("UPDATE acc SET bal = 1 WHERE id = 1");
  run(other.get(), "UPDATE acc SET bal = 2 WHERE id = 2");
  std::string other_state;
  std::thread t2([&] {
    try {
      run(other.get(), "UPDATE acc SET bal = 3 WHERE id = 1");  // waits for f
      other_state = "ok";
    } catch (const PgError& e) {
      other_state = e.sqlstate();
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::string mine = "ok";
  try {
    f.Q("UPDATE acc SET bal = 4 WHERE id = 2");  // closes the cycle
  } catch (const PgError& e) {
    mine = e.sqlstate();
  }
  CHECK(mine == "40P01");
  f.Q("ROLLBACK");  // releases id 1: the other session proceeds
  t2.join();
  CHECK(other_state == "ok");
  run(other.get(), "COMMIT");
  CHECK(J(f.Q("SELECT bal FROM acc ORDER BY id")) == "3 / 2");
}

TEST_CASE("session: pg_blocking_pids names the holder of the row or advisory lock a session waits for") {
  Fixture f;
  f.Q("CREATE TABLE acc (id int PRIMARY KEY, bal int)");
  f.Q("INSERT INTO acc VALUES (1, 0)");
  auto holder = f.NewSession(101);
  auto waiter = f.NewSession(102);
  auto run = [](Session* s, const std::string& sql) {
    Recorder r;
    std::vector<ExecResult> results;
    s->SimpleQuery(sql, r, &results);
    return J(r.rows);
  };
  CHECK(J(f.Q("SELECT pg_blocking_pids(102)")) == "{}");
  run(holder.get(), "BEGIN");
  run(holder.get(), "UPDATE acc SET bal = 1 WHERE id = 1");
  std::thread t([&] { run(waiter.get(), "UPDATE acc SET bal = 2 WHERE id = 1"); });
  std::string seen;
  for (int i = 0; i < 100 && seen != "{101}"; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    seen = J(f.Q("SELECT pg_blocking_pids(102)"));
  }
  CHECK(seen == "{101}");
  CHECK(J(f.Q("SELECT pg_blocking_pids(101)")) == "{}");
  run(holder.get(), "COMMIT");
  t.join();
  CHECK(J(f.Q("SELECT pg_blocking_pids(102)")) == "{}");

  run(holder.get(), "SELECT pg_advisory_lock(7)");
  std::thread t2([&] { run(waiter.get(), "SELECT pg_advisory_lock(7)"); });
  seen.clear();
  for (int i = 0; i < 100 && seen != "{101}"; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    seen = J(f.Q("SELECT pg_blocking_pids(102)"));
  }
  CHECK(seen == "{101}");
  run(holder.get(), "SELECT pg_advisory_unlock(7)");
  t2.join();
  CHECK(J(f.Q("SELECT pg_blocking_pids(102)")) == "{}");
  run(waiter.get(), "SELECT pg_advisory_unlock_all()");
}

TEST_CASE("session: READ COMMITTED statements see new commits; REPEATABLE READ does not") {
  Fixture f;
  f.Q("CREATE TABLE rc (id int PRIMARY KEY, v int)");
  auto other = f.NewSession();
  auto run_other = [&](const std::string& sql) {
    Recorder r;
    std::vector<ExecResult> results;
    other->SimpleQuery(sql, r, &results);
  };
  f.Q("BEGIN");
  CHECK(J(f.Q("SELECT count(*) FROM rc")) == "0");
  run_other("INSERT INTO rc VALUES (1, 10)");
  CHECK(J(f.Q("SELECT count(*) FROM rc")) == "1");
  // A row changed by another session after this statement's snapshot is
  // updated from its latest version.
  f.Q("UPDATE rc SET v = v + 1 WHERE id = 1");
  f.Q("COMMIT");
  CHECK(J(f.Q("SELECT v FROM rc")) == "11");

  f.Q("BEGIN ISOLATION LEVEL REPEATABLE READ");
  CHECK(J(f.Q("SELECT count(*) FROM rc")) == "1");
  run_other("INSERT INTO rc VALUES (2, 20)");
  CHECK(J(f.Q("SELECT count(*) FROM rc")) == "1");
  f.Q("COMMIT");
  CHECK(J(f.Q("SELECT count(*) FROM rc")) == "2");

}

TEST_CASE("session: a concurrent INSERT of the same key waits, then fails with 23505 or succeeds (concurrency)") {
  Fixture f;
  f.Q("CREATE TABLE rc (id int PRIMARY KEY, v int)");
  f.Q("CREATE UNIQUE INDEX rc_v ON rc (v)");
  auto other = f.NewSession();
  // Runs sql on the other session in a thread while this one decides.
  auto clash = [&](const std::string& sql, const std::string& decide) {
    std::atomic<bool> done{false};
    std::string state = "ok";
    std::thread t([&] {
      try {
        Recorder r;
        std::vector<ExecResult> results;
        other->SimpleQuery(sql, r, &results);
      } catch (const PgError& e) {
        state = e.sqlstate();
      }
      done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const bool waited = !done.load();
    f.Q(decide);
    t.join();
    CHECK(waited);
    return state;
  };
  // Same primary key: PostgreSQL waits for the first writer.
  f.Q("BEGIN");
  f.Q("INSERT INTO rc VALUES (3, 30)");
  CHECK(clash("INSERT INTO rc VALUES (3, 31)", "COMMIT") == "23505");
  f.Q("BEGIN");
  f.Q("INSERT INTO rc VALUES (4, 40)");
  CHECK(clash("INSERT INTO rc VALUES (4, 41)", "ROLLBACK") == "ok");
  // Same unique index value under different keys.
  f.Q("BEGIN");
  f.Q("INSERT INTO rc VALUES (5, 50)");
  CHECK(clash("INSERT INTO rc VALUES (6, 50)", "COMMIT") == "23505");
  f.Q("BEGIN");
  f.Q("INSERT INTO rc VALUES (7, 70)");
  CHECK(clash("INSERT INTO rc VALUES (8, 70)", "ROLLBACK") == "ok");
  // ON CONFLICT DO NOTHING waits too, then skips.
  f.Q("BEGIN");
  f.Q("INSERT INTO rc VALUES (9, 90)");
  CHECK(clash("INSERT INTO rc VALUES (9, 91) ON CONFLICT DO NOTHING", "COMMIT") == "ok");
  // A key deleted by a concurrent commit can be inserted again without 40001.
  f.Q("BEGIN");
  f.Q("DELETE FROM rc WHERE id = 3");
  CHECK(clash("INSERT INTO rc VALUES (3, 33)", "COMMIT") == "ok");
  CHECK(J(f.Q("SELECT id, v FROM rc ORDER BY id")) == "3|33 / 4|41 / 5|50 / 8|70 / 9|90");
}

TEST_CASE("session: concurrent DDL of two sessions keeps both catalog changes (concurrency)") {
  Fixture f;
  auto other = f.NewSession();
  auto run_other = [&](const std::string& sql) {
    Recorder r;
    std::vector<ExecResult> results;
    other->SimpleQuery(sql, r, &results);
  };
  f.Q("BEGIN");
  f.Q("CREATE TABLE ddl_mine (a int)");
  run_other("CREATE TABLE ddl_theirs (b int)");  // commits while we are open
  f.Q("COMMIT");
  auto third = f.NewSession();
  Recorder r;
  std::vector<ExecResult> results;
  third->SimpleQuery("SELECT count(*) FROM pg_class WHERE relname IN ('ddl_mine', 'ddl_theirs')", r, &results);
  CHECK(r.rows == std::vector<std::string>{"2"});
}

TEST_CASE("session: lock_timeout and statement_timeout end lock waits (concurrency)") {
  Fixture f;
  f.Q("CREATE TABLE lt (id int PRIMARY KEY, v int)");
  f.Q("INSERT INTO lt VALUES (1, 0)");
  auto other = f.NewSession();
  auto other_state = [&](const std::string& sql) -> std::string {
    try {
      Recorder r;
      std::vector<ExecResult> results;
      other->SimpleQuery(sql, r, &results);
      return "ok";
    } catch (const PgError& e) {
      return std::string(e.sqlstate()) + " " + e.message();
    }
  };
  f.Q("BEGIN");
  f.Q("UPDATE lt SET v = 1 WHERE id = 1");  // holds the row lock
  const auto start = std::chrono::steady_clock::now();
  CHECK(other_state("SET lock_timeout = '150ms'") == "ok");
  CHECK(other_state("UPDATE lt SET v = 2 WHERE id = 1") == "55P03 canceling statement due to lock timeout");
  CHECK(other_state("SET lock_timeout = 0") == "ok");
  CHECK(other_state("SET statement_timeout = 150") == "ok");
  CHECK(other_state("UPDATE lt SET v = 2 WHERE id = 1") == "57014 canceling statement due to statement timeout");
  CHECK(other_state("SET statement_timeout = 0") == "ok");
  f.Q("LOCK TABLE lt IN ACCESS EXCLUSIVE MODE");
  CHECK(other_state("SET lock_timeout = '100ms'") == "ok");
  CHECK(other_state("SELECT * FROM lt") == "55P03 canceling statement due to lock timeout");
  f.Q("SELECT pg_advisory_lock(7)");
  CHECK(other_state("SELECT pg_advisory_lock(7)") == "55P03 canceling statement due to lock timeout");
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited < std::chrono::seconds(5));
  f.Q("COMMIT");
  f.Q("SELECT pg_advisory_unlock(7)");
  CHECK(other_state("UPDATE lt SET v = 3 WHERE id = 1") == "ok");
}

TEST_CASE("session: LOCK TABLE modes conflict as in PostgreSQL; readers and DDL queue (concurrency)") {
  Fixture f;
  f.Q("CREATE TABLE lk (id int PRIMARY KEY)");
  f.Q("INSERT INTO lk VALUES (1)");
  auto other = f.NewSession();
  auto run_other = [&](const std::string& sql) {
    Recorder r;
    std::vector<ExecResult> results;
    other->SimpleQuery(sql, r, &results);
    return r.rows;
  };
  auto other_state = [&](const std::string& sql) -> std::string {
    try {
      run_other(sql);
      return "ok";
    } catch (const PgError& e) {
      return e.sqlstate();
    }
  };
  CHECK(f.ErrorOf("LOCK TABLE lk") == "25P01");
  f.Q("BEGIN");
  f.Q("LOCK TABLE lk IN SHARE MODE");
  // SHARE lets readers through, stops writers (NOWAIT shows it).
  CHECK(run_other("SELECT count(*) FROM lk") == std::vector<std::string>{"1"});
  run_other("BEGIN");
  CHECK(other_state("LOCK TABLE lk IN ROW EXCLUSIVE MODE NOWAIT") == "55P03");
  run_other("ROLLBACK");
  f.Q("COMMIT");
  // ACCESS EXCLUSIVE makes even a reader wait until COMMIT.
  f.Q("BEGIN");
  f.Q("LOCK TABLE lk IN ACCESS EXCLUSIVE MODE");
  f.Q("INSERT INTO lk VALUES (2)");
  std::atomic<bool> done{false};
  std::vector<std::string> seen;
  std::thread t([&] {
    seen = run_other("SELECT count(*) FROM lk");
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK_FALSE(done.load());
  f.Q("COMMIT");
  t.join();
  CHECK(seen == std::vector<std::string>{"2"});
  // An open transaction that read the table holds ALTER TABLE back.
  run_other("BEGIN");
  run_other("SELECT * FROM lk");
  std::atomic<bool> altered{false};
  std::thread t2([&] {
    f.Q("ALTER TABLE lk ADD COLUMN v int");
    altered = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK_FALSE(altered.load());
  run_other("COMMIT");
  t2.join();
  CHECK(altered.load());
}

TEST_CASE("session: SELECT FOR UPDATE locks rows; NOWAIT fails, SKIP LOCKED skips") {
  Fixture f;
  f.Q("CREATE TABLE q (id int PRIMARY KEY, state text)");
  f.Q("INSERT INTO q VALUES (1, 'new'), (2, 'new')");
  auto other = f.NewSession();
  auto run_other = [&](const std::string& sql) {
    Recorder r;
    std::vector<ExecResult> results;
    other->SimpleQuery(sql, r, &results);
    return r.rows;
  };
  f.Q("BEGIN");
  CHECK(J(f.Q("SELECT id FROM q WHERE id = 1 FOR UPDATE")) == "1");
  run_other("BEGIN");
  try {
    run_other("SELECT id FROM q WHERE id = 1 FOR UPDATE NOWAIT");
    FAIL("NOWAIT should fail on a locked row");
  } catch (const PgError& e) {
    CHECK(e.sqlstate() == "55P03");
  }
  run_other("ROLLBACK");
  run_other("BEGIN");
  CHECK(J(run_other("SELECT id FROM q ORDER BY id FOR UPDATE SKIP LOCKED")) == "2");
  run_other("ROLLBACK");
  // A waiting locker sees the committed change and re-checks its WHERE.
  std::thread waiter([&] {
    run_other("BEGIN");
    auto rows = run_other("SELECT id, state FROM q WHERE state = 'new' AND id = 1 FOR UPDATE");
    CHECK(rows.empty());
    run_other("COMMIT");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  f.Q("UPDATE q SET state = 'taken' WHERE id = 1");
  f.Q("COMMIT");
  waiter.join();
}

TEST_CASE("session: COPY FROM STDIN and TO STDOUT, text and CSV") {
  Fixture f;
  f.Q("CREATE TABLE c (id int PRIMARY KEY, name text, n numeric)");
  Recorder r;
  std::vector<ExecResult> results;
  f.session->SimpleQuery("COPY c FROM STDIN", r, &results);
  REQUIRE(results.size() == 1);
  REQUIRE(results[0].copy_in);
  CHECK(results[0].copy.column_formats.size() == 3);
  // Chunk boundaries fall anywhere.
  f.session->CopyInData("1\tone\t1.5\n2\tt");
  f.session->CopyInData("a\\tb\t\\N\n3\t\\N\t-2\n\\.\n");
  auto done = f.session->CopyInDone();
  CHECK(done.command_tag == "COPY 3");
  CHECK(J(f.Q("SELECT id, name, n FROM c ORDER BY id")) == J(Rows{"1|one|1.5", "2|ta\tb|NULL", "3|NULL|-2"}));
  results.clear();
  f.session->SimpleQuery("COPY c (id, name) FROM STDIN WITH (FORMAT csv, HEADER true)", r, &results);
  REQUIRE(results[0].copy_in);
  f.session->CopyInData("id,name\n4,\"x, \"\"y\"\"\"\n5,\n");
  CHECK(f.session->CopyInDone().command_tag == "COPY 2");
  CHECK(J(f.Q("SELECT name IS NULL, name FROM c WHERE id >= 4 ORDER BY id")) == J(Rows{"f|x, \"y\"", "t|NULL"}));
  results.clear();
  f.session->SimpleQuery("COPY c FROM STDIN", r, &results);
  CHECK_THROWS_AS(f.session->CopyInData("1\tdup\t0\n"), PgError);
  results.clear();
  Recorder out;
  f.session->SimpleQuery("COPY (SELECT id, name FROM c WHERE id < 3 ORDER BY id) TO STDOUT", out, &results);
  CHECK(results[0].command_tag == "COPY 2");
  CHECK(out.copied == "1\tone\n2\tta\\tb\n");
}

}  // namespace
}  // namespace immu::sql
