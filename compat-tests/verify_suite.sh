#!/usr/bin/env bash
# Verification end to end against a real build/bin/immudb (docs/VERIFICATION.md):
#   - immuclient: state (trust on first use, key pinning), set/get,
#     safe-set/safe-get, history, verify-row, verify-tx, audit, exit codes;
#   - compat-tests/verify_proof.py (Python stdlib; psycopg2 only to fetch)
#     checks proofs fetched from the server and the documented test vector;
#   - tamper (a): one byte of a stored row is changed on disk (CRC fixed, as
#     an attacker would): immudb_verify_row and immuclient verify-row fail
#     for that row and name it, other rows still verify;
#   - tamper (b): the server restarts on a store whose history was rewritten
#     consistently (another past value, more transactions, same signing
#     key): immuclient and verify_proof.py holding the earlier trusted state
#     reject it; a history that was cut is rejected too.
# Exits non-zero on any failure. IMMUDB_BIN overrides the binary.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${IMMUDB_BIN:-$root/build/bin/immudb}
client=$root/build/bin/immuclient
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "verify_suite: FAIL: $*" >&2
  tail -20 "$tmp/server.log" >&2 || true
  exit 1
}

# psycopg2 for verify_proof.py's fetching, pinned, in a venv kept in build/.
venv=$root/build/verify-venv
if ! "$venv/bin/python" -c 'import psycopg2' 2>/dev/null; then
  python3 -m venv "$venv" >/dev/null
  "$venv/bin/pip" install -q -r "$root/compat-tests/requirements.txt" || fail "pip install psycopg2-binary"
fi
py=$venv/bin/python
verifier=$root/compat-tests/verify_proof.py

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
openssl genpkey -algorithm ed25519 -out "$tmp/server.key" 2>/dev/null || fail "openssl genpkey"
openssl pkey -in "$tmp/server.key" -pubout -out "$tmp/server.pub" 2>/dev/null
openssl genpkey -algorithm ed25519 -out "$tmp/other.key" 2>/dev/null
openssl pkey -in "$tmp/other.key" -pubout -out "$tmp/other.pub" 2>/dev/null

start() {  # start DATA_DIR
  "$bin" --dir "$1" --pgsql-server-port "$port" --admin-password suite-pw --signing-key "$tmp/server.key" \
    >"$tmp/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 50); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  fail "server did not start on $1"
}
stop() {
  kill -TERM "$server_pid"
  wait "$server_pid" || fail "server did not exit cleanly"
  server_pid=""
}
export PGPASSWORD=suite-pw
conn="host=127.0.0.1 port=$port user=immudb dbname=defaultdb"
sql() { psql "$conn" -v ON_ERROR_STOP=1 -qAt "$@"; }
ic() { "$client" -h 127.0.0.1 -p "$port" --state-file "$tmp/state" "$@"; }
# expect CODE PATTERN COMMAND...: the command exits with CODE and its output matches PATTERN.
expect() {
  local code=$1 pattern=$2 out rc=0
  shift 2
  out=$("$@" 2>&1) || rc=$?
  [ "$rc" = "$code" ] || fail "$* exited $rc, expected $code: $out"
  grep -Ezq -- "$pattern" <<<"$out" || fail "$* printed: $out (expected /$pattern/)"
  printf '%s\n' "$out"
}

# The history every store of this suite starts from; $1 is row 2's value.
load() {
  sql -c "CREATE TABLE t (id int PRIMARY KEY, v text)"
  for i in 1 2 3; do
    v=$([ "$i" = 2 ] && echo "$1" || echo "value-$i")
    sql -c "INSERT INTO t VALUES ($i, '$v')"  # one transaction per row
  done
}

echo "-- store A: immuclient"
start "$tmp/a"
load "two-original"
expect 0 "trusted \(first use\) state: db defaultdb, tx [0-9]+, hash [0-9a-f]{64} \(signed\)" ic state
[ "$(stat -c %a "$tmp/state")" = 600 ] || fail "state file mode is $(stat -c %a "$tmp/state")"
expect 0 "set color \(verified: tx [0-9]+, revision 1\)" ic safe-set color red
expect 0 "^red" ic safe-get color
expect 0 "revision 2, not verified" ic set color blue
expect 0 "^blue" ic get color
expect 0 "revision 2.*blue" ic history color
expect 5 "safe-get nothing: not found" ic safe-get nothing
expect 0 'row verified: table t, key 02[0-9a-f]+, tx [0-9]+, revision 1.*"v":"two-original"' ic verify-row t 2
expect 5 "not found" ic verify-row t 99
tx1=$(sql -c "SELECT tx_id FROM immudb_verify_row('t', 1)")
expect 0 "tx $tx1 verified: 1 entries" ic verify-tx "$tx1"
expect 0 "verified state.*consistent with the trusted state" ic audit --interval 0.1 --count 2
expect 3 "verification failed: .*signature" ic --server-key "$tmp/other.pub" state
expect 0 "verified state" ic --server-key "$tmp/server.pub" state
expect 1 "unknown command" ic frobnicate
expect 2 "server error: 22023" ic verify-tx 100000

