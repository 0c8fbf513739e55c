#!/usr/bin/env bash
# Builds build-bench/ (Release, benchmarks on, tests off) for the bench scripts, installing what
# they need first (scripts/install-deps --bench).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps --bench
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DTG_BUILD_TESTS=OFF -DTG_BUILD_BENCHMARKS=ON >/dev/null
cmake --build build-bench -j2 >/dev/null
