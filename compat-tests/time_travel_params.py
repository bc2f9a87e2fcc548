#!/usr/bin/env python3
"""Time-travel periods with bound parameters over the wire.

libpq's PQexecParams (through ctypes, standard library only) sends each
query with the extended protocol: Parse with $n placeholders, Bind with the
values, so `SINCE TX $1`, `UNTIL $1` (a timestamp), HISTORY OF and DIFF OF
with parameters, and USE SNAPSHOT ... $1, are exercised exactly as drivers
use them. Usage: time_travel_params.py CONNINFO. Exits 1 on any mismatch.
"""
import ctypes
import ctypes.util
import sys

pq = ctypes.CDLL(ctypes.util.find_library("pq") or "libpq.so.5")
pq.PQconnectdb.restype = ctypes.c_void_p
pq.PQconnectdb.argtypes = [ctypes.c_char_p]
pq.PQstatus.argtypes = [ctypes.c_void_p]
pq.PQerrorMessage.restype = ctypes.c_char_p
pq.PQerrorMessage.argtypes = [ctypes.c_void_p]
pq.PQexecParams.restype = ctypes.c_void_p
pq.PQexecParams.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p,
                            ctypes.POINTER(ctypes.c_char_p), ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]
pq.PQresultStatus.argtypes = [ctypes.c_void_p]
pq.PQresultErrorField.restype = ctypes.c_char_p
pq.PQresultErrorField.argtypes = [ctypes.c_void_p, ctypes.c_int]
pq.PQntuples.argtypes = [ctypes.c_void_p]
pq.PQnfields.argtypes = [ctypes.c_void_p]
pq.PQgetvalue.restype = ctypes.c_char_p
pq.PQgetvalue.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
pq.PQgetisnull.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
pq.PQclear.argtypes = [ctypes.c_void_p]
pq.PQfinish.argtypes = [ctypes.c_void_p]
PG_DIAG_SQLSTATE = ord("C")
OK = (1, 2)  # PGRES_COMMAND_OK, PGRES_TUPLES_OK

conn = pq.PQconnectdb(sys.argv[1].encode())
if pq.PQstatus(conn) != 0:
    sys.exit("time_travel_params: cannot connect: " + pq.PQerrorMessage(conn).decode())


def run(sql, *params):
    """Rows as lists of strings (None for NULL); raises RuntimeError(sqlstate)."""
    values = (ctypes.c_char_p * max(1, len(params)))(*[None if p is None else str(p).encode() for p in params])
    res = pq.PQexecParams(conn, sql.encode(), len(params), None, values, None, None, 0)
    try:
        if pq.PQresultStatus(res) not in OK:
            state = pq.PQresultErrorField(res, PG_DIAG_SQLSTATE)
            raise RuntimeError(state.decode() if state else pq.PQerrorMessage(conn).decode())
        return [[None if pq.PQgetisnull(res, r, c) else pq.PQgetvalue(res, r, c).decode()
                 for c in range(pq.PQnfields(res))] for r in range(pq.PQntuples(res))]
    finally:
        pq.PQclear(res)


failures = 0


def check(what, got, want):
    global failures
    if got != want:
        failures += 1
        print(f"time_travel_params: FAIL {what}: got {got!r}, want {want!r}", file=sys.stderr)


run("CREATE TABLE ttp (id int PRIMARY KEY, v text)")
run("INSERT INTO ttp VALUES ($1, $2), ($3, $4)", 1, "a", 2, "b")
tx_a, ts_a = run("SELECT max(_tx_id), max(_ts) FROM (HISTORY OF ttp)")[0]
run("UPDATE ttp SET v = $1 WHERE id = $2", "b2", 2)
tx_b = run("SELECT max(_tx_id) FROM (HISTORY OF ttp)")[0][0]
run("DELETE FROM ttp WHERE id = $1", 1)
tx_c = run("SELECT max(_tx_id) FROM (HISTORY OF ttp)")[0][0]

check("UNTIL TX $1", run("SELECT id, v FROM ttp UNTIL TX $1 ORDER BY id", tx_a), [["1", "a"], ["2", "b"]])
check("SINCE TX $1 UNTIL TX $2", run("SELECT id, v FROM ttp SINCE TX $1 UNTIL TX $2 ORDER BY id", tx_a, tx_b),
      [["1", "a"], ["2", "b2"]])
check("AFTER TX $1", run("SELECT id, v FROM ttp AFTER TX $1 ORDER BY id", tx_a), [["2", "b2"]])
check("UNTIL $1 (timestamp)", run("SELECT id, v FROM ttp UNTIL $1 ORDER BY id", ts_a), [["1", "a"], ["2", "b"]])
check("FOR SYSTEM_TIME AS OF $1", run("SELECT count(*) FROM ttp FOR SYSTEM_TIME AS OF $1", "2000-01-01"), [["0"]])
check("HISTORY OF with $1, $2",
      run("SELECT _rev, v, _deleted FROM (HISTORY OF ttp) SINCE TX $1 WHERE id = $2 ORDER BY _rev", tx_a, 1),
      [["1", "a", "f"], ["2", "a", "t"]])
check("DIFF OF with $1, $2",
      run("SELECT _diff_action, id, v FROM (DIFF OF ttp) AFTER TX $1 UNTIL TX $2 ORDER BY id", tx_a, tx_c),
      [["DELETE", "1", "a"], ["UPDATE", "2", "b2"]])
run("USE SNAPSHOT BEFORE TX $1", tx_b)
check("USE SNAPSHOT BEFORE TX $1", run("SELECT id, v FROM ttp ORDER BY id"), [["1", "a"], ["2", "b"]])
run("USE SNAPSHOT NONE")
check("USE SNAPSHOT NONE", run("SELECT id, v FROM ttp ORDER BY id"), [["2", "b2"]])
for sql, params, state in [("SELECT * FROM ttp SINCE TX $1", [0], "22023"),
                           ("SELECT * FROM ttp UNTIL TX $1", [None], "22004"),
                           ("SELECT * FROM ttp SINCE TX", [], "42601")]:
    try:
        run(sql, *params)
        check(sql, "no error", state)
    except RuntimeError as e:
        check(sql, str(e), state)
run("DROP TABLE ttp")
pq.PQfinish(conn)
if failures:
    sys.exit(1)
print("time_travel_params: all passed")
