#!/usr/bin/env bash
# Builds build-bench/ (Release, benchmarks on, tests off) for the bench scripts, installing what
# they need first: the project's dependencies and bc, which the scripts use for timings.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps
if ! command -v bc >/dev/null; then
  apt-get install -y -qq bc >/dev/null
fi
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DTG_BUILD_TESTS=OFF -DTG_BUILD_BENCHMARKS=ON >/dev/null
cmake --build build-bench -j2 >/dev/null
