#!/usr/bin/env python3
"""Screening as a compliance team runs it: lists kept in the ledger with versions and deltas,
parties re-screened when a list changes, decisions made prohibited or licence-required by a
hit, hits cleared by a reviewer until the entry changes or the clearance expires, and every
step in the audit log. Usage: screening_cli.py TIERGUARD_BINARY"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import Failures, report  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("TIERGUARD_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data"))

# OFAC legacy CSV rows (no header, -0- nulls, CRLF, Ctrl-Z at the end).
SDN_V1 = [
    '9001,"KARAKUM PROCESSOR TRADING LLC",-0- ,"NPWMD",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Tax ID No. 7701234567 (Russia)."',
    '9002,"ORLOV, Pavel Sergeyevich","individual","RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 01 Jan 1970."',
]
SDN_V2 = SDN_V1[:1] + [
    '9002,"ORLOV, Pavel Sergeevich","individual","RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 01 Jan 1970."',
    '9003,"NORTHERN LIGHT COMPUTE JSC",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
]


def write_ofac(folder, rows):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "sdn.csv")
    with open(path, "wb") as f:
        f.write(("\r\n".join(rows) + "\r\n").encode() + b"\x1a")
    return path


def request(rid, consignee, date="2025-06-01", country="AE", **qualifiers):
    party = {"id": "C-" + rid, "name": consignee, "country": country, **qualifiers}
    return json.dumps({"id": rid, "date": date, "regime": "us-ai-diffusion-2025",
                       "consignee": party, "items": [{"part": "H100 SXM", "quantity": 8}]})


def main():
    binary = sys.argv[1]
    failures = Failures()
    check = failures.check

    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "screen.db")
        open(db, "w").close()  # a ledger, empty: determine only reads one
        env = dict(os.environ, TIERGUARD_NOW="1764000000", TIERGUARD_ACTOR="reviewer-1",
                   TIERGUARD_HOME=ROOT)

        def run(*args, stdin=None, with_db=True):
            cmd = [binary] + (["--db", db] if with_db else []) + list(args)
            return subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env)

        def decide(command, *lines):
            r = run(command, stdin="\n".join(lines) + "\n")
            return {d["id"]: d for d in map(json.loads, r.stdout.splitlines())}

        v1 = write_ofac(os.path.join(tmp, "v1"), SDN_V1)
        v2 = write_ofac(os.path.join(tmp, "v2"), SDN_V2)

        # Without lists nothing is screened.
        d = decide("determine", request("A0", "Karakum Processor Trading LLC"))
        check("screening" not in d["A0"], f"no lists, yet screened: {d['A0']}")

        # A party on record before the list changes.
        run("party", "add", "--id", "P-NL", "--name", "Northern Light Compute", "--country", "RU")
        r = run("lists", "load", v1)
        check(r.returncode == 0, f"lists load v1: {r.stderr}")
        first = json.loads(r.stdout)
        check(first["list"] == "SDN" and first["entries"] == 2 and first["added"] == 2,
              f"load v1 summary: {first}")

        # An SDN hit prohibits; a clean party is untouched; the capped usage is not spent.
        d = decide("determine", request("A1", "Karakum Processor Trading"),
                   request("A2", "Sakura Cloud KK", country="JP"))
        check(d["A1"]["outcome"] == "prohibited", f"SDN consignee: {d['A1']['outcome']}")
        check(d["A1"]["license_policy"] is None and d["A1"]["authorization"] is None,
              f"a prohibited decision states a policy or authorization: {d['A1']}")
        check(any(r["rule"] == "screening.SDN" for r in d["A1"]["reasons"]),
              f"SDN reason missing: {d['A1']['reasons']}")
        hit = d["A1"]["screening"][0]
        check(hit["entry_id"] == "SDN-9001" and hit["list_version"] == first["version"],
              f"SDN hit: {hit}")
        check(d["A2"]["outcome"] != "prohibited" and "screening" not in d["A2"],
              f"clean consignee: {d['A2']}")

        # The index of the kept lists is cached beside the ledger and read back by the next
        # command; a damaged cache is rebuilt, never believed.
        snapshots = os.path.join(db + ".screening")

        def snapshot_files():
            return sorted(f for f in os.listdir(snapshots) if f.endswith(".idx"))

        check(len(snapshot_files()) == 1, f"screening snapshot written: {os.listdir(tmp)}")
        snapshot = os.path.join(snapshots, snapshot_files()[0])
        size = os.path.getsize(snapshot)
        again = decide("determine", request("A1", "Karakum Processor Trading"))
        check(again["A1"]["outcome"] == "prohibited" and again["A1"]["screening"] == d["A1"]["screening"],
              f"decided from the snapshot: {again['A1']}")
        with open(snapshot, "r+b") as f:
            f.truncate(size - 12)
        again = decide("determine", request("A1", "Karakum Processor Trading"))
        check(again["A1"]["screening"] == d["A1"]["screening"] and os.path.getsize(snapshot) == size,
              f"a damaged snapshot, rebuilt: {again['A1']} {os.path.getsize(snapshot)} != {size}")

        # ship records nothing for a prohibited line.
        d = decide("ship", request("S1", "Karakum Processor Trading"))
        check(d["S1"]["outcome"] == "prohibited" and d["S1"].get("recorded") is False,
              f"ship of a listed party: {d['S1']}")

        # A new version: delta, and the party on record hits the added entry: one alert.
        r = run("lists", "load", v2)
        second = json.loads(r.stdout)
        check((second["added"], second["removed"], second["changed"]) == (1, 0, 1),
              f"delta v1 -> v2: {second}")
        check(second["previous_version"] == first["version"], f"previous version: {second}")
        check(second["alerts"] == 1, f"re-screening alerts: {second}")
        alerts = [json.loads(l) for l in run("alerts").stdout.splitlines()]
        check(any(a.get("party") == "P-NL" and a.get("entry_id") == "SDN-9003" for a in alerts),
              f"alert for P-NL: {alerts}")
        decide("determine", request("A3", "Northern Light Compute"))
        check(len(snapshot_files()) == 1 and snapshot_files()[0] != os.path.basename(snapshot),
              f"a new list version, a new snapshot in place of the old: {snapshot_files()}")
        diff = json.loads(run("lists", "diff", v1, v2, with_db=False).stdout)
        check(diff["added"] == ["SDN-9003"] and diff["changed"] == ["SDN-9002"],
              f"lists diff: {diff}")

        # Clearing a hit: shown as cleared, outcome no longer prohibited.
        r = run("hits", "clear", "--party", "Karakum Processor Trading", "--entry", "SDN-9001",
                "--reason", "name alone")
        check(r.returncode == 1 and "a name alone may be anyone's" in r.stderr,
              f"a clearance by name alone: {r.returncode} {r.stderr}")
        r = run("hits", "clear", "--party", "Sakura Cloud KK", "--country", "JP", "--entry",
                "SDN-9001", "--reason", "no hit")
        check(r.returncode == 1 and "has no hit on SDN-9001" in r.stderr,
              f"clearing a party without a hit: {r.returncode} {r.stderr}")
        # The party on record with a hit nobody cleared is listed as open.
        opened = [json.loads(l) for l in run("hits", "open").stdout.splitlines()]
        check(any(o["party"] == "P-NL" and o["entry_id"] == "SDN-9003" for o in opened),
              f"hits open: {opened}")
        # A party added after the lists is screened when it is added: its hit is an alert.
        r = run("party", "add", "--id", "P-KPT", "--name", "Karakum Processor Trading",
                "--country", "TM")
        check(r.returncode == 0 and "1 hit raised an alert" in r.stdout, f"party add: {r.stdout}")
        alerts = [json.loads(l) for l in run("alerts").stdout.splitlines()]
        check(any(a.get("party") == "P-KPT" and a.get("entry_id") == "SDN-9001" for a in alerts),
              f"no alert for the party added: {alerts}")
        r = run("hits", "clear", "--party", "Karakum Processor Trading", "--country", "AE",
                "--entry", "SDN-9001", "--reason", "different company: Turkmen tax id 12345")
        check(r.returncode == 0, f"hits clear: {r.stderr}")
        d = decide("determine", request("A3", "Karakum Processor Trading"),
                   request("A3b", "Karakum Processor Trading", country="TM"))
        check(d["A3"]["outcome"] != "prohibited", f"cleared hit still prohibits: {d['A3']}")
        check(d["A3"]["screening"][0].get("cleared", "").startswith("different company"),
              f"cleared hit not shown: {d['A3'].get('screening')}")
        # The clearance is for that party: the same name in another country is still a hit.
        check(d["A3b"]["outcome"] == "prohibited",
              f"a clearance for the AE party cleared the TM one: {d['A3b']}")
        # Revoked, it no longer holds; cleared again for the rest of this test.
        r = run("hits", "revoke", "--party", "Karakum Processor Trading", "--country", "AE",
                "--entry", "SDN-9001", "--reason", "tax id not confirmed")
        check(r.returncode == 0, f"hits revoke: {r.stderr}")
        d = decide("determine", request("A3c", "Karakum Processor Trading"))
        check(d["A3c"]["outcome"] == "prohibited", f"revoked clearance still holds: {d['A3c']}")
        r = run("hits", "revoke", "--party", "Karakum Processor Trading", "--country", "AE",
                "--entry", "SDN-9001", "--reason", "again")
        check(r.returncode == 1 and "no clearance" in r.stderr, f"revoking twice: {r.stderr}")
        run("hits", "clear", "--party", "Karakum Processor Trading", "--country", "AE",
            "--entry", "SDN-9001", "--reason", "different company: Turkmen tax id 12345")
        # The clearance expires …
        r = run("hits", "clear", "--party", "Orlov Pavel", "--country", "AE", "--entry", "SDN-9002",
                "--reason", "namesake", "--expires", "2025-01-31")
        check(r.returncode == 0, f"hits clear with expiry: {r.stderr}")
        d = decide("determine", request("A4", "Pavel Sergeevich Orlov"))
        check(d["A4"]["outcome"] == "prohibited", f"expired clearance still holds: {d['A4']}")
        # … and lapses when the entry changes.
        changed = SDN_V2[:]
        changed[0] = changed[0].replace("Tax ID No. 7701234567", "Tax ID No. 7709999999")
        r = run("lists", "load", write_ofac(os.path.join(tmp, "v3"), changed))
        d = decide("determine", request("A5", "Karakum Processor Trading"))
        check(d["A5"]["outcome"] == "prohibited",
              f"clearance survived a change of the entry: {d['A5']}")

        # A party's qualifiers weigh as in `screen`: another birth year clears a namesake, the
        # listed one confirms; a listed identifier makes a weak name match a hit.
        d = decide("determine", request("Q1", "Pavel Orlov", type="person", birth_date="1985-04-02"),
                   request("Q2", "Pavel Orlov", type="person", birth_date="1970"),
                   request("Q3", "Karakum Trading House"),
                   request("Q4", "Karakum Trading House", identifiers=["Tax ID 7709999999"]))
        check(d["Q1"]["outcome"] != "prohibited" and "screening" not in d["Q1"],
              f"namesake born in another year: {d['Q1']}")
        check(d["Q2"]["outcome"] == "prohibited", f"same birth year: {d['Q2']}")
        check("screening" not in d["Q3"], f"weak name match alone: {d['Q3']}")
        check(d["Q4"]["outcome"] == "prohibited" and
              d["Q4"]["screening"][0]["entry_id"] == "SDN-9001",
              f"listed identifier: {d['Q4']}")
        d = decide("determine", request("Q5", "Pavel Orlov", type="ship"),
                   request("Q6", "Pavel Orlov", identifiers="7709999999"))
        check("type" in d["Q5"].get("error", {}).get("message", ""), f"bad type: {d['Q5']}")
        check("identifiers" in d["Q6"].get("error", {}).get("message", ""),
              f"identifiers not a list: {d['Q6']}")

        # A name in a script nothing romanises is screened as written, and the decision says so
        # (a red flag: the outcome stands).
        d = decide("determine", request("U1", "ບໍລິສັດ ສົມຊາຍ", country="LA"),
                   request("U2", "Sakura Cloud KK", country="JP"))
        notice = [x for x in d["U1"]["reasons"] if x["rule"] == "screening.unread_script"]
        check(notice and "Lao" in notice[0]["detail"] and d["U1"]["outcome"] != "prohibited",
              f"unread script: {d['U1']}")
        check(not any(x["rule"] == "screening.unread_script" for x in d["U2"]["reasons"]),
              f"a Latin name flagged as unread: {d['U2']['reasons']}")

        # An Entity List hit requires a licence and names the entry's licence policy.
        r = run("lists", "load", os.path.join(SHARED, "sanctions/csl_us/csl_sample_2019.csv"))
        check(r.returncode == 0, f"load CSL: {r.stderr}")
        d = decide("determine", request("A6", "32 Group China Ltd.", country="HK"))
        el = [x for x in d["A6"]["reasons"] if x["rule"] == "screening.EL"]
        check(d["A6"]["outcome"] == "license_required" and el and "licence policy" in
              el[0]["detail"], f"Entity List consignee: {d['A6']}")
        # The entry's own policy (presumption of denial) is the decision's, also where the regime
        # itself requires no licence (the same company ordering for a Singapore site).
        d = decide("determine", request("A7", "32 Group China Ltd.", country="SG"))
        check(d["A7"]["outcome"] == "license_required" and
              d["A7"]["license_policy"] == "presumption_of_denial" and
              d["A7"]["authorization"] is None,
              f"Entity List policy where the regime needs no licence: {d['A7']}")

        # Refusals change nothing.
        before = run("hits", "list").stdout
        r = run("hits", "clear", "--party", "X", "--country", "AE", "--entry", "SDN-424242",
                "--reason", "r")
        check(r.returncode == 1 and "SDN-424242" in r.stderr, f"unknown entry: {r.stderr}")
        r = run("hits", "clear", "--party", "X", "--country", "AE", "--entry", "SDN-9001",
                "--reason", "r", "--expires", "2025-13-45")
        check(r.returncode == 1 and "expires" in r.stderr, f"bad expiry: {r.stderr}")
        check(run("hits", "list").stdout == before, "a refused clearance changed the ledger")
        broken = os.path.join(tmp, "broken", "sdn.csv")
        os.makedirs(os.path.dirname(broken))
        with open(broken, "w") as f:
            f.write('9001,"ONLY THREE",-0- \r\n')
        lists_before = run("lists", "list").stdout
        r = run("lists", "load", broken)
        check(r.returncode == 1 and "sdn.csv:1" in r.stderr, f"broken list: {r.stderr}")
        check(run("lists", "list").stdout == lists_before, "a refused load changed the lists")

        # screen: bad names are errors on their line, the rest is answered.
        bad = '{"id":"q1","name":"' + "x" * 10000 + '"}\n{"id":"q2","name":"Orlov Pavel"}\n'
        r = run("screen", "--list", v2, stdin=bad, with_db=False)
        out = [json.loads(l) for l in r.stdout.splitlines()]
        check(r.returncode == 1 and "error" in out[0] and out[1]["hits"],
              f"screen with a 10 kB name: {r.returncode} {r.stdout[:300]}")
        r = subprocess.run([binary, "screen", "--list", v2], input=b"\xff\xfe bad\nOrlov\n",
                           capture_output=True, env=env)
        check(r.returncode == 1 and b"UTF-8" in r.stdout, f"invalid UTF-8: {r.stdout[:300]}")

        # A name in a script nothing here romanises is answered, and the answer says so.
        r = run("screen", "--list", v2, stdin='{"id":"l1","name":"ສົມຊາຍ"}\n'
                '{"id":"l2","name":"Orlov Pavel"}\n', with_db=False)
        got = {a["id"]: a for a in map(json.loads, r.stdout.splitlines())}
        check(r.returncode == 0 and got["l1"].get("unread_script") == "Lao"
              and "unread_script" not in got["l2"], f"unread script: {r.stdout[:300]}")

        # Qualifiers: a different birth year counts against; a shared identifier lifts a partial
        # name to a hit.
        qs = ('{"id":"b1","name":"Pavel Orlov","birth_date":"1970-01-01"}\n'
              '{"id":"b2","name":"Pavel Orlov","birth_date":"1988-03-01"}\n'
              '{"id":"i1","name":"Karakum Trading House","identifiers":["7701234567"]}\n'
              '{"id":"i2","name":"Karakum Trading House"}\n')
        r = run("screen", "--list", v2, "--threshold", "0.5", stdin=qs, with_db=False)
        got = {a["id"]: a["hits"] for a in map(json.loads, r.stdout.splitlines())}
        same = [h for h in got["b1"] if h["entry_id"] == "SDN-9002"]
        other = [h for h in got["b2"] if h["entry_id"] == "SDN-9002"]
        check(same and same[0]["explanation"]["birth"] > 0 and
              (not other or (other[0]["explanation"]["birth"] < 0 and
                             other[0]["score"] < same[0]["score"])),
              f"birth year qualifier: {got['b1']} / {got['b2']}")
        with_id = [h for h in got["i1"] if h["entry_id"] == "SDN-9001"]
        without = [h for h in got["i2"] if h["entry_id"] == "SDN-9001"]
        check(with_id and with_id[0]["score"] >= 0.95 and with_id[0]["explanation"]["identifier"] > 0
              and (not without or without[0]["score"] < with_id[0]["score"]),
              f"identifier qualifier: {got['i1']} / {got['i2']}")

        # A name written without spaces in another script and romanised apart from the listed
        # spelling is still found: screen lists what match scores at or above the threshold.
        sdn = os.path.join(SHARED, "sanctions/ofac_sdn/sdn_2024-05-03.csv")
        for query, entry in (("김정은", "SDN-20157"), ("김여정", "SDN-21444")):
            r = run("screen", "--list", sdn, with_db=False, stdin=query + "\n")
            hits = json.loads(r.stdout)["hits"] if r.returncode == 0 else []
            m = run("match", with_db=False, stdin=json.dumps(
                {"name1": query, "name2": next((h["matched_name"] for h in hits
                                                if h["entry_id"] == entry), "")}) + "\n")
            check(any(h["entry_id"] == entry for h in hits) and '"match":true' in m.stdout,
                  f"screen {query}: {[h['entry_id'] for h in hits]} {m.stdout.strip()}")

        # Every load and clearance is in the audit log.
        keys = os.path.join(tmp, "k")
        run("audit", "keygen", "--name", "test.tierguard/log", "--out", keys, with_db=False)
        bundle = os.path.join(tmp, "bundle")
        run("audit", "export", "--key", keys + ".key", bundle)
        with open(os.path.join(bundle, "records.jsonl")) as f:
            kinds = [json.loads(l)["kind"] for l in f]
        check(kinds.count("list.load") == 4 and kinds.count("hit.clear") == 3
              # alerts: v2's re-screening of P-NL, P-KPT's own add, and v3's change of SDN-9001
              # re-screening P-KPT
              and kinds.count("hit.revoke") == 1 and kinds.count("alert") == 3,
              f"audit kinds: {[(k, kinds.count(k)) for k in sorted(set(kinds))]}")
        r = run("audit", "verify", bundle, "--pub", keys + ".pub", with_db=False)
        check(r.returncode == 0, f"audit verify: {r.stdout} {r.stderr}")
    return report("screening_cli", failures)


if __name__ == "__main__":
    sys.exit(main())
