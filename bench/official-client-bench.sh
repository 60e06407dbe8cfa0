#!/usr/bin/env bash
# Signaling cost with the official Node.js client (npm socket.io-client 4.8) driving Switchboard and the
# Node.js + Socket.IO baseline (bench/node-codelab-server.js) in one run: codelab rooms of two clients
# ping-ponging ICE-candidate-sized `message`s (bench/official-client-bench.mjs), server CPU per relayed
# message from /proc, ratio Switchboard/Node per room count. Loopback only; not run by CI.
#
#   bash bench/official-client-bench.sh [--rooms 1,200,1000] [--repeat 2] [--transports upgrade|websocket] ...
# Environment: JAR (target/switchboard.jar, built if missing), JAVA_OPTS (extra JVM options for Switchboard),
# EXTRA ("name=path[=jvm-option] ..." more Switchboard processes to compare: the jar of an earlier commit,
# or the same jar on another transport, e.g. EXTRA="uring=target/switchboard.jar=-Dswitchboard.transport=io_uring").
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
JAR=${JAR:-target/switchboard.jar}
[ -d node_modules/socket.io-client ] || npm ci --no-audit --no-fund
[ -f "$JAR" ] || mvn -o -B -q -DskipTests package

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

servers=()
node_port=$(free_port)
node bench/node-codelab-server.js "$node_port" >"$work/node.log" 2>&1 & pids+=($!)
servers+=("node=http://127.0.0.1:$node_port@$!")
start_switchboard() { # NAME JAR [JVM-OPTION]
    local port; port=$(free_port)
    mkdir -p "$work/$1"
    SWITCHBOARD_SIGNALING_MESSAGES_PER_SECOND=1000000 SWITCHBOARD_SIGNALING_MESSAGE_BURST=1000000 \
    SWITCHBOARD_HTTP_MAX_CONNECTIONS_PER_IP=1000000 SWITCHBOARD_SIGNALING_NEW_SESSIONS_PER_SECOND=1000000 \
    SWITCHBOARD_SIGNALING_NEW_SESSION_BURST=1000000 \
        java ${JAVA_OPTS:-} ${3:-} -jar "$2" --bind 127.0.0.1 --http-port "$port" --https-port 0 --turn-port 0 \
        --data-dir "$work/$1" >"$work/$1.log" 2>&1 & pids+=($!)
    servers+=("$1=http://127.0.0.1:$port@$!")
    for _ in $(seq 200); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
    grep -m1 -i "listening" "$work/$1.log" || true
}
start_switchboard switchboard "$JAR"
for extra in ${EXTRA:-}; do IFS== read -r n j o <<<"$extra"; start_switchboard "$n" "$j" "$o"; done
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$node_port/mem" >/dev/null && break; sleep 0.1; done

echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); node $(node -v); load $(cut -d' ' -f1-3 /proc/loadavg)"
node bench/official-client-bench.mjs "$@" "${servers[@]}" | tee target/bench-official-client.txt
