#!/usr/bin/env bash
# What serving Socket.IO 2.x clients (Engine.IO v3) costs: the official 2.x and 4.x Node.js clients in
# codelab rooms (bench/socketio-v2.mjs), against Switchboard and against the Node.js baseline
# (bench/node-codelab-server.js, Socket.IO 4.8.1 with allowEIO3), one after the other. Loopback only;
# about two minutes. Never run in CI.
#
#   bash bench/socketio-v2.sh        # ROUND_TRIPS=3000 WARMUP=500 by default
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules/socket.io-client-v2 ] || npm ci --no-audit --no-fund
flock /tmp/sb-build.lock mvn -o -B -q -DskipTests package

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
sb_port=$(free_port)
node_port=$(free_port)
data=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$data"; }
trap cleanup EXIT

SWITCHBOARD_SIGNALING_MESSAGES_PER_SECOND=1000000 SWITCHBOARD_SIGNALING_MESSAGE_BURST=1000000 \
SWITCHBOARD_SIGNALING_NEW_SESSIONS_PER_SECOND=1000000 SWITCHBOARD_SIGNALING_NEW_SESSION_BURST=1000000 \
    java -jar target/switchboard.jar --bind 127.0.0.1 --http-port "$sb_port" --https-port 0 --turn-port 0 \
    --data-dir "$data" >"$data/switchboard.log" 2>&1 &
pids+=($!)
sb_pid=$!
node bench/node-codelab-server.js "$node_port" >"$data/node.log" 2>&1 &
pids+=($!)
node_pid=$!
for url in "http://127.0.0.1:$sb_port/healthz" "http://127.0.0.1:$node_port/mem"; do
    for _ in $(seq 100); do curl -fs "$url" >/dev/null && break; sleep 0.1; done
done

echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); node $(node -v)"
node bench/socketio-v2.mjs "switchboard=http://127.0.0.1:$sb_port@$sb_pid" "node=http://127.0.0.1:$node_port@$node_pid" \
    | tee target/bench-socketio-v2.txt
