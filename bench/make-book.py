#!/usr/bin/env python3
"""Writes a synthetic book of N order lines (JSON Lines) for throughput benchmarks: a seeded
mix of regimes, dates, destinations, parts and quantities. Usage: make-book.py N OUT"""
import json
import random
import sys

PARTS = ["H100 SXM", "H200", "B200", "A100", "L40", "L4", "RTX 4090", "H20", "MI300X", "L20",
         "Gaudi 3", "TPU v5p"]
COUNTRIES = ["US", "JP", "DE", "GB", "AE", "SA", "IN", "SG", "MY", "VN", "CN", "MO", "BR", "KZ",
             "IL", "TR", "EG", "QA", "KH", "RU", "FR", "PL", "TH", "ID"]
REGIMES = [None, None, None, "us-ai-diffusion-2025", "diffusion-recommended-2025",
           "proposal-2027-controlled-ai-assets"]


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(20261125)
    with open(out, "w") as f:
        for i in range(n):
            regime = rng.choice(REGIMES)
            year = 2027 if regime == "proposal-2027-controlled-ai-assets" else rng.choice([2024, 2025, 2026])
            country = rng.choice(COUNTRIES)
            req = {"id": f"B-{i}", "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}
            if regime:
                req["regime"] = regime
            req["exporter"] = {"name": "Acme Accelerated Systems Inc.", "country": "US"}
            req["consignee"] = {"id": f"C-{rng.randint(0, 5000)}", "name": "Consignee", "country": country,
                                "headquarters": rng.choice([country, country, country, "CN", "US"])}
            req["end_use"] = "datacenter"
            req["items"] = [{"part": rng.choice(PARTS), "quantity": rng.choice([8, 64, 256, 1000])}
                            for _ in range(rng.choice([1, 1, 1, 2]))]
            f.write(json.dumps(req) + "\n")


if __name__ == "__main__":
    main()
