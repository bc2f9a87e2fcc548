"""A minimal PostgreSQL v3 protocol client for wire-level tests (stdlib only).

It speaks just enough of the protocol to log in (trust, cleartext, md5 or
SCRAM-SHA-256), send arbitrary bytes, and summarise what the server answers
as a list of message types (ErrorResponse as E:<SQLSTATE>:<severity>), so
that the same case can be compared between immudb and PostgreSQL 15.
"""
import base64
import hashlib
import hmac
import os
import socket
import ssl
import struct
import time


class Closed(Exception):
    pass


# When set, SaltedPassword is computed once per (password, salt, iterations):
# timing loops then measure the server, not the client's PBKDF2.
cache_salted_password = False
_salted_cache = {}


def _salted_password(password, salt_b64, iterations):
    key = (password, salt_b64, iterations)
    if cache_salted_password and key in _salted_cache:
        return _salted_cache[key]
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt_b64), iterations)
    _salted_cache[key] = salted
    return salted


def msg(kind, body=b""):
    """A typed frontend message: kind byte, int32 length, body."""
    return kind + struct.pack("!I", len(body) + 4) + body


def cstr(s):
    return (s.encode() if isinstance(s, str) else s) + b"\0"


def startup_packet(user, database, version=196608, extra=None):
    body = struct.pack("!I", version)
    params = {"user": user, "database": database}
    params.update(extra or {})
    for k, v in params.items():
        if v is not None:
            body += cstr(k) + cstr(v)
    body += b"\0"
    return struct.pack("!I", len(body) + 4) + body


def error_fields(body):
    fields = {}
    for part in body.split(b"\0"):
        if part:
            fields[chr(part[0])] = part[1:].decode(errors="replace")
    return fields


