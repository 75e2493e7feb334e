#!/usr/bin/env bash
# Builds the widget to wasm and puts it where the static site serves it:
# www/widget/embudo_widget.js and embudo_widget_bg.wasm.
#
# `scripts/build-widget.sh CRATE OUT` builds another wasm-bindgen crate the
# same way into OUT: `make size` builds its size floor (bench/widget/floor)
# so the two are measured alike.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

crate="${1:-embudo-widget}"
out="${2:-$ROOT/www/widget}"
name="${crate//-/_}"
cargo build -q -p "$crate" --release --target wasm32-unknown-unknown
wasm-bindgen --target web --no-typescript --out-dir "$out" \
  "target/wasm32-unknown-unknown/release/$name.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
printf '%s: %s bytes of wasm (%s gzipped)\n' "$crate" \
  "$(wc -c <"$out/${name}_bg.wasm")" "$(gzip -9c "$out/${name}_bg.wasm" | wc -c)"
