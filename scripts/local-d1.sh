#!/usr/bin/env bash
# Prepares a local D1 database: applies edge/migrations and seeds the demo
# form. Idempotent. Usage: local-d1.sh [PERSIST_DIR] (default: wrangler's own
# edge/.wrangler/state).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT/edge"

persist=()
[ -n "${1:-}" ] && persist=(--persist-to "$1")
# CI=true answers wrangler's "apply these migrations?" prompt.
CI=true wrangler d1 migrations apply embudo --local "${persist[@]}" >/dev/null
wrangler d1 execute embudo --local "${persist[@]}" --file seed/demo.sql >/dev/null
