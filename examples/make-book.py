#!/usr/bin/env python3
"""Writes examples/book.jsonl: an example book of order lines for `tierguard determine`, covering
every shipped regime, realistic parties (fictional names) and the common licence paths.
Deterministic: rerun it after editing the table below."""
import json
import os

EXPORTER = {"name": "Acme Accelerated Systems Inc.", "country": "US"}

# (id, date, regime or None, consignee, end user or None, end use, items, kind)
LINES = [
    # us-ac-2023, chosen by date
    ("SO-23001", "2023-12-04", None, ("C-JP-01", "Sakura Cloud KK", "JP"), None, "datacenter", [("H100 SXM", 512)], None),
    ("SO-23002", "2024-01-15", None, ("C-AE-01", "Gulf Compute LLC", "AE"), None, "datacenter", [("H100 SXM", 1024)], None),
    ("SO-23003", "2024-02-20", None, ("C-CN-01", "Shenzhen Gaming Co.", "CN"), None, "consumer", [("RTX 4090", 2000)], None),
    ("SO-23004", "2024-05-06", None, ("C-CN-01", "Shenzhen Gaming Co.", "CN"), None, "consumer", [("RTX 4090", 2000)], None),
    ("SO-23005", "2024-05-06", None, ("C-VN-01", "Saigon Render JSC", "VN"), None, "datacenter", [("L40", 64)], None),
    ("SO-23006", "2024-07-01", None, ("C-SG-01", "Lion City AI Pte Ltd", "SG"), None, "datacenter", [("H100 SXM", 2048)], None),
    ("SO-23007", "2024-07-01", None, ("C-MY-01", "Johor DC Sdn Bhd", "MY", "CN"), None, "datacenter", [("H100 SXM", 256)], None),
    ("SO-23008", "2024-09-12", None, ("C-SA-01", "Riyadh Sovereign Compute", "SA"), None, "datacenter", [("H100 SXM", 4096)], None),
    ("SO-23009", "2024-10-03", None, ("C-IN-01", "Bengaluru Inference Pvt Ltd", "IN"), None, "datacenter", [("H100 PCIe", 128), ("L4", 256)], None),
    ("SO-23010", "2024-12-10", None, ("C-CN-02", "Wuxi Memory Trading", "CN"), None, "production", [{"chip": {"name": "HBM3E 12-high", "hbm": True, "memory_bandwidth_gbps": 1229, "package_area_mm2": 121}, "quantity": 800}], None),
    ("SO-23011", "2025-02-14", None, ("C-KZ-01", "Astana Data Hub", "KZ"), None, "datacenter", [("A100", 320)], None),
    ("SO-23012", "2025-03-03", None, ("C-DE-01", "Rhein KI GmbH", "DE"), None, "research", [("B200", 1152)], None),
    ("SO-23013", "2025-04-22", None, ("C-CN-03", "Hangzhou Cloud Ltd", "CN"), None, "datacenter", [("H20", 10000)], None),
    ("SO-23014", "2025-06-30", None, ("C-IL-01", "Haifa Vision Ltd", "IL"), None, "research", [("H100 SXM", 256)], None),
    ("SO-23015", "2025-08-19", None, ("C-RU-01", "Volga Systems OOO", "RU"), None, "datacenter", [("L20", 40)], None),
    ("SO-23016", "2025-11-05", None, ("C-MO-01", "Macau Gaming Analytics", "MO"), None, "datacenter", [("H100 PCIe", 16)], None),
    # us-ac-2026, chosen by date
    ("SO-26001", "2026-01-15", None, ("C-CN-04", "Beijing Model Works", "CN"), None, "datacenter", [("H200", 1000)], None),
    ("SO-26002", "2026-01-20", None, ("C-CN-04", "Beijing Model Works", "CN"), None, "datacenter", [("B200", 72)], None),
    ("SO-26003", "2026-02-10", None, ("C-CN-05", "Shanghai AI Lab Co.", "CN"), None, "datacenter", [("MI325X", 400)], None),
    ("SO-26004", "2026-02-10", None, ("C-KH-01", "Phnom Penh Cloud", "KH"), None, "datacenter", [("H100 SXM", 64)], None),
    ("SO-26005", "2026-03-02", None, ("C-AE-02", "Abu Dhabi Frontier DC", "AE"), None, "datacenter", [("GB200", 4608)], None),
    ("SO-26006", "2026-03-09", None, ("C-HK-01", "Kowloon Trading Ltd", "HK", "CN"), None, "datacenter", [("H200", 200)], None),
    ("SO-26007", "2026-04-01", None, ("C-GB-01", "Thames Compute plc", "GB"), None, "datacenter", [("B200", 8192)], None),
    ("SO-26008", "2026-04-15", None, ("C-CN-06", "Chengdu Esports", "CN"), None, "consumer", [("RTX 4090", 500)], None),
    ("SO-26009", "2026-05-05", None, ("C-TR-01", "Istanbul Bulut AS", "TR"), None, "datacenter", [("H100 SXM", 512)], None),
    ("SO-26010", "2026-06-18", None, ("C-EG-01", "Cairo Compute SAE", "EG"), None, "datacenter", [("A100", 96), ("L40S", 48)], None),
    ("SO-26011", "2026-07-07", None, ("C-CN-07", "Tianjin Servers", "CN"), None, "datacenter", [("H200", 100)], "reexport"),
    ("SO-26012", "2026-09-01", None, ("C-QA-01", "Doha Research Cloud", "QA"), ("Qatar Data Foundation", "QA"), "research", [("MI300X", 256)], None),
    ("SO-26013", "2026-10-12", None, ("C-US-01", "Texas Training Co", "US"), None, "datacenter", [("B300", 16384)], None),
    ("SO-26014", "2026-11-02", None, ("C-SG-02", "Marina Inference Pte", "SG"), ("Dalian Labs", "CN"), "datacenter", [("H100 SXM", 32)], None),
    # us-ai-diffusion-2025 (named: what-if, not enforced after 2025-05-13)
    ("AD-001", "2025-03-10", "us-ai-diffusion-2025", ("C-AE-01", "Gulf Compute LLC", "AE"), None, "datacenter", [("H100 SXM", 1000)], None),
    ("AD-002", "2025-04-02", "us-ai-diffusion-2025", ("C-AE-01", "Gulf Compute LLC", "AE"), None, "datacenter", [("H100 SXM", 650)], None),
    ("AD-003", "2025-04-28", "us-ai-diffusion-2025", ("C-AE-01", "Gulf Compute LLC", "AE"), None, "datacenter", [("H100 SXM", 60)], None),
    ("AD-004", "2025-03-12", "us-ai-diffusion-2025", ("C-JP-01", "Sakura Cloud KK", "JP"), None, "datacenter", [("B200", 4096)], None),
    ("AD-005", "2025-03-15", "us-ai-diffusion-2025", ("C-IN-01", "Bengaluru Inference Pvt Ltd", "IN"), None, "datacenter", [("H100 PCIe", 800), ("RTX 4090", 40)], None),
    ("AD-006", "2025-03-20", "us-ai-diffusion-2025", ("C-MY-02", "Penang Assembly Sdn Bhd", "MY"), None, "production", [("H100 SXM", 3000)], None),
    ("AD-007", "2025-04-01", "us-ai-diffusion-2025", ("C-CN-04", "Beijing Model Works", "CN"), None, "datacenter", [("H100 SXM", 8)], None),
    ("AD-008", "2025-04-03", "us-ai-diffusion-2025", ("C-GB-02", "Oxford Frontier Lab", "GB"), None, "research", [{"model": {"name": "frontier-x", "training_ops": 3e26, "published": False, "origin": {"data": ["US"], "weights": ["US"], "compute": ["US"]}}}], None),
    ("AD-009", "2025-04-03", "us-ai-diffusion-2025", ("C-AE-03", "Emirates Model Labs", "AE"), None, "research", [{"model": {"name": "frontier-x", "training_ops": 3e26, "published": False}}], None),
    ("AD-010", "2025-04-07", "us-ai-diffusion-2025", ("C-BR-01", "Sao Paulo Nuvem SA", "BR"), None, "datacenter", [("H100 SXM", 60000)], "in_country_transfer"),
    ("AD-011", "2025-04-09", "us-ai-diffusion-2025", ("C-PL-01", "Warsaw GPU Sp. z o.o.", "PL"), None, "datacenter", [("H200", 1200)], None),
    ("AD-012", "2025-04-11", "us-ai-diffusion-2025", ("C-JP-02", "Osaka Robotics KK", "JP", "JP", "CN"), None, "datacenter", [("H100 SXM", 128)], None),
    # diffusion-recommended-2025 (named: recommendation)
    ("RC-001", "2025-07-01", "diffusion-recommended-2025", ("C-AE-01", "Gulf Compute LLC", "AE"), None, "datacenter", [("H100 SXM", 600)], None),
    ("RC-002", "2025-07-02", "diffusion-recommended-2025", ("C-AE-01", "Gulf Compute LLC", "AE"), None, "datacenter", [("H100 SXM", 60)], None),
    ("RC-003", "2025-07-03", "diffusion-recommended-2025", ("C-AE-04", "Stargate UAE Operator", "AE"), None, "datacenter", [("GB200", 30000)], "in_country_transfer"),
    ("RC-004", "2025-07-03", "diffusion-recommended-2025", ("C-SA-01", "Riyadh Sovereign Compute", "SA"), None, "datacenter", [("GB200", 30000)], "in_country_transfer"),
    ("RC-005", "2025-07-04", "diffusion-recommended-2025", ("C-NL-01", "Amsterdam AI BV", "NL"), None, "datacenter", [("B200", 2048)], None),
    ("RC-006", "2025-07-05", "diffusion-recommended-2025", ("C-TH-01", "Bangkok Render Co", "TH"), None, "datacenter", [("RTX 4090", 300)], None),
    # proposal-2027-controlled-ai-assets (named: proposal)
    ("PR-001", "2027-02-01", "proposal-2027-controlled-ai-assets", ("C-MY-03", "Kulim Packaging Sdn Bhd", "MY", "MY", "MY", ["CN"]), None, "production", [("H100 SXM", 500)], None),
    ("PR-002", "2027-02-01", "proposal-2027-controlled-ai-assets", ("C-MY-03", "Kulim Packaging Sdn Bhd", "MY", "MY", "MY", ["CN"]), None, "production", [("B300", 100)], None),
    ("PR-003", "2027-02-02", "proposal-2027-controlled-ai-assets", ("C-CN-08", "Zhongguancun Foundation Lab", "CN"), None, "research", [{"model": {"name": "open-weights-70b", "training_ops": 8e24, "published": True, "origin": {"data": ["US", "CN"], "compute": ["US"]}}}], None),
    ("PR-004", "2027-02-03", "proposal-2027-controlled-ai-assets", ("C-FR-01", "Paris Foundation Models SAS", "FR"), None, "research", [{"model": {"name": "euro-llm", "training_ops": 2e25, "origin": {"weights": ["US"]}}}], None),
    ("PR-005", "2027-02-04", "proposal-2027-controlled-ai-assets", ("C-CN-04", "Beijing Model Works", "CN"), None, "datacenter", [("H200", 500)], None),
    ("PR-006", "2027-02-05", "proposal-2027-controlled-ai-assets", ("C-DE-01", "Rhein KI GmbH", "DE"), None, "datacenter", [("B300", 4096)], None),
    ("PR-007", "2027-02-06", "proposal-2027-controlled-ai-assets", ("C-VN-02", "Hanoi Edge AI", "VN"), None, "datacenter", [("L40", 200)], None),
]


def party(t):
    p = {"id": t[0], "name": t[1], "country": t[2]}
    if len(t) > 3:
        p["headquarters"] = t[3]
    if len(t) > 4:
        p["parent_headquarters"] = t[4]
    if len(t) > 5:
        p["affiliations"] = t[5]
    return p


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "book.jsonl")
    with open(out, "w") as f:
        for id_, date, regime, consignee, end_user, end_use, items, kind in LINES:
            req = {"id": id_, "date": date}
            if regime:
                req["regime"] = regime
            if kind:
                req["kind"] = kind
            req["exporter"] = EXPORTER
            req["consignee"] = party(consignee)
            if end_user:
                req["end_user"] = {"name": end_user[0], "country": end_user[1]}
            req["end_use"] = end_use
            req["items"] = [i if isinstance(i, dict) else {"part": i[0], "quantity": i[1]}
                            for i in items]
            f.write(json.dumps(req, ensure_ascii=False) + "\n")
    print(f"{out}: {len(LINES)} order lines")


if __name__ == "__main__":
    main()
