#!/usr/bin/env bash
# scripts/gen_sql_doc.sh [--check]: regenerates docs/SQL.md with tools/sqldoc
# against a throwaway PostgreSQL 15 (scripts/pg_reference.sh). With --check
# it writes build/SQL.md instead and fails when it differs from docs/SQL.md
# (the test command runs this, so the reference cannot drift from the code).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${SQLDOC_PG_PORT:-55470}
[ -x build/bin/sqldoc ] || { echo "gen_sql_doc: build/bin/sqldoc not built" >&2; exit 1; }
out=docs/SQL.md
[ "${1:-}" = --check ] && out=build/SQL.md
conn=$(scripts/pg_reference.sh start "$port")
trap 'scripts/pg_reference.sh stop "$port"' EXIT
build/bin/sqldoc --pg "$conn" --out "$out"
if [ "${1:-}" = --check ]; then
  if ! diff -u docs/SQL.md "$out" >build/SQL.md.diff; then
    head -40 build/SQL.md.diff
    echo "gen_sql_doc: docs/SQL.md is stale: run scripts/gen_sql_doc.sh and commit it" >&2
    exit 1
  fi
  echo "gen_sql_doc: docs/SQL.md is current"
fi
