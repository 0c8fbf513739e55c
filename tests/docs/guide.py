#!/usr/bin/env python3
"""Runs every ```sh block of docs/guide.md, in order, as one bash script with -e (any command
that fails fails the test), the way a reader would from the repository root. Then checks what
the walkthrough says happened: the shipments recorded, the licence balance, the hit cleared,
the bundle verified, the variant refusing what the rule allows. Usage: guide.py TIERGUARD_BINARY
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import report  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    binary = os.path.abspath(sys.argv[1])
    failures = []
    text = open(os.path.join(ROOT, "docs", "guide.md"), encoding="utf-8").read()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    if len(blocks) < 10:
        failures.append(f"docs/guide.md has {len(blocks)} sh blocks; the walkthrough has more")
    with tempfile.TemporaryDirectory() as tmp:
        # `tierguard` on the PATH is the binary under test; the guide's first block puts
        # build/cli first, so a folder of ours goes before it.
        bin_dir = os.path.join(tmp, "bin")
        os.makedirs(bin_dir)
        os.symlink(binary, os.path.join(bin_dir, "tierguard"))
        work = os.path.join(tmp, "work")
        script = "set -euo pipefail\n" + "\n".join(blocks)
        # The guide's `cd "$(mktemp -d)"` lands in a folder we can inspect afterwards.
        script = script.replace('cd "$(mktemp -d)"', f'mkdir -p {work} && cd {work}', 1)
        script = script.replace("PATH=$PWD/build/cli:$PATH", f"PATH={bin_dir}:$PWD/build/cli:$PATH", 1)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TIERGUARD_")}
        r = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True,
                           text=True)
        if r.returncode != 0:
            failures.append(f"the guide's commands failed (exit {r.returncode}): "
                            f"{r.stderr.strip()[-1500:]}")
            return report("guide", failures)

        def lines(name):
            with open(os.path.join(work, name), encoding="utf-8") as f:
                return [json.loads(line) for line in f if line.strip()]

        shipped = {d["id"]: d for d in lines("shipped.jsonl")}
        expected = {"PO-7-1": True, "PO-7-2": True, "PO-7-3": False, "PO-8-1": True}
        got = {k: v.get("recorded") for k, v in shipped.items()}
        if got != expected:
            failures.append(f"recorded {got}, the guide says {expected}")
        if shipped.get("PO-8-1", {}).get("authorization") != "LPP":
            failures.append("PO-8-1 was not allowed under LPP")

        def run(*args):
            return subprocess.run([binary, "--db", os.path.join(work, "ledger.db"), *args],
                                  capture_output=True, text=True, env=dict(env, TIERGUARD_HOME=ROOT))

        licence = json.loads(run("license", "show", "BIS-D123456").stdout)
        if (licence["quantity_used"], licence["quantity_left"]) != (200, 800):
            failures.append(f"licence balance {licence}")
        if run("hits", "open").stdout.strip():
            failures.append("the hit the reviewer cleared is still open")
        if "verified:" not in r.stdout or "every decision consistent" not in r.stdout:
            failures.append("audit verify --reconcile did not say the bundle verified")
        decisions = [json.loads(l) for l in r.stdout.splitlines() if l.startswith('{"id":"W-1"')]
        if [d["outcome"] for d in decisions] != ["license_required", "license_exception"]:
            failures.append(f"the variant and the rule decided {[d['outcome'] for d in decisions]}")
    return report("guide", failures)


if __name__ == "__main__":
    sys.exit(main())
