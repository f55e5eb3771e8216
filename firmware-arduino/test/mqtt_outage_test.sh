#!/usr/bin/env bash
# A broker stop/start in the middle of a run: the node keeps its readings in the ring buffer and
# publishes them in order after it reconnects. Nothing is lost, nothing is reordered.
# The checker is a persistent-session QoS 1 subscriber on a broker with persistence, so messages
# published while it reconnects are queued for it rather than missed by the test itself.
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
source "$HERE/lib.sh"
N=12

mkdir -p "$WORK/db"
start_broker "$WORK/db"
PORT_FIXED="$PORT"
stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$PORT" -q 1 -c -i fw-outage-checker -t dht11/sensor/data \
  > "$WORK/data.txt" 2>"$WORK/sub.log" &
BG_PIDS+=($!)
sleep 0.5

"$HOST_BIN" --broker "127.0.0.1:$PORT" --model dht11 --interval-ms 1000 --readings "$N" --timeout-s 120 \
  --device-id esp32-outage --no-discovery > "$WORK/host.log" 2>&1 &
HOST_PID=$!
BG_PIDS+=($HOST_PID)

wait_lines "$WORK/data.txt" 3 20 || fail "no readings before the outage"
stop_broker
echo "broker stopped after $(wc -l < "$WORK/data.txt") readings"
sleep 5   # ~5 readings taken while the broker is away
start_broker "$WORK/db"
echo "broker restarted on $PORT"

wait "$HOST_PID" || fail "dht_node_host did not publish $N readings after the outage"
wait_lines "$WORK/data.txt" "$N" 20 || fail "the checker got $(wc -l < "$WORK/data.txt") of $N readings"

grep -q "mqtt: connection lost" "$WORK/host.log" || fail "the node never noticed the outage"
grep -Eq "mqtt: connected as esp32-outage; .* [1-9][0-9]* buffered readings to publish" "$WORK/host.log" \
  || fail "the node reconnected with nothing buffered: the outage test did not test anything"

# Every seq from the first to the last, each once (a QoS 1 resend may repeat one; the agent drops
# repeats by (device_id, seq)), never out of order.
mapfile -t seqs < <(jq -r '.seq' "$WORK/data.txt")
first="${seqs[0]}"
prev=-1
for s in "${seqs[@]}"; do
  [ "$s" -ge "$prev" ] || fail "out of order: seq $s after $prev"
  prev="$s"
done
unique="$(printf '%s\n' "${seqs[@]}" | sort -u | wc -l)"
span=$((prev - first + 1))
[ "$unique" -eq "$span" ] || fail "gap: $unique distinct seqs between $first and $prev"
[ "$unique" -ge "$N" ] || fail "only $unique readings"
grep -q "0 dropped" "$WORK/host.log" || fail "readings were dropped"
while IFS= read -r json; do check_reading "$json"; done < "$WORK/data.txt"
pass "broker outage: $unique readings (seq $first..$prev), none lost, in order; $(grep -c 'buffered readings to publish' "$WORK/host.log") connects"
