#!/usr/bin/env python3
"""Cross-checks tierguard's Merkle tree with an independent implementation of RFC 6962 in
Python's hashlib: every tree head, and every inclusion and consistency proof that
merkle_dump prints, must equal what the RFC's own recursive definitions give.
Usage: cross_check.py MERKLE_DUMP_BINARY [N]"""
import hashlib
import json
import subprocess
import sys


def leaf(d):
    return hashlib.sha256(b"\x00" + d).digest()


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d):
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return leaf(d[0])
    k = split(len(d))
    return node(mth(d[:k]), mth(d[k:]))


def path(m, d):  # RFC 6962 2.1.1
    if len(d) == 1:
        return []
    k = split(len(d))
    if m < k:
        return path(m, d[:k]) + [mth(d[k:])]
    return path(m - k, d[k:]) + [mth(d[:k])]


def subproof(m, d, b):  # RFC 6962 2.1.2
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = split(n)
    if m <= k:
        return subproof(m, d[:k], b) + [mth(d[k:])]
    return subproof(m - k, d[k:], False) + [mth(d[:k])]


def main():
    binary = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    records = [f"record {i}".encode() for i in range(n)]
    out = subprocess.run([binary, str(n)], capture_output=True, text=True, check=True).stdout
    checked = failed = 0
    for line in out.splitlines():
        row = json.loads(line)
        d = records[:row["size"]]
        if "root" in row:
            ok = row["root"] == mth(d).hex()
        elif "inclusion" in row:
            ok = row["inclusion"] == [h.hex() for h in path(row["index"], d)]
        else:
            ok = row["consistency"] == [h.hex() for h in subproof(row["old"], d, True)]
        checked += 1
        if not ok:
            failed += 1
            print("FAIL:", line[:200])
    print(f"merkle cross-check: {checked - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
