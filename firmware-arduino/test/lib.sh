# Shared helpers for the firmware's broker tests (sourced, not run).
# Each test starts its OWN Mosquitto on a free port and stops it on exit.
set -euo pipefail

FW_BUILD="${FW_BUILD:?FW_BUILD must point at the CMake build directory}"
HOST_BIN="$FW_BUILD/dht_node_host"
MOSQUITTO="${MOSQUITTO:-/usr/sbin/mosquitto}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/fwtest.XXXXXX")"
BROKER_PID=""
BG_PIDS=()

cleanup() {
  local p
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$BROKER_PID" ] && kill "$BROKER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for f in "$WORK"/*.log "$WORK"/*.txt; do
    [ -f "$f" ] || continue
    echo "---- $f (last 40 lines)" >&2
    tail -n 40 "$f" >&2
  done
  exit 1
}

pass() { echo "ok: $*"; }

# start_broker [persistence-dir]: starts mosquitto on a free port (PORT), retrying on a clash.
# BROKER_EXTRA_CONF: more configuration lines (e.g. a password file).
start_broker() {
  local persist="${1:-}"
  local try
  for try in $(seq 1 20); do
    PORT="${PORT_FIXED:-$(( (RANDOM % 20000) + 30000 ))}"
    {
      echo "listener $PORT 127.0.0.1"
      # As root, mosquitto would switch to the 'mosquitto' user, which cannot read our private
      # work directory (password file, persistence).
      [ "$(id -u)" = 0 ] && echo "user root"
      if [ -n "${BROKER_EXTRA_CONF:-}" ]; then echo "$BROKER_EXTRA_CONF"; else echo "allow_anonymous true"; fi
      if [ -n "$persist" ]; then
        echo "persistence true"
        echo "persistence_location $persist/"
      else
        echo "persistence false"
      fi
    } > "$WORK/mosquitto.conf"
    "$MOSQUITTO" -c "$WORK/mosquitto.conf" >> "$WORK/mosquitto.log" 2>&1 &
    BROKER_PID=$!
    local i
    for i in $(seq 1 50); do
      if ! kill -0 "$BROKER_PID" 2>/dev/null; then break; fi
      if mosquitto_pub -h 127.0.0.1 -p "$PORT" ${BROKER_PING_AUTH:-} -t fwtest/ping -m x 2>/dev/null; then
        # Still alive a moment later: the answer came from our broker, not from someone else's on a
        # port ours failed to bind.
        sleep 0.2
        if kill -0 "$BROKER_PID" 2>/dev/null; then return 0; fi
        break
      fi
      sleep 0.1
    done
    kill "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
    BROKER_PID=""
    [ -n "${PORT_FIXED:-}" ] && break
  done
  fail "could not start mosquitto"
}

stop_broker() {
  [ -n "$BROKER_PID" ] || return 0
  kill "$BROKER_PID" 2>/dev/null || true
  wait "$BROKER_PID" 2>/dev/null || true
  BROKER_PID=""
}

# wait_lines FILE N TIMEOUT_S: waits until FILE has >= N lines.
wait_lines() {
  local file="$1" n="$2" timeout="$3" i
  for i in $(seq 1 $((timeout * 10))); do
    if [ -f "$file" ] && [ "$(wc -l < "$file")" -ge "$n" ]; then return 0; fi
    sleep 0.1
  done
  return 1
}

# retained TOPIC: prints the retained payload of TOPIC (empty when none).
retained() {
  mosquitto_sub -h 127.0.0.1 -p "$PORT" -t "$1" --retained-only -C 1 -W 2 2>/dev/null || true
}

# check_reading JSON: the contract's field names and types for <prefix>/sensor/data.
check_reading() {
  local json="$1"
  [ "${#json}" -le 4096 ] || fail "payload over 4 KiB: $json"
  echo "$json" | jq -e '
    type == "object"
    and ((keys - ["device_id","ts","seq","temperature","humidity","source","model"]) | length == 0)
    and (.temperature | type == "number") and .temperature >= -40 and .temperature <= 80
    and (.humidity | type == "number") and .humidity >= 0 and .humidity <= 100
    and (.device_id | type == "string" and test("^[A-Za-z0-9_.-]{1,64}$"))
    and ((has("ts") | not) or (.ts | type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$")))
    and (.seq | type == "number" and . >= 0 and . == floor)
    and (.source == "esp32")
    and (.model == "dht11" or .model == "dht22")
    and ([keys_unsorted[]] == (["device_id","ts","seq","temperature","humidity","source","model"]
                               | map(select(. != "ts" or ($p | has("ts"))))))
  ' --argjson p "$json" > /dev/null || fail "payload breaks the contract (fields, types, ranges or the example's field order): $json"
}
