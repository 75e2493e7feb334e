#!/usr/bin/env bash
# Loads form specs into D1: each is checked by embudo-spec (every mistake
# reported, nothing loaded if one is wrong), turned into an upsert, and run
# against the local database, or Cloudflare's with --remote. Loading again
# replaces the stored spec.
# Usage: load-forms.sh [--remote] [--persist-to DIR] [SPEC...]
#        (default specs: edge/forms/*.toml; .json specs work too)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

where=(--local)
specs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --remote) where=(--remote); shift ;;
    --persist-to) where+=(--persist-to "$2"); shift 2 ;;
    *) specs+=("$(realpath "$1")"); shift ;;
  esac
done
[ ${#specs[@]} -gt 0 ] || specs=("$ROOT"/edge/forms/*.toml)

forms_sql="$ROOT/target/forms.sql"
mkdir -p "$ROOT/target"
cargo run -q -p embudo-shared --bin embudo-spec -- sql "${specs[@]}" >"$forms_sql"
cd "$ROOT/edge"
wrangler d1 execute embudo "${where[@]}" --file "$forms_sql" >/dev/null
printf 'loaded %s form spec(s) into D1 (%s)\n' "${#specs[@]}" "${where[*]}"
