#!/bin/bash
# Start-up time of the agent's jar with and without class-data sharing (docs/performance.md,
# "Raspberry Pi footprint"). Runs the variants interleaved N times (so a noisy machine's load hits
# all alike) and prints min and median wall time, then the max RSS of two variants.
#   packaging/test/measure-startup.sh [N] [-- agent args]     (default: 15 runs of --help)
# Env: JAVA (default $JAVA_HOME/bin/java), JAR (default edge-agent/target/edge-agent.jar).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
N=${1:-15}
shift || true
[ "${1:-}" = "--" ] && shift
ARGS=("$@")
[ ${#ARGS[@]} -eq 0 ] && ARGS=(--help)
J=${JAVA:-${JAVA_HOME:?set JAVA_HOME or JAVA}/bin/java}
JAR=${JAR:-$HERE/../../edge-agent/target/edge-agent.jar}
JSA=$(mktemp -u /tmp/edge-agent-XXXXXX.jsa)
trap 'rm -f "$JSA"' EXIT
F="-Xmx64m -Xss256k -XX:+UseSerialGC -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=64m"
declare -A V=(
  [1-no-cds]="$F -Xshare:off"
  [2-jdk-cds]="$F"
  [3-appcds]="$F -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$JSA"
  [4-appcds-c1]="$F -XX:TieredStopAtLevel=1 -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$JSA"
)
# shellcheck disable=SC2086  # the flags are a list
"$J" ${V[3-appcds]} -jar "$JAR" "${ARGS[@]}" >/dev/null 2>&1 # writes the archive
echo "archive: $(stat -c %s "$JSA") bytes; java: $("$J" -version 2>&1 | head -n 1); load: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A T
for _ in $(seq 1 "$N"); do
  for k in 1-no-cds 2-jdk-cds 3-appcds 4-appcds-c1; do
    s=$(date +%s%N)
    # shellcheck disable=SC2086
    "$J" ${V[$k]} -jar "$JAR" "${ARGS[@]}" >/dev/null 2>&1 || true
    e=$(date +%s%N)
    T[$k]="${T[$k]:-} $(((e - s) / 1000000))"
  done
done
for k in 1-no-cds 2-jdk-cds 3-appcds 4-appcds-c1; do
  # shellcheck disable=SC2086  # one number per word
  sorted=$(printf '%s\n' ${T[$k]} | sort -n)
  echo "$k: min $(echo "$sorted" | head -n 1) ms, median $(echo "$sorted" | awk -v n="$N" 'NR == int((n + 1) / 2)') ms"
done
if [ -x /usr/bin/time ]; then
  for k in 1-no-cds 3-appcds; do
    # shellcheck disable=SC2086
    /usr/bin/time -f "$k: max RSS %M kB" "$J" ${V[$k]} -jar "$JAR" "${ARGS[@]}" 2>&1 >/dev/null | tail -n 1
  done
fi
