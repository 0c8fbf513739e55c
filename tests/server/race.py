#!/usr/bin/env python3
"""64 clients race one-line shipments through `tierguard serve` for one consignee's LPP
headroom (26.9 M TPP: 1,699 H100s of 15,832 TPP): the calls are committed in groups, yet the
cap is never exceeded, every shipment answered "recorded" is in the ledger and in the audit log
exactly once, nothing else is, and `check` finds the ledger consistent. Usage: race.py
TIERGUARD_BINARY"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import Failures, report  # noqa: E402

CLIENTS = 64
ORDERS_EACH = 12
H100_EACH = 25  # 64 x 12 x 25 = 19,200 H100s asked for; the cap holds 1,699


def main():
    binary = sys.argv[1]
    failures = Failures()
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "race.db")
        key = subprocess.run([binary, "--db", db, "keys", "add", "--name", "erp", "--role",
                              "admin"], capture_output=True, text=True).stdout.strip()
        server = subprocess.Popen([binary, "--db", db, "serve", "--listen", "127.0.0.1:0",
                                   "--threads", "2"], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        base = server.stdout.readline().strip().split("listening on ")[-1]
        answers = {}
        lock = threading.Lock()

        def client(c):
            for i in range(ORDERS_EACH):
                order_id = f"R-{c}-{i}"
                body = json.dumps({"id": order_id, "date": "2025-06-01",
                                   "regime": "us-ai-diffusion-2025",
                                   "consignee": {"id": "C-RACE", "country": "AE"},
                                   "items": [{"part": "H100", "quantity": H100_EACH}]}).encode()
                req = urllib.request.Request(base + "/v1/shipments", data=body, method="POST")
                req.add_header("Authorization", "Bearer " + key)
                try:
                    with urllib.request.urlopen(req, timeout=60) as r:
                        answer = (r.status, json.loads(r.read()))
                except urllib.error.HTTPError as e:
                    answer = (e.code, e.read().decode())
                with lock:
                    answers[order_id] = answer

        threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        server.terminate()
        failures.check(server.wait(timeout=30) == 0, "serve did not exit 0 on SIGTERM")

        failures.check(len(answers) == CLIENTS * ORDERS_EACH, f"{len(answers)} answers")
        bad = [(k, v) for k, v in answers.items() if v[0] != 200]
        failures.check(not bad, f"calls not answered 200: {bad[:3]}")
        recorded = {k for k, (status, a) in answers.items()
                    if status == 200 and isinstance(a, dict) and a.get("recorded")}
        failures.check(len(recorded) * H100_EACH <= 1699,
                       f"{len(recorded)} orders of {H100_EACH} H100s recorded: over the cap")
        failures.check(len(recorded) * H100_EACH > 1699 - H100_EACH,
                       f"only {len(recorded)} orders recorded: headroom left unused")

        def cli(*args):
            return subprocess.run([binary, "--db", db, "--as", "erp", *args],
                                  capture_output=True, text=True)

        shipped = [json.loads(line)["id"] for line in cli("shipments", "list").stdout.splitlines()]
        failures.check(sorted(shipped) == sorted(recorded),
                       f"the ledger's shipments ({len(shipped)}) are not those answered recorded "
                       f"({len(recorded)})")
        records = [json.loads(line) for line in cli("audit", "records").stdout.splitlines()]
        logged = [r["subject"] for r in records if r["kind"] == "shipment"]
        failures.check(sorted(logged) == sorted(recorded),
                       "the log's shipment records are not those answered recorded, once each")
        check = cli("check")
        failures.check(check.returncode == 0 and "consistent" in check.stdout,
                       "check: " + check.stdout + check.stderr)
    return report("server race", failures, f"{CLIENTS} clients, {len(recorded)} recorded")


if __name__ == "__main__":
    sys.exit(main())
