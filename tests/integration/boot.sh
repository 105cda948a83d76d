#!/bin/bash
# Boot mode (issue 5): an init as PID 1 with systemd's container interface.
#
# 1. busybox's init on a copy of the shared rootfs with an inittab: fast,
#    no network needed.
# 2. Debian bookworm with systemd 252, debootstrapped once into
#    /var/tmp/nsrun-debian-bookworm (NSRUN_TEST_DEBIAN overrides; about a
#    minute the first time) and copied for each run: boot to `running` with
#    no failed unit, poweroff, SIGTERM, reboot, a pure cgroup v2 view, and
#    a login in tmux.  Skipped (SKIP lines) when the tree cannot be made.
. "$(dirname "$0")/lib.sh"
need_root

DEBIAN_CACHE=${NSRUN_TEST_DEBIAN:-/var/tmp/nsrun-debian-bookworm}
DEB=
trap 'rm -rf "$TMP"; [ -n "$DEB" ] && rm -rf "$DEB"; tmux kill-session -t "nsrun-boot-$$" 2>/dev/null' EXIT
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $1"; }

# The cgroups of this script's containers: nsrun-PID of the nsrun
# processes it ran (NSRUN_PIDS), in any hierarchy at any depth.  Other
# programs' cgroups (tests run side by side) are none of its business.
own_cgroups() {
	local names=(-name nsrun-none) p
	for p in "${NSRUN_PIDS[@]}"; do names+=(-o -name "nsrun-$p"); done
	find /sys/fs/cgroup -mindepth 1 -type d \( "${names[@]}" \) -prune 2>/dev/null | sort
}
mounts_before=$(host_mounts)
NSRUN_PIDS=()

# wait_for FILE REGEX [SECONDS]: until the file matches
wait_for() {
	local i
	for ((i = 0; i < ${3:-20} * 20; i++)); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
# wait_exit PID SECONDS: wait for a background job; status, or 999 on timeout
wait_exit() {
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		kill -0 "$1" 2>/dev/null || { wait "$1"; return $?; }
		sleep 0.05
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1"
	return 999
}
# A pure cgroup v2 host as seen by nsrun: a mount namespace with cgroup2
# on /sys/fs/cgroup (the hybrid layout's unified hierarchy) and no v1.
pure_v2() {
	unshare -m --propagation private bash -c '
	for m in $(awk "\$5 ~ \"^/sys/fs/cgroup/\" {print \$5}" /proc/self/mountinfo | sort -r); do
		umount "$m" || exit 1
	done
	if [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; then
		umount /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup || exit 1
	fi
	exec "$@"' pure_v2 "$@"
}

# --- the plan, the spec --------------------------------------------------
BB=$TMP/bb
copy_rootfs "$BB"
spec "$TMP/boot.json" '{"root": {"path": "bb"}, "boot": true}'
out=$("$NSRUN" plan "$TMP/boot.json" 2>&1)
like "$out" 'exec +the first of "/usr/lib/systemd/systemd" "/lib/systemd/systemd" "/sbin/init" that exists in the root' \
	"plan: without args, PID 1 is the first init of a list, looked up in the root"
like "$out" '"container=nsrun" "TERM=xterm" "container_uuid="' "plan: container= and container_uuid= for PID 1"
like "$out" 'cgroup +create \(nsrun.s cgroup\)/nsrun-\$PID' "plan: a boot always gets a cgroup"
like "$out" 'unshare +unshare cgroup' "plan: and a cgroup namespace rooted there"
like "$out" 'cgroup -> /sys/fs/cgroup .*boot: the cgroup2 and name=systemd hierarchies writable' \
	"plan: /sys/fs/cgroup with systemd's hierarchies writable"
like "$out" 'run-host +read-only tmpfs on /run/host' "plan: /run/host"
like "$out" 'seccomp +/linux/syscallFilter: allow-list' "plan: nspawn's syscall filter"
like "$out" '^# boot: .*SIGRTMIN\+3' "plan: the header says how a boot is stopped"
minimal_spec "$TMP/hello.json" '["sh","-c","echo hi"]'
out=$("$NSRUN" plan --boot "$TMP/hello.json" 2>&1)
like "$out" 'exec +"sh" "-c" "echo hi"' "plan --boot: process.args stay PID 1"
like "$out" 'console +new pty' "plan --boot: with a console"
"$NSRUN" check "$TMP/boot.json"; is "$?" 0 "check: a boot spec needs no process.args"

# --- busybox init --------------------------------------------------------
# /etc/boot-mode says what the first `once` action does: report and power
# off, reboot on the first boot, or wait.
cat >"$BB/etc/inittab" <<'EOF'
::sysinit:/bin/echo busybox-init-up
::once:/etc/boot-action
::shutdown:/bin/echo busybox-init-down
EOF
cat >"$BB/etc/boot-action" <<'EOF'
#!/bin/sh
n=$(($(cat /var/boots 2>/dev/null || echo 0) + 1))
echo $n >/var/boots
echo "boot number $n"
case $(cat /etc/boot-mode) in
report)
	echo "env: container=$container container_uuid=$container_uuid"
	echo "pid1: $(cat /proc/1/comm)"
	echo "manager: $(cat /run/host/container-manager)"
	echo "uuid-file: $(cat /run/host/container-uuid)"
	echo "os-release: $(md5sum </run/host/os-release)"
	touch /run/host/x 2>/dev/null && echo "run-host: writable" || echo "run-host: read-only"
	(echo x >/proc/sys/kernel/domainname) 2>/dev/null && echo "proc-sys: writable" || echo "proc-sys: read-only"
	(echo 1 >/proc/sys/net/ipv4/ip_forward) 2>/dev/null && echo "proc-sys-net: writable" || echo "proc-sys-net: read-only"
	echo "console-major: $(stat -L -c %t /dev/console)"
	echo "cgroups: $(cut -d: -f3 /proc/self/cgroup | sort -u | tr '\n' ' ')"
	grep ' /sys/fs/cgroup' /proc/self/mountinfo | awk '{print "mount:", $5, substr($6, 1, 2)}'
	mkdir /sys/fs/cgroup/systemd/probe && echo "systemd-hierarchy: writable" && rmdir /sys/fs/cgroup/systemd/probe
	mkdir /sys/fs/cgroup/unified/probe && echo "unified-hierarchy: writable" && rmdir /sys/fs/cgroup/unified/probe
	poweroff ;;
reboot-once)
	[ $n = 1 ] && reboot || poweroff ;;
