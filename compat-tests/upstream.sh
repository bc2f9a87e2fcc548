#!/usr/bin/env bash
# compat-tests/upstream.sh [run options] [SUITE... | all]: starts a fresh
# build/bin/immudb and a throwaway PostgreSQL 15, then runs
# compat-tests/upstream/run with PostgreSQL as the baseline. The test command
# calls it with --fast all (the CI slice); without arguments it runs every
# suite in full (the figures in docs/COMPATIBILITY.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/compat-tests/lib.sh"
bin=${IMMUDB_BIN:-$root/build/bin/immudb}
# A port of the reserved range (scripts/deps.sh) no other run is using, so two
# runs can overlap.
# The port is claimed by creating /tmp/immu_upstream_port_P (mkdir is atomic),
# so two runs started together cannot pick the same one; the claim goes on
# exit.
claim=""
pick_pg_port() {
  local p
  for p in $(seq 55462 55499); do
    [ -d "/tmp/immu_pgref_$p" ] && continue
    mkdir "/tmp/immu_upstream_port_$p" 2>/dev/null || continue
    if python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1', $p))" 2>/dev/null; then
      echo "$p"
      return
    fi
    rmdir "/tmp/immu_upstream_port_$p"
  done
  echo "upstream: no free reference port in 55462-55499" >&2
  exit 1
}
if [ -n "${UPSTREAM_PG_PORT:-}" ]; then
  pg_port=$UPSTREAM_PG_PORT
else
  pg_port=$(pick_pg_port) || exit 1
  claim=/tmp/immu_upstream_port_$pg_port
fi
[ -x "$bin" ] || { echo "upstream: $bin not built" >&2; exit 1; }
[ $# -gt 0 ] || set -- all
tmp=$(mktemp -d)
cleanup() {
  [ -n "${IMMUDB_PID:-}" ] && kill -KILL "$IMMUDB_PID" 2>/dev/null || true
  "$root/scripts/pg_reference.sh" stop "$pg_port" >/dev/null 2>&1 || true
  [ -z "$claim" ] || rmdir "$claim" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
port=$(free_port)
# Runaway statements (huge joins, endless recursive WITH) fail with 54000 at
# 1 GiB instead of growing the server until the machine's OOM killer acts.
export IMMUDB_MAX_STATEMENT_MEMORY=$((1 << 30))
start_immudb "$bin" "$tmp/data" "$port" upstream-pw "$tmp/server.log"
"$root/scripts/pg_reference.sh" start "$pg_port" >/dev/null
env_immudb "$port" upstream-pw
rc=0
"$root/compat-tests/upstream/run" --baseline "$pg_port" "$@" || rc=$?
stop_immudb || { echo "upstream: server did not stop cleanly" >&2; tail -n 30 "$tmp/server.log"; rc=1; }
exit "$rc"
