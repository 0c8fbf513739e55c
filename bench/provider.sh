#!/usr/bin/env bash
# A synthetic cloud provider (bench/provider_gen.cc): 100,000 customers, then usage.
#  1. Ingest rate: a JSON Lines file of about 7.7 M five-minute records read into aggregates
#     committed in SQLite, on one core (taskset), three runs on fresh ledgers; the same file
#     again in reverse order (nothing may change).
#  2. The whole provider: about 50 M records piped from the generator into one ingest; the runs
#     reported, peak memory, and the ledger's size per customer.
# Usage: bench/provider.sh [RECORDS] (repository root; default 50000000).
set -euo pipefail
cd "$(dirname "$0")/.."
bench/build-bench.sh
records=${1:-50000000}
tg=build-bench/cli/tierguard
gen=build-bench/bench/provider_gen
dir=build-bench/provider
mkdir -p "$dir"
$gen customers 100000 > "$dir/customers.jsonl"
[ -f "$dir/usage-rate.jsonl" ] || $gen usage 100000 5000000 > "$dir/usage-rate.jsonl"
lines=$(wc -l < "$dir/usage-rate.jsonl")
bytes=$(stat -c %s "$dir/usage-rate.jsonl")
fresh() {  # a ledger with the customers on record
  rm -rf "$1" "$1-wal" "$1-shm" "$1.screening"
  $tg --db "$1" kyc customers add "$dir/customers.jsonl" > /dev/null
}
db=$dir/rate.db
start=$(date +%s.%N)
fresh "$db"
end=$(date +%s.%N)
echo "customers add: 100000 customers in $(echo "$end - $start" | bc) s"
echo "ledger with the customers: $(stat -c %s "$db") bytes"
for run in 1 2 3; do
  fresh "$db"
  start=$(date +%s.%N)
  taskset -c 0 $tg --db "$db" usage ingest "$dir/usage-rate.jsonl" > "$dir/rate-$run.json"
  end=$(date +%s.%N)
  echo "ingest $lines records ($bytes bytes), run $run: $(echo "$end - $start" | bc) s," \
    "$(echo "$lines / ($end - $start)" | bc) records/s; $(cat "$dir/rate-$run.json")"
done
echo "ledger after: $(stat -c %s "$db") bytes"
tac "$dir/usage-rate.jsonl" > "$dir/usage-rate-reversed.jsonl"
start=$(date +%s.%N)
taskset -c 0 $tg --db "$db" usage ingest "$dir/usage-rate-reversed.jsonl" > "$dir/again.json"
end=$(date +%s.%N)
echo "the same records reversed: $(echo "$end - $start" | bc) s; $(cat "$dir/again.json")"
rm -f "$dir/usage-rate-reversed.jsonl"

db=$dir/provider.db
fresh "$db"
start=$(date +%s.%N)
$gen usage 100000 "$records" | /usr/bin/time -f "peak memory %M KiB" \
  $tg --db "$db" usage ingest - > "$dir/provider.json"
end=$(date +%s.%N)
echo "whole provider: $(echo "$end - $start" | bc) s; $(cat "$dir/provider.json")"
$tg --db "$db" kyc runs | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print(r["id"], "%.3g operations" % r["operations"], len(r["accounts"]), "accounts",
          [c["id"] for c in r["customers"]], r["thresholds"][0]["reached"])'
echo "ledger: $(stat -c %s "$db") bytes, $(( $(stat -c %s "$db") / 100000 )) bytes a customer"
$tg --db "$db" check | tail -n 1
