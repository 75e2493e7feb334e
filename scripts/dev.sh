#!/usr/bin/env bash
# `make dev`: builds everything, prepares the local D1 database and serves the
# product with wrangler dev on 127.0.0.1:$PORT until interrupted.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
PORT="${PORT:-8787}"

"$ROOT/scripts/build-widget.sh"
"$ROOT/scripts/build-edge.sh"
"$ROOT/scripts/local-d1.sh"

# The API token for local use only, kept out of git; production sets it with
# `wrangler secret put ADMIN_TOKEN`.
vars="$ROOT/edge/.dev.vars"
if ! grep -q '^ADMIN_TOKEN=' "$vars" 2>/dev/null; then
  printf 'ADMIN_TOKEN=%s\n' "$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')" >>"$vars"
fi
# The key of the consent ledger's IP hashes (production: wrangler secret put IP_HASH_KEY).
if ! grep -q '^IP_HASH_KEY=' "$vars"; then
  printf 'IP_HASH_KEY=%s\n' "$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')" >>"$vars"
fi
# The key signing offer links (production: wrangler secret put OFFER_LINK_KEY).
if ! grep -q '^OFFER_LINK_KEY=' "$vars"; then
  printf 'OFFER_LINK_KEY=%s\n' "$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')" >>"$vars"
fi
token=$(sed -n 's/^ADMIN_TOKEN=//p' "$vars")

base="http://127.0.0.1:$PORT"
cat <<MSG

  Embudo is starting on $base
    Demo site with the embedded form:  $base/
    Submissions API:                   POST $base/v1/forms/demo-ebook/submissions
    Form spec (for the widget):        $base/v1/forms/demo-ebook
    Leads API:                         curl -H 'Authorization: Bearer $token' $base/v1/leads
    Consent ledger check:              curl -H 'Authorization: Bearer $token' $base/v1/sites/acme-growth/consents/verify
  Local D1 state: edge/.wrangler/state (run 'make dev' again after a change)

MSG
cd "$ROOT/edge"
exec wrangler dev --ip 127.0.0.1 --port "$PORT" --log-level "${LOG_LEVEL:-info}"
