#!/usr/bin/env bash
# compat-tests/upstream/suites/pg_regress.sh OUT: PostgreSQL 15's own
# regression tests (src/test/regress), run by Debian's pg_regress against the
# server named by PG*, one pg_regress call per test so that each test gets its
# own timeout and diff. A test passes when pg_regress says so (its output
# matches expected/TEST.out or one of the TEST_N.out alternatives, ignoring
# white space). See compat-tests/upstream/run for the calling convention.
#
# Sources: Debian's postgresql-15 source package of the version installed here
# (the binaries and pg_regress come from the same build), fetched with
# `apt-get source` (deb-src entries are derived from the machine's apt
# configuration when missing) and cached under $UPSTREAM_CACHE. The input
# directory is built by pg_regress/adapt.py: data files are loaded through
# COPY FROM STDIN and the C test library (regress.so) is not used.
#
# Database: a fresh "regression" database when the server can create one,
# else $PGDATABASE (immudb without CREATE DATABASE).
#
# Environment: PG_REGRESS_TIMEOUT (seconds per test, default 300),
# PG_REGRESS_STATEMENT_TIMEOUT (seconds per statement, default 30: a slow
# statement then shows as an error and the rest of its test still runs; the
# whole suite takes about 30 s on PostgreSQL), PG_REGRESS_TESTS (space-separated
# names, overrides the lists below), PG_REGRESS_SERVER_GIB (address-space cap of a local immudb, default 6).
# Per-test diffs land in $UPSTREAM_WORK/diffs, pg_regress's logs in
# $UPSTREAM_WORK/log, diff hunk counts in $UPSTREAM_OUT/pg_regress[.postgresql].hunks.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$1
: >"$out"
work=${UPSTREAM_WORK:?}
cache=${UPSTREAM_CACHE:?}
pgbin=/usr/lib/postgresql/15/bin
pg_regress=/usr/lib/postgresql/15/lib/pgxs/src/test/regress/pg_regress
per_test=${PG_REGRESS_TIMEOUT:-300}
per_statement=${PG_REGRESS_STATEMENT_TIMEOUT:-30}
say() { echo "pg_regress: $*"; }

# Issue 9's list; the run order is upstream's parallel_schedule, serialised.
# create_misc and create_aggregate are there because join/with and aggregates
# depend on them (parallel_schedule's comments).
full_tests="test_setup boolean int2 int4 int8 float4 float8 numeric text varchar char strings
  case select select_having select_implicit select_distinct insert insert_conflict update
  delete returning join aggregates subselect union with window arrays json jsonb date time
  timestamp timestamptz interval create_table create_index create_view sequence transactions
  create_misc create_aggregate"
# CI slice: tests that take well under a second each on both servers (none
# joins tenk1 with itself); test_setup, which loads tenk1, takes a few.
fast_tests="test_setup boolean int2 int4 int8 float4 float8 numeric text varchar char strings
  date time interval case select_having select_implicit delete create_misc create_aggregate"
if [ -n "${PG_REGRESS_TESTS:-}" ]; then
  wanted=$PG_REGRESS_TESTS
elif [ "${UPSTREAM_FAST:-0}" = 1 ]; then
  wanted=$fast_tests
else
  wanted=$full_tests
fi

[ -x "$pg_regress" ] || { say "$pg_regress missing (Debian package postgresql-15)"; exit 1; }

