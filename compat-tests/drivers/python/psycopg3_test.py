"""psycopg 3 fixture: server-side parameters (extended protocol) of every
type in text and binary, prepared statements, pipeline mode, COPY,
nested transactions (savepoints), SQLSTATEs and introspection.

Connects with the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD,
PGDATABASE) set by compat-tests/drivers.sh, which runs it against immudb and
against PostgreSQL 15: every expectation here must hold on both.
Exits non-zero on the first failure.
"""
import datetime
import decimal
import sys
import uuid

import psycopg
from psycopg import errors
from psycopg.types.json import Jsonb

checks = 0


def check(what, got, want):
    global checks
    checks += 1
    if got != want:
        print(f"psycopg3: FAIL {what}: got {got!r}, want {want!r}")
        sys.exit(1)


def expect_error(what, fn, cls, state):
    try:
        fn()
    except cls as e:
        check(what + " SQLSTATE", e.sqlstate, state)
        return
    check(what + " raised", False, True)


conn = psycopg.connect("")
conn.execute("DROP TABLE IF EXISTS drv_pg3_child")
conn.execute("DROP TABLE IF EXISTS drv_pg3")
conn.execute(
    """CREATE TABLE drv_pg3 (
         id INTEGER PRIMARY KEY, sm SMALLINT, b BIGINT, n NUMERIC(12,3), r REAL,
         f DOUBLE PRECISION, s TEXT, v VARCHAR(20), by BYTEA, ok BOOLEAN, d DATE,
         t TIME, ts TIMESTAMP, tz TIMESTAMPTZ, iv INTERVAL, u UUID, j JSONB,
         arr INTEGER[])""")
conn.execute("""CREATE TABLE drv_pg3_child (id SERIAL PRIMARY KEY,
                  parent INTEGER NOT NULL REFERENCES drv_pg3(id), note TEXT)""")
conn.commit()

utc = datetime.timezone.utc
rows = [
    (1, 7, 9_000_000_000, decimal.Decimal("12345.678"), 1.5, 2.5e300, "héllo 'q' \\ b", "short",
     b"\x00\xde\xad\xbe\xef\xff", True, datetime.date(2024, 2, 29), datetime.time(23, 59, 58, 250000),
     datetime.datetime(2024, 1, 2, 3, 4, 5, 123456),
     datetime.datetime(2024, 1, 2, 3, 4, 5, 654321, tzinfo=utc),
     datetime.timedelta(days=3, seconds=3723), uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
     {"a": [1, 2], "s": "x"}, [1, 2, 3]),
    (2, -32768, -1, decimal.Decimal("-0.001"), -0.25, -2.25e-10, "", "", b"", False,
     datetime.date(1999, 12, 31), datetime.time(0, 0), datetime.datetime(1970, 1, 1),
     datetime.datetime(2030, 6, 1, 12, tzinfo=utc), datetime.timedelta(0), uuid.UUID(int=0), [], []),
    (3,) + (None,) * 17,
]
insert = "INSERT INTO drv_pg3 VALUES (" + ",".join(["%s"] * 18) + ")"
with conn.cursor() as cur:
    cur.executemany(insert, [r[:16] + (Jsonb(r[16]) if r[16] is not None else None, r[17]) for r in rows])
    check("executemany rowcount", cur.rowcount, 3)
conn.commit()
conn.execute("SET TIME ZONE 'UTC'")

cols = "id, sm, b, n, r, f, s, v, by, ok, d, t, ts, tz, iv, u, j, arr"
for binary in (False, True):
    with conn.cursor(binary=binary) as cur:
        cur.execute(f"SELECT {cols} FROM drv_pg3 ORDER BY id")
        got = cur.fetchall()
        check(f"row count (binary={binary})", len(got), 3)
        for want, row in zip(rows, got):
            check(f"row {want[0]} (binary={binary})", tuple(row), want)
        # Parameters in WHERE, one per type, sent in the cursor's format.
        for i, col in enumerate(cols.split(", ")[1:16], start=1):
            if col in ("r", "f"):
                continue  # float equality with a binary float8 param of a real column differs by design
            cur.execute(f"SELECT id FROM drv_pg3 WHERE {col} = %s", (rows[0][i],))
            check(f"WHERE {col} = param (binary={binary})", cur.fetchall(), [(1,)])

# Prepared statements: prepare=True makes psycopg use a named server-side statement.
with conn.cursor() as cur:
    for i in range(3):
        cur.execute("SELECT s, %s::int * 2 FROM drv_pg3 WHERE id = %s", (i, 1), prepare=True)
        check(f"prepared run {i}", cur.fetchone(), ("héllo 'q' \\ b", i * 2))
    cur.execute("SELECT name FROM pg_prepared_statements WHERE statement LIKE '%drv_pg3 WHERE id%'")
    check("prepared statement listed", len(cur.fetchall()) >= 1, True)

