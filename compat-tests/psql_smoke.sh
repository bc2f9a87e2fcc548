#!/usr/bin/env bash
# End-to-end smoke test of build/bin/immudb with the real psql:
#   - starts the server on a free port, a temporary --dir and a self-signed
#     certificate (generated here with openssl);
#   - psql SELECT 1 without TLS, then with sslmode=require (and checks the
#     session really is encrypted), a small CREATE/INSERT/SELECT script, a
#     wrong password refused with 28P01;
#   - SIGTERM, and the server must exit 0.
# Exits non-zero on any failure. IMMUDB_BIN overrides the binary.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${IMMUDB_BIN:-$root/build/bin/immudb}
[ -x "$bin" ] || { echo "psql_smoke: $bin not built" >&2; exit 1; }
command -v psql >/dev/null || { echo "psql_smoke: psql not installed" >&2; exit 1; }

tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "psql_smoke: FAIL: $*" >&2
  echo "--- server log ---" >&2
  cat "$tmp/server.log" >&2 || true
  exit 1
}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
  -days 1 -subj "/CN=localhost" >/dev/null 2>&1 || fail "openssl could not make a certificate"

"$bin" --dir "$tmp/data" --address 127.0.0.1 --pgsql-server-port "$port" \
  --admin-password smoke-pw --certificate "$tmp/cert.pem" --pkey "$tmp/key.pem" \
  >"$tmp/server.log" 2>&1 &
server_pid=$!

export PGPASSWORD=smoke-pw PGCONNECT_TIMEOUT=5
base="host=127.0.0.1 port=$port user=immudb dbname=defaultdb"
for _ in $(seq 1 100); do
  if psql "$base sslmode=disable" -XAtc "SELECT 1" >/dev/null 2>&1; then break; fi
  kill -0 "$server_pid" 2>/dev/null || fail "server exited during startup"
  sleep 0.1
done

out=$(psql "$base sslmode=disable" -XAtc "SELECT 1") || fail "SELECT 1 without TLS"
[ "$out" = "1" ] || fail "SELECT 1 without TLS returned '$out'"
echo "psql_smoke: SELECT 1 (no TLS) ok"

out=$(psql "$base sslmode=require" -XAtc "SELECT 1") || fail "SELECT 1 with sslmode=require"
[ "$out" = "1" ] || fail "SELECT 1 with sslmode=require returned '$out'"
info=$(psql "$base sslmode=require" -X -c '\conninfo') || fail "\\conninfo with sslmode=require"
grep -q "SSL connection" <<<"$info" || fail "sslmode=require session is not encrypted: $info"
echo "psql_smoke: SELECT 1 (sslmode=require) ok"

cat >"$tmp/script.sql" <<'SQL'
CREATE TABLE smoke (id INTEGER PRIMARY KEY, v VARCHAR);
INSERT INTO smoke VALUES (1, 'one'), (2, 'two');
SELECT v FROM smoke WHERE id = 2;
SQL
out=$(psql "$base sslmode=require" -XAt -v ON_ERROR_STOP=1 -f "$tmp/script.sql") ||
  fail "psql -f script"
tail -n1 <<<"$out" | grep -qx "two" || fail "script output: $out"
echo "psql_smoke: psql -f script ok"

if err=$(PGPASSWORD=wrong psql "$base sslmode=disable" -XAtc "SELECT 1" 2>&1); then
  fail "a wrong password was accepted"
fi
grep -q 'password authentication failed for user "immudb"' <<<"$err" ||
  fail "wrong password gave: $err"
echo "psql_smoke: wrong password refused ok"

# CREATE DATABASE: a new, empty database one can connect to; dropping it
# while a session is connected is refused (55006); pg_stat_activity shows
# the other session; the dropped store is kept under .dropped/.
psql "$base sslmode=disable" -XAtq -v ON_ERROR_STOP=1 -c "CREATE DATABASE smoke_db" || fail "CREATE DATABASE"
other=${base/dbname=defaultdb/dbname=smoke_db}
out=$(psql "$other sslmode=disable" -XAt -v ON_ERROR_STOP=1 \
  -c "CREATE TABLE t (a int)" -c "INSERT INTO t VALUES (7)" -c "SELECT current_database(), sum(a) FROM t") ||
  fail "session in smoke_db"
tail -n1 <<<"$out" | grep -qx "smoke_db|7" || fail "smoke_db session gave: $out"
out=$(psql "$base sslmode=disable" -XAtc "SELECT count(*) FROM t" 2>&1) && fail "defaultdb sees smoke_db's table: $out"
psql "$other sslmode=disable" -XAtc "SELECT pg_sleep(3)" >/dev/null 2>&1 &
sleeper=$!
sleep 1
out=$(psql "$base sslmode=disable" -XAtc \
  "SELECT datname, state, query FROM pg_stat_activity WHERE datname = 'smoke_db'") || fail "pg_stat_activity"
grep -q "^smoke_db|active|SELECT pg_sleep(3)$" <<<"$out" || fail "pg_stat_activity gave: $out"
err=$(psql "$base sslmode=disable" -XAtc "DROP DATABASE smoke_db" 2>&1) && fail "dropped a database in use"
grep -q 'is being accessed by other users' <<<"$err" || fail "DROP DATABASE in use gave: $err"
wait "$sleeper"
psql "$base sslmode=disable" -XAtq -v ON_ERROR_STOP=1 -c "DROP DATABASE smoke_db" || fail "DROP DATABASE"
ls "$tmp"/data/.dropped/smoke_db.* >/dev/null || fail "the dropped store was not kept"
err=$(psql "$other sslmode=disable" -XAtc "SELECT 1" 2>&1) && fail "connected to a dropped database"
grep -q 'database "smoke_db" does not exist' <<<"$err" || fail "connecting to a dropped database gave: $err"
echo "psql_smoke: CREATE/DROP DATABASE, pg_stat_activity ok"

# Temporary tables are private to their session and go with it.
out=$(psql "$base sslmode=disable" -XAt -v ON_ERROR_STOP=1 -c "CREATE TEMP TABLE smoke_tmp (a int)" \
  -c "INSERT INTO smoke_tmp VALUES (1)" -c "SELECT count(*) FROM smoke_tmp") || fail "temp table session"
[ "$(tail -n1 <<<"$out")" = 1 ] || fail "temp table gave: $out"
err=$(psql "$base sslmode=disable" -XAtc "SELECT * FROM smoke_tmp" 2>&1) && fail "another session sees a temp table"
out=$(psql "$base sslmode=disable" -XAtc "SELECT count(*) FROM pg_class WHERE relpersistence = 't'") ||
  fail "pg_class after the temp session"
[ "$out" = 0 ] || fail "temporary relations outlived their session: $out"
echo "psql_smoke: temporary tables ok"

kill -TERM "$server_pid"
rc=0
wait "$server_pid" || rc=$?
server_pid=""
[ "$rc" -eq 0 ] || fail "server exited with $rc after SIGTERM"
grep -q "shut down cleanly" "$tmp/server.log" || fail "no clean shutdown in the log"
echo "psql_smoke: SIGTERM shutdown ok"
echo "psql_smoke: PASS"
