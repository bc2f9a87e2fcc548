#!/usr/bin/env python3
"""Caps the address space of the local immudb server listening on a port.

usage: cap_server.py PORT GIB

Some regression statements make immudb materialise huge intermediate results
(a 10,000 x 10,000 join before it reports a bad column, a recursive WITH that
PostgreSQL stops by LIMIT): uncapped, the server grows until the kernel's OOM
killer ends it or other processes on the machine. Capped (RLIMIT_AS), the
statement fails with std::bad_alloc and the run goes on. Does nothing when
the listener is not a process named immudb on this machine (PostgreSQL, a
remote server) or it cannot be found; prints what it did.
"""
import os
import resource
import sys


def listening_inodes(port):
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as f:
                next(f)
                for line in f:
                    fields = line.split()
                    local, state, inode = fields[1], fields[3], fields[9]
                    if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                        inodes.add(inode)
        except OSError:
            pass
    return inodes


def owner(inodes):
    wanted = {f"socket:[{i}]" for i in inodes}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") in wanted:
                    return int(pid)
        except OSError:
            continue
    return None


def main():
    port, gib = int(sys.argv[1]), float(sys.argv[2])
    pid = owner(listening_inodes(port))
    if pid is None:
        print(f"cap_server: no local listener on port {port}; not capped")
        return 0
    with open(f"/proc/{pid}/comm", encoding="utf-8") as f:
        comm = f.read().strip()
    if comm != "immudb":
        print(f"cap_server: port {port} is {comm} (pid {pid}); not capped")
        return 0
    limit = int(gib * (1 << 30))
    resource.prlimit(pid, resource.RLIMIT_AS, (limit, limit))
    print(f"cap_server: immudb (pid {pid}) address space capped at {gib:g} GiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
