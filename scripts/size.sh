#!/usr/bin/env bash
# `make size`: builds the widget and prints what a visitor downloads for a
# working form, gzipped, per part and in total, beside @typeform/embed's
# loader, and what each crate weighs in the wasm (bench/widget/size.mjs).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$ROOT/scripts/build-widget.sh" >/dev/null
# The size floor: shared alone, built the same way (bench/widget/floor).
"$ROOT/scripts/build-widget.sh" embudo-bench-widget-floor "$ROOT/target/widget-floor" >/dev/null
mkdir -p "$ROOT/target"
node "$ROOT/bench/widget/size.mjs" | tee "$ROOT/target/size.md"
