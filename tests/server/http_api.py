#!/usr/bin/env python3
"""tierguard serve as an ERP and its users call it: started on port 0 over a SQLite ledger, or a
PostgreSQL one (a new schema in $TIERGUARD_TEST_POSTGRES; skipped without it),
every /v1/ call authenticated by a key and held to its role (a table of routes by permission,
tried with every role), the spec's error codes for bad JSON, unknown keys, oversize and
over-deep bodies, a revoked key refused at once, four eyes by key identity, request ids echoed
and recorded, /metrics as promtool checks it, a clean exit on SIGTERM, and HTTPS with a
certificate given. Usage: http_api.py TIERGUARD_BINARY sqlite|postgres"""
import http.client
import json
import re
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "..", "shared", "data")
sys.path.insert(0, os.path.join(HERE, ".."))
from testlib import Failures, report  # noqa: E402

ROLES = ["viewer", "clerk", "officer", "approver", "auditor", "admin"]
# Who may do what (../shared/spec/http.md).
GRANTS = {"read": set(ROLES), "record": {"clerk", "officer", "admin"},
          "administer": {"officer", "admin"},
          "decide": {"approver", "admin"}, "audit": {"auditor", "admin"}, "keys": {"admin"}}

ORDER = {"id": "O-1", "date": "2025-06-01", "regime": "us-ai-diffusion-2025",
         "consignee": {"id": "C-1", "country": "AE"}, "items": [{"part": "H100", "quantity": 10}]}


def main():
    binary, backend = sys.argv[1], sys.argv[2]
    dsn = os.environ.get("TIERGUARD_TEST_POSTGRES", "")
    if backend == "postgres" and not dsn:
        print("http api on postgres: skipped (TIERGUARD_TEST_POSTGRES is not set)")
        return 0
    schema = f"http_api_{os.getpid()}"
    if backend == "postgres":
        subprocess.run(["psql", "-q", dsn, "-c", f"CREATE SCHEMA {schema}"], check=True)
    try:
        return run(binary, backend, dsn, schema)
    finally:
        if backend == "postgres":
            subprocess.run(["psql", "-q", dsn, "-c", f"DROP SCHEMA {schema} CASCADE"], check=True,
                           capture_output=True)


