#!/usr/bin/env bash
# The official socket.io-protocol test suite (its test-suite/ folder) in headless Chromium, the second
# way its README gives, RUNS times in a row, each against a fresh JVM of the conformance fixture.
# Prints passes and failures per run (with the failing test titles). Not run by CI: the suite is not a
# package; give a checkout of the socket.io-protocol repository (after `npm ci` in its test-suite/).
#   bash bench/protocol-suite.sh /path/to/socket.io-protocol [RUNS]
# Environment: JAR (target/switchboard.jar), CHROMIUM (/usr/bin/chromium), PAGE_PORT (8089).
# The fixture listens on port 3000, as the suite expects; the page is served from another port, so
# every request of the suite is a cross-origin one, as in the README's browser setup.
set -euo pipefail
cd "$(dirname "$0")/.."
SUITE=$(cd "$1/test-suite" && pwd)
RUNS=${2:-10}
JAR=$(pwd)/${JAR:-target/switchboard.jar}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PAGE_PORT=${PAGE_PORT:-8089}
[ -f "$JAR" ] || { echo "build first: mvn -o -B -q package -DskipTests" >&2; exit 1; }
[ -d "$SUITE/node_modules/mocha" ] || { echo "run npm ci in $SUITE first" >&2; exit 1; }

# The README's index.html loads mocha and chai from a CDN; this page loads the same files from the
# suite's node_modules and writes the outcome where the driver reads it.
cat >"$SUITE/switchboard-run.html" <<'HTML'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>socket.io-protocol suite</title></head>
<body><div id="mocha"></div><pre id="result"></pre>
<script src="node_modules/mocha/mocha.js"></script>
<script src="node_modules/chai/chai.js"></script>
<script src="node_modules/chai-string/chai-string.js"></script>
<script>mocha.setup("bdd");</script>
<script type="module">
import "./test-suite.js";
const failed = [];
const runner = mocha.run();
runner.on("fail", (test, err) => failed.push(test.fullTitle() + ": " + (err && err.message)));
runner.on("end", () => {
  document.getElementById("result").textContent =
    "passes=" + runner.stats.passes + " failures=" + runner.stats.failures + "\n" + failed.join("\n");
});
</script></body></html>
HTML
cp bench/protocol-suite-cdp.mjs "$SUITE/switchboard-cdp.mjs"

python3 -m http.server "$PAGE_PORT" --bind 127.0.0.1 --directory "$SUITE" >/dev/null 2>&1 &
PAGE=$!
FIXTURE=
trap 'kill $PAGE ${FIXTURE:-} 2>/dev/null || true' EXIT
clean=0
for i in $(seq 1 "$RUNS"); do
  java -jar "$JAR" --conformance-fixture >"/tmp/switchboard-fixture-$i.log" 2>&1 &
  FIXTURE=$!
  for _ in $(seq 1 150); do
    curl -s -o /dev/null "http://localhost:3000/socket.io/?EIO=4&transport=polling" && break
    sleep 0.1
  done
  result=$(cd "$SUITE" && node switchboard-cdp.mjs "$CHROMIUM" "http://localhost:$PAGE_PORT/switchboard-run.html")
  echo "run $i: $result"
  case "$result" in "passes=32 failures=0"*) clean=$((clean + 1)) ;; esac
  kill "$FIXTURE"; wait "$FIXTURE" 2>/dev/null || true
  FIXTURE=
done
echo "clean runs (32/32): $clean of $RUNS"
