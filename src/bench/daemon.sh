#!/usr/bin/env bash
# The daemon's idle cost and one-shot start-up, on the local lab (4 nodes, 3 certificates), each next to a
# peer measured in the same run. Writes the block between the daemon markers in docs/benchmarks.md.
#
#   src/bench/daemon.sh            RUNS=5 start-up runs, IDLE_SECONDS=60 of idle sampling
#
# Rows:
#   - `certfleet check` (launcher, JVM start included) vs `certbot certificates` (certbot's own start-up and
#     config read with an empty config dir): the goal is check under 1 s.
#   - the daemon's resident memory and CPU while idle (production-like schedule: renewal checks every 6 h,
#     inventory hourly, so nothing is due during the sampling), after its start-up cycle (inventory of 3
#     certificates x 4 nodes, alerts, 3 renewals + distribution) has finished, vs a bare JVM with the same
#     flags that only sleeps: the goal is under 150 MB RSS and negligible CPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
IDLE_SECONDS=${IDLE_SECONDS:-60}
OUT=${OUT:-docs/benchmarks.md}
export CERTFLEET_LAB_DIR=${CERTFLEET_LAB_DIR:-/tmp/certfleet-lab}
LAB=src/lab/lab.sh
JAR=target/certfleet.jar
# The flags and environment of the systemd unit in docs/operations.md.
read -r -a DAEMON_JVM <<<"${DAEMON_JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xms16m -Xmx128m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:ReservedCodeCacheSize=32m}"
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
WORK=$(mktemp -d /tmp/certfleet-bench-daemon.XXXXXX)
PIDS=()

[[ -f $JAR ]] || { echo "$JAR missing: mvn -B -DskipTests package" >&2; exit 1; }
if $LAB status >/dev/null 2>&1; then
  echo "a lab is already running in $CERTFLEET_LAB_DIR; stop it first ($LAB stop)" >&2
  exit 1
fi
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  $LAB stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
$LAB start --nodes 4 >&2

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
CFG=$WORK/certs.yaml
sed -e "s|dir: $CERTFLEET_LAB_DIR/certfleet-state|dir: $WORK/state|" \
  -e 's|renewal-check: "[^"]*"|renewal-check: "0 17 */6 * * ?"|' \
  -e 's|inventory-scan: "[^"]*"|inventory-scan: "0 5 * * * ?"|' \
  -e 's|report: "[^"]*"|report: "0 0 9 ? * MON"|' "$CERTFLEET_LAB_DIR/certs.yaml" >"$CFG"
printf 'daemon:\n  listen: 127.0.0.1:%s\n' "$PORT" >>"$CFG"

