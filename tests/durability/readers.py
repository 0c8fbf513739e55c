#!/usr/bin/env python3
"""Commands that only read a ledger do not wait for its writer: while another connection holds
the write lock (as a long `ship` does), caps, check, alerts, lists list and an audit checkpoint
answer at once from the last committed state, and see the writer's change once it commits.
Usage: readers.py TIERGUARD_BINARY"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import Failures, report  # noqa: E402

LINE = json.dumps({"id": "L1", "date": "2025-06-01", "regime": "us-ai-diffusion-2025",
                   "consignee": {"id": "C-1", "country": "IN"},
                   "items": [{"part": "H100 SXM", "quantity": 2}]})


def main():
    binary = sys.argv[1]
    failures = Failures()
    check = failures.check

    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "l.db")
        key = os.path.join(tmp, "log")

        def run(*args, stdin=None):
            return subprocess.run([binary, "--db", db] + list(args), input=stdin,
                                  capture_output=True, text=True, timeout=120)

        subprocess.run([binary, "audit", "keygen", "--name", "log", "--out", key], check=True,
                       capture_output=True)
        r = run("ship", stdin=LINE + "\n")
        check(r.returncode == 0, f"ship: {r.stderr}")
        before = run("caps").stdout

        # Another connection takes the write lock and changes a counter, uncommitted.
        writer = sqlite3.connect(db, isolation_level=None, timeout=1)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE counters SET value = value + 1")
        for args in (["caps"], ["check"], ["alerts"], ["lists", "list"],
                     ["audit", "checkpoint", "--key", key + ".key"]):
            start = time.monotonic()
            r = run(*args)
            took = time.monotonic() - start
            check(r.returncode == 0 and took < 10,
                  f"{args} behind a writer: exit {r.returncode} after {took:.1f} s: {r.stderr}")
        check(run("caps").stdout == before, "a reader saw the writer's uncommitted change")
        writer.execute("ROLLBACK")
        writer.close()
        check(run("caps").stdout == before, "the rolled-back change reached the ledger")
    return report("readers", failures)


if __name__ == "__main__":
    sys.exit(main())
