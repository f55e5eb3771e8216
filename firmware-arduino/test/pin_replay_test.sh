#!/usr/bin/env bash
# Recorded frames, damaged ones included, played on the fake data pin and sampled by the sketch's
# own capture loop: whatever reaches the broker is exactly what the sensor sent; a damaged frame
# gives a logged failure with a reason id, never a value.
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
source "$HERE/lib.sh"
TRACES="${DHT_TRACES_DIR:?DHT_TRACES_DIR must point at the trace corpus}"
READS=12

start_broker
stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$PORT" -q 1 -t dht11/sensor/data > "$WORK/data.txt" 2>"$WORK/sub.log" &
BG_PIDS+=($!)
sleep 0.5

"$HOST_BIN" --broker "127.0.0.1:$PORT" --model dht11 --interval-ms 1000 --reads "$READS" --timeout-s 60 \
  --device-id esp32-replay --no-discovery --traces "$TRACES/synthetic" --traces-filter damaged \
  > "$WORK/host.log" 2>&1 || fail "dht_node_host did not make $READS reads"

# Pair each played frame with the node's verdict on it.
awk '
  /^fake-dht: frame/ { want = $(NF-1) " " $NF; file = $5; next }
  /\] read: failed: / { failed++; split($0, a, "read: failed: "); split(a[2], r, ":"); reasons[r[1]]++; next }
  /\] read: [-0-9.]+ degC/ {
    for (i = 1; i <= NF; i++) { if ($i == "degC") t = $(i-1); if ($i == "%RH") h = $(i-1) }
    got = (t + 0) " " (h + 0); split(want, w, " "); sent = (w[1] + 0) " " (w[2] + 0)
    if (got != sent) { print "WRONG " file ": read " got ", sent " sent; bad++ } else good++
  }
  END {
    printf "damaged frames: %d read exactly right, %d refused (", good, failed
    for (k in reasons) printf " %s x%d", k, reasons[k]
    printf " ), %d wrong\n", bad
    exit (bad > 0)
  }' "$WORK/host.log" > "$WORK/verdicts.txt" || { cat "$WORK/verdicts.txt"; fail "a damaged frame produced a wrong value"; }
cat "$WORK/verdicts.txt"
grep -q "read: failed: " "$WORK/host.log" || fail "no damaged frame was refused: the test did not test anything"
published="$(wc -l < "$WORK/data.txt")"
good="$(grep -o '[0-9]* read exactly right' "$WORK/verdicts.txt" | awk '{print $1}')"
[ "$published" -eq "$good" ] || fail "$good good reads but $published payloads on the broker"
while IFS= read -r json; do check_reading "$json"; done < "$WORK/data.txt"
pass "damaged frames through the pin: $(cat "$WORK/verdicts.txt")"
