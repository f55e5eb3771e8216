#!/bin/sh
# shellcheck disable=SC2016  # the quoted commands expand inside the chroot
# Installs, upgrades, removes and purges the package in a throwaway Debian chroot
# and checks what each step leaves behind. Needs root and debootstrap; downloads a
# minimal Debian (about 60 MB with OpenJDK 21) the first time, so it is not part of
# `mvn verify` (the cheap checks are: packaging/test/check-deb.sh, PackagingIT).
#   sudo packaging/test/install-in-chroot.sh [path/to/edge-agent_*_all.deb]
# Env: SUITE (default trixie: the first Debian with openjdk-21), MIRROR,
#      CHROOT_CACHE (a directory to keep the base system between runs).
# systemd does not run in the chroot: the scripts must then enable the unit (a
# symlink) without starting it, which is checked too.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
DEB="${1:-$(find "$HERE/../../edge-agent/target" -maxdepth 1 -name 'edge-agent_*_all.deb' | head -n 1)}"
SUITE="${SUITE:-trixie}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
CACHE="${CHROOT_CACHE:-/var/tmp/edge-agent-chroot-$SUITE.tar}"

[ "$(id -u)" -eq 0 ] || { echo "run as root (debootstrap and chroot need it)" >&2; exit 1; }
[ -f "$DEB" ] || { echo "no .deb: build it first (bin/build-deb)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "apt install debootstrap" >&2; exit 1; }

ROOT=$(mktemp -d /var/tmp/edge-agent-chroot.XXXXXX)
cleanup() {
  umount "$ROOT/proc" 2>/dev/null || true
  rm -rf "$ROOT"
}
trap cleanup EXIT

if [ -f "$CACHE" ]; then
  tar -C "$ROOT" -xf "$CACHE"
else
  debootstrap --variant=minbase --include=openjdk-21-jre-headless,adduser,init-system-helpers \
    "$SUITE" "$ROOT" "$MIRROR"
  tar -C "$ROOT" -cf "$CACHE" .
fi
# mktemp (and a tar of it) make / 0700: the service user could not even run /bin/sh.
chmod 755 "$ROOT"
mount -t proc proc "$ROOT/proc"

in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
fails=0
check() { # $1 = description, rest = command run in the chroot
  d="$1"
  shift
  if in_root sh -c "$*" >/dev/null 2>&1; then echo "ok:   $d"; else echo "FAIL: $d  [$*]"; fails=$((fails + 1)); fi
}

cp "$DEB" "$ROOT/tmp/edge-agent.deb"
echo "== install"
in_root dpkg -i /tmp/edge-agent.deb
check "user edge-agent is a system user" 'uid=$(id -u edge-agent) && [ "$uid" -lt 1000 ]'
check "user edge-agent is in group gpio" 'id -nG edge-agent | grep -qw gpio'
check "data dir 0750 edge-agent:edge-agent" '[ "$(stat -c %a:%U:%G /var/lib/edge-agent)" = 750:edge-agent:edge-agent ]'
check "config 0640 root:edge-agent" '[ "$(stat -c %a:%U:%G /etc/edge-agent/edge-agent.yml)" = 640:root:edge-agent ]'
check "config dir 0750 root:edge-agent" '[ "$(stat -c %a:%U:%G /etc/edge-agent)" = 750:root:edge-agent ]'
check "unit enabled (symlink)" '[ -L /etc/systemd/system/multi-user.target.wants/edge-agent.service ]'
check "launcher finds Java 21 and runs the jar" 'edge-agent --version | grep -q edge-agent'
check "the service user can read the config" "su -s /bin/sh edge-agent -c 'edge-agent config check --config /etc/edge-agent/edge-agent.yml'"
check "doctor runs (exit 0 or 1, not 2)" 'edge-agent doctor --config /etc/edge-agent/edge-agent.yml --sample-seconds 1 --timeout-seconds 1; [ $? -le 1 ]'

echo "== upgrade keeps a changed conffile and the data"
in_root sh -c 'echo "# changed by the admin" >> /etc/edge-agent/edge-agent.yml; echo data > /var/lib/edge-agent/keep'
in_root dpkg -i --force-confold /tmp/edge-agent.deb
check "changed config kept" 'grep -q "changed by the admin" /etc/edge-agent/edge-agent.yml'
check "config still 0640 root:edge-agent" '[ "$(stat -c %a:%U:%G /etc/edge-agent/edge-agent.yml)" = 640:root:edge-agent ]'
check "data kept" '[ -f /var/lib/edge-agent/keep ]'

echo "== remove keeps data, config and user"
in_root dpkg -r edge-agent
check "jar gone" '[ ! -e /usr/share/edge-agent/edge-agent.jar ]'
check "data kept after remove" '[ -f /var/lib/edge-agent/keep ]'
check "config kept after remove" '[ -f /etc/edge-agent/edge-agent.yml ]'
check "user kept after remove" 'id edge-agent'

echo "== purge removes data, config and user"
in_root dpkg -P edge-agent
check "data gone after purge" '[ ! -e /var/lib/edge-agent ]'
check "config gone after purge" '[ ! -e /etc/edge-agent ]'
check "user gone after purge" '! id edge-agent'
check "unit symlink gone after purge" '[ ! -e /etc/systemd/system/multi-user.target.wants/edge-agent.service ]'

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
