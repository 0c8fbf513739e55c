#!/usr/bin/env python3
"""The ledger held against its audit log: each kind of direct edit made with sqlite3 (with the
row's checksum recomputed, so the edit looks clean to the store) is found by `tierguard check`
and named: a deleted shipment, a lowered cap counter, a changed licence balance, a dropped party
link, an edited stored decision, an edited licence, an edited stored request, a shipment row no
record wrote. The untouched ledger checks consistent, and a shipment made after a deleted one is
caught by `audit verify --reconcile` from the bundle alone.
Usage: ledger_vs_log.py TIERGUARD_BINARY"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import Ledger, report  # noqa: E402

H100_LINE = 100 * 15832 * 1000  # thousandths of TPP in one order of 100 H100


def order(i, consignee="C-1", quantity=100, **extra):
    return json.dumps({"id": f"S-{i}", "date": "2025-06-01", "regime": "us-ai-diffusion-2025",
                       "consignee": {"id": consignee, "country": "AE"},
                       "items": [{"part": "H100", "quantity": quantity}], **extra})


def main():
    binary = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(tmp, "base.db")

        def run(db, *args, stdin=None):
            return subprocess.run([binary, "--db", db, *args], input=stdin, capture_output=True,
                                  text=True)

        run(base, "party", "add", "--id", "P-1", "--country", "AE")
        run(base, "party", "add", "--id", "P-2", "--country", "AE")
        run(base, "party", "link", "P-1", "P-2", "--kind", "owns", "--share", "0.6")
        run(base, "license", "add", "--number", "L-1", "--eccn", "3A090.a", "--destination", "AE",
            "--consignee", "P-1", "--quantity", "5000", "--from", "2026-01-01", "--to", "2026-12-31")
        lines = [order(i) for i in range(15)]
        lines.append(json.dumps({"id": "S-L", "date": "2026-03-01", "license": "L-1",
                                 "consignee": {"id": "P-1", "country": "AE"},
                                 "items": [{"part": "H100", "quantity": 40}]}))
        r = run(base, "ship", stdin="\n".join(lines) + "\n")
        if r.stdout.count('"recorded":true') != 16:
            failures.append("setup: 16 shipments expected: " + r.stderr)
        r = run(base, "check")
        if r.returncode != 0 or "consistent" not in r.stdout:
            failures.append("the untouched ledger: " + r.stdout.strip())

        def edited(name, edit, expect):
            db = os.path.join(tmp, name + ".db")
            shutil.copy(base, db)
            ledger = Ledger(db)
            edit(ledger)
            ledger.close()
            r = run(db, "check")
            out = r.stdout + r.stderr
            if r.returncode != 1 or expect not in out:
                failures.append(f"{name}: expected check to say {expect!r}, got exit "
                                f"{r.returncode}: {out.strip()[:600]}")
            return db

        def delete_shipment(ledger):
            ledger.delete("shipments", "S-3")
            ledger.set_counter("LPP:C-1/2025", ledger.counter("LPP:C-1/2025") - H100_LINE)

        deleted = edited("delete-shipment", delete_shipment,
                         "shipment S-3 is missing from the ledger; audit record")
        edited("lower-counter",
               lambda l: l.set_counter("LPP:C-1/2025", l.counter("LPP:C-1/2025") - 1000),
               "counter LPP:C-1/2025 is")
        edited("licence-balance",
               lambda l: l.set_counter("licence:L-1:quantity", 0),
               "counter licence:L-1:quantity is 0 but the log's records add up to 40")
        edited("drop-link", lambda l: l.delete("party_links", "P-1\x1fP-2"),
               "party link P-1 -> P-2 is missing from the ledger")

        def edit_decision(ledger):
            for key in ledger.keys("audit"):
                value = ledger.get("audit", key)
                if key.startswith("r/") and b'"subject":"S-5"' in value:
                    ledger.put("audit", key, value.replace(b'"license_exception"', b'"no_license_required"', 1))
                    return
            raise AssertionError("no record of S-5")

        edited("edit-decision", edit_decision, "was changed: it does not match its leaf")

        def edit_licence(ledger):
            value = ledger.get("licences", "L-1")
            ledger.put("licences", "L-1", value.replace(b'"quantity_limit":5000', b'"quantity_limit":50000'))

        edited("edit-licence", edit_licence, 'field "quantity_limit" is 50000 in the ledger but 5000')

        def edit_request(ledger):
            value = ledger.get("shipments", "S-7")
            ledger.put("shipments", "S-7", value.replace(b'"quantity": 100', b'"quantity": 10'))

        edited("edit-request", edit_request, "its request does not hash to the digest")

        def add_shipment(ledger):
            value = ledger.get("shipments", "S-1").replace(b'"S-1"', b'"S-X"')
            ledger.put("shipments", "S-X", value)

        edited("add-shipment", add_shipment, "shipment S-X is in the ledger but no audit record")

        # After the deletion the cap looks open again; the log records the next order against
        # it, and an auditor's bundle shows the cap past its limit.
        run(deleted, "ship", stdin=order(99) + "\n" + order(100) + "\n")
        keys = os.path.join(tmp, "log")
        run(deleted, "audit", "keygen", "--name", "reconcile.test", "--out", keys)
        bundle = os.path.join(tmp, "bundle")
        r = run(deleted, "audit", "export", "--key", keys + ".key", bundle)
        r = subprocess.run([binary, "audit", "verify", bundle, "--pub", keys + ".pub", "--reconcile"],
                           capture_output=True, text=True)
        if r.returncode != 1 or "past its limit of 26900000 TPP" not in r.stdout or \
                "but the records before it add up to" not in r.stdout:
            failures.append("verify --reconcile after a deleted shipment: " + r.stdout.strip()[:600])
        # The log itself is intact, but the deleted row took its request with it: verify names
        # the record whose recipient can no longer be shown.
        r = subprocess.run([binary, "audit", "verify", bundle, "--pub", keys + ".pub"],
                           capture_output=True, text=True)
        if r.returncode != 1 or "the exporting ledger has lost its row" not in r.stdout:
            failures.append("verify after a deleted shipment should name its lost request: " +
                            r.stdout.strip()[:400])
    return report("ledger vs log", failures, "8 kinds of direct edit")


if __name__ == "__main__":
    sys.exit(main())
