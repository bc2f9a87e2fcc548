#!/usr/bin/env bash
# suites/pgx.sh OUT: github.com/jackc/pgx/v5's own tests (the _test.go files
# of its module zip, pinned below) against the PG* server. pgx's tests connect
# to PGX_TEST_DATABASE (and pgconn's also to PGX_TEST_TCP_CONN_STRING), both
# set here from the PG* variables; the optional ones (unix socket, TLS, md5/
# scram/plain-password users, PgBouncer, CockroachDB) stay unset, so those
# tests skip on both servers. The setup pgx's CONTRIBUTING.md asks for
# (testsetup/postgresql_setup.sql: hstore and ltree extensions, the uint64
# domain, the "tricky" role its aclitem test names) is applied to each target
# first; a statement the target refuses only fails the tests that need it.
# Each top-level test runs in its own process with a 30 s limit
# (go/gotest.py). Fast slice: the pgx package itself and stdlib (the
# database/sql adapter), ~1 minute; the full run adds pgconn, pgtype,
# pgxpool, tracelog and the packages that need no server.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# Own schema, first on search_path, recreated per run: the tables the tests
# leave behind (on immudb a TEMP table outlives its session) cannot leak into
# other suites, and a rerun starts clean.
schema=upstream_pgx
psql -X -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" -c "CREATE SCHEMA $schema" >/dev/null
export PGOPTIONS="-c search_path=$schema"
conn="host=$PGHOST port=$PGPORT user=$PGUSER password=$PGPASSWORD dbname=$PGDATABASE sslmode=disable"
export PGX_TEST_DATABASE=$conn PGX_TEST_TCP_CONN_STRING=$conn
psql -X -q >"$UPSTREAM_WORK/setup.log" 2>&1 <<'SQL' || true
create extension if not exists hstore;
create extension if not exists ltree;
create domain uint64 as numeric(20,0);
create user " tricky, ' } "" \\ test user " superuser password 'secret';
SQL
exec python3 "$here/go/gotest.py" --module github.com/jackc/pgx/v5 --version v5.7.6 --name pgx \
  --packages . internal/iobufpool internal/pgio internal/pgmock internal/sanitize multitracer pgconn \
    pgconn/ctxwatch pgconn/internal/bgreader pgproto3 pgtype pgtype/zeronull pgxpool stdlib tracelog \
  --fast-packages . stdlib --timeout 30 --out "$1"
