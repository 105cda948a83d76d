#!/bin/bash
# nsrun@.service on a real systemd host (issue 14, part 5).  The host here
# has no systemd as PID 1, so the test boots one: a copy of the Debian test
# tree, booted by nsrun, with nsrun installed into it by `meson install`
# and two machines in its /var/lib/machines: "tiny" (busybox, not booted:
# ready once it runs) and "deb" (Debian, booted: ready when its systemd
# says READY=1).  Checked inside that host: systemd-analyze verify,
# systemctl start/is-active/stop, READY passed on, reboot inside a machine
# restarting its unit, and `nsrun enable` across a reboot of the host.
. "$(dirname "$0")/lib.sh"
need_root

DEBIAN_CACHE=${NSRUN_TEST_DEBIAN:-/var/tmp/nsrun-debian-bookworm}
[ -x "$DEBIAN_CACHE/usr/lib/systemd/systemd" ] || skip_all "no Debian tree at $DEBIAN_CACHE (tests/integration/boot.sh makes it)"
BUILD=$(dirname "$NSRUN")
[ -f "$BUILD/build.ninja" ] || skip_all "$NSRUN is not in a meson build directory"
M=$(mktemp -d /var/tmp/nsrun-sdhost.XXXXXX)
export NSRUN_MACHINES_DIR=$M
HOST=sdhost$$
trap '"$NSRUN" stop "$HOST" >/dev/null 2>&1; rm -rf "$TMP" "$M"; rm -f "/run/nsrun/.machines/$HOST.log"' EXIT
n() { timeout 120 "$NSRUN" "$@"; }
in_host() { timeout 120 "$NSRUN" shell "$HOST" "$@"; }
R=$M/$HOST

# the systemd host, with nsrun installed into it and two machines
n import-fs "$DEBIAN_CACHE" "$HOST"
DESTDIR=$R meson install -C "$BUILD" --quiet >"$TMP/install.log" 2>&1
ok $? "meson install puts nsrun and nsrun@.service into the tree"
# the shared libraries nsrun links that the tree lacks (libmnl, ...; an
# ASan build's sanitizer runtimes, libasan and libubsan: the host is
# Debian bookworm like the tree, so they fit its libc)
for l in $(ldd "$NSRUN" | awk '/=>/ {print $3}'); do
	[ -e "$R$l" ] || { mkdir -p "$R$(dirname "$l")" && cp -L "$l" "$R$l"; }
done
SANITIZED=$(ldd "$NSRUN" | grep -c 'libasan\|libubsan')
unit=$(find "$R/lib/systemd/system" "$R/usr/lib/systemd/system" "$R/usr/local/lib/systemd/system" -name 'nsrun@.service' 2>/dev/null | head -1)
like "$unit" "nsrun@.service" "... the unit is where systemd looks"
mkdir -p "$R/var/lib/machines/tiny"
cp -a "$ROOTFS/." "$R/var/lib/machines/tiny/"
# (machines nested in a container whose /proc has masked paths cannot mount
# a procfs in a user namespace of their own: the kernel refuses a procfs
# more revealing than the one they see; so these run as the host's root)
printf '%s\n' '{"privateUsers": "no", "process": {"args": ["sh", "-c", "trap \"exit 0\" TERM; echo tiny-up; while :; do sleep 1; done"]}}' \
	>"$R/var/lib/machines/tiny.json"
cp -a "$DEBIAN_CACHE" "$R/var/lib/machines/deb"
printf '%s\n' '{"boot": true, "privateUsers": "no"}' >"$R/var/lib/machines/deb.json"

# the host runs containers itself: it is the host's root (privateUsers "no"),
# and keeps CAP_SYS_ADMIN ("add", the spec member nspawn's --capability= writes)
printf '%s\n' '{"boot": true, "privateUsers": "no", "add": {"capabilities": ["CAP_SYS_ADMIN"]}}' >"$M/$HOST.json"
n start "$HOST"
is "$(in_host systemctl is-system-running --wait 2>&1)" "running" "the systemd host boots (systemd is its PID 1)"
if [ "$SANITIZED" -gt 0 ]; then
	out=$(in_host sh -c 'ldd "$(command -v nsrun)"' 2>&1)
	like "$out" "libasan\.so\.[0-9]+ => /" "ASan build: the nsrun installed in the host finds libasan there"
	unlike "$out" "not found" "... and every library it links"
