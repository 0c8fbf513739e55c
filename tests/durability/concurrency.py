#!/usr/bin/env python3
"""Eight processes ship against one SQLite ledger at once, racing for the last LPP headroom of
one consignee. They are started first and fed their orders together, from one thread each
behind a barrier, and must have run at once: every one was still running when the last one
got its input. Checks: the cap is never exceeded (exactly as many orders as fit are recorded),
every shipment a process acknowledged is on disk, and `tierguard check` finds the ledger
consistent. Usage: concurrency.py TIERGUARD_BINARY"""
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import export_bundle, report  # noqa: E402
import tempfile

H100_TPP = 15832
ORDER = 10                        # H100 per order: 158,320 TPP
LPP = 26_900_000
FIT = LPP // (ORDER * H100_TPP)   # 169 orders fit, the 170th does not
PROCESSES, ORDERS_EACH = 8, 30    # 240 orders race for 169 places


def order(pid, n):
    return json.dumps({"id": f"P{pid}-{n}", "date": "2025-06-01", "regime": "us-ai-diffusion-2025",
                       "consignee": {"id": "C-RACE", "country": "AE"},
                       "items": [{"part": "H100", "quantity": ORDER}]})


def main():
    binary = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "race.db")
        open(db, "w").close()  # an empty file is an empty ledger; check lays out its tables
        subprocess.run([binary, "--db", db, "check"], check=True, capture_output=True)
        procs = []
        for pid in range(PROCESSES):
            lines = "\n".join(order(pid, n) for n in range(ORDERS_EACH)) + "\n"
            p = subprocess.Popen([binary, "--db", db, "ship", "--batch", "1"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            procs.append((p, lines))
        # Every process is running and waiting for its input; a barrier releases all the inputs
        # at once.
        barrier = threading.Barrier(PROCESSES)
        results = [None] * PROCESSES
        fed = [0.0] * PROCESSES
        done = [0.0] * PROCESSES

        def feed(i):
            p, lines = procs[i]
            barrier.wait()
            fed[i] = time.monotonic()
            results[i] = p.communicate(lines, timeout=120)
            done[i] = time.monotonic()

        threads = [threading.Thread(target=feed, args=(i,)) for i in range(PROCESSES)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if max(fed) >= min(done):
            failures.append(f"the processes did not overlap: one finished {min(done) - max(fed):.3f} s "
                            "before the last was fed")
        acknowledged = []
        for (p, _), (out, err) in zip(procs, results):
            if p.returncode != 0:
                failures.append(f"ship exited {p.returncode}: {err.strip()}")
            for line in out.splitlines():
                d = json.loads(line)
                if d.get("recorded"):
                    acknowledged.append(d["id"])
        if len(acknowledged) != FIT:
            failures.append(f"{len(acknowledged)} orders recorded; exactly {FIT} fit the cap")
        caps = subprocess.run([binary, "--db", db, "caps"], capture_output=True, text=True,
                              check=True).stdout.splitlines()
        used = json.loads(caps[0])["used"] if caps else 0
        if used > LPP or used != len(acknowledged) * ORDER * H100_TPP:
            failures.append(f"cap used {used} for {len(acknowledged)} orders (limit {LPP})")
        # Every acknowledged shipment is on disk: sending it again is a duplicate.
        again = "\n".join(order(int(i[1:].split("-")[0]), int(i.split("-")[1])) for i in acknowledged)
        out = subprocess.run([binary, "--db", db, "ship"], input=again + "\n", capture_output=True,
                             text=True).stdout.splitlines()
        if sum('"duplicate":true' in l for l in out) != len(acknowledged):
            failures.append("an acknowledged shipment is missing from the ledger")
        check = subprocess.run([binary, "--db", db, "check"], capture_output=True, text=True)
        if check.returncode != 0:
            failures.append("check: " + check.stdout.strip())
        # How the lock went round: the number of times the writer changes in the log's order
        # (SQLite's busy handler lets the holder take it again, so a few, not hundreds).
        bundle, _ = export_bundle(binary, db, tmp, "race.test")
        writers = [json.loads(line)["subject"].split("-")[0]
                   for line in open(os.path.join(bundle, "records.jsonl"))
                   if '"kind":"shipment"' in line]
        switches = sum(1 for a, b in zip(writers, writers[1:]) if a != b)
        overlap = min(done) - max(fed)
    return report("concurrency", failures, f"{PROCESSES} processes overlapping {overlap:.3f} s, "
                  f"{len(acknowledged)} of {PROCESSES * ORDERS_EACH} orders recorded, the writer "
                  f"changed {switches} times")


if __name__ == "__main__":
    sys.exit(main())
