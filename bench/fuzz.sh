#!/usr/bin/env bash
# Coverage-guided fuzzing of every decoder with Jazzer, one target at a time per job, for as many
# executions (RUNS) or as long (SECONDS_PER_TARGET) as asked, whichever comes first. Each target keeps
# its corpus in target/fuzz/corpus/<Class>/<method> (kept between runs, so a second run goes deeper) and
# prints one line of figures: executions, seconds, coverage, crashes, leaks (Netty paranoid leak
# detection is on). A crash leaves its input in target/fuzz/findings/. With MERGE=1 the corpus is
# minimised into the regression inputs the normal test run replays
# (src/test/resources/<package>/<Class>Inputs/<method>/).
# Usage: bench/fuzz.sh [Class#method ...]   (default: every target)
# Environment: RUNS (10000000), SECONDS_PER_TARGET (600), JOBS (1, targets run side by side),
#              LOCK (a command prefix each target runs under, e.g. a slot script), MERGE (0),
#              CP (the test class path; computed with Maven when empty),
#              LEAK_LEVEL (paranoid: every buffer tracked, every access recorded; simple: every buffer still
#              tracked, so every leak is still reported, without the stack trace of each access, which is
#              most of the time of the targets that build a Netty channel per execution).
# Also: mvn -Pfuzz test (-Dfuzz.runs=N -Dfuzz.seconds=S -Dfuzz.jobs=J).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10000000}
SECONDS_PER_TARGET=${SECONDS_PER_TARGET:-600}
JOBS=${JOBS:-1}
LOCK=${LOCK:-}
MERGE=${MERGE:-0}
LEAK_LEVEL=${LEAK_LEVEL:-paranoid}
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(stun.StunFuzzTest#message stun.StunFuzzTest#attributes
    turn.transport.FramingFuzzTest#tcpStream turn.transport.FramingFuzzTest#channelData
    turn.transport.FramingFuzzTest#dataIndication
    signaling.engineio.EngineFuzzTest#v4 signaling.engineio.EngineFuzzTest#v3
    signaling.socketio.SioFuzzTest#packets
    media.http.HttpInputsFuzzTest#multipart media.http.HttpInputsFuzzTest#headers
    auth.RoomTokenFuzzTest#tokens config.ConfigFuzzTest#hocon)
fi
if [ -z "${CP:-}" ]; then
  mvn -o -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/fuzz-cp.txt >/dev/null
  CP=target/test-classes:target/classes:$(cat target/fuzz-cp.txt)
fi
mkdir -p target/fuzz/findings target/fuzz/logs

run_one() { # run_one pkg.Class#method
  local target=$1 cls=${1%%#*} method=${1##*#}
  local simple=${cls##*.} pkgdir
  pkgdir=$(echo "dev.switchboard.${cls%.*}" | tr . /)
  local corpus=target/fuzz/corpus/$simple/$method log=target/fuzz/logs/$simple-$method.log
  mkdir -p "$corpus"
  local inputs=src/test/resources/$pkgdir/${simple}Inputs/$method
  local seeds=()
  [ -d "$inputs" ] && seeds=("$inputs")
  local rc=0
  $LOCK java -Xmx2g -Dio.netty.leakDetection.level="$LEAK_LEVEL" \
    -Dio.netty.leakDetection.samplingInterval=1 -Djazzer.hooks=true -cp "$CP" \
    com.code_intelligence.jazzer.Jazzer --target_class="dev.switchboard.$cls" --target_method="$method" \
    --instrumentation_includes='dev.switchboard.**' --reproducer_path=target/fuzz/findings \
    -runs="$RUNS" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="target/fuzz/findings/$simple-$method-" "$corpus" "${seeds[@]}" >"$log" 2>&1 || rc=$?
  local runs secs cov leaks crashes
  runs=$(grep -oE '^Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' || echo "?")
  secs=$(grep -oE 'runs in [0-9]+ second' "$log" | grep -oE '[0-9]+' || echo "?")
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo "?")
  leaks=$(grep -c 'LEAK:' "$log" || true)
  crashes=$(ls target/fuzz/findings/"$simple-$method-"* 2>/dev/null | wc -l)
  printf '%-45s runs=%s seconds=%s cov=%s crashes=%s leaks=%s exit=%s\n' "$target" "$runs" "$secs" "$cov" \
    "$crashes" "$leaks" "$rc"
  if [ "$MERGE" = 1 ]; then
    rm -rf "$inputs.new" && mkdir -p "$inputs.new"
    # Inputs with a name (findings kept on purpose, not a hash) stay, whatever coverage they add.
    [ -d "$inputs" ] && find "$inputs" -maxdepth 1 -type f ! -regex '.*/[0-9a-f]\{40\}$' -exec cp {} "$inputs.new"/ \;
    java -cp "$CP" com.code_intelligence.jazzer.Jazzer --target_class="dev.switchboard.$cls" \
      --target_method="$method" --instrumentation_includes='dev.switchboard.**' -merge=1 "$inputs.new" "$corpus" \
      >"$log.merge" 2>&1 && rm -rf "$inputs" && mv "$inputs.new" "$inputs"
  fi
}
export -f run_one
export CP RUNS SECONDS_PER_TARGET LOCK MERGE
printf '%s\n' "${TARGETS[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_one "$@"' _ {}