# ---- Sources ---------------------------------------------------------------
version=$(dpkg-query -W -f='${Version}' postgresql-15)
src=$cache/postgresql-15_$version/regress
if [ ! -f "$src/parallel_schedule" ]; then
  sudo_=""
  [ "$(id -u)" -eq 0 ] || sudo_=sudo
  if ! apt-cache showsrc postgresql-15 2>/dev/null | grep -qx "Version: $version"; then
    say "adding deb-src entries (/etc/apt/sources.list.d/immudb-upstream-deb-src.sources)"
    python3 "$here/pg_regress/deb_src.py" |
      $sudo_ tee /etc/apt/sources.list.d/immudb-upstream-deb-src.sources >/dev/null
    $sudo_ apt-get update -qq
  fi
  command -v dpkg-source >/dev/null || { say "dpkg-source missing (scripts/deps.sh installs dpkg-dev)"; exit 1; }
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/postgresql-15.tmp.XXXXXX")
  if ! (cd "$tmp" && apt-get source -qq --download-only "postgresql-15=$version" >/dev/null 2>&1); then
    rm -rf "$tmp"
    say "apt has no source package postgresql-15=$version (the installed binary's version):"
    say "upgrade postgresql-15 to a version whose source the archive still has"
    exit 1
  fi
  # apt checked the files against the signed archive index; dpkg-source only
  # warns that it has no key for the uploader's own .dsc signature.
  (cd "$tmp" && dpkg-source -x ./*.dsc tree >/dev/null 2>&1)
  mkdir -p "$(dirname "$src")"
  mv "$tmp/tree/src/test/regress" "$src"
  rm -rf "$tmp"
fi
say "PostgreSQL $version regression tests from $src"

# ---- Input directory -------------------------------------------------------
rm -rf "$work/input" "$work/diffs" "$work/log" "$work/results"
mkdir -p "$work/diffs" "$work/log"
python3 "$here/pg_regress/adapt.py" "$src" "$work/input" >"$work/log/adapt.log"

# Serialised parallel_schedule order, restricted to the wanted tests; wanted
# tests the schedule does not name run at the end.
tests=$(awk -v wanted="$wanted" '
  BEGIN { n = split(wanted, w, /[ \n]+/); for (i = 1; i <= n; i++) if (w[i] != "") want[w[i]] = 1 }
  $1 == "test:" { for (i = 2; i <= NF; i++) if ($i in want && !($i in seen)) { print $i; seen[$i] = 1 } }
  END { for (t in want) if (!(t in seen)) print t }' "$src/parallel_schedule")

# ---- Database --------------------------------------------------------------
q() { timeout 30 "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -d "${PGDATABASE:-postgres}" "$@"; }
db=${PGDATABASE:-postgres}
if q -c "DROP DATABASE IF EXISTS regression" -c "CREATE DATABASE regression" >/dev/null 2>&1; then
  db=regression
  # What pg_regress's own create_database sets (ignored where unsupported).
  for s in "lc_messages TO 'C'" "lc_monetary TO 'C'" "lc_numeric TO 'C'" "lc_time TO 'C'" \
           "bytea_output TO 'hex'" "timezone_abbreviations TO 'Default'"; do
    q -c "ALTER DATABASE regression SET $s" >/dev/null 2>&1 || true
  done
fi
say "database $db on ${PGHOST:-localhost}:${PGPORT:-5432} as ${PGUSER:-}, $per_test s per test, $per_statement s per statement"
# A local immudb gets an address-space cap (pg_regress/cap_server.py says why).
case ${PGHOST:-localhost} in
  127.0.0.1|localhost|::1) python3 "$here/pg_regress/cap_server.py" "${PGPORT:-5432}" "${PG_REGRESS_SERVER_GIB:-24}" |
                             sed 's/^/pg_regress: /' ;;
esac

alive() { timeout 10 "$pgbin/psql" -X -At -d "$db" -c "SELECT 1" >/dev/null 2>&1; }

# ---- Run -------------------------------------------------------------------
hunks_file=$work/hunks
: >"$hunks_file"
# The per-statement limit (PG_REGRESS_STATEMENT_TIMEOUT), on both servers.
export PGOPTIONS="${PGOPTIONS:-} -c statement_timeout=${per_statement}s"
dead=""
npass=0
nfail=0
for t in $tests; do
  if [ -n "$dead" ]; then
    printf '%s\tfail\n' "$t" >>"$out"
    nfail=$((nfail + 1))
    continue
  fi
  rm -f "$work/regression.diffs" "$work/regression.out"
  start=$(date +%s.%N)
  rc=0
  timeout -k 10 $((per_test + 60)) "$pg_regress" --use-existing --bindir="$pgbin" \
    --inputdir="$work/input" --outputdir="$work" --dbname="$db" \
    ${PGHOST:+--host="$PGHOST"} ${PGPORT:+--port="$PGPORT"} ${PGUSER:+--user="$PGUSER"} \
    --launcher="timeout -k 5 $per_test" "$t" >"$work/log/$t.log" 2>&1 || rc=$?
  secs=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(date +%s.%N)")
  hunks=0
  if [ -s "$work/regression.diffs" ]; then
    mv "$work/regression.diffs" "$work/diffs/$t.diff"
    hunks=$(grep -c '^@@' "$work/diffs/$t.diff" || true)
  fi
  case $rc in
    0) verdict=pass; npass=$((npass + 1)) ;;
    1|124|137) verdict=fail; nfail=$((nfail + 1)) ;;
    *) say "pg_regress exited $rc on $t:"; cat "$work/log/$t.log"; exit 1 ;;
  esac
  note=""
  if [ "$rc" = 124 ] || [ "$rc" = 137 ] || grep -q "exit code 1[23][47]" "$work/log/$t.log"; then
    note=", TIMED OUT"
  fi
  printf '%s\t%s\n' "$t" "$verdict" >>"$out"
  printf '%s\t%s\n' "$t" "$hunks" >>"$hunks_file"
  say "$t ... $verdict ($hunks diff hunks, ${secs} s$note)"
  if [ "$verdict" = fail ] && ! alive; then
    dead=$t
    say "SERVER NOT ANSWERING after $t: the remaining tests are recorded as failed"
    tail -n 5 "$work/results/$t.out" 2>/dev/null | sed 's/^/pg_regress:   /'
  fi
done
case ${UPSTREAM_TARGET:-immudb} in
  immudb) cp "$hunks_file" "${UPSTREAM_OUT:-$work}/pg_regress.hunks" ;;
  *) cp "$hunks_file" "${UPSTREAM_OUT:-$work}/pg_regress.$UPSTREAM_TARGET.hunks" ;;
esac
say "$npass passed, $nfail failed${dead:+ (server stopped answering during $dead)}"
