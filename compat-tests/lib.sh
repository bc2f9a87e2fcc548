# compat-tests/lib.sh: shared helpers for the scripts that start servers.
# Source it; it defines functions only and changes no shell options.

# Prints a free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_immudb BIN DIR PORT PASSWORD LOG: starts the server in the background,
# sets IMMUDB_PID and waits (up to 10 s) until it answers SELECT 1 as immudb.
start_immudb() {
  local bin=$1 dir=$2 port=$3 pw=$4 log=$5
  "$bin" --dir "$dir" --address 127.0.0.1 --pgsql-server-port "$port" \
    --admin-password "$pw" >"$log" 2>&1 &
  IMMUDB_PID=$!
  local _
  for _ in $(seq 1 100); do
    PGPASSWORD=$pw psql "host=127.0.0.1 port=$port user=immudb dbname=defaultdb" \
      -XAtc "SELECT 1" >/dev/null 2>&1 && return 0
    kill -0 "$IMMUDB_PID" 2>/dev/null || { cat "$log" >&2; echo "immudb died on start" >&2; return 1; }
    sleep 0.1
  done
  echo "immudb did not answer on port $port" >&2
  return 1
}

# stop_immudb: SIGTERM, then the exit status of the server (0 on a clean stop).
stop_immudb() {
  [ -n "${IMMUDB_PID:-}" ] || return 0
  kill -TERM "$IMMUDB_PID" 2>/dev/null || true
  local rc=0
  wait "$IMMUDB_PID" || rc=$?
  IMMUDB_PID=""
  return "$rc"
}

# PG* environment for the two targets.
env_immudb() {  # PORT PASSWORD
  export PGHOST=127.0.0.1 PGPORT=$1 PGUSER=immudb PGPASSWORD=$2 PGDATABASE=defaultdb
}
env_postgresql() {  # PORT (scripts/pg_reference.sh trusts local connections)
  export PGHOST=127.0.0.1 PGPORT=$1 PGUSER=postgres PGPASSWORD=unused PGDATABASE=postgres
}
