#!/usr/bin/env bash
# 1. Wi-Fi drops for a few seconds (the host fake's WiFi.status() says disconnected): the node
#    buffers, reconnects when Wi-Fi is back, publishes everything in order.
# 2. A reboot (a second run with the same fake NVS) never reuses a seq: the agent drops a repeated
#    (device_id, seq) as a duplicate, so a reset must not restart seq at 0.
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
source "$HERE/lib.sh"
N=8

start_broker
stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$PORT" -q 1 -t dht11/sensor/data > "$WORK/data.txt" 2>"$WORK/sub.log" &
BG_PIDS+=($!)
sleep 0.5

"$HOST_BIN" --broker "127.0.0.1:$PORT" --model dht11 --interval-ms 1000 --readings "$N" --timeout-s 60 \
  --device-id esp32-reboot --no-discovery --nvs-file "$WORK/nvs" --wifi-down-file "$WORK/wifi-down" \
  > "$WORK/host1.log" 2>&1 &
HOST_PID=$!
BG_PIDS+=($HOST_PID)
wait_lines "$WORK/data.txt" 2 20 || fail "no readings before the Wi-Fi drop"
touch "$WORK/wifi-down"
sleep 4
rm -f "$WORK/wifi-down"
wait "$HOST_PID" || fail "run 1 did not publish $N readings"
grep -q "wifi: disconnected" "$WORK/host1.log" || fail "the node did not notice the Wi-Fi drop"
grep -q "wifi: not connected, reconnecting" "$WORK/host1.log" || fail "the node did not try to reconnect Wi-Fi"
grep -Eq "mqtt: connected as esp32-reboot; .* [1-9][0-9]* buffered readings to publish" "$WORK/host1.log" \
  || fail "nothing was buffered during the Wi-Fi drop: the test did not test anything"
wait_lines "$WORK/data.txt" "$N" 10 || fail "the subscriber got fewer than $N readings"
pass "Wi-Fi drop: readings buffered and published after the reconnect"

"$HOST_BIN" --broker "127.0.0.1:$PORT" --model dht11 --interval-ms 1000 --readings 2 --timeout-s 30 \
  --device-id esp32-reboot --no-discovery --nvs-file "$WORK/nvs" > "$WORK/host2.log" 2>&1 \
  || fail "run 2 did not publish"
wait_lines "$WORK/data.txt" $((N + 2)) 10 || fail "the subscriber missed run 2's readings"

mapfile -t seqs < <(jq -r '.seq' "$WORK/data.txt")
prev=-1
for s in "${seqs[@]}"; do
  [ "$s" -gt "$prev" ] || fail "seq $s after $prev: repeated or out of order (${seqs[*]})"
  prev="$s"
done
[ "$(printf '%s\n' "${seqs[@]:0:N}" | sort -u | wc -l)" -eq "$N" ] || fail "run 1 lost or repeated readings"
first2="${seqs[$N]}"
[ "$first2" -eq $((2 << 32)) ] || fail "run 2 should start at boot 2 << 32 = $((2 << 32)), got $first2"
pass "seq after a reboot: ${seqs[0]} .. ${seqs[$((N - 1))]}, then $first2 ..; never reused"
