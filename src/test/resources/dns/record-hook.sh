#!/bin/sh
# Test hook: records its arguments and environment; fails or hangs on request.
echo "$1 $2 $3 zone=$CERTFLEET_ZONE ttl=$CERTFLEET_TTL domain=$CERTBOT_DOMAIN validation=$CERTBOT_VALIDATION" >> "$(dirname "$0")/hook.log"
case "$3" in
  fail) echo "provider API said no" >&2; exit 3 ;;
  hang) sleep 30 ;;
esac
exit 0
