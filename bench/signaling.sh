#!/usr/bin/env bash
# Signaling benchmark: Switchboard against a Node.js Socket.IO 4 server with the codelab room logic
# (bench/node-codelab-server.js), same load, same run, figures side by side with ratios.
#
#   bash bench/signaling.sh [options passed to dev.switchboard.bench.SignalingBench]
#     --rooms 100,1000     room counts (2 clients each)
#     --warmup-s 10        warm-up before each closed-loop point (paced points: half of it, at least 3 s)
#     --measure-s 15       measured window per point
#     --pace-ms 100        pause between round trips of a pair in the paced points
#     --idle 10000         idle connections for the memory figures (0: skip)
#     --only switchboard|node
#     --switchboard-jvm-opts "-XX:StartFlightRecording=..."   extra JVM options for the Switchboard process
#     --pin                servers on CPU 0, the load generator on the other CPUs (taskset), so they never
#                          compete for a core; must come first
#
# Builds the jar (mvn package, tests skipped) and the test classes under the build lock, then runs the
# load generator (src/test/java/dev/switchboard/bench/SignalingBench.java), which starts both servers as
# their own processes on free loopback ports and stops them at the end. Output is also written to
# target/bench-signaling.txt. The measuring run holds the build lock as well. Loopback only; bounded (about 6 minutes with the defaults). Never run in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "fd limit: $(ulimit -n)"

[ -d node_modules/socket.io ] || npm ci --no-audit --no-fund
flock /tmp/sb-build.lock mvn -o -B -q -DskipTests package
flock /tmp/sb-build.lock mvn -o -B -q test-compile
flock /tmp/sb-build.lock mvn -o -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
    -Dmdep.includeScope=test >/dev/null

client_pin=()
if [ "${1:-}" = "--pin" ]; then
    shift
    last=$(( $(nproc) - 1 ))
    client_pin=(taskset -c "1-$last")
    set -- --server-cpus 0 "$@"
fi

echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); node $(node -v)"
# The run itself holds the build lock too, so no build shares the cores with it. The load generator gets
# a young generation big enough that it does not collect during a run: its own pauses would show up
# as round-trip time of whichever server is being measured.
flock /tmp/sb-build.lock "${client_pin[@]}" java -Xms2g -Xmx2g -Xmn1536m -XX:+AlwaysPreTouch -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
    dev.switchboard.bench.SignalingBench "$@" 2>&1 | tee target/bench-signaling.txt
