#!/usr/bin/env python3
"""Independent verifier of immudb-cpp proof documents (docs/VERIFICATION.md).

Written from the documentation alone, with the Python standard library (plus
psycopg2 only to fetch documents from a server), to show that any client can
check what the server proves without trusting it or reusing its code.

usage:
  verify_proof.py --file DOC.json [--trusted TX:ALH] [--db DB]
  verify_proof.py --dsn DSN (--row TABLE KEY... | --key KEY | --tx N | --state)
                  [--trusted TX:ALH]
On success prints "verified: ..." and "state TX:ALH" (the state to trust next)
and exits 0; a proof that does not verify exits 1 naming the failed check;
bad usage or a server error exits 2. Signatures are not checked here (the
standard library has no ECDSA/Ed25519): pin and check the key with immuclient.
"""
import argparse
import hashlib
import json
import struct
import sys


class Failed(Exception):
    pass


def H(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


def leaf_hash(data):
    return H(b"\x00", data)


def node_hash(left, right):
    return H(b"\x01", left, right)


EMPTY_ROOT = H(b"")
ZERO = bytes(32)


def mth(leaves):
    """RFC 6962 root over leaf hashes (already hashed)."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def verify_inclusion(leaf, index, size, proof, root, what):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        raise Failed("%s: leaf %d outside a tree of %d" % (what, index, size))
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise Failed("%s: proof too long" % what)
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0 or r != root:
        raise Failed("%s: inclusion proof does not lead to the root" % what)


def verify_consistency(first, second, first_root, second_root, proof, what):
    """RFC 9162 2.1.4.2 (from size 0: an empty proof, always valid)."""
    if first == 0:
        if proof:
            raise Failed("%s: proof from the empty tree must be empty" % what)
        return
    if first > second:
        raise Failed("%s: old tree larger than the new one" % what)
    if first == second:
        if proof or first_root != second_root:
            raise Failed("%s: same size but different roots" % what)
        return
    if first & (first - 1) == 0:
        proof = [first_root] + list(proof)
    if not proof:
        raise Failed("%s: empty proof" % what)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            raise Failed("%s: proof too long" % what)
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0 or fr != first_root or sr != second_root:
        raise Failed("%s: consistency proof does not match the roots" % what)


def num(d, k):
    """An integer member (JSON numbers like 1.0 or strings are refused)."""
    v = d[k]
    if not isinstance(v, int) or isinstance(v, bool):
        raise Failed("%s: not an integer" % k)
    return v


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Failed("duplicate member in an object")
    return dict(pairs)


def entry_digest(key, md, value):
    return H(b"\x00", struct.pack(">I", len(key)), key, struct.pack(">I", len(md)), md, H(value))


class Header:
    def __init__(self, d, what):
        try:
            self.id = num(d, "id")
            self.ts = num(d, "ts")
            self.version = num(d, "version")
            self.nentries = num(d, "nentries")
            self.eh = bytes.fromhex(d["eh"])
            self.bl_tx_id = num(d, "bl_tx_id")
            self.bl_root = bytes.fromhex(d["bl_root"])
            self.prev_alh = bytes.fromhex(d["prev_alh"])
            self.metadata = bytes.fromhex(d["metadata"])
        except (KeyError, TypeError, ValueError) as e:
            raise Failed("%s header: malformed (%s)" % (what, e))
        if any(len(h) != 32 for h in (self.eh, self.bl_root, self.prev_alh)):
            raise Failed("%s header: a hash is not 32 bytes" % what)
        self.what = what

    def key(self):
        return (self.id, self.ts, self.version, self.nentries, self.eh, self.bl_tx_id, self.bl_root,
                self.prev_alh, self.metadata)

    def inner(self):
        return H(struct.pack(">qII", self.ts, self.version, self.nentries), self.eh,
                 struct.pack(">Q", self.bl_tx_id), self.bl_root, struct.pack(">I", len(self.metadata)),
                 self.metadata)

    def alh(self):
        return H(struct.pack(">Q", self.id), self.prev_alh, self.inner())

    def check_links(self):
        if self.id == 0:
            raise Failed("%s header: tx 0 does not exist" % self.what)
        if self.bl_tx_id != self.id - 1:
            raise Failed("%s header: bl_tx_id is not id - 1" % self.what)
        if self.id == 1 and (self.bl_root != EMPTY_ROOT or self.prev_alh != ZERO):
            raise Failed("%s header: tx 1 must follow the empty tree and the zero hash" % self.what)


def hashes(lst, what):
    try:
        out = [bytes.fromhex(x) for x in lst]
    except (TypeError, ValueError):
        raise Failed("%s: not hex" % what)
    if any(len(h) != 32 for h in out):
        raise Failed("%s: a hash is not 32 bytes" % what)
    return out


def verify_dual(source, target, s, alh_s, t, alh_t, inclusion, consistency, what):
    if not 0 < s <= t:
        raise Failed("%s: needs 0 < source <= target" % what)
    if source.id != s or target.id != t:
        raise Failed("%s: headers are not for tx %d and %d" % (what, s, t))
    source.check_links()
    target.check_links()
    if source.alh() != alh_s:
        raise Failed("%s: source header does not hash to the trusted Alh of tx %d" % (what, s))
    if target.alh() != alh_t:
        raise Failed("%s: target header does not hash to its Alh" % what)
    if s == t:
        if source.key() != target.key() or inclusion or consistency:
            raise Failed("%s: same tx but different headers or non-empty proofs" % what)
        return
    verify_inclusion(leaf_hash(alh_s), s - 1, t - 1, inclusion, target.bl_root, what + " (inclusion)")
    verify_consistency(s - 1, t - 1, source.bl_root, target.bl_root, consistency, what + " (consistency)")


def verify_document(doc, trusted_tx=0, trusted_alh=ZERO, trusted_db=None):
    """Raises Failed, or returns (tx_id, alh) of the state to trust next."""
    if doc.get("format") != "immudb-cpp/proof/v1":
        raise Failed("unknown format %r" % doc.get("format"))
    kind = doc.get("kind")
    target = Header(doc["target"], "target")
    target_alh = target.alh()
    state = doc["state"]
    if num(state, "tx_id") != target.id or bytes.fromhex(state["alh"]) != target_alh:
        raise Failed("state: does not match the target header")
    if trusted_db is not None and state["db"] != trusted_db:
        raise Failed("state: database %r is not the trusted %r" % (state["db"], trusted_db))
    since = num(doc, "since_tx")
    if trusted_tx > 0 and since != trusted_tx:
        raise Failed("dual proof: made from tx %d, but the trusted state is tx %d" % (since, trusted_tx))
    if trusted_tx > target.id:
        raise Failed("trusted tx %d is newer than the server's state (tx %d)" % (trusted_tx, target.id))
    if kind in ("row", "kv"):
        tx = Header(doc["tx"], "entry tx")
        tx.check_links()
        target.check_links()
        e = doc["entry"]
        key, md, value = (bytes.fromhex(e[f]) for f in ("key", "metadata", "value"))
        p = doc["entry_proof"]
        if num(p, "width") != tx.nentries:
            raise Failed("entry proof: width is not the tx's number of entries")
        verify_inclusion(entry_digest(key, md, value), num(p, "leaf"), num(p, "width"),
                         hashes(p["terms"], "entry proof"), tx.eh, "entry proof")
        incl = hashes(doc["tx_inclusion"], "tx inclusion")
        if tx.id > target.id:
            raise Failed("entry tx is after the target")
        if tx.id < target.id:
            verify_inclusion(leaf_hash(tx.alh()), tx.id - 1, target.id - 1, incl, target.bl_root,
                             "tx inclusion")
        elif tx.key() != target.key() or incl:
            raise Failed("tx inclusion: entry tx and target share an id, not a header")
    elif kind == "tx":
        tx = Header(doc["tx"], "tx")
        entries = doc["entries"]
        if len(entries) != tx.nentries:
            raise Failed("tx %d: %d entries listed, the header says %d" % (tx.id, len(entries), tx.nentries))
        digests = [entry_digest(*(bytes.fromhex(e[f]) for f in ("key", "metadata", "value"))) for e in entries]
        if mth(digests) != tx.eh:
            raise Failed("tx %d: entries do not hash to the header's Eh" % tx.id)
        verify_dual(tx, target, tx.id, tx.alh(), target.id, target_alh, hashes(doc["tx_inclusion"], "tx"),
                    hashes(doc["tx_consistency"], "tx"), "tx inclusion")
    elif kind == "state":
        target.check_links()
    else:
        raise Failed("unknown kind %r" % kind)
    if trusted_tx > 0:
        d = doc["dual"]
        if not isinstance(d, dict):
            raise Failed("dual proof: missing")
        verify_dual(Header(d["source"], "dual source"), target, trusted_tx, trusted_alh, target.id, target_alh,
                    hashes(d["inclusion"], "dual"), hashes(d["consistency"], "dual"), "dual proof")
    return target.id, target_alh


def fetch(args):
    import psycopg2  # only for fetching: verification above is stdlib only
    since = args.trusted_tx
    conn = psycopg2.connect(args.dsn)
    conn.autocommit = True
    cur = conn.cursor()
    if args.row:
        table, keys = args.row[0], args.row[1:]
        cur.execute("SELECT immudb_proof_row(%s" + ", %s" * len(keys) + ", %s::bigint)::text",
                    [table] + keys + [since])
    elif args.key is not None:
        cur.execute("SELECT immudb_proof_key(%s, %s::bigint)::text", (args.key, since))
    elif args.tx is not None:
        cur.execute("SELECT immudb_proof_tx(%s::bigint, %s::bigint)::text", (args.tx, since))
    else:
        cur.execute("SELECT immudb_proof_state(%s::bigint)::text", (since,))
    row = cur.fetchone()
    conn.close()
    if row is None or row[0] is None:
        print("not found", file=sys.stderr)
        sys.exit(2)
    return row[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--file")
    ap.add_argument("--dsn")
    ap.add_argument("--row", nargs="+", metavar="TABLE_AND_KEY")
    ap.add_argument("--key")
    ap.add_argument("--tx", type=int)
    ap.add_argument("--state", action="store_true")
    ap.add_argument("--trusted", default="", help="TX:ALH of a state verified earlier")
    ap.add_argument("--db")
    args = ap.parse_args()
    args.trusted_tx, trusted_alh = 0, ZERO
    if args.trusted:
        tx, _, alh = args.trusted.partition(":")
        args.trusted_tx, trusted_alh = int(tx), bytes.fromhex(alh)
    if bool(args.file) == bool(args.dsn):
        ap.error("give --file or --dsn")
    text = open(args.file).read() if args.file else fetch(args)
    try:
        doc = json.loads(text, object_pairs_hook=no_duplicates)
        tx_id, alh = verify_document(doc, args.trusted_tx, trusted_alh, args.db)
    except Failed as e:
        print("verification failed: %s" % e)
        sys.exit(1)
    except (KeyError, TypeError, ValueError) as e:
        print("verification failed: malformed document (%s: %s)" % (type(e).__name__, e))
        sys.exit(1)
    what = {"row": "row %s of %s" % (doc.get("entry", {}).get("key"), doc.get("table")),
            "kv": "entry %s" % doc.get("entry", {}).get("key"),
            "tx": "tx %s" % doc.get("tx", {}).get("id"), "state": "state"}[doc["kind"]]
    print("verified: %s in state tx %d%s" % (what, tx_id,
                                               " (consistent with trusted tx %d)" % args.trusted_tx
                                               if args.trusted_tx else ""))
    print("state %d:%s" % (tx_id, alh.hex()))


if __name__ == "__main__":
    main()
