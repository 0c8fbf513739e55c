#!/usr/bin/env python3
"""Measures tierguard's name matching on the labelled sets in ../shared/data/name_matching.

Usage: scripts/screening-quality.py [--tierguard build/cli/tierguard] [--shared ../shared/data]
       [--markdown FILE] [--threshold T]

Every pair goes through `tierguard match` (the scorer and default threshold of `screen`). For each
file it prints precision, recall and F1 at the default threshold, and per category; for the
cross-script pairs, each pair against its minimum score. Last, a held-out measure no rule was
tuned on: the UN list's original-script names against their Latin names. With --markdown the same tables are
written as Markdown (docs/screening-quality.md includes them).
"""
import argparse
import collections
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run_tierguard(cmd, objects, what):
    """Runs a tierguard command with one JSON object a line in; one JSON answer a line out."""
    lines = "".join(json.dumps(o) + "\n" for o in objects)
    out = subprocess.run(cmd, input=lines.encode(), capture_output=True, check=False,
                         env=dict(os.environ, TIERGUARD_HOME=ROOT))
    answers = [json.loads(l) for l in out.stdout.decode().splitlines()]
    if len(answers) != len(objects):
        sys.exit(f"{' '.join(cmd[1:2])} gave {len(answers)} answers for {len(objects)} {what}: "
                 f"{out.stderr.decode()[:2000]}")
    return answers


def threshold_args(threshold):
    return [] if threshold is None else ["--threshold", str(threshold)]


def run_match(tierguard, pairs, threshold):
    return run_tierguard([tierguard, "match"] + threshold_args(threshold),
                         [{"name1": a, "name2": b, "schema": s} for a, b, s in pairs], "pairs")


def run_screen(tierguard, lists, names, threshold, limit=10, countries=None):
    cmd = [tierguard, "screen", "--limit", str(limit)] + threshold_args(threshold)
    for l in lists:
        cmd += ["--list", l]
    queries = [{"id": str(i), "name": n} for i, n in enumerate(names)]
    for q, c in zip(queries, countries or []):
        if c:
            q["country"] = c
    return run_tierguard(cmd, queries, "queries")


def reference_f1(nm, name, cases):
    """The published matcher's F1 on the same file: yente logic-v2's predictions for the
    nomenklatura cases, Watchman's scores (at their best threshold) for the cascade sets."""
    if name.startswith("nomenklatura"):
        path = os.path.join(nm, "nomenklatura_name_bench_logicv2_scores.csv")
        with open(path, encoding="utf-8", newline="") as f:
            rows = [dict(label=r["is_match"] == "true", match=r["predicted_match"] == "true")
                    for r in csv.DictReader(f)]
        return f"yente logic-v2 F1 {prf(rows)['f1']:.3f} on its {len(rows)} scored cases"
    with open(os.path.join(nm, name), encoding="utf-8", newline="") as f:
        scored = [(r["is_match"] == "true", float(r["score"])) for r in csv.DictReader(f)
                  if r.get("score")]
    if not scored:
        return ""
    best = max((prf([dict(label=l, match=sc >= t / 100) for l, sc in scored])["f1"], t / 100)
               for t in range(1, 100))
    return f"Watchman F1 {best[0]:.3f} at its best threshold {best[1]:.2f}"


def prf(rows):
    tp = sum(1 for r in rows if r["label"] and r["match"])
    fp = sum(1 for r in rows if not r["label"] and r["match"])
    fn = sum(1 for r in rows if r["label"] and not r["match"])
    tn = len(rows) - tp - fp - fn
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return dict(n=len(rows), tp=tp, fp=fp, fn=fn, tn=tn, precision=p, recall=r, f1=f1)


ROMAN = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii",
         "xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx"}


