#!/usr/bin/env bash
# suites/django.sh OUT: Django's own test suite (tests/runtests.py of the
# Django sdist pinned in python/requirements.txt) on the PostgreSQL backend
# (python/django_settings.py, from the PG* variables), one runtests.py run
# per app of $apps so that an app whose test databases cannot be set up (or
# that hangs) costs only its own tests. Ids are Django test labels
# (app.module.Class.method); python/django_results.py records each outcome
# and fails every planned test that did not report one (set-up errors,
# killed runs). Skipped tests are not reported. A test is interrupted after
# DJANGO_TEST_TIMEOUT seconds (default 120), an app's run after
# DJANGO_APP_TIMEOUT (default 1200). UPSTREAM_FAST=1 runs $fast_apps only.
# The runner creates and drops the databases test_django_default and
# test_django_other, so the server needs CREATE/DROP DATABASE.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$1
. "$here/python/setup.sh"
upstream_venv
upstream_sdist Django
work=${UPSTREAM_WORK:-$(mktemp -d)}
mkdir -p "$work"
: >"$out"
: >"$work/django.causes"

# The curated list grows as apps pass. postgres_tests runs the
# django.contrib.postgres tests that need no extension on our server (its
# migrations create extensions: where that fails, its tests are listed).
apps=(
  basic queries lookup aggregation annotations expressions model_fields
  model_inheritance many_to_one many_to_many one_to_one select_related
  prefetch_related ordering update delete transactions migrations schema
  introspection backends inspectdb postgres_tests
)
fast_apps=(basic lookup)
[ "${UPSTREAM_FAST:-0}" = 1 ] && apps=("${fast_apps[@]}")

# Django opens its maintenance connections (CREATE/DROP DATABASE) on the
# database "postgres", which every PostgreSQL cluster has; runtests.py turns
# the fallback's RuntimeWarning into an error.
if [ -z "$(psql -XAtc "SELECT 1 FROM pg_database WHERE datname = 'postgres'")" ]; then
  psql -XAtq -c "CREATE DATABASE postgres"
fi

for app in "${apps[@]}"; do
  planned=$work/django.$app.planned outcomes=$work/django.$app.outcomes
  rm -f "$planned" "$outcomes" "$work/django.$app.results"
  start=$SECONDS
  rc=0
  (cd "$src/tests" && PYTHONPATH=$pydir DJANGO_PLANNED=$planned DJANGO_OUTCOMES=$outcomes \
     timeout -k 10 "${DJANGO_APP_TIMEOUT:-1200}" "$py" -W ignore runtests.py \
     --settings=django_settings --parallel 1 --noinput -v 1 "$app") \
     >"$work/django.$app.log" 2>&1 || rc=$?
  # No planned test means runtests.py broke before building its suite.
  if [ ! -s "$planned" ]; then
    echo "django: $app: runtests.py exited $rc before planning tests; log: $work/django.$app.log" >&2
    tail -n 20 "$work/django.$app.log" >&2
    exit 1
  fi
  "$py" "$pydir/django_results.py" collect "$planned" "$outcomes" "$work/django.$app.results" \
    "$work/django.causes"
  echo "django: $app: $(grep -c '	pass$' "$work/django.$app.results" || true) passed," \
    "$(grep -c '	fail$' "$work/django.$app.results" || true) failed, $((SECONDS - start)) s (exit $rc)"
  cat "$work/django.$app.results" >>"$out"
  rm -f "$work/django.$app.results"
done
