#!/bin/sh
# shellcheck disable=SC2015,SC2012  # "ok || fail" reporting; ls of one known glob
# Cheap checks of the built package (seconds; no root, no chroot): control fields,
# conffiles, every path with its mode, shellcheck of the maintainer scripts, and
# the packaged launcher running the packaged jar.
#   packaging/test/check-deb.sh [edge-agent/target/edge-agent_*_all.deb]
# The full install/upgrade/remove/purge cycle: packaging/test/install-in-chroot.sh.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
DEB="${1:-$(ls "$HERE"/../../edge-agent/target/edge-agent_*_all.deb 2>/dev/null | head -n 1)}"
[ -f "$DEB" ] || { echo "FAIL: no .deb (build it: bin/build-deb)" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok:   $*"; }

field() { dpkg-deb --field "$DEB" "$1"; }
[ "$(field Package)" = edge-agent ] && ok "Package: edge-agent" || fail "Package is $(field Package)"
[ "$(field Architecture)" = all ] && ok "Architecture: all" || fail "Architecture is $(field Architecture)"
case "$(field Depends)" in
  *openjdk-21-jre-headless*java21-runtime-headless*adduser*) ok "Depends: Java 21 alternatives, adduser" ;;
  *) fail "Depends: $(field Depends)" ;;
esac

dpkg-deb --ctrl-tarfile "$DEB" | tar -x -C "$TMP" 2>/dev/null || dpkg-deb -e "$DEB" "$TMP"
for f in /etc/edge-agent/edge-agent.yml /etc/default/edge-agent; do
  grep -qx "$f" "$TMP/conffiles" && ok "conffile $f" || fail "$f is not a conffile"
done
for s in postinst prerm postrm; do
  [ -x "$TMP/$s" ] && ok "$s is executable" || fail "$s missing or not executable"
done
if command -v shellcheck >/dev/null 2>&1; then
  shellcheck -s sh "$TMP/postinst" "$TMP/prerm" "$TMP/postrm" && ok "shellcheck: maintainer scripts" ||
    fail "shellcheck complains about the maintainer scripts"
else
  echo "skip: shellcheck not installed"
fi

dpkg-deb --contents "$DEB" >"$TMP/contents"
expect() { # $1 = mode string, $2 = owner/group, $3 = path as dpkg-deb prints it
  if awk -v m="$1" -v o="$2" -v p="$3" '$1 == m && $2 == o && $6 == p { found = 1 } END { exit !found }' "$TMP/contents"; then
    ok "$1 $2 $3"
  else
    fail "expected $1 $2 $3; got: $(awk -v p="$3" '$6 == p' "$TMP/contents")"
  fi
}
expect -rw-r--r-- root/root ./usr/share/edge-agent/edge-agent.jar
expect -rwxr-xr-x root/root ./usr/bin/edge-agent
expect -rw-r----- root/root ./etc/edge-agent/edge-agent.yml
expect -rw-r--r-- root/root ./etc/default/edge-agent
expect -rw-r--r-- root/root ./lib/systemd/system/edge-agent.service
expect drwxr-x--- root/root ./etc/edge-agent/
expect drwxr-x--- root/root ./var/lib/edge-agent/

mkdir "$TMP/data"
dpkg-deb -x "$DEB" "$TMP/data"
if JAVA_HOME="${JAVA_HOME:-}" EDGE_AGENT_JAR="$TMP/data/usr/share/edge-agent/edge-agent.jar" \
  "$TMP/data/usr/bin/edge-agent" --version >"$TMP/version" 2>&1; then
  ok "packaged launcher runs the packaged jar: $(head -n 1 "$TMP/version")"
else
  fail "packaged launcher: $(cat "$TMP/version")"
fi
# The demo's embedded broker (Moquette, Netty, h2-mvstore) stays off the Pi: it is in
# demo-broker's jar only (PackagingIT applies the same rule to edge-agent/target/edge-agent.jar).
JAR="$TMP/data/usr/share/edge-agent/edge-agent.jar"
if command -v unzip >/dev/null 2>&1; then
  unzip -Z1 "$JAR" >"$TMP/entries"
else
  python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$JAR" >"$TMP/entries"
fi
broker=$(grep -ciE 'moquette|netty|^org/h2/' "$TMP/entries" || true)
if [ ! -s "$TMP/entries" ]; then
  fail "could not list the packaged jar's entries"
elif [ "$broker" -eq 0 ]; then
  ok "packaged jar carries no demo broker (Moquette, Netty, h2-mvstore): $(wc -l <"$TMP/entries") entries"
else
  fail "packaged jar carries $broker demo-broker entries, e.g. $(grep -iE 'moquette|netty|^org/h2/' "$TMP/entries" | head -n 1)"
fi
if JAVA_HOME="${JAVA_HOME:-}" EDGE_AGENT_JAR="$JAR" "$TMP/data/usr/bin/edge-agent" demo --data-dir "$TMP/demo-data" --http-port 0 --exit-after 5s \
  >"$TMP/demo.out" 2>"$TMP/demo.err"; then
  fail "packaged demo started a broker: the packaged jar carries the demo broker"
elif grep -q 'no embedded MQTT broker' "$TMP/demo.err" && ! grep -q 'Exception' "$TMP/demo.err"; then
  ok "packaged demo says it has no broker and what to do: $(cut -c1-60 "$TMP/demo.err" | head -n 1)..."
else
  fail "packaged demo: $(cat "$TMP/demo.err")"
fi
if command -v systemd-analyze >/dev/null 2>&1; then
  "$HERE/verify-unit.sh" "$TMP/data/lib/systemd/system/edge-agent.service" >/dev/null &&
    ok "packaged unit verifies" || fail "packaged unit does not verify"
fi

size=$(stat -c %s "$DEB")
echo "$(basename "$DEB"): $size bytes, $fails failure(s)"
[ "$fails" -eq 0 ]