def series_only(a, b):
    """Whether two names differ only in numbers or Roman numerals (Fund V, Fund VI; Maru
    No. 8, Maru No. 6): the sets disagree on these, nomenklatura mostly labelling them the
    same party and both cascade sets always labelling them different."""
    def words(n):
        return [w for w in re.findall(r"[a-z]+|[0-9]+", n.lower())]
    def letters(ws):
        return [w for w in ws if not w.isdigit() and w not in ROMAN]
    wa, wb = words(a), words(b)
    return wa != wb and letters(wa) == letters(wb) and len(letters(wa)) > 0 and \
        any(w.isdigit() or w in ROMAN for w in wa) and any(w.isdigit() or w in ROMAN for w in wb)


def labelled(path, label_col="is_match"):
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            yield row["name1"], row["name2"], row["schema"], row[label_col] == "true", \
                row.get("category") or "(none)", row.get("case_group", "")


def flagged_by_screen(args, lists, names, countries=None):
    """Screens names that should not be on any list: (name, answer) for each one with hits."""
    answers = run_screen(args.tierguard, lists, names, args.threshold, countries=countries)
    return [(q, a) for q, a in zip(names, answers) if a["hits"]]


def show_flagged(args, flagged):
    if args.show_errors:
        for q, a in flagged[:40]:
            h = a["hits"][0]
            print(f"  flagged: {q} -> {h['name']} / {h['matched_name']} {h['score']} "
                  f"{h['explanation']}")


def han_names_control(args, lists, md):
    """False positives of names written in Han characters: 300 Chinese names (a common surname
    and one or two common given-name characters) and 200 Japanese ones (a common surname and
    given name), drawn with a fixed seed, screened against all lists. They are short and their
    syllables few, so they meet listed names by chance more than Latin names do."""
    import random
    rng = random.Random(7)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华玉萍红建文辉力林斌宇浩凯健俊帆鹏飞"
    jp_surnames = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
                   "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "斎藤", "清水"]
    jp_given = ["太郎", "花子", "一郎", "健", "誠", "大輔", "美咲", "翔太", "陽子", "直樹", "裕子",
                "学", "恵", "剛", "智子"]
    names = [rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.choice([1, 2])))
             for _ in range(300)]
    names += [rng.choice(jp_surnames) + rng.choice(jp_given) for _ in range(200)]
    flagged = flagged_by_screen(args, lists, names)
    print(f"Han names control: {len(flagged)}/{len(names)} = {len(flagged) / len(names):.3f} "
          f"flagged")
    show_flagged(args, flagged)
    md.append(f"| 500 generated Chinese and Japanese names in Han characters against all lists | "
              f"{len(names)} | {len(flagged)} flagged ({len(flagged) / len(names):.1%}) | "
              f"(no target) |")


