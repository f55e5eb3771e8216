#!/bin/bash
# Builds the arm64 "Pi in a box" base image for packaging/test/pi-vm.sh, from Debian packages only:
# debootstrap --arch arm64 (second stage under qemu-user-static), Debian's arm64 kernel, systemd,
# the JDK the .deb depends on, gpiod's tools, and gpio-sim (built here for the guest kernel when
# Debian's arm64 config lacks it). Output in $1: rootfs.img (ext4, raw), vmlinuz, initrd.img,
# pi4.dtb, image.info. Run as root; takes ~10-20 min on 2 busy cores, then cached by pi-vm.sh.
#   build-image.sh OUTDIR
# Env: SUITE (trixie: the first Debian with openjdk-21, systemd 257), MIRROR.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$1"
SUITE="${SUITE:-trixie}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
# Everything the guest needs at run time (the .deb's own dependencies are in: apt must not need
# the network in the guest). curl: /api/status; gpiod: gpiomon/gpioinfo for the busy-line case.
PACKAGES=systemd,systemd-sysv,udev,kmod,openjdk-21-jre-headless,gpiod,adduser,init-system-helpers,procps,curl,initramfs-tools,zstd,ca-certificates
KEEP="${PI_VM_KEEP_ROOTFS:-}"

mkdir -p "$OUT"
ROOTFS="$OUT/rootfs"
umount_all() {
  for m in dev/pts dev proc sys; do
    umount "$ROOTFS/$m" 2>/dev/null || true
  done
}
trap umount_all EXIT

t0=$(date +%s)
if [ ! -f "$ROOTFS/.debootstrap-done" ]; then
  rm -rf "$ROOTFS"
  debootstrap --arch arm64 --variant=minbase --include="$PACKAGES" "$SUITE" "$ROOTFS" "$MIRROR"
  touch "$ROOTFS/.debootstrap-done"
fi
echo "build-image: debootstrap done after $(($(date +%s) - t0)) s" >&2

mount -t proc proc "$ROOTFS/proc"
mount -t sysfs sys "$ROOTFS/sys"
mount --bind /dev "$ROOTFS/dev"
mount -t devpts devpts "$ROOTFS/dev/pts"
in_root() { chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

# The kernel, with an initramfs that only carries what a virtio disk needs (MODULES=dep cannot
# see the guest's hardware from a chroot; =most would make it five times larger).
echo pi-vm >"$ROOTFS/etc/hostname"
printf '/dev/vda / ext4 rw,relatime 0 1\n' >"$ROOTFS/etc/fstab"
sed -i 's/^MODULES=.*/MODULES=list/' "$ROOTFS/etc/initramfs-tools/initramfs.conf"
printf 'virtio_pci\nvirtio_mmio\nvirtio_blk\next4\n' >"$ROOTFS/etc/initramfs-tools/modules"
in_root apt-get install -y --no-install-recommends linux-image-arm64
KVER=$(find "$ROOTFS/lib/modules" -mindepth 1 -maxdepth 1 -printf "%f\n" | sort | tail -n 1)
echo "build-image: kernel $KVER after $(($(date +%s) - t0)) s" >&2

# gpio-sim: Debian's arm64 config first; otherwise build it out of tree for this kernel from
# linux-source (gpio-sim.c + gpiolib.h + irq_sim.c), compiled in the chroot by Debian's gcc.
gpio_sim=$(sed -n 's/^CONFIG_GPIO_SIM=//p' "$ROOTFS/boot/config-$KVER")
irq_sim=$(sed -n 's/^CONFIG_IRQ_SIM=//p' "$ROOTFS/boot/config-$KVER")
echo "build-image: CONFIG_GPIO_SIM=${gpio_sim:-unset} CONFIG_IRQ_SIM=${irq_sim:-unset}" >&2
if [ -z "$gpio_sim" ] && [ ! -f "$ROOTFS/lib/modules/$KVER/updates/gpio-sim.ko" ]; then
  "$HERE/build-gpio-sim.sh" "$ROOTFS" "$KVER" "${irq_sim:-}"
fi
in_root depmod "$KVER"
in_root modinfo -k "$KVER" -F filename gpio-sim >&2

# Boot straight to the checks: a oneshot unit mounts the 9p share the host offers, runs the
# script in it, and powers off. No getty, no network, no timers.
install -m 0755 "$HERE/pi-vm-run" "$ROOTFS/usr/local/sbin/pi-vm-run"
install -m 0644 "$HERE/pi-vm-checks.service" "$ROOTFS/etc/systemd/system/pi-vm-checks.service"
in_root systemctl enable pi-vm-checks.service
for u in getty@tty1.service getty-static.service serial-getty@ttyAMA0.service apt-daily.timer apt-daily-upgrade.timer \
  e2scrub_all.timer fstrim.timer dpkg-db-backup.timer systemd-timesyncd.service; do
  in_root systemctl mask "$u" >/dev/null 2>&1 || true
done
# root may log in on the console when debugging by hand (PI_VM_SHELL=1)
in_root passwd -d root >/dev/null
# apt in the guest only installs local .debs whose dependencies are already here: without the
# package lists, and with its cache built now, each apt call takes seconds instead of a minute
# under TCG (rebuilding the cache from 60 MB of lists).
in_root apt-get clean
rm -rf "$ROOTFS/var/lib/apt/lists/"*_Packages* "$ROOTFS/var/log/"*.log
in_root apt-cache gencaches

# Every run boots a fresh overlay of this image: mark /etc and /var as up to date with /usr, or
# each boot would rerun ldconfig, the hwdb and journal-catalog updates (ConditionNeedsUpdate=).
touch "$ROOTFS/etc/.updated" "$ROOTFS/var/.updated"
cp -L "$ROOTFS/boot/vmlinuz-$KVER" "$OUT/vmlinuz"
cp -L "$ROOTFS/boot/initrd.img-$KVER" "$OUT/initrd.img"
umount_all
rm -f "$OUT/rootfs.img"
# 3 GiB, sparse: room for the agent's store and an upgrade
mkfs.ext4 -q -L root -d "$ROOTFS" "$OUT/rootfs.img" 3G
{
  echo "suite=$SUITE"
  echo "kernel=$KVER"
  echo "gpio_sim=${gpio_sim:-built}"
  echo "java=$(dpkg-query --admindir="$ROOTFS/var/lib/dpkg" -W -f '${Version}' openjdk-21-jre-headless)"
  echo "systemd=$(dpkg-query --admindir="$ROOTFS/var/lib/dpkg" -W -f '${Version}' systemd)"
  echo "built=$(date -u +%FT%TZ) in $(($(date +%s) - t0)) s"
} >"$OUT/image.info"
[ -n "$KEEP" ] || rm -rf "$ROOTFS"
cat "$OUT/image.info" >&2
