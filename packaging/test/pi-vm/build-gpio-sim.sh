#!/bin/bash
# Builds gpio-sim as an out-of-tree module for the guest kernel, when Debian's arm64 config lacks
# CONFIG_GPIO_SIM. Sources: drivers/gpio/gpio-sim.c + drivers/gpio/gpiolib.h (+ kernel/irq/irq_sim.c
# when CONFIG_IRQ_SIM is unset too) from Debian's linux-source of the same version; compiled in
# the chroot by Debian's gcc against Debian's linux-headers, then the build tools are removed.
#   build-gpio-sim.sh ROOTFS KVER [IRQ_SIM_CONFIG]
set -euo pipefail
ROOTFS="$1"
KVER="$2"
IRQ_SIM="${3:-}"
in_root() { chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

series=$(echo "$KVER" | cut -d. -f1,2)
build_deps="gcc make libc6-dev linux-headers-$KVER"
# shellcheck disable=SC2086 # a list of packages
in_root apt-get install -y --no-install-recommends $build_deps
# linux-source's version must be the running kernel's: take it from the installed image package.
kpkg_version=$(dpkg-query --admindir="$ROOTFS/var/lib/dpkg" -W -f '${Version}' "linux-image-$KVER")
rm -rf "$ROOTFS/tmp/gpio-sim" && mkdir -p "$ROOTFS/tmp/gpio-sim/src"
(cd "$ROOTFS/tmp/gpio-sim/src" && in_root sh -c "cd /tmp/gpio-sim/src && apt-get download linux-source-$series=$kpkg_version")
deb=$(ls "$ROOTFS"/tmp/gpio-sim/src/linux-source-"$series"_*.deb)
want="linux-source-$series/drivers/gpio/gpio-sim.c linux-source-$series/drivers/gpio/gpiolib.h"
[ -n "$IRQ_SIM" ] || want="$want linux-source-$series/kernel/irq/irq_sim.c"
# shellcheck disable=SC2086 # $want is a list of members
dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/linux-source-$series.tar.xz" |
  tar -xJ -C "$ROOTFS/tmp/gpio-sim/src" $want
src="$ROOTFS/tmp/gpio-sim"
cp "$src/src/linux-source-$series/drivers/gpio/gpio-sim.c" "$src/gpio-sim-core.c"
cp "$src/src/linux-source-$series/drivers/gpio/gpiolib.h" "$src/gpiolib.h"
objs="gpio-sim-core.o"
if [ -z "$IRQ_SIM" ]; then
  cp "$src/src/linux-source-$series/kernel/irq/irq_sim.c" "$src/irq_sim.c"
  # irq_to_desc() is not exported to modules; generic_handle_irq() is, and does the same here.
  sed -i -E 's/handle_simple_irq\(irq_to_desc\(([^)]*)\)\)/generic_handle_irq(\1)/' "$src/irq_sim.c"
  if grep -n 'irq_to_desc' "$src/irq_sim.c"; then
    echo "build-gpio-sim: irq_sim.c still calls irq_to_desc (not exported); adapt the patch" >&2
    exit 1
  fi
  objs="$objs irq_sim.o"
fi
printf 'obj-m += gpio-sim.o\ngpio-sim-y := %s\n' "$objs" >"$src/Kbuild"
in_root make -C "/lib/modules/$KVER/build" M=/tmp/gpio-sim modules
install -D -m 0644 "$src/gpio-sim.ko" "$ROOTFS/lib/modules/$KVER/updates/gpio-sim.ko"
rm -rf "$src"
# shellcheck disable=SC2086 # a list of packages
in_root apt-get purge -y --autoremove $build_deps
