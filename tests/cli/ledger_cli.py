#!/usr/bin/env python3
"""The ledger commands as a compliance officer runs them: each refused command exits 1 with a
message naming what is wrong, and changes nothing (the ledger's listings are the same before
and after). Usage: ledger_cli.py TIERGUARD_BINARY"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import report  # noqa: E402
import tempfile


def main():
    binary = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "cli.db")
        env = dict(os.environ, TIERGUARD_NOW="1764000000")

        def run(*args, stdin=None):
            return subprocess.run([binary, "--db", db, *args], input=stdin, capture_output=True,
                                  text=True, env=env)

        def snapshot():
            return [run(*c).stdout for c in (["license", "list"], ["license", "applications"],
                                              ["caps"], ["agreement", "list"], ["veu", "list"],
                                              ["nac", "list"])]

        def expect_ok(*args, stdin=None):
            r = run(*args, stdin=stdin)
            if r.returncode != 0:
                failures.append(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
            return r

        def expect_refused(message, *args, stdin=None, code=1):
            before = snapshot()
            r = run(*args, stdin=stdin)
            if r.returncode != code or message not in r.stderr + r.stdout:
                failures.append(f"{' '.join(args)}: expected exit {code} and {message!r}, got "
                                f"{r.returncode}: {(r.stderr + r.stdout).strip()[:200]}")
            if snapshot() != before:
                failures.append(f"{' '.join(args)}: a refused command changed the ledger")

        expect_ok("license", "add", "--number", "L-1", "--eccn", "3A090.a", "--destination", "AE",
                  "--consignee", "C-9", "--quantity", "5000", "--from", "2025-01-01", "--to",
                  "2026-12-31")
        expect_refused("already on record", "license", "add", "--number", "L-1", "--eccn",
                       "3A090.a", "--destination", "AE", "--quantity", "1", "--from",
                       "2025-01-01", "--to", "2026-12-31")
        expect_refused("--destination: unknown country 'Atlantis'", "license", "add", "--number",
                       "L-2", "--eccn", "3A090.a", "--destination", "Atlantis", "--quantity", "1",
                       "--from", "2025-01-01", "--to", "2026-12-31", code=2)
        expect_refused("unknown ECCN '3A999'", "license", "add", "--number", "L-3", "--eccn",
                       "3A999", "--destination", "AE", "--quantity", "1", "--from", "2025-01-01",
                       "--to", "2026-12-31")
        expect_refused("--quantity: '-5' is not a whole number", "license", "add", "--number", "L-4",
                       "--eccn", "3A090.a", "--destination", "AE", "--quantity", "-5", "--from",
                       "2025-01-01", "--to", "2026-12-31", code=2)
        expect_refused("no licence 'L-404'", "license", "show", "L-404")
        # Four eyes by identity: the acting name applies and approves, never a typed one.
        app = expect_ok("--as", "alice", "license", "apply", "--eccn", "3A090.a",
                        "--destination", "SA", "--quantity", "100", "--to", "2027-01-01").stdout.strip()
        expect_refused("may not approve", "--as", "alice", "license", "approve", app)
        expect_refused("--approver", "license", "approve", app, "--approver", "bob", code=2)
        expect_ok("--as", "bob", "license", "deny", app, "--reason", "end use unclear")
        expect_refused("is denied, not submitted", "--as", "bob", "license", "approve", app)
        ship = ('{"id": "S1", "date": "2026-03-01", "license": "L-1", "consignee": '
                '{"id": "C-9", "country": "AE"}, "items": [{"part": "H100", "quantity": 6000}]}\n')
        expect_refused("L-1 has 5000 quantity left", "ship", stdin=ship)
        expired = ship.replace("2026-03-01", "2027-02-01").replace("6000", "10")
        expect_refused("L-1 expired on 2026-12-31", "ship", stdin=expired)
        unknown = ship.replace('"L-1"', '"L-9"').replace("6000", "10")
        expect_refused("no active licence 'L-9'", "ship", stdin=unknown)
        held = ('{"id": "R1", "date": "2025-06-01", "regime": "us-ai-diffusion-2025", "consignee": '
                '{"id": "C-1", "country": "AE"}, "items": [{"part": "H100", "quantity": 100}]}\n')
        expect_ok("reserve", stdin=held)
        expect_ok("commit", "R1")
        expect_refused("is committed; only a held reservation can be released", "release", "R1")
        expect_refused("no reservation 'R9'", "commit", "R9")
        expect_refused("exceeds", "agreement", "add", "--id", "G-1", "--country", "AE", "--cap",
                       "country_allocation", "--increase", "1.5", "--from", "2025-06-01",
                       "--citation", "x")
        expect_refused("--kind: was given an empty value", "veu", "add", "--id", "V-1", "--kind", "", "--holder",
                       "C-1", "--eccn", "3A090.a", "--from", "2025-01-01", code=2)
        expect_refused("is not universal or national", "veu", "add", "--id", "V-1", "--kind",
                       "regional", "--holder", "C-1", "--eccn", "3A090.a", "--from", "2025-01-01")
        # Eligibility (15 CFR 748.15): refused at add, nothing recorded.
        expect_refused("a data centre in CN is not eligible", "veu", "add", "--id", "V-2",
                       "--kind", "national", "--holder", "C-1", "--headquarters", "AE",
                       "--country", "CN", "--regime", "us-ai-diffusion-2025", "--eccn",
                       "3A090.a", "--from", "2025-01-01")
        expect_refused("headquartered in CN", "veu", "add", "--id", "V-3", "--kind",
                       "universal", "--holder", "C-1", "--headquarters", "CN", "--total-tpp",
                       "1e9", "--regime", "us-ai-diffusion-2025", "--eccn", "3A090.a", "--from",
                       "2025-01-01")
        # NAC notifications: filed, then answered once; bad answers refused, nothing changed.
        expect_ok("nac", "file", "--id", "N-1", "--party", "C-CN", "--destination", "CN",
                  "--filed", "2025-05-20", "--quantity", "100")
        expect_refused("needs the quantity or value", "nac", "file", "--id", "N-2", "--party",
                       "C-CN", "--destination", "CN", "--filed", "2025-05-20")
        expect_refused("--confirmation is required", "nac", "confirm", "N-1", "--date",
                       "2025-06-14", code=2)
        expect_refused("before N-1 was filed", "nac", "confirm", "N-1", "--confirmation", "X",
                       "--date", "2025-05-01")
        expect_refused("no NAC notification 'N-9'", "nac", "refuse", "N-9", "--date",
                       "2025-06-14")
        expect_ok("nac", "confirm", "N-1", "--confirmation", "C67-001", "--date", "2025-06-14")
        expect_refused("already confirmed", "nac", "refuse", "N-1", "--date", "2025-06-15")
        expect_ok("veu", "add", "--id", "V-4", "--kind", "universal", "--holder", "C-1",
                  "--headquarters", "US", "--total-tpp", "1e9", "--location", "AE: Abu Dhabi 1",
                  "--regime", "us-ai-diffusion-2025", "--eccn", "3A090.a", "--from", "2025-01-01")
        # Listings of what shipped and what was held, and a licence revoked.
        listed = expect_ok("reservation", "list", "--state", "committed").stdout
        if [json.loads(line)["id"] for line in listed.splitlines()] != ["R1"]:
            failures.append("reservation list --state committed: " + listed)
        expect_refused("--state: 'lost' is none of held, committed", "reservation", "list", "--state",
                       "lost", code=2)
        expect_refused("--limit: 'many' is not a whole number", "shipments", "list", "--limit",
                       "many", code=2)
        # Every listing pages: the first page's cursor, on stderr, leads to the rest.
        expect_ok("veu", "add", "--id", "V-5", "--kind", "universal", "--holder", "C-2",
                  "--headquarters", "US", "--total-tpp", "1e9", "--location", "AE: Abu Dhabi 2",
                  "--regime", "us-ai-diffusion-2025", "--eccn", "3A090.a", "--from", "2025-01-01")
        first = expect_ok("veu", "list", "--limit", "1")
        if len(first.stdout.splitlines()) != 1 or "--after" not in first.stderr:
            failures.append("veu list --limit 1: " + first.stdout + first.stderr)
        else:
            cursor = first.stderr.split("--after ")[1].split()[0]
            rest = expect_ok("veu", "list", "--after", cursor).stdout.splitlines()
            everything = expect_ok("veu", "list").stdout.splitlines()
            if first.stdout.splitlines() + rest != everything or len(everything) < 2:
                failures.append("veu list pages: %r + %r != %r" % (first.stdout, rest, everything))
        table = expect_ok("--format", "table", "shipments", "list").stdout
        if not table.startswith("id ") or "R1" not in table:
            failures.append("shipments list --format table: " + table)
        expect_refused("--reason: was given an empty value", "license", "revoke", "L-1", "--reason", "", code=2)
        expect_ok("license", "revoke", "L-1", "--reason", "end user diverted chips")
        expect_refused("L-1 is revoked (end user diverted chips)", "ship",
                       stdin=ship.replace("6000", "10"))
        expect_refused("revoked already", "license", "revoke", "L-1", "--reason", "again")
        # The log's records as held: one JSON object each, in index order.
        records = expect_ok("audit", "records", "--from", "1", "--to", "3").stdout.splitlines()
        if [json.loads(r)["index"] for r in records] != [1, 2]:
            failures.append("audit records --from 1 --to 3: %r" % records)
        expect_refused("the log holds records [0, ", "audit", "records", "--from", "5", "--to",
                       "2")
        check = run("check")
        if check.returncode != 0 or "consistent" not in check.stdout:
            failures.append("check: " + check.stdout)
    return report("ledger cli", failures)


if __name__ == "__main__":
    sys.exit(main())
