#!/usr/bin/env bash
# scripts/pg_reference.sh start|stop [PORT]: a throwaway PostgreSQL 15 cluster
# (Debian's package) for checking test expectations against the real thing.
# Prints the libpq connection string on start. PGREF_DURABLE=1 keeps fsync
# and synchronous_commit on (benchmarks); the default turns fsync off (tests).
set -euo pipefail
cmd=${1:-start}
port=${2:-55450}
dir=/tmp/immu_pgref_$port
bin=/usr/lib/postgresql/15/bin
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
case "$cmd" in
  start)
    if [ ! -d "$dir" ]; then
      mkdir -p "$dir"
      [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
      as_pg "$bin/initdb -D $dir -A trust -U postgres -E UTF8 --locale=C >/dev/null"
    fi
    durability="-c fsync=off"
    [ "${PGREF_DURABLE:-0}" = 1 ] && durability="-c fsync=on -c synchronous_commit=on"
    # The port lies in the ephemeral range: a client socket may hold it for a
    # moment, so a failed bind is retried.
    for attempt in 1 2 3 4 5; do
      as_pg "$bin/pg_ctl -D $dir -o '-p $port -k /tmp $durability -c max_connections=200' -l $dir/log -w start >/dev/null" && break
      [ "$attempt" = 5 ] && exit 1
      sleep 2
    done
    echo "host=/tmp port=$port user=postgres dbname=postgres"
    ;;
  stop)
    as_pg "$bin/pg_ctl -D $dir -m fast stop >/dev/null" || true
    rm -rf "$dir"
    ;;
esac
