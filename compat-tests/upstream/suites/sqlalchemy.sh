#!/usr/bin/env bash
# suites/sqlalchemy.sh OUT: SQLAlchemy's dialect compliance suite
# (sqlalchemy.testing.suite, run by test/dialect/test_suite.py of the
# SQLAlchemy sdist pinned in python/requirements.txt) with pytest, once per
# driver: postgresql+psycopg (ids "psycopg::<nodeid>") and
# postgresql+psycopg2 ("psycopg2::<nodeid>"), against the PG* server.
# Pass/fail comes from pytest's junit xml; skipped tests are not reported.
# The suite wants the schemas test_schema and test_schema_2; they are
# created first. python/sqla_extensions.py lets a server without the citext
# and hstore extensions run the suite (see there). A test is stopped after
# SQLA_TEST_TIMEOUT seconds (default 120), a driver's run after
# SQLA_RUN_TIMEOUT (default 3600). UPSTREAM_FAST=1 runs a fixed subset of
# classes ($fast_classes).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$1
. "$here/python/setup.sh"
upstream_venv
upstream_sdist SQLAlchemy
work=${UPSTREAM_WORK:-$(mktemp -d)}
mkdir -p "$work"
: >"$out"
: >"$work/sqlalchemy.causes"

# The CI slice: classes that cover DML, RETURNING, types, DDL, limits and
# CTEs without the long reflection classes.
fast_classes=(
  BooleanTest IntegerTest NumericTest StringTest TextTest DateTimeTest DateTest
  SimpleUpdateDeleteTest InsertBehaviorTest ReturningTest LimitOffsetTest
  OrderByLabelTest ExistsTest LikeFunctionsTest CTETest TableDDLTest
)
select=()
if [ "${UPSTREAM_FAST:-0}" = 1 ]; then
  expr=""
  for c in "${fast_classes[@]}"; do expr+="${expr:+ or }$c"; done
  select=(-k "$expr")
fi

psql -XAtq -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" \
  -c "CREATE SCHEMA IF NOT EXISTS test_schema" -c "CREATE SCHEMA IF NOT EXISTS test_schema_2" >/dev/null

url_of() {  # DRIVER
  "$py" - "$1" <<'PY'
import os, sys
from urllib.parse import quote
e = os.environ
print(f"postgresql+{sys.argv[1]}://{quote(e['PGUSER'], safe='')}:{quote(e.get('PGPASSWORD', ''), safe='')}"
      f"@{e.get('PGHOST', '127.0.0.1')}:{e.get('PGPORT', '5432')}/{quote(e['PGDATABASE'], safe='')}")
PY
}

for driver in psycopg psycopg2; do
  junit=$work/sqlalchemy.$driver.xml
  rm -f "$junit"
  rc=0
  # The sdist's test/conftest.py puts its lib/ first on sys.path: the tests
  # run the sdist's SQLAlchemy, the same version as the venv's.
  (cd "$src" && PYTHONPATH=$pydir timeout -k 10 "${SQLA_RUN_TIMEOUT:-3600}" \
     "$py" -m pytest -p sqla_extensions -p no:cacheprovider -o addopts="" \
     --timeout "${SQLA_TEST_TIMEOUT:-120}" -q --tb=short --dropfirst \
     --dburi "$(url_of "$driver")" --junitxml "$junit" ${select[@]+"${select[@]}"} \
     test/dialect/test_suite.py) >"$work/sqlalchemy.$driver.log" 2>&1 || rc=$?
  # pytest: 0 all passed, 1 some failed; anything else (or no report) means
  # the harness broke.
  if [ ! -s "$junit" ] || [ "$rc" -gt 1 ]; then
    echo "sqlalchemy: pytest with $driver exited $rc; log: $work/sqlalchemy.$driver.log" >&2
    tail -n 20 "$work/sqlalchemy.$driver.log" >&2
    exit 1
  fi
  "$py" "$pydir/sqla_results.py" "$driver" "$junit" "$out" "$work/sqlalchemy.causes"
  echo "sqlalchemy: $driver: $(grep -c "^$driver::.*	pass$" "$out" || true) passed," \
    "$(grep -c "^$driver::.*	fail$" "$out" || true) failed (causes: $work/sqlalchemy.causes)"
done
