#!/usr/bin/env python3
"""Builds data/countries.csv, data/chips.csv and data/screening/token_counts.csv from the public
tables in ../shared/data.

Run from the repository root: python3 scripts/build-data.py [--shared ../shared/data]
The outputs are committed; rerun this script when the source tables change. Every chip row
keeps the Epoch row it came from, and every figure that does not come from Epoch says where
it comes from in the `source` column.
"""
import argparse
import csv
import os
import re
import unicodedata

# Precision columns of the Epoch table; the bit length TPP multiplies each by (TPP = dense TOPS x
# bit length, maximised over precisions; reference section 1.3) is read from the `bit_lengths`
# of data/classifications.yaml, the one place that states it.
EPOCH_COLUMNS = [
    ("fp4", "FP4 performance (FLOP/s)"),
    ("int4", "INT4 performance (OP/s)"),
    ("fp8", "FP8 performance (FLOP/s)"),
    ("int8", "INT8 performance (OP/s)"),
    ("bf16", "Tensor-FP16/BF16 performance (FLOP/s)"),
    ("fp16", "FP16 (half precision) performance (FLOP/s)"),
    ("tf32", "TF32 (TensorFloat-32) performance (FLOP/s)"),
    ("fp32", "FP32 (single precision) performance (FLOP/s)"),
    ("fp64", "FP64 (double precision) performance (FLOP/s)"),
]


def read_bit_lengths(path):
    """The `bit_lengths:` block of classifications.yaml (lines 'precision: bits')."""
    bits, inside = {}, False
    for line in open(path, encoding="utf-8"):
        if line.startswith("bit_lengths:"):
            inside = True
        elif inside and re.match(r"^\s+#", line):
            continue
        elif inside and re.match(r"^\s+\w+:\s*\d+", line):
            key, value = line.split("#")[0].split(":")
            bits[key.strip()] = int(value)
        elif inside and line.strip():
            break
    return bits


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BITS = read_bit_lengths(os.path.join(ROOT, "data", "classifications.yaml"))
PRECISIONS = [(key, column, BITS[key]) for key, column in EPOCH_COLUMNS]

PCIE4 = (63, "interconnect 63 GB/s: PCIe 4.0 x16 host link (31.5 GB/s each way), no NVLink "
             "(vendor specification)")
NVLINK_BRIDGE = (112.5, "interconnect 112.5 GB/s: NVLink bridge, both ways (NVIDIA "
                        "specification)")

