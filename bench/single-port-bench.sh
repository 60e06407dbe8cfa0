#!/usr/bin/env bash
# One port for everything, measured (not run by CI):
#  1. TURN over TLS relay cost: coturn's TLS listener, Switchboard's dedicated TURNS port and
#     Switchboard's shared single port, each driven by the same `turnutils_uclient -S -t` load towards
#     turnutils_peer, in the same run; server CPU microseconds per echoed message (utime+stime).
#  2. HTTP request cost on a dedicated HTTP port and on a single port (through the demultiplexer): server
#     CPU microseconds per request, for keep-alive requests and for one new connection per request.
# Usage: bench/single-port-bench.sh
# Environment: CLIENTS (50), MESSAGES (2000), SIZE (171), INTERVAL_MS (5), REQUESTS (40000),
#              CONNECTIONS (8000), JAR (target/switchboard.jar).
# Switchboard's per-source budget for unauthenticated answers (turn.unauthenticated-*) is lifted: all
# load comes from one address here, and coturn has no such budget.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${CLIENTS:-50}
MESSAGES=${MESSAGES:-2000}
SIZE=${SIZE:-171}
INTERVAL_MS=${INTERVAL_MS:-5}
REQUESTS=${REQUESTS:-40000}
CONNECTIONS=${CONNECTIONS:-8000}
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
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -subj /CN=localhost -days 2 2>/dev/null
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tck=$(getconf CLK_TCK)
wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

PEER_PORT=$(free_port); COTURN_PORT=$(free_port); COTURN_TLS=$(free_port); SB_TURN=$(free_port); SB_TURNS=$(free_port); SB_ONE=$(free_port)
timeout 3600 turnutils_peer -L 127.0.0.1 -p "$PEER_PORT" >/dev/null 2>&1 & pids+=($!)
turnserver -n --listening-ip=127.0.0.1 --listening-port="$COTURN_PORT" --tls-listening-port="$COTURN_TLS" \
  --cert="$work/cert.pem" --pkey="$work/key.pem" --relay-ip=127.0.0.1 --min-port=40000 --max-port=44999 \
  --lt-cred-mech --user=bench:bench --realm=bench --allow-loopback-peers --no-cli --no-dtls --no-udp \
  --no-software-attribute --log-file=stdout --simple-log >"$work/coturn.log" 2>&1 & pids+=($!); COTURN_PID=$!
sb() { # sb NAME ARGS...: starts a Switchboard, sets SB_PID
  local name=$1; shift
  SWITCHBOARD_TURN_MAX_ALLOCATIONS_PER_USER=100000 SWITCHBOARD_TURN_UNAUTHENTICATED_BURST=100000 SWITCHBOARD_TURN_UNAUTHENTICATED_RATE=100000 java ${JAVA_OPTS:-} -jar "$JAR" --bind 127.0.0.1 \
    --turn-user bench:bench --turn-realm bench --turn-allow-peer 127.0.0.1/32 --tls-cert "$work/cert.pem" \
    --tls-key "$work/key.pem" --data-dir "$work/$name" "$@" >"$work/$name.log" 2>&1 & pids+=($!); SB_PID=$!
}
sb dedicated --http-port 0 --https-port 0 --turn-port "$SB_TURN" --turns-port "$SB_TURNS" --turn-relay-ports 45000-47499
DEDICATED_PID=$SB_PID
sb shared --single-port "$SB_ONE" --turn-relay-ports 47500-49999
SHARED_PID=$SB_PID
wait_port "$COTURN_TLS"; wait_port "$SB_TURNS"; wait_port "$SB_ONE"

