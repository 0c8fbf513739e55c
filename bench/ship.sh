#!/usr/bin/env bash
# Shipments recorded per second on the SQLite ledger, durable: synchronous=FULL, one commit
# (and fsync) per batch. 100,000 lines in batches of 1,000, and 5,000 lines in batches of 1.
# Three runs each on a fresh database; best and median. Usage: bench/ship.sh (repository root).
set -euo pipefail
cd "$(dirname "$0")/.."
bench/build-bench.sh
book=build-bench/ship-100000.jsonl
[ -f "$book" ] || python3 - "$book" <<'PY'
import json, random, sys
rng = random.Random(7)
with open(sys.argv[1], "w") as f:
    for i in range(100000):
        f.write(json.dumps({"id": f"K-{i}", "date": "2025-06-01", "regime": "us-ai-diffusion-2025",
            "consignee": {"id": f"C-{rng.randrange(20000)}", "country": rng.choice(["AE", "IN", "SA", "JP", "BR", "MY"])},
            "items": [{"part": rng.choice(["H100", "RTX 4090", "L40", "B200"]), "quantity": rng.choice([8, 64, 256])}]}) + "\n")
PY
head -n 5000 "$book" > build-bench/ship-5000.jsonl
db=build-bench/ship-bench.db
run() {  # $1 batch, $2 book, $3 lines
  local times=()
  for _ in 1 2 3; do
    rm -f "$db" "$db-wal" "$db-shm"
    local start end
    start=$(date +%s.%N)
    taskset -c 0 build-bench/cli/tierguard --db "$db" ship --batch "$1" "$2" >/dev/null
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$3" -v b="$1" \
    'NR==1{best=$1} NR==2{med=$1} END{printf "ship --batch %-5s %6d lines: best %.3f s (%.0f/s), median %.3f s (%.0f/s)\n", b, n, best, n/best, med, n/med}'
}
run 1000 "$book" 100000
run 1 build-bench/ship-5000.jsonl 5000
echo "database after 100,000 lines: $(stat -c %s "$db" 2>/dev/null || echo 0) bytes (last run: 5,000 lines)"
rm -f "$db" "$db-wal" "$db-shm"