echo "-- store A: verify_proof.py (independent verifier)"
sed -n '/<!-- vector:kv -->/,/<!-- end -->/p' "$root/docs/VERIFICATION.md" | sed '1,2d;$d' | sed '$d' >"$tmp/vector.json"
expect 0 "verified: entry 6b657932 in state tx 3 \(consistent with trusted tx 2\)" \
  python3 "$verifier" --file "$tmp/vector.json" --trusted 2:5a566b9603baf0f3de2b5d302b5e22cdadd99c28b3744a58a8c96116b1c43583
sed 's/"76616c756532"/"76616c756533"/' "$tmp/vector.json" >"$tmp/vector_bad.json"
expect 1 "verification failed: entry proof" python3 "$verifier" --file "$tmp/vector_bad.json"
sed 's/"value": "76616c756532"/"value": "76616c756532", "value": "76616c756533"/' "$tmp/vector.json" >"$tmp/vector_dup.json"
expect 1 "verification failed: duplicate member" python3 "$verifier" --file "$tmp/vector_dup.json"
first=$(expect 0 "verified: row" "$py" "$verifier" --dsn "$conn" --row t 2 | sed -n 's/^state //p')
sql -c "INSERT INTO t VALUES (4, 'value-4')"
expect 0 "consistent with trusted tx" "$py" "$verifier" --dsn "$conn" --row t 2 --trusted "$first"
expect 0 "verified: tx $tx1 " "$py" "$verifier" --dsn "$conn" --tx "$tx1" --trusted "$first"
expect 0 "verified: entry 04636f6c6f72" "$py" "$verifier" --dsn "$conn" --key color --trusted "$first"
expect 1 "dual proof: source header does not hash" "$py" "$verifier" --dsn "$conn" --state \
  --trusted "${first%%:*}:$(printf '0%.0s' {1..64})"
expect 0 "verified state" ic state
trusted_a=$(expect 0 "verified: state" "$py" "$verifier" --dsn "$conn" --state | sed -n 's/^state //p')

echo "-- tamper (a): one byte of row 2 changed on disk"
key2=$(sql -c "SELECT entry_key FROM immudb_verify_row('t', 2)")
stop
python3 "$root/compat-tests/tamper_entry.py" "$tmp/a/defaultdb" "$key2" || fail "tamper"
start "$tmp/a"
[ "$(sql -c "SELECT v FROM t WHERE id = 2")" = "two-originam" ] || fail "the tampered byte is not what a plain read returns"
out=$(sql -c "SELECT verified, table_name, tx_id IS NOT NULL, reason FROM immudb_verify_row('t', 2)")
grep -Eq '^f\|t\|t\|Corruption: tx [0-9]+: entries do not match Eh$' <<<"$out" || fail "immudb_verify_row('t', 2) gave: $out"
echo "immudb_verify_row('t', 2): $out"
for i in 1 3 4; do
  [ "$(sql -c "SELECT verified FROM immudb_verify_row('t', $i)")" = t ] || fail "row $i no longer verifies"
done
expect 3 "verify-row t 2: verification failed: the server cannot prove it .*tx [0-9]+: entries do not match Eh" \
  ic verify-row t 2
expect 0 "row verified: table t" ic verify-row t 1
expect 0 "row verified: table t" ic verify-row t 3
# The transaction's own entries no longer hash to its header either.
tx2=$(sql -c "SELECT tx_id FROM immudb_verify_row('t', 2)")
[ "$(sql -c "SELECT verified FROM immudb_verify_tx($tx2)")" = f ] || fail "immudb_verify_tx($tx2) still verifies"
expect 3 "verify-tx $tx2: verification failed: the server cannot prove it|verify-tx $tx2: verification failed: tx $tx2: entries" ic verify-tx "$tx2"
expect 0 "verified state" ic state  # the headers and the tree are intact
stop
cp "$tmp/state" "$tmp/state.a"

echo "-- tamper (b): history rewritten consistently, more transactions"
start "$tmp/b"
load "two-REWRITTEN"
for i in $(seq 5 12); do sql -c "INSERT INTO t VALUES ($i, 'more')"; done
sql -c "SELECT immudb_set('color', 'red')" >/dev/null
expect 3 "state: verification failed: dual proof: source header does not hash to its Alh|verification failed: .*dual proof" ic state
cmp -s "$tmp/state" "$tmp/state.a" || fail "a rejected state advanced the trusted state"
expect 3 "verification failed" ic audit --interval 0.1 --count 3
expect 3 "verification failed" ic verify-row t 2
expect 1 "verification failed: dual proof: source header does not hash to the trusted Alh" \
  "$py" "$verifier" --dsn "$conn" --row t 2 --trusted "$trusted_a"
# The rewritten store is self-consistent: only an earlier trusted state catches it.
expect 0 "trusted \(first use\)" "$client" -h 127.0.0.1 -p "$port" --state-file "$tmp/fresh" state
[ "$(sql -c "SELECT bool_and(verified) FROM immudb_state() s, LATERAL generate_series(1, s.tx_id::int) g, LATERAL immudb_verify_tx(g) v")" = t ] \
  || fail "the rewritten store does not verify on its own"
stop

echo "-- history cut: a store with fewer transactions than the trusted state"
start "$tmp/c"
load "two-original"
expect 3 "older than the trusted state" ic state
stop
echo "verify_suite: all passed"
