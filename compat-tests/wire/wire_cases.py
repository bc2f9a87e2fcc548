"""Wire-level cases sent as raw bytes to immudb and to PostgreSQL 15.

    python3 wire_cases.py [--pid SERVER_PID] IMMUDB_TARGET [PG_TARGET]

A target is host:port:user:password:database. Each case opens its own
connection, sends its bytes and records what comes back (pgraw.summary). With
PG_TARGET, every case must give PostgreSQL's answer, except the few listed in
KNOWN_DIFFERENCES with the reason. After the cases (garbage, truncated and
oversized messages, an empty Parse, abrupt disconnects ...) a normal client
must still log in and run a query: the server stayed up and answers. With
--pid, the server's open sockets must be back to their number before the
cases (none leaked by an abrupt disconnect).
Exits non-zero on any failure.
"""
import os
import random
import socket
import struct
import sys
import time

import pgraw
from pgraw import cstr, msg

CASES = []


def case(pre_auth=False):
    def register(fn):
        CASES.append((fn.__name__, fn, pre_auth))
        return fn
    return register


# ---- before authentication: raw bytes on a fresh socket ----------------------

@case(pre_auth=True)
def http_request(c, t):
    c.send(b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: curl\r\n\r\n")
    return c.summary()


@case(pre_auth=True)
def random_bytes(c, t):
    rnd = random.Random(42)
    c.send(bytes(rnd.randrange(256) for _ in range(512)))
    return c.summary()


@case(pre_auth=True)
def startup_too_short(c, t):
    c.send(struct.pack("!I", 6) + b"\0\0")
    return c.summary()


@case(pre_auth=True)
def startup_too_long(c, t):
    c.send(struct.pack("!II", 20000, 196608) + b"user\0x\0")
    return c.summary()


@case(pre_auth=True)
def startup_truncated_then_eof(c, t):
    c.send(struct.pack("!II", 100, 196608) + b"user\0")
    c.sock.shutdown(socket.SHUT_WR)
    return c.summary()


@case(pre_auth=True)
def startup_unterminated(c, t):
    body = struct.pack("!I", 196608) + b"user\0immudb\0database"
    c.send(struct.pack("!I", len(body) + 4) + body)
    return c.summary()


@case(pre_auth=True)
def startup_without_user(c, t):
    c.send(pgraw.startup_packet(None, t["database"]))
    return c.summary()


@case(pre_auth=True)
def protocol_4_0(c, t):
    c.send(pgraw.startup_packet(t["user"], t["database"], version=4 << 16))
    return c.summary()


@case(pre_auth=True)
def protocol_2_0(c, t):
    # The refusal comes in protocol 2's format: 'E', text, NUL, no length.
    c.send(pgraw.startup_packet(t["user"], t["database"], version=2 << 16))
    c.sock.settimeout(3)
    data = b""
    while True:
        chunk = c.sock.recv(4096)
        if not chunk:
            return [repr(data)]
        data += chunk


@case(pre_auth=True)
def protocol_3_9_negotiates(c, t):
    # A newer minor version: NegotiateProtocolVersion ('v'), then the
    # authentication request ('R'), whose kind depends on the server's setup.
    c.send(pgraw.startup_packet(t["user"], t["database"], version=(3 << 16) | 9,
                                extra={"_pq_.future": "1"}))
    kind, body = c.read_msg()
    if kind != b"v":
        return [kind.decode()]
    minor, n = struct.unpack("!II", body[:8])
    option = body[8:].split(b"\0")[0].decode()
    kind2, _ = c.read_msg()
    return ["v", f"minor={minor}", f"unsupported={n}:{option}", kind2.decode()]


@case(pre_auth=True)
def gssenc_request(c, t):
    c.send(struct.pack("!II", 8, 80877104))
    return [c.read_byte().decode()]


@case(pre_auth=True)
def cancel_with_unknown_key(c, t):
    c.send(struct.pack("!IIII", 16, 80877102, 12345, 67890))
    return c.summary()


@case(pre_auth=True)
def cancel_request_truncated(c, t):
    c.send(struct.pack("!III", 12, 80877102, 12345))
    return c.summary()


@case(pre_auth=True)
def disconnect_mid_authentication(c, t):
    c.send(pgraw.startup_packet(t["user"], t["database"]))
    kind, _ = c.read_msg()
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()  # an RST instead of an answer
    return [kind.decode(), "closed"]


# ---- after authentication ------------------------------------------------------

@case()
def unknown_message_type(c, t):
    c.send(msg(b"x", b"abc"))
    return c.summary()


@case()
def message_length_below_4(c, t):
    c.send(b"Q" + struct.pack("!I", 2))
    return c.summary()


@case()
def oversized_message(c, t):
    c.send(b"Q" + struct.pack("!I", 0x7FFFFFF0) + b"SELECT 1")
    return c.summary()


@case()
def truncated_message_then_disconnect(c, t):
    c.send(b"Q" + struct.pack("!I", 1000) + b"SELECT 1")
    c.close()
    return ["closed"]


@case()
def query_without_terminator(c, t):
    c.send(b"Q" + struct.pack("!I", 12) + b"SELECT 1")
    return c.summary()


@case()
def empty_parse_body(c, t):
    c.send(msg(b"P") + msg(b"S"))
    return c.summary()


@case()
def empty_parse_query(c, t):
    c.send(msg(b"P", cstr("") + cstr("") + struct.pack("!H", 0)) +
           msg(b"B", cstr("") + cstr("") + struct.pack("!HHH", 0, 0, 0)) +
           msg(b"D", b"P" + cstr("")) + msg(b"E", cstr("") + struct.pack("!I", 0)) + msg(b"S"))
    return c.summary()


@case()
def empty_simple_query(c, t):
    c.send(msg(b"Q", cstr("")) + msg(b"Q", cstr(" ; ")))
    return c.summary(until_ready=2)


@case()
def multi_statement_query(c, t):
    c.send(msg(b"Q", cstr("SELECT 1; SELECT 2 AS b; SELECT 1/0; SELECT 3")))
    return c.summary()


@case()
def parse_two_statements(c, t):
    c.send(msg(b"P", cstr("") + cstr("SELECT 1; SELECT 2") + struct.pack("!H", 0)) + msg(b"S"))
    return c.summary()


@case()
def errors_skip_to_sync(c, t):
    c.send(msg(b"P", cstr("") + cstr("SELEC 1") + struct.pack("!H", 0)) +
           msg(b"B", cstr("") + cstr("") + struct.pack("!HHH", 0, 0, 0)) +
           msg(b"E", cstr("") + struct.pack("!I", 0)) + msg(b"S") +
           msg(b"Q", cstr("SELECT 1")))
    return c.summary(until_ready=2)


@case()
def bind_unknown_statement(c, t):
    c.send(msg(b"B", cstr("") + cstr("nope") + struct.pack("!HHH", 0, 0, 0)) + msg(b"S"))
    return c.summary()


@case()
def bind_wrong_parameter_count(c, t):
    c.send(msg(b"P", cstr("s1") + cstr("SELECT $1::int") + struct.pack("!H", 0)) +
           msg(b"B", cstr("") + cstr("s1") + struct.pack("!HHH", 0, 0, 0)) + msg(b"S"))
    return c.summary()


@case()
def bind_bad_binary_int(c, t):
    c.send(msg(b"P", cstr("") + cstr("SELECT $1::int") + struct.pack("!HI", 1, 23)) +
           msg(b"B", cstr("") + cstr("") + struct.pack("!HHHi", 1, 1, 1, 3) + b"abc" +
               struct.pack("!H", 0)) + msg(b"S"))
    return c.summary()


@case()
def bind_binary_int_extra_bytes(c, t):
    c.send(msg(b"P", cstr("") + cstr("SELECT $1::int") + struct.pack("!HI", 1, 23)) +
           msg(b"B", cstr("") + cstr("") + struct.pack("!HHHi", 1, 1, 1, 5) + b"abcde" +
               struct.pack("!H", 0)) + msg(b"S"))
    return c.summary()


@case()
def bind_truncated_parameter(c, t):
    c.send(msg(b"P", cstr("") + cstr("SELECT $1::text") + struct.pack("!H", 0)) +
           msg(b"B", cstr("") + cstr("") + struct.pack("!HHi", 0, 1, 100) + b"short") + msg(b"S"))
    return c.summary()


@case()
def describe_unknown_portal(c, t):
    c.send(msg(b"D", b"P" + cstr("nope")) + msg(b"S"))
    return c.summary()


@case()
def describe_bad_kind(c, t):
    c.send(msg(b"D", b"X" + cstr("")) + msg(b"S"))
    return c.summary()


@case()
def execute_row_limit_suspends(c, t):
    c.send(msg(b"P", cstr("") + cstr("SELECT * FROM generate_series(1, 5)") + struct.pack("!H", 0)) +
           msg(b"B", cstr("") + cstr("") + struct.pack("!HHH", 0, 0, 0)) +
           msg(b"E", cstr("") + struct.pack("!I", 2)) + msg(b"E", cstr("") + struct.pack("!I", 2)) +
           msg(b"E", cstr("") + struct.pack("!I", 2)) + msg(b"S"))
    return c.summary()


@case()
def close_and_reuse_names(c, t):
    c.send(msg(b"P", cstr("s") + cstr("SELECT 1") + struct.pack("!H", 0)) +
           msg(b"C", b"S" + cstr("s")) + msg(b"C", b"S" + cstr("s")) +
           msg(b"P", cstr("s") + cstr("SELECT 2") + struct.pack("!H", 0)) +
           msg(b"P", cstr("s") + cstr("SELECT 3") + struct.pack("!H", 0)) + msg(b"S"))
    return c.summary()


@case()
def flush_then_sync(c, t):
    c.send(msg(b"P", cstr("") + cstr("SELECT 1") + struct.pack("!H", 0)) + msg(b"H"))
    first = c.summary(timeout=0.5)  # ParseComplete, flushed, then silence
    c.send(msg(b"S"))
    return first + c.summary()


@case()
def copy_fail(c, t):
    c.send(msg(b"Q", cstr("DROP TABLE IF EXISTS wire_copy; CREATE TABLE wire_copy (a int)")))
    c.summary()
    c.send(msg(b"Q", cstr("COPY wire_copy FROM STDIN")) + msg(b"d", b"1\n2\n") +
           msg(b"f", cstr("client gave up")) + msg(b"Q", cstr("SELECT count(*) FROM wire_copy")))
    out = c.summary(until_ready=2)
    rows, _ = c.query("SELECT count(*) FROM wire_copy")
    c.query("DROP TABLE wire_copy")
    return out + [f"rows={rows[0][0]}"]


@case()
def copy_then_disconnect(c, t):
    c.send(msg(b"Q", cstr("DROP TABLE IF EXISTS wire_copy2; CREATE TABLE wire_copy2 (a int)")))
    c.summary()
    c.send(msg(b"Q", cstr("COPY wire_copy2 FROM STDIN")) + msg(b"d", b"1\n2\n"))
    kind, _ = c.read_msg()
    c.close()
    return [kind.decode(), "closed"]


@case()
def sync_alone_and_terminate(c, t):
    c.send(msg(b"S") + msg(b"X"))
    return c.summary(until_ready=2)


@case()
def function_call_message(c, t):
    # FunctionCall of oid 1 (no such function), no arguments, text result.
    c.send(msg(b"F", struct.pack("!IHHH", 1, 0, 0, 0)) + msg(b"S"))
    return c.summary()


TYPED_SELECT = (
    "SELECT 1::int2 AS i2, -2::int4 AS i4, 9000000000::int8 AS i8, 12.50::numeric(10,2) AS n, "
    "-0.000123::numeric AS n2, 1.5::float4 AS f4, -2.25e-10::float8 AS f8, 'héllo'::text AS t, "
    "'ab'::varchar(5) AS vc, 'ab'::char(3) AS c, true AS b, '\\x00ff'::bytea AS by, "
    "date '2024-02-29' AS d, time '13:14:15.5' AS tm, timestamp '2024-01-02 03:04:05.123456' AS ts, "
    "timestamptz '2024-01-02 03:04:05+00' AS tz, interval '1 year 2 days 00:00:03.5' AS iv, "
    "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u, '{\"a\": 1}'::json AS j, "
    "'{\"a\": 1}'::jsonb AS jb, 'nm'::name AS nm, 42::oid AS o, ARRAY[1, NULL, 3]::int4[] AS arr, "
    "NULL::int4 AS nul")


def typed_select_round(c, result_format):
    c.send(msg(b"Q", cstr("SET TIME ZONE 'UTC'")))
    c.summary()
    c.send(msg(b"P", cstr("") + cstr(TYPED_SELECT) + struct.pack("!H", 0)) +
           msg(b"B", cstr("") + cstr("") + struct.pack("!HHH", 0, 0, 1) +
               struct.pack("!H", result_format)) +
           msg(b"D", b"P" + cstr("")) + msg(b"E", cstr("") + struct.pack("!I", 0)) + msg(b"S"))
    out = []
    while True:
        kind, body = c.read_msg()
        if kind == b"T":
            (n,) = struct.unpack("!H", body[:2])
            pos = 2
            for _ in range(n):
                end = body.index(b"\0", pos)
                name = body[pos:end].decode()
                table, attnum, typ, size, typmod, fmt = struct.unpack("!IhIhiH", body[end + 1:end + 19])
                out.append(f"{name}:oid={typ}:len={size}:typmod={typmod}:fmt={fmt}")
                pos = end + 19
        elif kind == b"D":
            (n,) = struct.unpack("!H", body[:2])
            pos = 2
            for _ in range(n):
                (ln,) = struct.unpack("!i", body[pos:pos + 4])
                pos += 4
                out.append("NULL" if ln < 0 else body[pos:pos + ln].hex())
                pos += max(ln, 0)
        elif kind == b"E":
            out.append("E:" + pgraw.error_fields(body).get("C", "?"))
        elif kind == b"Z":
            return out


@case()
def row_description_and_text_values(c, t):
    # Type OIDs, sizes, typmods and formats in RowDescription, and the text
    # bytes of every value.
    return typed_select_round(c, 0)


@case()
def binary_values(c, t):
    # The binary encoding of every type, byte for byte.
    return typed_select_round(c, 1)


@case()
def describe_statement_parameter_types(c, t):
    # Parameter types inferred by Parse, as ParameterDescription shows them.
    c.query("DROP TABLE IF EXISTS wire_params")
    c.query("CREATE TABLE wire_params (id int8 PRIMARY KEY, v varchar(10), n numeric(8,2), ts timestamptz)")
    out = []
    for sql in ["SELECT $1::int4 + 1", "SELECT $1 + 1", "SELECT $1 || 'x'",
                "INSERT INTO wire_params VALUES ($1, $2, $3, $4)",
                "UPDATE wire_params SET v = $1 WHERE id = $2",
                "SELECT v, n FROM wire_params WHERE ts > $1 AND id = $2 LIMIT $3",
                "DELETE FROM wire_params WHERE n < $1 RETURNING id"]:
        c.send(msg(b"P", cstr("") + cstr(sql) + struct.pack("!H", 0)) + msg(b"D", b"S" + cstr("")) +
               msg(b"S"))
        while True:
            kind, body = c.read_msg()
            if kind == b"t":
                (n,) = struct.unpack("!H", body[:2])
                out.append("params=" + ",".join(str(x) for x in struct.unpack(f"!{n}I", body[2:2 + 4 * n])))
            elif kind == b"T":
                (n,) = struct.unpack("!H", body[:2])
                out.append(f"columns={n}")
            elif kind == b"n":
                out.append("nodata")
            elif kind == b"E":
                out.append("E:" + pgraw.error_fields(body).get("C", "?"))
            elif kind == b"Z":
                break
    c.query("DROP TABLE wire_params")
    return out


# Intended or accepted differences: case name -> reason (printed, not failed).
KNOWN_DIFFERENCES = {
    "gssenc_request": "PostgreSQL built with GSSAPI offers it ('G'); immudb has no GSSAPI ('N')",
    "function_call_message": "the fastpath function call interface is not implemented (0A000)",
}


def parse_target(s):
    host, port, user, password, database = s.split(":", 4)
    return {"host": host, "port": int(port), "user": user, "password": password,
            "database": database}


def run_case(target, fn, pre_auth):
    try:
        c = pgraw.Conn(target["host"], target["port"])
        if not pre_auth:
            c.login(target["user"], target["password"], target["database"])
        try:
            return fn(c, target)
        finally:
            c.close()
    except Exception as e:  # noqa: BLE001 - a case's own failure is its result
        return [f"exception {type(e).__name__}: {e}"]


def open_fds(pid):
    """The server's open sockets (its other descriptors, such as the store's
    tree files opened as the tree grows, are not the wire's business)."""
    n = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            n += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
        except OSError:
            pass
    return n


def main():
    args = sys.argv[1:]
    pid = None
    if args[:1] == ["--pid"]:
        pid, args = int(args[1]), args[2:]
    immudb = parse_target(args[0])
    pg = parse_target(args[1]) if len(args) > 1 else None
    fds_before = open_fds(pid) if pid else 0
    passed = failed = 0
    for name, fn, pre_auth in CASES:
        got = run_case(immudb, fn, pre_auth)
        ok = not any(g.startswith("exception") for g in got)
        line = f"{name}: {' '.join(got)}"
        if pg is not None:
            want = run_case(pg, fn, pre_auth)
            if got != want:
                if name in KNOWN_DIFFERENCES:
                    line += f"   [PostgreSQL: {' '.join(want)}; known: {KNOWN_DIFFERENCES[name]}]"
                else:
                    ok = False
                    line += f"   [PostgreSQL: {' '.join(want)}]"
        print(("ok   " if ok else "FAIL ") + line)
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
    # The server is still up and serves a normal client.
    time.sleep(0.2)
    try:
        c = pgraw.connect(immudb)
        rows, err = c.query("SELECT 41 + 1")
        c.close()
        ok = rows == [["42"]] and err is None
    except Exception as e:  # noqa: BLE001
        ok, rows = False, str(e)
    print(("ok   " if ok else "FAIL ") + f"normal client afterwards: {rows}")
    passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
    if pid:
        deadline = time.time() + 5
        while open_fds(pid) > fds_before and time.time() < deadline:
            time.sleep(0.1)
        fds_after = open_fds(pid)
        ok = fds_after <= fds_before
        print(("ok   " if ok else "FAIL ") + f"server sockets: {fds_before} before, {fds_after} after")
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
    print(f"wire: {passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
