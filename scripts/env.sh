# Sourced by the other scripts: the environment every build and test command
# runs in. Needs scripts/bootstrap.sh to have run.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# The Rust toolchain bootstrap chose ("" = rustup's default).
RUSTUP_TOOLCHAIN=
if [ -f "$ROOT/target/toolchain.env" ]; then
  # shellcheck disable=SC1091
  . "$ROOT/target/toolchain.env"
fi
if [ -n "$RUSTUP_TOOLCHAIN" ]; then export RUSTUP_TOOLCHAIN; else unset RUSTUP_TOOLCHAIN; fi

# worker-build would download these; point it at the pinned local ones.
export ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild"
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
WASM_BINDGEN_BIN="$(command -v wasm-bindgen || true)"
export WASM_BINDGEN_BIN

# Local wrangler: no telemetry, no prompts.
export WRANGLER_SEND_METRICS=false
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
