#!/usr/bin/env python3
"""Corruption: bytes flipped at 20 random offsets of a ledger file, one offset a trial. Every
command then either works correctly or refuses, naming the damage: a checkpoint or an export
never signs a root other than the ledger's true one, `ship` never writes on a damaged file
(refused, the file is byte for byte as it was), and what `check` says agrees with what `ship`
did. Prints how each trial ended. Usage: corruption.py TIERGUARD_BINARY [TRIALS]"""
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import report  # noqa: E402

DAMAGE = re.compile(r"damaged|was changed|is missing|malformed|not a database|truncated")


def book(prefix, n, rng):
    return "".join(json.dumps({"id": f"{prefix}-{i}", "date": "2025-06-01",
                               "regime": "us-ai-diffusion-2025",
                               "consignee": {"id": f"C-{rng.randrange(80)}",
                                             "country": rng.choice(["AE", "IN", "SA", "BR"])},
                               "items": [{"part": rng.choice(["H100", "L40", "B200"]),
                                          "quantity": rng.choice([8, 64])}]}) + "\n"
                   for i in range(n))


def root_of(checkpoint_note):
    return checkpoint_note.split("\n")[2]


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def main():
    binary = sys.argv[1]
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    rng = random.Random(20261203)
    failures = []
    outcomes = {}
    with tempfile.TemporaryDirectory() as tmp:
        def run(db, *args, stdin=None):
            return subprocess.run([binary, "--db", db, *args], input=stdin, capture_output=True,
                                  text=True, errors="replace")

        keys = os.path.join(tmp, "log")
        subprocess.run([binary, "audit", "keygen", "--name", "corrupt.test", "--out", keys],
                       capture_output=True, check=True)
        base = os.path.join(tmp, "base.db")
        run(base, "party", "add", "--id", "P-1", "--country", "AE", "--address", "1 Harbour Rd")
        run(base, "license", "add", "--number", "L-1", "--eccn", "3A090.a", "--destination", "AE",
            "--quantity", "100000", "--from", "2026-01-01", "--to", "2026-12-31")
        run(base, "ship", stdin=book("B", 600, rng))
        true_root = root_of(run(base, "audit", "checkpoint", "--key", keys + ".key").stdout)
        more = book("M", 5, rng)
        size = os.path.getsize(base)

        for trial in range(trials):
            db = os.path.join(tmp, f"t{trial}.db")
            shutil.copy(base, db)
            offset = rng.randrange(size - 8)
            with open(db, "r+b") as f:
                f.seek(offset)
                data = f.read(8)
                f.seek(offset)
                f.write(bytes(b ^ 0xFF for b in data))
            name = f"trial {trial} (offset {offset})"

            def fail(what, r):
                failures.append(f"{name}: {what} (exit {r.returncode}: "
                                f"{(r.stdout + r.stderr).strip()[:300]})")

            def refused_for_damage(r):
                return r.returncode in (1, 2) and DAMAGE.search(r.stderr + r.stdout) is not None

            results = {}
            for label, args in (("checkpoint", ["audit", "checkpoint", "--key", keys + ".key"]),
                                ("export", ["audit", "export", "--key", keys + ".key",
                                            os.path.join(tmp, f"bundle{trial}")]),
                                ("caps", ["caps"]), ("licence", ["license", "show", "L-1"]),
                                ("check", ["check"])):
                r = run(db, *args)
                results[label] = r
                if r.returncode not in (0, 1, 2) or "internal error" in r.stderr:
                    fail(f"{label} crashed or failed without a reason", r)
                elif r.returncode != 0 and label != "check" and not refused_for_damage(r):
                    fail(f"{label} refused without naming the damage", r)
            if results["checkpoint"].returncode == 0 and \
                    root_of(results["checkpoint"].stdout) != true_root:
                fail("checkpoint signed a root that is not the ledger's", results["checkpoint"])
            if results["export"].returncode == 0:
                v = subprocess.run([binary, "audit", "verify", os.path.join(tmp, f"bundle{trial}"),
                                    "--pub", keys + ".pub"], capture_output=True, text=True)
                if v.returncode != 0 or true_root.encode().hex() == "" or \
                        root_of(open(os.path.join(tmp, f"bundle{trial}", "checkpoint")).read()) != true_root:
                    fail("export signed a bundle that does not verify to the true root", v)
            checked_ok = results["check"].returncode == 0
            if not checked_ok and results["check"].returncode == 1 and \
                    "PROBLEM" not in results["check"].stdout and not refused_for_damage(results["check"]):
                fail("check failed without naming a problem", results["check"])
            before = digest(db)
            ship = run(db, "ship", stdin=more)
            if ship.returncode == 0 and '"recorded":true' in ship.stdout:
                after = run(db, "check")
                if not checked_ok or after.returncode != 0:
                    fail("ship wrote on a ledger that check finds damaged", after)
                outcome = "harmless: every command worked, ship recorded, check consistent"
            elif refused_for_damage(ship):
                if digest(db) != before or os.path.exists(db + "-wal") and os.path.getsize(db + "-wal") > 0:
                    fail("ship refused but the file changed", ship)
                if checked_ok:
                    fail("ship found damage that check did not report", ship)
                outcome = "refused: ship refused, check named the damage"
            else:
                fail("ship neither worked nor refused for damage", ship)
                outcome = "failed"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    summary = "; ".join(f"{n} {o}" for o, n in sorted(outcomes.items()))
    return report("corruption", failures, f"{trials} trials: {summary}")


if __name__ == "__main__":
    sys.exit(main())
