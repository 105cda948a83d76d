#!/bin/bash
# The systemd cgroup driver (issue 16): --systemd-cgroup, or a cgroupsPath
# "slice:prefix:name", makes the container's cgroup a transient scope with
# Delegate=yes through systemd's D-Bus API.  This host's PID 1 is not
# systemd, so the test boots the Debian tree (boot.sh makes the cache) and
# runs nsrun inside it, where systemd is PID 1: the scope, its properties
# (limits) in `systemctl show`, PID 1 in it, exec, kill, delete, and the
# scope gone afterwards.
. "$(dirname "$0")/lib.sh"
need_root
DEBIAN_CACHE=${NSRUN_TEST_DEBIAN:-/var/tmp/nsrun-debian-bookworm}
[ -x "$DEBIAN_CACHE/usr/lib/systemd/systemd" ] ||
	skip_all "no Debian tree at $DEBIAN_CACHE (tests/integration/boot.sh makes it)"

# The tree through an overlay (the cache stays as it is), nsrun and a
# busybox bundle inside it.
W=$(mktemp -d /var/tmp/nsrun-sdcg.XXXXXX)
cleanup() {
	[ -n "${npid:-}" ] && kill -KILL "$npid" 2>/dev/null && wait "$npid" 2>/dev/null
	mountpoint -q "$W/root" && umount "$W/root"
	rm -rf "$W" "$TMP"
}
trap cleanup EXIT
mkdir -p "$W/upper" "$W/work" "$W/root"
chmod 755 "$W"
mount -t overlay nsrun-sdcg -o "lowerdir=$DEBIAN_CACHE,upperdir=$W/upper,workdir=$W/work" "$W/root" ||
	{ echo "Bail out! cannot mount an overlay of $DEBIAN_CACHE"; exit 1; }
R=$W/root
: >"$R/etc/machine-id"
cp "$NSRUN" "$R/usr/local/bin/nsrun"
# the libraries nsrun links (libc; an ASan build: libasan, libubsan), from
# the host where the tree lacks them (both are Debian bookworm)
for lib in $(ldd "$NSRUN" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
	[ -e "$R$lib" ] || { mkdir -p "$R$(dirname "$lib")" && cp -L "$lib" "$R$lib"; }
done
mkdir -p "$R/var/tmp/bb" "$R/var/tmp/bun"
cp -a "$ROOTFS/." "$R/var/tmp/bb/"
(cd "$R/var/tmp/bun" && "$NSRUN" spec)
/usr/bin/python3 - "$R/var/tmp/bun/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"]["path"] = "/var/tmp/bb"
c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "1000"]
c["linux"]["resources"] = {"devices": [{"allow": False, "access": "rwm"}],
    "memory": {"limit": 67108864}, "pids": {"limit": 50},
    "cpu": {"shares": 512, "quota": 50000, "period": 100000}}
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY

# CAP_SYS_ADMIN: its systemd starts nsrun in units (sd_notify below); as the
# host's root (the nsrun inside makes scopes and cgroups; an overlay root
# also cannot be idmapped)
spec "$TMP/debian.json" "{\"root\": {\"path\": \"$R\"}, \"boot\": true, \"privateUsers\": \"no\", \"add\": {\"capabilities\": [\"CAP_SYS_ADMIN\"]}}"
# nsrun under a Type=notify unit: a NOTIFY_SOCKET that records what comes
/usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(60)
out = open(sys.argv[2], "a"); open(sys.argv[3], "w").close()
while True:
    try: d = s.recv(65536)
    except OSError: break
    out.write(d.decode(errors="replace").replace("\n", " ") + "\n"); out.flush()' \
	"$TMP/notify.sock" "$TMP/notify.log" "$TMP/notify.ready" & lpid=$!
