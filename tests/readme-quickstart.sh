#!/usr/bin/env bash
# Runs README's Quick start exactly as shown (`bin/edge-agent demo`, in a scratch directory), then
# checks what the banner promises: the status API answers, simulated readings are stored, a reading
# published with the banner's own `publish` line is stored and, sent three times above the demo's
# 25 °C limit, opens an incident; Ctrl-C (SIGINT) stops the agent cleanly.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'kill -9 "${PID:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$WORK"

fail() { echo "quickstart: FAIL: $*" >&2; echo "--- agent stdout"; cat out.txt; echo "--- agent stderr"; tail -n 30 err.txt; exit 1; }

"$ROOT/bin/edge-agent" --help > help.txt
grep -q "demo" help.txt || fail "--help does not list demo"

# Job control on, so the background agent does not inherit an ignored SIGINT (as a plain `&` in
# a script would): the kill -INT below is then what Ctrl-C in a terminal does.
set -m
"$ROOT/bin/edge-agent" demo > out.txt 2> err.txt &
PID=$!
set +m
for _ in $(seq 1 120); do
  grep -q "Ctrl-C stops it" out.txt 2>/dev/null && break
  kill -0 "$PID" 2>/dev/null || fail "demo exited early"
  sleep 0.5
done
API=$(sed -n 's/^  status API: *//p' out.txt)
BROKER=$(sed -n 's/^  MQTT (TCP): *\([^ ]*\).*/\1/p' out.txt)
[ -n "$API" ] && [ -n "$BROKER" ] || fail "banner lacks the status API or broker URL"

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
stored() { curl -sf "$API" | json 'd["readings"]["stored"]'; }

for _ in $(seq 1 40); do [ "$(stored 2>/dev/null || echo 0)" -ge 2 ] && break; sleep 0.5; done
[ "$(stored)" -ge 2 ] || fail "simulated readings are not being stored"

before=$(stored)
for i in 1 2 3; do
  "$ROOT/bin/edge-agent" publish --broker "$BROKER" --device esp32-test --temp 31 --hum 60 > /dev/null
  sleep 0.2
done
for _ in $(seq 1 40); do
  [ "$(curl -sf "$API" | json 'd["incidents"]["open"]')" -ge 1 ] && break; sleep 0.5
done
[ "$(curl -sf "$API" | json 'd["incidents"]["open"]')" -ge 1 ] || fail "31 °C three times did not open an incident"
[ "$(stored)" -ge $((before + 3)) ] || fail "published readings were not stored"

kill -INT "$PID"
for _ in $(seq 1 40); do kill -0 "$PID" 2>/dev/null || break; sleep 0.25; done
kill -0 "$PID" 2>/dev/null && fail "demo did not stop within 10 s of Ctrl-C"
wait "$PID" || true
[ -d demo-data/db ] || fail "no demo-data/db"
echo "quickstart: ok (bin/edge-agent demo: readings stored, publish stored, incident opened, clean stop)"
