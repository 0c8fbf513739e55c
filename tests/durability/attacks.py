#!/usr/bin/env python3
"""Regression tests for the attacks on the ledger and the audit log: each case is a reproducer
that got past a cap, cut or collided a stored string, rewrote history, or wrote a file it should
not have; each is named after what it guards. Usage: attacks.py TIERGUARD_BINARY"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import Ledger, report  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def request(rid, consignee="C", country="AE", items=None, **extra):
    return json.dumps({"id": rid, "date": "2025-06-01", "regime": "us-ai-diffusion-2025",
                       "consignee": {"id": consignee, "country": country},
                       "items": items or [{"part": "H100", "quantity": 10}], **extra},
                      ensure_ascii=False)


class Case:
    def __init__(self, binary, tmp, failures):
        self.binary, self.tmp, self.failures = binary, tmp, failures
        self.name = ""
        self.db = ""

    def start(self, name):
        self.name = name
        self.db = os.path.join(self.tmp, name + ".db")
        open(self.db, "w").close()  # a ledger, empty: commands that only read need one

    def run(self, *args, stdin=None, db=True, env=None, timeout=120, regimes=None):
        cmd = [self.binary] + (["--regimes", regimes] if regimes else [])
        cmd += (["--db", self.db] if db else []) + list(args)
        return subprocess.run(cmd, input=stdin, capture_output=True, env=env, timeout=timeout,
                              text=isinstance(stdin, str) or stdin is None)

    def fail(self, what, r=None):
        detail = ""
        if r is not None:
            out = r.stdout + r.stderr
            detail = f" (exit {r.returncode}: {out.strip()[:300] if isinstance(out, str) else out[:300]!r})"
        self.failures.append(f"{self.name}: {what}{detail}")

    def expect(self, r, code, text):
        out = r.stdout + r.stderr
        if isinstance(out, bytes):
            out = out.decode("utf-8", "replace")
        if r.returncode != code or text not in out:
            self.fail(f"expected exit {code} and {text!r}", r)

    def shipments(self):
        r = self.run("check")
        return int(r.stdout.split()[1].rstrip(",")) if r.stdout.startswith("shipments") else -1


def overflow(c):
    c.start("overflow_tpp_times_quantity_is_refused")
    # 10^7 TPP x 10^9 units made total_tpp negative: every cap check was skipped.
    huge = request("OV1", items=[{"chip": {"name": "x", "tpp": 10000000, "die_area_mm2": 800},
                                  "quantity": 1000000000}])
    r = c.run("ship", stdin=huge + "\n")
    c.expect(r, 1, "items[0].quantity: 1000000000 units of 10000000 TPP exceed the most one line")
    if c.shipments() != 0:
        c.fail("a refused line was recorded")
    c.start("overflow_limits_are_refused_naming_the_field")
    c.expect(c.run("license", "add", "--number", "L-1", "--eccn", "3A090.a", "--destination", "AE",
                   "--tpp", "1e30", "--from", "2025-01-01", "--to", "2026-01-01"), 1, "license.tpp")
    c.expect(c.run("veu", "add", "--id", "V-1", "--kind", "national", "--holder", "C",
                   "--headquarters", "AE", "--regime", "us-ai-diffusion-2025",
                   "--eccn", "3A090.a", "--country", "AE", "--limit-tpp", "1e30", "--from",
                   "2025-01-01"), 1, "veu.limit_tpp")
    c.expect(c.run("ship", stdin=request("OV2", items=[{"part": "H100", "quantity": 1,
                                                          "value_usd": 1e14}]) + "\n"),
             1, "items[0].value_usd: must be between 0 and 1e13")


def strings(c):
    c.start("long_ids_are_refused_not_cut_into_a_collision")
    prefix = "X" * 256
    r = c.run("ship", stdin=request(prefix + "-first") + "\n" + request(prefix + "-second") + "\n")
    if r.stdout.count("id: longer than 256 bytes") != 2 or '"duplicate":true' in r.stdout:
        c.fail("two over-long ids must both be refused, neither a duplicate", r)
    c.expect(c.run("ship", stdin=request("P", items=[{"part": "H" * 300, "quantity": 1}]) + "\n"),
             1, "items[0].part: longer than 256 bytes")

    c.start("a_cut_multibyte_id_cannot_break_replay")
    r = c.run("ship", stdin=request("é" * 200) + "\n" + request("after") + "\n")
    c.expect(r, 1, "id: longer than 256 bytes")
    c.expect(c.run("audit", "replay", "0"), 0, "identical")

    c.start("an_argument_that_is_not_utf8_is_refused")
    r = subprocess.run([c.binary, "--db", c.db, "party", "add", "--id", "P-1", "--name",
                        b"Bad\xff", "--country", "AE"], capture_output=True)
    c.expect(r, 2, "--name: not valid UTF-8")
    c.expect(c.run("party", "add", "--id", "P-2", "--name", "Good", "--country", "AE"), 0, "added")
    c.expect(c.run("party", "show", "P-2"), 0, '"name":"Good"')
    env = dict(os.environb)
    env[b"TIERGUARD_ACTOR"] = b"clerk\xfe"
    r = subprocess.run([c.binary, "--db", c.db, "caps"], capture_output=True, env=env)
    c.expect(r, 2, "actor: not valid UTF-8")

    c.start("a_key_given_twice_is_refused")
    twice = ('{"id":"D1","date":"2025-06-01","consignee":{"id":"C","country":"AE",'
             '"country":"CN"},"items":[{"part":"H100","quantity":1}]}')
    c.expect(c.run("determine", stdin=twice + "\n", db=False), 1,
             "consignee.country: given twice")

    c.start("a_byte_order_mark_is_accepted")
    for text in ["\ufeff" + request("B1") + "\n", "\ufeff[" + request("B2") + "]\n"]:
        r = c.run("determine", stdin=text, db=False)
        if r.returncode != 0 or '"outcome"' not in r.stdout:
            c.fail("a request after a byte-order mark was not decided", r)

    c.start("a_request_over_1_mib_is_refused_and_the_next_decided")
    big = request("BIG", items=[{"part": "H100", "quantity": 1}], end_use="x" * 100)
    big = big.replace('"end_use": "', '"end_use": "' + "y" * (2 << 20))
    r = c.run("ship", stdin=request("A") + "\n" + big + "\n" + request("Z") + "\n")
    answers = r.stdout.splitlines()
    if len(answers) != 3 or "larger than 1 MiB" not in answers[1] or \
            '"recorded":true' not in answers[2]:
        c.fail("the oversized line must be refused alone", r)

    c.start("a_nul_byte_does_not_cut_a_line")
    r = c.run("determine", stdin=request("N1")[:-1] + "\0" + "}garbage\n", db=False)
    c.expect(r, 1, "malformed JSON")


def hostile_files(c):
    c.start("replay_writes_no_file")
    regimes = os.path.join(c.tmp, "regimes-variant")
    shutil.copytree(os.path.join(ROOT, "regimes"), regimes)
    path = os.path.join(regimes, "us-ai-diffusion-2025.yaml")
    open(path, "a").write("# a variant: its hash is not any shipped file's\n")
    c.run("ship", stdin=request("R1") + "\n", regimes=regimes)
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    target = os.path.join(c.tmp, "precious.txt")
    open(target, "w").write("untouched")
    link = os.path.join(tempfile.gettempdir(), f"tierguard-replay-{digest[:16]}.yaml")
    try:
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(target, link)
        c.expect(c.run("audit", "replay", "0"), 0, "identical")  # the variant, kept in the ledger
        if open(target).read() != "untouched":
            c.fail("replay wrote through a planted link")
    finally:
        if os.path.lexists(link):
            os.remove(link)

    c.start("a_tampered_regime_hash_writes_and_deletes_nothing")
    # The attack: a record's regime_hash of "sha256:/../NAME" and a kept regime under it made
    # replay write TMP/tierguard-replay-/../NAME.yaml (given that folder), then delete it.
    c.run("ship", stdin=request("R2") + "\n")
    name = f"tg{os.getpid() % 10**10:010d}"  # 12 characters: the 16 replay took
    tmpdir = tempfile.gettempdir()
    canary = os.path.join(tmpdir, name + ".yaml")
    folder = os.path.join(tmpdir, "tierguard-replay-")
    made_folder = not os.path.exists(folder)
    try:
        os.makedirs(folder, exist_ok=True)
        open(canary, "w").write("canary")
        ledger = Ledger(c.db)
        key = [k for k in ledger.keys("audit") if k.startswith("r/")][0]
        value = ledger.get("audit", key)
        start = value.index(b'"regime_hash":"') + 15
        end = value.index(b'"', start)
        forged = b"sha256:/../" + name.encode()
        ledger.put("audit", key, value[:start] + forged + value[end:])
        ledger.put("audit", "regime/" + forged.decode(), open(os.path.join(ROOT, "regimes", "us-ac-2023.yaml"), "rb").read())
        ledger.close()
        r = c.run("audit", "replay", "0")
        if r.returncode == 0 or not os.path.exists(canary) or open(canary).read() != "canary":
            c.fail("replay of a tampered record must be refused and touch no file", r)
    finally:
        if os.path.exists(canary):
            os.remove(canary)
        if made_folder and os.path.isdir(folder):
            os.rmdir(folder)

    c.start("keygen_does_not_follow_a_planted_link")
    target = os.path.join(c.tmp, "precious.pub")
    open(target, "w").write("untouched")
    prefix = os.path.join(c.tmp, "k")
    os.symlink(target, prefix + ".pub")
    r = c.run("audit", "keygen", "--name", "k.test", "--out", prefix, db=False)
    if r.returncode == 0 or open(target).read() != "untouched" or os.path.exists(prefix + ".key"):
        c.fail("keygen wrote through a link or left half a key pair", r)

    c.start("a_yaml_alias_bomb_is_refused_at_once")
    bomb = os.path.join(c.tmp, "bomb")
    os.makedirs(bomb)
    lines = ["id: bomb", "title: bomb", "status: in_force", "effective: {from: 2020-01-01}",
             "citations: [x]", "requirements:", "  - id: r0", "    when: &a0 {destination_in: [CN]}",
             "    citation: c", "    text: t"]
    for i in range(1, 5):  # 4 levels of 10 aliases: 57 s to load before the bound
        lines += [f"  - id: r{i}", f"    when: &a{i} {{any_of: [" + ", ".join([f"*a{i - 1}"] * 10) + "]}",
                  "    citation: c", "    text: t"]
    open(os.path.join(bomb, "bomb.yaml"), "w").write("\n".join(lines) + "\n")
    try:
        c.expect(c.run("regimes", db=False, regimes=bomb, timeout=20), 2, "aliases expanded")
    except subprocess.TimeoutExpired:
        c.fail("loading the alias bomb did not finish within 20 s")

    c.start("a_broken_regime_file_stops_decisions_not_the_ledger")
    c.run("ship", stdin=request("G1") + "\n")
    broken = os.path.join(c.tmp, "broken")
    shutil.copytree(os.path.join(ROOT, "regimes"), broken)
    open(os.path.join(broken, "us-ac-2023.yaml"), "a").write("unknown_key: 1\n")
    c.expect(c.run("check", regimes=broken), 0, "consistent")
    c.expect(c.run("caps", regimes=broken), 0, '"cap":"LPP"')
    keys = os.path.join(c.tmp, "log")
    c.run("audit", "keygen", "--name", "b.test", "--out", keys, db=False)
    c.expect(c.run("audit", "checkpoint", "--key", keys + ".key", regimes=broken), 0, "b.test")
    c.expect(c.run("determine", stdin=request("G2") + "\n", regimes=broken), 2, "unknown_key")


def signatures(c):
    c.start("cosign_verifies_the_log_first")
    keys = os.path.join(c.tmp, "log")
    auditor = os.path.join(c.tmp, "auditor")
    other = os.path.join(c.tmp, "other")
    for k, name in ((keys, "log.test"), (auditor, "auditor.test"), (other, "other.test")):
        c.run("audit", "keygen", "--name", name, "--out", k, db=False)
    c.run("ship", stdin=request("C1") + "\n")
    checkpoint = c.run("audit", "checkpoint", "--key", keys + ".key").stdout
    good = os.path.join(c.tmp, "cp")
    open(good, "w").write(checkpoint)
    head, sig = checkpoint.rsplit(" ", 1)
    forged = os.path.join(c.tmp, "forged")
    open(forged, "w").write(head + " " + ("A" if sig[0] != "A" else "B") + sig[1:])
    c.expect(c.run("audit", "cosign", good, "--pub", keys + ".pub", "--key", auditor + ".key",
                   db=False), 0, "auditor.test")
    c.expect(c.run("audit", "cosign", forged, "--pub", keys + ".pub", "--key", auditor + ".key",
                   db=False), 1, "does not verify")
    c.expect(c.run("audit", "cosign", good, "--pub", other + ".pub", "--key", auditor + ".key",
                   db=False), 1, "signature by other.test is missing")

    c.start("a_malformed_key_hash_is_a_clear_error")
    text = open(keys + ".key").read().split("+")
    text[3] = "zzzzzzzz"
    bad = os.path.join(c.tmp, "bad.key")
    open(bad, "w").write("+".join(text))
    r = c.run("audit", "checkpoint", "--key", bad)
    c.expect(r, 1, "is not 8 lower-case hex digits")
    if "internal error" in r.stderr:
        c.fail("internal error on a malformed key", r)

    c.start("frontier_levels_out_of_range_are_refused")
    c.run("ship", stdin="".join(request(f"F{i}") + "\n" for i in range(5)))
    bundle = os.path.join(c.tmp, "bundle")
    c.expect(c.run("audit", "export", "--key", keys + ".key", "--from", "3", bundle), 0, "exported")
    frontier = open(os.path.join(bundle, "frontier")).read().splitlines()
    for level, text in (("66", "level 66 must be below 64"), ("-1", "'-1' is not a whole number")):
        variant = os.path.join(c.tmp, "bundle" + level)
        shutil.copytree(bundle, variant)
        lines = list(frontier)
        lines[1] = level + " " + lines[1].split(" ", 1)[1]
        open(os.path.join(variant, "frontier"), "w").write("\n".join(lines) + "\n")
        c.expect(c.run("audit", "verify", variant, "--pub", keys + ".pub", db=False), 1, text)
    c.expect(c.run("audit", "export", "--key", keys + ".key", "--from", "1e30", bundle + "x"), 2,
             "--from: '1e30' is not a whole number")


def growth(c):
    c.start("expired_reservations_are_released_through_the_holds_index")
    early = dict(os.environ, TIERGUARD_NOW="1000000")
    late = dict(os.environ, TIERGUARD_NOW="2000000")
    c.run("reserve", "--expires-in", "1", stdin="".join(request(f"H{i}") + "\n" for i in range(3)),
          env=early)
    held = c.run("caps", env=early).stdout
    c.run("ship", stdin=request("AFTER", consignee="OTHER") + "\n", env=late)
    freed = c.run("caps", env=late).stdout
    if '"key":"C/2025","used":474' not in held or '"key":"C/2025","used":0' not in freed:
        c.fail(f"the holds did not expire: before {held!r}, after {freed!r}")
    c.expect(c.run("check", env=late), 0, "consistent")

    c.start("a_ledger_from_before_the_holds_index_is_indexed_once")
    c.run("reserve", "--expires-in", "1", stdin="".join(request(f"O{i}") + "\n" for i in range(3)),
          env=early)
    ledger = Ledger(c.db)
    for key in ledger.keys("holds"):  # as a ledger written before the index holds them
        ledger.delete("holds", key)
    ledger.delete("meta", "holds-index")
    ledger.close()
    c.run("ship", stdin=request("LATER", consignee="OTHER") + "\n", env=late)
    if '"key":"C/2025","used":0' not in c.run("caps", env=late).stdout:
        c.fail("the old holds were not indexed and expired")
    c.expect(c.run("check", env=late), 0, "consistent")


def main():
    binary = os.path.abspath(sys.argv[1])
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        c = Case(binary, tmp, failures)
        for group in (overflow, strings, hostile_files, signatures, growth):
            group(c)
    return report("attacks", failures)


if __name__ == "__main__":
    sys.exit(main())
