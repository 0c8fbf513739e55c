#!/usr/bin/env bash
# Throughput of the decision path, pinned to one core:
#   1. `tierguard determine` end to end on a 1,000,000-line book (JSON Lines in and out), writing
#      the decisions to a file and, separately, to /dev/null; best and median of 3 runs;
#   2. bench/engine_bench.cc (Google Benchmark): in-process Decide without JSON, parse, format.
# Usage: bench/run.sh [LINES]   (from the repository root; builds build-bench/ in Release)
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
bench/build-bench.sh
book=build-bench/book-$lines.jsonl
[ -f "$book" ] || python3 bench/make-book.py "$lines" "$book"
echo "book: $book ($(wc -c <"$book") bytes, $lines lines); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
run() {  # $1: output target
  local times=()
  for _ in 1 2 3; do
    local start end
    start=$(date +%s.%N)
    taskset -c 0 build-bench/cli/tierguard determine --output "$1" "$book"
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$lines" -v t="$1" \
    'NR==1{best=$1} NR==2{med=$1} END{printf "determine -> %-28s best %.3f s (%.0f lines/s), median %.3f s (%.0f lines/s)\n", t, best, n/best, med, n/med}'
}
run build-bench/decisions.jsonl
run /dev/null
echo "decision output: $(wc -c <build-bench/decisions.jsonl) bytes"
taskset -c 0 build-bench/bench/tg_engine_bench --benchmark_min_time=2
