#!/usr/bin/env python3
"""A campaign, not a test: kill -9 during a long `ship`, cut the WAL the kill left at a random
length, and see how the next commands end. Each trial ends in one of:
  refused   every command but check refuses (the WAL lost committed frames: PATH-damage),
  intact    the cut only dropped frames no transaction needed: every acknowledged shipment is
            there and check is consistent,
  LOST      an acknowledged shipment is missing and nothing said so (must never happen).
Usage: bench/wal_truncation.py TIERGUARD_BINARY [TRIALS] (from the repository root)."""
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time


def main():
    binary = os.path.abspath(sys.argv[1])
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    rng = random.Random(20261203)
    outcomes = {"refused": 0, "intact": 0, "LOST": 0}
    with tempfile.TemporaryDirectory() as tmp:
        book = os.path.join(tmp, "book.jsonl")
        with open(book, "w") as f:
            for i in range(60000):
                f.write(json.dumps({"id": f"W-{i}", "date": "2025-06-01",
                                    "regime": "us-ai-diffusion-2025",
                                    "consignee": {"id": f"C-{rng.randrange(20000)}",
                                                  "country": rng.choice(["AE", "IN", "SA"])},
                                    "items": [{"part": "H100", "quantity": 8}]}) + "\n")
        for trial in range(trials):
            db = os.path.join(tmp, f"w{trial}.db")
            out = os.path.join(tmp, f"out{trial}.jsonl")
            with open(book) as src, open(out, "w") as dst:
                p = subprocess.Popen([binary, "--db", db, "ship", "--batch", "200"], stdin=src,
                                     stdout=dst, stderr=subprocess.DEVNULL)
                time.sleep(rng.uniform(0.5, 1.5))
                p.send_signal(signal.SIGKILL)
                p.wait()
            wal = db + "-wal"
            if os.path.exists(wal):
                os.truncate(wal, int(os.path.getsize(wal) * rng.uniform(0.05, 0.95)))
            acked = set()
            for line in open(out):
                try:
                    d = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if d.get("recorded"):
                    acked.add(d["id"])
            caps = subprocess.run([binary, "--db", db, "caps"], capture_output=True, text=True)
            if caps.returncode != 0 and "damaged" in caps.stderr:
                outcomes["refused"] += 1
                continue
            again = subprocess.run([binary, "--db", db, "ship", book], capture_output=True,
                                   text=True)
            duplicates = {json.loads(l)["id"] for l in again.stdout.splitlines()
                          if '"duplicate":true' in l}
            check = subprocess.run([binary, "--db", db, "check"], capture_output=True, text=True)
            if acked - duplicates or check.returncode != 0:
                outcomes["LOST"] += 1
                print(f"trial {trial}: {len(acked - duplicates)} acknowledged shipments lost; "
                      f"check: {check.stdout.strip()[-200:]}")
            else:
                outcomes["intact"] += 1
    print(f"{trials} trials: " + ", ".join(f"{n} {k}" for k, n in outcomes.items()))
    return 1 if outcomes["LOST"] else 0


if __name__ == "__main__":
    sys.exit(main())
