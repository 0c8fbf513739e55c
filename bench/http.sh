#!/usr/bin/env bash
# The HTTP API under load: wrk on the same machine, keep-alive, 64 connections, 10 s a route,
# against `tierguard serve` on a fresh ledger with one admin key: a SQLite file, or a private
# PostgreSQL 15 cluster started for the run (scripts/pg-cluster; the same machine, over its Unix
# socket). POST /v1/determine of one order line a call; POST /v1/shipments of one line a call (a
# new id each, from a Lua counter); POST /v1/screen of one name a call against the kept lists
# (OFAC SDN and non-SDN, the CSL sample, BIS DPL, UN; names that hit and names that do not, in
# turn); GET /v1/caps. Prints requests/s and the latency percentiles
# wrk reports. Usage: bench/http.sh [THREADS [sqlite|postgres]] (repository root; THREADS: the
# server's, default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
backend=${2:-sqlite}
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
bench/build-bench.sh
tg=build-bench/cli/tierguard
dir=$(mktemp -d /tmp/tg-http.XXXXXX)
export TIERGUARD_HOME=$PWD
db=$dir/api.db
pg=""
if [ "$backend" = postgres ]; then
  read -r pg conninfo <<<"$(scripts/pg-cluster start)"
  db="pg:$conninfo"
fi
key=$($tg --db "$db" keys add --name bench --role admin)
$tg --db "$db" serve --listen 127.0.0.1:0 --threads "$threads" >"$dir/out" 2>/dev/null &
server=$!
trap 'kill $server; wait $server 2>/dev/null; rm -rf "$dir"; [ -z "$pg" ] || scripts/pg-cluster stop "$pg"' EXIT
for _ in $(seq 50); do [ -s "$dir/out" ] && break; sleep 0.1; done
base=$(sed 's/listening on //' "$dir/out")
head -n 1 examples/book.jsonl >"$dir/one.json"
cat >"$dir/determine.lua" <<LUA
wrk.method = "POST"
wrk.body = io.open("$dir/one.json"):read("*a")
wrk.headers["Authorization"] = "Bearer $key"
LUA
cat >"$dir/ship.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $key"
local n = 0
request = function()
  n = n + 1
  local body = '{"id": "H-' .. tostring(n) .. '-' .. tostring(math.random(1e9)) ..
    '", "date": "2025-06-01", "regime": "us-ai-diffusion-2025", "consignee": {"id": "C-' ..
    tostring(n % 5000) .. '", "country": "JP"}, "items": [{"part": "H100", "quantity": 8}]}'
  return wrk.format(nil, "/v1/shipments", nil, body)
end
LUA
cat >"$dir/screen.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $key"
local names = {"Banco Nacional de Cuba", "Sakura Cloud KK", "32 Group China Ltd.",
  "Siemens Healthineers AG", "Kim Jong Un", "Ali Hassan Trading LLC", "Huawei Technologies",
  "Maria Fernanda Lopez"}
local n = 0
request = function()
  n = n + 1
  local body = '{"id": "Q' .. tostring(n) .. '", "name": "' .. names[n % #names + 1] .. '"}'
  return wrk.format(nil, "/v1/screen", nil, body)
end
LUA
cat >"$dir/get.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $key"
LUA
for route in determine ship caps screen; do
  script=$dir/$route.lua
  if [ "$route" = screen ]; then
    # The lists are loaded now, so that determine and ship above screen against none (their
    # figures are the decisions' and the ledger's); the first call builds the index.
    sanctions=../shared/data/sanctions
    for list in ofac_sdn/sdn_2024-05-03.csv ofac_non_sdn/cons_prim.csv \
      csl_us/csl_sample_2019.csv bis/dpl.txt un/UN_consolidated.xml; do
      $tg --db "$db" --as bench lists load "$sanctions/$list" >/dev/null
    done
    curl -sf -o /dev/null -H "Authorization: Bearer $key" --data '{"name": "warm up"}' \
      "$base/v1/screen"
  fi
  path=/v1/determine
  [ "$route" = ship ] && path=/v1/shipments
  [ "$route" = screen ] && path=/v1/screen
  [ "$route" = caps ] && { script=$dir/get.lua; path="/v1/caps?limit=10"; }
  echo "== $route ($path), server threads $threads, $backend"
  wrk -t1 -c64 -d10s --latency -s "$script" "$base$path" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx"
done
