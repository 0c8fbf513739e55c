#!/usr/bin/env python3
"""API keys as an administrator makes them, and what they change for the command line: once a
ledger holds keys, the command line acts only as a key's holder, with that key's role; a key
is shown once and never listed; a revoked key's holder acts no more. Usage: keys_cli.py
TIERGUARD_BINARY"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import Failures, report  # noqa: E402

ORDER = ('{"id": "K1", "date": "2026-03-01", "consignee": {"id": "C-1", "country": "AE"}, '
         '"items": [{"part": "H100", "quantity": 10}]}\n')


def main():
    binary = sys.argv[1]
    failures = Failures()
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "keys.db")

        def run(*args, stdin=None):
            return subprocess.run([binary, "--db", db, *args], input=stdin, capture_output=True,
                                  text=True)

        def expect(code, message, *args, stdin=None):
            r = run(*args, stdin=stdin)
            failures.check(r.returncode == code and message in r.stdout + r.stderr,
                           f"{' '.join(args)}: expected exit {code} and {message!r}, got "
                           f"{r.returncode}: {(r.stdout + r.stderr).strip()[:300]}")
            return r

        # Without keys anyone acts under any name, as before.
        expect(0, "", "--as", "anyone", "party", "add", "--id", "P-1", "--name", "Alpha",
               "--country", "AE")
        expect(1, "the first key of a ledger is an admin's", "keys", "add", "--name", "erp",
               "--role", "clerk")
        expect(2, "'root' is none of viewer", "keys", "add", "--name", "x", "--role", "root")
        root = expect(0, "", "keys", "add", "--name", "root", "--role", "admin").stdout.strip()
        failures.check(root.startswith("tgk.") and "\n" not in root, "keys add printed " + root)

        # Now the acting name must be a key's, and its role must allow the command.
        expect(2, "none has that name", "--as", "anyone", "caps")
        expect(0, "", "--as", "root", "caps")
        erp = expect(0, "", "--as", "root", "keys", "add", "--name", "erp", "--role",
                     "clerk").stdout.strip()
        expect(2, "needs a role that may manage keys", "--as", "erp", "keys", "add", "--name",
               "z", "--role", "viewer")
        expect(0, "\"recorded\":", "--as", "erp", "ship", stdin=ORDER)
        expect(2, "(clerk): this command needs a role that may change licences", "--as", "erp",
               "party", "add", "--id", "P-2", "--name", "Beta", "--country", "AE")
        expect(1, "exists", "--as", "root", "keys", "add", "--name", "erp", "--role", "admin")

        # Listed by name and role, never with the key or its hash.
        listed = expect(0, "", "--as", "root", "keys", "list").stdout
        rows = [json.loads(line) for line in listed.splitlines()]
        failures.check([(r["name"], r["role"]) for r in rows] == [("erp", "clerk"), ("root", "admin")],
                       "keys list: " + listed)
        secret = erp.rsplit(".", 1)[-1]
        failures.check(secret not in listed and "sha256" not in listed, "keys list shows secrets")

        # Revoked: its holder acts no more; the records name who acted.
        expect(0, "revoked key erp", "--as", "root", "keys", "revoke", "erp")
        expect(2, "that key is revoked", "--as", "erp", "caps")
        records = expect(0, "", "--as", "root", "audit", "records").stdout.splitlines()
        kinds = [(json.loads(r)["kind"], json.loads(r)["actor"]) for r in records]
        for wanted in [("key.add", "root"), ("key.revoke", "root")]:
            failures.check(wanted in kinds, f"no {wanted} among the records {kinds}")
        failures.check(("shipment", "erp") in kinds or ("refusal", "erp") in kinds,
                       f"no record of erp's order among {kinds}")
        failures.check(not any(secret in r for r in records), "a record holds a key's secret")
    return report("keys cli", failures)


if __name__ == "__main__":
    sys.exit(main())