# (Epoch row, catalog name, aliases, designed or marketed for data centres, overrides).
# Overrides: die (mm^2), interconnect (GB/s, aggregate bidirectional), dram (GB/s), figures
# ({precision: dense TOPS}, replacing Epoch's), each with a note that lands in the source
# column; note alone adds a remark.
CHIPS = [
    ("NVIDIA H100 SXM5 80GB", "H100 SXM", ["H100", "H100 SXM5", "H100 SXM5 80GB"], True, {}),
    ("NVIDIA H100 PCIe", "H100 PCIe", [], True, {}),
    ("NVIDIA H100 NVL", "H100 NVL", [], True, {}),
    ("NVIDIA H200 SXM", "H200 SXM", ["H200"], True, {}),
    ("NVIDIA H800 SXM5", "H800 SXM", ["H800", "H800 SXM5"], True,
     {"interconnect": (400, "interconnect 400 GB/s: below the Oct 2022 I/O test per reference "
                            "s7.2 (CN-note); figure UNVERIFIED")}),
    ("NVIDIA HGX H20", "H20", ["HGX H20"], True,
     {"die": (814, "die 814 mm2 assumed from the GH100 die (reference s7.2 gives PD 2.91 with "
                   "814 mm2); UNVERIFIED"),
      "interconnect": (900, "interconnect 900 GB/s NVLink, the figure NVIDIA's April 2025 letter "
                            "names as the H20's (Tom's Hardware on the 8-K) [S]")}),
    ("NVIDIA GH200", "GH200", ["GH200 Grace Hopper"], True, {}),
    ("NVIDIA GH100", "GH100", [], True, {}),
    ("NVIDIA B100", "B100", [], True, {}),
    ("NVIDIA B200", "B200", [], True, {}),
    ("NVIDIA GB200", "GB200", ["GB200 NVL2"], True, {}),
    ("NVIDIA B300 (Blackwell Ultra)", "B300", ["Blackwell Ultra B300"], True, {}),
    ("NVIDIA GB300 (Blackwell Ultra)", "GB300", [], True, {}),
    ("NVIDIA A100 SXM4 80 GB", "A100 SXM 80GB", ["A100", "A100 SXM", "A100 SXM4 80GB"], True, {}),
    ("NVIDIA A100 SXM4 40 GB", "A100 SXM 40GB", ["A100 SXM4 40GB"], True, {}),
    ("NVIDIA A100 PCIe", "A100 PCIe", [], True, {}),
    ("NVIDIA A800 SXM", "A800 SXM", ["A800"], True,
     {"interconnect": (400, "interconnect 400 GB/s: below the Oct 2022 I/O test per reference "
                            "s7.2 (CN-note); figure UNVERIFIED")}),
    ("NVIDIA A800 PCIe 40 GB", "A800 PCIe 40GB", [], True,
     {"interconnect": (400, "interconnect 400 GB/s per reference s7.2 note; UNVERIFIED")}),
    ("NVIDIA A800 PCIe 80 GB", "A800 PCIe 80GB", ["A800 PCIe"], True,
     {"interconnect": (400, "interconnect 400 GB/s per reference s7.2 note; UNVERIFIED")}),
    ("NVIDIA L40", "L40", [], True, {}),
    ("NVIDIA L20 PCle", "L20", ["L20 PCIe"], True, {}),
    ("NVIDIA L4", "L4", [], True, {}),
    ("NVIDIA L2 PCle", "L2", ["L2 PCIe"], True, {}),
    ("NVIDIA A40 PCIe", "A40", [], True, {}),
    ("NVIDIA A10 PCIe", "A10", [], True, {}),
    ("NVIDIA A10G", "A10G", [], True, {}),
    ("NVIDIA Tesla T4", "T4", ["Tesla T4"], True, {}),
    ("NVIDIA V100", "V100", ["Tesla V100"], True, {}),
    ("NVIDIA GeForce RTX 4090", "RTX 4090", ["GeForce RTX 4090"], False, {"interconnect": PCIE4}),
    ("NVIDIA GeForce RTX 4080", "RTX 4080", ["GeForce RTX 4080"], False, {"interconnect": PCIE4}),
    ("NVIDIA GeForce RTX 4070", "RTX 4070", ["GeForce RTX 4070"], False, {"interconnect": PCIE4}),
    ("NVIDIA GeForce RTX 3090", "RTX 3090", ["GeForce RTX 3090"], False,
     {"interconnect": NVLINK_BRIDGE}),
    ("NVIDIA RTX 6000 Ada Generation", "RTX 6000 Ada", [], False, {"interconnect": PCIE4}),
    ("NVIDIA RTX A6000", "RTX A6000", [], False, {"interconnect": NVLINK_BRIDGE}),
    ("AMD Radeon RX 7900 XTX", "RX 7900 XTX", [], False, {}),
    ("AMD Instinct MI300X", "MI300X", ["AMD MI300X", "Instinct MI300X"], True, {}),
    ("AMD Instinct MI300A", "MI300A", ["AMD MI300A"], True, {}),
    ("AMD Instinct MI325X", "MI325X", ["AMD MI325X"], True, {}),
    ("AMD Instinct MI350X", "MI350X", ["AMD MI350X"], True, {}),
    ("AMD Instinct MI355X", "MI355X", ["AMD MI355X"], True, {}),
    ("AMD Radeon Instinct MI250X", "MI250X", ["AMD MI250X"], True, {}),
    ("AMD Radeon Instinct MI308X", "MI308X", ["AMD MI308X", "MI308"], True,
     {"note": "figures UNVERIFIED: no vendor specification is public, and the April 2025 "
              "licence requirement for the MI308 implies it was below 3A090, which these "
              "figures (TPP 10,459) contradict; DRAM 10,300 GB/s is twice the MI300X's"}),
    ("Intel Habana Gaudi2", "Gaudi 2", ["Intel Gaudi 2", "Gaudi2"], True, {}),
    ("Intel Habana Gaudi3", "Gaudi 3", ["Intel Gaudi 3", "Gaudi3"], True, {}),
    ("Intel Data Center GPU Max 1550", "Data Center GPU Max 1550",
     ["Ponte Vecchio", "Max 1550", "Intel Data Center GPU Max 1550"], True,
     {"figures": ({"int8": 1677.7216, "bf16": 838.8608, "fp16": 838.8608, "tf32": 419.4304},
                  "matrix (XMX) peaks: 128 Xe cores x 8 XMX engines x 256 BF16 MACs x 2 x 1.6 "
                  "GHz = 838.9 TFLOPS, INT8 twice and TF32 half that [C] from Intel's core, "
                  "engine and clock counts (ark, as quoted by glennklockwood.com) [S]; Epoch "
                  "lists only the vector rates, which gave TPP 1,678")}),
    ("Google TPU v4", "TPU v4", [], True, {}),
    ("Google TPU v5e", "TPU v5e", [], True, {}),
    ("Google TPU v5p", "TPU v5p", [], True, {}),
    ("Google TPU v6e Trillium", "TPU v6e", ["Trillium"], True, {}),
    ("Google TPU v7 Ironwood", "TPU v7", ["Ironwood"], True, {}),
    ("Amazon Trainium2", "Trainium2", [], True, {}),
    ("Amazon Trainium3", "Trainium3", [], True, {}),
    ("AWS Inferentia2", "Inferentia2", [], True, {}),
    ("Huawei Ascend 910B", "Ascend 910B", ["Huawei Ascend 910B"], True, {}),
    ("Huawei Ascend 910C", "Ascend 910C", ["Huawei Ascend 910C"], True, {}),
    ("Cambricon MLU370-X8", "MLU370-X8", [], True, {}),
    ("Biren BR100", "BR100", ["Biren BR100"], True, {}),
    ("MTT S4000", "MTT S4000", ["Moore Threads S4000"], True, {}),
    ("MetaX MXC500 (OAM)", "MXC500", ["MetaX MXC500"], True,
     {"dram": (1800, "DRAM 1,800 GB/s (64 GB HBM2e) as reported for the vendor; Epoch's 18,000 "
                     "GB/s is ten times any HBM2e part's; UNVERIFIED")}),
]

