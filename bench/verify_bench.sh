#!/usr/bin/env bash
# Verification cost at scale (docs/VERIFICATION.md, "Cost"): loads a table of
# ROWS rows (default 1M) in BATCH-row transactions (INSERT ... SELECT
# generate_series: one SQL transaction holds at most ~1M entries), then
# reports
#   - immudb_verify_row latency through pgbench (random rows, 1 client,
#     simple and prepared protocol), and the server-side cost per call from
#     one statement verifying 5000 rows;
#   - proof document sizes (immudb_proof_row, with and without a dual proof)
#     as the history grows from a few to ~10^4 transactions: they grow with
#     log2 of the number of transactions, not with the number of rows.
# Uses port PORT (default 55463) and a temporary data directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-55463}
rows=${ROWS:-1000000}
batch=${BATCH:-100000}
tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
"$root/build/bin/immudb" --dir "$tmp/data" --pgsql-server-port "$port" --synced=false >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 50); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
export PGPASSWORD=immudb
conn="host=127.0.0.1 port=$port user=immudb dbname=defaultdb"
sql() { psql "$conn" -v ON_ERROR_STOP=1 -qAt "$@"; }

sql -c "CREATE TABLE acc (id int PRIMARY KEY, owner text, balance bigint)"
start=$(date +%s.%N)
for ((lo = 1; lo <= rows; lo += batch)); do
  sql -c "INSERT INTO acc SELECT g, 'owner-' || g, g * 10 FROM generate_series($lo, $((lo + batch - 1 < rows ? lo + batch - 1 : rows))) g"
done
echo "loaded $(sql -c 'SELECT count(*) FROM acc') rows in $(echo "$(date +%s.%N) - $start" | bc) s, state tx $(sql -c 'SELECT tx_id FROM immudb_state()')"

cat >"$tmp/verify.sql" <<SQL
\\set id random(1, $rows)
SELECT verified FROM immudb_verify_row('acc', :id);
SQL
cat >"$tmp/read.sql" <<SQL
\\set id random(1, $rows)
SELECT owner FROM acc WHERE id = :id;
SQL
for mode in simple prepared; do
  r=$(pgbench -n -M "$mode" -f "$tmp/read.sql" -c 1 -T 5 "$conn" 2>&1 | sed -n 's/latency average = //p')
  v=$(pgbench -n -M "$mode" -f "$tmp/verify.sql" -c 1 -T 5 "$conn" 2>&1 | sed -n 's/latency average = //p')
  echo "pgbench $mode, 1 client: point read $r, immudb_verify_row $v"
done
t=$( { psql "$conn" -qAt -c '\timing on' -c "SELECT count(*) FILTER (WHERE verified) FROM generate_series(1, 5000) g, LATERAL immudb_verify_row('acc', (g * 7919) % $rows + 1) v" ; } | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
echo "server side: 5000 immudb_verify_row in one statement: $t ms ($(echo "scale=4; $t / 5000" | bc) ms each)"

echo "proof sizes (bytes of JSON) as the history grows; row 5 of the first batch:"
echo "txs	proof_row	proof_row since tx 1	proof_tx of a 1-entry tx since tx 1"
echo "SELECT immudb_set('grow' || :client_id, 'x');" >"$tmp/grow.sql"
for target in 16 128 1024 8192; do
  have=$(sql -c "SELECT tx_id FROM immudb_state()")
  if [ "$have" -lt "$target" ]; then
    pgbench -n -f "$tmp/grow.sql" -c 4 -t $(((target - have + 3) / 4)) "$conn" >/dev/null 2>&1
  fi
  last=$(sql -c "SELECT tx_id FROM immudb_state()")
  echo "$last	$(sql -c "SELECT length(immudb_proof_row('acc', 5)::text), length(immudb_proof_row('acc', 5, 1)::text), length(immudb_proof_tx($last, 1)::text)" | tr '|' '\t')"
done
