#!/usr/bin/env bash
# What Redis itself spends per cross-node message for each way of writing a message and its recovery box
# (src/test/java/dev/switchboard/cluster/RedisPathBench.java): SPUBLISH alone, today's send script, the same
# writes as MULTI/EXEC, pipelined, and a stream per node read with XREAD BLOCK. Starts its own redis-server on
# loopback; takes about a minute per round.
#
#   bash bench/redis-path.sh [--rate 5000] [--measure-s 10] [--rounds 2]
set -euo pipefail
cd "$(dirname "$0")/.."
flock /tmp/sb-build.lock mvn -o -B -q test-compile
flock /tmp/sb-build.lock mvn -o -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
    -Dmdep.includeScope=test >/dev/null
echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); $(redis-server --version)"
flock /tmp/sb-build.lock java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
    dev.switchboard.cluster.RedisPathBench "$@" 2>&1 | grep --line-buffered -v ' WARN \|^SLF4J' | tee target/bench-redis-path.txt
