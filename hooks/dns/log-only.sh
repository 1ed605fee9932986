#!/usr/bin/env bash
# certfleet `exec` DNS provider hook that only records what it is asked to do: a starting point for a hook
# of your own (call your DNS service's API where the comment says), and a way to see the protocol.
#   log-only.sh present|cleanup FQDN VALUE      also in the environment: CERTFLEET_ACTION, CERTFLEET_FQDN,
#                                               CERTFLEET_VALUE, CERTFLEET_ZONE, CERTFLEET_TTL,
#                                               CERTBOT_DOMAIN, CERTBOT_VALIDATION
# Exit 0 for success; anything else fails the challenge, and certfleet reports this script's stderr.
set -euo pipefail
log=${CERTFLEET_HOOK_LOG:-/tmp/certfleet-dns-hook.log}
printf '%s %s %s %s zone=%s\n' "$(date -u +%FT%TZ)" "$1" "$2" "$3" "${CERTFLEET_ZONE:-}" >>"$log"
# Call your DNS service here.
