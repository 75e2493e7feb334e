#!/usr/bin/env bash
# Runs each cargo-fuzz target of embudo-shared for FUZZ_SECONDS (default 5:
# the smoke run make test includes; use minutes or hours for a real hunt).
# Stable Rust with RUSTC_BOOTSTRAP=1 and no sanitizer: libFuzzer's coverage
# guidance works without nightly; cargo fuzz builds with debug assertions, so
# an arithmetic overflow is a crash too. Corpora grow in shared/fuzz/corpus/
# (not in git); crashes land in shared/fuzz/artifacts/ and fail the run.
# FUZZ_TARGETS="rules csv" runs only those.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT/shared/fuzz"
seconds="${FUZZ_SECONDS:-5}"
targets="${FUZZ_TARGETS:-spec submission rules csv}"
# Seeds (read, never written): the real form specs for `spec`; a demo
# submission for `submission`; the real specs' rules and the default B2B
# rules for `rules`; hand-written rows for `csv` (see its framing).
seeds() {
  case "$1" in
    spec) echo "$ROOT/edge/forms" ;;
    submission) echo "$ROOT/shared/fuzz/seeds/submission" ;;
    rules) echo "$ROOT/edge/forms $ROOT/shared/rules" ;;
    csv) echo "$ROOT/shared/fuzz/seeds/csv" ;;
    *) echo "fuzz.sh: no target $1" >&2; return 1 ;;
  esac
}
mkdir -p "$ROOT/target"
for target in $targets; do
  dirs=$(seeds "$target")
  mkdir -p "corpus/$target"
  dict=()
  if [ -f "dict/$target.dict" ]; then dict=(-dict="dict/$target.dict"); fi
  printf 'fuzzing %s for %ss\n' "$target" "$seconds"
  log="$ROOT/target/fuzz-$target.log"
  # shellcheck disable=SC2086 # $dirs is a list of seed directories
  if ! RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none "$target" "corpus/$target" $dirs \
    -- -max_total_time="$seconds" "${dict[@]}" >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz target $target failed: the input is in shared/fuzz/artifacts/$target"
    exit 1
  fi
  grep -E '^Done [0-9]+ runs' "$log"
done
