#!/usr/bin/env bash
# `make bench`: the numbers Embudo's claims rest on, printed: the
# time shared takes to validate and qualify one submission against a 50-rule
# spec (criterion), the widget's size per part and per crate, and its time to an
# interactive form in headless Chromium (`make bench-edge` loads the edge).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
cargo bench -q -p embudo-shared --bench qualify 2>&1 | grep -E -A2 '^validate'
"$ROOT/scripts/build-widget.sh"
# The widget's size per part, and its speed in headless Chromium.
node "$ROOT/bench/widget/size.mjs"
"$ROOT/scripts/build-edge.sh" >/dev/null
node "$ROOT/bench/widget/speed.mjs"