# Parts the reference table lists that the Epoch table lacks: figures from reference s7.2.
MANUAL = [
    {"name": "L40S", "manufacturer": "NVIDIA", "datacenter": True, "fp8": 733, "int8": 733,
     "fp16": 362, "die": 609, "dram": 864, "interconnect": 63,
     "source": "reference s7.2 (FP16 362 dense, die 609 mm2); NVIDIA L40S datasheet: FP8 and "
               "INT8 1,466 with sparsity (733 dense), 864 GB/s GDDR6, PCIe 4.0 x16 (63 GB/s "
               "both ways), no NVLink [S]"},
    {"name": "RTX 5090", "aliases": ["GeForce RTX 5090"], "manufacturer": "NVIDIA",
     "datacenter": False, "fp4": 1676, "die": 750, "dram": 1792, "interconnect": 126,
     "source": "3,352 AI TOPS (FP4 with sparsity; 1,676 dense), die 750 mm2, 1,792 GB/s, PCIe "
               "5.0 x16 (126 GB/s both ways) (NVIDIA; Tom's Hardware table of Aug 2025) [S]; "
               "not designed or marketed for data centres"},
    {"name": "RTX 5090D", "aliases": ["GeForce RTX 5090D", "RTX 5090 D"], "manufacturer": "NVIDIA",
     "datacenter": False, "fp4": 1187.5, "die": 750, "dram": 1792, "interconnect": 126,
     "source": "the China model: 2,375 AI TOPS (FP4 with sparsity; 1,187.5 dense), otherwise "
               "the RTX 5090's die, memory and link (Tom's Hardware, Aug 2025) [S]; TPP 4,750 "
               "stays below 4,800; not designed or marketed for data centres"},
    {"name": "RTX 4090D", "aliases": ["GeForce RTX 4090D", "RTX 4090 D"], "manufacturer": "NVIDIA",
     "datacenter": False, "int8": 588.375, "die": 608, "dram": 1008, "interconnect": 63,
     "source": "the China model: TPP 4,707 as reported (tomshw.it, Apr 2024) [S], INT8 dense "
               "taken as TPP / 8; 14,592 CUDA cores on the RTX 4090's AD102 die (608 mm2), "
               "1,008 GB/s, PCIe 4.0 x16; not designed or marketed for data centres"},
]

COLUMNS = ["name", "aliases", "manufacturer", "datacenter", "tpp", "performance_density",
           "die_area_mm2", "dram_bandwidth_gbps", "interconnect_gbps", "release_date"] + \
          [p[0] for p in PRECISIONS] + ["source"]


def tera(text):
    return float(text) / 1e12 if text else None