def held_out_original_script(args, sanctions, md):
    """A set no rule was tuned on: each UN entry's name in its original script (mostly Arabic)
    against its listed Latin name, and, as negatives, against the Latin name of the next entry
    of the same type that has one."""
    import xml.etree.ElementTree as ET
    root = ET.parse(os.path.join(sanctions, "un", "UN_consolidated.xml")).getroot()
    rows = []
    for schema, tag in (("Person", "INDIVIDUAL"), ("Organization", "ENTITY")):
        for e in root.iter(tag):
            original = (e.findtext("NAME_ORIGINAL_SCRIPT") or "").strip()
            latin = " ".join(x for x in ((e.findtext(f) or "").strip() for f in
                                         ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME",
                                          "FOURTH_NAME")) if x)
            if original and latin:
                rows.append((original, latin, schema))
    negatives = []
    for i, (original, _, schema) in enumerate(rows):
        j = (i + 1) % len(rows)
        while rows[j][2] != schema:
            j = (j + 1) % len(rows)
        negatives.append((original, rows[j][1], schema))
    found = run_match(args.tierguard, rows, args.threshold)
    flagged = run_match(args.tierguard, negatives, args.threshold)
    tp = sum(r["match"] for r in found)
    fp = sum(r["match"] for r in flagged)
    print(f"held out, UN original-script names: {tp}/{len(rows)} = {tp / len(rows):.3f} match "
          f"their Latin name; {fp}/{len(rows)} match another entry's")
    if args.show_errors:
        for (a, b, _), r in zip(rows, found):
            if not r["match"]:
                print(f"  missed {r['score']:.3f} {a} | {b}")
    md.append("### Held out: UN original-script names\n\n| pairs | same entry matched | "
              "another entry's name matched |\n| ---: | ---: | ---: |")
    md.append(f"| {len(rows)} | {tp} ({tp / len(rows):.1%}) | {fp} ({fp / len(rows):.1%}) |\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--tierguard", default=os.path.join(ROOT, "build", "cli", "tierguard"))
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--markdown")
    ap.add_argument("--threshold", type=float)
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args()
    nm = os.path.join(args.shared, "name_matching")
    md = []
    summary = []
    for name, target in [("nomenklatura_name_bench_cases.csv", 0.88),
                         ("watchman_cascade_name_pairs.csv", 0.85),
                         ("watchman_cascade_name_pairs_2.csv", 0.85)]:
        cases = list(labelled(os.path.join(nm, name)))
        results = run_match(args.tierguard, [(a, b, s) for a, b, s, *_ in cases], args.threshold)
        rows = [dict(label=c[3], match=r["match"], score=r["score"], category=c[4], group=c[5],
                     pair=(c[0], c[1])) for c, r in zip(cases, results)]
        total = prf(rows)
        summary.append((name, total, target))
        series = [r for r in rows if series_only(*r["pair"])]
        if series:
            rest = prf([r for r in rows if not series_only(*r["pair"])])
            same = sum(r["label"] for r in series)
            print(f"  ({len(series)} pairs differ only in a series number, {same} labelled the "
                  f"same party; without them F1 {rest['f1']:.3f})")
            series_note = (f"| pairs that differ only in a series number | {len(series)} "
                           f"| {same} labelled the same party | | F1 of the others: "
                           f"{rest['f1']:.3f} | | |")
        else:
            series_note = None
        reference = reference_f1(nm, name, cases)
        if reference:
            print(f"  (published reference on this file: {reference})")
        sweep = []
        for t in [x / 100 for x in range(50, 100)]:
            m = prf([dict(r, match=r["score"] >= t) for r in rows])
            sweep.append((m["f1"], t))
        best_f1, best_t = max(sweep)
        print(f"  (best threshold for this file alone: {best_t:.2f}, F1 {best_f1:.3f})")
        print(f"{name}: n={total['n']} P={total['precision']:.3f} R={total['recall']:.3f} "
              f"F1={total['f1']:.3f} (target {target}) tp={total['tp']} fp={total['fp']} "
              f"fn={total['fn']} tn={total['tn']}")
        md.append(f"### {name}\n\n| slice | pairs | precision | recall | F1 | FP | FN |\n"
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        md.append(f"| **all** | {total['n']} | {total['precision']:.3f} | {total['recall']:.3f} "
                  f"| **{total['f1']:.3f}** | {total['fp']} | {total['fn']} |")
        if reference:
            md.append(f"| reference: {reference} | | | | | | |")
        if series_note:
            md.append(series_note)
        for key in ("group", "category"):
            by = collections.defaultdict(list)
            for r in rows:
                by[r[key]].append(r)
            for k in sorted(by, key=lambda k: -len(by[k])):
                if len(by[k]) < 5 and key == "category":
                    continue
                m = prf(by[k])
                md.append(f"| {key} {k or '(none)'} | {m['n']} | {m['precision']:.3f} | "
                          f"{m['recall']:.3f} | {m['f1']:.3f} | {m['fp']} | {m['fn']} |")
        md.append("")
        if args.show_errors:
            for r in rows:
                if r["label"] != r["match"]:
                    print(f"  {'FN' if r['label'] else 'FP'} {r['score']:.3f} {r['pair'][0]} | "
                          f"{r['pair'][1]} [{r['category']}]")
    # Cross-script pairs: each against its own minimum score.
    cross = []
    with open(os.path.join(nm, "watchman_cross_script_pairs.csv"), encoding="utf-8") as f:
        for row in csv.reader(f):
            if row and not row[0].startswith("#"):
                cross.append((row[0], row[1], float(row[2]), row[3]))
    results = run_match(args.tierguard, [(a, b, "Person") for a, b, *_ in cross], args.threshold)
    passed = 0
    md.append("### watchman_cross_script_pairs.csv\n\n| query | expected | minimum | score | |\n"
              "| --- | --- | ---: | ---: | --- |")
    for (a, b, minimum, _), r in zip(cross, results):
        ok = r["score"] >= minimum
        passed += ok
        md.append(f"| {a} | {b} | {minimum:.2f} | {r['score']:.3f} | {'pass' if ok else 'FAIL'} |")
        if args.show_errors and not ok:
            print(f"  cross-script below minimum: {a} | {b}: {r['score']:.3f} < {minimum}")
    md.append("")
    print(f"watchman_cross_script_pairs.csv: {passed}/{len(cross)} at or above their minimum")
    # Screening: queries against lists through `tierguard screen`.
    sanctions = os.path.join(args.shared, "sanctions")
    all_lists = [os.path.join(sanctions, f) for f in (
        "ofac_sdn/sdn_2024-05-03.csv", "ofac_non_sdn/cons_prim.csv", "un/UN_consolidated.xml",
        "bis/dpl.txt", "csl_us/csl_sample_2019.csv", "csl_us/consolidated_sample.csv",
        "opensanctions/yente_t1_eu_fsf_entities.ftm.json")]
    with open(os.path.join(nm, "nomenklatura_putin_names.txt"), encoding="utf-8") as f:
        putin = [l.strip() for l in f if l.strip()]
    answers = run_screen(args.tierguard, all_lists, putin, args.threshold)
    found = [any(h["entry_id"] == "SDN-35096" for h in a["hits"]) for a in answers]
    print(f"nomenklatura_putin_names.txt: {sum(found)}/{len(putin)} = "
          f"{sum(found) / len(putin):.3f} hit SDN-35096 (target 0.95)")
    if args.show_errors:
        for name, ok in zip(putin, found):
            if not ok:
                print(f"  missed: {name}")
    md.append("### Screening\n\n| set | queries | result | target |\n| --- | ---: | --- | --- |")
    md.append(f"| nomenklatura_putin_names.txt against all lists | {len(putin)} | "
              f"{sum(found)} hit SDN-35096 ({sum(found) / len(putin):.1%}) | ≥ 95 % |")
    # Screen against the scorer itself: every SDN primary that `match` scores at or above the
    # threshold for a query should be among `screen`'s hits (candidate generation must not
    # lose what the scorer accepts). Queries: both sides of the cross-script pairs.
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(os.path.join(sanctions, "ofac_sdn/sdn_2024-05-03.csv"),
                    os.path.join(tmp, "sdn.csv"))
        with open(os.path.join(tmp, "sdn.csv"), encoding="latin-1", newline="") as f:
            primaries = [(r[0].strip(), r[1].strip(), r[2].strip()) for r in csv.reader(f)
                         if len(r) > 2 and r[1].strip()]
        queries = sorted({q for a, b, *_ in cross for q in (a, b)})
        kinds = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}
        scores = run_match(args.tierguard, [(q, name, kinds.get(t.lower(), "Organization"))
                                            for q in queries for _, name, t in primaries],
                           args.threshold)
        answers = run_screen(args.tierguard, [os.path.join(tmp, "sdn.csv")], queries,
                             args.threshold, limit=100000)
    accepted = listed = 0
    missed_by_query = {}
    for qi, (q, a) in enumerate(zip(queries, answers)):
        found = {h["entry_id"] for h in a["hits"]}
        for pi, (num, name, _) in enumerate(primaries):
            if scores[qi * len(primaries) + pi]["match"]:
                accepted += 1
                if f"SDN-{num}" in found:
                    listed += 1
                else:
                    missed_by_query[q] = missed_by_query.get(q, 0) + 1
    print(f"screen vs match, {len(queries)} cross-script queries x {len(primaries)} SDN primaries: "
          f"screen lists {listed}/{accepted} of the (query, entry) pairs match accepts")
    if args.show_errors:
        for q, n in sorted(missed_by_query.items(), key=lambda x: -x[1]):
            print(f"  screen misses {n} entries match accepts for {q}")
    md.append(f"| screen vs match: cross-script queries against SDN primaries | {len(queries)} | "
              f"{listed}/{accepted} accepted pairs listed | all |")
    # Alias -> primary on the 2021 snapshot, two ways. As the product screens (the list with
    # its aliases, sdn.csv + alt.csv): does screening an alias name its entry? And with the
    # primaries alone in the index: does the matcher find the primary from the alias? The
    # second is the harder measure of the matcher itself.
    snap = os.path.join(sanctions, "ofac_sdn_2021_consistent")
    with open(os.path.join(snap, "alt.csv"), encoding="latin-1", newline="") as f:
        alts = [(r[0].strip(), r[3].strip()) for r in csv.reader(f)
                if len(r) > 3 and r[3].strip() and r[3].strip() != "-0-"]
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(os.path.join(snap, "sdn.csv"), os.path.join(tmp, "sdn.csv"))
        primaries_only = run_screen(args.tierguard, [os.path.join(tmp, "sdn.csv")],
                                    [a for _, a in alts], args.threshold)
    with_aliases = run_screen(args.tierguard, [os.path.join(snap, "sdn.csv")],
                              [a for _, a in alts], args.threshold)
    for label, answers in (("with aliases indexed", with_aliases),
                           ("primaries only", primaries_only)):
        hit = sum(1 for (num, _), a in zip(alts, answers)
                  if any(h["entry_id"] == f"SDN-{num}" for h in a["hits"]))
        print(f"ofac_sdn_2021_consistent alias -> entry, {label}: recall {hit}/{len(alts)} = "
              f"{hit / len(alts):.4f}" + (" (target 0.97)" if label.startswith("with") else ""))
        md.append(f"| ofac_sdn_2021_consistent aliases, {label} | {len(alts)} | "
                  f"recall {hit / len(alts):.4f} | " +
                  ("≥ 0.97 |" if label.startswith("with") else "(the matcher alone) |"))
    # False positives: US Congress members against all lists.
    congress = []
    congress_countries = []
    with open(os.path.join(sanctions, "opensanctions/us_congress_senzing.json"), encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            for n in rec.get("NAMES", []):
                full = n.get("NAME_FULL") or " ".join(
                    x for x in (n.get("NAME_FIRST"), n.get("NAME_MIDDLE"), n.get("NAME_LAST")) if x)
                if full:
                    congress.append(full)
                    nationality = [c.get("NATIONALITY") for c in rec.get("COUNTRIES", [])]
                    congress_countries.append((nationality + [None])[0])
                    break
    # Each member is screened as a compliance officer would: name and nationality.
    flagged = flagged_by_screen(args, all_lists, congress, congress_countries)
    print(f"us_congress_senzing.json: {len(flagged)}/{len(congress)} = "
          f"{len(flagged) / len(congress):.4f} flagged (target <= 0.01)")
    show_flagged(args, flagged)
    md.append(f"| US Congress members (us_congress_senzing.json) against all lists | "
              f"{len(congress)} | {len(flagged)} flagged ({len(flagged) / len(congress):.2%}) | ≤ 1 % |")
    han_names_control(args, all_lists, md)
    md.append("")
    held_out_original_script(args, sanctions, md)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(md) + "\n")


if __name__ == "__main__":
    main()
