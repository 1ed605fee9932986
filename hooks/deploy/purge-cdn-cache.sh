#!/bin/sh
# certfleet deploy hook: asks a CDN/cache API to purge after a certificate rollout, e.g. so that a cache in
# front of the nodes stops serving stapled OCSP or HSTS preload answers for the old certificate.
# Set CDN_PURGE_URL (and CDN_PURGE_TOKEN_FILE, a file holding a bearer token) in certfleet's environment.
# A non-zero exit fails the run (exit code 3) and is reported; certfleet never ignores a failing hook.
set -eu
: "${CDN_PURGE_URL:?set CDN_PURGE_URL to the purge endpoint}"
auth=""
if [ -n "${CDN_PURGE_TOKEN_FILE:-}" ]; then
  auth="Authorization: Bearer $(cat "$CDN_PURGE_TOKEN_FILE")"
fi
# Only nodes that now serve the new certificate are purged.
[ -n "$CERTFLEET_NODES_OK" ] || exit 0
body=$(printf '{"certificate":"%s","serial":"%s","hosts":"%s"}' "$CERTFLEET_CERT_NAME" "$CERTFLEET_SERIAL" "$CERTFLEET_DOMAINS")
curl --fail --silent --show-error --max-time 20 -X POST ${auth:+-H "$auth"} -H 'Content-Type: application/json' \
  --data "$body" "$CDN_PURGE_URL" >/dev/null
