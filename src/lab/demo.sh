#!/usr/bin/env bash
# README command 1: certfleet's main job end to end on the local lab.
# Installs the lab packages if missing (as root), builds certfleet, starts the lab, shows what every node
# serves, runs check -> inventory -> renew -> distribute -> inventory -> report, shows the chat messages,
# and stops the lab. Steps whose command is not built yet are reported as such, never as a success.
set -euo pipefail
cd "$(dirname "$0")/../.."
LAB=src/lab/lab.sh
export CERTFLEET_LAB_DIR=${CERTFLEET_LAB_DIR:-/tmp/certfleet-lab}
START=$SECONDS

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "1/4 installing lab packages if missing"
$LAB install

say "2/4 building certfleet (mvn package, tests skipped here; README command 2 runs them)"
if [[ ! -f target/certfleet.jar || -n $(find src pom.xml -newer target/certfleet.jar -print -quit) ]]; then
  mvn -B -q -DskipTests package
fi
ls -l target/certfleet.jar

say "3/4 starting the lab"
if $LAB status >/dev/null 2>&1; then
  echo "a lab is already running in $CERTFLEET_LAB_DIR; stop it first: $LAB stop" >&2
  exit 1
fi
trap '$LAB stop >/dev/null 2>&1 || true' EXIT INT TERM
$LAB start --nodes "${DEMO_NODES:-4}"
# shellcheck disable=SC1091
source "$CERTFLEET_LAB_DIR/lab.env"

served() {
  printf '%-16s %-20s %-34s %s\n' NODE NAME SERIAL "NOT AFTER"
  local pair name ip sni
  for pair in $NODES; do
    name=${pair%%=*}
    ip=${pair#*=}
    for sni in media.hachyderm.io www.hachyderm.io files.hachyderm.io; do
      local cert
      cert=$(echo | timeout 5 openssl s_client -connect "$ip:8443" -servername "$sni" 2>/dev/null | openssl x509 -noout -serial -enddate 2>/dev/null || true)
      printf '%-16s %-20s %-34s %s\n' "$name" "$sni" "$(sed -n 's/serial=//p' <<<"$cert")" "$(sed -n 's/notAfter=//p' <<<"$cert")"
    done
  done
}

declare -a RAN=() MISSING=() FAILED=()
step() { # label, certfleet arguments...
  local label=$1
  shift
  printf '\n\033[1m-- %s\033[0m  (certfleet %s)\n' "$label" "$*"
  local t=$SECONDS out rc=0
  out=$(src/main/sh/certfleet --config "$CERTFLEET_CONFIG" "$@" 2>&1) || rc=$?
  printf '%s\n' "$out"
  if ((rc == 1)) && grep -q "not available yet" <<<"$out"; then
    echo "NOT AVAILABLE YET: certfleet $*"
    MISSING+=("$*")
  elif ((rc == 0)); then
    echo "ok in $((SECONDS - t)) s"
    RAN+=("$*")
  else
    echo "FAILED (exit $rc) in $((SECONDS - t)) s"
    FAILED+=("$*")
  fi
}

say "4/4 the main job"
echo "What every node serves now (each a self-signed certificate that expires in a few days):"
served
step "validate the configuration" check --resolve-secrets
step "inventory before, alerting (the nodes serve self-signed certificates: findings go to chat once)" inventory --alert --fail-on never
step "renew via ACME DNS-01 (Pebble + BIND, CNAME delegation); distribution is the next step" renew --no-distribute
step "distribute to every node over SSH (canary first), verify by TLS" distribute
step "distribute again: every node already serves the current version" distribute
step "inventory after: issued = deployed = served on every node; the findings are resolved in chat" inventory --alert
step "expiry report to chat" report --chat
echo
echo "What every node serves after the job:"
served
echo
echo "Chat messages the webhook receiver got:"
curl -s "$WEBHOOK_BASE/requests" | python3 -c '
import json, sys
msgs = json.load(sys.stdin)
print("  (none)" if not msgs else "")
for m in msgs:
    print("  %s %s: %s" % (m["method"], m["path"], m["body"][:300]))
'
say "summary after $((SECONDS - START)) s"
echo "ran:                ${RAN[*]:-none}"
echo "not available yet:  ${MISSING[*]:-none}"
echo "failed:             ${FAILED[*]:-none}"
((${#FAILED[@]} == 0))
