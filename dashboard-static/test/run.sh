#!/usr/bin/env bash
# The dashboard's one test entry point (called from bin/test): installs the pinned npm packages,
# builds dist/, runs the unit tests and the browser test (headless Debian chromium against the
# real agent and a private Mosquitto). Needs: node >= 20, npm, chromium, mosquitto, a JDK >= 21
# for bin/edge-agent. No browser download (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD).
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
export ROOT="$(cd "$HERE/.." && pwd)"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] || { echo "dashboard test: $CHROMIUM missing (apt-get install -y chromium)" >&2; exit 1; }
[ -x /usr/sbin/mosquitto ] || { echo "dashboard test: mosquitto missing (apt-get install -y mosquitto)" >&2; exit 1; }
cd "$HERE"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent
node build.mjs
node --test --test-reporter=spec test/validate.test.mjs test/served-defaults.test.mjs test/browser.test.mjs
# README's "With the demo" as written (its own npm ci and build, then bin/edge-agent demo): alone,
# after the others, because it reinstalls node_modules and rebuilds dist/.
node --test --test-reporter=spec test/readme-demo.test.mjs
