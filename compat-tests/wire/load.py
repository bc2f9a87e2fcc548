"""Server-level checks with many or long-running connections (stdlib only).

    python3 load.py cancel TARGET
        a running pg_sleep is stopped by a CancelRequest with 57014, quickly,
        and the connection stays usable
    python3 load.py concurrent TARGET N STATEMENTS
        N connections at once, each logging in and running STATEMENTS
        statements (inserts and reads of its own rows in a shared table)
    python3 load.py idle TARGET N SERVER_PID MAX_MB
        RSS of the server before and after N logged-in idle connections;
        fails over MAX_MB in total
    python3 load.py setup TARGET N
        N sequential SCRAM logins: median and 90th percentile ms (the client's
        PBKDF2 is cached, so this is the server's and the protocol's cost)

TARGET is [tls:]host:port:user:password:database. Each prints one summary line
starting with the command's name and exits non-zero on failure.
"""
import statistics
import sys
import threading
import time

import pgraw


def parse_target(s):
    """host:port:user:password:database, or with a tls: prefix for TLS."""
    tls = s.startswith("tls:")
    host, port, user, password, database = s.removeprefix("tls:").split(":", 4)
    return {"host": host, "port": int(port), "user": user, "password": password,
            "database": database, "tls": tls}


def fail(msg):
    print("FAIL " + msg)
    sys.exit(1)


def cmd_cancel(t):
    c = pgraw.connect(t)
    c.send(pgraw.msg(b"Q", pgraw.cstr("SELECT pg_sleep(30)")))
    time.sleep(0.3)
    start = time.perf_counter()
    pgraw.cancel(t["host"], t["port"], c.pid, c.secret)
    got = c.summary(timeout=10)
    took = time.perf_counter() - start
    if got != ["E:57014:ERROR", "Z"]:
        fail(f"cancel: got {got}")
    if took > 2:
        fail(f"cancel: took {took:.2f}s")
    # A wrong secret cancels nothing.
    c.send(pgraw.msg(b"Q", pgraw.cstr("SELECT pg_sleep(0.5)")))
    time.sleep(0.1)
    pgraw.cancel(t["host"], t["port"], c.pid, c.secret ^ 1)
    got = c.summary(timeout=10)
    if got != ["T", "D", "C", "Z"]:
        fail(f"cancel with a wrong key stopped the query: {got}")
    rows, err = c.query("SELECT 1")
    if rows != [["1"]]:
        fail(f"connection unusable after cancel: {rows} {err}")
    c.close()
    print(f"cancel: ok, 57014 after {took * 1000:.0f} ms; a wrong key cancels nothing")


def cmd_concurrent(t, n, statements):
    setup = pgraw.connect(t)
    setup.query("DROP TABLE IF EXISTS load_conc")
    _, err = setup.query("CREATE TABLE load_conc (id INTEGER PRIMARY KEY, conn INTEGER, v TEXT)")
    if err:
        fail(f"concurrent: create table: {err}")
    errors = []
    barrier = threading.Barrier(n)

    def worker(i):
        try:
            c = pgraw.connect(t, timeout=60)
            barrier.wait(timeout=60)  # all N connections are open at once
            for j in range(statements // 2):
                key = i * 100000 + j
                _, err = c.query(f"INSERT INTO load_conc VALUES ({key}, {i}, 'v{j}')")
                if err:
                    raise RuntimeError(f"insert: {err}")
                rows, err = c.query(f"SELECT count(*) FROM load_conc WHERE conn = {i}")
                if err or rows != [[str(j + 1)]]:
                    raise RuntimeError(f"count: {rows} {err}")
            c.close()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(f"connection {i}: {e}")

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    took = time.perf_counter() - start
    if errors:
        fail(f"concurrent: {len(errors)} connections failed, first: {errors[0]}")
    rows, _ = setup.query("SELECT count(*) FROM load_conc")
    if rows != [[str(n * (statements // 2))]]:
        fail(f"concurrent: {rows} rows")
    setup.query("DROP TABLE load_conc")
    setup.close()
    print(f"concurrent: ok, {n} connections x {statements} statements in {took:.2f} s "
          f"({n * statements / took:.0f} statements/s)")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cmd_idle(t, n, pid, max_mb):
    warm = pgraw.connect(t)  # first-connection allocations are not per-connection cost
    warm.query("SELECT 1")
    time.sleep(0.2)
    before = rss_kb(pid)
    conns = []
    for _ in range(n):
        c = pgraw.connect(t, timeout=30)
        conns.append(c)
    time.sleep(0.5)
    after = rss_kb(pid)
    # Every connection still answers.
    for c in conns[:: max(1, n // 20)]:
        rows, _ = c.query("SELECT 1")
        if rows != [["1"]]:
            fail("idle: a connection stopped answering")
    for c in conns:
        c.close()
    warm.close()
    delta_mb = (after - before) / 1024
    kind = "TLS" if t["tls"] else "plain"
    print(f"idle: {n} idle {kind} connections: server RSS {before / 1024:.1f} MB -> {after / 1024:.1f} MB "
          f"(+{delta_mb:.1f} MB, {(after - before) / n:.1f} KB each; target < {max_mb} MB)")
    if delta_mb > max_mb:
        fail(f"idle: {delta_mb:.1f} MB over {max_mb} MB")


def cmd_setup(t, n):
    pgraw.cache_salted_password = True
    times = []
    for _ in range(n):
        c, took = pgraw.timed_login(t)
        if c.auth_method != 10:
            fail(f"setup: authentication method {c.auth_method} is not SASL")
        c.close()
        times.append(took * 1000)
    times.sort()
    med = statistics.median(times)
    p90 = times[int(len(times) * 0.9)]
    print(f"setup: {n} SCRAM-SHA-256 logins on loopback: median {med:.2f} ms, p90 {p90:.2f} ms "
          f"(client PBKDF2 cached)")


def main():
    cmd, target = sys.argv[1], parse_target(sys.argv[2])
    if cmd == "cancel":
        cmd_cancel(target)
    elif cmd == "concurrent":
        cmd_concurrent(target, int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "idle":
        cmd_idle(target, int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
    elif cmd == "setup":
        cmd_setup(target, int(sys.argv[3]))
    else:
        fail("unknown command " + cmd)


if __name__ == "__main__":
    main()
