#!/usr/bin/env python3
"""Regenerates docs/COMPATIBILITY.md from the results of the last runs.

Inputs (written by the test scripts under build/):
  build/compat/drivers.tsv   compat-tests/drivers.sh      client, server, pass|fail, summary
  build/compat/orm.tsv       orm-fixtures/run.sh          same
  build/upstream/SUITE.json  compat-tests/upstream/run    figures per upstream suite
  compat-tests/upstream/expected/SUITE.xfail              expected failures with causes
Versions come from the fixtures' own pin files, so the table cannot drift
from what ran. Usage: compat-tests/report.py [--out FILE] (default
docs/COMPATIBILITY.md). Sections between "<!-- generated:NAME -->" markers
are replaced; the prose around them is kept.
"""
import argparse
import collections
import glob
import json
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def pin(path, pattern):
    m = re.search(pattern, read(path), re.M)
    return m.group(1) if m else "?"


def deb_version(package):
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True)
        return out.stdout.strip() or "?"
    except OSError:
        return "?"


def versions():
    req = "compat-tests/drivers/python/requirements.txt"
    return {
        "psycopg2": "psycopg2-binary " + pin(req, r"^psycopg2-binary==(\S+)"),
        "psycopg3": "psycopg " + pin(req, r"^psycopg==(\S+)"),
        "node-postgres": "pg " + pin("compat-tests/drivers/node/package.json", r'"pg":\s*"([^"]+)"'),
        "pgx+lib/pq": "pgx " + pin("compat-tests/drivers/go/go.mod", r"jackc/pgx/v5 (\S+)") + ", lib/pq "
        + pin("compat-tests/drivers/go/go.mod", r"lib/pq (\S+)"),
        "pgjdbc": "pgjdbc " + pin("compat-tests/drivers.sh", r"^pgjdbc_version=(\S+)"),
        "sqlalchemy": "SQLAlchemy " + pin("orm-fixtures/sqlalchemy/requirements.txt", r"^SQLAlchemy==(\S+)"),
        "django": "Django " + pin("orm-fixtures/django/requirements.txt", r"^Django==(\S+)"),
        "gorm": "gorm " + pin("orm-fixtures/gorm/go.mod", r"gorm.io/gorm (\S+)") + ", driver/postgres "
        + pin("orm-fixtures/gorm/go.mod", r"gorm.io/driver/postgres (\S+)"),
        "activerecord": "ActiveRecord " + deb_version("ruby-activerecord") + " (Debian), ruby-pg "
        + deb_version("ruby-pg"),
    }


def clients_table():
    vers = versions()
    runs = collections.OrderedDict()
    for name in ("drivers", "orm"):
        path = os.path.join(ROOT, "build", "compat", name + ".tsv")
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 4:
                    continue
                client, server, verdict, summary = parts[:4]
                runs.setdefault(client, {})[server] = (verdict, summary)
    if not runs:
        return "No client results yet: run compat-tests/drivers.sh and orm-fixtures/run.sh.\n"
    lines = ["| client | version | PostgreSQL 15 | immudb | immudb's result |",
             "|---|---|---|---|---|"]
    for client, by_server in runs.items():
        pg = by_server.get("postgresql", ("not run", ""))[0]
        im, summary = by_server.get("immudb", ("not run", ""))
        lines.append(f"| {client} | {vers.get(client, '?')} | {pg} | {im} | {summary.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def upstream_table():
    rows = []
    for path in sorted(glob.glob(os.path.join(ROOT, "build", "upstream", "*.json"))):
        with open(path, encoding="utf-8") as f:
            r = json.load(f)
        counted = r["passed"] + r["failed"] + r["expected_failures"] + r["unexpected_passes"]
        pg = (f"{r['postgresql_passed']}/{r['postgresql_ran']}" if r.get("postgresql_ran") is not None else "not run")
        # A listed test that now passes (not yet removed from the list) passed.
        passed = r["passed"] + r["unexpected_passes"]
        pct = f"{100.0 * passed / counted:.1f}%" if counted else "-"
        rows.append(f"| {r['suite']} | {'CI slice' if r['fast'] else 'full'} | {passed}/{counted} ({pct}) | "
                    f"{r['expected_failures']} | {r['failed']} | {pg} | {r['not_counted_baseline_failed']} |")
    if not rows:
        return "No upstream results yet: run compat-tests/upstream.sh.\n"
    head = ["| suite | run | immudb passed / counted | expected failures | unexpected failures | "
            "PostgreSQL 15 passed / ran | not counted (fail on PostgreSQL) |", "|---|---|---|---|---|---|---|"]
    return "\n".join(head + rows) + "\n"


def causes_table():
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "compat-tests", "upstream", "expected", "*.xfail"))):
        suite = os.path.basename(path)[:-len(".xfail")]
        causes = collections.Counter()
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    causes[line.rstrip("\n").partition("\t")[2].strip() or "(no reason given)"] += 1
        if not causes:
            continue
        out.append(f"\n**{suite}** ({sum(causes.values())} expected failures)\n")
        out.append("| tests | cause |\n|---|---|")
        for cause, n in causes.most_common(15):
            out.append(f"| {n} | {cause.replace('|', '/')} |")
        if len(causes) > 15:
            out.append(f"| {sum(n for _, n in causes.most_common()[15:])} | {len(causes) - 15} other causes |")
    return "\n".join(out) + "\n" if out else "No expected failures listed.\n"


def replace_section(text, name, body):
    start, end = f"<!-- generated:{name} -->", f"<!-- /generated:{name} -->"
    block = f"{start}\n{body}{end}"
    if start in text:
        return re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    return text + f"\n{block}\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "COMPATIBILITY.md"))
    a = ap.parse_args()
    text = open(a.out, encoding="utf-8").read() if os.path.exists(a.out) else "# Compatibility\n"
    text = replace_section(text, "clients", clients_table())
    text = replace_section(text, "upstream", upstream_table())
    text = replace_section(text, "causes", causes_table())
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"report: wrote {a.out}")


if __name__ == "__main__":
    main()
