#!/usr/bin/env python3
"""Tamper with one stored entry of a stopped immudb-cpp store, as an attacker
with write access to the disk would: flip one byte of the value of the latest
version of KEY in the log segments (docs/FORMAT.md, "Entry") and, unless
--keep-crc, recompute the entry's CRC so that only the cryptographic proofs
can notice.

usage: tamper_entry.py STORE_DIR KEY_HEX [--keep-crc]
Prints the segment and offset changed. Standard library only.
"""
import glob
import os
import struct
import sys

_POLY = 0x82F63B78  # CRC-32C (Castagnoli), reflected
_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ _POLY if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def mask(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    store, key = sys.argv[1], bytes.fromhex(sys.argv[2])
    keep_crc = "--keep-crc" in sys.argv[3:]
    needle = struct.pack("<I", len(key)) + key
    found = None  # (segment, offset of the key_len field): the last one wins
    for seg in sorted(glob.glob(os.path.join(store, "log", "*.seg"))):
        data = open(seg, "rb").read()
        at = data.find(needle)
        while at >= 0:
            found = (seg, at)
            at = data.find(needle, at + 1)
    if found is None:
        sys.exit("key %s not found in %s" % (key.hex(), store))
    seg, at = found
    data = bytearray(open(seg, "rb").read())
    # Entry: body_len u32 | crc u32 | md_len u8 | md | key_len u32 | key | value_len u32 | value
    md_len = None
    for cand in (0, 1):  # the metadata is 0 or 1 byte
        start = at - 1 - cand - 8
        if start >= 0 and data[start + 8] == cand:
            body_len = struct.unpack_from("<I", data, start)[0]
            vlen_at = at + 4 + len(key)
            vlen = struct.unpack_from("<I", data, vlen_at)[0]
            if body_len == 1 + cand + 4 + len(key) + 4 + vlen:
                md_len = cand
                break
    if md_len is None:
        sys.exit("could not frame the entry at %s:%d" % (seg, at))
    if vlen == 0:
        sys.exit("the entry has an empty value")
    target = vlen_at + 4 + vlen - 1  # the value's last byte
    data[target] ^= 0x01
    if not keep_crc:
        body = bytes(data[start + 8:start + 8 + body_len])
        struct.pack_into("<I", data, start + 4, mask(crc32c(body)))
    with open(seg, "r+b") as f:
        f.write(data)
    print("changed %s offset %d (entry at %d, crc %s)" % (seg, target, start,
                                                         "kept" if keep_crc else "recomputed"))


if __name__ == "__main__":
    main()
