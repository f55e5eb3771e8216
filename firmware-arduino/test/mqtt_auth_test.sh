#!/usr/bin/env bash
# Username/password: a broker that refuses anonymous clients. A wrong password is logged as a
# refused connect and retried with back-off (no reading lost meanwhile); the right one publishes.
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
source "$HERE/lib.sh"
command -v mosquitto_passwd > /dev/null || fail "mosquitto_passwd missing (package mosquitto)"

mosquitto_passwd -b -c "$WORK/passwd" node s3cret-pw > /dev/null 2>&1
mosquitto_passwd -b "$WORK/passwd" checker check-pw > /dev/null 2>&1
chmod 0600 "$WORK/passwd"
BROKER_EXTRA_CONF="allow_anonymous false
password_file $WORK/passwd"
BROKER_PING_AUTH="-u checker -P check-pw"
start_broker
stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$PORT" -u checker -P check-pw -q 1 -t dht11/sensor/data \
  > "$WORK/data.txt" 2>"$WORK/sub.log" &
BG_PIDS+=($!)
sleep 0.5

"$HOST_BIN" --broker "127.0.0.1:$PORT" --model dht11 --interval-ms 1000 --readings 1 --timeout-s 4 \
  --device-id esp32-auth --no-discovery --user node --password wrong > "$WORK/host-wrong.log" 2>&1 \
  && fail "published with a wrong password"
grep -q "mqtt: connect failed (refused: " "$WORK/host-wrong.log" || fail "the refusal is not in the log"
grep -q "read: " "$WORK/host-wrong.log" || fail "no reading was taken while the broker refused"
[ ! -s "$WORK/data.txt" ] || fail "something was published without valid credentials"
pass "wrong password: refused, logged ($(grep -m1 -o 'refused: [^)]*' "$WORK/host-wrong.log")), retried"

"$HOST_BIN" --broker "127.0.0.1:$PORT" --model dht11 --interval-ms 1000 --readings 2 --timeout-s 30 \
  --device-id esp32-auth --no-discovery --user node --password s3cret-pw > "$WORK/host.log" 2>&1 \
  || fail "did not publish with the right password"
wait_lines "$WORK/data.txt" 2 10 || fail "the checker got fewer than 2 readings"
pass "right password: readings published"