def fmt(value, digits=3):
    if value is None:
        return ""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text


def best_tpp(figures):
    return max((figures[key] * bits for key, _, bits in PRECISIONS if figures.get(key)),
               default=None)


def chip_row(name, aliases, manufacturer, datacenter, figures, die, dram, interconnect,
             release, source):
    tpp = best_tpp(figures)
    pd = tpp / die if (tpp and die) else None
    row = {"name": name, "aliases": ";".join(aliases), "manufacturer": manufacturer,
           "datacenter": "true" if datacenter else "false", "tpp": fmt(tpp),
           "performance_density": fmt(pd, 4), "die_area_mm2": fmt(die),
           "dram_bandwidth_gbps": fmt(dram), "interconnect_gbps": fmt(interconnect),
           "release_date": release, "source": source}
    for key, _, _ in PRECISIONS:
        row[key] = fmt(figures.get(key))
    return row


def build_chips(shared, out):
    epoch = {r["Hardware name"]: r for r in
             csv.DictReader(open(os.path.join(shared, "ai_hardware/ml_hardware.csv")))}
    rows = []
    for epoch_name, name, aliases, datacenter, over in CHIPS:
        r = epoch[epoch_name]
        figures = {key: tera(r[col]) for key, col, _ in PRECISIONS}
        notes = [f"Epoch ml_hardware.csv row '{epoch_name}' (dense figures)"]
        die = float(r["Die Size (mm^2)"]) if r["Die Size (mm^2)"] else None
        dram = float(r["Memory bandwidth (byte/s)"]) / 1e9 if r["Memory bandwidth (byte/s)"] else None
        inter = (float(r["Intranode bandwidth (byte/s)"]) / 1e9
                 if r["Intranode bandwidth (byte/s)"] else None)
        if "die" in over:
            die, note = over["die"]
            notes.append(note)
        if "interconnect" in over:
            inter, note = over["interconnect"]
            notes.append(note)
        if "dram" in over:
            dram, note = over["dram"]
            notes.append(note)
        if "figures" in over:
            replaced, note = over["figures"]
            figures.update(replaced)
            notes.append(note)
        if "note" in over:
            notes.append(over["note"])
        if not datacenter:
            notes.append("not designed or marketed for data centres (consumer/workstation part)")
        rows.append(chip_row(name, aliases, r["Manufacturer"].strip(), datacenter, figures, die,
                             dram, inter, r["Release date"], "; ".join(notes)))
    for m in MANUAL:
        figures = {key: m.get(key) for key, _, _ in PRECISIONS}
        rows.append(chip_row(m["name"], m.get("aliases", []), m["manufacturer"], m["datacenter"],
                             figures,
                             m.get("die"), m.get("dram"), m.get("interconnect"), "",
                             m["source"]))
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return len(rows)


# Names that people and ERPs write for countries besides the ISO short names.
EXTRA_ALIASES = {
    "US": ["USA", "United States", "United States of America", "America"],
    "GB": ["UK", "United Kingdom", "Great Britain", "Britain"],
    "RU": ["Russia", "Russian Federation"],
    "CN": ["China", "PRC", "People's Republic of China", "Mainland China"],
    "TW": ["Taiwan", "Chinese Taipei", "Republic of China"],
    "KR": ["South Korea", "Korea, South", "Republic of Korea", "ROK"],
    "KP": ["North Korea", "Korea, North", "DPRK"],
    "IR": ["Iran"], "SY": ["Syria"], "VE": ["Venezuela"], "VN": ["Vietnam", "Viet Nam"],
    "LA": ["Laos"], "MD": ["Moldova"], "BO": ["Bolivia"], "TZ": ["Tanzania"],
    "MM": ["Burma", "Myanmar"], "MO": ["Macau", "Macao"], "HK": ["Hong Kong"],
    "CD": ["DR Congo", "DRC", "Congo (Kinshasa)"], "CG": ["Congo (Brazzaville)"],
    "CI": ["Ivory Coast", "Cote d'Ivoire"], "CZ": ["Czech Republic", "Czechia"],
    "TR": ["Turkey", "Türkiye", "Turkiye"], "AE": ["UAE", "Emirates"],
    "NL": ["Holland", "The Netherlands"], "VA": ["Vatican", "Holy See"],
    "PS": ["Palestine"], "SZ": ["Swaziland", "Eswatini"], "MK": ["North Macedonia", "Macedonia"],
    "CV": ["Cape Verde", "Cabo Verde"], "FM": ["Micronesia"], "BN": ["Brunei"],
}


