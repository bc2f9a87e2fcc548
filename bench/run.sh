#!/usr/bin/env bash
# bench/run.sh: the same workloads against PostgreSQL 15 and immudb on this
# machine, in one run, both fully durable (fsync + synchronous commit on
# PostgreSQL, --synced=true on immudb). Writes bench/results/latest.json and
# latest.md with ours/PostgreSQL ratios. Options through the environment:
#   SCALE (pgbench scale, default 10), DURATION (seconds per run, default 10).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/deps.sh
scripts/build.sh build >/dev/null
scale=${SCALE:-10}
duration=${DURATION:-10}
out=$root/bench/results
mkdir -p "$out"
tmp=$(mktemp -d)
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
im_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
im_pid=""
cleanup() {
  [ -n "$im_pid" ] && kill -TERM "$im_pid" 2>/dev/null && wait "$im_pid" 2>/dev/null || true
  scripts/pg_reference.sh stop "$pg_port" || true
  rm -rf "$tmp"
}
trap cleanup EXIT

pg_conn=$(PGREF_DURABLE=1 scripts/pg_reference.sh start "$pg_port")
pg_dir=/tmp/immu_pgref_$pg_port
build/bin/immudb --dir "$tmp/im" --pgsql-server-port "$im_port" --admin-password bench --synced=true \
  >"$tmp/immudb.log" 2>&1 &
im_pid=$!
for _ in $(seq 50); do (echo >"/dev/tcp/127.0.0.1/$im_port") 2>/dev/null && break; sleep 0.1; done
im_conn="host=127.0.0.1 port=$im_port user=immudb dbname=defaultdb password=bench"

