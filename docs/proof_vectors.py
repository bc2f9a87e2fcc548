#!/usr/bin/env python3
"""Independent re-implementation of the immudb-cpp hashing formats.

Uses nothing but the Python standard library. Prints the test vectors of
docs/PROOFS.md; verify/*_test.cc assert the same values, so any change to a
format shows up in both places. Run: python3 docs/proof_vectors.py
"""

import hashlib
import struct


def sha256(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def u32(v: int) -> bytes:
    return struct.pack(">I", v)


def u64(v: int) -> bytes:
    return struct.pack(">Q", v)


def i64(v: int) -> bytes:
    return struct.pack(">q", v)


# --- RFC 6962 / RFC 9162 Merkle tree ---------------------------------------

def leaf_hash(data: bytes) -> bytes:
    return sha256(b"\x00" + data)


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


def split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaf_hashes):
    n = len(leaf_hashes)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaf_hashes[0]
    k = split(n)
    return node_hash(mth(leaf_hashes[:k]), mth(leaf_hashes[k:]))


def path(m, leaves):
    if len(leaves) <= 1:
        return []
    k = split(len(leaves))
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def subproof(m, leaves, complete):
    n = len(leaves)
    if m == n:
        return [] if complete else [mth(leaves)]
    k = split(n)
    if m <= k:
        return subproof(m, leaves[:k], complete) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


# --- entries, headers, states -------------------------------------------------

def entry_digest(key: bytes, md: bytes, value: bytes) -> bytes:
    return sha256(b"\x00" + u32(len(key)) + key + u32(len(md)) + md + sha256(value))


class Header:
    def __init__(self, id, ts, nentries, eh, bl_root, prev_alh, md=b"", version=1):
        self.id, self.ts, self.version, self.nentries = id, ts, version, nentries
        self.eh, self.bl_tx_id, self.bl_root = eh, id - 1, bl_root
        self.prev_alh, self.md = prev_alh, md

    def inner(self) -> bytes:
        return sha256(i64(self.ts) + u32(self.version) + u32(self.nentries) + self.eh +
                      u64(self.bl_tx_id) + self.bl_root + u32(len(self.md)) + self.md)

    def alh(self) -> bytes:
        return sha256(u64(self.id) + self.prev_alh + self.inner())

    def encode(self) -> bytes:
        return (u64(self.id) + i64(self.ts) + u32(self.version) + u32(self.nentries) +
                self.eh + u64(self.bl_tx_id) + self.bl_root + self.prev_alh +
                u32(len(self.md)) + self.md)


def state_signing_bytes(db: bytes, tx_id: int, alh: bytes) -> bytes:
    return b"immudb-cpp/state/v1" + u32(len(db)) + db + u64(tx_id) + alh


def lp(b: bytes) -> bytes:
    return u32(len(b)) + b


def hashes(hs) -> bytes:
    return u32(len(hs)) + b"".join(hs)


def dual_proof(source, target, inclusion, consistency) -> bytes:
    return lp(source.encode()) + lp(target.encode()) + hashes(inclusion) + hashes(consistency)


def self_check():
    """The Merkle code above must reproduce the RFC 6962 reference tree."""
    inputs = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
              "606162636465666768696a6b6c6d6e6f"]
    leaves = [leaf_hash(bytes.fromhex(x)) for x in inputs]
    assert mth(leaves).hex() == (
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
    assert path(5, leaves)[0].hex() == (
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")
    assert subproof(6, leaves, True)[0].hex() == (
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a")


def main():
    self_check()
    out = []

    def emit(name, value):
        out.append(f"{name} = {value.hex() if isinstance(value, bytes) else value}")

    entries = [
        (b"key1", b"", b"value1"),
        (b"", b"", b""),
        (b"deleted-key", b"\x01", b""),
        (b"\x00\xff\x10", b"\x03", b"a" * 100),
    ]
    for i, (k, md, v) in enumerate(entries):
        emit(f"entry{i}.value_hash", sha256(v))
        emit(f"entry{i}.digest", entry_digest(k, md, v))

    ts = 1700000000000000
    d1 = [entry_digest(b"key1", b"", b"value1"), entry_digest(b"key2", b"", b"value2")]
    tx1 = Header(1, ts, 2, mth(d1), mth([]), bytes(32))
    d2 = [entry_digest(b"key1", b"\x01", b"")]
    tx2 = Header(2, ts + 1, 1, mth(d2), mth([leaf_hash(tx1.alh())]), tx1.alh())
    d3 = [entry_digest(b"key3", b"", b"v3")]
    tree2 = [leaf_hash(tx1.alh()), leaf_hash(tx2.alh())]
    tx3 = Header(3, -5, 1, mth(d3), mth(tree2), tx2.alh(), md=b"md")
    for name, h in (("tx1", tx1), ("tx2", tx2), ("tx3", tx3)):
        emit(f"{name}.eh", h.eh)
        emit(f"{name}.bl_root", h.bl_root)
        emit(f"{name}.inner", h.inner())
        emit(f"{name}.alh", h.alh())
        emit(f"{name}.encoded", h.encode())
    emit("tx1.entry_proof_of_key2", b"".join(path(1, d1)))

    emit("state.signing_bytes", state_signing_bytes(b"defaultdb", 3, tx3.alh()))

    # Dual proof from tx 2 to tx 3: Alh(2) is leaf 1 of the global tree of
    # size 2 (tx 3's bl_root), and the tree of size 1 (tx 2's bl_root) is a
    # prefix of it.
    incl = path(1, tree2)
    cons = subproof(1, tree2, True)
    emit("dual_2_3.inclusion", b"".join(incl))
    emit("dual_2_3.consistency", b"".join(cons))
    emit("dual_2_3.encoded", dual_proof(tx2, tx3, incl, cons))
    print("\n".join(out))


if __name__ == "__main__":
    main()
