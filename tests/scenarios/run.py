#!/usr/bin/env python3
"""Runs tierguard scenario files: each case sends its requests, in order, as one batch to
`tierguard determine` and checks every decision against the case's expectations.

File format (one file per group of cases):
    # name: short title
    # description: what the group covers
    given: {JSON merged under every request of the file}
    case: what this case shows
    request: {JSON, deep-merged onto `given`; lists replace}
    classify: DATE {item JSON}      (instead of request: run `tierguard classify --as-of DATE`)
    expect: key=value ...            (one `expect:` per `request:`)
    ledger: ARGS                     (a ledger command, shell-quoted, run before the requests
                                      against the case's own fresh ledger; it must succeed)
    refused: "MESSAGE" ARGS          (a ledger command that must be refused with MESSAGE)
A case with ledger lines sends its requests to `tierguard ship` on that ledger (in order, so a
later line sees what an earlier one recorded) instead of `determine`.

Expect keys: outcome, authorization, policy, tier, eccn (comma list, one per item), paragraph,
regime, enforced, error (error code), message (substring of the error message), rule (rule ids
that must be among the reasons, comma list), no_rule (rule ids that must not be), cap.ID.used,
cap.ID.limit, cap.ID.exceeded, conditions (substring of some reason's conditions), detail
(substring of some reason's detail), recorded (ship only).
`-` means null. Usage: run.py TIERGUARD_BINARY FILE...
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile


def merge(base, over):
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = merge(base.get(k), v) if k in base else v
        return out
    return over


def parse(path):
    given, cases, case = {}, [], None
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, rest = line.partition(":")
        rest = rest.strip()
        where = f"{path}:{n}"
        if key == "given":
            given = json.loads(rest)
        elif key == "case":
            case = {"title": rest, "line": n, "requests": [], "expects": [], "ledger": []}
            cases.append(case)
        elif key == "request":
            if case is None:
                raise SystemExit(f"{where}: request before any case")
            try:
                case["requests"].append(merge(given, json.loads(rest)))
            except json.JSONDecodeError as e:
                raise SystemExit(f"{where}: bad JSON: {e}")
        elif key == "raw":  # a request line sent as is (for malformed input)
            case["requests"].append(rest)
        elif key == "classify":  # "DATE {item}": classify one item as of DATE
            date, _, item = rest.partition(" ")
            case["classify"] = date
            case["requests"].append(json.loads(item))
        elif key in ("ledger", "refused"):
            if case is None:
                raise SystemExit(f"{where}: {key} before any case")
            words = shlex.split(rest)
            message = words.pop(0) if key == "refused" else None
            case["ledger"].append((where, words, message))
        elif key == "expect":
            case["expects"].append((where, dict(t.split("=", 1) for t in shlex.split(rest))))
        else:
            raise SystemExit(f"{where}: unknown key '{key}'")
    for c in cases:
        if len(c["requests"]) != len(c["expects"]):
            raise SystemExit(f"{path}:{c['line']}: {len(c['requests'])} requests but "
                             f"{len(c['expects'])} expects")
    return cases


def text(v):
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def check(decision, expect):
    errors = []
    def cmp(name, actual):
        if name in expect and expect[name] != text(actual):
            errors.append(f"{name}: expected {expect[name]}, got {text(actual)}")
    if "error" in expect or "message" in expect:
        err = decision.get("error")
        if not err:
            return [f"expected an error, got outcome {decision.get('outcome')}"]
        cmp("error", err["code"])
        if "message" in expect and expect["message"] not in err["message"]:
            errors.append(f"message: expected to contain {expect['message']!r}, got {err['message']!r}")
        return errors
    if "error" in decision:
        return [f"unexpected error: {decision['error']['message']}"]
    if "items" not in decision:  # a classification
        cmp("eccn", decision["eccn"])
        cmp("paragraph", decision["paragraph"])
        cmp("tpp", decision.get("tpp"))
        return errors
    cmp("outcome", decision["outcome"])
    cmp("authorization", decision["authorization"])
    cmp("policy", decision["license_policy"])
    cmp("tier", decision["destination_tier"])
    cmp("regime", decision["regime"])
    cmp("enforced", decision["regime_enforced"])
    cmp("eccn", ",".join(i["eccn"] for i in decision["items"]))
    if "recorded" in expect:
        cmp("recorded", decision.get("recorded"))
    if "detail" in expect and not any(expect["detail"] in r.get("detail", "")
                                      for r in decision["reasons"]):
        errors.append(f"no reason's detail contains {expect['detail']!r}")
    cmp("paragraph", ",".join(i.get("paragraph", "-") for i in decision["items"]))
    rules = {r["rule"] for r in decision["reasons"]}
    for r in expect.get("rule", "").split(","):
        if r and r not in rules:
            errors.append(f"rule {r} not among reasons {sorted(rules)}")
    for r in expect.get("no_rule", "").split(","):
        if r and r in rules:
            errors.append(f"rule {r} should not be among the reasons")
    if "conditions" in expect:
        conds = [c for r in decision["reasons"] for c in r.get("conditions", [])]
        if not any(expect["conditions"] in c for c in conds):
            errors.append(f"no condition contains {expect['conditions']!r}")
    caps = {c["cap"]: c for c in decision["caps"]}
    for k, v in expect.items():
        if k.startswith("cap."):
            _, cap, field = k.split(".")
            if cap not in caps:
                errors.append(f"cap {cap} not in decision caps {sorted(caps)}")
                continue
            got = caps[cap].get(field, False)
            if text(got) != v and not (field != "exceeded" and float(v) == float(got)):
                errors.append(f"{k}: expected {v}, got {text(got)}")
    return errors


def main():
    binary, files = sys.argv[1], sys.argv[2:]
    total = failed = 0
    for path in files:
        for case in parse(path):
            with tempfile.TemporaryDirectory() as tmp:
                total += 1
                problems = run_case(binary, case, os.path.join(tmp, "ledger.db"))
            if problems:
                failed += 1
                print(f"FAIL {path}:{case['line']}: {case['title']}")
                for p in problems:
                    print(f"     {p}")
    print(f"scenarios: {total - failed} passed, {failed} failed")
    return 1 if failed else 0


def run_case(binary, case, db):
    problems = []
    for where, words, message in case["ledger"]:
        proc = subprocess.run([binary, "--db", db, *words], capture_output=True, text=True)
        said = proc.stdout + proc.stderr
        if message is None and proc.returncode != 0:
            problems.append(f"{where}: exit {proc.returncode}: {said.strip()[:300]}")
        elif message is not None and (proc.returncode == 0 or message not in said):
            problems.append(f"{where}: expected refusal with {message!r}, got exit "
                            f"{proc.returncode}: {said.strip()[:300]}")
    if not case["requests"]:
        return problems
    requests = case["requests"]
    command = [binary, "determine"]
    if case["ledger"]:
        command = [binary, "--db", db, "ship"]
        # ship records by id: a request without one gets its position in the case.
        requests = [r if isinstance(r, str) or "id" in r else dict(r, id=f"R{n}")
                    for n, r in enumerate(requests, 1)]
    lines = [r if isinstance(r, str) else json.dumps(r) for r in requests]
    if "classify" in case:
        command = [binary, "classify", "--as-of", case["classify"]]
    proc = subprocess.run(command, input="\n".join(lines) + "\n", capture_output=True, text=True)
    decisions = [json.loads(l) for l in proc.stdout.splitlines() if l.strip()]
    if proc.returncode not in (0, 1):
        problems.append(f"exit {proc.returncode}: {proc.stderr.strip()}")
    if len(decisions) != len(lines):
        problems.append(f"{len(lines)} requests but {len(decisions)} decisions")
    for (where, expect), d in zip(case["expects"], decisions):
        problems += [f"{where}: {p}" for p in check(d, expect)]
    should_fail = any("error" in e or "message" in e for _, e in case["expects"])
    if proc.returncode != (1 if should_fail else 0) and not problems:
        problems.append(f"exit code {proc.returncode}, expected {1 if should_fail else 0}")
    return problems


if __name__ == "__main__":
    sys.exit(main())
