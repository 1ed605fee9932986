#!/usr/bin/env bash
# The certfleet lab: a real ACME CA (Pebble), real authoritative DNS (BIND), real nodes (OpenSSH + nginx)
# and a chat webhook receiver, all on loopback addresses of this machine. See docs/lab.md.
#
#   src/lab/lab.sh install                 install missing Debian packages (as root), start no daemon
#   src/lab/lab.sh start [--nodes N]       start everything (N = 1..50, default 4); writes $LAB_DIR/lab.env,
#                                          lab.json and certs.yaml (a certfleet config for the lab)
#   src/lab/lab.sh status                  what runs
#   src/lab/lab.sh stop                    stop exactly what start started, remove $LAB_DIR
#
# LAB_DIR defaults to $CERTFLEET_LAB_DIR or /tmp/certfleet-lab. LAB_NONCE_REJECT sets Pebble's percentage of
# rejected nonces (default 0; integration tests use 20).
set -euo pipefail

LAB_DIR=${CERTFLEET_LAB_DIR:-/tmp/certfleet-lab}
NODES=4
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PACKAGES=(pebble bind9 bind9-utils bind9-dnsutils nginx openssh-server openssh-client openssl python3 curl iproute2 bc
  lego certbot python3-certbot-dns-rfc2136
  postgresql-15) # the clustered daemon's tests start their own server from it (src/test/.../testing/pg)
NODE_NAMES=(cdn-frankfurt-1 cdn-fremont-1 sally esme)
CERTS=("media.hachyderm.io:media.hachyderm.io" "hachyderm.io:hachyderm.io,www.hachyderm.io" "files.hachyderm.io:files.hachyderm.io")
DNS_IPS=(127.0.0.53 127.0.0.54)
TSIG_NAME=certfleet-lab.
DELEGATION_ZONE=acme-delegation.net
WEBHOOK_PORT=18080
# Debian's interpreter when present: a version-manager shim adds start-up time and depends on the caller's environment.
PYTHON=$(command -v /usr/bin/python3 || command -v python3)

