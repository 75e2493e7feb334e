#!/usr/bin/env bash
# `make bench`: every number Embudo's claims rest on, measured on this
# machine and written to BENCHMARKS.md (and printed): the widget's size per
# part beside @typeform/embed's loader, its time to an interactive form and
# longest main-thread task in headless Chromium, the edge's submissions/s
# and latency against the one-insert floor and the do-nothing ceiling, the
# edge's wasm size, the shared engine's time per submission, the leads API
# on 100,000 seeded leads, the crowd runs (10,000 visitors with and without
# D1 faults, and through a restart), and longer fuzzing.
#
# Each part says how many runs its figures are the median of. Settings:
# BENCH_RUNS (the edge's runs, default 5; the widget's cold loads, default 7),
# CROWD_SUBMISSIONS (default 10000), BENCH_FUZZ_SECONDS (per target,
# default 60).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

parts="$ROOT/target/bench"
rm -rf "$parts"
mkdir -p "$parts"
started=$(date -u +%Y-%m-%dT%H:%MZ)
step() { printf '\n==> %s\n' "$1" >&2; }

step "the shared engine (criterion)"
engine=$(cargo bench -q -p embudo-shared --bench qualify 2>&1 | grep -A1 '^validate + qualify' | grep -oE 'time: +\[[^]]+\]')
median=$(echo "$engine" | sed -E 's/time: +\[[^ ]+ [^ ]+ ([^ ]+ [^ ]+) .*/\1/')
{
  echo "## The shared engine: one submission validated and qualified"
  echo
  echo "A 50-rule spec, shared's \`validate\` then \`qualify\` with the lead's history (\`shared/benches/qualify.rs\`),"
  echo "native, criterion's estimate over 100 samples (low, estimate, high): \`$engine\`."
  echo
  echo "| measure | time |"
  echo "| --- | ---: |"
  echo "| validate + qualify one submission, 50 rules | $median |"
} >"$parts/1-engine.md"

step "the widget: size and speed"
scripts/size.sh >"$parts/2-size.md"
scripts/build-edge.sh --faults >&2
node bench/widget/speed.mjs >"$parts/3-speed.md"

step "the edge's wasm"
{
  echo "## The edge's wasm"
  echo
  echo "| build | raw | gzipped |"
  echo "| --- | ---: | ---: |"
  for build in build build-faults; do
    wasm="edge/$build/index_bg.wasm"
    echo "| \`$wasm\` | $(wc -c <"$wasm") B | $(gzip -9 -c "$wasm" | wc -c) B |"
  done
} >"$parts/4-edge-wasm.md"

step "the edge under load against the floor and the ceiling (make bench-edge)"
scripts/bench-edge.sh >&2
cp target/bench-edge.md "$parts/5-edge.md"

step "the crowd: 10,000 visitors with faults, through a restart, and without"
rm -f target/bench-crowd.md
node --test --test-reporter=spec tests/crowd.test.mjs >&2
{
  echo "## The crowd: ${CROWD_SUBMISSIONS:-10000} visitors, each trying again as the widget does"
  echo
  echo "\`tests/crowd.test.mjs\` (also run by \`make test\`, which fails unless every submission is stored exactly once)."
  echo "One run each, wrangler dev + local D1, the fault-injection build; D1 faults are a fifth of write batches,"
  echo "half before the batch commits and half after it (the answer lost). Latency: every post, retries included."
  echo
  cat target/bench-crowd.md
} >"$parts/6-crowd.md"

step "the leads API on 100,000 leads (make bench-leads)"
scripts/bench-leads.sh >&2
cp target/bench-leads.md "$parts/7-leads.md"

step "fuzzing (${BENCH_FUZZ_SECONDS:-60} s per target)"
{
  echo "## Fuzzing: ${BENCH_FUZZ_SECONDS:-60} s per cargo-fuzz target, no crash"
  echo
  echo '```'
  FUZZ_SECONDS="${BENCH_FUZZ_SECONDS:-60}" scripts/fuzz.sh
  echo '```'
} >"$parts/8-fuzz.md"

{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` (scripts/bench.sh), started $started on this machine:"
  echo "$(nproc) CPUs, $(uname -sr), $(rustc --version), Node $(node --version), wrangler $(wrangler --version | tail -1)."
  echo "Figures vary between runs on shared machines: compare the ratios, and see each part for its number of runs."
  for part in "$parts"/*.md; do
    echo
    cat "$part"
  done
} >BENCHMARKS.md
cat BENCHMARKS.md
