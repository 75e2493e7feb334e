#!/usr/bin/env bash
# Builds the widget to wasm and puts it where the static site serves it:
# www/widget/embudo_widget.js and embudo_widget_bg.wasm, and the embed loader
# (widget/loader/embed.js) as www/embed.js. The JS each visitor downloads is
# minified (esbuild): the glue from 8.2 to 6.1 KB gzipped, the loader from
# 2.1 to 1.3 KB, measured when this step was added.
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
# When the toolchain has the standard library's sources (rustup's rust-src,
# or Debian's, which bootstrap installs), the widget gets a std of its own,
# built for size: panics stop at once instead of formatting a message
# nobody reads (the widget never panics across the wasm boundary), no file
# names for panic locations, and `{:?}` prints nothing (the widget shows
# only its own Display messages). That takes unstable flags, so
# RUSTC_BOOTSTRAP=1, as bootstrap's std build and `make fuzz` do; in its
# own target directory, so the ordinary wasm32 builds are not rebuilt.
# 12.3 KB less gzipped wasm when it was added. Without the sources, or with
# a compiler that refuses those flags, the ordinary build, with a note.
own_std() {
  local sources
  sources="$(rustc --print sysroot)/lib/rustlib/src/rust/library"
  if [[ ! -d "$sources/std" ]]; then
    echo "note: no std sources at $sources" >&2
    return 1
  fi
  RUSTC_BOOTSTRAP=1 \
    RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" \
    cargo build -q -p "$crate" --release --target wasm32-unknown-unknown --target-dir "$ROOT/target/own-std" \
    -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
}
if own_std; then
  target_dir="$ROOT/target/own-std"
else
  echo "note: $crate built with the prebuilt std instead (about 12 KB larger gzipped)" >&2
  target_dir="$ROOT/target"
  cargo build -q -p "$crate" --release --target wasm32-unknown-unknown
fi
# The loader always names the wasm's URL, and every browser with
# constructed stylesheets (which the form needs) has
# `TextEncoder.encodeInto`: the glue needs neither a default path nor a
# fallback encoder (70 bytes gzipped).
wasm-bindgen --target web --no-typescript --omit-default-module-path --encode-into always \
  --out-dir "$out" "$target_dir/wasm32-unknown-unknown/release/$name.wasm"
# Optimised for size, then the names the wasm and the glue call each other
# by shortened in both (scripts/shorten-names.mjs says why and checks it).
names="$(mktemp)"
trap 'rm -f "$names"' EXIT
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  --minify-imports-and-exports-and-modules \
  "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm" >"$names"
node "$ROOT/scripts/shorten-names.mjs" "$names" "$out/${name}.js" "$out/${name}_bg.wasm"
# wasm-bindgen's glue is an ES module the loader imports.
"$ESBUILD_BIN" "$out/${name}.js" --minify --format=esm --log-level=warning \
  --outfile="$out/${name}.js" --allow-overwrite
if [[ "$crate" == embudo-widget ]]; then
  # The loader is a classic script (the pasted tag), kept as it is written.
  "$ESBUILD_BIN" "$ROOT/widget/loader/embed.js" --minify --log-level=warning \
    --outfile="$ROOT/www/embed.js"
fi
printf '%s: %s bytes of wasm (%s gzipped)\n' "$crate" \
  "$(wc -c <"$out/${name}_bg.wasm")" "$(gzip -9c "$out/${name}_bg.wasm" | wc -c)"
