#!/usr/bin/env bash
# ORM fixtures (issue 8): SQLAlchemy 2 (Core + ORM), Django, GORM v2 and
# ActiveRecord 6.1, each run first against a throwaway PostgreSQL 15 (which
# proves the fixture right) and then against a freshly started build/bin/immudb.
# Both servers get the same role (immudb), password and database (defaultdb),
# so a fixture sees identical connection settings (PGHOST/PGPORT/PGUSER/
# PGPASSWORD/PGDATABASE) and only ORM_SERVER=postgres|immudb differs.
# A fixture writes its introspection output to $ORM_OUT/introspect.txt; the
# immudb output must equal PostgreSQL's. A fixture may skip a feature immudb
# lacks only by printing "XFAIL <missing feature>: <error>" (listed under its
# line here); none does at present.
# Prints one line per fixture and server; exits non-zero on any failure.
# Packages are cached under ~/.cache/immudb-orm (venv, Go modules).
# Usage: orm-fixtures/run.sh [fixture...]   (default: all, in order)
# IMMUDB_BIN overrides the binary; ORM_PG_PORT the PostgreSQL port;
# ORM_VERBOSE=1 prints every log, ORM_KEEP=1 keeps them (and the data).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=${IMMUDB_BIN:-$root/build/bin/immudb}
cache=${ORM_CACHE:-$HOME/.cache/immudb-orm}
[ -x "$bin" ] || { echo "orm-fixtures: $bin not built" >&2; exit 1; }
fixtures=("$@")
((${#fixtures[@]})) || fixtures=(sqlalchemy django gorm activerecord)

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

tmp=$(mktemp -d)
chmod 755 "$tmp"
pg_port=${ORM_PG_PORT:-$(free_port)}
server_pid=""
pg_started=0
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  [ "$pg_started" = 1 ] && "$root/scripts/pg_reference.sh" stop "$pg_port"
  if [ -n "${ORM_KEEP:-}" ]; then echo "orm-fixtures: logs kept in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# --- installs (cached) -------------------------------------------------------
setup_python() {
  local venv=$cache/venv stamp
  stamp=$(cat "$here"/*/requirements.txt | sha256sum | cut -c1-16)
  if [ ! -f "$venv/.stamp-$stamp" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check \
      -r "$here/sqlalchemy/requirements.txt" -r "$here/django/requirements.txt"
    touch "$venv/.stamp-$stamp"
  fi
  python=$venv/bin/python
}
setup_go() {
  command -v go >/dev/null || { echo "orm-fixtures: go is not installed" >&2; return 1; }
  export GOMODCACHE=${GOMODCACHE:-$cache/gomod} GOFLAGS=-mod=mod
  (cd "$here/gorm" && go build -o "$cache/gorm_fixture" .)
}
setup_ruby() {
  ruby -e 'require "active_record"; require "pg"' 2>/dev/null ||
    { echo "orm-fixtures: ruby-activerecord/ruby-pg missing (scripts/deps.sh)" >&2; return 1; }
}

# --- servers -----------------------------------------------------------------
export PGHOST=127.0.0.1 PGUSER=immudb PGPASSWORD=orm-pw PGDATABASE=defaultdb PGCONNECT_TIMEOUT=5
pg_conn=$("$root/scripts/pg_reference.sh" start "$pg_port")
pg_started=1
psql "$pg_conn" -Xq -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE immudb LOGIN SUPERUSER PASSWORD 'orm-pw'" -c "CREATE DATABASE defaultdb OWNER immudb"
imm_port=$(free_port)
"$bin" --dir "$tmp/data" --address 127.0.0.1 --pgsql-server-port "$imm_port" \
  --admin-password orm-pw >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  psql "port=$imm_port sslmode=disable" -XAtc "SELECT 1" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
  sleep 0.1
done

# --- fixtures ----------------------------------------------------------------
run_fixture() {  # NAME SERVER PORT -> runs the fixture, output in $tmp/NAME.SERVER
  local name=$1 server=$2 port=$3 out=$tmp/$1.$2
  mkdir -p "$out"
  local -a cmd
  case $name in
    sqlalchemy) cmd=("$python" "$here/sqlalchemy/fixture.py") ;;
    django) cmd=("$python" "$here/django/fixture.py") ;;
    gorm) cmd=("$cache/gorm_fixture") ;;
    activerecord) cmd=(ruby "$here/activerecord/fixture.rb") ;;
  esac
  (cd "$out" && ORM_SERVER=$server ORM_OUT=$out PGPORT=$port PGSSLMODE=disable \
     timeout 120 "${cmd[@]}") >"$out/log" 2>&1
}

# One "client<TAB>server<TAB>pass|fail<TAB>summary" line per run, for
# compat-tests/report.py (docs/COMPATIBILITY.md).
results=${COMPAT_OUT:-$root/build/compat}/orm.tsv
mkdir -p "$(dirname "$results")"
: >"$results"
failed=0 passes=0 failures=0
for name in "${fixtures[@]}"; do
  case $name in
    sqlalchemy|django) setup_python ;;
    gorm) setup_go ;;
    activerecord) setup_ruby ;;
    *) echo "orm-fixtures: unknown fixture $name" >&2; exit 2 ;;
  esac
  for server in postgres immudb; do
    port=$pg_port
    [ "$server" = immudb ] && port=$imm_port
    t0=$(date +%s.%N)
    status=PASS
    if ! run_fixture "$name" "$server" "$port"; then
      status=FAIL
    elif [ "$server" = immudb ] && [ -f "$tmp/$name.postgres/introspect.txt" ] &&
         ! diff -u "$tmp/$name.postgres/introspect.txt" "$tmp/$name.immudb/introspect.txt" \
           >"$tmp/$name.immudb/introspect.diff"; then
      status="FAIL (introspection differs from PostgreSQL)"
    fi
    xfail=$(grep -c '^XFAIL' "$tmp/$name.$server/log" || true)
    [ "$xfail" = 0 ] && xfail="" || xfail=", $xfail expected failures"
    printf 'orm-fixtures: %-12s %-8s %s (%ss%s)\n' "$name" "$server" "$status" "$(elapsed "$t0")" "$xfail"
    if [ "$status" != PASS ] || [ -n "${ORM_VERBOSE:-}" ]; then
      # The log without stack frames (Python "File", Ruby "from" lines).
      grep -vE '^\s+(from |File |\^+$|[^ ].*\^\^)' "$tmp/$name.$server/log" | tail -25 | sed 's/^/    /'
      [ -f "$tmp/$name.$server/introspect.diff" ] && sed 's/^/    /' "$tmp/$name.$server/introspect.diff" | head -60
    fi
    grep '^XFAIL' "$tmp/$name.$server/log" | sed 's/^/    /' || true
    printf '%s\t%s\t%s\t%s\n' "$name" "${server/postgres/postgresql}" \
      "$([ "$status" = PASS ] && echo pass || echo fail)" "$status$xfail" >>"$results"
    if [ "$status" = PASS ]; then passes=$((passes + 1)); else failures=$((failures + 1)) failed=1; fi
  done
done
echo "orm-fixtures: $passes passed, $failures failed"
((failed == 0)) || { echo "orm-fixtures: FAIL"; tail -20 "$tmp/server.log" | sed 's/^/    server: /'; exit 1; }
echo "orm-fixtures: PASS"