for _ in $(seq 100); do [ -e "$TMP/notify.ready" ] && break; sleep 0.02; done
NOTIFY_SOCKET=$TMP/notify.sock "$NSRUN" --pid-file "$TMP/pid" "$TMP/debian.json" </dev/null >"$TMP/boot.out" 2>&1 & npid=$!
for _ in $(seq 200); do [ -s "$TMP/pid" ] && break; sleep 0.05; done
cpid=$(cat "$TMP/pid" 2>/dev/null)
inside() { nsenter -t "$cpid" -a "$@"; }
for _ in $(seq 100); do inside systemctl is-system-running >/dev/null 2>&1 && break
	[ "$(inside systemctl is-system-running 2>/dev/null)" = degraded ] && break; sleep 0.1; done
state=$(timeout 60 nsenter -t "$cpid" -a systemctl is-system-running --wait 2>&1)
like "$state" "^(running|degraded)$" "the Debian container boots with systemd as PID 1"
for _ in $(seq 100); do grep -q READY=1 "$TMP/notify.log" 2>/dev/null && break; sleep 0.05; done
like "$(grep READY=1 "$TMP/notify.log")" "^MAINPID=$cpid READY=1" \
	"sd_notify: the container's systemd reports READY=1 through nsrun, with MAINPID= its PID 1"
like "$(inside sh -c 'echo $NOTIFY_SOCKET; ls -l /run/host/notify' 2>&1)" "^srw" \
	"sd_notify: the socket is /run/host/notify in the container"
inside env NOTIFY_SOCKET=/run/host/notify systemd-notify --status="hello from $$"
for _ in $(seq 100); do grep -q "hello from $$" "$TMP/notify.log" && break; sleep 0.05; done
like "$(grep "hello from" "$TMP/notify.log")" "^MAINPID=$cpid STATUS=hello from $$" "sd_notify: STATUS= from the container is forwarded"
N() { inside sh -c 'cd /var/tmp/bun && exec nsrun "$@"' nsrun "$@"; }
show() { inside systemctl show "$1" -p "$2" --value 2>&1; }

