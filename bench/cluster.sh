#!/usr/bin/env bash
# Signaling across nodes: one Switchboard node against two nodes sharing rooms through redis-server,
# every room's two peers on different nodes (with the recovery boxes, again with Lettuce on threads of its
# own instead of the nodes' event loops, and without the boxes), same load, same run
# (src/test/java/dev/switchboard/bench/ClusterBench.java).
#
#   bash bench/cluster.sh [--rooms 250] [--warmup-s 8] [--measure-s 15] [--pace-ms 100]
#
# Builds the jar and test classes under the build lock, then runs (also under the lock, so no build
# shares the cores). Starts and stops its own processes on loopback. Output also in target/bench-cluster.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
flock /tmp/sb-build.lock mvn -o -B -q -DskipTests package
flock /tmp/sb-build.lock mvn -o -B -q test-compile
flock /tmp/sb-build.lock mvn -o -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
    -Dmdep.includeScope=test >/dev/null
echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); $(redis-server --version)"
flock /tmp/sb-build.lock java -Xms1g -Xmx1g -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
    dev.switchboard.bench.ClusterBench "$@" 2>&1 | tee target/bench-cluster.txt
