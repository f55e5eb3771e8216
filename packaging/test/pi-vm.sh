#!/bin/bash
# A Raspberry Pi in a box: the project's .deb, its systemd unit and Pi4J's shipped aarch64 native
# library against a real kernel GPIO chip (gpio-sim, labelled like a Pi 4's) in an arm64 Debian
# guest under qemu-system-aarch64 (TCG: no KVM needed), with a C "sensor player" answering the
# agent's start pulses like a DHT11. What it proves and what only a real Pi can: docs/raspberry-pi.md.
#   sudo bin/test --pi-vm            (or: sudo packaging/test/pi-vm.sh [path/to/edge-agent_*.deb])
# Needs root (debootstrap, chroot), the network the first time (Debian's mirror), ~1.5 GB in
# $PI_VM_CACHE. Installs its host tools with apt-get if missing (see HOST_PACKAGES).
# Env: PI_VM_CACHE (default /var/cache/pi-vm: the prepared image, rebuilt when its recipe changes),
#      PI_VM_WORK (default /var/tmp/pi-vm: per-run overlay, share and logs), PI_VM_TIMEOUT (s, 1800),
#      PI_VM_SMP (2), PI_VM_MEM (MiB, 1536), SUITE (trixie), MIRROR (http://deb.debian.org/debian).
# Exit 0 when every check passed; the last run's logs stay in $PI_VM_WORK/last.
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
P="$HERE/pi-vm"
CACHE="${PI_VM_CACHE:-/var/cache/pi-vm}"
WORK="${PI_VM_WORK:-/var/tmp/pi-vm}"
TIMEOUT="${PI_VM_TIMEOUT:-1800}"
SMP="${PI_VM_SMP:-2}"
MEM="${PI_VM_MEM:-1536}"
export SUITE="${SUITE:-trixie}" MIRROR="${MIRROR:-http://deb.debian.org/debian}"
HOST_PACKAGES="qemu-system-arm qemu-user-static binfmt-support debootstrap qemu-utils
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross linux-libc-dev-arm64-cross device-tree-compiler
  e2fsprogs unzip"

T_START=$(date +%s)
elapsed() { echo $(($(date +%s) - T_START)); }
log() { echo "pi-vm: [$(elapsed) s] $*" >&2; }

[ "$(id -u)" -eq 0 ] || {
  echo "pi-vm: run as root (debootstrap and chroot need it): sudo bin/test --pi-vm" >&2
  exit 1
}

