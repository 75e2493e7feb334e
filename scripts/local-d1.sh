#!/usr/bin/env bash
# Prepares a local D1 database: applies edge/migrations, loads the sites of
# edge/sites/sites.sql and every form spec in edge/forms/ (checked by
# embudo-spec first). Idempotent.
# Usage: local-d1.sh [PERSIST_DIR] (default: wrangler's own edge/.wrangler/state).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

persist=()
[ -n "${1:-}" ] && persist=(--persist-to "$1")

cd "$ROOT/edge"
# CI=true answers wrangler's "apply these migrations?" prompt.
CI=true wrangler d1 migrations apply embudo --local "${persist[@]}" >/dev/null
wrangler d1 execute embudo --local "${persist[@]}" --file "$ROOT/edge/sites/sites.sql" >/dev/null
"$ROOT/scripts/load-forms.sh" "${persist[@]}" >/dev/null
