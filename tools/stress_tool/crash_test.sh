#!/usr/bin/env bash
# Crash test: kills a writer with SIGKILL mid-load, several times over the
# same store, and checks after each kill that every acknowledged commit is
# present and the whole store verifies (hash chain, Eh, proofs).
#   tools/stress_tool/crash_test.sh build/bin/stress_tool [rounds]
set -euo pipefail
tool=${1:?path to stress_tool}
rounds=${2:-4}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
acks="$dir/acks"
for round in $(seq 1 "$rounds"); do
  "$tool" --dir "$dir/store" --committers 8 --tx-count 100000 --kv-count 20 \
          --ack-file "$acks" >/dev/null 2>&1 &
  pid=$!
  # Kill at a different point each round.
  sleep "0.$((3 + round * 2))"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  out=$("$tool" --dir "$dir/store" --check-acks "$acks")
  echo "crash round $round: $out"
done
echo "crash test passed: $(wc -l <"$acks") acknowledged commits survived $rounds SIGKILLs"
