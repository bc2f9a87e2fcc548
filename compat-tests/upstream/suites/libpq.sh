#!/usr/bin/env bash
# suites/libpq.sh OUT: github.com/lib/pq's own tests (the Go driver's
# _test.go files from its module zip, pinned below) against the PG* server.
# lib/pq's tests read the standard PG* variables (TESTS.md); PGSSLMODE is
# "disable" (our server and the baseline have no TLS certificates, so the SSL
# tests skip on both). Each test runs in its own process with a 60 s limit
# (go/gotest.py). The suite is small (~10 s), so the fast slice is all of it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# Own schema, first on search_path, recreated per run: the tables the tests
# leave behind (on immudb a TEMP table outlives its session) cannot leak into
# other suites, and a rerun starts clean.
schema=upstream_libpq
psql -X -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" -c "CREATE SCHEMA $schema" >/dev/null
export PGOPTIONS="-c search_path=$schema"
export PGSSLMODE=disable PGCONNECT_TIMEOUT=20
exec python3 "$here/go/gotest.py" --module github.com/lib/pq --version v1.10.9 --name pq \
  --packages . hstore --timeout 60 --out "$1"
