#!/usr/bin/env bash
# `make test`: every gate and every test, in order. A failing stage does not
# stop the later ones (so one run shows everything that is wrong), but any
# failure makes the exit status non-zero. Ends with one line counting checks:
# each test a runner reports, and each gate (format, lint, build) that is
# not itself a test runner.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

WASM=wasm32-unknown-unknown
LOGS="$ROOT/target/test-logs"
rm -rf "$LOGS"
mkdir -p "$LOGS"

passed=0
failed=0
failed_stages=()

# stage NAME KIND COMMAND...: KIND is "gate" (counts as one check) or "tests"
# (its runner's own pass/fail counts are added up).
stage() {
  local name="$1" kind="$2"; shift 2
  local log; log="$LOGS/$(echo "$name" | tr 'A-Z' 'a-z' | tr -cs 'a-z0-9\n' '-').log"
  local t0=$SECONDS
  printf '\n==> %s\n' "$name"
  "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  if [ "$kind" = tests ]; then
    local p f
    # cargo: "test result: ok. 5 passed; 0 failed"; node: "ℹ pass 5" / "ℹ fail 0"
    p=$(grep -hoE '[0-9]+ passed;|^ℹ pass [0-9]+' "$log" | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }')
    f=$(grep -hoE '[0-9]+ failed;|^ℹ fail [0-9]+' "$log" | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }')
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    # A runner that failed without reporting a failed test (a build error).
    if [ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
  elif [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
  if [ "$status" -ne 0 ]; then failed_stages+=("$name"); fi
  printf '    %s: %s in %ss\n' "$name" "$([ "$status" -eq 0 ] && echo ok || echo FAILED)" $((SECONDS - t0))
}

# rustfmt is the same on every toolchain; run it from rustup's default.
stage "format (cargo fmt --check)" gate env -u RUSTUP_TOOLCHAIN cargo fmt --all --check
stage "lint, native (clippy -D warnings)" gate cargo clippy --workspace --all-targets -- -D warnings
# shared's own tests use proptest, which is native-only; its library is
# linted for wasm32 as the widget and the edge compile it.
stage "lint, wasm32 (clippy -D warnings)" gate \
  cargo clippy -p embudo-widget -p embudo-widget-json -p embudo-edge -p embudo-bench-floor -p embudo-bench-ceiling -p embudo-bench-widget-floor \
    --all-targets --target "$WASM" -- -D warnings
stage "unit tests, native" tests cargo test -p embudo-shared -p embudo-edge -p embudo-bench-floor -p embudo-bench-ceiling
# shared as the widget builds it: no default features (no rule reader, no
# Unicode tables, no TOML), so what only that build does is tested too.
stage "unit tests, shared as the widget builds it" tests cargo test -p embudo-shared --no-default-features --lib
# The widget, its JSON reader and the size floor call the browser's JSON,
# so their tests run in it.
stage "widget tests in headless Chromium (wasm-bindgen-test)" tests env \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  CHROMEDRIVER=/usr/bin/chromedriver \
  WASM_BINDGEN_TEST_TIMEOUT=60 \
  cargo test -p embudo-widget -p embudo-widget-json -p embudo-bench-widget-floor --target "$WASM"
stage "fuzz smoke run (cargo fuzz, ${FUZZ_SECONDS:-5}s per target)" gate scripts/fuzz.sh
stage "build the widget" gate scripts/build-widget.sh
stage "build the edge (and its fault-injection test build)" gate scripts/build-edge.sh --faults
stage "API and browser end-to-end tests (wrangler dev + D1 + Chromium)" tests \
  node --test --test-reporter=spec tests/*.test.mjs
# schemathesis' own summary counts generated cases, not tests: one gate.
stage "API conformance (schemathesis against /v1/openapi.json)" gate \
  node tests/conformance/run.mjs

printf '\n'
if [ ${#failed_stages[@]} -gt 0 ]; then
  printf 'failed stages: %s\n' "${failed_stages[*]}"
fi
printf 'logs: %s\n' "${LOGS#"$ROOT"/}"
printf 'checks: %d passed, %d failed\n' "$passed" "$failed"
[ ${#failed_stages[@]} -eq 0 ]
