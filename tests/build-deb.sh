#!/usr/bin/env bash
# docs/raspberry-pi.md's build step exactly as written, `bin/build-deb`, in a shell as a fresh
# machine has it: no JAVA_HOME, and the distribution's older java first on PATH when there is one
# (Debian's JDK 17, with which plain `mvn` stops at "release version 21 not supported"). Then the
# package's own checks on what it built (packaging/test/check-deb.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
fail() { echo "build-deb test: FAIL: $*" >&2; exit 1; }

path="$PATH"
for old in /usr/lib/jvm/java-17-openjdk-*/bin; do
  [ -x "$old/java" ] && path="$old:$path" && break
done
echo "build-deb test: default java here: $(env -u JAVA_HOME PATH="$path" java -version 2>&1 | head -n1)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
out="$(env -u JAVA_HOME PATH="$path" bin/build-deb 2>"$log")" || { cat "$log"; fail "bin/build-deb failed"; }
# It must have chosen a JDK >= 21 itself, whatever java comes first on PATH.
grep -Eq '^build-deb: building with .* version "(2[1-9]|[3-9][0-9])' "$log" \
  || { cat "$log"; fail "bin/build-deb did not build with a JDK >= 21"; }
deb="$(tail -n1 <<<"$out")"
[ -f "$deb" ] || fail "bin/build-deb printed no package path (got: $out)"
case "$deb" in
  "$ROOT"/edge-agent/target/edge-agent_*_all.deb) ;;
  *) fail "unexpected package path $deb" ;;
esac
packaging/test/check-deb.sh "$deb"
echo "build-deb test: ok ($deb)"