log() { printf '[lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

node_name() { # 1-based index -> name
  local i=$1
  if ((i <= ${#NODE_NAMES[@]})); then echo "${NODE_NAMES[i - 1]}"; else printf 'pop-%02d\n' "$i"; fi
}
node_ip() { echo "127.0.0.$((10 + $1))"; }

# ---- install ------------------------------------------------------------------------------------
cmd_install() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    log "all lab packages are installed"
    return
  fi
  ((EUID == 0)) || die "installing ${missing[*]} needs root"
  log "installing ${missing[*]}"
  # Package scripts must not start system daemons on 0.0.0.0: policy-rc.d 101 forbids it.
  local added_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    added_policy=yes
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [[ -z $added_policy ]] || rm -f /usr/sbin/policy-rc.d
}

# ---- processes ----------------------------------------------------------------------------------
# Every daemon runs in the foreground under setsid, so $! is the daemon itself and stop can end exactly it.
spawn() { # name logfile cmd...
  local name=$1 logfile=$2
  shift 2
  setsid "$@" >>"$logfile" 2>&1 </dev/null &
  LAST_PID=$!
  echo "$name $LAST_PID" >>"$LAB_DIR/pids"
}

wait_tcp() { # host port what [pid]: a dead process fails at once instead of after the timeout
  local host=$1 port=$2 what=$3 pid=${4:-} i
  for ((i = 0; i < 300; i++)); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then return 0; fi
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then die "$what (pid $pid) exited before listening on $host:$port"; fi
    sleep 0.1
  done
  die "$what did not listen on $host:$port within 30 s"
}

running() {
  [[ -f $LAB_DIR/pids ]] || return 1
  local name pid
  while read -r name pid; do
    kill -0 "$pid" 2>/dev/null && return 0
  done <"$LAB_DIR/pids"
  return 1
}

# ---- certificates -------------------------------------------------------------------------------
make_ca() {
  local dir=$LAB_DIR/pebble
  mkdir -p "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=certfleet lab CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,DNS:pebble,IP:127.0.0.1\n' >"$dir/san.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 30 \
    -extfile "$dir/san.ext" -out "$dir/server.pem" 2>/dev/null
}

# The nodes start with self-signed certificates that expire in 5 days: monitoring has something real to flag.
make_initial_certs() {
  local dir=$LAB_DIR/initial entry name sans san_ext
  mkdir -p "$dir"
  for entry in "${CERTS[@]}"; do
    name=${entry%%:*}
    sans=${entry#*:}
    san_ext="subjectAltName=DNS:${sans//,/,DNS:}"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 5 -subj "/CN=$name" \
      -addext "$san_ext" -keyout "$dir/$name.key" -out "$dir/$name.pem" 2>/dev/null
    # certbot writes PKCS#8 keys; so do we.
    openssl pkcs8 -topk8 -nocrypt -in "$dir/$name.key" -out "$dir/$name.pk8"
  done
}

install_initial_certs() { # base-dir
  local base=$1 entry name
  for entry in "${CERTS[@]}"; do
    name=${entry%%:*}
    mkdir -p "$base/archive/$name" "$base/live/$name"
    chmod 700 "$base/archive" "$base/live"
    cp "$LAB_DIR/initial/$name.pem" "$base/archive/$name/cert1.pem"
    cp "$LAB_DIR/initial/$name.pem" "$base/archive/$name/fullchain1.pem"
    : >"$base/archive/$name/chain1.pem"
    install -m 600 "$LAB_DIR/initial/$name.pk8" "$base/archive/$name/privkey1.pem"
    for kind in cert chain fullchain privkey; do
      ln -s "../../archive/$name/${kind}1.pem" "$base/live/$name/$kind.pem"
    done
  done
}

# ---- DNS ----------------------------------------------------------------------------------------
# BIND listens only on addresses configured on an interface; 127.0.0.0/8 is routed to lo but only
# 127.0.0.1 is assigned. Add the nameserver addresses (as /32) and remember them, so stop removes exactly those.
add_loopback_addresses() {
  local ip
  for ip in "${DNS_IPS[@]}"; do
    if ! ip -4 addr show dev lo | grep -q "inet $ip/"; then
      ip addr add "$ip/32" dev lo
      echo "$ip" >>"$LAB_DIR/addresses"
    fi
  done
}

start_dns() {
  local d=$LAB_DIR/dns
  add_loopback_addresses
  mkdir -p "$d/zones"
  tsig-keygen -a hmac-sha256 "$TSIG_NAME" >"$d/tsig.key"
  sed -n 's/.*secret "\(.*\)";.*/\1/p' "$d/tsig.key" >"$d/tsig.secret"
  chmod 600 "$d/tsig.key" "$d/tsig.secret"
  local serial
  serial=$(date +%s)
  cat >"$d/zones/root.db" <<EOF
\$TTL 60
.        SOA ns.lab. hostmaster.lab. $serial 3600 600 86400 60
.        NS  ns.lab.
ns.lab.  A   ${DNS_IPS[0]}
EOF
  cat >"$d/zones/hachyderm.io.db" <<EOF
\$TTL 60
@        SOA ns1.hachyderm.io. hostmaster.hachyderm.io. $serial 3600 600 86400 60
@        NS  ns1.hachyderm.io.
@        NS  ns2.hachyderm.io.
ns1      A   ${DNS_IPS[0]}
ns2      A   ${DNS_IPS[1]}
@        A   127.0.0.11
www      A   127.0.0.11
media    A   127.0.0.11
files    A   127.0.0.11
; media.hachyderm.io's challenge lives in a delegation zone, as in production.
_acme-challenge.media CNAME media.$DELEGATION_ZONE.
; A CNAME loop, for the test that certfleet detects one.
_acme-challenge.loop CNAME loop-back.hachyderm.io.
loop-back CNAME _acme-challenge.loop.hachyderm.io.
EOF
  cat >"$d/zones/$DELEGATION_ZONE.db" <<EOF
\$TTL 60
@        SOA ns1.hachyderm.io. hostmaster.hachyderm.io. $serial 3600 600 86400 60
@        NS  ns1.hachyderm.io.
@        NS  ns2.hachyderm.io.
EOF
  cat >"$d/named.conf" <<EOF
include "$d/tsig.key";
options {
  directory "$d";
  pid-file "$d/named.pid";
  session-keyfile "$d/session.key";
  managed-keys-directory "$d";
  listen-on port 53 { ${DNS_IPS[0]}; ${DNS_IPS[1]}; };
  listen-on-v6 { none; };
  // Recursion (loopback only) lets BIND chase the _acme-challenge CNAME into the delegation zone for
  // Pebble; the private root zone below keeps every lookup on this machine.
  recursion yes;
  allow-recursion { 127.0.0.0/8; };
  allow-query { 127.0.0.0/8; };
  query-source address 127.0.0.1;
  notify no;
  dnssec-validation no;
  empty-zones-enable no;
};
controls { };
logging { channel default_log { file "$d/named.log"; severity info; }; category default { default_log; }; };
zone "." { type primary; file "$d/zones/root.db"; };
zone "hachyderm.io" { type primary; file "$d/zones/hachyderm.io.db"; update-policy { grant $TSIG_NAME zonesub TXT; }; };
zone "$DELEGATION_ZONE" { type primary; file "$d/zones/$DELEGATION_ZONE.db"; update-policy { grant $TSIG_NAME zonesub TXT; }; };
EOF
  named-checkconf "$d/named.conf" || die "named.conf does not check"
  spawn named "$d/named.out" /usr/sbin/named -f -c "$d/named.conf"
  wait_tcp "${DNS_IPS[0]}" 53 BIND "$LAST_PID"
  wait_tcp "${DNS_IPS[1]}" 53 BIND "$LAST_PID"
}

# ---- ACME ---------------------------------------------------------------------------------------
start_pebble() {
  local d=$LAB_DIR/pebble
  cat >"$d/pebble.json" <<EOF
{"pebble": {"listenAddress": "127.0.0.1:14000", "managementListenAddress": "127.0.0.1:15000",
  "certificate": "$d/server.pem", "privateKey": "$d/server.key", "httpPort": 15002, "tlsPort": 15001,
  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
EOF
  spawn pebble "$d/pebble.log" env PEBBLE_VA_NOSLEEP=1 PEBBLE_AUTHZREUSE=0 \
    PEBBLE_WFE_NONCEREJECT="${LAB_NONCE_REJECT:-0}" /usr/bin/pebble -config "$d/pebble.json" -dnsserver "${DNS_IPS[0]}:53"
  wait_tcp 127.0.0.1 14000 Pebble "$LAST_PID"
  local i
  for ((i = 0; i < 50; i++)); do
    curl -sf --cacert "$d/ca.pem" https://127.0.0.1:14000/dir >/dev/null && break
    sleep 0.1
  done
  # Pebble makes a new issuing root at every start.
  curl -sf --cacert "$d/ca.pem" https://127.0.0.1:15000/roots/0 >"$d/issuer-root.pem" || die "cannot fetch Pebble's root"
}

# ---- nodes --------------------------------------------------------------------------------------
start_node() { # index
  local i=$1 name ip d
  name=$(node_name "$i")
  ip=$(node_ip "$i")
  d=$LAB_DIR/nodes/$name
  mkdir -p "$d/ssh" "$d/nginx/conf" "$d/nginx/logs" "$d/nginx/tmp" "$d/letsencrypt"
  install_initial_certs "$d/letsencrypt"
  ssh-keygen -q -t ed25519 -N '' -C "$name host key" -f "$d/ssh/host_ed25519"
  cat >"$d/ssh/sshd_config" <<EOF
ListenAddress $ip:2222
HostKey $d/ssh/host_ed25519
PidFile $d/ssh/sshd.pid
AuthorizedKeysFile $LAB_DIR/ssh/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
StrictModes no
MaxStartups 100:30:200
Subsystem sftp internal-sftp
SetEnv HOME=$LAB_DIR/home
EOF
  printf '[%s]:2222 %s\n' "$ip" "$(cut -d' ' -f1,2 "$d/ssh/host_ed25519.pub")" >>"$LAB_DIR/ssh/known_hosts"
  local p=$d/nginx servers="" entry cname sans
  for entry in "${CERTS[@]}"; do
    cname=${entry%%:*}
    sans=${entry#*:}
    servers+="
  server {
    listen $ip:8443 ssl;
    server_name ${sans//,/ };
    ssl_certificate $d/letsencrypt/live/$cname/fullchain.pem;
    ssl_certificate_key $d/letsencrypt/live/$cname/privkey.pem;
    return 200 \"$name $cname\\n\";
  }"
  done
  cat >"$p/conf/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $p/nginx.pid;
error_log $p/logs/error.log;
events { worker_connections 256; }
http {
  access_log off;
  # Debian's stock nginx.conf and Mozilla's "intermediate" profile; nginx 1.22's own default has no TLSv1.3.
  ssl_protocols TLSv1.2 TLSv1.3;
  client_body_temp_path $p/tmp/body;
  proxy_temp_path $p/tmp/proxy;
  fastcgi_temp_path $p/tmp/fastcgi;
  uwsgi_temp_path $p/tmp/uwsgi;
  scgi_temp_path $p/tmp/scgi;
$servers
}
EOF
  # Debian's nginx has /etc/nginx/nginx.conf compiled in: always pass -p and -c, or -t tests the system config.
  /usr/sbin/nginx -t -q -p "$p" -c "$p/conf/nginx.conf" || die "nginx config of $name does not test"
  spawn "nginx-$name" "$p/logs/nginx.out" /usr/sbin/nginx -p "$p" -c "$p/conf/nginx.conf"
  spawn "sshd-$name" "$d/ssh/sshd.out" /usr/sbin/sshd -D -f "$d/ssh/sshd_config" -E "$d/ssh/sshd.log"
}

# ---- webhook receiver ---------------------------------------------------------------------------
start_webhook() {
  mkdir -p "$LAB_DIR/webhook"
  printf 'http://127.0.0.1:%s/discord/api/webhooks/1/lab-token' "$WEBHOOK_PORT" >"$LAB_DIR/webhook/discord.url"
  chmod 600 "$LAB_DIR/webhook/discord.url"
  spawn webhook "$LAB_DIR/webhook/receiver.log" "$PYTHON" "$HERE/webhook_receiver.py" 127.0.0.1 "$WEBHOOK_PORT" \
    "$LAB_DIR/webhook/requests.jsonl"
  wait_tcp 127.0.0.1 "$WEBHOOK_PORT" "webhook receiver" "$LAST_PID"
}

# ---- generated descriptions ---------------------------------------------------------------------
write_descriptions() {
  local i name ip nodes_env="" nodes_json="" nodes_yaml="" members=""
  for ((i = 1; i <= NODES; i++)); do
    name=$(node_name "$i")
    ip=$(node_ip "$i")
    local p=$LAB_DIR/nodes/$name/nginx
    nodes_env+="$name=$ip "
    [[ -z $nodes_json ]] || nodes_json+=","
    nodes_json+="
    {\"name\": \"$name\", \"address\": \"$ip\", \"sshPort\": 2222, \"httpsPort\": 8443,
     \"prefix\": \"$p\", \"baseDir\": \"$LAB_DIR/nodes/$name/letsencrypt\",
     \"testCommand\": \"/usr/sbin/nginx -t -p $p -c $p/conf/nginx.conf\",
     \"reloadCommand\": \"/usr/sbin/nginx -s reload -p $p -c $p/conf/nginx.conf\",
     \"nginxPidFile\": \"$p/nginx.pid\"}"
    nodes_yaml+="
  - name: $name
    address: $ip
    base-dir: $LAB_DIR/nodes/$name/letsencrypt
    test-command: /usr/sbin/nginx -t -p $p -c $p/conf/nginx.conf
    reload-command: /usr/sbin/nginx -s reload -p $p -c $p/conf/nginx.conf"
    members+="${members:+, }$name"
  done
  cat >"$LAB_DIR/lab.env" <<EOF
LAB_DIR=$LAB_DIR
NODE_COUNT=$NODES
NODES="${nodes_env% }"
PEBBLE_DIR_URL=https://127.0.0.1:14000/dir
PEBBLE_CA=$LAB_DIR/pebble/ca.pem
PEBBLE_ISSUER_ROOT=$LAB_DIR/pebble/issuer-root.pem
DNS_SERVERS="${DNS_IPS[*]}"
TSIG_KEY_NAME=$TSIG_NAME
TSIG_ALGORITHM=hmac-sha256
TSIG_SECRET_FILE=$LAB_DIR/dns/tsig.secret
TSIG_KEY_FILE=$LAB_DIR/dns/tsig.key
DELEGATION_ZONE=$DELEGATION_ZONE
SSH_KEY=$LAB_DIR/ssh/id_ed25519
KNOWN_HOSTS=$LAB_DIR/ssh/known_hosts
WEBHOOK_BASE=http://127.0.0.1:$WEBHOOK_PORT
WEBHOOK_URL=$(cat "$LAB_DIR/webhook/discord.url")
CERTFLEET_CONFIG=$LAB_DIR/certs.yaml
EOF
  cat >"$LAB_DIR/lab.json" <<EOF
{
  "dir": "$LAB_DIR",
  "pebbleDirectory": "https://127.0.0.1:14000/dir",
  "pebbleCa": "$LAB_DIR/pebble/ca.pem",
  "pebbleIssuerRoot": "$LAB_DIR/pebble/issuer-root.pem",
  "dnsServers": ["${DNS_IPS[0]}", "${DNS_IPS[1]}"],
  "tsigKeyName": "$TSIG_NAME",
  "tsigAlgorithm": "hmac-sha256",
  "tsigSecretFile": "$LAB_DIR/dns/tsig.secret",
  "delegationZone": "$DELEGATION_ZONE",
  "sshKey": "$LAB_DIR/ssh/id_ed25519",
  "knownHosts": "$LAB_DIR/ssh/known_hosts",
  "webhookBase": "http://127.0.0.1:$WEBHOOK_PORT",
  "config": "$LAB_DIR/certs.yaml",
  "certificates": ["media.hachyderm.io", "hachyderm.io", "files.hachyderm.io"],
  "nodes": [$nodes_json
  ]
}
EOF
  cat >"$LAB_DIR/certs.yaml" <<EOF
# certfleet configuration for the local lab (generated by src/lab/lab.sh; see docs/lab.md).
acme:
  directory: https://127.0.0.1:14000/dir
  email: ops@hachyderm.io
  agree-to-terms: true
  ca-certificates: $LAB_DIR/pebble/ca.pem
dns:
  default-provider: lab-bind
  propagation:
    timeout: 30s
    interval: 1s
    resolvers: ["${DNS_IPS[0]}:53"]
  providers:
    - name: lab-bind
      type: rfc2136
      options:
        server: ${DNS_IPS[0]}:53
        tsig-key-name: $TSIG_NAME
        tsig-algorithm: hmac-sha256
        tsig-secret: \${file:$LAB_DIR/dns/tsig.secret}
certificates:
  - name: media.hachyderm.io
    domains: [media.hachyderm.io]
    deploy-to: [cdn]
  - name: hachyderm.io
    domains: [hachyderm.io, www.hachyderm.io]
    deploy-to: [cdn]
  - name: files.hachyderm.io
    domains: [files.hachyderm.io]
    deploy-to: [cdn]
node-defaults:
  ssh:
    user: root
    port: 2222
    private-key: $LAB_DIR/ssh/id_ed25519
    known-hosts: $LAB_DIR/ssh/known_hosts
    connect-timeout: 5s
    command-timeout: 30s
  layout: certbot
  probe-port: 8443
nodes:$nodes_yaml
groups:
  - name: cdn
    nodes: [$members]
alerts:
  warn-before: 14d
  repeat-every: 24h
  channels:
    - name: lab-chat
      type: discord
      options:
        webhook-url: \${file:$LAB_DIR/webhook/discord.url}
inventory:
  ca-bundle: $LAB_DIR/pebble/issuer-root.pem
schedule:
  time-zone: UTC
  renewal-check: "0/30 * * * * ?"
  inventory-scan: "15/30 * * * * ?"
  report: "0 0/5 * * * ?"
state:
  dir: $LAB_DIR/certfleet-state
EOF
}

# ---- commands -----------------------------------------------------------------------------------
cmd_start() {
  ((NODES >= 1 && NODES <= 50)) || die "--nodes must be 1..50"
  if running; then die "a lab is already running in $LAB_DIR (src/lab/lab.sh stop first)"; fi
  rm -rf "$LAB_DIR"
  mkdir -p "$LAB_DIR/ssh"
  # The nodes' login HOME: empty, so the host's root rc files (pyenv and the like on a dev machine) do not
  # run on every SSH command, as they would not on a node with its own deploy user.
  mkdir -p -m 700 "$LAB_DIR/home"
  chmod 755 "$LAB_DIR"
  : >"$LAB_DIR/pids"
  local started=$SECONDS
  # sshd refuses to start without its privilege-separation directory, which systemd normally creates.
  mkdir -p /run/sshd && chmod 755 /run/sshd
  # Whatever ends start early (a failed command or die), nothing it started is left running.
  trap 'rc=$?; if ((rc != 0)); then show_logs; log "start failed; stopping what started"; cmd_stop; fi' EXIT
  log "certificates"
  make_ca
  make_initial_certs
  ssh-keygen -q -t ed25519 -N '' -C "certfleet lab client" -f "$LAB_DIR/ssh/id_ed25519"
  cp "$LAB_DIR/ssh/id_ed25519.pub" "$LAB_DIR/ssh/authorized_keys"
  : >"$LAB_DIR/ssh/known_hosts"
  log "BIND on ${DNS_IPS[*]}:53"
  start_dns
  log "Pebble on 127.0.0.1:14000"
  start_pebble
  log "$NODES node(s): sshd on 127.0.0.x:2222, nginx on 127.0.0.x:8443"
  local i
  for ((i = 1; i <= NODES; i++)); do start_node "$i"; done
  for ((i = 1; i <= NODES; i++)); do
    wait_tcp "$(node_ip "$i")" 2222 "sshd of $(node_name "$i")"
    wait_tcp "$(node_ip "$i")" 8443 "nginx of $(node_name "$i")"
  done
  log "webhook receiver on 127.0.0.1:$WEBHOOK_PORT"
  start_webhook
  write_descriptions
  trap - EXIT
  log "ready in $((SECONDS - started)) s: source $LAB_DIR/lab.env; config $LAB_DIR/certs.yaml"
}

# The last lines of every non-empty lab log, so a failed start says why before its folder is removed.
show_logs() {
  local f
  find "$LAB_DIR" \( -name '*.log' -o -name '*.out' \) -size +0 2>/dev/null | while read -r f; do
    echo "--- $f" >&2
    tail -3 "$f" >&2
  done
}

cmd_stop() {
  if [[ -f $LAB_DIR/pids ]]; then
    local name pid i
    while read -r name pid; do
      kill -TERM "$pid" 2>/dev/null || true
    done <"$LAB_DIR/pids"
    while read -r name pid; do
      for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      if kill -0 "$pid" 2>/dev/null; then
        log "$name ($pid) did not stop in 5 s; killing"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done <"$LAB_DIR/pids"
  fi
  if [[ -f $LAB_DIR/addresses ]]; then
    local ip
    while read -r ip; do ip addr del "$ip/32" dev lo 2>/dev/null || true; done <"$LAB_DIR/addresses"
  fi
  rm -rf "$LAB_DIR"
  log "stopped"
}

cmd_status() {
  [[ -f $LAB_DIR/pids ]] || { echo "no lab in $LAB_DIR"; return 1; }
  local name pid rc=0
  while read -r name pid; do
    if kill -0 "$pid" 2>/dev/null; then echo "up    $name ($pid)"; else echo "DOWN  $name ($pid)"; rc=1; fi
  done <"$LAB_DIR/pids"
  return $rc
}

command=${1:-}
shift || true
while (($#)); do
  case $1 in
    --nodes) NODES=$2; shift 2 ;;
    --dir) LAB_DIR=$2; shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
case $command in
  install) cmd_install ;;
  start) cmd_install; cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) sed -n '2,13p' "$0" >&2; exit 2 ;;
esac
