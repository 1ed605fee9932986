#!/bin/sh
# certfleet deploy hook: appends one line per node result to a log file (default: ./certfleet-deploys.log).
# Configure in certs.yaml:  deploy: { hooks: [hooks/deploy/log-results.sh] }
# certfleet sets CERTFLEET_CERT_NAME, CERTFLEET_VERSION, CERTFLEET_SERIAL, CERTFLEET_NODES_OK,
# CERTFLEET_NODES_FAILED, CERTFLEET_RESULTS (JSON) and the local live paths; see docs/configuration.md.
set -eu
log=${CERTFLEET_DEPLOY_LOG:-./certfleet-deploys.log}
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for node in $CERTFLEET_NODES_OK; do
  printf '%s %s v%s serial %s on %s: ok\n' "$now" "$CERTFLEET_CERT_NAME" "$CERTFLEET_VERSION" "$CERTFLEET_SERIAL" "$node" >>"$log"
done
for node in $CERTFLEET_NODES_FAILED; do
  printf '%s %s v%s serial %s on %s: FAILED\n' "$now" "$CERTFLEET_CERT_NAME" "$CERTFLEET_VERSION" "$CERTFLEET_SERIAL" "$node" >>"$log"
done