# Pipeline mode: several statements before one Sync.
with conn.pipeline():
    c1 = conn.execute("INSERT INTO drv_pg3_child (parent, note) VALUES (%s, %s) RETURNING id", (1, "a"))
    c2 = conn.execute("INSERT INTO drv_pg3_child (parent, note) VALUES (%s, %s) RETURNING id", (1, "b"))
    c3 = conn.execute("SELECT count(*) FROM drv_pg3_child WHERE parent = %s", (1,))
id1, id2 = c1.fetchone()[0], c2.fetchone()[0]
check("pipeline returning ids", id2 - id1, 1)
check("pipeline count", c3.fetchone(), (2,))
conn.commit()

# COPY FROM STDIN (text rows written by psycopg) and COPY TO STDOUT.
with conn.cursor() as cur:
    with cur.copy("COPY drv_pg3_child (parent, note) FROM STDIN") as cp:
        for i in range(100):
            cp.write_row((2, f"copied {i}\ttab"))
    check("copy rowcount", cur.rowcount, 100)
    lines = []
    with cur.copy("COPY (SELECT note FROM drv_pg3_child WHERE parent = 2 ORDER BY id LIMIT 2) TO STDOUT") as cp:
        for data in cp:
            lines.append(bytes(data))
    check("copy out", b"".join(lines), b"copied 0\\ttab\ncopied 1\\ttab\n")
conn.commit()

# Nested transactions: the inner block is a savepoint; its failure is rolled back alone.
with conn.transaction():
    conn.execute("INSERT INTO drv_pg3_child (parent, note) VALUES (3, 'outer')")
    try:
        with conn.transaction():
            conn.execute("INSERT INTO drv_pg3_child (parent, note) VALUES (3, 'inner')")
            conn.execute("INSERT INTO drv_pg3_child (parent, note) VALUES (999, 'orphan')")
    except errors.ForeignKeyViolation as e:
        check("FK violation SQLSTATE", e.sqlstate, "23503")
check("savepoint rollback kept outer only",
      conn.execute("SELECT note FROM drv_pg3_child WHERE parent = 3").fetchall(), [("outer",)])
conn.commit()

# Unique violation by SQLSTATE, failed transaction 25P02, rollback.
expect_error("duplicate key", lambda: conn.execute("INSERT INTO drv_pg3 (id) VALUES (%s)", (1,)),
             errors.UniqueViolation, "23505")
expect_error("failed transaction", lambda: conn.execute("SELECT 1"), errors.InFailedSqlTransaction, "25P02")
conn.rollback()
for sql, cls, state in [("SELECT * FROM no_such_table", errors.UndefinedTable, "42P01"),
                        ("SELECT 1/0", errors.DivisionByZero, "22012"),
                        ("SELECT %s::int", errors.InvalidTextRepresentation, "22P02")]:
    expect_error(sql, lambda: conn.execute(sql, ("x",) if "%s" in sql else None), cls, state)
    conn.rollback()

# Introspection the way psycopg does it: type info and the table's columns.
info = psycopg.types.TypeInfo.fetch(conn, "jsonb")
check("TypeInfo jsonb", (info.oid, info.array_oid), (3802, 3807))
cols_seen = conn.execute(
    """SELECT column_name, data_type FROM information_schema.columns
       WHERE table_name = 'drv_pg3' AND column_name IN ('n', 'arr', 'tz') ORDER BY column_name""").fetchall()
check("information_schema columns", cols_seen,
      [("arr", "ARRAY"), ("n", "numeric"), ("tz", "timestamp with time zone")])
conn.rollback()

# Named (server-side) cursors: DECLARE, then a Describe of the cursor's
# portal, then FETCH FORWARD; WITH HOLD survives the commit.
with conn.transaction():
    cur = conn.cursor(name="drv_pg3_cur")
    cur.execute("SELECT id FROM drv_pg3 WHERE id >= %s ORDER BY id", (1,))
    first = cur.fetchmany(1)
    rest = cur.fetchall()
    check("named cursor rows", (first, len(rest) + 1),
          ([(1,)], conn.execute("SELECT count(*) FROM drv_pg3 WHERE id >= 1").fetchone()[0]))
    check("named cursor description", [d.name for d in cur.description], ["id"])
    cur.close()
held = conn.cursor(name="drv_pg3_held", withhold=True)
held.execute("SELECT id FROM drv_pg3 ORDER BY id")
check("held cursor first row", held.fetchone(), (1,))
conn.commit()
check("held cursor after commit", len(held.fetchall()) + 1,
      conn.execute("SELECT count(*) FROM drv_pg3").fetchone()[0])
held.close()
conn.rollback()

conn.autocommit = True
conn.execute("DROP TABLE drv_pg3_child")
conn.execute("DROP TABLE drv_pg3")
conn.close()
print(f"psycopg3: {checks} checks passed")
