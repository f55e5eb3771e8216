#!/bin/sh
# In the arm64 guest (run by pi-vm-run from the host's 9p share /mnt/pi-vm): a Pi-4-like gpio-sim
# chip, the project's .deb installed with apt, its systemd unit started by systemd, and the
# checks of packaging/test/pi-vm.sh. Each result line says what it measured. Results also go to
# /mnt/pi-vm/out/results.txt; the host prints them and fails the run on any FAIL.
# shellcheck disable=SC2016 # single-quoted commands are evaluated later, on purpose
set -u
S=/mnt/pi-vm
OUT=$S/out
R=$OUT/results.txt
: >"$R"
MODEL=dht11
CFG=/sys/kernel/config/gpio-sim
CONF=/etc/edge-agent/edge-agent.yml
T0=$(cut -d. -f1 /proc/uptime)

say() { echo "$*" | tee -a "$R"; }
ok() { say "ok:   $*"; }
fail() { say "FAIL: $*"; }
# check DESCRIPTION COMMAND...: ok when the command succeeds
# (sh has no locals: the helpers' variables start with _ so they never clobber the caller's)
check() {
  _d="$1"
  shift
  if "$@" >/dev/null 2>&1; then ok "$_d"; else fail "$_d  [$(echo "$*" | cut -c1-200)]"; fi
}
step() { say "== $* (t=$(($(cut -d. -f1 /proc/uptime) - T0)) s)"; }
# wait_for SECONDS COMMAND...: polls once a second until the command succeeds
wait_for() {
  _n="$1"
  shift
  while [ "$_n" -gt 0 ]; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
    _n=$((_n - 1))
  done
  return 1
}
journal() { journalctl -u edge-agent --no-pager -o cat --since "@$1" 2>/dev/null; }
status_json() { curl -fsS --max-time 20 http://127.0.0.1:8080/api/status; }
# json_num KEY: the first "KEY":number in stdin
json_num() { grep -o "\"$1\":[0-9.]*" | head -n 1 | cut -d: -f2; }
since() { date +%s; }
kept_at_least() { [ "$(status_json 2>/dev/null | json_num readings_kept)" -ge "$1" ] 2>/dev/null; }
set_chip_config() { # CHIP
  cat >"$CONF" <<EOF
agent:
  data_dir: /var/lib/edge-agent
sensors:
  - id: pi-gpio4
    model: $MODEL
    backend: gpiod
    pin: 4
    chip: $1
    interval: 1s
mqtt:
  enabled: false
store:
  write_delay: 100ms
http:
  bind: 127.0.0.1
  port: 8080
EOF
}
doctor() { edge-agent doctor --config "$CONF" --sample-seconds 1 --timeout-seconds 2 2>&1; }

step "board"
say "info: $(tr -d '\0' </proc/device-tree/model), $(uname -r) $(uname -m), systemd $(systemctl --version | head -n 1 | cut -d' ' -f2), openjdk $(dpkg-query -W -f '${Version}' openjdk-21-jre-headless), $(nproc) vCPU"
check "the device tree says Raspberry Pi 4 (Pi4J detects the board by it)" grep -q 'Raspberry Pi 4' /proc/device-tree/model

step "gpio-sim: a chip labelled like a Pi 4's, line 4 pulled up"
modprobe gpio-sim || fail "modprobe gpio-sim"
mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
mkdir -p "$CFG/pi/bank0/line4"
echo 58 >"$CFG/pi/bank0/num_lines"
echo pinctrl-bcm2711 >"$CFG/pi/bank0/label"
echo GPIO4 >"$CFG/pi/bank0/line4/name"
echo 1 >"$CFG/pi/live"
CHIP=$(cat "$CFG/pi/bank0/chip_name")
LINE=/sys/devices/platform/$(cat "$CFG/pi/dev_name")/$CHIP/sim_gpio4
echo pull-up >"$LINE/pull"
udevadm settle
say "info: $(gpiodetect | grep pinctrl), $(stat -c "%A %U:%G" /dev/"$CHIP"), line 4 value $(cat "$LINE/value")"
check "the simulated chip is gpiochip0 labelled pinctrl-bcm2711" sh -c "[ $CHIP = gpiochip0 ] && gpiodetect | grep -q 'gpiochip0 \[pinctrl-bcm2711\]'"
check "line 4 is pulled up (reads 1)" sh -c "[ \$(cat $LINE/value) = 1 ]"
check "plain Debian makes /dev/gpiochip0 root:root 0600 (no Raspberry Pi OS udev rule)" sh -c '[ "$(stat -c %a:%U:%G /dev/gpiochip0)" = 600:root:root ]'

step "apt install ./edge-agent.deb, a gpiod sensor on line 4 in its config; root-only chip"
cp "$S/edge-agent.deb" /root/edge-agent.deb
cp "$S/edge-agent-upgrade.deb" /root/edge-agent-upgrade.deb
# The config is there before the package (as configuration management would put it): dpkg keeps
# it (--force-confold), and the service's first start already has the sensor.
mkdir -p /etc/edge-agent
set_chip_config gpiochip0
t=$(since)
apt-get install -y -o Dpkg::Options::=--force-confold /root/edge-agent.deb >"$OUT/apt-install.log" 2>&1
rc=$?
dt=$(($(since) - t))
check "apt installs the .deb (exit $rc, $dt s, no network: its dependencies are in the image)" [ "$rc" -eq 0 ]
check "systemd started the unit after the install" wait_for 60 systemctl is-active --quiet edge-agent
check "the config naming the gpiod sensor was kept, 0640 root:edge-agent" sh -c "grep -q 'backend: gpiod' $CONF && [ \"\$(stat -c %a:%U:%G $CONF)\" = 640:root:edge-agent ]"
say "info: $(systemctl show edge-agent -p DevicePolicy -p DeviceAllow -p SupplementaryGroups | tr '\n' ' ')"
if wait_for 90 sh -c "journalctl -u edge-agent -o cat --since @$t | grep -q 'read failed (access)'"; then
  line=$(journal "$t" | grep -m 1 'read failed (access)')
  say "info: agent log: $line"
  check "root-only chip: the agent log says so and names the udev rule" sh -c "echo \"\$1\" | grep -q '0600' && echo \"\$1\" | grep -q 'GROUP=\"gpio\"'" _ "$line"
else
  fail "root-only chip: the agent logged no access failure within 90 s"
fi
d=$(doctor)
echo "$d" >"$OUT/doctor-root-only.txt"
say "info: doctor: $(echo "$d" | grep -E '^(ok|warn|FAIL) +gpio ' | cut -c1-400)"
check "root-only chip: doctor (as root) FAILs the gpio check for the service, with the udev rule as the fix" sh -c "echo \"\$1\" | grep -E '^FAIL +gpio ' | grep -q 'udev'" _ "$d"

step "Raspberry Pi OS's rule (group gpio 0660): the unit's hardening lets it open the chip"
echo 'SUBSYSTEM=="gpio", KERNEL=="gpiochip*", GROUP="gpio", MODE="0660"' >/etc/udev/rules.d/60-gpiochip.rules
udevadm control --reload
udevadm trigger --subsystem-match=gpio --action=change
udevadm settle
check "/dev/gpiochip0 is root:gpio 0660 after the rule" sh -c '[ "$(stat -c %a:%U:%G /dev/gpiochip0)" = 660:root:gpio ]'
: >"$OUT/player-service.log"
chrt -f 50 "$S/dht-player" /dev/gpiochip0 4 "$LINE" "$MODEL" "$OUT/player-service.log" &
PLAYER=$!
sleep 1
t=$(since)
systemctl restart edge-agent
# the agent backs off after failed reads (1, 2, 4 ... s): a few reads are what a minute gives
wait_for 120 sh -c "[ \$(grep -c '^frame=' $OUT/player-service.log) -ge 4 ]"
J=$(journal "$t")
echo "$J" >"$OUT/journal-service.txt"
frames=$(grep -c '^frame=' "$OUT/player-service.log")
check "the unit is active under DevicePolicy=closed + DeviceAllow=char-gpiochip rw" systemctl is-active --quiet edge-agent
check "the service's reads reached the line: $frames start pulses seen by the player" [ "$frames" -ge 4 ]
check "no access failure once the rule is there" sh -c "! echo \"\$1\" | grep -q 'read failed (access)'" _ "$J"
pid=$(systemctl show -p MainPID --value edge-agent)
# Pi4J copies the library out of the jar into a temp file (the service's private /tmp) and loads
# it: read the mapped bytes through /proc/PID/map_files, whatever the file's name.
m=$(grep -m 1 'libpi4j-gpiod[^/]*\.so' "/proc/$pid/maps" || true)
say "info: native library mapped by the service: ${m:-none}"
if [ -n "$m" ]; then
  got=$(sha256sum "/proc/$pid/map_files/${m%% *}" | cut -d' ' -f1)
  want=$(sha256sum "$S/libpi4j-gpiod.so.shipped" | cut -d' ' -f1)
  say "info: sha256 of the mapped library $got; of lib/aarch64/pi4j-gpiod/libpi4j-gpiod.so in the .deb's jar $want ($(cat "$S/libpi4j-gpiod.so.origin"))"
  check "the SHIPPED aarch64 Pi4J native library is the one loaded" [ "$got" = "$want" ]
else
  fail "the service has no libpi4j-gpiod*.so mapped"
fi
using=$(echo "$J" | grep -m 1 -i 'using chip' || true)
say "info: Pi4J: ${using:-no 'Using chip' line in the journal}"
check "Pi4J recognised the board and selected gpiochip0 [pinctrl-bcm2711]" sh -c "echo \"\$1\" | grep -q gpiochip0" _ "$using"
grep '^frame=' "$OUT/player-service.log" | head -n 3 | sed 's/^/info: player: /' | tee -a "$R"
pulses=$(grep -o 'pulse_us=[0-9]*' "$OUT/player-service.log" | cut -d= -f2 | sort -n)
pmin=$(echo "$pulses" | head -n 1)
pmax=$(echo "$pulses" | tail -n 1)
check "the start pulse is a DHT11's (>= 18 ms) as the player saw it: min $pmin us, max $pmax us over $frames" [ "${pmin:-0}" -ge 18000 ]
st=$(status_json)
echo "$st" >"$OUT/status-service.json"
att=$(echo "$st" | json_num attempts)
suc=$(echo "$st" | json_num successes)
fl=$(echo "$st" | grep -o '"failures":{[^}]*}' | head -n 1)
lf=$(echo "$st" | grep -o '"last_failure":"[^"]*"' | head -n 1)
say "info: /api/status: attempts=$att successes=$suc $fl $lf"
nf=$(echo "$fl" | grep -o ':[0-9]*' | tr -d : | awk '{ s += $1 } END { print s + 0 }')
check "/api/status counts the service's reads ($att attempts, at least the $frames start pulses the player saw, but one in flight) and each failure by reason ($nf = attempts - successes)" \
  sh -c "[ \"\${1:-0}\" -ge $((frames - 1)) ] && [ \"\$4\" -eq \$((\${1:-0} - \${2:-0})) ] && [ \"\${2:-0}\" -ge 1 -o -n \"\$3\" ]" _ "$att" "$suc" "$lf" "$nf"
if [ "${att:-0}" -gt "${suc:-0}" ]; then
  check "a failed read's reason is on the status page" sh -c "[ -n \"\$1\" ]" _ "$lf"
fi
# every value the service stored must be one the player sent
temp=$(echo "$st" | grep -o '"temperature":[0-9.-]*' | head -n 1 | cut -d: -f2)
hum=$(echo "$st" | grep -o '"humidity":[0-9.-]*' | head -n 1 | cut -d: -f2)
if [ -n "$temp" ]; then
  check "the service's last good reading ($temp degC $hum %RH) is one the player sent" \
    grep -q "rh=$(printf %.1f "$hum") t=$(printf %.1f "$temp") " "$OUT/player-service.log"
fi

step "50 reads through the same backend (edge-agent read, as user edge-agent): exact value or a reason"
systemctl stop edge-agent
kill "$PLAYER" 2>/dev/null
wait "$PLAYER" 2>/dev/null
: >"$OUT/player-read.log"
chrt -f 50 "$S/dht-player" /dev/gpiochip0 4 "$LINE" "$MODEL" "$OUT/player-read.log" &
PLAYER=$!
sleep 1
t=$(since)
runuser -u edge-agent -- edge-agent read --backend gpiod --chip gpiochip0 --pin 4 --model "$MODEL" \
  --count 50 --interval 1 >"$OUT/read-50.txt" 2>&1
say "info: 50 reads took $(($(since) - t)) s; $(tail -n 1 "$OUT/read-50.txt")"
kill "$PLAYER" 2>/dev/null
wait "$PLAYER" 2>/dev/null
sh "$S/compare-reads.sh" "$OUT/read-50.txt" "$OUT/player-read.log" | tee -a "$R"

step "line held by another process: the agent says so and backs off; doctor names the holder"
gpiomon -c gpiochip0 4 >/dev/null 2>&1 &
HOLDER=$!
sleep 2
t=$(since)
systemctl start edge-agent
wait_for 90 sh -c "curl -fsS --max-time 5 http://127.0.0.1:8080/api/status | grep -q '\"attempts\":[1-9]'"
a1=$(status_json | json_num attempts)
sleep 30
a2=$(status_json | json_num attempts)
J=$(journal "$t")
line=$(echo "$J" | grep -m 1 'read failed' || true)
say "info: agent log: $line"
check "the agent says the line is busy" sh -c "echo \"\$1\" | grep -qi 'busy'" _ "$line"
check "it keeps retrying with back-off: $((a2 - a1)) attempts in 30 s (1 s interval without back-off: 30)" \
  sh -c "[ $((a2 - a1)) -ge 1 ] && [ $((a2 - a1)) -le 10 ]"
check "the unit stays active" systemctl is-active --quiet edge-agent
d=$(doctor)
echo "$d" >"$OUT/doctor-busy.txt"
cp /sys/kernel/debug/gpio "$OUT/debug-gpio-busy.txt" 2>/dev/null
say "info: doctor: $(echo "$d" | grep -i 'in use' | head -n 1)"
check "doctor names the holder (gpiomon)" sh -c "echo \"\$1\" | grep -q 'in use by \"gpiomon'" _ "$d"
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null

step "doctor's gpio and overlay checks on the real chardev (line free)"
systemctl stop edge-agent
d=$(doctor)
echo "$d" >"$OUT/doctor-free.txt"
say "info: doctor: $(echo "$d" | grep -iE 'gpio|overlay' | tr '\n' ' ')"
check "doctor's gpio check passes: chip opens and the line is free" sh -c "echo \"\$1\" | grep -q 'chip opens and the line is free'" _ "$d"
check "doctor's overlay check runs and passes (no dtoverlay=dht11 on a gpiod sensor)" sh -c "echo \"\$1\" | grep -i 'overlay' | grep -vq FAIL" _ "$d"

step "chip missing: a clear error"
echo 0 >"$CFG/pi/live"
udevadm settle
e=$(runuser -u edge-agent -- edge-agent read --backend gpiod --chip gpiochip0 --pin 4 --model "$MODEL" --count 1 2>&1)
rc=$?
say "info: edge-agent read (exit $rc): $e"
check "no chip: the gpiod backend says there is no such device and how to find the chip" sh -c "[ $rc -ne 0 ] && echo \"\$1\" | grep -q 'no such device' && echo \"\$1\" | grep -q gpiodetect" _ "$e"
echo 1 >"$CFG/pi/live"
LINE=/sys/devices/platform/$(cat "$CFG/pi/dev_name")/$(cat "$CFG/pi/bank0/chip_name")/sim_gpio4
echo pull-up >"$LINE/pull"
udevadm settle

step "apt: upgrade with readings in the store keeps them; remove keeps data; purge deletes it"
# Readings for the store: under TCG few gpiod frames decode, so a simulated sensor adds some;
# it is taken out of the config before the upgrade, so a wiped store could not refill itself.
set_chip_config gpiochip0
printf '  - id: pi-sim\n    model: dht11\n    backend: sim\n    interval: 1s\n' >"$CONF.sim"
awk -v add="$CONF.sim" '{ print } /^sensors:/ { while ((getline l < add) > 0) print l }' "$CONF" >"$CONF.new"
cat "$CONF.new" >"$CONF"
rm -f "$CONF.new" "$CONF.sim"
systemctl restart edge-agent
wait_for 120 kept_at_least 3
set_chip_config gpiochip0
before=$(status_json | json_num readings_kept)
v1=$(dpkg-query -W -f '${Version}' edge-agent)
t=$(since)
apt-get install -y /root/edge-agent-upgrade.deb >"$OUT/apt-upgrade.log" 2>&1
rc=$?
dt=$(($(since) - t))
v2=$(dpkg-query -W -f '${Version}' edge-agent)
wait_for 120 sh -c "curl -fsS --max-time 5 http://127.0.0.1:8080/api/status | grep -q '\"readings_kept\"'"
after=$(status_json | json_num readings_kept)
check "apt upgrades $v1 -> $v2 (exit $rc, $dt s) and systemd restarts the unit" sh -c "[ $rc -eq 0 ] && [ '$v1' != '$v2' ] && systemctl is-active --quiet edge-agent"
check "the readings survive the upgrade: $before before, $after after" sh -c "[ ${before:-0} -ge 3 ] && [ ${after:-0} -ge ${before:-1} ]"
apt-get remove -y edge-agent >"$OUT/apt-remove.log" 2>&1
check "apt remove keeps the data (/var/lib/edge-agent/db)" sh -c '[ -n "$(ls -A /var/lib/edge-agent/db 2>/dev/null)" ]'
check "apt remove keeps the config" [ -f "$CONF" ]
apt-get purge -y edge-agent >"$OUT/apt-purge.log" 2>&1
check "apt purge deletes the data" [ ! -e /var/lib/edge-agent ]
check "apt purge deletes the config" [ ! -e /etc/edge-agent ]

step "done"
journalctl -b --no-pager >"$OUT/journal.txt" 2>&1
n=$(grep -c '^FAIL' "$R")
say "summary: $(grep -c '^ok' "$R") ok, $n FAIL, $(($(cut -d. -f1 /proc/uptime) - T0)) s of checks after $T0 s of boot"
[ "$n" -eq 0 ]
