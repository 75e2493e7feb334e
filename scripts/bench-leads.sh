#!/usr/bin/env bash
# `make bench-leads`: the time of the leads API's common queries (list
# filters, paging, sorting, the funnel, exports) on a local D1 seeded with
# 100,000 leads, under wrangler dev. See bench/leads/README.md; the settings
# (BENCH_LEADS, BENCH_RUNS, BENCH_WARMUP) are read by bench/leads/query.mjs.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

"$ROOT/scripts/build-edge.sh"
# wrangler's debug logs (an entry for every D1 call) stay with the benchmark.
export WRANGLER_LOG_PATH="$ROOT/target/bench-leads-logs"
exec node "$ROOT/bench/leads/query.mjs"
