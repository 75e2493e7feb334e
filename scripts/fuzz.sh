#!/usr/bin/env bash
# Runs each cargo-fuzz target of embudo-shared for FUZZ_SECONDS (default 5:
# the smoke run make test includes; use minutes or hours for a real hunt).
# Stable Rust with RUSTC_BOOTSTRAP=1 and no sanitizer: libFuzzer's coverage
# guidance works without nightly. Corpora grow in shared/fuzz/corpus/ (not in
# git); crashes land in shared/fuzz/artifacts/ and fail the run.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT/shared/fuzz"
seconds="${FUZZ_SECONDS:-5}"
# Seeds: the real form specs for `spec`, a demo submission for `submission`.
seeds_spec="$ROOT/edge/forms"
seeds_submission="$ROOT/shared/fuzz/seeds/submission"
for target in spec submission; do
  mkdir -p "corpus/$target"
  seeds="seeds_$target"
  printf 'fuzzing %s for %ss\n' "$target" "$seconds"
  log="$ROOT/target/fuzz-$target.log"
  mkdir -p "$ROOT/target"
  if ! RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none "$target" "corpus/$target" "${!seeds}" \
    -- -max_total_time="$seconds" >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz target $target failed: the input is in shared/fuzz/artifacts/$target"
    exit 1
  fi
  grep -E '^Done [0-9]+ runs' "$log"
done