reboot-many)
	if [ $n -lt 25 ]; then reboot; else sleep 1; poweroff; fi ;;
esac
EOF
chmod 755 "$BB/etc/boot-action"

echo report >"$BB/etc/boot-mode"
rm -f "$BB/var/boots"
timeout 60 "$NSRUN" "$TMP/boot.json" </dev/null >"$TMP/out" 2>"$TMP/err" & npid=$!
NSRUN_PIDS+=("$npid")
wait "$npid"; rc=$?
out=$(tr -d '\r' <"$TMP/out")
is "$rc" 0 "busybox: poweroff inside (PID 1 killed by SIGINT) ends nsrun with 0"
like "$out" "busybox-init-up" "busybox: /sbin/init found and run; without a tty its console goes to stdout"
like "$out" "busybox-init-down" "busybox: the inittab's shutdown actions ran"
like "$out" "pid1: init" "busybox: init is PID 1"
like "$out" "env: container=nsrun container_uuid=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}" \
	"busybox: container=nsrun and a random container_uuid in PID 1's environment"
uuid=$(sed -n 's/.*container_uuid=\([0-9a-f-]*\).*/\1/p' <<<"$out")
like "$out" "uuid-file: $uuid" "busybox: /run/host/container-uuid holds the same UUID"
like "$out" "manager: nsrun" "busybox: /run/host/container-manager says nsrun"
like "$out" "os-release: $(md5sum </etc/os-release)" "busybox: /run/host/os-release is the host's"
like "$out" "run-host: read-only" "busybox: /run/host is read-only"
like "$out" "proc-sys: read-only" "busybox: /proc/sys is read-only"
like "$out" "proc-sys-net: read-only" "busybox: /proc/sys/net too, with the host's network"
like "$out" "console-major: 88" "busybox: /dev/console is a pty (major 136)"
like "$out" "cgroups: / $" "busybox: a cgroup namespace: every hierarchy shows the container's cgroup as /"
if [ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ]; then
	like "$out" "mount: /sys/fs/cgroup ro" "busybox: the cgroup tmpfs is read-only"
	like "$out" "mount: /sys/fs/cgroup/memory ro" "busybox: v1 controllers are read-only"
	like "$out" "mount: /sys/fs/cgroup/systemd rw" "busybox: name=systemd is writable"
	like "$out" "systemd-hierarchy: writable" "busybox: the container can make cgroups below its own (name=systemd)"