class Conn:
    def __init__(self, host, port, timeout=5.0, tls=False):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if tls:  # SSLRequest, then TLS without verification (sslmode=require)
            self.sock.sendall(struct.pack("!II", 8, 80877103))
            if self.sock.recv(1) != b"S":
                raise RuntimeError("the server refused TLS")
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            self.sock = ctx.wrap_socket(self.sock)
        self.buf = b""
        self.pid = None
        self.secret = None
        self.auth_method = None  # the first Authentication request's code
        self.params = {}

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, n):
        while len(self.buf) < n:
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                raise Closed()
            self.buf += chunk

    def read_byte(self):
        self._fill(1)
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def read_msg(self):
        """(kind, body) of the next backend message; raises Closed at EOF."""
        self._fill(5)
        kind = self.buf[:1]
        (n,) = struct.unpack("!I", self.buf[1:5])
        self._fill(1 + n)
        body = self.buf[5:1 + n]
        self.buf = self.buf[1 + n:]
        return kind, body

    def login(self, user, password, database):
        self.send(startup_packet(user, database))
        nonce = None
        client_first_bare = server_first = None
        salted = None
        while True:
            kind, body = self.read_msg()
            if kind == b"E":
                f = error_fields(body)
                raise RuntimeError(f"login failed: {f.get('C')} {f.get('M')}")
            if kind == b"R":
                (code,) = struct.unpack("!I", body[:4])
                if self.auth_method is None:
                    self.auth_method = code
                if code == 0:
                    continue
                if code == 3:  # cleartext
                    self.send(msg(b"p", cstr(password)))
                elif code == 5:  # md5
                    inner = hashlib.md5((password + user).encode()).hexdigest()
                    outer = hashlib.md5(inner.encode() + body[4:8]).hexdigest()
                    self.send(msg(b"p", cstr("md5" + outer)))
                elif code == 10:  # SASL
                    mechs = [m for m in body[4:].split(b"\0") if m]
                    if b"SCRAM-SHA-256" not in mechs:
                        raise RuntimeError(f"no SCRAM-SHA-256 in {mechs}")
                    nonce = base64.b64encode(os.urandom(18)).decode()
                    client_first_bare = "n=,r=" + nonce
                    first = ("n,," + client_first_bare).encode()
                    self.send(msg(b"p", cstr("SCRAM-SHA-256") + struct.pack("!I", len(first)) + first))
                elif code == 11:  # SASLContinue
                    server_first = body[4:].decode()
                    attrs = dict(kv.split("=", 1) for kv in server_first.split(","))
                    if not attrs["r"].startswith(nonce):
                        raise RuntimeError("server nonce does not extend ours")
                    salted = _salted_password(password, attrs["s"], int(attrs["i"]))
                    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
                    stored_key = hashlib.sha256(client_key).digest()
                    final_no_proof = "c=biws,r=" + attrs["r"]
                    self.auth_message = ",".join([client_first_bare, server_first, final_no_proof])
                    sig = hmac.new(stored_key, self.auth_message.encode(), "sha256").digest()
                    proof = bytes(a ^ b for a, b in zip(client_key, sig))
                    self.send(msg(b"p", (final_no_proof + ",p=" + base64.b64encode(proof).decode()).encode()))
                elif code == 12:  # SASLFinal: check the server's signature
                    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
                    want = hmac.new(server_key, self.auth_message.encode(), "sha256").digest()
                    if body[4:].decode() != "v=" + base64.b64encode(want).decode():
                        raise RuntimeError("bad server signature")
                else:
                    raise RuntimeError(f"unsupported authentication request {code}")
            elif kind == b"S":
                k, v = body.split(b"\0")[:2]
                self.params[k.decode()] = v.decode()
            elif kind == b"K":
                self.pid, self.secret = struct.unpack("!II", body)
            elif kind == b"Z":
                return

    def summary(self, until_ready=1, timeout=3.0):
        """What the server sends until the until_ready-th ReadyForQuery (or
        EOF, or silence for timeout seconds): a list of message types;
        ErrorResponse as E:<SQLSTATE>:<severity>, and EOF as <eof>."""
        out = []
        self.sock.settimeout(timeout)
        try:
            while True:
                kind, body = self.read_msg()
                if kind == b"E":
                    f = error_fields(body)
                    out.append(f"E:{f.get('C')}:{f.get('V', f.get('S'))}")
                elif kind in (b"S", b"N"):
                    continue  # ParameterStatus/Notice: their sets differ by design
                else:
                    out.append(kind.decode(errors="replace"))
                if kind == b"Z":
                    until_ready -= 1
                    if until_ready == 0:
                        return out
        except Closed:
            out.append("<eof>")
        except socket.timeout:
            out.append("<silent>")
        return out

    def query(self, sql):
        """Simple query; returns (rows as text lists, error SQLSTATE or None)."""
        self.send(msg(b"Q", cstr(sql)))
        rows, err = [], None
        while True:
            kind, body = self.read_msg()
            if kind == b"D":
                (n,) = struct.unpack("!H", body[:2])
                pos, row = 2, []
                for _ in range(n):
                    (ln,) = struct.unpack("!i", body[pos:pos + 4])
                    pos += 4
                    if ln < 0:
                        row.append(None)
                    else:
                        row.append(body[pos:pos + ln].decode())
                        pos += ln
                rows.append(row)
            elif kind == b"E":
                err = error_fields(body).get("C")
            elif kind == b"Z":
                return rows, err


def cancel(host, port, pid, secret):
    s = socket.create_connection((host, port), timeout=5)
    s.sendall(struct.pack("!IIII", 16, 80877102, pid, secret))
    s.close()


def connect(target, timeout=5.0):
    """target: dict with host, port, user, password, database, and tls
    (optional, default False)."""
    c = Conn(target["host"], target["port"], timeout, target.get("tls", False))
    c.login(target["user"], target["password"], target["database"])
    return c


def timed_login(target):
    start = time.perf_counter()
    c = connect(target)
    elapsed = time.perf_counter() - start
    return c, elapsed
