#!/usr/bin/env bash
# Does the C++ port answer exactly like the Java decoder? Both decode the corpus and a few thousand
# mutated frames; every answer (bytes, or failure reason id) must be the same.
# Usage: java_parity.sh [JAVA_SOURCES]   (default: the repo's gpio-driver/src/main/java)
# Env: FW_BUILD, DHT_TRACES_DIR. Exit 77 (skip) without a JDK >= 21.
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export FW_BUILD="${FW_BUILD:-$ROOT/firmware-arduino/build}"
source "$HERE/lib.sh"
SRC="${1:-$ROOT/gpio-driver/src/main/java}"
TRACES="${DHT_TRACES_DIR:?}"
JAVA_HOME="$("$ROOT/bin/find-java" 2>/dev/null)" || { echo "SKIP: no JDK >= 21"; exit 77; }

G="$SRC/net/dhtedge/gpio"
# The port follows decoder@3da09ad; sources from before it (no ANSWER_HIGH_MAX yet, e.g. a branch
# that has not merged that decoder) cannot agree, so the check is skipped there. Newer sources are
# checked: a difference then means the port needs updating.
if ! grep -q "ANSWER_HIGH_MAX" "$G/decode/FrameReader.java" 2>/dev/null; then
  echo "SKIP: $G/decode/FrameReader.java predates decoder@3da09ad, the commit the C++ port follows"
  exit 77
fi
mkdir -p "$WORK/classes" "$WORK/mutated"
"$JAVA_HOME/bin/javac" -nowarn -d "$WORK/classes" "$G"/{FailureReason,DhtModel,DhtResult,EdgeBuffer}.java \
  "$G"/decode/*.java "$G"/trace/*.java "$HERE/java/Parity.java" 2> "$WORK/javac.log" || fail "javac failed"

{
  for folder in real synthetic; do
    jq -r --arg d "$TRACES/$folder" '.[] | "\(.model) \($d)/\(.file)"' "$TRACES/$folder/manifest.json"
  done
  "$FW_BUILD/parity_tool" gen "$WORK/mutated" ${PARITY_N:-4000}
} > "$WORK/list.txt"

"$JAVA_HOME/bin/java" -cp "$WORK/classes" Parity < "$WORK/list.txt" > "$WORK/java.txt" || fail "Java decoder run failed"
"$FW_BUILD/parity_tool" decode < "$WORK/list.txt" > "$WORK/cpp.txt" || fail "C++ decoder run failed"
total="$(wc -l < "$WORK/list.txt")"
[ "$(wc -l < "$WORK/java.txt")" -eq "$total" ] || fail "Java answered $(wc -l < "$WORK/java.txt") of $total"
if ! diff "$WORK/java.txt" "$WORK/cpp.txt" > "$WORK/diff.txt"; then
  echo "differences (< Java, > C++):"
  head -n 40 "$WORK/diff.txt"
  fail "the C++ decoder answers differently from the Java one on $(grep -c '^<' "$WORK/diff.txt") of $total captures"
fi
ok="$(grep -c ' ok ' "$WORK/cpp.txt" || true)"
pass "C++ and Java decoders agree on all $total captures ($ok decoded, $((total - ok)) refused, same reason ids)"
