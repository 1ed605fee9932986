#!/usr/bin/env bash
# certfleet `exec` DNS provider hook: publishes DNS-01 records with nsupdate (RFC 2136, TSIG-signed).
#
#   dns:
#     providers:
#       - name: primary
#         type: exec
#         options: {command: /etc/certfleet/hooks/dns/nsupdate.sh}
#
# certfleet runs it as `nsupdate.sh present|cleanup FQDN VALUE` (FQDN absolute, with a trailing dot) and also
# sets CERTFLEET_ZONE and CERTFLEET_TTL. Configure it through certfleet's environment:
#   NSUPDATE_SERVER    primary nameserver address (an IP), e.g. 198.51.100.53
#   NSUPDATE_PORT      port, default 53
#   NSUPDATE_KEY_FILE  TSIG key in BIND's format (as written by tsig-keygen), readable by certfleet only
set -euo pipefail
action=${1:?usage: nsupdate.sh present|cleanup FQDN VALUE}
fqdn=${2:?FQDN missing}
value=${3:?VALUE missing}
: "${NSUPDATE_SERVER:?set NSUPDATE_SERVER to the address of the primary nameserver}"
: "${NSUPDATE_KEY_FILE:?set NSUPDATE_KEY_FILE to the TSIG key file}"
zone=${CERTFLEET_ZONE:-}
ttl=${CERTFLEET_TTL:-60}

case $action in
  present) change="update add $fqdn $ttl TXT \"$value\"" ;;
  cleanup) change="update delete $fqdn TXT \"$value\"" ;;
  *) echo "unknown action $action (expected present or cleanup)" >&2; exit 2 ;;
esac

# -v: TCP; -t: give up after 10 s. The key never appears on the command line.
nsupdate -v -t 10 -k "$NSUPDATE_KEY_FILE" <<EOF_UPDATE
server $NSUPDATE_SERVER ${NSUPDATE_PORT:-53}
${zone:+zone $zone}
$change
send
EOF_UPDATE