median() { python3 -c 'import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print("%.2f %.2f %.2f" % (statistics.median(v), min(v), max(v)))' "$@"; }
timed() { # COMMAND... -> seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

# ---- one-shot start-up --------------------------------------------------------------------------------
check_times=() certbot_times=()
mkdir -p "$WORK/certbot"
# The launcher's first run with a new jar also writes its class-data-sharing archive; timed on its own.
export CERTFLEET_CDS_DIR=$WORK/cds
CHECK_FIRST=$(timed src/main/sh/certfleet --config "$CFG" check)
ls "$CERTFLEET_CDS_DIR"/certfleet-*.jsa >/dev/null || { echo "the launcher wrote no CDS archive" >&2; exit 1; }
for ((i = 1; i <= ${STARTUP_RUNS:-$RUNS}; i++)); do
  check_times+=("$(timed src/main/sh/certfleet --config "$CFG" check)")
  certbot_times+=("$(timed certbot certificates --config-dir "$WORK/certbot" --work-dir "$WORK/certbot" --logs-dir "$WORK/certbot")")
  echo "  start-up run $i: check ${check_times[-1]} s, certbot ${certbot_times[-1]} s" >&2
done
read -r CHECK_MED CHECK_MIN CHECK_MAX <<<"$(median "${check_times[@]}")"
read -r CB_MED CB_MIN CB_MAX <<<"$(median "${certbot_times[@]}")"

# ---- idle cost ------------------------------------------------------------------------------------------
# sample PID SECONDS -> "rss_mib cpu_percent_of_one_core"
sample() {
  local pid=$1 secs=$2 hz t0 t1
  hz=$(getconf CLK_TCK)
  t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  sleep "$secs"
  t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  local rss hwm
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
  python3 -c "print('%.1f %.2f %.1f' % ($rss / 1024, ($t1 - $t0) / $hz / $secs * 100, $hwm / 1024))"
}

java "${DAEMON_JVM[@]}" -jar "$JAR" --config "$CFG" daemon >"$WORK/daemon.log" 2>&1 &
DAEMON=$!
PIDS+=("$DAEMON")
for ((i = 0; i < 240; i++)); do
  # ready = the start-up cycle finished; then wait for the renewals it queued (3 certificates)
  if curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null \
    && (($(grep -c 'renew:.*: renewed' "$WORK/daemon.log" || true) >= 3)); then
    break
  fi
  sleep 0.5
done
(($(grep -c 'renew:.*: renewed' "$WORK/daemon.log" || true) >= 3)) || { echo "the daemon did not finish its start-up cycle:" >&2; tail -30 "$WORK/daemon.log" >&2; exit 1; }
sleep 5
read -r D_RSS D_CPU D_HWM <<<"$(sample "$DAEMON" "$IDLE_SECONDS")"
D_THREADS=$(awk '/^Threads:/ {print $2}' "/proc/$DAEMON/status")
kill -TERM "$DAEMON"
wait "$DAEMON" || { echo "the daemon did not exit 0 on SIGTERM" >&2; exit 1; }

mkdir -p "$WORK/idle"
printf 'public class Idle { public static void main(String[] a) throws Exception { Thread.sleep(Long.MAX_VALUE); } }\n' >"$WORK/idle/Idle.java"
javac -d "$WORK/idle" "$WORK/idle/Idle.java"
java "${DAEMON_JVM[@]}" -cp "$WORK/idle" Idle &
IDLE=$!
PIDS+=("$IDLE")
sleep 5
read -r J_RSS J_CPU J_HWM <<<"$(sample "$IDLE" "$IDLE_SECONDS")"
kill "$IDLE"

BLOCK=$WORK/block.md
{
  echo "<!-- daemon:begin (written by src/bench/daemon.sh) -->"
  echo "## The daemon at rest, and one-shot start-up"
  echo
  echo "Measured by \`src/bench/daemon.sh\` (RUNS=$RUNS, IDLE_SECONDS=$IDLE_SECONDS) on $(date -u +%Y-%m-%d), lab with 4 nodes and"
  echo "3 certificates, same machine as above. Peers in the same run."
  echo
  echo "| what | result | peer in the same run | ratio | goal |"
  echo "|---|---|---|---|---|"
  printf '| `certfleet check` (launcher, JVM start included), median of %d (min-max) | %.2f s (%.2f-%.2f) | `certbot certificates`: %.2f s (%.2f-%.2f) | %.2fx | under 1 s |\n' \
    "$RUNS" "$CHECK_MED" "$CHECK_MIN" "$CHECK_MAX" "$CB_MED" "$CB_MIN" "$CB_MAX" "$(echo "$CHECK_MED / $CB_MED" | bc -l)"
  printf '| `certfleet check`, the first run with a new jar (also builds the class-data-sharing archive, once) | %.2f s | | | |\n' "$CHECK_FIRST"
  printf '| daemon idle RSS after its start-up cycle | %.1f MiB (peak during the cycle %.1f MiB) | bare JVM, same flags, sleeping: %.1f MiB | %.2fx | under 150 MB |\n' \
    "$D_RSS" "$D_HWM" "$J_RSS" "$(echo "$D_RSS / $J_RSS" | bc -l)"
  printf '| daemon idle CPU over %d s | %.2f %% of one core (%d threads) | bare JVM: %.2f %% | | negligible |\n' \
    "$IDLE_SECONDS" "$D_CPU" "$D_THREADS" "$J_CPU"
  echo
  echo "The daemon runs with the systemd unit's JVM flags (\`${DAEMON_JVM[*]}\`) and"
  echo "\`MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX\`: a heap that starts at 16 MiB, may grow to 128 MiB and gives memory back after each job (the daemon collects"
  echo "after every job, and MaxHeapFreeRatio lets the heap shrink), serial GC (no GC threads idling), C1 only"
  echo "(no C2 compiler threads or large code cache; the daemon waits on the network, not on its CPU), small thread"
  echo "stacks, two malloc arenas instead of one per thread. \`check\` runs through the launcher, whose first"
  echo "run builds a class-data-sharing archive that later runs map. Idle means between jobs: the schedule is"
  echo "production-like (renewal checks every 6 h, inventory hourly), after the start-up cycle (inventory, alerts,"
  echo "three renewals and their distribution to 4 nodes) finished; RSS is VmRSS at the end of the sampling, CPU"
  echo "is utime+stime over the sampling period."
  echo "<!-- daemon:end -->"
} >"$BLOCK"
python3 - "$OUT" "$BLOCK" <<'PY'
import re, sys
out, block = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(out).read()
pat = re.compile(r"<!-- daemon:begin.*?<!-- daemon:end -->", re.S)
text = pat.sub(lambda m: block, text) if pat.search(text) else text.rstrip("\n") + "\n\n" + block + "\n"
open(out, "w").write(text)
PY
echo "wrote the daemon block of $OUT" >&2
cat "$BLOCK"
