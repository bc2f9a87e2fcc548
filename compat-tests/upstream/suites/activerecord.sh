#!/usr/bin/env bash
# suites/activerecord.sh OUT: ActiveRecord 6.1's own tests, from Debian's
# rails source package (apt-get source; the deb-src entries are derived from
# the machine's own Debian entries when missing), run with Debian's
# ruby-activerecord, ruby-pg, ruby-minitest and ruby-mocha (scripts/deps.sh):
# test/cases/adapters/postgresql/* and the core cases below, in one process
# (ruby/ar_runner.rb: one schema load, best-effort and reported statement by
# statement as schema:NNN ids; a fixed seed; 40 s per test, as
# relation/or_test takes 22 s on PostgreSQL).
# The connection is the PG* target with test/config.yml's "postgresql"
# entries; databases activerecord_unittest and activerecord_unittest2 are
# dropped and created first, on both servers.
# Fast slice: the PostgreSQL adapter tests except transaction_test (its lock
# and statement timeout tests wait out the per-test limit on immudb), ~1.5
# minutes on immudb.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$1
# The installed ruby-activerecord's own source version first; the pinned one
# when the archive no longer serves it (security updates move on).
pinned=2:6.1.7.10+dfsg-1~deb12u2
versions=("$(dpkg-query -W -f='${source:Version}' ruby-activerecord 2>/dev/null || true)" "$pinned")

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if ! apt-cache showsrc rails 2>/dev/null | grep -q '^Package: rails'; then
  # deb-src twins of the Debian archive entries (shared with pg_regress.sh).
  python3 "$here/pg_regress/deb_src.py" | $SUDO tee /etc/apt/sources.list.d/immudb-upstream-deb-src.sources >/dev/null
  $SUDO apt-get update -qq
fi
src=$UPSTREAM_CACHE/rails/src
if [ ! -d "$src/activerecord/test" ]; then
  rm -rf "$UPSTREAM_CACHE/rails" && mkdir -p "$UPSTREAM_CACHE/rails"
  ok=""
  for v in "${versions[@]}"; do
    [ -n "$v" ] || continue
    if (cd "$UPSTREAM_CACHE/rails" && apt-get source --download-only "rails=$v" >/dev/null 2>&1); then ok=$v; break; fi
  done
  [ -n "$ok" ] || { echo "activerecord: apt-get source rails failed for ${versions[*]}" >&2; exit 1; }
  dsc=$(ls "$UPSTREAM_CACHE"/rails/rails_*.dsc)
  dpkg-source -x "$dsc" "$src" >/dev/null
fi

for db in activerecord_unittest activerecord_unittest2; do
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
done
work=$UPSTREAM_WORK/activerecord
rm -rf "$work" && cp -r "$src/activerecord" "$work"
entry="      host: $PGHOST
      port: $PGPORT
      username: $PGUSER
      password: $PGPASSWORD
      min_messages: warning"
cat >"$UPSTREAM_WORK/config.yml" <<YML
default_connection: postgresql
connections:
  postgresql:
    arunit:
$entry
    arunit_without_prepared_statements:
$entry
      prepared_statements: false
    arunit2:
$entry
YML

cd "$work"
files=()
for f in test/cases/adapters/postgresql/*_test.rb; do
  [ "${UPSTREAM_FAST:-0}" = 1 ] && [ "$f" = test/cases/adapters/postgresql/transaction_test.rb ] && continue
  files+=("$f")
done
if [ "${UPSTREAM_FAST:-0}" != 1 ]; then
  files+=(test/cases/base_test.rb test/cases/finder_test.rb test/cases/relations_test.rb
          test/cases/relation/*_test.rb)
fi
rc=0
ARCONFIG=$UPSTREAM_WORK/config.yml ARCONN=postgresql timeout 1800 \
  ruby -Itest "$here/ruby/ar_runner.rb" "$out" 40 "${files[@]}" >"$UPSTREAM_WORK/tests.log" 2>&1 || rc=$?
# Minitest exits 1 when a test failed; anything else (a crash in the harness,
# the timeout's 124) is the harness breaking.
if [ "$rc" -gt 1 ]; then
  tail -n 20 "$UPSTREAM_WORK/tests.log" >&2
  exit "$rc"
fi
grep -q . "$out" || { tail -n 20 "$UPSTREAM_WORK/tests.log" >&2; exit 1; }
