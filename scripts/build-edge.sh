#!/usr/bin/env bash
# Builds the Worker with worker-build into edge/build/ (index.js + wasm),
# using the local esbuild, wasm-opt and wasm-bindgen so nothing is downloaded.
#
# --faults also builds the test-only variant with fault injection
# (edge/src/faults.rs) into edge/build-faults/; deployments use build/ only.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT/edge"
worker-build --release >/dev/null
printf 'edge: %s bytes of wasm\n' "$(wc -c <build/index_bg.wasm)"
if [[ "${1:-}" == "--faults" ]]; then
  worker-build --release --out-dir build-faults --features faults >/dev/null
  printf 'edge (test build with faults): %s bytes of wasm\n' "$(wc -c <build-faults/index_bg.wasm)"
fi
# The form-spec loader make dev and the tests use to fill D1.
cargo build -q -p embudo-shared --bin embudo-spec
