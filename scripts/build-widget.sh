#!/usr/bin/env bash
# Builds the widget to wasm and puts it where the static site serves it:
# www/widget/embudo_widget.js and embudo_widget_bg.wasm.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

out="$ROOT/www/widget"
cargo build -q -p embudo-widget --release --target wasm32-unknown-unknown
wasm-bindgen --target web --no-typescript --out-dir "$out" \
  target/wasm32-unknown-unknown/release/embudo_widget.wasm
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$out/embudo_widget_bg.wasm" -o "$out/embudo_widget_bg.wasm"
printf 'widget: %s bytes of wasm (%s gzipped)\n' \
  "$(wc -c <"$out/embudo_widget_bg.wasm")" "$(gzip -9c "$out/embudo_widget_bg.wasm" | wc -c)"
