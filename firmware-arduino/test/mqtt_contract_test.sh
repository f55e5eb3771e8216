#!/usr/bin/env bash
# The sketch on the host (dht_node_host) against a private Mosquitto:
#  1. recorded DHT11 frames played on the fake data pin come out on dht11/sensor/data with the
#     values the manifest says, in order, as contract payloads (field names and types checked);
#  2. the retained status is online, the retained Home Assistant configs are there;
#  3. a node that dies without DISCONNECT leaves the retained will: status offline.
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
source "$HERE/lib.sh"
TRACES="${DHT_TRACES_DIR:?DHT_TRACES_DIR must point at the trace corpus}"
K=4

start_broker
stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$PORT" -q 1 -t dht11/sensor/data > "$WORK/data.txt" 2>"$WORK/sub.log" &
BG_PIDS+=($!)
sleep 0.5

"$HOST_BIN" --broker "127.0.0.1:$PORT" --model dht11 --interval-ms 1000 --readings "$K" --timeout-s 40 \
  --traces "$TRACES/real" > "$WORK/host.log" 2>&1 || fail "dht_node_host did not publish $K readings"
wait_lines "$WORK/data.txt" "$K" 10 || fail "the subscriber got fewer than $K readings"

# 1. payloads: the contract, and the values of the frames the fake pin played, in order
mapfile -t expected < <(grep -o 'expect [-0-9.]* [0-9.]*' "$WORK/host.log" | awk '{print $2" "$3}')
i=0
prev_seq=-1
while IFS= read -r json; do
  check_reading "$json"
  got="$(echo "$json" | jq -r '"\(.temperature) \(.humidity)"')"
  want="$(echo "${expected[$i]}" | awk '{printf "%s %s", $1+0, $2+0}')"
  got_n="$(echo "$got" | awk '{printf "%s %s", $1+0, $2+0}')"
  [ "$got_n" = "$want" ] || fail "reading $i is $got, the frame on the pin was $want"
  seq="$(echo "$json" | jq '.seq')"
  [ "$seq" -gt "$prev_seq" ] || fail "seq not increasing: $seq after $prev_seq"
  prev_seq="$seq"
  echo "$json" | jq -e '.device_id == "esp32-a1b2c3" and .model == "dht11" and has("ts")' > /dev/null \
    || fail "device id from the MAC, model and ts expected: $json"
  i=$((i + 1))
done < <(head -n "$K" "$WORK/data.txt")
pass "$K readings from recorded DHT11 frames, contract payloads, true values, in order"

# 2. retained status and discovery
status="$(retained dht11/status/esp32-a1b2c3)"
[ "$status" = '{"status":"online","device_id":"esp32-a1b2c3"}' ] || fail "retained status is '$status'"
pass "retained status online"
for metric in temperature humidity; do
  cfg="$(retained "homeassistant/sensor/dhtedge_esp32-a1b2c3_$metric/config")"
  echo "$cfg" | jq -e --arg m "$metric" '
    .unique_id == "dhtedge_esp32-a1b2c3_\($m)" and .device_class == $m and .state_class == "measurement"
    and .state_topic == "dht11/sensor/data"
    and (.value_template | contains("value_json.device_id == '"'"'esp32-a1b2c3'"'"'"))
    and .availability[0].topic == "dht11/status/esp32-a1b2c3"
    and .device.identifiers[0] == "dhtedge_esp32-a1b2c3" and (.expire_after | type == "number")' > /dev/null \
    || fail "discovery config for $metric: '$cfg'"
done
pass "retained Home Assistant discovery configs"

# 3. the will
"$HOST_BIN" --broker "127.0.0.1:$PORT" --model dht11 --interval-ms 1000 --readings 1 --timeout-s 30 \
  --device-id esp32-will --no-discovery --crash > "$WORK/host-crash.log" 2>&1 || fail "crashing node did not publish"
for _ in $(seq 1 30); do
  status="$(retained dht11/status/esp32-will)"
  [ "$status" = '{"status":"offline","device_id":"esp32-will"}' ] && break
  sleep 0.2
done
[ "$status" = '{"status":"offline","device_id":"esp32-will"}' ] || fail "retained will not published: '$status'"
pass "retained will: status offline after the node died without DISCONNECT"