def run(binary, backend, dsn, schema):
    failures = Failures()
    with tempfile.TemporaryDirectory() as tmp:
        db = (os.path.join(tmp, "api.db") if backend == "sqlite"
              else f"pg:{dsn} options='-csearch_path={schema}'")

        def cli(*args):
            return subprocess.run([binary, "--db", db, *args], capture_output=True, text=True)

        keys = {"admin": cli("keys", "add", "--name", "root", "--role", "admin").stdout.strip()}
        for role in ROLES[:-1]:
            keys[role] = cli("--as", "root", "keys", "add", "--name", role + "-1", "--role",
                             role).stdout.strip()
        failures.check(all(k.startswith("tgk.") for k in keys.values()), f"keys: {keys}")
        loaded = cli("--as", "root", "lists", "load", os.path.join(SHARED, "sanctions", "csl_us",
                                                                  "csl_sample_2019.csv"))
        failures.check(loaded.returncode == 0, f"lists load: {loaded.stderr}")
        server = subprocess.Popen([binary, "--db", db, "serve", "--listen", "127.0.0.1:0",
                                   "--threads", "2"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = server.stdout.readline().strip()
            failures.check(line.startswith("listening on http://127.0.0.1:"), "first line: " + line)
            base = line.split("listening on ")[-1]

            def call(method, path, body=None, role=None, raw=None, headers=None):
                data = raw if raw is not None else (
                    json.dumps(body).encode() if body is not None else None)
                req = urllib.request.Request(base + path, data=data, method=method)
                if role:
                    req.add_header("Authorization", "Bearer " + keys[role])
                for k, v in (headers or {}).items():
                    req.add_header(k, v)
                try:
                    with urllib.request.urlopen(req, timeout=30) as r:
                        return r.status, r.read().decode(), dict(r.headers)
                except urllib.error.HTTPError as e:
                    return e.code, e.read().decode(), dict(e.headers)

            def error_code(text):
                try:
                    return json.loads(text)["error"]["code"]
                except (ValueError, KeyError, TypeError):
                    return None

            status, text, _ = call("GET", "/healthz")
            failures.check(status == 200 and json.loads(text)["status"] == "ok", "healthz: " + text)
            status, text, _ = call("GET", "/readyz")
            failures.check(status == 200, f"readyz: {status} {text}")

            # Every role against a route of every permission: refused exactly when the spec
            # says, and refused before anything changes.
            routes = [
                ("read", "POST", "/v1/determine", ORDER),
                ("read", "GET", "/v1/caps", None),
                ("read", "GET", "/v1/licenses", None),
                ("read", "GET", "/v1/shipments", None),
                ("record", "POST", "/v1/reservations/NOPE/release", None),
                ("record", "POST", "/v1/applications/NOPE/submit", None),
                ("decide", "POST", "/v1/applications/NOPE/deny", {"reason": "x"}),
                ("administer", "POST", "/v1/licenses/NOPE/revoke", {"reason": "x"}),
                ("administer", "POST", "/v1/hits/clear", {"party_name": "X", "entry": "NOPE",
                                                          "reason": "x"}),
                ("audit", "GET", "/v1/audit/records", None),
                ("keys", "GET", "/v1/keys", None),
            ]
            for permission, method, path, body in routes:
                for role in ROLES:
                    status, text, _ = call(method, path, body, role)
                    allowed = role in GRANTS[permission]
                    refused = status == 403 and error_code(text) == "permission_denied"
                    failures.check(refused != allowed,
                                   f"{role} {method} {path}: {status} {text[:120]}")
                status, text, _ = call(method, path, body)
                failures.check(status == 401 and error_code(text) == "unauthenticated",
                               f"no key {method} {path}: {status}")

            # Shipments: recorded once, answered as the CLI answers them.
            status, text, headers = call("POST", "/v1/shipments", ORDER, "clerk",
                                         headers={"X-Request-Id": "erp-42"})
            failures.check(status == 200 and '"recorded":' in text, f"ship: {status} {text[:200]}")
            failures.check(headers.get("X-Request-Id") == "erp-42", f"request id: {headers}")
            status, text, _ = call("POST", "/v1/shipments", [ORDER, ORDER], "clerk")
            answers = json.loads(text) if status == 200 else []
            failures.check(len(answers) == 2 and all(a.get("duplicate") for a in answers),
                           f"ship again, as an array: {status} {text[:200]}")
            status, text, _ = call("GET", "/v1/audit/records", None, "auditor")
            records = [json.loads(r) for r in text.splitlines()]
            shipped = [r for r in records if r["kind"] in ("shipment", "refusal")]
            failures.check(len(shipped) == 1 and shipped[0].get("request_id") == "erp-42"
                           and shipped[0]["actor"] == "clerk-1",
                           f"the shipment's record: {shipped}")

            # What officers record: a licence, a party (screened at once) and its link, an
            # agreement, a list kept under a name, a cleared hit.
            licence = {"number": "BIS-2026-77", "eccn": "3A090.a", "destination": "AE",
                       "consignee": "C-77", "quantity": 500, "from": "2026-01-01",
                       "to": "2027-12-31", "conditions": "no re-export"}
            status, text, _ = call("POST", "/v1/licenses", licence, "officer")
            added = json.loads(text) if status == 201 else {}
            failures.check(added.get("number") == "BIS-2026-77" and added.get("quantity_limit") == 500,
                           f"add a licence: {status} {text[:300]}")
            status, text, _ = call("POST", "/v1/licenses", dict(licence, number=""), "officer")
            failures.check(status == 400 and "number" in text, f"a licence without a number: {text}")
            status, text, _ = call("POST", "/v1/licenses",
                                   dict(licence, number="BIS-X", destination="Atlantis"), "officer")
            failures.check(status == 400 and error_code(text) == "invalid_argument"
                           and "destination" in text, f"a bad destination: {text}")
            status, text, _ = call("POST", "/v1/licenses/BIS-2026-77/revoke",
                                   {"reason": "superseded"}, "officer")
            failures.check(status == 200 and json.loads(text).get("state") == "revoked",
                           f"revoke: {status} {text[:300]}")
            party = {"id": "P-32", "name": "32 Group China Ltd.", "country": "HK"}
            status, text, _ = call("POST", "/v1/parties", party, "officer")
            failures.check(status == 201 and json.loads(text).get("id") == "P-32",
                           f"add a party: {status} {text[:300]}")
            status, text, _ = call("POST", "/v1/parties", {"id": "P-33", "name": "Owner Ltd",
                                                           "country": "HK"}, "officer")
            status, text, _ = call("POST", "/v1/parties/P-33/links",
                                   {"to": "P-32", "kind": "owns", "share": 0.6}, "officer")
            failures.check(status == 201 and "P-32" in text, f"link: {status} {text[:300]}")
            status, text, _ = call("GET", "/v1/alerts", None, "viewer")
            failures.check(status == 200 and "P-32" in text, f"no alert for P-32: {text[:300]}")
            status, text, _ = call("POST", "/v1/hits/clear",
                                   {"party_id": "P-32", "party_name": "32 Group China Ltd.",
                                    "country": "HK", "entry": "EL-6", "reason": "another firm"},
                                   "officer")
            failures.check(status == 200, f"clear a hit: {status} {text[:300]}")
            status, text, _ = call("POST", "/v1/agreements",
                                   {"id": "G2G-AE", "country": "AE", "cap": "country_allocation",
                                    "increase": 0.5, "from": "2025-02-01",
                                    "citation": "a test agreement"}, "admin")
            failures.check(status == 201 and json.loads(text).get("id") == "G2G-AE",
                           f"agreement: {status} {text[:300]}")
            status, text, _ = call("GET", "/v1/agreements", None, "viewer")
            failures.check("G2G-AE" in text, f"agreement not listed: {text[:300]}")
            status, text, _ = call("POST", "/v1/agreements",
                                   {"id": "G2G-SA", "country": "SA", "cap": "country_allocation",
                                    "increase": 3, "from": "2025-02-01"}, "admin")
            failures.check(status == 400, f"an agreement over the regime's maximum: {status}")
            veu = {"id": "V-AE", "kind": "national", "holder": "C-DC", "headquarters": "US",
                   "country": "AE", "regime": "us-ai-diffusion-2025", "eccn": "3A090.a",
                   "limit_tpp": 5e8, "from": "2025-01-01", "locations": ["AE: Abu Dhabi 1"]}
            status, text, _ = call("POST", "/v1/veus", veu, "officer")
            failures.check(status == 201 and json.loads(text).get("id") == "V-AE",
                           f"add a VEU: {status} {text[:300]}")
            status, text, _ = call("POST", "/v1/veus", dict(veu, id="V-CN", country="CN"),
                                   "officer")
            failures.check(status != 201 and "not eligible" in text,
                           f"a VEU for a data centre in CN: {status} {text[:300]}")
            nac = {"id": "N-1", "party": "C-CN", "destination": "CN", "filed": "2025-05-20",
                   "quantity": 100}
            status, text, _ = call("POST", "/v1/notifications", nac, "officer")
            failures.check(status == 201, f"file a NAC notification: {status} {text[:300]}")
            status, text, _ = call("POST", "/v1/notifications/N-1/confirm",
                                   {"date": "2025-06-14"}, "officer")
            failures.check(status == 400 and "confirmation" in text,
                           f"a confirmation without its number: {status} {text[:300]}")
            status, text, _ = call("POST", "/v1/notifications/N-1/confirm",
                                   {"confirmation": "BIS-NAC-1", "date": "2025-06-14"}, "officer")
            failures.check(status == 200, f"confirm: {status} {text[:300]}")
            status, text, _ = call("GET", "/v1/notifications", None, "viewer")
            failures.check("BIS-NAC-1" in text, f"the confirmed notification: {text[:300]}")
            dpl = open(os.path.join(SHARED, "sanctions", "bis", "dpl.txt"), "rb").read()
            status, text, _ = call("PUT", "/v1/lists/DPL", None, "officer", raw=dpl)
            kept = json.loads(text) if status == 200 else {}
            failures.check(kept.get("list") == "DPL" and kept.get("entries", 0) > 500,
                           f"keep a list: {status} {text[:300]}")
            status, text, _ = call("PUT", "/v1/lists/BAD", None, "officer", raw=b"nothing a list")
            failures.check(status == 400, f"a body that is no list: {status} {text[:300]}")
            status, text, _ = call("PUT", "/v1/lists/DPL", None, "clerk", raw=dpl)
            failures.check(status == 403, f"a clerk keeping a list: {status}")

            # An AI lab's and a cloud provider's routes: a model added by an officer, a
            # transfer requested by a clerk and approved by an approver (never by its
            # requester), a customer added and shown with its links, usage ingested as JSON
            # Lines and as CSV, the runs listed.
            model = {"id": "m-1", "name": "Frontier", "developer": {"name": "Example Lab",
                                                                    "country": "US"},
                     "training_runs": [{"operations": 2e26}],
                     "releases": [{"date": "2025-02-01", "approved_by": "safety-board",
                                   "evaluations": [
                                       {"kind": "red_team", "by": "internal",
                                        "date": "2025-01-10", "result": "pass"},
                                       {"kind": "third_party", "by": "Example Institute",
                                        "date": "2025-01-20", "result": "pass"}]}]}
            status, text, _ = call("POST", "/v1/models", None, "officer",
                                   raw=json.dumps(model).encode())
            failures.check(status == 200 and json.loads(text) == [{"id": "m-1", "state": "added",
                                                                   "findings": []}],
                           f"add a model: {status} {text[:300]}")
            status, text, _ = call("POST", "/v1/models", None, "clerk",
                                   raw=json.dumps(model).encode())
            failures.check(status == 403, f"a clerk adding a model: {status}")
            status, text, _ = call("GET", "/v1/models/m-1/classification?regime=us-ai-diffusion-2025"
                                   "&as_of=2025-03-01", None, "viewer")
            failures.check(status == 200 and json.loads(text)[0].get("eccn") == "4E091",
                           f"classify a model: {status} {text[:300]}")
            transfer = {"id": "T-1", "date": "2025-03-01", "model": "m-1", "kind": "export",
                        "regime": "us-ai-diffusion-2025",
                        "recipient": {"name": "UK Lab", "country": "GB"}}
            status, text, _ = call("POST", "/v1/transfers", None, "clerk",
                                   raw=json.dumps(transfer).encode())
            made = json.loads(text) if status == 201 else [{}]
            failures.check(made[0].get("state") == "pending" and made[0].get("requester") == "clerk-1",
                           f"request a transfer: {status} {text[:300]}")
            status, text, _ = call("POST", "/v1/transfers/T-1/approve", None, "approver")
            failures.check(status == 200 and json.loads(text).get("approver") == "approver-1",
                           f"approve a transfer: {status} {text[:300]}")
            status, text, _ = call("GET", "/v1/transfers?state=approved", None, "viewer")
            failures.check(status == 200 and '"T-1"' in text, f"approved transfers: {text[:300]}")
            customers = "\n".join(json.dumps(c) for c in [
                {"id": "cust-1", "name": "Example Analytics FZE", "country": "AE",
                 "accounts": ["a-1"], "payment_means": [{"kind": "card", "fingerprint": "f"}]},
                {"id": "cust-2", "name": "Other Co", "country": "SG", "accounts": ["a-2"],
                 "payment_means": [{"kind": "card", "fingerprint": "f"}]}])
            status, text, _ = call("POST", "/v1/kyc/customers", None, "officer",
                                   raw=customers.encode())
            failures.check(status == 200 and len(json.loads(text)) == 2,
                           f"add customers: {status} {text[:300]}")
            status, text, _ = call("GET", "/v1/kyc/customers/cust-2", None, "viewer")
            failures.check(status == 200 and json.loads(text).get("linked") == ["cust-1", "cust-2"],
                           f"a customer's links: {status} {text[:300]}")
            usage = {"account": "a-1", "job": "j", "start": "2027-01-03T00:00:00Z",
                     "end": "2027-01-03T01:00:00Z", "datacenter": "d", "accelerator": "H100 SXM",
                     "count": 8, "utilization": 0.5}
            status, text, _ = call("POST", "/v1/usage", None, "clerk",
                                   raw=json.dumps(usage).encode())
            failures.check(status == 200 and json.loads(text).get("records") == 1,
                           f"ingest usage: {status} {text[:300]}")
            csv_usage = ("account,job,start,end,datacenter,accelerator,count,utilization\n"
                         "a-2,j,2027-01-03T00:00:00Z,2027-01-03T01:00:00Z,d,H100 SXM,8,0.5\n")
            status, text, _ = call("POST", "/v1/usage?format=csv", None, "clerk",
                                   raw=csv_usage.encode())
            failures.check(status == 200 and json.loads(text).get("records") == 1,
                           f"ingest CSV usage: {status} {text[:300]}")
            status, text, _ = call("POST", "/v1/usage", None, "clerk", raw=b'{"account": "a"}')
            failures.check(status == 400 and "line 1: usage.start" in text,
                           f"a bad usage record: {status} {text[:300]}")
            status, text, _ = call("GET", "/v1/kyc/runs", None, "viewer")
            failures.check(status == 200 and json.loads(text) == [], f"runs: {status} {text[:300]}")

            # Bad input: the spec's codes.
            status, text, _ = call("POST", "/v1/determine", None, "viewer", raw=b"{not json")
            failures.check(status == 400 and error_code(text) == "invalid_argument",
                           f"bad JSON: {status} {text[:200]}")
            status, text, _ = call("POST", "/v1/applications",
                                   {"eccn": "3A090.a", "destination": "SA", "to": "2027-06-30",
                                    "quantity": 10, "colour": "red"}, "clerk")
            failures.check(status == 400 and "colour" in text, f"unknown key: {status} {text}")
            status, text, _ = call("POST", "/v1/determine", None, "viewer",
                                   raw=b"[" * 65 + b"]" * 65)
            failures.check(status == 413 and error_code(text) == "payload_too_large",
                           f"too deep: {status} {text[:200]}")
            # Over the 16 MiB limit: refused on its Content-Length, before the body is read.
            conn = http.client.HTTPConnection(base.split("//")[1], timeout=30)
            conn.putrequest("POST", "/v1/determine")
            conn.putheader("Authorization", "Bearer " + keys["viewer"])
            conn.putheader("Content-Length", str(16 * 1024 * 1024 + 1))
            conn.endheaders()
            response = conn.getresponse()
            text = response.read().decode()
            failures.check(response.status == 413 and error_code(text) == "payload_too_large",
                           f"too large: {response.status} {text[:200]}")
            conn.close()
            status, text, _ = call("GET", "/v1/nowhere", None, "viewer")
            failures.check(status == 404, f"no route: {status}")

            # Screening against the kept lists: one query, then an array; any role may screen.
            query = {"id": "Q1", "name": "32 Group China Ltd.", "country": "HK"}
            status, text, _ = call("POST", "/v1/screen", query, "viewer")
            hits = json.loads(text).get("hits", []) if status == 200 else []
            failures.check(status == 200 and hits and hits[0].get("score", 0) >= 0.8,
                           f"screen one: {status} {text[:300]}")
            status, text, _ = call("POST", "/v1/screen?limit=1",
                                   [query, {"id": "Q2", "name": "Sakura Cloud KK"}], "clerk")
            answers = json.loads(text) if status == 200 else []
            failures.check(len(answers) == 2 and len(answers[0].get("hits", [])) == 1
                           and answers[1].get("hits") == [],
                           f"screen an array: {status} {text[:300]}")
            for bad in ("threshold=1.5", "threshold=x", "limit=0"):
                status, text, _ = call("POST", "/v1/screen?" + bad, query, "viewer")
                failures.check(status == 400 and error_code(text) == "invalid_argument",
                               f"screen ?{bad}: {status} {text}")
            status, text, _ = call("POST", "/v1/screen", query)
            failures.check(status == 401, f"screen without a key: {status}")
            status, text, _ = call("POST", "/v1/screen", None, "viewer", raw=b'"32 Group')
            failures.check(status == 400 and error_code(text) == "invalid_argument",
                           f"screen a body that is not a query: {status} {text}")

            # Four eyes by key: the requester may not approve, another approver may.
            body = {"eccn": "3A090.a", "destination": "SA", "consignee": "C-9", "quantity": 2000,
                    "from": "2027-01-01", "to": "2027-06-30", "submit": True}
            status, text, _ = call("POST", "/v1/applications", body, "admin")
            app = json.loads(text) if status == 201 else {}
            failures.check(app.get("requester") == "root" and app.get("state") == "submitted",
                           f"apply: {status} {text}")
            status, text, _ = call("POST", f"/v1/applications/{app.get('id')}/approve", {}, "admin")
            failures.check(status == 403 and error_code(text) == "permission_denied",
                           f"the requester approving: {status} {text}")
            status, text, _ = call("POST", f"/v1/applications/{app.get('id')}/approve",
                                   {"number": "BIS-2027-001", "valid_from": "2027-01-15"},
                                   "approver")
            failures.check(status == 200 and json.loads(text).get("license") == "BIS-2027-001",
                           f"approve: {status} {text}")
            status, text, _ = call("GET", f"/v1/applications/{app.get('id')}", None, "viewer")
            shown = json.loads(text) if status == 200 else {}
            failures.check(shown.get("state") == "approved" and shown.get("requester") == "root",
                           f"the application shown: {status} {text}")
            status, text, _ = call("GET", "/v1/applications/NO-SUCH", None, "viewer")
            failures.check(status == 404 and error_code(text) == "not_found",
                           f"an unknown application: {status} {text}")
            status, text, _ = call("GET", "/v1/licenses/BIS-2027-001", None, "viewer")
            licence = json.loads(text) if status == 200 else {}
            failures.check(licence.get("approved_by") == "approver-1"
                           and licence.get("valid_from") == "2027-01-15"
                           and licence.get("valid_to") == "2027-06-30",
                           f"the licence: {status} {text}")

            # A revoked key is refused at once.
            status, text, _ = call("POST", "/v1/keys/viewer-1/revoke", None, "admin")
            failures.check(status == 200, f"revoke: {status} {text}")
            status, text, _ = call("GET", "/v1/caps", None, "viewer")
            failures.check(status == 401 and error_code(text) == "unauthenticated",
                           f"a revoked key: {status} {text}")

            # /openapi.json is made from the route table: every path and method it documents
            # is served (whatever the answer, it is not "no route"), and the spec's are there.
            status, text, _ = call("GET", "/openapi.json")
            doc = json.loads(text) if status == 200 else {"paths": {}}
            failures.check(doc.get("openapi", "").startswith("3.1"), "openapi: " + text[:100])
            for path, methods in doc["paths"].items():
                for method in methods:
                    concrete = "/".join("X" if part.startswith("{") else part
                                        for part in path.split("/"))
                    status, text, _ = call(method.upper(), concrete, None, "admin")
                    failures.check(status != 405 and "no route" not in text,
                                   f"documented, not served: {method} {path}: {status} {text}")
            for method, path in [("post", "/v1/determine"), ("post", "/v1/shipments"),
                                 ("get", "/v1/caps"), ("post", "/v1/applications/{id}/approve"),
                                 ("get", "/v1/audit/records"), ("get", "/healthz"),
                                 ("get", "/readyz"), ("get", "/openapi.json")]:
                failures.check(method in doc["paths"].get(path, {}),
                               f"{method} {path} is not documented")

            # /metrics: the text format, line by line; the calls above counted under their
            # routes, decisions by outcome, the log's size; every histogram cumulative.
            status, text, headers = call("GET", "/metrics")
            failures.check(status == 200 and headers.get("Content-Type", "").startswith(
                "text/plain; version=0.0.4"), f"metrics: {status} {headers}")
            sample = re.compile(r'^[a-z_]+(\{[a-z_]+="([^"\\]|\\.)*"(,[a-z_]+="([^"\\]|\\.)*")*\})? '
                                r'[-+0-9.eInf]+$')
            for line in text.splitlines():
                failures.check(line.startswith("# HELP ") or line.startswith("# TYPE ")
                               or sample.match(line), "not the text format: " + line)
            # Prometheus' own checker (Debian's prometheus package; scripts/install-deps).
            failures.check(shutil.which("promtool"), "promtool is not installed")
            if shutil.which("promtool"):
                checked = subprocess.run(["promtool", "check", "metrics"], input=text,
                                         capture_output=True, text=True)
                failures.check(checked.returncode == 0,
                               f"promtool check metrics: {checked.stdout}{checked.stderr}")
            failures.check('tierguard_http_requests_total{route="/v1/determine",method="POST",'
                           'status="200"}' in text, "no determine requests counted")
            failures.check('route="/v1/licenses/{number}"' in text, "a route not by its pattern")
            failures.check("tierguard_decisions_total{outcome=" in text, "no decisions counted")
            size = re.search(r"^tierguard_audit_log_records (\d+)$", text, re.M)
            failures.check(size is not None and int(size.group(1)) > 0, "no audit log size")
            buckets = {}
            for m in re.finditer(r'^tierguard_http_request_duration_seconds_bucket\{route="([^"]*)",'
                                 r'le="([^"]*)"\} (\d+)$', text, re.M):
                buckets.setdefault(m.group(1), []).append(int(m.group(3)))
            failures.check(buckets and all(b == sorted(b) for b in buckets.values()),
                           f"histograms not cumulative: {buckets}")

            # Listings page as the spec says.
            status, text, _ = call("GET", "/v1/keys?limit=2", None, "admin")
            page = json.loads(text) if status == 200 else {}
            failures.check(len(page.get("items", [])) == 2 and page.get("next"),
                           f"keys page: {status} {text}")
            failures.check(all("tgk." not in k for k in [text]), "a listing shows a key")
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                code = server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                code = None
            failures.check(code == 0, f"serve exited {code} on SIGTERM")
            log = server.stderr.read()
            lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
            failures.check(any(entry.get("request_id") == "erp-42" for entry in lines),
                           "no access-log line names request erp-42")
        tls(binary, db, keys["admin"], tmp, failures)
    return report(f"http api ({backend})", failures)


def tls(binary, db, key, tmp, failures):
    """HTTPS with a certificate given: a client that trusts it is answered; plain HTTP to the
    same port is not; a missing key file is refused at start."""
    cert, private = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", private,
                    "-out", cert], check=True, capture_output=True)
    refused = subprocess.run([binary, "--db", db, "serve", "--listen", "127.0.0.1:0",
                              "--tls-cert", cert, "--tls-key", os.path.join(tmp, "none.pem")],
                             capture_output=True, text=True, timeout=30)
    failures.check(refused.returncode != 0 and "--tls-key" in refused.stderr,
                   f"a missing TLS key: {refused.returncode} {refused.stderr}")
    server = subprocess.Popen([binary, "--db", db, "serve", "--listen", "127.0.0.1:0",
                               "--threads", "2", "--tls-cert", cert, "--tls-key", private],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline().strip()
        failures.check(line.startswith("listening on https://127.0.0.1:"), "TLS: " + line)
        base = line.split("listening on ")[-1]
        context = ssl.create_default_context(cafile=cert)
        req = urllib.request.Request(base + "/v1/caps?limit=1")
        req.add_header("Authorization", "Bearer " + key)
        with urllib.request.urlopen(req, timeout=20, context=context) as r:
            failures.check(r.status == 200 and "items" in json.loads(r.read()),
                           "an HTTPS call was not answered")
        try:
            urllib.request.urlopen(base.replace("https:", "http:") + "/healthz", timeout=20)
            failures.check(False, "plain HTTP answered on the TLS port")
        except (OSError, http.client.HTTPException):
            pass
        try:
            urllib.request.urlopen(base + "/healthz", timeout=20,
                                   context=ssl.create_default_context())
            failures.check(False, "a client that does not trust the certificate was answered")
        except urllib.error.URLError as e:
            failures.check(isinstance(e.reason, ssl.SSLCertVerificationError),
                           f"untrusted certificate: {e}")
    finally:
        server.send_signal(signal.SIGTERM)
        failures.check(server.wait(timeout=20) == 0, "the TLS server did not exit 0 on SIGTERM")


if __name__ == "__main__":
    sys.exit(main())