fi
if [ -d /sys/fs/cgroup/unified ] || [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
	like "$out" "mount: /sys/fs/cgroup(/unified)? rw" "busybox: the cgroup2 hierarchy is writable"
fi
unlike "$(cat "$TMP/err")" "." "busybox: nothing on stderr"

# /proc/sys/net with a network namespace of its own
spec "$TMP/net.json" '{"root": {"path": "bb"}, "boot": true, "linux": {"namespaces": [
	{"type": "mount"}, {"type": "pid"}, {"type": "uts"}, {"type": "ipc"}, {"type": "network"}, {"type": "cgroup"}]}}'
rm -f "$BB/var/boots"
out=$(timeout 60 "$NSRUN" "$TMP/net.json" </dev/null 2>&1 | tr -d '\r')
like "$out" "proc-sys-net: writable" "busybox: /proc/sys/net is writable with a private network (and CAP_NET_ADMIN)"
like "$out" "proc-sys: read-only" "busybox: the rest of /proc/sys stays read-only"

# a long-running nsrun: 25 boots in one process, memory stays flat
echo reboot-many >"$BB/etc/boot-mode"
rm -f "$BB/var/boots"
timeout 120 "$NSRUN" "$TMP/boot.json" </dev/null >/dev/null 2>&1 & npid=$!
NSRUN_PIDS+=("$npid")
rss() { awk '/^VmRSS/ {print $2}' "/proc/$npid/status" 2>/dev/null; }
rss5= rss25=
for _ in $(seq 2000); do
	b=$(cat "$BB/var/boots" 2>/dev/null || echo 0)
	[ -z "$rss5" ] && [ "${b:-0}" -ge 5 ] && rss5=$(rss)
	[ "${b:-0}" -ge 25 ] && { rss25=$(rss); break; }
	sleep 0.05
done
wait "$npid"; rc=$?
is "$rc" 0 "busybox: 25 boots (24 reboots) in one nsrun, then poweroff: 0"
ok $(( ${rss5:-0} > 0 && ${rss25:-0} > 0 && ${rss25:-0} - ${rss5:-0} < 256 ? 0 : 1 )) \
	"nsrun's memory is flat across reboots (VmRSS after boot 5: ${rss5:-?} KiB, after boot 25: ${rss25:-?} KiB)"

# reboot: the container starts again
echo reboot-once >"$BB/etc/boot-mode"
rm -f "$BB/var/boots"
timeout 60 "$NSRUN" "$TMP/boot.json" </dev/null >"$TMP/out" 2>"$TMP/err" & npid=$!
NSRUN_PIDS+=("$npid")
wait "$npid"; rc=$?
is "$rc" 0 "busybox: reboot, then poweroff: nsrun ends with 0"
like "$(cat "$TMP/out")" "boot number 2" "busybox: reboot inside (SIGHUP) started the container again"
like "$(cat "$TMP/err")" "the container rebooted; starting it again" "busybox: and says so"

# SIGTERM: SIGRTMIN+3, which busybox's init ignores, then SIGKILL
echo wait >"$BB/etc/boot-mode"
: >"$TMP/out"
"$NSRUN" --stop-timeout 1 --pid-file "$TMP/pid" "$TMP/boot.json" </dev/null >"$TMP/out" 2>"$TMP/err" & npid=$!
NSRUN_PIDS+=("$npid")
wait_for "$TMP/out" "boot number"
cpid=$(cat "$TMP/pid")
is "$(cat /proc/"$cpid"/comm)" init "busybox: --pid-file names the container's PID 1 (the init)"
is "$(nsenter -t "$cpid" -a /bin/cat /run/host/container-manager 2>&1)" nsrun "busybox: nsenter -t PID -a reaches the container"
is "$(nsenter -t "$cpid" -a /bin/cat /proc/1/comm 2>&1)" init "busybox: nsenter -a lands in its pid and mount namespaces"
t0=$(date +%s%N)
kill -TERM "$npid"
wait_exit "$npid" 20; rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
is "$rc" 137 "busybox: SIGTERM is SIGRTMIN+3 to init; ignored, the stop timeout kills it (137)"
ok $([ "$ms" -ge 900 ] && [ "$ms" -lt 5000 ] && echo 0 || echo 1) "busybox: after --stop-timeout 1 (${ms} ms)"
like "$(cat "$TMP/err")" "did not stop within 1s: killing it" "busybox: nsrun says why it killed"

