#!/usr/bin/env python3
"""kill -9 during a 100,000-line `ship`, at random moments, then reopen: every shipment whose
decision was printed is on disk, nothing is half written, and every counter equals the sum of
its shipments (`tierguard check`). Finally the rest of the book is shipped to completion.
Then kill -9 at random moments inside `check`, `lists load`, `license approve` and
`audit checkpoint` on a second ledger: after each, the ledger checks consistent against its log,
an application is approved together with its licence or not at all, and a list is kept together
with its record or not at all. Bounded: three kills of ship, three of each other command (KILLS
sets both, for a longer campaign). Usage: crash.py TIERGUARD_BINARY [LINES] [KILLS]"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import export_bundle, report  # noqa: E402
import tempfile
import time

PARTS = ["H100", "RTX 4090", "L40", "H20", "B200"]
COUNTRIES = ["AE", "IN", "SA", "JP", "CN", "BR", "MY"]


def book(n, rng):
    for i in range(n):
        yield json.dumps({"id": f"K-{i}", "date": "2025-06-01", "regime": "us-ai-diffusion-2025",
                          "consignee": {"id": f"C-{rng.randrange(300)}", "country": rng.choice(COUNTRIES)},
                          "items": [{"part": rng.choice(PARTS), "quantity": rng.choice([8, 64, 256])}]})


def main():
    binary = sys.argv[1]
    lines = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    kills = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    rng = random.Random(20261125)
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "crash.db")
        path = os.path.join(tmp, "book.jsonl")
        with open(path, "w") as f:
            f.write("\n".join(book(lines, rng)) + "\n")
        acknowledged = set()
        for kill in range(kills):
            out_path = os.path.join(tmp, f"out{kill}.jsonl")
            with open(path) as src, open(out_path, "w") as out:
                p = subprocess.Popen([binary, "--db", db, "ship", "--batch", "1000"], stdin=src,
                                     stdout=out, stderr=subprocess.DEVNULL)
                time.sleep(rng.uniform(0.2, 1.2))
                p.send_signal(signal.SIGKILL)
                p.wait()
            text = open(out_path).read()
            printed = text.split("\n")
            for n, line in enumerate(printed):
                if not line:
                    continue
                try:
                    d = json.loads(line)
                except json.JSONDecodeError:
                    # The kill may cut the last line mid-write: that line is not an
                    # acknowledgement. Any other broken line is a failure.
                    if n != len(printed) - 1:
                        failures.append(f"kill {kill}: a broken decision line was printed")
                    continue
                if d.get("recorded") and not d.get("duplicate"):
                    acknowledged.add(d["id"])
            check = subprocess.run([binary, "--db", db, "check"], capture_output=True, text=True)
            if check.returncode != 0:
                failures.append(f"kill {kill}: check: {check.stdout.strip()}")
        # Ship everything again: acknowledged ids must come back as duplicates.
        final = subprocess.run([binary, "--db", db, "ship", path], capture_output=True, text=True)
        duplicates = set()
        for line in final.stdout.splitlines():
            d = json.loads(line)
            if d.get("duplicate"):
                duplicates.add(d["id"])
        missing = acknowledged - duplicates
        if missing:
            failures.append(f"{len(missing)} acknowledged shipments are missing, e.g. {sorted(missing)[:3]}")
        if len(final.stdout.splitlines()) != lines:
            failures.append("the final run did not answer every line")
        check = subprocess.run([binary, "--db", db, "check"], capture_output=True, text=True)
        if check.returncode != 0:
            failures.append("final check: " + check.stdout.strip())
        # The audit log survived the kills: it verifies, and holds one record per shipment.
        bundle, key = export_bundle(binary, db, tmp, "crash.test")
        verify = subprocess.run([binary, "audit", "verify", bundle, "--pub", key + ".pub"],
                                capture_output=True, text=True)
        if verify.returncode != 0:
            failures.append("audit verify after the kills: " + verify.stdout.strip())
        shipped = sum(1 for line in open(os.path.join(bundle, "records.jsonl"))
                      if '"kind":"shipment"' in line)
        recorded = int(check.stdout.split()[1].rstrip(","))
        if shipped != recorded:
            failures.append(f"{shipped} shipment records in the audit log for {recorded} shipments")
        others = kill_other_commands(binary, tmp, rng, failures, kills)
    return report("crash", failures, f"{kills} kills of ship, {len(acknowledged)} shipments "
                  f"acknowledged before them; {others} kills inside check, lists load, "
                  f"license approve and audit checkpoint")


def kill_other_commands(binary, tmp, rng, failures, kills_each):
    """Kills inside the other writing and signing commands; returns how many kills were made."""
    db = os.path.join(tmp, "others.db")
    shared = os.environ.get("TIERGUARD_SHARED_DATA",
                            os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                         "..", "shared", "data"))
    sdn = os.path.join(shared, "sanctions", "ofac_sdn", "sdn_2024-05-03.csv")

    def run(*args, stdin=None):
        return subprocess.run([binary, "--db", db, *args], input=stdin, capture_output=True,
                              text=True)

    run("ship", stdin="\n".join(book(3000, rng)) + "\n")
    key = os.path.join(tmp, "others")
    subprocess.run([binary, "audit", "keygen", "--name", "others.test", "--out", key],
                   capture_output=True, check=True)
    apps = [run("--as", "alice", "license", "apply", "--eccn", "3A090.a", "--destination",
                "SA", "--quantity", "100", "--to", "2027-01-01").stdout.strip()
            for _ in range(kills_each)]
    commands = {"check": lambda i: ["check"],
                "lists load": lambda i: ["lists", "load", sdn],
                "license approve": lambda i: ["--as", "bob", "license", "approve", apps[i]],
                "audit checkpoint": lambda i: ["audit", "checkpoint", "--key", key + ".key"]}
    kills = 0
    for name, args in commands.items():
        if name == "lists load" and not os.path.exists(sdn):
            failures.append(f"{sdn} is missing (../shared/data)")
            continue
        # How long the command takes, run to the end on a copy: the kills fall inside that.
        start = time.monotonic()
        probe = os.path.join(tmp, "probe.db")
        shutil.copy(db, probe)
        subprocess.run([binary, "--db", probe, *args(0)], capture_output=True)
        took = time.monotonic() - start
        for i in range(kills_each):
            p = subprocess.Popen([binary, "--db", db, *args(i)], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, took))
            p.send_signal(signal.SIGKILL)
            p.wait()
            kills += 1
            check = run("check")
            if check.returncode != 0:
                failures.append(f"kill in {name}: check: {check.stdout.strip()[:400]}")
        if name == "license approve":
            licences = {json.loads(l)["number"] for l in run("license", "list").stdout.splitlines()}
            for line in run("license", "applications").stdout.splitlines():
                a = json.loads(line)
                if (a["state"] == "approved") != (("TG-" + a["id"]) in licences):
                    failures.append(f"kill in license approve: {a['id']} is {a['state']} but its "
                                    f"licence is {'' if 'TG-' + a['id'] in licences else 'not '}on record")
    return kills


if __name__ == "__main__":
    sys.exit(main())
