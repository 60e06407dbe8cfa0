#!/usr/bin/env bash
# Relay cost side by side: coturn's turnserver and Switchboard on loopback, driven by the same
# turnutils_uclient load towards turnutils_peer. Prints loss, round trip and server CPU microseconds
# per echoed message (utime+stime from /proc/PID/stat), and the Switchboard/coturn ratio.
# Not run by CI. Usage: bench/turn-bench.sh [extra uclient args, e.g. -t for TCP]
# Environment: CLIENTS (100), MESSAGES (3000), SIZE (171), INTERVAL_MS (5), JAR (target/switchboard.jar).
# Switchboard's per-source budget for unauthenticated answers (turn.unauthenticated-*) is lifted: all
# load comes from one address here, and coturn has no such budget.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${CLIENTS:-100}
MESSAGES=${MESSAGES:-3000}
SIZE=${SIZE:-171}
INTERVAL_MS=${INTERVAL_MS:-5}
JAR=${JAR:-target/switchboard.jar}
[ -f "$JAR" ] || { echo "build first: mvn -o -B -q package -DskipTests" >&2; exit 1; }
command -v turnserver >/dev/null || { echo "needs coturn (turnserver, turnutils_*)" >&2; exit 1; }

free_port() { python3 -c '
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
'; }
PEER_PORT=$(free_port); COTURN_PORT=$(free_port); SB_PORT=$(free_port)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT && echo "work dir $work"

timeout 3600 turnutils_peer -L 127.0.0.1 -p "$PEER_PORT" >/dev/null 2>&1 & pids+=($!)
turnserver -n --listening-ip=127.0.0.1 --listening-port="$COTURN_PORT" --relay-ip=127.0.0.1 \
  --min-port=40000 --max-port=44999 --lt-cred-mech --user=bench:bench --realm=bench \
  --allow-loopback-peers --no-cli --no-tls --no-dtls --no-software-attribute --log-file=stdout --simple-log \
  >"$work/coturn.log" 2>&1 & pids+=($!); COTURN_PID=$!
SWITCHBOARD_TURN_MAX_ALLOCATIONS_PER_USER=100000 SWITCHBOARD_TURN_UNAUTHENTICATED_BURST=100000 SWITCHBOARD_TURN_UNAUTHENTICATED_RATE=100000 java ${JAVA_OPTS:-} -jar "$JAR" --bind 127.0.0.1 --http-port 0 --turn-port "$SB_PORT" --turn-user bench:bench \
  --turn-realm bench --turn-allow-peer 127.0.0.1/32 --turn-relay-ports 45000-49999 --data-dir "$work/sb" \
  >"$work/sb.log" 2>&1 & pids+=($!); SB_PID=$!
sleep 4

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tck=$(getconf CLK_TCK)

# run NAME PID PORT -> prints a line and sets LAST_US
run() {
  local name=$1 pid=$2 port=$3; shift 3
  # warm-up (JIT for the JVM; the same for coturn to be fair)
  timeout 120 turnutils_uclient -m 50 -n 1000 -l "$SIZE" -z "$INTERVAL_MS" -u bench -w bench \
    -e 127.0.0.1 -r "$PEER_PORT" -p "$port" "$@" 127.0.0.1 >/dev/null 2>&1 || true
  local before after out
  before=$(cpu_ticks "$pid")
  out=$(timeout 600 turnutils_uclient -m "$CLIENTS" -n "$MESSAGES" -l "$SIZE" -z "$INTERVAL_MS" -u bench -w bench \
    -e 127.0.0.1 -r "$PEER_PORT" -p "$port" "$@" 127.0.0.1 2>&1 || true)
  after=$(cpu_ticks "$pid")
  local recv lost rtt
  recv=$( (grep -o 'tot_recv_msgs=[0-9]*' <<<"$out" || true) | tail -1 | cut -d= -f2)
  lost=$( (grep -o 'Total lost packets [0-9]* ([0-9.]*%)' <<<"$out" || true) | tail -1 | sed 's/Total lost packets //')
  rtt=$( (grep -o 'Average round trip delay [0-9.]* ms' <<<"$out" || true) | tail -1 | awk '{print $5}')
  if [ -z "$recv" ]; then echo "$name: uclient failed:" >&2; tail -5 <<<"$out" >&2; fi
  LAST_US=$(awk -v t=$((after - before)) -v hz="$tck" -v n="${recv:-0}" 'BEGIN { if (n > 0) printf "%.2f", t / hz * 1e6 / n; else print "nan" }')
  printf '%-12s echoed %8s  lost %-16s  rtt %7s ms  server CPU %6s us/msg\n' "$name" "${recv:-?}" "${lost:-?}" "${rtt:-?}" "$LAST_US"
}

echo "uclient -m $CLIENTS -n $MESSAGES -l $SIZE -z $INTERVAL_MS $* (offered $((CLIENTS * 1000 / INTERVAL_MS)) msgs/s)"
run coturn "$COTURN_PID" "$COTURN_PORT" "$@"; C=$LAST_US
run switchboard "$SB_PID" "$SB_PORT" "$@"; S=$LAST_US
awk -v s="$S" -v c="$C" 'BEGIN { if (c > 0) printf "ratio switchboard/coturn CPU per message: %.2f\n", s / c }'