: >"$TMP/out"
"$NSRUN" "$TMP/boot.json" </dev/null >"$TMP/out" 2>&1 & npid=$!
NSRUN_PIDS+=("$npid")
wait_for "$TMP/out" "boot number"
t0=$(date +%s%N)
kill -TERM "$npid"; sleep 0.2; kill -INT "$npid"
wait_exit "$npid" 20; rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
is "$rc" 137 "busybox: a second SIGTERM/SIGINT kills at once"
ok $([ "$ms" -lt 3000 ] && echo 0 || echo 1) "busybox: without waiting for the 90s timeout (${ms} ms)"

: >"$TMP/out"
"$NSRUN" --stop-timeout 1 "$TMP/boot.json" </dev/null >"$TMP/out" 2>&1 & npid=$!
NSRUN_PIDS+=("$npid")
wait_for "$TMP/out" "boot number"
kill -HUP "$npid"
wait_exit "$npid" 20; rc=$?
is "$rc" 137 "busybox: SIGHUP (the terminal went away) halts too, not passed on as SIGHUP"

# poweroff through nsenter
: >"$TMP/out"
"$NSRUN" --pid-file "$TMP/pid" "$TMP/boot.json" </dev/null >"$TMP/out" 2>&1 & npid=$!
NSRUN_PIDS+=("$npid")
wait_for "$TMP/out" "boot number"
nsenter -t "$(cat "$TMP/pid")" -a /bin/busybox poweroff
wait_exit "$npid" 20; rc=$?
is "$rc" 0 "busybox: poweroff through nsenter ends nsrun with 0"

# ARGS replace the init: a one-off command in the booted environment
out=$(timeout 30 "$NSRUN" "$TMP/boot.json" -- sh -c 'echo one-off $container $(cat /run/host/container-manager); exit 3' </dev/null 2>&1)
rc=$?
is "$rc" 3 "busybox: ARGS after -- replace the init; their status is nsrun's"
like "$out" "one-off nsrun nsrun" "busybox: in the same environment"

copy_rootfs "$TMP/noinit"
rm -f "$TMP/noinit/sbin/init"
spec "$TMP/noinit.json" '{"root": {"path": "noinit"}, "boot": true}'
out=$(timeout 30 "$NSRUN" "$TMP/noinit.json" </dev/null 2>&1); rc=$?
is "$rc" 127 "busybox: no init in the image gives 127"
like "$out" "boot: exec of the container's init \(tried /usr/lib/systemd/systemd, /lib/systemd/systemd, /sbin/init\): ENOENT" \
	"busybox: and names what was tried"

# -b on the command line, and a pure cgroup v2 view
echo report >"$BB/etc/boot-mode"
spec "$TMP/nobootflag.json" '{"root": {"path": "bb"}}'
out=$(set -o pipefail; timeout 60 "$NSRUN" -b "$TMP/nobootflag.json" </dev/null 2>&1 | tr -d '\r'); rc=$?
is "$rc" 0 "busybox: nsrun -b boots a spec without \"boot\""
like "$out" "pid1: init" "busybox: -b found the init"
out=$(set -o pipefail; pure_v2 timeout 60 "$NSRUN" "$TMP/boot.json" </dev/null 2>&1 | tr -d '\r'); rc=$?
is "$rc" 0 "busybox, pure cgroup v2: boots and powers off"
like "$out" "mount: /sys/fs/cgroup rw" "busybox, pure cgroup v2: /sys/fs/cgroup is its own cgroup2, writable"
like "$out" "cgroups: / $" "busybox, pure cgroup v2: in its own cgroup namespace"

