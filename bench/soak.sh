#!/usr/bin/env bash
# Soak: Switchboard as its own process on loopback under steady signaling and TURN load for a fixed time,
# sampling the server's heap after a full GC, open files and threads, and the round-trip percentiles.
#
#   bash bench/soak.sh [options passed to dev.switchboard.bench.SoakBench]
#     --connections 10000   signaling connections, in pairs (connections/2 codelab rooms)
#     --pace-ms 1000        pause between round trips of a pair (one round trip = two relayed messages)
#     --allocations 1000    TURN allocations (UDP), each bound to a channel towards a loopback echo peer
#     --turn-pace-ms 1000   pause between datagrams of one allocation
#     --minutes 10          measured time after the warm-up
#     --warmup-s 150 --sample-s 30  --drain-s 5
#     --server-jvm-opts "-Xmx1g"
#
# Builds the jar and the test classes under the build lock, then runs the load generator
# (src/test/java/dev/switchboard/bench/SoakBench.java), which starts the server, runs, stops it and prints
# a table and a verdict (exit 1 when it fails). The run holds the build lock too. Output is also written to
# target/bench-soak.txt. Loopback only; bounded (about 13 minutes with the defaults). Never run in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "fd limit: $(ulimit -n) (server and load generator each)"

flock /tmp/sb-build.lock mvn -o -B -q -DskipTests package
flock /tmp/sb-build.lock mvn -o -B -q test-compile
flock /tmp/sb-build.lock mvn -o -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
    -Dmdep.includeScope=test >/dev/null

echo "machine: $(nproc) cores, $(free -m | awk '/Mem:/ {print $2}') MiB; $(java -version 2>&1 | head -1)"
flock /tmp/sb-build.lock java -Xms1g -Xmx1g -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
    dev.switchboard.bench.SoakBench "$@" 2>&1 | tee target/bench-soak.txt
exit "${PIPESTATUS[0]}"