# --- host tools -------------------------------------------------------------------------------
missing=""
for p in $HOST_PACKAGES; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  log "installing host packages:$missing"
  # shellcheck disable=SC2086 # a list of packages
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >&2
fi
# the second stage of debootstrap runs arm64 binaries through binfmt_misc
[ -e /proc/sys/fs/binfmt_misc/status ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
grep -q enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 || {
  echo "pi-vm: binfmt_misc has no qemu-aarch64 (apt install qemu-user-static binfmt-support)" >&2
  exit 1
}

# --- the package under test and an upgrade of it ---------------------------------------------
DEB="${1:-}"
if [ -z "$DEB" ]; then
  log "building the .deb (bin/build-deb)"
  # shellcheck disable=SC2086 # extra Maven arguments, e.g. -o
  DEB=$("$ROOT/bin/build-deb" ${PI_VM_MVN_ARGS:-})
fi
[ -f "$DEB" ] || { echo "pi-vm: no .deb at $DEB" >&2; exit 1; }

# --- the image (cached: rebuilt only when its recipe changes) ---------------------------------
key=$(cat "$P/build-image.sh" "$P/build-gpio-sim.sh" "$P/pi-vm-run" "$P/pi-vm-checks.service" |
  { cat; echo "$SUITE $MIRROR"; } | sha256sum | cut -c1-12)
IMG="$CACHE/image-$SUITE-$key"
cold=no
if [ ! -f "$IMG/image.info" ]; then
  cold=yes
  log "building the arm64 image in $IMG (cold: debootstrap, kernel, JDK, gpio-sim)"
  mkdir -p "$CACHE"
  "$P/build-image.sh" "$IMG" >"$CACHE/build-$key.log" 2>&1 || {
    tail -n 40 "$CACHE/build-$key.log" >&2
    echo "pi-vm: image build failed; log: $CACHE/build-$key.log" >&2
    exit 1
  }
  # older images are of no further use
  find "$CACHE" -maxdepth 1 -name "image-$SUITE-*" ! -name "image-$SUITE-$key" -exec rm -rf {} +
fi
T_IMAGE=$(elapsed)
log "image ready ($(grep -E '^(kernel|gpio_sim|systemd|java)=' "$IMG/image.info" | tr '\n' ' '))"

# --- this run: a qcow2 overlay on the image, a 9p share with the checks -----------------------
mkdir -p "$WORK"
RUN=$(mktemp -d "$WORK/run.XXXXXX")
cleanup() {
  [ -z "${QEMU_PID:-}" ] || kill "$QEMU_PID" 2>/dev/null || true
  rm -f "$RUN/overlay.qcow2"
  rm -rf "$WORK/last"
  mv "$RUN" "$WORK/last" 2>/dev/null || true
}
trap cleanup EXIT
SHARE="$RUN/share"
mkdir -p "$SHARE/out"
cp "$DEB" "$SHARE/edge-agent.deb"
# the upgrade: the same package with a higher version (what apt does with a newer release)
mkdir "$RUN/upgrade"
dpkg-deb -R "$DEB" "$RUN/upgrade/pkg"
sed -i -E 's/^(Version: .*)$/\1+pivm1/' "$RUN/upgrade/pkg/DEBIAN/control"
dpkg-deb -b --root-owner-group "$RUN/upgrade/pkg" "$SHARE/edge-agent-upgrade.deb" >/dev/null
rm -rf "$RUN/upgrade"
# the native library as the .deb ships it, to compare with what the service maps
jar="$(dpkg-deb -c "$DEB" | grep -o 'usr/share/edge-agent/[^ ]*\.jar' | head -n 1)"
mkdir "$RUN/deb" && dpkg-deb -x "$DEB" "$RUN/deb"
unzip -p "$RUN/deb/$jar" lib/aarch64/pi4j-gpiod/libpi4j-gpiod.so >"$SHARE/libpi4j-gpiod.so.shipped"
central=$(find "${HOME:-/root}/.m2/repository/com/pi4j/pi4j-library-gpiod" -name 'pi4j-library-gpiod-*.jar' 2>/dev/null | sort | tail -n 1)
if [ -n "$central" ] && [ "$(unzip -p "$central" lib/aarch64/pi4j-gpiod/libpi4j-gpiod.so | sha256sum)" = "$(sha256sum <"$SHARE/libpi4j-gpiod.so.shipped")" ]; then
  echo "the same bytes as in Maven Central's $(basename "$central")" >"$SHARE/libpi4j-gpiod.so.origin"
else
  echo "not compared with Maven Central's jar (none in ~/.m2)" >"$SHARE/libpi4j-gpiod.so.origin"
fi
rm -rf "$RUN/deb"
aarch64-linux-gnu-gcc -O2 -Wall -Wextra -Werror -static -o "$SHARE/dht-player" "$P/dht-player.c"
cp "$P/guest-checks.sh" "$P/compare-reads.sh" "$SHARE/"
qemu-img create -q -f qcow2 -F raw -b "$IMG/rootfs.img" "$RUN/overlay.qcow2"
# QEMU's own device tree for this machine, told it is a Raspberry Pi 4 (pi4.dtsi)
machine=(-M virt -cpu cortex-a72 -smp "$SMP" -m "$MEM")
qemu-system-aarch64 "${machine[@]}" -M "virt,dumpdtb=$RUN/virt.dtb" -display none >/dev/null 2>&1
{ dtc -q -I dtb -O dts "$RUN/virt.dtb"; cat "$P/pi4.dtsi"; } | dtc -q -I dts -O dtb -o "$RUN/pi4.dtb"

log "booting the guest (TCG, $SMP vCPU, $MEM MiB; console: $WORK/last/console.log)"
T_BOOT=$(elapsed)
# shellcheck disable=SC2054 # commas are QEMU's
nice -n 10 qemu-system-aarch64 "${machine[@]}" -accel tcg,thread=multi \
  -kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.img" -dtb "$RUN/pi4.dtb" \
  -append "root=/dev/vda rw console=ttyAMA0 quiet loglevel=3 systemd.show_status=error" \
  -drive file="$RUN/overlay.qcow2",if=none,id=hd,format=qcow2,cache=unsafe \
  -device virtio-blk-device,drive=hd \
  -fsdev local,id=share,path="$SHARE",security_model=none \
  -device virtio-9p-device,fsdev=share,mount_tag=pivm \
  -nic none -display none -monitor none -serial file:"$RUN/console.log" -no-reboot &
QEMU_PID=$!
deadline=$(($(date +%s) + TIMEOUT))
while kill -0 "$QEMU_PID" 2>/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "timed out after $TIMEOUT s; stopping the guest"
    kill "$QEMU_PID"
    break
  fi
  sleep 2
done
wait "$QEMU_PID" 2>/dev/null || true
QEMU_PID=""
T_END=$(elapsed)

OUT="$SHARE/out"
if [ -f "$OUT/results.txt" ]; then
  cat "$OUT/results.txt"
else
  tail -n 30 "$RUN/console.log" >&2
fi
boot_s=$(sed -n 's/.*checks start at \([0-9]*\).*/\1/p' "$RUN/console.log" | head -n 1)
echo "pi-vm: $( [ "$cold" = yes ] && echo cold || echo warm) run: $T_END s in all; image $T_IMAGE s$( [ "$cold" = yes ] && echo " (built)" || echo " (cached)"), guest $((T_END - T_BOOT)) s (boot to checks ${boot_s:-?} s); logs in $WORK/last/share/out"
rc=$(cat "$OUT/rc" 2>/dev/null || echo none)
if [ "$rc" != 0 ]; then
  echo "pi-vm: FAILED (guest checks exit: $rc)" >&2
  exit 1
fi
echo "pi-vm: all checks passed"
