#!/usr/bin/env bash
# suites/jdbc_metadata.sh OUT: JDBC DatabaseMetaData conformance. The program
# jdbc/MetadataConformance.java (pgjdbc pinned below, from Maven Central)
# creates one fixed schema (jdbc_meta: keys, unique and multi-column indexes,
# foreign keys, a view, a sequence, many column types and defaults, comments)
# and dumps what EVERY DatabaseMetaData method reports over it, one section
# per call (see the program's header for the format and the masked values).
#
# There is no expected output in the repository: the reference is
# PostgreSQL itself. On the baseline target (UPSTREAM_TARGET=postgresql, run
# first by `run --baseline`) the dump is kept as
# $UPSTREAM_OUT/jdbc_metadata.postgresql.dump and every call passes by
# definition. On the immudb target each call (test id = method(args), plus
# "setup") passes when its section equals the baseline's; the differing
# sections are written to $UPSTREAM_WORK/diffs.txt. Without a baseline dump
# the suite cannot judge and exits with status 2. Fast slice = full (~5 s).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pgjdbc_version=42.7.14
out=$1
dump=$UPSTREAM_WORK/metadata.dump
baseline_dump=$UPSTREAM_OUT/jdbc_metadata.postgresql.dump
jar=$UPSTREAM_CACHE/jars/postgresql-$pgjdbc_version.jar
if [ ! -f "$jar" ]; then
  mvn -q dependency:copy -Dartifact="org.postgresql:postgresql:$pgjdbc_version" \
    -DoutputDirectory="$UPSTREAM_CACHE/jars" >/dev/null
fi
src=$here/jdbc/MetadataConformance.java
classes=$UPSTREAM_CACHE/jdbc-metadata/$(cat "$src" <(echo "$pgjdbc_version") | sha256sum | cut -c1-16)
if [ ! -f "$classes/MetadataConformance.class" ]; then
  rm -rf "$UPSTREAM_CACHE/jdbc-metadata" && mkdir -p "$classes"
  javac -d "$classes" -cp "$jar" "$src"
fi
timeout 300 java -cp "$classes:$jar" MetadataConformance "$dump"

if [ "$UPSTREAM_TARGET" = postgresql ]; then
  cp "$dump" "$baseline_dump"
  grep '^== ' "$dump" | sed 's/^== //; s/$/\tpass/' >"$out"
  exit 0
fi
[ -f "$baseline_dump" ] || { echo "jdbc_metadata: no baseline dump; run with --baseline" >&2; exit 2; }
python3 - "$baseline_dump" "$dump" "$out" "$UPSTREAM_WORK/diffs.txt" <<'PY'
import difflib, sys

def sections(path):
    """{test id: compared lines}; '#' lines are notes, not compared."""
    out, cur = {}, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("== "):
            cur = line[3:]
            out[cur] = []
        elif cur is not None and not line.startswith("#"):
            out[cur].append(line)
    return out

base, ours = sections(sys.argv[1]), sections(sys.argv[2])
with open(sys.argv[3], "w") as res, open(sys.argv[4], "w") as diffs:
    for tid in base:
        ok = ours.get(tid) == base[tid]
        res.write(f"{tid}\t{'pass' if ok else 'fail'}\n")
        if not ok:
            diffs.write(f"==== {tid}\n")
            diffs.writelines(l + "\n" for l in difflib.unified_diff(
                base[tid], ours.get(tid, ["(section missing)"]), "postgresql", "immudb", lineterm="", n=0))
PY
