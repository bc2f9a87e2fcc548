#!/usr/bin/env python3
"""Judges one upstream suite's results against its expected-failures list.

A test counts against us only when PostgreSQL passed it in the same job (or
when no baseline ran). Exit status 1 on an unexpected failure, an unexpected
pass, or (full runs only) a stale list entry; the regenerated list is then
printed and written to OUT/SUITE.xfail.new to paste back. The last line is
"SUITE: N passed, M failed, K expected failures" (M: unexpected failures).
OUT/SUITE.json keeps the figures for docs/COMPATIBILITY.md (report.py).
"""
import argparse
import json
import os
import sys


def read_results(path):
    res = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            tid, _, verdict = line.rpartition("\t")
            if verdict not in ("pass", "fail") or not tid:
                raise SystemExit(f"{path}: bad result line {line!r}")
            # A test reported twice fails if any report failed.
            res[tid] = "fail" if res.get(tid) == "fail" else verdict
    return res


def read_list(path):
    entries = {}
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line.strip() or line.startswith("#"):
                    continue
                tid, _, reason = line.partition("\t")
                entries[tid] = reason.strip()
    return entries


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--baseline")
    ap.add_argument("--xfail")
    ap.add_argument("--ignore")
    ap.add_argument("--fast", default="0")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    fast = a.fast == "1"

    ours = read_results(a.results)
    base = read_results(a.baseline) if a.baseline else None
    xfail = read_list(a.xfail)
    ignore = read_list(a.ignore)

    passed, failed, expected, unexpected_pass, not_counted, ignored = [], [], [], [], [], []
    for tid in sorted(ours):
        if tid in ignore:
            ignored.append(tid)
        elif base is not None and base.get(tid) != "pass":
            not_counted.append(tid)
        elif ours[tid] == "pass":
            (unexpected_pass if tid in xfail else passed).append(tid)
        else:
            (expected if tid in xfail else failed).append(tid)
    stale = [] if fast else sorted(t for t in xfail if t not in ours)

    ok = not failed and not unexpected_pass and not stale
    for title, items in (("UNEXPECTED FAILURE", failed), ("UNEXPECTED PASS", unexpected_pass),
                         ("STALE ENTRY (test not run)", stale)):
        for tid in items:
            print(f"{a.suite}: {title}: {tid}")
    if not ok:
        keep = {t: r for t, r in xfail.items() if t not in unexpected_pass and t not in stale}
        for tid in failed:
            keep[tid] = "unclassified: give the cause"
        text = "".join(f"{t}\t{keep[t]}\n" for t in sorted(keep))
        path = os.path.join(a.out, f"{a.suite}.xfail.new")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        if not fast:
            print(f"--- regenerated expected/{a.suite}.xfail (also in {path}) ---")
            sys.stdout.write(text)
            print("---")
        else:
            print(f"{a.suite}: list to paste back (entries seen in this slice): {path}")

    pg_total = len(base) if base is not None else None
    pg_passed = sum(1 for v in base.values() if v == "pass") if base is not None else None
    summary = {
        "suite": a.suite, "fast": fast, "passed": len(passed), "failed": len(failed),
        "expected_failures": len(expected), "unexpected_passes": len(unexpected_pass),
        "not_counted_baseline_failed": len(not_counted), "ignored": len(ignored),
        "ran": len(ours), "postgresql_passed": pg_passed, "postgresql_ran": pg_total,
    }
    with open(os.path.join(a.out, f"{a.suite}.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)
    extra = f" ({len(not_counted)} not counted: failed on PostgreSQL too)" if not_counted else ""
    print(f"{a.suite}: {len(passed)} passed, {len(failed)} failed, {len(expected)} expected failures{extra}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
