#!/usr/bin/env bash
# Installs what building, running and testing Embudo needs, and only what is
# missing: a Rust toolchain that can build wasm32-unknown-unknown, the pinned
# wasm-bindgen-cli and worker-build, the npm tools from package-lock.json,
# Debian's Chromium for the browser tests, and schemathesis (pinned, in a
# virtualenv under target/) for the API conformance run. Safe to run again
# and again; with everything in place it takes a few seconds.
#
# It writes target/toolchain.env, which the Makefile reads to know which Rust
# toolchain to run cargo with.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WORKER_BUILD_VERSION=0.8.7
CARGO_FUZZ_VERSION=0.13.2
# make size / make bench: what each crate weighs in the widget's wasm.
TWIGGY_VERSION=0.8.0
# Debian's Rust that ships its standard library sources (see shared/TOOLCHAIN.md).
DEBIAN_RUST_PACKAGES=(rustc-web cargo-web rust-web-src rust-web-clippy lld-22)
BROWSER_PACKAGES=(chromium chromium-driver)
DEBIAN_TOOLCHAIN=debian-web
WASM=wasm32-unknown-unknown
TOOLCHAIN_ENV="$ROOT/target/toolchain.env"

export PATH="$HOME/.cargo/bin:$PATH"

started_all=$(date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1fs", b - a }'; }
step() { # step NAME COMMAND...: runs COMMAND, printing its name and time
  local name="$1"; shift
  local t0; t0=$(date +%s.%N)
  printf '==> %s\n' "$name"
  "$@"
  printf '    %s: done in %s\n' "$name" "$(since "$t0")"
}
say() { printf '    %s\n' "$*"; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $*"; fi
}

missing_debs() { # prints those of the given Debian packages not installed
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || echo "$pkg"
  done
}

APT_UPDATED=
apt_install() {
  local missing; missing=$(missing_debs "$@")
  if [ -z "$missing" ]; then say "already installed: $*"; return; fi
  command -v apt-get >/dev/null || die "missing $missing and no apt-get to install them"
  if [ -z "$APT_UPDATED" ]; then
    say "apt-get update"
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  say "apt-get install $missing"
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
}

on_toolchain() { # on_toolchain TOOLCHAIN COMMAND...: runs COMMAND on it ("" = rustup's default)
  local toolchain="$1"; shift
  if [ -n "$toolchain" ]; then RUSTUP_TOOLCHAIN="$toolchain" "$@"; else env -u RUSTUP_TOOLCHAIN "$@"; fi
}

has_wasm_std() { # has_wasm_std TOOLCHAIN: does that toolchain have wasm32's std?
  local libdir
  libdir=$(on_toolchain "$1" rustc --print target-libdir --target "$WASM" 2>/dev/null) || return 1
  compgen -G "$libdir/libstd-*.rlib" >/dev/null
}

# Does rustup reach its download server? Asked with a short timeout, so a
# machine without internet decides in seconds instead of hanging.
rustup_online() {
  command -v curl >/dev/null || return 1
  curl -sSf -o /dev/null --max-time 5 \
    "${RUSTUP_DIST_SERVER:-https://static.rust-lang.org}/dist/channel-rust-stable.toml.sha256" 2>/dev/null
}

build_wasm_std() { # builds wasm32's std from Debian's sources into its sysroot
  local sysroot scratch
  sysroot=$(/usr/bin/rustc --print sysroot)
  scratch="$ROOT/target/wasm-std"
  rm -rf "$scratch"
  mkdir -p "$scratch/src"
  printf '[package]\nname = "wasm-std"\nversion = "0.0.0"\nedition = "2021"\n[lib]\npath = "src/lib.rs"\n[workspace]\n' \
    >"$scratch/Cargo.toml"
  : >"$scratch/src/lib.rs"
  say "building the $WASM standard library from $sysroot/lib/rustlib/src (about a minute)"
  (cd "$scratch" && env -u RUSTUP_TOOLCHAIN RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Cembed-bitcode=yes \
    RUSTC=/usr/bin/rustc /usr/bin/cargo build -q --release --target "$WASM" \
    -Zbuild-std=std,panic_abort,panic_unwind,proc_macro,test)
  as_root mkdir -p "$sysroot/lib/rustlib/$WASM/lib"
  find "$scratch/target/$WASM/release/deps" -name 'lib*.rlib' ! -name 'libwasm_std-*' \
    -exec cp {} "$sysroot/lib/rustlib/$WASM/lib/" \;
  rm -rf "$scratch"
  # cargo does not notice a new sysroot; stale wasm32 output would fail with
  # "can't find crate".
  rm -rf "$ROOT/target/$WASM"
}

# EMBUDO_RUST=debian forces Debian's toolchain even where rustup could
# download the target (to reproduce an offline machine).
rust_toolchain() {
  command -v rustup >/dev/null || die "rustup not found: install Rust from https://rustup.rs first"
  local chosen="" prefer_rustup=1
  [ "${EMBUDO_RUST:-}" = debian ] && prefer_rustup=
  if [ -n "$prefer_rustup" ] && has_wasm_std ""; then
    say "the default toolchain has $WASM"
  elif has_wasm_std "$DEBIAN_TOOLCHAIN"; then
    chosen=$DEBIAN_TOOLCHAIN
    say "using Debian's Rust ($DEBIAN_TOOLCHAIN), which has $WASM"
    # clippy must come from the same toolchain as the std it checks against.
    apt_install "${DEBIAN_RUST_PACKAGES[@]}"
  elif [ -n "$prefer_rustup" ] && rustup_online && timeout 300 rustup target add "$WASM"; then
    say "rustup added $WASM"
  else
    say "rustup cannot download here; building $WASM from Debian's Rust sources"
    apt_install "${DEBIAN_RUST_PACKAGES[@]}"
    rustup toolchain list | grep -q "^$DEBIAN_TOOLCHAIN" || rustup toolchain link "$DEBIAN_TOOLCHAIN" /usr
    build_wasm_std
    has_wasm_std "$DEBIAN_TOOLCHAIN" || die "the $WASM std build did not install"
    chosen=$DEBIAN_TOOLCHAIN
  fi
  mkdir -p "$(dirname "$TOOLCHAIN_ENV")"
  printf 'RUSTUP_TOOLCHAIN=%s\n' "$chosen" >"$TOOLCHAIN_ENV"
  say "$(on_toolchain "$chosen" rustc --version)"
}

# The widget's own std is built from the toolchain's std sources
# (scripts/build-widget.sh): Debian's toolchain has them (rust-web-src);
# rustup's gets rust-src where it can download. Without them the widget is
# built with the prebuilt std, larger.
std_sources() {
  local toolchain
  toolchain=$(sed -n 's/^RUSTUP_TOOLCHAIN=//p' "$TOOLCHAIN_ENV")
  if [ -d "$(on_toolchain "$toolchain" rustc --print sysroot)/lib/rustlib/src/rust/library/std" ]; then
    say "the toolchain has std's sources"
  elif [ -z "$toolchain" ] && rustup_online && timeout 300 rustup component add rust-src; then
    say "rustup added rust-src"
  else
    say "no std sources here: the widget will be built with the prebuilt std (about 12 KB larger gzipped)"
  fi
}

locked_version() { # the version of crate $1 in Cargo.lock
  awk -v name="$1" '$1 == "name" && $3 == "\"" name "\"" { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock
}

cargo_tool() { # cargo_tool CRATE VERSION BINARY: cargo install unless that version is there
  local crate="$1" version="$2" binary="$3"
  if "$binary" --version 2>/dev/null | grep -qw "$version"; then
    say "$binary $version already installed"
    return
  fi
  say "cargo install $crate $version (a few minutes, once)"
  env -u RUSTUP_TOOLCHAIN cargo install -q "$crate" --version "$version" --locked
}

wasm_bindgen_cli() {
  local version; version=$(locked_version wasm-bindgen)
  [ -n "$version" ] || die "wasm-bindgen is not in Cargo.lock"
  cargo_tool wasm-bindgen-cli "$version" wasm-bindgen
}

worker_build() { cargo_tool worker-build "$WORKER_BUILD_VERSION" worker-build; }

cargo_fuzz() { cargo_tool cargo-fuzz "$CARGO_FUZZ_VERSION" cargo-fuzz; }

twiggy_tool() { cargo_tool twiggy "$TWIGGY_VERSION" twiggy; }

npm_tools() {
  command -v npm >/dev/null || die "npm not found: install Node.js 20 or newer"
  local want have=""
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  [ -f node_modules/.embudo-lock ] && have=$(cat node_modules/.embudo-lock)
  if [ "$want" = "$have" ] && [ -x node_modules/.bin/wrangler ]; then
    say "node_modules matches package-lock.json"
    return
  fi
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >node_modules/.embudo-lock
}

browser() { apt_install "${BROWSER_PACKAGES[@]}"; }

# schemathesis for the API conformance run (tests/conformance/run.mjs), in a
# virtualenv of its own, at the versions tests/conformance/requirements.txt
# pins; reinstalled only when that file changes.
conformance_tools() {
  local venv="$ROOT/target/conformance-venv" requirements="$ROOT/tests/conformance/requirements.txt"
  local want have=""
  command -v python3 >/dev/null || die "python3 not found: install Python 3.10 or newer"
  want=$(sha256sum "$requirements" | cut -d' ' -f1)
  [ -f "$venv/.embudo-requirements" ] && have=$(cat "$venv/.embudo-requirements")
  if [ "$want" = "$have" ] && [ -x "$venv/bin/schemathesis" ]; then
    say "target/conformance-venv matches tests/conformance/requirements.txt"
    return
  fi
  say "pip install -r tests/conformance/requirements.txt into target/conformance-venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
  echo "$want" >"$venv/.embudo-requirements"
}

step "Rust toolchain with $WASM" rust_toolchain
step "std sources for the widget" std_sources
step "wasm-bindgen-cli (the version in Cargo.lock)" wasm_bindgen_cli
step "worker-build $WORKER_BUILD_VERSION" worker_build
step "cargo-fuzz $CARGO_FUZZ_VERSION" cargo_fuzz
step "twiggy $TWIGGY_VERSION" twiggy_tool
step "npm tools (wrangler, esbuild, wasm-opt, playwright-core)" npm_tools
step "Chromium and ChromeDriver" browser
step "schemathesis (tests/conformance/requirements.txt)" conformance_tools
printf '==> bootstrap complete in %s\n' "$(since "$started_all")"
