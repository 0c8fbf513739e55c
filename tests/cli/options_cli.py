#!/usr/bin/env python3
"""The command line as ../shared/spec/ and a new user write it: global options before or after
the command and as --opt=value, --help for every command, --version, read-only commands that
refuse a ledger that does not exist, and output that cannot be written reported as an error.
Usage: options_cli.py TIERGUARD_TESTING_BINARY TIERGUARD_RELEASE_BINARY"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import Failures, export_bundle, report  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINE = json.dumps({"id": "L1", "date": "2025-06-01", "regime": "us-ai-diffusion-2025",
                   "consignee": {"id": "C-1", "country": "IN"},
                   "items": [{"part": "H100 SXM", "quantity": 2}]})


def main():
    binary = sys.argv[1]
    failures = Failures()
    check = failures.check

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TIERGUARD_HOME=ROOT)
        db = os.path.join(tmp, "l.db")
        book = os.path.join(tmp, "book.jsonl")
        with open(book, "w") as f:
            f.write(LINE + "\n")

        def run(*args, stdin=None, stdout=subprocess.PIPE):
            return subprocess.run([binary] + list(args), input=stdin, stdout=stdout,
                                  stderr=subprocess.PIPE, text=True, env=env)

        # --db after the command, as the spec writes `ship --db L.db`, and --db=PATH before.
        r = run("ship", "--db", db, book)
        check(r.returncode == 0 and json.loads(r.stdout)["recorded"] is True,
              f"ship --db after the command: {r.returncode} {r.stdout} {r.stderr}")
        r = run(f"--db={db}", "caps")
        caps = [json.loads(l) for l in r.stdout.splitlines()]
        check(r.returncode == 0 and caps, f"--db=PATH caps: {r.returncode} {r.stdout} {r.stderr}")
        r = run("caps", f"--db={db}")
        check(r.returncode == 0 and [json.loads(l) for l in r.stdout.splitlines()] == caps,
              f"caps --db=PATH: {r.returncode} {r.stderr}")
        # Options of a command as --opt=value too.
        r = run("--db", db, "ship", "--batch=10", book)
        check(r.returncode == 0, f"ship --batch=10: {r.returncode} {r.stderr}")
        r = run("--db", db, "ship", "--summary=yes", book)
        check(r.returncode == 2 and "--summary takes no value" in r.stderr,
              f"a flag given a value: {r.returncode} {r.stderr}")

        # Listings as CSV (safe to open in a spreadsheet) and as a table, the same fields.
        r = run("--db", db, "license", "add", "--number", "=2+3", "--eccn", "3A090.a",
                "--destination", "AE", "--consignee", "C-77", "--quantity", "5", "--from",
                "2026-01-01", "--to", "2027-12-31")
        check(r.returncode == 0, f"license add: {r.stderr}")
        as_json = [json.loads(l) for l in run("--db", db, "license", "list").stdout.splitlines()]
        r = run("license", "list", "--format", "csv", "--db", db)
        rows = list(csv.DictReader(io.StringIO(r.stdout)))
        check(r.returncode == 0 and len(rows) == len(as_json) == 1
              and rows[0]["number"] == "'=2+3" and rows[0]["destination"] == "AE"
              and json.loads(rows[0]["eccns"]) == as_json[0]["eccns"]
              and int(rows[0]["quantity_left"]) == as_json[0]["quantity_left"],
              f"license list --format csv: {r.stdout} {r.stderr} against {as_json}")
        r = run(f"--db={db}", "caps", "--format", "table")
        lines = r.stdout.splitlines()
        check(r.returncode == 0 and lines[0].split()[:3] == ["cap", "key", "used"]
              and lines[1].split()[:3] == [caps[0]["cap"], caps[0]["key"], str(caps[0]["used"])],
              f"caps --format table: {r.stdout} {r.stderr}")
        # The regimes table lines its columns up by characters, not bytes ("→ …" is 6 bytes).
        r = run("regimes")
        starts = {line.index(" by ") for line in r.stdout.splitlines()[1:]}
        check(r.returncode == 0 and "→" in r.stdout and len(starts) == 1,
              f"regimes: the chosen column starts at {sorted(starts)}: {r.stdout}")
        r = run("--db", db, "caps", "--format=xml")
        check(r.returncode == 2 and "not json, csv or table" in r.stderr,
              f"--format xml: {r.returncode} {r.stderr}")

        # --as names who acted, in the log; party list lists the parties on record.
        r = run("party", "add", "--id", "P-7", "--name", "Acme, Inc.", "--country", "US",
                "--as", "clerk-7", "--db", db)
        check(r.returncode == 0, f"party add --as: {r.stderr}")
        os.mkdir(os.path.join(tmp, "as"))
        bundle, _ = export_bundle(binary, db, os.path.join(tmp, "as"), "log")
        with open(os.path.join(bundle, "records.jsonl")) as f:
            added = [json.loads(l) for l in f if '"party.add"' in l]
        check([r["actor"] for r in added] == ["clerk-7"], f"the actor of party add: {added}")
        r = run("--db", db, "party", "list", "--format", "csv")
        parties = list(csv.DictReader(io.StringIO(r.stdout)))
        check(r.returncode == 0 and [(p["id"], p["name"], p["country"]) for p in parties]
              == [("P-7", "Acme, Inc.", "US")], f"party list --format csv: {r.stdout} {r.stderr}")
        r = run("--db", db, "party", "list", "P-7")
        check(r.returncode == 2 and "party list: The following argument was not expected: P-7"
              in r.stderr,
              f"party list with an argument: {r.returncode} {r.stderr}")

        # --help for every command, wherever it is, without a ledger, changing nothing.
        for command in ["classify", "determine", "regimes", "ship", "reserve", "commit",
                        "release", "license", "agreement", "party", "caps", "check", "alerts",
                        "veu", "nac", "audit", "match", "screen", "lists", "hits"]:
            r = run(command, "--help")
            check(r.returncode == 0 and f"Usage: tierguard {command} " in r.stdout,
                  f"{command} --help: {r.returncode} {r.stdout[:80]!r} {r.stderr}")
        r = run("--db", db, "commit", "R-1", "--help")
        check(r.returncode == 0 and "Usage: tierguard commit [OPTIONS] RESERVATION_ID" in r.stdout,
              f"commit R-1 --help: {r.returncode} {r.stdout[:80]!r} {r.stderr}")

        r = run("--version")
        check(r.returncode == 0 and r.stdout.startswith("tierguard ") and "data: sha256:" in r.stdout
              and "regimes: sha256:" in r.stdout, f"--version: {r.stdout} {r.stderr}")

        # A mistyped ledger path: a read is refused and nothing is created.
        missing = os.path.join(tmp, "typo.db")
        for args in (["caps"], ["audit", "checkpoint", "--key", "k.key"], ["lists", "list"],
                     ["determine", book]):
            r = run("--db", missing, *args)
            check(r.returncode == 2 and "no ledger at" in r.stderr and not os.path.exists(missing),
                  f"{args} on a missing ledger: {r.returncode} {r.stderr}")

        # A ledger command without a ledger says how to give one.
        r = subprocess.run([binary, "caps"], capture_output=True, text=True,
                           env={k: v for k, v in env.items() if k != "TIERGUARD_DB"})
        check(r.returncode == 2 and "caps needs a ledger: give --db PATH" in r.stderr,
              f"caps without a ledger: {r.returncode} {r.stderr}")

        # Output that cannot be written is an error.
        if os.path.exists("/dev/full"):
            with open("/dev/full", "w") as full:
                r = run("determine", book, stdout=full)
            check(r.returncode == 2 and r.stderr.count("tierguard:") == 1 and
                  "writing the answers to the lines through 1: standard output: No space left"
                  in r.stderr, f"determine > /dev/full: {r.returncode} {r.stderr}")
            # --output to a full disk: the error surfaces when the file is flushed.
            r = run("determine", "--output", "/dev/full", book)
            check(r.returncode == 2 and "/dev/full: No space left" in r.stderr,
                  f"determine --output /dev/full: {r.returncode} {r.stderr}")
            # A listing (no stream) that cannot be written is an error too.
            with open("/dev/full", "w") as full:
                r = run("--db", db, "caps", stdout=full)
            check(r.returncode == 2 and "cannot write the output" in r.stderr,
                  f"caps > /dev/full: {r.returncode} {r.stderr}")
        # The clock tests pin is the testing build's alone: a release binary stamps its
        # records with the system clock whatever TIERGUARD_NOW says.
        release = sys.argv[2]
        pinned = dict(env, TIERGUARD_NOW="1000000")
        for build, expect_pinned in ((binary, True), (release, False)):
            folder = os.path.join(tmp, os.path.basename(build) + "-clock")
            os.mkdir(folder)
            ledger = os.path.join(folder, "l.db")
            r = subprocess.run([build, "--db", ledger, "party", "add", "--id", "P-1", "--name",
                                "Acme", "--country", "US"], capture_output=True, text=True,
                               env=pinned)
            check(r.returncode == 0 and ("TIERGUARD_NOW" in r.stderr) != expect_pinned,
                  f"{build} party add with TIERGUARD_NOW: {r.returncode} {r.stderr}")
            bundle, _ = export_bundle(build, ledger, folder, "log")
            with open(os.path.join(bundle, "records.jsonl")) as f:
                stamp = json.loads(f.readline())["time"]
            check((stamp == 1000000) == expect_pinned,
                  f"{build}: the record is stamped {stamp} under TIERGUARD_NOW=1000000")
    return report("options_cli", failures)


if __name__ == "__main__":
    sys.exit(main())
