#!/usr/bin/env bash
# Runs the SQL logic tests and pgbench against a real running build/bin/immudb
# through libpq (the wire protocol), the way clients see the server:
#   - every sql/tests/*.test file with build/bin/sqllogictest --pg;
#   - time-travel periods with $n parameters (compat-tests/time_travel_params.py);
#   - COPY in and out with psql;
#   - pgbench -i (COPY, ALTER TABLE ADD PRIMARY KEY, VACUUM), then the
#     default TPC-B-like script with 1 and 8 clients (row locks make the
#     concurrent updates of the branch row queue up: no failed transaction
#     is allowed) and the select-only script in simple and prepared modes;
#     the balances of accounts, tellers and branches must agree afterwards.
# Exits non-zero on any failure. IMMUDB_BIN overrides the binary.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${IMMUDB_BIN:-$root/build/bin/immudb}
slt=$root/build/bin/sqllogictest
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "server_suite: FAIL: $*" >&2
  tail -20 "$tmp/server.log" >&2 || true
  exit 1
}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" --dir "$tmp/data" --pgsql-server-port "$port" --admin-password suite-pw >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
export PGPASSWORD=suite-pw
conn="host=127.0.0.1 port=$port user=immudb dbname=defaultdb"

echo "-- SQL logic tests over the wire"
for f in "$root"/sql/tests/*.test; do
  "$slt" --pg "$conn" --engine immudb "$f" || fail "sqllogictest $f"
done

echo "-- time-travel periods with bound parameters (extended protocol)"
python3 "$root/compat-tests/time_travel_params.py" "$conn" || fail "time_travel_params.py"

echo "-- COPY through psql"
psql "$conn" -v ON_ERROR_STOP=1 -q -c "CREATE TABLE cp (a int PRIMARY KEY, b text)" \
  -c "\\copy cp FROM STDIN" <<'DATA' || fail "copy in"
1	one
2	\N
\.
DATA
out=$(psql "$conn" -At -c "COPY (SELECT a, b FROM cp ORDER BY a) TO STDOUT WITH (FORMAT csv)")
[ "$out" = $'1,one\n2,' ] || fail "copy out gave: $out"
psql "$conn" -q -c "DROP TABLE cp"

echo "-- pgbench"
pgbench -i -s 1 -q "$conn" >"$tmp/pgbench_init.log" 2>&1 || { cat "$tmp/pgbench_init.log"; fail "pgbench -i"; }
accounts=$(psql "$conn" -At -c "SELECT count(*) FROM pgbench_accounts")
[ "$accounts" = 100000 ] || fail "pgbench_accounts has $accounts rows"
for args in "-c 1 -T 2" "-c 8 -j 8 -T 3" "-S -c 2 -T 2" "-S -M prepared -c 2 -T 2" "-M extended -c 1 -T 2"; do
  # shellcheck disable=SC2086
  pgbench $args "$conn" >"$tmp/pgbench.log" 2>&1 || { cat "$tmp/pgbench.log"; fail "pgbench $args"; }
  grep -q "number of failed transactions: 0 " "$tmp/pgbench.log" || { cat "$tmp/pgbench.log"; fail "pgbench $args had failures"; }
  echo "pgbench $args: $(grep -o 'tps = [0-9.]*' "$tmp/pgbench.log")"
done

sums=$(psql "$conn" -At -c "SELECT (SELECT sum(abalance) FROM pgbench_accounts) || ' ' || (SELECT sum(tbalance) FROM pgbench_tellers) || ' ' || (SELECT sum(bbalance) FROM pgbench_branches)")
read -r a t b <<<"$sums"
[ "$a" = "$t" ] && [ "$t" = "$b" ] || fail "pgbench balances disagree (lost update?): $sums"

kill -TERM "$server_pid"
wait "$server_pid" || fail "server did not exit cleanly"
server_pid=""
echo "server_suite: all passed"
