"""psycopg2 fixture: parameters of every type, transactions, SQLSTATEs.

Connects with the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD,
PGDATABASE) set by compat-tests/drivers.sh, which runs it against immudb and
against PostgreSQL 15: every expectation here must hold on both.
Exits non-zero on the first failure.
"""
import datetime
import decimal
import json
import sys
import threading
import uuid

import psycopg2
import psycopg2.errors
import psycopg2.extras

psycopg2.extras.register_uuid()

checks = 0


def check(what, got, want):
    global checks
    checks += 1
    if got != want:
        print(f"psycopg2: FAIL {what}: got {got!r}, want {want!r}")
        sys.exit(1)


conn = psycopg2.connect("")
cur = conn.cursor()
cur.execute("DROP TABLE IF EXISTS drv_py")
cur.execute(
    """CREATE TABLE drv_py (
         id INTEGER PRIMARY KEY, b BIGINT, n NUMERIC(12,3), f DOUBLE PRECISION,
         s TEXT, by BYTEA, ok BOOLEAN, d DATE, ts TIMESTAMP, tz TIMESTAMPTZ,
         u UUID, j JSON)""")
conn.commit()

utc = datetime.timezone.utc
rows = [
    (1, 9_000_000_000, decimal.Decimal("12345.678"), 1.5, "héllo 'quoted' \\ back",
     b"\x00\xde\xad\xbe\xef\xff", True, datetime.date(2024, 2, 29),
     datetime.datetime(2024, 1, 2, 3, 4, 5, 123456),
     datetime.datetime(2024, 1, 2, 3, 4, 5, 654321, tzinfo=utc),
     uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), json.dumps({"a": [1, 2], "s": "x"})),
    (2, -1, decimal.Decimal("-0.001"), -2.25e-10, "", b"", False, datetime.date(1999, 12, 31),
     datetime.datetime(1970, 1, 1), datetime.datetime(2030, 6, 1, 12, tzinfo=utc),
     uuid.UUID(int=0), json.dumps([])),
    (3, None, None, None, None, None, None, None, None, None, None, None),
]
cur.executemany("INSERT INTO drv_py VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", rows)
check("executemany rowcount", cur.rowcount, 3)
conn.commit()

cur.execute("SET TIME ZONE 'UTC'")
cur.execute("SELECT id, b, n, f, s, by, ok, d, ts, tz, u, j FROM drv_py ORDER BY id")
got = cur.fetchall()
check("row count", len(got), 3)
for want, row in zip(rows, got):
    row = list(row)
    if row[5] is not None:
        row[5] = bytes(row[5])
    want = list(want)
    if want[11] is not None:
        want[11] = json.loads(want[11])  # psycopg2 decodes json columns
    check(f"row {want[0]}", row, want)

# Parameters in WHERE clauses, one per type.
for col, val in [("b", 9_000_000_000), ("n", decimal.Decimal("12345.678")), ("f", 1.5),
                 ("s", "héllo 'quoted' \\ back"), ("by", psycopg2.Binary(b"\x00\xde\xad\xbe\xef\xff")),
                 ("ok", True), ("d", datetime.date(2024, 2, 29)),
                 ("ts", datetime.datetime(2024, 1, 2, 3, 4, 5, 123456)),
                 ("tz", datetime.datetime(2024, 1, 2, 5, 4, 5, 654321,
                                          tzinfo=datetime.timezone(datetime.timedelta(hours=2)))),
                 ("u", uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))]:
    cur.execute(f"SELECT id FROM drv_py WHERE {col} = %s", (val,))
    check(f"WHERE {col} = param", cur.fetchall(), [(1,)])
cur.execute("SELECT id FROM drv_py WHERE b IS NULL")
check("IS NULL", cur.fetchall(), [(3,)])
cur.execute("SELECT %s::int + 1, %s::text || 'b', %s::bigint * 2", (41, "a", 2**40))
check("typed params", cur.fetchone(), (42, "ab", 2**41))
# JSON operators (->>) are missing in the immudb engine: compare the text form.
cur.execute("SELECT id, %s::json FROM drv_py WHERE j::text = %s",
            (psycopg2.extras.Json({"k": None}), json.dumps({"a": [1, 2], "s": "x"})))
check("json param", cur.fetchall(), [(1, {"k": None})])

# Transactions: rollback discards, commit keeps.
cur.execute("INSERT INTO drv_py (id, s) VALUES (10, 'rolled back')")
conn.rollback()
cur.execute("SELECT count(*) FROM drv_py WHERE id = 10")
check("rollback discards", cur.fetchone(), (0,))
cur.execute("INSERT INTO drv_py (id, s) VALUES (11, 'kept')")
cur.execute("UPDATE drv_py SET s = 'kept2' WHERE id = 11")
check("update rowcount", cur.rowcount, 1)
conn.commit()
cur.execute("SELECT s FROM drv_py WHERE id = 11")
check("commit keeps", cur.fetchone(), ("kept2",))

# A unique violation is caught by SQLSTATE; the transaction is then failed
# (25P02) until rolled back.
try:
    cur.execute("INSERT INTO drv_py (id) VALUES (%s)", (1,))
    check("duplicate key raised", False, True)
except psycopg2.errors.UniqueViolation as e:
    check("unique violation SQLSTATE", e.pgcode, "23505")
try:
    cur.execute("SELECT 1")
    check("failed transaction raised", False, True)
except psycopg2.errors.InFailedSqlTransaction as e:
    check("failed transaction SQLSTATE", e.pgcode, "25P02")
conn.rollback()
cur.execute("SELECT 1")
check("usable after rollback", cur.fetchone(), (1,))

# Other SQLSTATEs a driver user relies on.
for sql, state in [("SELECT * FROM no_such_table", "42P01"), ("SELECT 1/0", "22012"),
                   ("SELECT nosuchcol FROM drv_py", "42703"), ("SELEC 1", "42601")]:
    try:
        cur.execute(sql)
        check(sql + " raised", False, True)
    except psycopg2.Error as e:
        check(sql, e.pgcode, state)
    conn.rollback()

# Cancel of a running statement from another thread (a CancelRequest on a
# second socket): 57014, and the connection stays usable.
timer = threading.Timer(0.3, conn.cancel)
timer.start()
try:
    cur.execute("SELECT pg_sleep(20)")
    check("cancel raised", False, True)
except psycopg2.errors.QueryCanceled as e:
    check("cancel SQLSTATE", e.pgcode, "57014")
timer.join()
conn.rollback()
cur.execute("SELECT 2")
check("usable after cancel", cur.fetchone(), (2,))
conn.rollback()

# Autocommit and a savepoint-free multi-statement string.
conn.autocommit = True
cur.execute("DELETE FROM drv_py WHERE id = 11; SELECT count(*) FROM drv_py")
check("multi-statement", cur.fetchone(), (3,))
cur.execute("DROP TABLE drv_py")
conn.close()
print(f"psycopg2: {checks} checks passed")
