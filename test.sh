#!/usr/bin/env bash
# Runs every test: installs what is missing, then the unit tests in a
# release build, under AddressSanitizer+UBSan, and the concurrency tests
# under ThreadSanitizer, then the crash test and a stress_tool smoke run.
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
jobs=$(nproc)

echo "== release build + unit tests"
scripts/build.sh build
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== SQL logic tests: expectations checked against PostgreSQL 15"
conn=$(scripts/pg_reference.sh start 55450)
trap 'scripts/pg_reference.sh stop 55450' EXIT
for f in sql/tests/*.test; do build/bin/sqllogictest --pg "$conn" "$f"; done
scripts/pg_reference.sh stop 55450
trap - EXIT
echo "== docs/SQL.md matches what the engine supports (tools/sqldoc)"
scripts/gen_sql_doc.sh --check

echo "== the server with real clients: psql (incl. \\d family), SQL logic tests over libpq, pgbench"
compat-tests/psql_smoke.sh
compat-tests/server_suite.sh
compat-tests/psql_describe.sh
compat-tests/verify_suite.sh
echo "== real drivers (psycopg2, node-postgres, pgx, lib/pq, pgjdbc) against immudb and PostgreSQL 15"
compat-tests/drivers.sh
echo "== wire level: TLS with a test CA, SCRAM offer, cancel, 200 connections, garbage input vs PostgreSQL 15, idle memory"
compat-tests/wire.sh

echo "== ORM fixtures (SQLAlchemy, Django, GORM, ActiveRecord) on PostgreSQL 15 and immudb"
orm-fixtures/run.sh

echo "== upstream suites, CI slice (PostgreSQL's regression tests, drivers' and ORMs' own suites) vs PostgreSQL 15"
compat-tests/upstream.sh --fast all

echo "== ASan+UBSan build + unit tests"
scripts/build.sh build-asan -DIMMU_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== TSan build + concurrency tests"
# Only the test binaries that hold concurrency tests (the rest would double the build).
cmake -S . -B build-tsan -G Ninja -DIMMU_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build-tsan storage_tests sql_tests server_tests
ctest --test-dir build-tsan --output-on-failure -j "$jobs" -R "concurren"

echo "== crash test (SIGKILL mid-load) and stress_tool smoke"
tools/stress_tool/crash_test.sh build/bin/stress_tool
build/bin/stress_tool --committers 4 --tx-count 50 --kv-count 100 --verify --json --dir "$(mktemp -d)"
echo "== all tests passed"