# --- --systemd-cgroup: create, the scope, its properties ----------------------
N --systemd-cgroup create sd1 2>&1; is "$?" 0 "create --systemd-cgroup exits 0"
U=nsrun-sd1.scope
is "$(show $U ActiveState)" active "the transient scope nsrun-sd1.scope is active"
is "$(show $U Delegate)" yes "Delegate=yes"
is "$(show $U Slice)" system.slice "in system.slice (the default slice)"
is "$(show $U ControlGroup)" /system.slice/nsrun-sd1.scope "its cgroup is /system.slice/nsrun-sd1.scope"
is "$(show $U MemoryLimit)" 67108864 "memory.limit becomes MemoryLimit= (v1 memory on this hybrid host)"
is "$(show $U TasksMax)" 50 "pids.limit becomes TasksMax="
is "$(show $U CPUShares)" 512 "cpu.shares becomes CPUShares="
is "$(show $U CPUQuotaPerSecUSec)" 500ms "cpu.quota/period become CPUQuotaPerSecUSec="
is "$(show $U DevicePolicy)" strict "devices: DevicePolicy=strict (deny all first)"
like "$(show $U DeviceAllow)" "/dev/char/1:3 rwm" "devices: /dev/null allowed through DeviceAllow="
like "$(show $U DeviceAllow)" "char-pts rwm" "devices: the ptys by their /proc/devices name"
pid=$(N state sd1 | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
like "$(inside cat /proc/"$pid"/cgroup 2>&1)" "name=systemd:/system.slice/nsrun-sd1.scope$" \
	"the container's PID 1 is in the scope"
is "$(inside cat /sys/fs/cgroup/systemd/system.slice/$U/cgroup.procs 2>&1)" "$pid" \
	"and alone in it (the process that held the scope is gone)"
N start sd1; is "$?" 0 "start"
like "$(N exec sd1 cat /proc/self/cgroup 2>&1)" "name=systemd:/$" "exec joins the scope (its cgroup namespace root)"
like "$(N events --stats sd1 2>&1)" '"type":"stats","id":"sd1"' "events --stats reads the scope's statistics"
echo '{"memory": {"limit": 33554432}, "pids": {"limit": 77}}' >"$R/var/tmp/update.json"
N update --resources /var/tmp/update.json sd1; is "$?" 0 "update of the scope's limits"
is "$(show $U MemoryLimit) $(show $U TasksMax)" "33554432 77" "update: MemoryLimit= and TasksMax= through SetUnitProperties"
# (systemd in this booted container cannot write the v1 cpu hierarchy,
# which nsrun gives it read-only: the properties are what can be seen here)
echo '{"cpu": {"quota": 20000}}' >"$R/var/tmp/update.json"
N update --resources /var/tmp/update.json sd1; is "$?" 0 "update of the cpu quota alone"
is "$(show $U CPUQuotaPerSecUSec)" 200ms "update: quota 20000 in the unit's period of 100 ms is CPUQuotaPerSecUSec=200ms"
is "$(show $U CPUQuotaPeriodUSec)" 100ms "update: the period stays 100 ms"
echo '{"cpu": {"quota": 30000, "period": 200000}}' >"$R/var/tmp/update.json"
N update --resources /var/tmp/update.json sd1; is "$?" 0 "update of the cpu quota and period"
is "$(show $U CPUQuotaPerSecUSec) $(show $U CPUQuotaPeriodUSec)" "150ms 200ms" \
	"update: quota 30000 per 200000 us is CPUQuotaPerSecUSec=150ms, CPUQuotaPeriodUSec=200ms"
echo '{"cpu": {"quota": 40000}}' >"$R/var/tmp/update.json"
N update --resources /var/tmp/update.json sd1
is "$(show $U CPUQuotaPerSecUSec) $(show $U CPUQuotaPeriodUSec)" "200ms 200ms" \
	"update: quota 40000 alone is counted in the unit's new period of 200 ms (200ms per second)"
echo '{"cpu": {"quota": -1}}' >"$R/var/tmp/update.json"
N update --resources /var/tmp/update.json sd1; is "$?" 0 "update of the cpu quota to -1"
is "$(show $U CPUQuotaPerSecUSec)" infinity "update: quota -1 is CPUQuotaPerSecUSec=infinity (no limit)"
N kill sd1 KILL
for _ in $(seq 100); do [ "$(show $U ActiveState)" = active ] || break; sleep 0.05; done
N delete sd1; is "$?" 0 "delete"
is "$(show $U LoadState)" not-found "the scope is gone after delete"
inside test -d /sys/fs/cgroup/systemd/system.slice/$U; ok $(( $? == 0 )) "and so is its cgroup"

# --- a "slice:prefix:name" cgroupsPath selects the driver; delete -f stops it --
/usr/bin/python3 - "$R/var/tmp/bun/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["linux"]["cgroupsPath"] = "machine.slice:test:sd2"
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
N run -d sd2; is "$?" 0 "run -d with cgroupsPath machine.slice:test:sd2"
is "$(show test-sd2.scope Slice) $(show test-sd2.scope ActiveState)" "machine.slice active" \
	"the scope test-sd2.scope runs in machine.slice"
N delete -f sd2; is "$?" 0 "delete -f of the running container"
is "$(show test-sd2.scope LoadState)" not-found "delete -f stops the scope"
is "$(inside sh -c 'cat /proc/[0-9]*/comm' 2>/dev/null | grep -x -e sleep -e nsrun)" "" "no container process and no nsrun is left"

# --- errors --------------------------------------------------------------------
/usr/bin/python3 - "$R/var/tmp/bun/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["linux"]["cgroupsPath"] = "/cgfs/path"
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
out=$(N --systemd-cgroup run sd3 2>&1); rc=$?
is "$rc" 125 "--systemd-cgroup with a cgroupfs path fails"
like "$out" 'with --systemd-cgroup it is "slice:prefix:name", got "/cgfs/path"' "and says why"
out=$("$NSRUN" --systemd-cgroup state x 2>&1); rc=$?
like "$rc:$out" "^125:.*--systemd-cgroup: systemd is not running on this host" \
	"on this host (no systemd as PID 1) --systemd-cgroup is refused"

# --- sd_notify under a real Type=notify unit (systemd-run) -------------------
# the container's program says READY=1 and STATUS= on its own notify socket;
# systemd sees them, and MainPID= is the container's PID 1
mkdir -p "$R/var/tmp/bb/t" "$R/var/tmp/nbun"
gcc -static -O2 -o "$R/var/tmp/bb/t/sdnotify" "$NSRUN_SRC/tests/helpers/sdnotify.c"
/usr/bin/python3 - "$R/var/tmp/bun/config.json" "$R/var/tmp/nbun/config.json" "up-$$" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["linux"].pop("cgroupsPath", None)
c["process"]["args"] = ["sh", "-c", "/t/sdnotify READY=1 STATUS=" + sys.argv[3] +
    "; while [ ! -e /t/go ]; do sleep 0.02; done; /t/sdnotify STATUS=later-" + sys.argv[3] + "; exec sleep 1000"]
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY
NT="/usr/local/bin/nsrun --systemd-cgroup --root /run/nsrun-nt"
for mode in run create; do
	unit=nsrun-nt-$mode.service
	if [ $mode = run ]; then cmd="exec $NT run --bundle /var/tmp/nbun nt-$mode"
	else cmd="$NT create --bundle /var/tmp/nbun nt-$mode && exec $NT start nt-$mode"; fi
	rm -f "$R/var/tmp/bb/t/go"
	timeout 30 nsenter -t "$cpid" -a systemd-run -q --unit=$unit -p Type=notify -p TimeoutStartSec=20 \
		-p NotifyAccess=all sh -c "$cmd"
	is "$?" 0 "sd_notify, $mode: systemd-run of a Type=notify unit returns (READY=1 came)"
	is "$(show $unit ActiveState)" active "sd_notify, $mode: the unit is active"
	is "$(show $unit StatusText)" "up-$$" "sd_notify, $mode: StatusText= is what the container sent"
	# the container's PID 1: the program (sh, waiting for /t/go) whose parent is nsrun (run,
	# sealed: memfd:nsrun)
	# or systemd (create: nsrun create has gone)
	main=$(show $unit MainPID)
	parent=$(inside awk '{ print $4 }' /proc/"$main"/stat 2>/dev/null)
	is "$(inside cat /proc/"$main"/comm /proc/"$parent"/comm 2>&1 | tr '\n' ' ')" \
		"sh $([ $mode = run ] && echo memfd:nsrun || echo systemd) " \
		"sd_notify, $mode: MainPID= ($main) is the container's PID 1, not nsrun"
	# after READY=1: in the foreground nsrun forwards, after start the keeper
	touch "$R/var/tmp/bb/t/go"
	for _ in $(seq 250); do [ "$(show $unit StatusText)" = "later-up-$$" ] && break; sleep 0.02; done
	is "$(show $unit StatusText) $(show $unit MainPID)" "later-up-$$ $main" \
		"sd_notify, $mode: STATUS= after READY=1 reaches the unit (NotifyAccess=all), MainPID= unchanged"
	if [ $mode = run ]; then inside systemctl kill -s KILL $unit
	else inside $NT delete -f nt-$mode; fi
	inside systemctl stop $unit 2>/dev/null
	inside systemctl reset-failed $unit 2>/dev/null
done

inside systemctl poweroff
for _ in $(seq 200); do kill -0 "$npid" 2>/dev/null || break; sleep 0.05; done
wait "$npid"; is "$?" 0 "the Debian container powers off"
npid=
kill "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null
done_testing