fi
out=$(in_host systemd-analyze verify nsrun@tiny.service 2>&1); st=$?
is "$st:$out" "0:" "systemd-analyze verify nsrun@tiny.service: no complaint"

# a machine that does not boot: ready once it runs
in_host systemctl start nsrun@tiny; st=$?
is "$st" 0 "systemctl start nsrun@tiny"
is "$(in_host systemctl is-active nsrun@tiny)" "active" "... is active"
like "$(in_host nsrun list)" "^tiny +machine +[0-9]+ +running" "... and registered (nsrun list inside)"
is "$(in_host systemctl show -p MainPID --value nsrun@tiny)" "$(in_host nsrun list --json | sed -n 's/.*"name":"tiny".*"supervisor":\([0-9]*\).*/\1/p')" \
	"... its main process is the machine's nsrun"
in_host systemctl stop nsrun@tiny
is "$(in_host systemctl is-active nsrun@tiny)" "inactive" "systemctl stop nsrun@tiny"

# a booted machine: its systemd's READY=1 reaches the unit (Type=notify)
in_host systemctl start nsrun@deb; st=$?
is "$st" 0 "systemctl start nsrun@deb (a booted Debian)"
is "$(in_host systemctl show -p StatusText --value nsrun@deb)" "Ready." "... its systemd's READY=1 and STATUS= reached the unit"
is "$(in_host nsrun shell deb systemctl is-system-running)" "running" "... so it is running when start returns"
is "$(in_host systemctl show -p MainPID --value nsrun@deb)" "$(in_host nsrun list --json | sed -n 's/.*"name":"deb".*"supervisor":\([0-9]*\).*/\1/p')" \
	"... its main process is the machine's nsrun (which turns SIGTERM into halt)"
# reboot inside: nsrun ends with 133, the unit starts again
in_host nsrun shell deb systemctl reboot
for i in $(seq 100); do
	[ "$(in_host systemctl show -p NRestarts --value nsrun@deb)" = 1 ] &&
		[ "$(in_host systemctl is-active nsrun@deb)" = active ] && break
	sleep 0.1
done
is "$(in_host systemctl show -p NRestarts --value nsrun@deb):$(in_host systemctl is-active nsrun@deb)" "1:active" \
	"reboot inside the machine restarts its unit"
in_host systemctl stop nsrun@deb
is "$(in_host systemctl is-active nsrun@deb)" "inactive" "systemctl stop nsrun@deb"
like "$(in_host journalctl -u nsrun@deb --no-pager)" "Halting system" "... shut it down cleanly (halt)"

# enable: started when the host boots
out=$(in_host nsrun enable tiny 2>&1)
like "$out" "Created symlink .*nsrun@tiny.service -> .*nsrun@.service" "nsrun enable tiny"
n reboot "$HOST"
for i in $(seq 200); do
	[ "$(in_host systemctl is-active nsrun@tiny 2>/dev/null)" = active ] && break
	sleep 0.1
done
is "$(in_host systemctl is-active nsrun@tiny)" "active" "after a reboot of the host, the enabled machine runs"
in_host systemctl stop nsrun@tiny
is "$(in_host systemctl is-active nsrun@tiny)" "inactive" "... and stops from inside that host"
in_host nsrun disable tiny >/dev/null
is "$(in_host sh -c 'ls /etc/systemd/system/*.wants/ | grep -c nsrun@tiny')" "0" "nsrun disable tiny removes the link"

if [ "$SANITIZED" -gt 0 ]; then # the units' nsrun ran sanitized: no report in the host's journal
	is "$(in_host sh -c "journalctl --no-pager | grep -c 'Sanitizer\|runtime error:'")" 0 \
		"ASan build: no AddressSanitizer/UBSan report from the nsrun of the units"
fi
n stop "$HOST"
unlike "$(n list)" "^$HOST " "the host is stopped"
grep -q " $M" /proc/self/mountinfo; ok $((!$?)) "no mount of it left"

done_testing
