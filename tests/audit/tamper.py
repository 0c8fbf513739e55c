#!/usr/bin/env python3
"""Tamper tests for audit bundles: after one change each (a byte of a record, a deleted record,
two swapped records, a truncated log, a replaced signature, a wrong key, a rewritten history),
`tierguard audit verify` must fail and name what is wrong; the untouched bundle must verify.
Usage: tamper.py TIERGUARD_BINARY"""
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
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        def run(*args, stdin=None):
            return subprocess.run([tg, *args], input=stdin, capture_output=True, text=True, cwd=tmp)

        db = os.path.join(tmp, "a.db")
        run("audit", "keygen", "--name", "tierguard.test/log", "--out", "log")
        run("audit", "keygen", "--name", "auditor.test", "--out", "auditor")
        orders = "".join(json.dumps({"id": f"T-{i}", "date": "2025-06-01", "regime": "us-ai-diffusion-2025",
                                     "consignee": {"id": f"C-{i % 7}", "country": "AE"},
                                     "items": [{"part": "H100", "quantity": 50 + i}]}) + "\n"
                         for i in range(40))
        r = run("--db", db, "ship", stdin=orders)
        if r.returncode != 0:
            failures.append("ship: " + r.stderr)
        old = run("--db", db, "audit", "checkpoint", "--key", "log.key").stdout
        with open(os.path.join(tmp, "old.cp"), "w") as f:
            f.write(old)
        run("--db", db, "ship", stdin=orders.replace("T-", "U-"))
        # A refused request (B200 to China) is logged too, with who it was for.
        run("--db", db, "ship", stdin=json.dumps({
            "id": "R-1", "date": "2026-03-01", "items": [{"part": "B200", "quantity": 8}],
            "consignee": {"id": "C-CN", "name": "Harbour Compute", "country": "CN"},
            "end_user": {"id": "E-CN", "name": "Lab Nine", "country": "CN"}}) + "\n")
        run("--db", db, "audit", "export", "--key", "log.key", "good")
        good = os.path.join(tmp, "good")

        def verify(bundle, *extra):
            return run("audit", "verify", bundle, "--pub", "log.pub", *extra)

        def expect(name, result, code, text):
            out = result.stdout + result.stderr
            if result.returncode != code or text not in out:
                failures.append(f"{name}: expected exit {code} and {text!r}, got {result.returncode}: {out.strip()[:200]}")

        expect("untouched", verify("good"), 0, "verified")
        untouched = verify("good").stdout
        expect("recipients shown", verify("good"), 0,
               "record 80 refusal R-1: consignee Harbour Compute (C-CN, CN), end user Lab Nine "
               "(E-CN, CN): license_required")
        if "shipment T-3: consignee (no name) (C-3, AE): license_exception LPP" not in untouched:
            failures.append("a shipment's recipient is not shown: " + untouched[:300])

        expect("untouched since", verify("good", "--since", "old.cp"), 0, "is a prefix")

        def variant(name, change):
            path = os.path.join(tmp, name)
            shutil.copytree(good, path)
            change(path)
            return name

        def edit_requests(path, fn):
            file = os.path.join(path, "requests.jsonl")
            lines = open(file).read().splitlines()
            open(file, "w").write("\n".join(fn(lines)) + "\n")

        def change_recipient(lines):
            row = json.loads(lines[-1])
            row["request"] = row["request"].replace("Lab Nine", "Someone Else")
            return lines[:-1] + [json.dumps(row)]
        expect("changed request", verify(variant("request", lambda p: edit_requests(p, change_recipient))),
               1, "does not hash to the record's request_sha256")
        expect("dropped request", verify(variant("norequest", lambda p: edit_requests(p, lambda l: l[:3] + l[4:]))),
               1, "in its place")
        expect("added request", verify(variant("morerequests", lambda p: edit_requests(p, lambda l: l + [l[0]]))),
               1, "more requests than the records carry")

        def edit_records(path, fn):
            lines = open(os.path.join(path, "records.jsonl")).read().splitlines()
            lines = fn(lines)
            open(os.path.join(path, "records.jsonl"), "w").write("".join(l + "\n" for l in lines))

        def flip_byte(lines):
            s = lines[10]
            i = s.index("quantity")
            lines[10] = s[:i] + s[i:].replace("5", "6", 1) if "5" in s[i:] else s[:i] + "X" + s[i + 1:]
            return lines

        expect("byte", verify(variant("byte", lambda p: edit_records(p, flip_byte))), 1,
               "record 10 (records.jsonl line 11) was changed")
        expect("delete", verify(variant("delete", lambda p: edit_records(p, lambda l: l[:5] + l[6:]))), 1,
               "record")
        def swap(lines):
            lines[3], lines[4] = lines[4], lines[3]
            return lines
        expect("swap", verify(variant("swap", lambda p: edit_records(p, swap))), 1,
               "record 3 (records.jsonl line 4) is missing or out of order")

        def truncate(p):
            edit_records(p, lambda l: l[:-3])
            leaves = open(os.path.join(p, "leaves")).read().splitlines()[:-3]
            open(os.path.join(p, "leaves"), "w").write("".join(x + "\n" for x in leaves))
        expect("truncate", verify(variant("truncate", truncate)), 1, "truncated")

        def bad_signature(p):
            cp = open(os.path.join(p, "checkpoint")).read()
            head, sig = cp.rsplit(" ", 1)
            sig = ("A" if sig[0] != "A" else "B") + sig[1:]
            open(os.path.join(p, "checkpoint"), "w").write(head + " " + sig)
        expect("signature", verify(variant("signature", bad_signature)), 1, "does not verify")

        def forged_root(p):
            lines = open(os.path.join(p, "checkpoint")).read().split("\n")
            lines[1] = str(int(lines[1]) - 1)
            open(os.path.join(p, "checkpoint"), "w").write("\n".join(lines))
        expect("forged size", verify(variant("forged", forged_root)), 1, "does not verify")
        expect("wrong key", run("audit", "verify", "good", "--pub", "auditor.pub"), 1,
               "missing or does not verify")

        # A rewritten history: a new log whose first records differ from the old checkpoint's.
        db2 = os.path.join(tmp, "b.db")
        run("--db", db2, "ship", stdin=orders.replace("AE", "SA"))
        run("--db", db2, "ship", stdin=orders.replace("T-", "U-"))
        run("--db", db2, "audit", "export", "--key", "log.key", "rewritten")
        expect("rewritten", verify("rewritten", "--since", "old.cp"), 1, "the log was rewritten")

        # A witness cosignature: verify can require it.
        cosigned = run("audit", "cosign", "good/checkpoint", "--pub", "log.pub", "--key", "auditor.key")
        expect("cosign", cosigned, 0, "auditor.test")
        shutil.copytree(good, os.path.join(tmp, "witnessed"))
        open(os.path.join(tmp, "witnessed", "checkpoint"), "w").write(cosigned.stdout)
        expect("witnessed", run("audit", "verify", "witnessed", "--pub", "log.pub", "--pub", "auditor.pub"),
               0, "verified")
        expect("witness required", run("audit", "verify", "good", "--pub", "log.pub", "--pub", "auditor.pub"),
               1, "auditor.test is missing")

        # An inclusion proof names the decision's record.
        proof = run("--db", db, "audit", "prove", "--id", "T-7", "--key", "log.key")
        expect("prove", proof, 0, "c2sp.org/tlog-proof@v1")
        expect("prove unknown", run("--db", db, "audit", "prove", "--id", "nope"), 1, "no recorded decision")
    return report("audit tamper", failures)


if __name__ == "__main__":
    sys.exit(main())
