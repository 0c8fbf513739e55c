#!/usr/bin/env python3
"""64 clients race one-line shipments through `tierguard serve` for one consignee's LPP
headroom (26.9 M TPP: 1,699 H100s of 15,832 TPP): the calls are committed in groups, yet the
cap is never exceeded, every shipment answered "recorded" is in the ledger and in the audit log
exactly once, nothing else is, and `check` finds the ledger consistent.

On SQLite, one server. On PostgreSQL ($TIERGUARD_TEST_POSTGRES; skipped without it), two
servers on one database, the clients split between them, three times: undisturbed; with one
server killed (SIGKILL) mid-race; with PostgreSQL restarted mid-race (when the cluster is the
tests' own, $TIERGUARD_TEST_POSTGRES_DIR). A call in flight when its server dies gets no answer
and may or may not be recorded; a call answered 200 is recorded, one answered 503 is not; no
other answer is allowed, and after the restart the servers answer again without being
restarted. Usage: race.py TIERGUARD_BINARY sqlite|postgres"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from testlib import Failures, report  # noqa: E402

CLIENTS = 64
ORDERS_EACH = 12
H100_EACH = 25  # 64 x 12 x 25 = 19,200 H100s asked for; the cap holds 1,699
CAP_H100 = 1699


def psql(dsn, sql):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", dsn, "-c", sql], check=True,
                   capture_output=True)


class Race:
    def __init__(self, binary, db, failures, label):
        self.binary, self.db, self.failures, self.label = binary, db, failures, label
        self.key = self.cli_raw("keys", "add", "--name", "erp", "--role", "admin").stdout.strip()
        self.answers = {}
        self.lock = threading.Lock()

    def cli_raw(self, *args):
        return subprocess.run([self.binary, "--db", self.db, *args], capture_output=True,
                              text=True)

    def cli(self, *args):
        return self.cli_raw("--as", "erp", *args)

    def serve(self):
        server = subprocess.Popen([self.binary, "--db", self.db, "serve", "--listen",
                                   "127.0.0.1:0", "--threads", "2"], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        return server, server.stdout.readline().strip().split("listening on ")[-1]

    def ship(self, base, order_id):
        body = json.dumps({"id": order_id, "date": "2025-06-01", "regime": "us-ai-diffusion-2025",
                           "consignee": {"id": "C-RACE", "country": "AE"},
                           "items": [{"part": "H100", "quantity": H100_EACH}]}).encode()
        req = urllib.request.Request(base + "/v1/shipments", data=body, method="POST")
        req.add_header("Authorization", "Bearer " + self.key)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return (r.status, json.loads(r.read()))
        except urllib.error.HTTPError as e:
            return (e.code, e.read().decode())
        except (OSError, ValueError) as e:  # the server died with the call in flight
            return (None, str(e))

    def run(self, bases, disturb=None):
        """Races the clients over `bases` (client c calls bases[c % n]); `disturb` runs once a
        third of the calls are answered."""
        third = threading.Event()

        def client(c):
            for i in range(ORDERS_EACH):
                order_id = f"R-{c}-{i}"
                answer = self.ship(bases[c % len(bases)], order_id)
                with self.lock:
                    self.answers[order_id] = answer
                    if len(self.answers) >= CLIENTS * ORDERS_EACH // 3:
                        third.set()

        threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
        for t in threads:
            t.start()
        if disturb:
            third.wait(timeout=120)
            disturb()
        for t in threads:
            t.join()

    def verify(self):
        check = self.failures.check
        label = self.label
        raced = sum(1 for k in self.answers if k.startswith("R-"))
        check(raced == CLIENTS * ORDERS_EACH, f"{label}: {raced} answers")
        odd = [(k, v) for k, v in self.answers.items() if v[0] not in (200, 503, None)]
        check(not odd, f"{label}: calls answered other than 200 or 503: {odd[:3]}")
        recorded = {k for k, (status, a) in self.answers.items()
                    if status == 200 and isinstance(a, dict) and a.get("recorded")}
        unknown = {k for k, (status, _) in self.answers.items() if status is None}
        shipped = {json.loads(line)["id"] for line in self.cli("shipments", "list").stdout.splitlines()}
        check(len(shipped) * H100_EACH <= CAP_H100,
              f"{label}: {len(shipped)} orders of {H100_EACH} H100s recorded: over the cap")
        check(len(shipped) * H100_EACH > CAP_H100 - H100_EACH,
              f"{label}: only {len(shipped)} orders recorded: headroom left unused")
        check(recorded <= shipped, f"{label}: answered recorded but not in the ledger: "
                                   f"{sorted(recorded - shipped)[:3]}")
        check(shipped <= recorded | unknown, f"{label}: in the ledger but answered otherwise: "
                                             f"{sorted(shipped - recorded - unknown)[:3]}")
        records = [json.loads(line) for line in self.cli("audit", "records").stdout.splitlines()]
        logged = [r["subject"] for r in records if r["kind"] == "shipment"]
        check(sorted(logged) == sorted(shipped),
              f"{label}: the log's shipment records are not the ledger's shipments, once each")
        with tempfile.TemporaryDirectory() as tmp:
            key = os.path.join(tmp, "log")
            subprocess.run([self.binary, "audit", "keygen", "--name", "race.example/log",
                            "--out", key], capture_output=True, check=True)
            bundle = os.path.join(tmp, "bundle")
            exported = self.cli("audit", "export", "--key", key + ".key", bundle)
            check(exported.returncode == 0, f"{label}: audit export: {exported.stderr}")
            audit = subprocess.run([self.binary, "audit", "verify", "--pub", key + ".pub",
                                    bundle], capture_output=True, text=True)
            check(audit.returncode == 0, f"{label}: audit verify: {audit.stdout}{audit.stderr}")
        consistent = self.cli("check")
        check(consistent.returncode == 0 and "consistent" in consistent.stdout,
              f"{label}: check: {consistent.stdout}{consistent.stderr}")
        return len(recorded), len(unknown), sum(1 for v in self.answers.values() if v[0] == 503)


def stop(server, failures, label):
    server.terminate()
    failures.check(server.wait(timeout=30) == 0, f"{label}: serve did not exit 0 on SIGTERM")


def sqlite_race(binary, failures):
    with tempfile.TemporaryDirectory() as tmp:
        race = Race(binary, os.path.join(tmp, "race.db"), failures, "sqlite")
        server, base = race.serve()
        race.run([base])
        stop(server, failures, "sqlite")
        recorded, _, unavailable = race.verify()
        failures.check(unavailable == 0, f"sqlite: {unavailable} calls answered 503")
        return f"sqlite: {recorded} recorded"


def postgres_races(binary, failures, dsn):
    details = []
    cluster = os.environ.get("TIERGUARD_TEST_POSTGRES_DIR", "")
    for scenario in ("two servers", "one killed", "postgres restarted"):
        if scenario == "postgres restarted" and not cluster:
            details.append("restart not tested: the cluster is not the tests' own")
            continue
        schema = f"race_{os.getpid()}_{len(details)}"
        psql(dsn, f"CREATE SCHEMA {schema}")
        db = f"pg:{dsn} options='-csearch_path={schema}'"
        race = Race(binary, db, failures, f"postgres, {scenario}")
        (a, base_a), (b, base_b) = race.serve(), race.serve()
        after_restart = []

        def kill_a():
            a.send_signal(signal.SIGKILL)
            a.wait()

        def restart_postgres():
            subprocess.run([os.path.join(HERE, "..", "..", "scripts", "pg-cluster"), "restart",
                            cluster], check=True, capture_output=True)
            time.sleep(0.2)
            after_restart.append(race.ship(base_b, f"AFTER-{schema}"))

        disturb = {"two servers": None, "one killed": kill_a,
                   "postgres restarted": restart_postgres}[scenario]
        race.run([base_a, base_b], disturb)
        for server in (a, b):
            if server.poll() is None:
                stop(server, failures, race.label)
        if after_restart:
            race.answers[f"AFTER-{schema}"] = after_restart[0]
            failures.check(after_restart[0][0] == 200,
                           f"{race.label}: a call after the restart: {after_restart[0]}")
        recorded, unknown, unavailable = race.verify()
        if scenario == "two servers":
            failures.check(unknown == 0 and unavailable == 0,
                           f"{race.label}: {unknown} unanswered, {unavailable} answered 503")
        details.append(f"{scenario}: {recorded} recorded, {unknown} unanswered, "
                       f"{unavailable} answered 503")
        psql(dsn, f"DROP SCHEMA {schema} CASCADE")
    return "postgres: " + "; ".join(details)


def main():
    binary, backend = sys.argv[1], sys.argv[2]
    failures = Failures()
    if backend == "sqlite":
        detail = sqlite_race(binary, failures)
    else:
        dsn = os.environ.get("TIERGUARD_TEST_POSTGRES", "")
        if not dsn:
            print("server race on postgres: skipped (TIERGUARD_TEST_POSTGRES is not set)")
            return 0
        detail = postgres_races(binary, failures, dsn)
    return report(f"server race ({backend})", failures, detail)


if __name__ == "__main__":
    sys.exit(main())