relay() { # relay NAME PID PORT
  local name=$1 pid=$2 port=$3 before after out recv lost us
  timeout 120 turnutils_uclient -S -t -m 20 -n 500 -l "$SIZE" -z "$INTERVAL_MS" -u bench -w bench \
    -e 127.0.0.1 -r "$PEER_PORT" -p "$port" 127.0.0.1 >/dev/null 2>&1 || true
  before=$(cpu_ticks "$pid")
  out=$(timeout 600 turnutils_uclient -S -t -m "$CLIENTS" -n "$MESSAGES" -l "$SIZE" -z "$INTERVAL_MS" -u bench -w bench \
    -e 127.0.0.1 -r "$PEER_PORT" -p "$port" 127.0.0.1 2>&1 || true)
  after=$(cpu_ticks "$pid")
  recv=$( (grep -o 'tot_recv_msgs=[0-9]*' <<<"$out" || true) | tail -1 | cut -d= -f2)
  lost=$( (grep -o 'Total lost packets [0-9]* ([0-9.]*%)' <<<"$out" || true) | tail -1 | sed 's/Total lost packets //')
  us=$(awk -v t=$((after - before)) -v hz="$tck" -v n="${recv:-0}" 'BEGIN { if (n > 0) printf "%.2f", t / hz * 1e6 / n; else print "nan" }')
  printf '  %-22s echoed %8s  lost %-14s  server CPU %6s us/msg\n' "$name" "${recv:-?}" "${lost:-?}" "$us"
}
echo "TURN over TLS: uclient -S -t -m $CLIENTS -n $MESSAGES -l $SIZE -z $INTERVAL_MS"
relay "coturn TLS port" "$COTURN_PID" "$COTURN_TLS"
relay "switchboard TURNS port" "$DEDICATED_PID" "$SB_TURNS"
relay "switchboard single port" "$SHARED_PID" "$SB_ONE"
kill "$DEDICATED_PID" "$COTURN_PID"

# HTTP: GET /healthz, keep-alive on 4 connections, then a new connection per request (Connection: close)
HTTP_PORT=$(free_port)
sb http --http-port "$HTTP_PORT" --https-port 0 --turn-port 0
HTTP_PID=$SB_PID
wait_port "$HTTP_PORT"
load() { python3 - "$@" <<'PY'
import socket, sys, threading
port, mode, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
req = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
close = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
def read_response(s, buf):
    while b"\r\n\r\n" not in buf:
        buf += s.recv(65536)
    head, _, rest = buf.partition(b"\r\n\r\n")
    length = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
    while len(rest) < length:
        rest += s.recv(65536)
    return rest[length:]
def keepalive(count):
    s = socket.create_connection(("127.0.0.1", port)); buf = b""
    for _ in range(count):
        s.sendall(req); buf = read_response(s, buf)
    s.close()
def fresh(count):
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port)); s.sendall(close)
        while s.recv(65536):
            pass
        s.close()
work = keepalive if mode == "keepalive" else fresh
ts = [threading.Thread(target=work, args=(n // 4,)) for _ in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]
PY
}
http() { # http NAME PID PORT MODE N
  local name=$1 pid=$2 port=$3 mode=$4 n=$5 before after
  load "$port" "$mode" $((n / 4))
  before=$(cpu_ticks "$pid")
  load "$port" "$mode" "$n"
  after=$(cpu_ticks "$pid")
  awk -v t=$((after - before)) -v hz="$tck" -v n="$n" -v name="$name" -v mode="$mode" \
    'BEGIN { printf "  %-22s %-10s %6d requests  server CPU %6.2f us/request\n", name, mode, n, t / hz * 1e6 / n }'
}
for port in "$HTTP_PORT" "$SB_ONE"; do # warm-up: the JIT compiles the HTTP path in both processes
  load "$port" keepalive "$REQUESTS"; load "$port" fresh "$CONNECTIONS"
done
echo "HTTP GET /healthz (two rounds after a warm-up)"
for round in 1 2; do
  http "dedicated HTTP port" "$HTTP_PID" "$HTTP_PORT" keepalive "$REQUESTS"
  http "single port (demux)" "$SHARED_PID" "$SB_ONE" keepalive "$REQUESTS"
  http "dedicated HTTP port" "$HTTP_PID" "$HTTP_PORT" fresh "$CONNECTIONS"
  http "single port (demux)" "$SHARED_PID" "$SB_ONE" fresh "$CONNECTIONS"
done
