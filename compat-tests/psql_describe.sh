#!/usr/bin/env bash
# psql's describe commands against build/bin/immudb: starts the server on a
# free port and a temporary --dir, creates a small schema (serial primary
# key, composite key, UNIQUE constraint, unique and plain indexes, defaults,
# NOT NULL), then runs psql's \d family and tab-completion-style catalog
# queries. Any ERROR (or a psql failure) fails the script; with
# PSQL_DESCRIBE_VERBOSE=1 every output is printed.
# Exits non-zero on any failure. IMMUDB_BIN overrides the binary.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${IMMUDB_BIN:-$root/build/bin/immudb}
[ -x "$bin" ] || { echo "psql_describe: $bin not built" >&2; exit 1; }
command -v psql >/dev/null || { echo "psql_describe: psql not installed" >&2; exit 1; }

tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "psql_describe: FAIL: $*" >&2
  echo "--- server log (tail) ---" >&2
  tail -20 "$tmp/server.log" >&2 || true
  exit 1
}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" --dir "$tmp/data" --address 127.0.0.1 --pgsql-server-port "$port" --admin-password describe-pw \
  >"$tmp/server.log" 2>&1 &
server_pid=$!

export PGPASSWORD=describe-pw PGCONNECT_TIMEOUT=5
conn="host=127.0.0.1 port=$port user=immudb dbname=defaultdb sslmode=disable"
for _ in $(seq 1 100); do
  if psql "$conn" -XAtc "SELECT 1" >/dev/null 2>&1; then break; fi
  kill -0 "$server_pid" 2>/dev/null || fail "server exited during startup"
  sleep 0.1
done

cat >"$tmp/schema.sql" <<'SQL'
CREATE TABLE accounts (id serial PRIMARY KEY, email varchar(100) NOT NULL UNIQUE,
                       balance numeric(10,2) DEFAULT 0, created timestamp DEFAULT now(), note text);
CREATE TABLE items (sku int, region int, qty int NOT NULL DEFAULT 1, PRIMARY KEY (sku, region));
CREATE INDEX items_qty ON items (qty);
CREATE UNIQUE INDEX accounts_note_idx ON accounts (note);
CREATE TABLE nopk (a int, b text);
CREATE TABLE orders (id int PRIMARY KEY, account int REFERENCES accounts ON DELETE CASCADE,
                     sku int, region int, qty int CHECK (qty > 0),
                     FOREIGN KEY (sku, region) REFERENCES items DEFERRABLE INITIALLY DEFERRED);
CREATE SCHEMA shop;
CREATE TABLE shop.stock (id bigserial PRIMARY KEY, item int NOT NULL, note varchar(20) DEFAULT 'none');
CREATE SEQUENCE shop.ticket START 100 INCREMENT 5;
CREATE VIEW rich AS SELECT id, email FROM accounts WHERE balance > 100;
COMMENT ON TABLE accounts IS 'customer accounts';
COMMENT ON COLUMN accounts.email IS 'login name';
COMMENT ON SCHEMA shop IS 'the shop';
SQL
psql "$conn" -X -v ON_ERROR_STOP=1 -q -f "$tmp/schema.sql" >"$tmp/schema.out" 2>&1 || fail "schema: $(cat "$tmp/schema.out")"

commands=(
  '\d' '\dt' '\dt+' '\d accounts' '\d+ accounts' '\d items' '\d orders' '\d nopk' '\d accounts_pkey' '\di' '\di+'
  '\ds' '\dv' '\dm' '\l' '\l+' '\dn' '\dn+' '\df' '\du' '\dg' '\dT' '\dx' '\dp' '\db' '\dC' '\dD' '\do'
  '\dS pg_class' '\d information_schema.tables'
)
failed=0
for c in "${commands[@]}"; do
  if ! out=$(psql "$conn" -X -c "$c" 2>&1) || grep -q "ERROR" <<<"$out"; then
    echo "psql_describe: $c failed:" >&2
    echo "$out" >&2
    failed=1
    continue
  fi
  [ "${PSQL_DESCRIBE_VERBOSE:-0}" = 1 ] && printf '=== %s\n%s\n' "$c" "$out"
  echo "psql_describe: $c ok"
done

# Queries drivers and tab completion send.
queries=(
  "SELECT pg_catalog.quote_ident(c.relname) FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'S', 'v', 'm', 'f', 'p') AND substring(pg_catalog.quote_ident(c.relname),1,3)='acc' AND pg_catalog.pg_table_is_visible(c.oid) AND c.relnamespace <> (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'pg_catalog')"
  "SELECT 'accounts'::regclass::oid > 0, 'accounts'::regclass::text"
  "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
  "SELECT constraint_name, constraint_type FROM information_schema.table_constraints WHERE table_name = 'accounts' ORDER BY 1"
)
for q in "${queries[@]}"; do
  if ! out=$(psql "$conn" -X -c "$q" 2>&1) || grep -q "ERROR" <<<"$out"; then
    echo "psql_describe: query failed: $q" >&2
    echo "$out" >&2
    failed=1
  fi
done

# The same schema in PostgreSQL 15: these commands must print exactly what
# PostgreSQL prints (the ones above that list server-wide objects, such as
# \l, \du or \dx, differ by design: other databases, roles, extensions).
same=(
  '\d' '\dt' '\d accounts' '\d items' '\d orders' '\d nopk' '\d accounts_pkey' '\di' '\ds' '\dv'
  '\dt shop.*' '\d shop.stock' '\ds shop.*' '\d rich' '\dn' '\dT' '\df' '\dd accounts'
)
# Not compared: \d+ of a view prints the view's query as PostgreSQL's
# ruleutils re-formats it (qualified columns, casts, line breaks), which we
# do not reproduce yet.
pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if pgconn=$("$root/scripts/pg_reference.sh" start "$pgport" 2>"$tmp/pg.err"); then
  trap 'cleanup; "$root/scripts/pg_reference.sh" stop "$pgport" >/dev/null 2>&1 || true' EXIT
  # Objects owned by a role named like ours, so Owner columns match.
  psql "$pgconn" -X -q -c "CREATE ROLE immudb SUPERUSER LOGIN" >/dev/null 2>&1 || true
  pgconn="$pgconn user=immudb"
  psql "$pgconn" -X -v ON_ERROR_STOP=1 -q -f "$tmp/schema.sql" >/dev/null 2>&1 || fail "schema on PostgreSQL"
  for c in "${same[@]}"; do
    ours=$(psql "$conn" -X -c "$c" 2>&1 || true)
    theirs=$(psql "$pgconn" -X -c "$c" 2>&1 || true)
    if [ "$ours" != "$theirs" ]; then
      echo "psql_describe: $c differs from PostgreSQL 15:" >&2
      diff <(echo "$theirs") <(echo "$ours") >&2 || true
      failed=1
    else
      echo "psql_describe: $c same as PostgreSQL"
    fi
  done
else
  fail "cannot start the reference PostgreSQL: $(cat "$tmp/pg.err")"
fi

[ "$failed" = 0 ] || fail "some describe commands failed"
echo "psql_describe: all ok"
