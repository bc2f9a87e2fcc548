"""Turns a pytest junit xml of SQLAlchemy's dialect suite into the judge's
lines (suites/sqlalchemy.sh):

  sqla_results.py DRIVER JUNIT RESULTS CAUSES

appends "DRIVER::<nodeid><TAB>pass|fail" to RESULTS and "id<TAB>cause" for
each failure to CAUSES. The suite names its classes after the server
version (ComponentReflectionTest_postgresql+psycopg_15_18); that suffix is
dropped so ids match between PostgreSQL and immudb. Skipped tests are not
reported; a test reported twice (a call and a teardown error) fails if any
report failed.
"""
import re
import sys
import xml.etree.ElementTree as ET

_SERVER_SUFFIX = re.compile(r"_postgresql\+[a-z0-9]+_[0-9_]+$")
_SQL = re.compile(r"\[SQL: (.*?)\]\n", re.S)


def main(driver, junit, results_path, causes_path):
    verdict, cause = {}, {}
    for case in ET.parse(junit).iter("testcase"):
        module = case.get("classname", "")
        path, _, cls = module.rpartition(".")
        # classname "test.dialect.test_suite.Class" -> nodeid path part
        nodeid = f"{path.replace('.', '/')}.py::{_SERVER_SUFFIX.sub('', cls)}::{case.get('name')}"
        tid = f"{driver}::{nodeid}"
        v, why = "pass", ""
        for child in case:
            if child.tag in ("failure", "error"):
                v = "fail"
                msg = (child.get("message") or "").strip().splitlines()
                why = msg[0] if msg else child.tag
                # The statement that failed, when there is one, names the
                # feature better than the message alone.
                sql = _SQL.findall(child.text or "")
                if sql:
                    why += " | SQL: " + " ".join(sql[-1].split())[:200]
                why = why[:600].replace("\t", " ")
                break
            if child.tag == "skipped":
                v = "skip"
        if verdict.get(tid) == "fail":
            continue
        if v == "fail" or verdict.get(tid) in (None, "skip"):
            verdict[tid], cause[tid] = v, why
    with open(results_path, "a", encoding="utf-8") as res, \
            open(causes_path, "a", encoding="utf-8") as causes:
        for tid in sorted(verdict):
            if verdict[tid] == "skip":
                continue
            res.write(f"{tid}\t{verdict[tid]}\n")
            if verdict[tid] == "fail":
                causes.write(f"{tid}\t{cause[tid]}\n")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
