#!/usr/bin/env bash
# Runs README's Quick start exactly as shown (`bin/edge-agent demo`, in a scratch directory), then
# checks what the banner promises: the status API answers, simulated readings are stored, and the
# banner's own `publish ... # opens an incident` line, run once exactly as printed (from the clone,
# where `bin/edge-agent` is), stores its reading and opens an incident for esp32-test; Ctrl-C
# (SIGINT) stops the agent cleanly.
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
if [ -z "$API" ] || [ -z "$BROKER" ]; then fail "banner lacks the status API or broker URL"; fi

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
stored() { curl -sf "$API" | json 'd["readings"]["stored"]'; }

for _ in $(seq 1 40); do [ "$(stored 2>/dev/null || echo 0)" -ge 2 ] && break; sleep 0.5; done
[ "$(stored)" -ge 2 ] || fail "simulated readings are not being stored"

# The banner's Try: line, exactly as printed, once.
TRY=$(grep -E '^  bin/edge-agent publish .*# opens an incident$' out.txt | sed 's/^  //')
[ -n "$TRY" ] || fail "banner lacks the publish line that opens an incident"
opened() { curl -sf "${API%/status}/incidents?status=open" | json 'len([i for i in d["incidents"] if i["device_id"]=="esp32-test"])'; }
[ "$(opened)" -eq 0 ] || fail "esp32-test had an open incident before the publish"
(cd "$ROOT" && bash -c "$TRY") > publish.txt 2>&1 || { cat publish.txt; fail "the banner's publish line failed: $TRY"; }
for _ in $(seq 1 40); do [ "$(opened)" -ge 1 ] && break; sleep 0.5; done
[ "$(opened)" -ge 1 ] || fail "the banner's publish line, run once, did not open an incident: $TRY"
[ "$(curl -sf "${API%/status}/readings?device=esp32-test" | json 'len([p for p in d["points"] if p["temperature"]==31])')" -eq 1 ] \
  || fail "the published reading was not stored (once) for esp32-test"

kill -INT "$PID"
for _ in $(seq 1 40); do kill -0 "$PID" 2>/dev/null || break; sleep 0.25; done
kill -0 "$PID" 2>/dev/null && fail "demo did not stop within 10 s of Ctrl-C"
wait "$PID" || true
[ -d demo-data/db ] || fail "no demo-data/db"
echo "quickstart: ok (bin/edge-agent demo: readings stored; the banner's publish line, once: stored, incident opened; clean stop)"