def build_countries(shared, out):
    tz = {}
    for line in open(os.path.join(shared, "countries/iso3166_alpha2_tzdata.tab"), encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        code, name = line.rstrip("\n").split("\t")[:2]
        tz[code] = name
    rows = []
    for r in csv.DictReader(open(os.path.join(shared, "countries/iso3166_lukes_all.csv"),
                                 encoding="utf-8")):
        code = r["alpha-2"]
        aliases = []
        for alias in [tz.get(code, "")] + EXTRA_ALIASES.get(code, []):
            alias = alias.replace("&", "and") if alias == tz.get(code) and "&" in alias else alias
            if alias and alias != r["name"] and alias not in aliases:
                aliases.append(alias)
        rows.append({"alpha2": code, "alpha3": r["alpha-3"], "numeric": r["country-code"],
                     "name": r["name"], "region": r["region"], "aliases": ";".join(aliases)})
    # Kosovo has no ISO code; XK is the code the EU, the UN and banks use for it.
    rows.append({"alpha2": "XK", "alpha3": "XKX", "numeric": "", "name": "Kosovo",
                 "region": "Europe", "aliases": ""})
    rows.sort(key=lambda x: x["alpha2"])
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["alpha2", "alpha3", "numeric", "name", "region",
                                          "aliases"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def name_tokens(name):
    """Lower-case ASCII tokens of a list name, joined over dots and apostrophes as the C++
    normaliser joins them; accents folded."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    folded = re.sub(r"['.`]", "", folded)
    return [t for t in re.split(r"[^a-z0-9]+", folded) if t]


def build_token_counts(shared, out):
    """How many listed names (OFAC SDN primaries and aliases, OFAC non-SDN, UN) contain each
    token: the scorer weighs rare tokens above common ones. Tokens in fewer than 3 names are
    left out (the scorer reads a missing token as rare)."""
    names = []
    for path in ["sanctions/ofac_sdn/sdn_2024-05-03.csv", "sanctions/ofac_non_sdn/cons_prim.csv"]:
        with open(os.path.join(shared, path), encoding="latin-1", newline="") as f:
            names += [row[1] for row in csv.reader(f) if len(row) > 1]
    for path in ["sanctions/ofac_sdn/alt_2025-12-24.csv", "sanctions/ofac_non_sdn/cons_alt.csv"]:
        with open(os.path.join(shared, path), encoding="latin-1", newline="") as f:
            names += [row[3] for row in csv.reader(f) if len(row) > 3]
    import xml.etree.ElementTree as ET
    root = ET.parse(os.path.join(shared, "sanctions/un/UN_consolidated.xml")).getroot()
    for rec in list(root.iter("INDIVIDUAL")) + list(root.iter("ENTITY")):
        parts = [rec.findtext(t) or "" for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME",
                                                "FOURTH_NAME")]
        names.append(" ".join(p for p in parts if p))
        for alias in list(rec.iter("INDIVIDUAL_ALIAS")) + list(rec.iter("ENTITY_ALIAS")):
            names.append(alias.findtext("ALIAS_NAME") or "")
    names = [n for n in names if n.strip() and n.strip() != "-0-"]
    counts = {}
    for n in names:
        for t in set(name_tokens(n)):
            counts[t] = counts.get(t, 0) + 1
    rows = sorted(((t, c) for t, c in counts.items() if c >= 3), key=lambda r: (-r[1], r[0]))
    with open(out, "w", newline="") as f:
        f.write("# How many of the names on the OFAC SDN (2024-05 primaries, 2025-12 aliases), OFAC\n"
                "# non-SDN and UN consolidated lists in ../shared/data contain each token; built by\n"
                "# scripts/build-data.py. '*names' is the number of names counted.\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["token", "count"])
        w.writerow(["*names", len(names)])
        w.writerows(rows)
    return len(rows)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", default=os.path.join(root, "..", "shared", "data"))
    args = parser.parse_args()
    n = build_countries(args.shared, os.path.join(root, "data", "countries.csv"))
    m = build_chips(args.shared, os.path.join(root, "data", "chips.csv"))
    t = build_token_counts(args.shared, os.path.join(root, "data", "screening", "token_counts.csv"))
    print(f"data/countries.csv: {n} countries; data/chips.csv: {m} chips; "
          f"data/screening/token_counts.csv: {t} tokens")


if __name__ == "__main__":
    main()