# every step of a boot failing in turn: nsrun's own status, the step named,
# nothing left behind (the cgroup above all)
nsteps=$("$NSRUN" plan "$TMP/boot.json" | grep -cE '^ *[0-9]+\. ')
bad=
for ((n = 1; n <= nsteps; n++)); do
	NSRUN_TEST_FAIL_STEP=$n timeout 30 "$NSRUN" "$TMP/boot.json" </dev/null >"$TMP/fout" 2>&1 & npid=$!
	NSRUN_PIDS+=("$npid")
	wait "$npid"; rc=$?
	[ "$rc" = 125 ] && grep -q "step $n [a-z-]*.*injected failure" "$TMP/fout" || bad+=" $n($rc)"
	[ -z "$(ls -d /sys/fs/cgroup/*/nsrun-"$npid" /sys/fs/cgroup/nsrun-"$npid" 2>/dev/null)" ] || bad+=" $n(cgroup)"
done
is "${bad:-none}" none "busybox: each of the $nsteps steps failing in turn: 125, the step named, no cgroup left"

# --- Debian with systemd -------------------------------------------------
debian_skip() {
	local why=$1 n=$2
	for ((k = 0; k < n; k++)); do skip "Debian boot: $why"; done
}
DEBIAN_TESTS=31
if [ ! -x "$DEBIAN_CACHE/usr/lib/systemd/systemd" ]; then
	if [ -e "$DEBIAN_CACHE" ]; then
		debian_skip "$DEBIAN_CACHE exists but has no systemd" $DEBIAN_TESTS
	elif ! timeout 10 bash -c 'exec 3<>/dev/tcp/deb.debian.org/80' 2>/dev/null; then
		debian_skip "deb.debian.org is not reachable, cannot debootstrap" $DEBIAN_TESTS
	elif ! timeout 900 "$NSRUN_SRC/examples/make-debian-rootfs.sh" "$DEBIAN_CACHE" >"$TMP/debootstrap.log" 2>&1; then
		echo "# debootstrap failed:"; tail -5 "$TMP/debootstrap.log" | sed 's/^/#   /'
		rm -rf "$DEBIAN_CACHE"
		debian_skip "debootstrap failed" $DEBIAN_TESTS
	fi
