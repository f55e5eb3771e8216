#!/usr/bin/env bash
# The firmware against the real agent: a private Mosquitto, `bin/edge-agent listen` subscribed to
# it, the host build of the sketch publishing K readings; the agent must have stored them all
# (GET /api/status -> readings.stored >= K).
# Exit 77 (skip) when bin/edge-agent has no `listen` command yet.
# Env: FW_BUILD (CMake build dir; default firmware-arduino/build), K (default 5).
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export FW_BUILD="${FW_BUILD:-$ROOT/firmware-arduino/build}"
source "$HERE/lib.sh"
K="${K:-5}"
AGENT="$ROOT/bin/edge-agent"

[ -x "$HOST_BIN" ] || fail "$HOST_BIN missing: run firmware-arduino/test/run.sh first"
# picocli prints the top-level help (exit 0) for an unknown sub-command with --help: look at the list.
"$AGENT" --help > "$WORK/agent-help.log" 2>&1 || true
if ! grep -Eq '^[[:space:]]+listen([[:space:]]|$)' "$WORK/agent-help.log"; then
  echo "SKIP: bin/edge-agent has no 'listen' command yet (its commands:" \
    "$(grep -E '^  [a-z]+ ' "$WORK/agent-help.log" | awk '{print $1}' | tr '\n' ' '))"
  exit 77
fi

start_broker
HTTP_PORT=$(( (RANDOM % 20000) + 30000 ))
"$AGENT" listen --broker "tcp://127.0.0.1:$PORT" --data-dir "$WORK/agent-data" --http-port "$HTTP_PORT" \
  > "$WORK/agent.log" 2>&1 &
AGENT_PID=$!
BG_PIDS+=($AGENT_PID)

status_json() { curl -fsS "http://127.0.0.1:$HTTP_PORT/api/status" 2>/dev/null || true; }
for _ in $(seq 1 120); do
  kill -0 "$AGENT_PID" 2>/dev/null || fail "the agent exited"
  [ -n "$(status_json)" ] && break
  sleep 0.5
done
[ -n "$(status_json)" ] || fail "the agent's /api/status never answered on port $HTTP_PORT"
before="$(status_json | jq '.readings.stored // 0')"

"$HOST_BIN" --broker "127.0.0.1:$PORT" --model dht11 --interval-ms 1000 --readings "$K" --timeout-s 60 \
  --device-id esp32-agent-test > "$WORK/host.log" 2>&1 || fail "dht_node_host did not publish $K readings"

stored=0
for _ in $(seq 1 60); do
  stored="$(status_json | jq '.readings.stored // 0')"
  [ "$((stored - before))" -ge "$K" ] && break
  sleep 0.5
done
[ "$((stored - before))" -ge "$K" ] || fail "the agent stored $((stored - before)) of $K readings: $(status_json)"
pass "the agent stored all $K readings the firmware published (readings.stored $before -> $stored)"
kill "$AGENT_PID" 2>/dev/null || true
wait "$AGENT_PID" 2>/dev/null || true
