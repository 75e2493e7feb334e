#!/usr/bin/env bash
# `make bench-edge`: the edge's submissions/s and latency on loopback beside
# its floor (a Worker that only inserts one D1 row) and ceiling (a Worker
# that stores nothing), all three built with worker-build the same way and
# run under wrangler dev in one run. See bench/edge/README.md; the settings
# (BENCH_RUNS, BENCH_REQUESTS, ...) are read by bench/edge/load.mjs.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

"$ROOT/scripts/build-edge.sh"
for worker in floor ceiling; do
  (cd "$ROOT/bench/edge/$worker" && worker-build --release >/dev/null)
  printf 'bench %s: %s bytes of wasm\n' "$worker" "$(wc -c <"$ROOT/bench/edge/$worker/build/index_bg.wasm")"
done
exec node "$ROOT/bench/edge/load.mjs"
