#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine:
#   1. installs the real clients the tests drive (coturn's tools, Chromium) if missing,
#   2. fetches the JavaScript and Maven dependencies while the network is there,
#   3. runs `mvn verify` inside a private network namespace that has only loopback, so no test traffic
#      can leave the machine.
# Extra arguments go to Maven (e.g. scripts/test.sh -Dtest=EngineCodecTest).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(coturn chromium chromium-driver iproute2 util-linux nftables postgresql curl redis-server nginx)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "scripts/test.sh: please install: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "Installing ${missing[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q "${missing[@]}"
fi
# The packaged services must not run on their default ports: tests start their own on loopback.
for svc in coturn postgresql; do
  if command -v systemctl >/dev/null 2>&1; then systemctl stop "$svc" >/dev/null 2>&1 || true; fi
  service "$svc" stop >/dev/null 2>&1 || true
done

npm ci --no-audit --no-fund --loglevel=error

# Online pass: resolve every plugin and dependency, including the Surefire JUnit provider, by running
# one real test. The offline run below cannot download anything.
mvn -B -q -DskipTests=false -Dtest=ConfigLoaderTest -Dsurefire.failIfNoSpecifiedTests=false verify \
  -Dmaven.test.redirectTestOutputToFile=true >/tmp/switchboard-warmup.log 2>&1 || {
  cat /tmp/switchboard-warmup.log >&2
  echo "scripts/test.sh: the online warm-up build failed (see above)" >&2
  exit 1
}
mvn -B -q dependency:go-offline >/dev/null 2>&1 || true

args=""
if [ $# -gt 0 ]; then args=$(printf ' %q' "$@"); fi
if [ "$(id -u)" -eq 0 ]; then
  exec unshare -n sh -c "ip link set lo up && exec mvn -o -B verify$args"
else
  exec unshare -rn sh -c "ip link set lo up && exec mvn -o -B verify$args"
fi
