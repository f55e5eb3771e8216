#!/usr/bin/env bash
# Browser test of the status page: starts `bin/edge-agent demo` on a free port with a fresh data
# dir, runs the node:test suite in headless Chromium (Debian's chromium + playwright-core, no
# browser download), stops the agent. Needs: chromium (Debian), node >= 18 and npm.
# Screenshots: edge-agent/target/status-page*.png (never into docs/: bin/screenshots refreshes those).
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
ROOT="$(cd "$HERE/../../../.." && pwd)"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] || { echo "browser test: $CHROMIUM missing (apt-get install -y chromium)" >&2; exit 1; }

cd "$HERE"
[ -d node_modules/playwright-core ] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent

DATA="$(mktemp -d)"
LOG="$DATA/agent.log"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$ROOT/bin/edge-agent" demo --data-dir "$DATA/data" --http-port "$PORT" >"$LOG" 2>&1 &
AGENT=$!
cleanup() {
  kill "$AGENT" 2>/dev/null || true
  wait "$AGENT" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT

for _ in $(seq 1 240); do
  grep -q 'MQTT (TCP):' "$LOG" 2>/dev/null && [ -s "$DATA/data/http-token" ] && break
  kill -0 "$AGENT" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  sleep 0.5
done
BROKER_URL="$(sed -n 's/^  MQTT (TCP): *\([^ ]*\).*/\1/p' "$LOG" | head -n1)"
[ -n "$BROKER_URL" ] || { echo "browser test: the agent did not start" >&2; cat "$LOG" >&2; exit 1; }

mkdir -p "$ROOT/edge-agent/target"
export BASE_URL="http://127.0.0.1:$PORT" BROKER_URL ROOT CHROMIUM
export TOKEN="$(cat "$DATA/data/http-token")"
export SCREENSHOT="$ROOT/edge-agent/target/status-page.png"
node --test --test-reporter=spec status-page.test.mjs
