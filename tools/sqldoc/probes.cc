#include "tools/sqldoc/probes.h"

namespace immu::sqldoc {

namespace {

// A concrete stand-in for a polymorphic type; "" when there is none we can use.
std::string Concrete(const std::string& t) {
  if (t == "anyelement" || t == "anynonarray" || t == "anycompatible" || t == "anycompatiblenonarray" ||
      t == "\"any\"") {
    return "integer";
  }
  if (t == "anyarray" || t == "anycompatiblearray") return "integer[]";
  if (t == "anyrange" || t == "anycompatiblerange") return "int4range";  // with anyelement's integer
  if (t == "anymultirange" || t == "anycompatiblemultirange") return "int4multirange";
  if (t.starts_with("any") || t == "internal" || t == "cstring" || t == "trigger" || t == "event_trigger" ||
      t == "language_handler" || t == "fdw_handler" || t == "index_am_handler" || t == "tsm_handler" ||
      t == "table_am_handler" || t == "record" || t == "void" || t == "unknown") {
    return "";
  }
  return t;
}

std::string Quote(const std::string& name) { return "\"" + name + "\""; }

std::string Args(const std::vector<std::string>& types, size_t begin, size_t end) {
  std::string s;
  for (size_t i = begin; i < end; i++) s += (i > begin ? ", " : "") + std::string("NULL::") + types[i];
  return s;
}

}  // namespace

bool FunctionProbe(const std::string& name, char kind, bool retset, std::vector<std::string> arg_types,
                   const std::string& variadic_type, const std::string& result_type, char agg_kind,
                   int direct_args, Probe* out) {
  std::string sig = name + "(";
  for (size_t i = 0; i < arg_types.size(); i++) {
    const bool variadic_arg = i + 1 == arg_types.size() && !variadic_type.empty();
    sig += (i ? ", " : "") + std::string(variadic_arg ? "VARIADIC " : "") + arg_types[i];
  }
  sig += ") -> " + std::string(retset ? "SETOF " : "") + result_type;
  // A VARIADIC parameter is called with one element.
  if (!variadic_type.empty() && !arg_types.empty()) arg_types.back() = variadic_type;
  for (auto& t : arg_types) {
    t = Concrete(t);
    if (t.empty()) return false;
  }
  if (Concrete(result_type).empty() && result_type != "record" && result_type != "void" &&
      result_type != "anyelement" && result_type != "anyarray" && result_type != "anycompatible" &&
      result_type != "anycompatiblearray") {
    return false;
  }
  out->name = name;
  out->signature = sig;
  const std::string all = Args(arg_types, 0, arg_types.size());
  if (kind == 'a' && (agg_kind == 'o' || agg_kind == 'h')) {
    out->group = "aggregate";
    const size_t d = static_cast<size_t>(direct_args);
    out->sql = "SELECT " + Quote(name) + "(" + Args(arg_types, 0, d) + ") WITHIN GROUP (ORDER BY " +
               Args(arg_types, d, arg_types.size()) + ")";
  } else if (kind == 'a') {
    out->group = "aggregate";
    out->sql = "SELECT " + Quote(name) + "(" + (arg_types.empty() ? "*" : all) + ")";
  } else if (kind == 'w') {
    out->group = "window";
    out->sql = "SELECT " + Quote(name) + "(" + all + ") OVER ()";
  } else if (retset) {
    out->group = "set-returning";
    out->sql = "SELECT * FROM " + Quote(name) + "(" + all + ")";
  } else if (kind == 'f') {
    out->group = "function";
    out->sql = "SELECT " + Quote(name) + "(" + all + ")";
  } else {
    return false;  // procedures
  }
  return true;
}

bool OperatorProbe(const std::string& name, const std::string& left, const std::string& right,
                   const std::string& result, Probe* out) {
  const std::string l = left.empty() ? "" : Concrete(left);
  const std::string r = Concrete(right);
  if ((!left.empty() && l.empty()) || r.empty()) return false;
  out->group = "operator";
  out->name = name;
  out->signature = (left.empty() ? "" : left + " ") + name + " " + right + " -> " + result;
  out->sql = "SELECT " + (l.empty() ? "" : "NULL::" + l + " ") + "OPERATOR(pg_catalog." + name + ") NULL::" + r;
  return true;
}

std::string StatementSetup() {
  return "CREATE TABLE doc_t (a int PRIMARY KEY, b text); CREATE TABLE doc_u (a int REFERENCES doc_t, c int);"
         "CREATE SEQUENCE doc_s; CREATE VIEW doc_v AS SELECT a, b FROM doc_t; INSERT INTO doc_t VALUES (1, 'x')";
}

std::vector<Probe> StatementProbes() {
  const std::vector<std::pair<std::string, std::string>> kStatements = {
      {"SELECT ... FROM ... WHERE ... GROUP BY ... HAVING ... ORDER BY ... LIMIT ... OFFSET",
       "SELECT b, count(*) FROM doc_t WHERE a > 0 GROUP BY b HAVING count(*) > 0 ORDER BY 1 LIMIT 5 OFFSET 0"},
      {"SELECT DISTINCT ON", "SELECT DISTINCT ON (b) a, b FROM doc_t ORDER BY b, a"},
      {"SELECT ... FOR UPDATE / SHARE [NOWAIT | SKIP LOCKED]", "SELECT * FROM doc_t FOR UPDATE SKIP LOCKED"},
      {"WITH [RECURSIVE]", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r"},
      {"UNION / INTERSECT / EXCEPT", "SELECT 1 UNION SELECT 2 INTERSECT SELECT 2 EXCEPT SELECT 3"},
      {"VALUES", "VALUES (1, 'a'), (2, 'b')"},
      {"LATERAL", "SELECT * FROM doc_t t, LATERAL (SELECT t.a + 1 AS n) l"},
      {"GROUPING SETS / ROLLUP / CUBE", "SELECT a, b, count(*) FROM doc_t GROUP BY ROLLUP (a, b)"},
      {"INSERT ... ON CONFLICT ... RETURNING", "INSERT INTO doc_t VALUES (1, 'y') ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b RETURNING *"},
      {"INSERT ... SELECT", "INSERT INTO doc_u SELECT a, 1 FROM doc_t"},
      {"UPDATE ... FROM ... RETURNING", "UPDATE doc_u SET c = t.a FROM doc_t t WHERE doc_u.a = t.a RETURNING doc_u.c"},
      {"DELETE ... USING ... RETURNING", "DELETE FROM doc_u USING doc_t WHERE doc_u.a = doc_t.a RETURNING doc_u.a"},
      {"MERGE", "MERGE INTO doc_t USING (SELECT 2 AS a) s ON doc_t.a = s.a WHEN NOT MATCHED THEN INSERT VALUES (s.a, 'm')"},
      {"COPY ... TO STDOUT", "COPY doc_t TO STDOUT"},
      {"TRUNCATE", "TRUNCATE doc_u"},
      {"CREATE TABLE (constraints, defaults, identity, generated)",
       "CREATE TABLE doc_x (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v int CHECK (v > 0) DEFAULT 1, "
       "w int GENERATED ALWAYS AS (v * 2) STORED, UNIQUE (v))"},
      {"CREATE TABLE ... AS", "CREATE TABLE doc_ctas AS SELECT * FROM doc_t"},
      {"CREATE TEMPORARY TABLE", "CREATE TEMP TABLE doc_tmp (a int) ON COMMIT DROP"},
      {"CREATE UNLOGGED TABLE", "CREATE UNLOGGED TABLE doc_unlogged (a int)"},
      {"CREATE TABLE ... PARTITION BY", "CREATE TABLE doc_part (a int) PARTITION BY RANGE (a)"},
      {"CREATE TABLE ... INHERITS", "CREATE TABLE doc_inh (c int) INHERITS (doc_t)"},
      {"ALTER TABLE ADD/DROP/ALTER COLUMN, constraints, RENAME", "ALTER TABLE doc_u ADD COLUMN d text DEFAULT 'z'"},
      {"DROP TABLE", "DROP TABLE doc_u"},
      {"CREATE [UNIQUE] INDEX (partial, expressions)", "CREATE UNIQUE INDEX doc_i ON doc_t (lower(b)) WHERE a > 0"},
      {"CREATE INDEX CONCURRENTLY", "CREATE INDEX CONCURRENTLY doc_ic ON doc_t (b)"},
      {"CREATE INDEX ... USING gin/gist/brin/hash, INCLUDE (...)",
       "CREATE INDEX doc_ih ON doc_t USING hash (b); CREATE INDEX doc_ii ON doc_t (a) INCLUDE (b)"},
      {"DROP INDEX", "CREATE INDEX doc_j ON doc_t (b); DROP INDEX doc_j"},
      {"CREATE / ALTER / DROP SEQUENCE", "ALTER SEQUENCE doc_s RESTART WITH 5"},
      {"CREATE [OR REPLACE] VIEW", "CREATE OR REPLACE VIEW doc_v AS SELECT a, b FROM doc_t WHERE a > 0"},
      {"CREATE MATERIALIZED VIEW", "CREATE MATERIALIZED VIEW doc_mv AS SELECT * FROM doc_t"},
      {"INSERT / UPDATE / DELETE on a view", "UPDATE doc_v SET b = 'v'"},
      {"CREATE SCHEMA / DROP SCHEMA", "CREATE SCHEMA doc_sch; DROP SCHEMA doc_sch"},
      {"CREATE TYPE ... AS ENUM", "CREATE TYPE doc_mood AS ENUM ('sad', 'ok')"},
      {"CREATE TYPE ... AS (composite)", "CREATE TYPE doc_pair AS (x int, y text)"},
      {"CREATE DOMAIN", "CREATE DOMAIN doc_pos AS int CHECK (VALUE > 0)"},
      {"CREATE FUNCTION (SQL)", "CREATE FUNCTION doc_f(int) RETURNS int LANGUAGE sql AS 'SELECT $1 + 1'"},
      {"CREATE FUNCTION (PL/pgSQL)", "CREATE FUNCTION doc_g() RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN 1; END'"},
      {"DO (anonymous block)", "DO 'BEGIN NULL; END'"},
      {"CREATE TRIGGER", "CREATE TRIGGER doc_tr BEFORE INSERT ON doc_t FOR EACH ROW EXECUTE FUNCTION doc_g()"},
      {"CREATE EXTENSION (uuid-ossp, pgcrypto, citext, hstore, pg_trgm, unaccent, btree_gin, btree_gist, bloom)",
       "CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\"; SELECT uuid_generate_v4()"},
      {"COMMENT ON", "COMMENT ON TABLE doc_t IS 'doc'"},
      {"CREATE DATABASE / DROP DATABASE", "CREATE DATABASE doc_db; DROP DATABASE doc_db"},
      {"CREATE / ALTER / DROP ROLE", "CREATE ROLE doc_role; DROP ROLE doc_role"},
      {"GRANT / REVOKE", "GRANT SELECT ON doc_t TO PUBLIC"},
      {"BEGIN / COMMIT / ROLLBACK", "BEGIN; COMMIT"},
      {"SAVEPOINT / ROLLBACK TO / RELEASE", "BEGIN; SAVEPOINT s; ROLLBACK TO SAVEPOINT s; RELEASE s; COMMIT"},
      {"SET TRANSACTION / isolation levels", "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY; COMMIT"},
      {"PREPARE TRANSACTION (two-phase commit)", "BEGIN; PREPARE TRANSACTION 'doc'"},
      {"LOCK TABLE", "BEGIN; LOCK TABLE doc_t IN SHARE MODE; COMMIT"},
      {"SET / SHOW / RESET", "SET search_path = public; SHOW search_path; RESET search_path"},
      {"PREPARE / EXECUTE / DEALLOCATE", "PREPARE doc_p (int) AS SELECT $1; EXECUTE doc_p(1); DEALLOCATE doc_p"},
      {"DECLARE / FETCH / CLOSE (cursors)", "BEGIN; DECLARE doc_c CURSOR FOR SELECT 1; FETCH 1 FROM doc_c; CLOSE doc_c; COMMIT"},
      {"EXPLAIN [ANALYZE]", "EXPLAIN ANALYZE SELECT * FROM doc_t WHERE a = 1"},
      {"LISTEN / NOTIFY", "LISTEN doc_ch; NOTIFY doc_ch"},
      {"DISCARD", "DISCARD ALL"},
      {"VACUUM / ANALYZE (no-ops)", "VACUUM ANALYZE doc_t"},
      {"advisory locks", "SELECT pg_advisory_lock(1), pg_advisory_unlock(1)"},
      {"time travel: SINCE / UNTIL / BEFORE TX (immudb)", "SELECT * FROM doc_t BEFORE TX 1000000"},
      {"HISTORY OF / DIFF OF (immudb)", "SELECT _rev FROM (HISTORY OF doc_t)"},
  };
  std::vector<Probe> out;
  for (const auto& [label, sql] : kStatements) out.push_back({"statement", label, label, sql});
  return out;
}

}  // namespace immu::sqldoc
