#!/usr/bin/env python3
"""Ranks the error messages behind pg_regress failures on immudb.

usage: causes.py [DIFF_DIR] [TOP]   (default build/upstream/pg_regress.immudb/diffs, 40)

Reads the per-test diffs the suite keeps, takes the ERROR lines only our
server printed ("+ERROR: ...", names and numbers in them normalised to
placeholders so "type "point"" and "type "path"" stay apart but "relation
"t1"" and "relation "t2"" merge) and prints, most widespread first, how many
tests and diff lines each message accounts for. Vague messages ("... not
supported yet") get the first words of the statement that raised them. A
first guide to what to fix next; error texts that differ from PostgreSQL show
up as -/+ pairs.
"""
import collections
import os
import re
import sys

NAMES_KEPT = re.compile(r'^(type|function|operator|syntax error at or near)\b')
# A line of the echoed script that starts a statement (psql -a echoes it at
# column 0; result rows start with a space or "(").
STATEMENT = re.compile(r"^[ +-]([A-Za-z]+(?: +[A-Za-z_]+)?)")
NOT_STATEMENT = {"ERROR", "LINE", "HINT", "DETAIL", "NOTICE", "CONTEXT", "WARNING", "QUERY"}


def normalise(msg):
    msg = re.sub(r"\s+", " ", msg.strip())
    if not NAMES_KEPT.match(msg):
        msg = re.sub(r'"[^"]*"', '"X"', msg)
    else:
        # Keep the type / function name, drop argument lists.
        msg = re.sub(r"\(([^()]*)\)", "(...)", msg)
    return re.sub(r"\b\d+\b", "N", msg)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "build/upstream/pg_regress.immudb/diffs"
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    tests = collections.defaultdict(set)
    lines = collections.Counter()
    for name in sorted(os.listdir(root)):
        if not name.endswith(".diff"):
            continue
        test = name[:-5]
        with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
            statement = ""
            for line in f:
                m = STATEMENT.match(line)
                if m and m.group(1).split()[0].upper() not in NOT_STATEMENT and not line.startswith(("---", "+++")):
                    statement = m.group(1).upper()
                if line.startswith("+ERROR:"):
                    key = normalise(line[len("+ERROR:"):])
                    if "not supported" in key:
                        key += f"  [{statement}]"
                    tests[key].add(test)
                    lines[key] += 1
    ranked = sorted(tests, key=lambda k: (-len(tests[k]), -lines[k], k))
    for key in ranked[:top]:
        names = sorted(tests[key])
        shown = " ".join(names[:8]) + (" ..." if len(names) > 8 else "")
        print(f"{len(names):3d} tests {lines[key]:5d} lines  {key}\n      {shown}")


if __name__ == "__main__":
    main()