rss_kb() {  # resident memory of a process tree, in KiB
  local pid=$1 total=0
  for p in $pid $(pgrep -P "$pid" || true); do
    total=$((total + $(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
pg_pid=$(head -1 "$pg_dir/postmaster.pid")
results=$tmp/results.tsv
: >"$results"
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$results"; }  # workload metric pg ours

now() { date +%s.%N; }
init_time() {
  local conn=$1 t0 t1
  t0=$(now)
  pgbench -i -s "$scale" -q "$conn" >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log" >&2; return 1; }
  t1=$(now)
  python3 -c "print(f'{$t1 - $t0:.2f}')"
}
echo "== pgbench -i -s $scale"
pg_init=$(init_time "$pg_conn")
im_init=$(init_time "$im_conn")
record "pgbench init scale $scale" "seconds" "$pg_init" "$im_init"
record "after init" "rss_mib" "$(($(rss_kb "$pg_pid") / 1024))" "$(($(rss_kb "$im_pid") / 1024))"
record "after init" "disk_mib" "$(du -sm "$pg_dir" | cut -f1)" "$(du -sm "$tmp/im" | cut -f1)"

tps() {  # conn, pgbench args...
  local conn=$1
  shift
  pgbench "$@" -T "$duration" "$conn" >"$tmp/run.log" 2>&1 || { cat "$tmp/run.log" >&2; echo 0; return; }
  local failed
  failed=$(grep -o 'number of failed transactions: [0-9]*' "$tmp/run.log" | grep -o '[0-9]*$' || echo 0)
  echo "$(grep -o 'tps = [0-9.]*' "$tmp/run.log" | grep -o '[0-9.]*$')/$failed"
}
for mode in simple prepared; do
  for clients in 1 8; do
    for script in "select-only:-S" "tpcb:"; do
      name=${script%%:*}
      flags=${script#*:}
      echo "== $name, $clients clients, $mode"
      # shellcheck disable=SC2086
      p=$(tps "$pg_conn" $flags -M "$mode" -c "$clients" -j "$clients")
      # shellcheck disable=SC2086
      o=$(tps "$im_conn" $flags -M "$mode" -c "$clients" -j "$clients")
      record "$name c=$clients $mode" "tps" "${p%/*}" "${o%/*}"
      record "$name c=$clients $mode" "failed_tx" "${p#*/}" "${o#*/}"
    done
  done
done

echo "== single-row INSERT ... RETURNING, 8 clients"
for conn in "$pg_conn" "$im_conn"; do
  psql "$conn" -q -c "DROP TABLE IF EXISTS bench_ins" -c "CREATE TABLE bench_ins (id bigserial PRIMARY KEY, v float8, t text)"
done
echo "INSERT INTO bench_ins (v, t) VALUES (random(), 'payload') RETURNING id;" >"$tmp/ins.sql"
p=$(tps "$pg_conn" -n -f "$tmp/ins.sql" -M prepared -c 8 -j 8)
o=$(tps "$im_conn" -n -f "$tmp/ins.sql" -M prepared -c 8 -j 8)
record "insert returning c=8 prepared" "tps" "${p%/*}" "${o%/*}"
echo "== mixed ORM-style workload (secondary-index point read, short join, update), 8 clients"
for conn in "$pg_conn" "$im_conn"; do
  psql "$conn" -q -v ON_ERROR_STOP=1 <<'SQL'
DROP TABLE IF EXISTS bench_posts;
DROP TABLE IF EXISTS bench_authors;
CREATE TABLE bench_authors (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text NOT NULL);
CREATE TABLE bench_posts (id serial PRIMARY KEY, author_id int NOT NULL REFERENCES bench_authors,
                          title text NOT NULL, views int NOT NULL DEFAULT 0, created timestamptz DEFAULT now());
CREATE INDEX bench_posts_author ON bench_posts (author_id);
INSERT INTO bench_authors (email, name) SELECT 'user' || g || '@x.org', 'name ' || g FROM generate_series(1, 10000) g;
INSERT INTO bench_posts (author_id, title) SELECT 1 + g % 10000, 'post ' || g FROM generate_series(1, 100000) g;
SQL
done
cat >"$tmp/orm.sql" <<'SQL'
\set a random(1, 10000)
\set p random(1, 100000)
SELECT id, name FROM bench_authors WHERE email = 'user' || :a || '@x.org';
SELECT p.id, p.title, a.name FROM bench_posts p INNER JOIN bench_authors a ON a.id = p.author_id WHERE p.author_id = :a ORDER BY p.id LIMIT 10;
UPDATE bench_posts SET views = views + 1 WHERE id = :p;
SQL
p=$(tps "$pg_conn" -n -f "$tmp/orm.sql" -M prepared -c 8 -j 8)
o=$(tps "$im_conn" -n -f "$tmp/orm.sql" -M prepared -c 8 -j 8)
record "mixed ORM-style c=8 prepared" "tps" "${p%/*}" "${o%/*}"
record "mixed ORM-style c=8 prepared" "failed_tx" "${p#*/}" "${o#*/}"
record "after all" "rss_mib" "$(($(rss_kb "$pg_pid") / 1024))" "$(($(rss_kb "$im_pid") / 1024))"
record "after all" "disk_mib" "$(du -sm "$pg_dir" | cut -f1)" "$(du -sm "$tmp/im" | cut -f1)"

python3 - "$results" "$out" "$scale" "$duration" <<'PY'
import json, sys, datetime, platform
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
out, scale, duration = sys.argv[2], sys.argv[3], sys.argv[4]
data = []
for w, m, pg, ours in rows:
    pg_v, o_v = float(pg or 0), float(ours or 0)
    # Lower is better for seconds, memory and disk: ratio = pg/ours there.
    lower_better = m in ("seconds", "rss_mib", "disk_mib", "failed_tx")
    ratio = (pg_v / o_v if o_v else None) if lower_better else (o_v / pg_v if pg_v else None)
    data.append({"workload": w, "metric": m, "postgresql": pg_v, "immudb": o_v,
                 "ratio": None if m == "failed_tx" else (round(ratio, 3) if ratio is not None else None)})
meta = {"date": datetime.datetime.utcnow().isoformat() + "Z", "scale": int(scale), "duration_s": int(duration),
        "machine": platform.node(), "note": "ratio > 1 means immudb is better (throughput, or less time/memory/disk)"}
json.dump({"meta": meta, "results": data}, open(f"{out}/latest.json", "w"), indent=1)
with open(f"{out}/latest.md", "w") as f:
    f.write(f"Benchmark {meta['date']}, pgbench scale {scale}, {duration} s per run, both servers fully durable.\n")
    f.write("Ratio > 1: immudb better (more throughput, or less time / memory / disk).\n\n")
    f.write("| workload | metric | PostgreSQL 15 | immudb | ratio |\n|---|---|---:|---:|---:|\n")
    for d in data:
        r = "" if d["ratio"] is None else f"{d['ratio']:.2f}"
        f.write(f"| {d['workload']} | {d['metric']} | {d['postgresql']:g} | {d['immudb']:g} | {r} |\n")
print(open(f"{out}/latest.md").read())
PY
