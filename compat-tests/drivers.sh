#!/usr/bin/env bash
# Real PostgreSQL drivers against build/bin/immudb AND against PostgreSQL 15
# (scripts/pg_reference.sh), so that every fixture's expectations are shown to
# be PostgreSQL's own:
#   python/  psycopg2, psycopg 3 (requirements.txt)      node/  node-postgres (package.json)
#   go/      pgx and lib/pq (go.mod)          java/  pgjdbc, prepareThreshold=1, binary
# Installs are pinned in each fixture's own files and cached under
# ${XDG_CACHE_HOME:-~/.cache}/immudb-drivers (reinstalled when a pin changes).
# DRIVERS_PG_PORT picks the reference server's port (default 55452).
# Exits non-zero when any fixture fails on either server.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
fixtures=$root/compat-tests/drivers
bin=${IMMUDB_BIN:-$root/build/bin/immudb}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/immudb-drivers
pg_port=${DRIVERS_PG_PORT:-55452}
pgjdbc_version=42.7.14  # Maven Central org.postgresql:postgresql
[ -x "$bin" ] || { echo "drivers: $bin not built" >&2; exit 1; }
for tool in python3 node npm go javac java mvn; do
  command -v "$tool" >/dev/null || { echo "drivers: $tool is not installed" >&2; exit 1; }
done
mkdir -p "$cache"

# Runs "$@" to install, unless stamp's content already equals the key
# (a hash of the pinned files), so unchanged pins cost nothing.
cached() {
  local stamp=$cache/$1.stamp key=$2
  shift 2
  if [ "$(cat "$stamp" 2>/dev/null)" != "$key" ]; then
    "$@"
    echo "$key" >"$stamp"
  fi
}
key_of() { cat "$@" | sha256sum | cut -c1-16; }

echo "drivers: installing (cached in $cache)"
install_python() {
  rm -rf "$cache/venv"
  python3 -m venv "$cache/venv"
  "$cache/venv/bin/pip" install -q --disable-pip-version-check -r "$fixtures/python/requirements.txt"
}
cached python "$(key_of "$fixtures/python/requirements.txt")" install_python
install_node() {
  rm -rf "$cache/node"
  mkdir -p "$cache/node"
  cp "$fixtures/node/package.json" "$fixtures/node/package-lock.json" "$cache/node/"
  (cd "$cache/node" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}
cached node "$(key_of "$fixtures/node/package.json" "$fixtures/node/package-lock.json")" install_node
# Go's own caches make a rebuild of an unchanged module cheap.
(cd "$fixtures/go" && go build -mod=readonly -o "$cache/go-drivers" .)
jar=$cache/jars/postgresql-$pgjdbc_version.jar
if [ ! -f "$jar" ]; then
  mvn -q dependency:copy -Dartifact="org.postgresql:postgresql:$pgjdbc_version" \
    -DoutputDirectory="$cache/jars" >/dev/null
fi
install_java() {
  rm -rf "$cache/java"
  javac -d "$cache/java" -cp "$jar" "$fixtures/java/JdbcTest.java"
}
cached java "$(key_of "$fixtures/java/JdbcTest.java" <(echo "$pgjdbc_version"))" install_java

tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" || true; fi
  "$root/scripts/pg_reference.sh" stop "$pg_port" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" --dir "$tmp/data" --address 127.0.0.1 --pgsql-server-port "$port" \
  --admin-password drivers-pw >"$tmp/server.log" 2>&1 &
server_pid=$!
"$root/scripts/pg_reference.sh" start "$pg_port" >/dev/null
for _ in $(seq 1 100); do
  PGPASSWORD=drivers-pw psql "host=127.0.0.1 port=$port user=immudb dbname=defaultdb" \
    -XAtc "SELECT 1" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log"; echo "drivers: server died" >&2; exit 1; }
  sleep 0.1
done

passed=0
failed=0
failures=()
# One "client<TAB>server<TAB>pass|fail<TAB>summary" line per run, for
# compat-tests/report.py (docs/COMPATIBILITY.md).
results=${COMPAT_OUT:-$root/build/compat}/drivers.tsv
mkdir -p "$(dirname "$results")"
: >"$results"
run_fixture() {  # name target command...
  local name=$1 target=$2
  shift 2
  local start=$SECONDS
  if "$@" >"$tmp/out" 2>&1; then
    printf '%s\t%s\tpass\t%s\n' "$name" "$target" "$(tail -n1 "$tmp/out")" >>"$results"
    passed=$((passed + 1))
    echo "drivers: ok   $name on $target ($((SECONDS - start))s): $(tail -n1 "$tmp/out")"
  else
    printf '%s\t%s\tfail\t%s\n' "$name" "$target" "$(tail -n1 "$tmp/out")" >>"$results"
    failed=$((failed + 1))
    failures+=("$name on $target")
    echo "drivers: FAIL $name on $target:"
    sed 's/^/    /' "$tmp/out" | tail -n 30
  fi
}

for target in postgresql immudb; do
  if [ "$target" = immudb ]; then
    export PGHOST=127.0.0.1 PGPORT=$port PGUSER=immudb PGPASSWORD=drivers-pw PGDATABASE=defaultdb
  else
    # The reference cluster trusts local connections; the password is ignored.
    export PGHOST=127.0.0.1 PGPORT=$pg_port PGUSER=postgres PGPASSWORD=unused PGDATABASE=postgres
  fi
  run_fixture psycopg2 "$target" "$cache/venv/bin/python" "$fixtures/python/psycopg2_test.py"
  run_fixture psycopg3 "$target" "$cache/venv/bin/python" "$fixtures/python/psycopg3_test.py"
  run_fixture node-postgres "$target" env NODE_PATH="$cache/node/node_modules" node "$fixtures/node/pg_test.js"
  run_fixture pgx+lib/pq "$target" "$cache/go-drivers"
  run_fixture pgjdbc "$target" java -cp "$cache/java:$jar" JdbcTest
done

kill -TERM "$server_pid"
rc=0
wait "$server_pid" || rc=$?
server_pid=""
if [ "$rc" -ne 0 ]; then
  failed=$((failed + 1))
  failures+=("immudb exit status $rc after SIGTERM")
  cat "$tmp/server.log"
fi
echo "drivers: $passed passed, $failed failed"
for f in "${failures[@]+"${failures[@]}"}"; do echo "drivers: failed: $f"; done
[ "$failed" -eq 0 ]
