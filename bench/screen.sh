#!/usr/bin/env bash
# Screening speed: list loading, query latency and throughput against the lists of
# ../shared/data/sanctions and against a synthetic index of SYNTH names (default 1,000,000),
# side by side with PostgreSQL pg_trgm over the same names (a throw-away cluster in /tmp, run as
# the postgres user). Usage: bench/screen.sh [SYNTH] (repository root).
set -euo pipefail
cd "$(dirname "$0")/.."
synth=${1:-1000000}
if ! dpkg-query -W -f='${Status}' postgresql-contrib libpq-dev 2>/dev/null | grep -q "install ok"; then
  apt-get install -y -qq postgresql postgresql-contrib libpq-dev >/dev/null
fi
bench/build-bench.sh
shared=$(cd ../shared/data && pwd)
pgbin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
pgdir=$(mktemp -d /tmp/tg-pg.XXXXXX)
chown postgres "$pgdir"
runuser -u postgres -- "$pgbin/initdb" -D "$pgdir/data" -A trust >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir/data" -o "-k $pgdir -p 54329 -c listen_addresses=''" \
  -l "$pgdir/log" -w start >/dev/null
trap 'runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir/data" -m fast stop >/dev/null; rm -rf "$pgdir"' EXIT
TIERGUARD_HOME=$PWD build-bench/bench/screen_bench "$shared" "$synth" \
  --pg "host=$pgdir port=54329 user=postgres dbname=postgres"
