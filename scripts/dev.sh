#!/usr/bin/env bash
# `make dev`: builds everything, prepares the local D1 database and serves the
# product with wrangler dev on 127.0.0.1:$PORT until interrupted.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
PORT="${PORT:-8787}"

"$ROOT/scripts/build-widget.sh"
"$ROOT/scripts/build-edge.sh"
"$ROOT/scripts/local-d1.sh"

# Local secrets, random per machine and kept out of git (edge/.dev.vars);
# production sets each with `wrangler secret put NAME`:
#   ADMIN_TOKEN          the API token
#   IP_HASH_KEY          the key of the consent ledger's and rate limit's IP hashes
#   OFFER_LINK_KEY       the key signing offer links
#   WEBHOOK_SIGNING_KEY  the key webhook endpoints' signing secrets derive from
#   VISITOR_TOKEN_KEY    signs the visitor tokens of progressive profiling
#   CONSENT_LINK_KEY     signs the links to visitors' own consent pages
vars="$ROOT/edge/.dev.vars"
for name in ADMIN_TOKEN IP_HASH_KEY OFFER_LINK_KEY WEBHOOK_SIGNING_KEY VISITOR_TOKEN_KEY CONSENT_LINK_KEY; do
  if ! grep -q "^$name=" "$vars" 2>/dev/null; then
    printf '%s=%s\n' "$name" "$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')" >>"$vars"
  fi
done
token=$(sed -n 's/^ADMIN_TOKEN=//p' "$vars")

base="http://127.0.0.1:$PORT"
cat <<MSG

  Embudo is starting on $base
    Demo site with the embedded form:  $base/
    Submissions API:                   POST $base/v1/forms/demo-ebook/submissions
    Form spec (for the widget):        $base/v1/forms/demo-ebook
    Leads API (operator token):        curl -H 'Authorization: Bearer $token' $base/v1/leads
    Consent ledger check:              curl -H 'Authorization: Bearer $token' $base/v1/sites/acme-growth/consents/verify
    Webhook deliveries to sales:       curl -H 'Authorization: Bearer $token' $base/v1/sites/acme-growth/deliveries
  Local D1 state: edge/.wrangler/state (run 'make dev' again after a change)

MSG
cd "$ROOT/edge"
wrangler dev --ip 127.0.0.1 --port "$PORT" --log-level "${LOG_LEVEL:-info}" &
server=$!
trap 'kill "$server" 2>/dev/null' EXIT INT TERM

# A local admin to sign in with, made once through the API and kept (with
# its made-up password) in edge/.dev-admin, out of git.
node -e '
  const deadline = Date.now() + 120_000;
  (async function wait() {
    try { await fetch(process.argv[1]); } catch {
      if (Date.now() > deadline) process.exit(1);
      setTimeout(wait, 500);
    }
  })();' "$base/v1/openapi.json"
saved="$ROOT/edge/.dev-admin"
if made=$(EMAIL=admin@embudo.local URL="$base" node "$ROOT/scripts/admin.mjs" 2>/dev/null); then
  printf '%s\n' "$made" >"$saved"
fi
printf '\n  Dashboard:   %s/dashboard/\n' "$base"
printf '\n  Local admin: %s\n\n' "$(cat "$saved" 2>/dev/null || echo 'none (make admin EMAIL=… to make one)')"
wait "$server"
