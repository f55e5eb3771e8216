#!/usr/bin/env bash
# TLS: a broker with a certificate from a private CA. The node verifies it against the CA (on the
# ESP32: WiFiClientSecure::setCACert with DHT_MQTT_CA_CERT; here libmosquitto with --ca-file) and
# publishes; against a different CA it refuses to connect and says so in the log.
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
source "$HERE/lib.sh"
command -v openssl > /dev/null || fail "openssl missing"

cd "$WORK"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=fwtest CA" -keyout ca.key -out ca.pem 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=other CA" -keyout other.key -out other.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr 2>/dev/null
printf "subjectAltName=IP:127.0.0.1\n" > san.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext \
  -out server.pem 2>/dev/null || fail "could not make the test certificates"
BROKER_EXTRA_CONF="allow_anonymous true
cafile $WORK/ca.pem
certfile $WORK/server.pem
keyfile $WORK/server.key"
BROKER_PING_AUTH="--cafile $WORK/ca.pem"
start_broker
stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$PORT" --cafile "$WORK/ca.pem" -q 1 -t dht11/sensor/data \
  > "$WORK/data.txt" 2>"$WORK/sub.log" &
BG_PIDS+=($!)
sleep 0.5

"$HOST_BIN" --broker "127.0.0.1:$PORT" --model dht11 --interval-ms 1000 --readings 1 --timeout-s 4 \
  --device-id esp32-tls --no-discovery --ca-file "$WORK/other.pem" > "$WORK/host-wrong-ca.log" 2>&1 \
  && fail "connected to a broker whose certificate the CA did not sign"
grep -q "mqtt: connect failed" "$WORK/host-wrong-ca.log" || fail "the TLS refusal is not in the log"
[ ! -s "$WORK/data.txt" ] || fail "published through an unverified TLS connection"
pass "TLS with the wrong CA: refused and logged"

"$HOST_BIN" --broker "127.0.0.1:$PORT" --model dht11 --interval-ms 1000 --readings 2 --timeout-s 30 \
  --device-id esp32-tls --no-discovery --ca-file "$WORK/ca.pem" > "$WORK/host.log" 2>&1 \
  || fail "did not publish over TLS"
wait_lines "$WORK/data.txt" 2 10 || fail "the checker got fewer than 2 readings over TLS"
pass "TLS with the broker's CA: readings published"