fi
if [ -x "$DEBIAN_CACHE/usr/lib/systemd/systemd" ]; then
	DEB=$(mktemp -d /var/tmp/nsrun-it-debian.XXXXXX)
	chmod 755 "$DEB"
	cp -a "$DEBIAN_CACHE/." "$DEB/"
	: >"$DEB/etc/machine-id"   # a fresh tree: systemd takes the id from container_uuid
	spec "$TMP/debian.json" "{\"root\": {\"path\": \"$DEB\"}, \"boot\": true}"

	# is-system-running --wait through nsenter, once the manager answers
	system_state() { # PID: within 90 s
		local st end=$((SECONDS + 90))
		while [ "$SECONDS" -lt "$end" ]; do
			st=$(timeout 60 nsenter -t "$1" -a systemctl is-system-running --wait 2>/dev/null)
			[ -n "$st" ] && [ "$st" != offline ] && { echo "$st"; return; }
			sleep 0.05
		done
		echo "(no answer)"
	}
	deb_boot() { # OUT [nsrun options]: boot in the background, sets npid and cpid
		local out=$1; shift
		rm -f "$TMP/pid"
		: >"$out"
		"$@" "$NSRUN" --pid-file "$TMP/pid" "$TMP/debian.json" </dev/null >"$out" 2>&1 & npid=$!
		NSRUN_PIDS+=("$npid")
		for ((i = 0; i < 400; i++)); do [ -s "$TMP/pid" ] && break; sleep 0.05; done
		cpid=$(cat "$TMP/pid" 2>/dev/null)
	}

	t0=$(date +%s%N)
	deb_boot "$TMP/deb.out"
	state=$(system_state "$cpid")
	ms=$((($(date +%s%N) - t0) / 1000000))
	is "$state" running "Debian: systemctl is-system-running --wait says running (${ms} ms after start)"
	failed=$(nsenter -t "$cpid" -a systemctl --failed --no-legend --plain 2>&1)
	is "$failed" "" "Debian: no failed units"
	[ -n "$failed" ] && nsenter -t "$cpid" -a journalctl -b -p warning --no-pager 2>&1 | tail -20 | sed 's/^/#   /'
	is "$(nsenter -t "$cpid" -a systemd-detect-virt -c 2>&1)" container-other "Debian: systemd sees a container"
	# a short spec: a private user range (privateUsers "pick", README "Private users")
	ubase=$(awk '{print $2}' /proc/"$cpid"/uid_map)
	is "$(nsenter -t "$cpid" -a cat /proc/self/uid_map 2>&1 | tr -s ' ' | sed 's/^ //')" "0 $ubase 65536" \
		"Debian: in a user namespace, /proc/self/uid_map inside shows the picked range ($ubase)"
	ok $([ "$ubase" -ge 524288 ] && [ $((ubase % 65536)) = 0 ] && echo 0 || echo 1) "Debian: the range is 65536-aligned, not the host's"
	is "$(stat -c %u /sys/fs/cgroup/systemd/nsrun-"$npid" 2>/dev/null || stat -c %u /sys/fs/cgroup/nsrun-"$npid")" "$ubase" \
		"Debian: its delegated cgroup belongs to the container's root"
	is "$(stat -c %u "$DEB/etc/machine-id")" 0 "Debian: files it writes stay owned by 0 on disk (idmapped root)"
	env1=$(tr '\0' '\n' </proc/"$cpid"/environ)
	uuid=$(sed -n 's/^container_uuid=//p' <<<"$env1")
	like "$env1" "^container=nsrun$" "Debian: container=nsrun in PID 1's environment"
	is "$(nsenter -t "$cpid" -a cat /etc/machine-id 2>&1)" "${uuid//-/}" \
		"Debian: the empty /etc/machine-id was initialised from container_uuid"
	is "$(nsenter -t "$cpid" -a cat /run/host/container-uuid 2>&1)" "$uuid" "Debian: /run/host/container-uuid"
	is "$(nsenter -t "$cpid" -a cat /proc/1/cgroup 2>&1 | grep -E '^(0::|[0-9]+:name=systemd:)' | cut -d: -f3 | sort -u)" \
		"/init.scope" "Debian: systemd moved itself into init.scope of its own cgroup tree"
	units=$(nsenter -t "$cpid" -a systemctl list-units --no-legend --plain --type=service --state=running 2>&1)
	like "$units" "console-getty.service" "Debian: a getty on the console"
	like "$units" "dbus.service" "Debian: dbus runs"
	like "$units" "systemd-logind.service" "Debian: logind runs"
	wait_for "$TMP/deb.out" "login: " 20
	like "$(cat "$TMP/deb.out")" "Welcome to .*Debian GNU/Linux 12" "Debian: boot messages on stdout"
	like "$(cat "$TMP/deb.out")" "login: " "Debian: the login prompt on stdout"
	cg=$(ls -d /sys/fs/cgroup/unified/nsrun-"$npid"/init.scope /sys/fs/cgroup/nsrun-"$npid"/init.scope 2>/dev/null)
	ok $([ -n "$cg" ] && echo 0 || echo 1) "Debian: its cgroups are below nsrun-$npid on the host ($cg)"
	nsenter -t "$cpid" -a systemctl poweroff
	wait_exit "$npid" 60; rc=$?
	is "$rc" 0 "Debian: poweroff inside ends nsrun with 0"
	like "$(tail -3 "$TMP/deb.out")" "Powering off" "Debian: systemd powered off"
	is "$(ls -d /sys/fs/cgroup/*/nsrun-"$npid" /sys/fs/cgroup/nsrun-"$npid" 2>/dev/null)" "" \
		"Debian: the container's cgroups are gone"

	deb_boot "$TMP/deb.out"
	state=$(system_state "$cpid")
	is "$state" running "Debian: boots again (machine-id kept: $(cat "$DEB/etc/machine-id" 2>/dev/null | cut -c1-8)...)"
	kill -TERM "$npid"
	wait_exit "$npid" 60; rc=$?
	is "$rc" 0 "Debian: SIGTERM to nsrun halts it cleanly (0)"
	like "$(tail -3 "$TMP/deb.out")" "Halting system" "Debian: through systemd's halt (SIGRTMIN+3)"

	deb_boot "$TMP/deb.out"
	first=$cpid
	state=$(system_state "$cpid")
	nsenter -t "$cpid" -a systemctl reboot
	for ((i = 0; i < 400; i++)); do
		[ "$(cat "$TMP/pid" 2>/dev/null)" != "$first" ] && [ -s "$TMP/pid" ] && break
		sleep 0.05
	done
	cpid=$(cat "$TMP/pid")
	ok $([ "$cpid" != "$first" ] && echo 0 || echo 1) "Debian: reboot inside starts a new PID 1 ($first, then $cpid)"
	is "$(system_state "$cpid")" running "Debian: which boots to running"
	nsenter -t "$cpid" -a systemctl poweroff
	wait_exit "$npid" 60; rc=$?
	is "$rc" 0 "Debian: then poweroff ends nsrun with 0"

	deb_boot "$TMP/deb.out" pure_v2
	state=$(system_state "$cpid")
	is "$state" running "Debian, pure cgroup v2: running"
	is "$(nsenter -t "$cpid" -a systemctl --failed --no-legend --plain 2>&1)" "" "Debian, pure cgroup v2: no failed units"
	nsenter -t "$cpid" -a systemctl poweroff
	wait_exit "$npid" 60; rc=$?
	is "$rc" 0 "Debian, pure cgroup v2: poweroff ends nsrun with 0"

	# interactive: set a password (ARGS replace the init), log in on the
	# console, leave with Ctrl-] three times
	if command -v tmux >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null 2>&1; then
		tm=nsrun-boot-$$
		out=$(timeout 60 "$NSRUN" "$TMP/debian.json" -- sh -c 'echo root:nsrun-test | chpasswd && echo password-set' </dev/null 2>&1)
		like "$out" "password-set" "Debian: nsrun SPEC -- COMMAND runs a one-off command (chpasswd)"
		tmux new-session -d -s "$tm" -x 150 -y 50 "bash --norc --noprofile"
		tmux send-keys -t "$tm" "stty -g >$TMP/stty.before; $NSRUN $TMP/debian.json; echo nsrun-exit=\$?; stty -g >$TMP/stty.after" Enter
		pane() { tmux capture-pane -p -t "$tm" -S -200; }
		for ((i = 0; i < 400; i++)); do pane | grep -q "login: *$" && break; sleep 0.05; done
		like "$(pane)" "debian login:" "Debian, tty: the login prompt appears in the caller's terminal"
		tmux send-keys -t "$tm" root Enter
		for ((i = 0; i < 200; i++)); do pane | grep -q "Password:" && break; sleep 0.05; done
		tmux send-keys -t "$tm" nsrun-test Enter
		sleep 1
		tmux send-keys -t "$tm" "echo logged-in-as-\$(id -un)-on-\$(tty)" Enter
		for ((i = 0; i < 200; i++)); do pane | grep -q "logged-in-as-root" && break; sleep 0.05; done
		like "$(pane)" "logged-in-as-root-on-/dev/console" "Debian, tty: root logs in on the console"
		tmux send-keys -t "$tm" C-] C-] C-]
		for ((i = 0; i < 200; i++)); do pane | grep -q "nsrun-exit=[0-9]" && break; sleep 0.05; done
		like "$(pane)" "nsrun-exit=137" "Debian, tty: Ctrl-] three times kills the container (137)"
		like "$(pane)" "Ctrl-\] pressed three times" "Debian, tty: and says so"
		sleep 0.3
		is "$(cat "$TMP/stty.after" 2>/dev/null)" "$(cat "$TMP/stty.before" 2>/dev/null)" \
			"Debian, tty: the terminal mode is restored (stty -g before and after)"
		tmux kill-session -t "$tm"
	else
		debian_skip "tmux is missing and could not be installed" 6
	fi
fi

# --- nothing left behind ---------------------------------------------------
is "$(own_cgroups)" "" "no cgroup of any of these ${#NSRUN_PIDS[@]} containers is left on the host"
is "$(host_mounts "$DEB")" "$mounts_before" "the host's mounts are as before (what a container could leave)"
done_testing
