#!/usr/bin/env bash
# Audit-log figures: appends per second (durable per batch of 1,000), inclusion-proof time and
# the offline verification of a 1,000,000-record bundle; OpenSSL's own SHA-256 speed beside
# them. One core pinned. Usage: bench/audit.sh [RECORDS] (repository root).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
bench/build-bench.sh
db=build-bench/audit-bench.db
rm -rf "$db" "$db-wal" "$db-shm" build-bench/audit-bundle build-bench/bench-log.*
taskset -c 0 build-bench/bench/audit_bench "$db" "$n"
tg=build-bench/cli/tierguard
$tg audit keygen --name bench.tierguard/log --out build-bench/bench-log >/dev/null
start=$(date +%s.%N)
taskset -c 0 $tg --db "$db" audit export --key build-bench/bench-log.key build-bench/audit-bundle
end=$(date +%s.%N)
echo "export of $n records: $(echo "$end - $start" | bc) s"
start=$(date +%s.%N)
taskset -c 0 $tg audit verify build-bench/audit-bundle --pub build-bench/bench-log.pub
end=$(date +%s.%N)
echo "verify of $n records: $(echo "$end - $start" | bc) s"
echo "openssl speed sha256 (1024-byte blocks is the closest to a record):"
taskset -c 0 openssl speed -seconds 2 sha256 2>/dev/null | tail -1
rm -rf "$db" "$db-wal" "$db-shm" build-bench/audit-bundle
