#!/usr/bin/env python3
"""Replay: every logged decision re-runs to the same bytes from its logged request, under the
regime version that made it (even after the regime file is edited), against the ledger state
rebuilt from the records before it (even after later licences and shipments).
Usage: replay.py TIERGUARD_BINARY"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import report  # noqa: E402
import tempfile


def main():
    tg = os.path.abspath(sys.argv[1])
    home = os.environ.get("TIERGUARD_HOME", os.getcwd())
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        regimes = os.path.join(tmp, "regimes")
        shutil.copytree(os.path.join(home, "regimes"), regimes)
        db = os.path.join(tmp, "r.db")

        def run(*args, stdin=None):
            return subprocess.run([tg, "--regimes", regimes, "--db", db, *args], input=stdin,
                                  capture_output=True, text=True)

        run("party", "add", "--id", "P-1", "--country", "AE")
        run("license", "add", "--number", "L-1", "--eccn", "3A090.a", "--destination", "AE",
            "--consignee", "P-1", "--quantity", "10", "--from", "2026-01-01", "--to", "2026-12-31")
        orders = [{"id": "S-1", "date": "2026-03-01", "consignee": {"id": "P-1", "country": "AE"},
                   "items": [{"part": "H100", "quantity": 6}]}]
        orders += [{"id": f"D-{i}", "date": "2025-06-01", "regime": "us-ai-diffusion-2025",
                    "consignee": {"id": f"C-{i % 3}", "country": "AE"},
                    "items": [{"part": "H100", "quantity": 400}]} for i in range(12)]
        # A refused request is logged and replays like the others.
        orders += [{"id": "R-1", "date": "2026-03-01", "consignee": {"id": "C-CN", "country": "CN"},
                    "items": [{"part": "B200", "quantity": 8}]}]
        run("ship", stdin="".join(json.dumps(o) + "\n" for o in orders))
        # Later changes: a second licence, more shipments, and an edited regime file.
        run("license", "add", "--number", "L-2", "--eccn", "3A090.a", "--destination", "AE",
            "--consignee", "P-1", "--quantity", "1000", "--from", "2026-01-01", "--to", "2026-12-31")
        run("ship", stdin=json.dumps(dict(orders[0], id="S-2")) + "\n")
        path = os.path.join(regimes, "us-ai-diffusion-2025.yaml")
        text = open(path).read().replace("limit_tpp: 26_900_000", "limit_tpp: 1_000_000")
        open(path, "w").write(text)
        replayed = 0
        for n in range(2, 2 + len(orders)):
            r = run("audit", "replay", str(n))
            replayed += 1
            if r.returncode != 0 or "identical" not in r.stdout:
                failures.append(f"record {n}: {r.stdout.strip()[:300]} {r.stderr.strip()[:200]}")
        r = run("audit", "replay", "0")
        if r.returncode != 1 or "not a decision" not in r.stderr:
            failures.append("replay of a non-decision record: " + r.stderr)
    return report("audit replay", failures, f"{replayed} decisions replayed")


if __name__ == "__main__":
    sys.exit(main())
