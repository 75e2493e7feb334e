#!/usr/bin/env bash
# Builds the Worker with worker-build into edge/build/ (index.js + wasm),
# using the local esbuild, wasm-opt and wasm-bindgen so nothing is downloaded.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT/edge"
worker-build --release >/dev/null
printf 'edge: %s bytes of wasm\n' "$(wc -c <build/index_bg.wasm)"
# The form-spec loader make dev and the tests use to fill D1.
cargo build -q -p embudo-shared --bin embudo-spec
