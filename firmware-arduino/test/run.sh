#!/usr/bin/env bash
# One entry point for the firmware's host tests: configure, build, ctest.
# Needs (Debian): cmake make g++ doctest-dev libmosquitto-dev mosquitto mosquitto-clients jq openssl
# (+ curl for agent_contract_test.sh, a JDK >= 21 for the Java parity check, else skipped).
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
BUILD="${FIRMWARE_BUILD_DIR:-$HERE/build}"
cmake -S "$HERE" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j 2
cd "$BUILD"
ctest --output-on-failure -j 2 "$@"
