#!/usr/bin/env bash
# `make bench`: the numbers Embudo's claims rest on, printed. For now: the
# time shared takes to validate and qualify one submission against a 50-rule
# spec (criterion), and the widget's size, raw and gzipped.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
cargo bench -q -p embudo-shared --bench qualify 2>&1 | grep -E -A2 '^validate'
"$ROOT/scripts/build-widget.sh"
