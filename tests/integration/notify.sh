#!/bin/bash
# sd_notify for containers that do not boot (issue 16): under NOTIFY_SOCKET
# the container gets /run/notify/notify.sock, and what it sends there
# reaches nsrun's NOTIFY_SOCKET with MAINPID= naming its PID 1 on the host:
# for `run` (the container's whole life), `run --detach` and create/start
# (until READY=1).  The outer socket is the test's own datagram socket.
. "$(dirname "$0")/lib.sh"
need_root

ROOT=$TMP/state
B=$TMP/bundle
mkdir -p "$B" && (cd "$B" && "$NSRUN" spec) && copy_rootfs "$B/rootfs"
mkdir -p "$B/rootfs/t" "$B/rootfs/run"
echo kept >"$B/rootfs/run/keep"
rm -rf "$B/rootfs/run/notify"
gcc -static -O2 -o "$B/rootfs/t/sdnotify" "$NSRUN_SRC/tests/helpers/sdnotify.c" ||
	{ echo "Bail out! cannot build tests/helpers/sdnotify.c"; exit 1; }
SEND=$B/rootfs/t/sdnotify
n() { "$NSRUN" --root "$ROOT" "$@"; }
# config ARGS_JSON [PYTHON]: the bundle's config running ARGS, no terminal
config() {
	/usr/bin/python3 - "$B/config.json" "$1" "${2:-}" <<'PY'
import json, sys
path, args, extra = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = args
c["process"]["user"] = {"uid": 0, "gid": 0}
c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/run"]
exec(extra)
json.dump(c, open(path, "w"), indent=1)
PY
}
# listen NAME: the test's notify socket $TMP/NAME.sock; each datagram it
# gets goes to $TMP/NAME.out followed by a line "--"
listen() {
	rm -f "$TMP/$1.sock" "$TMP/$1.out"
	/usr/bin/python3 - "$TMP/$1.sock" "$TMP/$1.out" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
out = open(sys.argv[2], "w")
try:
    while True:
        d = s.recv(8192).decode()
        out.write(d + "\n--\n")
        out.flush()
        if "TEST_QUIT=1" in d:
            break
except socket.timeout:
    pass
PY
	LISTENER=$!
	for _ in $(seq 200); do [ -S "$TMP/$1.sock" ] && return; sleep 0.02; done
}
# heard NAME: stop listening; what it got
heard() {
	NOTIFY_SOCKET=$TMP/$1.sock "$SEND" TEST_QUIT=1 >/dev/null
	wait "$LISTENER"
	cat "$TMP/$1.out"
}
# the datagram that holds READY=1, as one line
ready_msg() { awk '/^--$/ { if (m ~ /READY=1/) print m; m = ""; next } { m = m " " $0 }' "$TMP/$1.out"; }
wait_for() { # wait_for FILE REGEX: poll up to 10 s
	for _ in $(seq 500); do grep -Eq -- "$2" "$1" 2>/dev/null && return 0; sleep 0.02; done
	return 1
}

# --- nsrun run (foreground) --------------------------------------------------
config '["sh", "-c", "/t/sdnotify READY=1 STATUS=hi; echo NS=$NOTIFY_SOCKET; cat /run/keep; grep \" /run/notify \" /proc/self/mountinfo; echo x > /run/notify/f 2>&1 || echo ro"]'
listen a
out=$(NOTIFY_SOCKET=$TMP/a.sock n run --bundle "$B" --pid-file "$TMP/a.pid" "nt-a-$$" 2>"$TMP/err"); rc=$?
got=$(heard a)
is "$rc" 0 "run: the container ran"
like "$out" "^sent" "run: the container's sender reached its notify socket"
like "$out" "NS=/run/notify/notify.sock" "run: NOTIFY_SOCKET is /run/notify/notify.sock in the container"
like "$out" " /run/notify ro,.* - tmpfs " "run: /run/notify is a read-only tmpfs"
like "$out" "ro$" "run: the container cannot write into /run/notify"
like "$out" "kept" "run: the image's /run stays visible (a copy under the tmpfs)"
pid=$(cat "$TMP/a.pid")
msg=$(ready_msg a)
like "$msg" "READY=1" "run: the outer socket got READY=1"
like "$msg" "STATUS=hi" "run: ... and STATUS=hi"
like "$msg" "MAINPID=$pid( |$)" "run: ... with MAINPID= the container's host pid ($pid)"
[ ! -e "$B/rootfs/run/notify" ]; ok $? "run: nothing was written into the image"

# a user other than root can send too; the spec's own tmpfs on /run holds the mountpoint
config '["sh", "-c", "/t/sdnotify READY=1 STATUS=user; id -u; ls /run"]' \
	'c["process"]["user"] = {"uid": 1000, "gid": 1000}; c["mounts"].append({"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=755"]})'
listen u
out=$(NOTIFY_SOCKET=$TMP/u.sock n run --bundle "$B" --pid-file "$TMP/u.pid" "nt-u-$$" 2>"$TMP/err")
heard u >/dev/null
like "$out" "^sent" "uid 1000: the sender reached the socket"
like "$out" "1000" "uid 1000: it ran as uid 1000"
is "$(printf '%s\n' "$out" | tail -n +3 | tr '\n' ' ')" "notify " "tmpfs on /run from the spec: it holds only notify"
like "$(ready_msg u)" "MAINPID=$(cat "$TMP/u.pid").*STATUS=user|STATUS=user.*MAINPID=$(cat "$TMP/u.pid")" \
	"uid 1000: READY=1, STATUS=user and MAINPID reach the outer socket"

# without NOTIFY_SOCKET: nothing of it
config '["sh", "-c", "echo NS=${NOTIFY_SOCKET:-none}; ls -d /run/notify 2>&1 | grep -c No"]'
out=$(env -u NOTIFY_SOCKET "$NSRUN" --root "$ROOT" run --bundle "$B" "nt-n-$$" 2>&1)
is "$(echo $out)" "NS=none 1" "no NOTIFY_SOCKET: the container has neither the variable nor /run/notify"

# --- create / start: start forwards until READY=1 ----------------------------
config '["sh", "-c", "/t/sdnotify STATUS=starting; /t/sdnotify READY=1 STATUS=hi; exec sleep 1000"]'
listen c
NOTIFY_SOCKET=$TMP/c.sock n create --bundle "$B" --pid-file "$TMP/c.pid" "nt-c-$$"; is "$?" 0 "create under NOTIFY_SOCKET"
[ -s "$TMP/c.out" ]; ok $(( ! $? )) "create: nothing is forwarded before start"
NOTIFY_SOCKET=$TMP/c.sock timeout 20 "$NSRUN" --root "$ROOT" start "nt-c-$$"; is "$?" 0 "start returns once READY=1 came"
wait_for "$TMP/c.out" "READY=1"
got=$(heard c)
pid=$(cat "$TMP/c.pid")
like "$got" "STATUS=starting" "start: STATUS= before READY=1 is forwarded"
msg=$(ready_msg c)
like "$msg" "READY=1" "start: the outer socket got READY=1"
like "$msg" "STATUS=hi" "start: ... and STATUS=hi"
like "$msg" "MAINPID=$pid( |$)" "start: ... with MAINPID= the container's host pid ($pid)"
[ -z "$(ls -l /proc/"$pid"/fd 2>/dev/null | grep -c socket | grep -v '^0$')" ]; ok $? "start: the program holds no socket (PID 1 gave its copy away)"
n kill "nt-c-$$" KILL; sleep 0.1; n delete --force "nt-c-$$" 2>/dev/null

# --- run --detach: run returns once READY=1 came ------------------------------
listen d
NOTIFY_SOCKET=$TMP/d.sock timeout 20 "$NSRUN" --root "$ROOT" run --detach --bundle "$B" --pid-file "$TMP/d.pid" "nt-d-$$"
is "$?" 0 "run --detach returns once READY=1 came"
wait_for "$TMP/d.out" "READY=1"
heard d >/dev/null
like "$(ready_msg d)" "MAINPID=$(cat "$TMP/d.pid")( |$)" "run --detach: READY=1 with MAINPID= the container's host pid"
n kill "nt-d-$$" KILL; sleep 0.1; n delete --force "nt-d-$$" 2>/dev/null

# --- after READY=1: the keeper forwards for the container's whole life --------
# The program says READY=1, waits for /t/go (made by the test through the
# rootfs), says STATUS=second and STOPPING=1, then waits for /t/end.
config '["sh", "-c", "/t/sdnotify READY=1 STATUS=first; while [ ! -e /t/go ]; do sleep 0.02; done; /t/sdnotify STATUS=second; /t/sdnotify STOPPING=1; while [ ! -e /t/end ]; do sleep 0.02; done"]'
# the message holding WORD, as one line
msg_with() { awk -v w="$2" '/^--$/ { if (m ~ w) print m; m = ""; next } { m = m " " $0 }' "$TMP/$1.out"; }
# gone PID: exited (this machine's PID 1 may leave an orphan as a zombie)
gone() {
	local s
	for _ in $(seq 250); do
		s=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null)
		[ -z "$s" ] || [ "$s" = Z ] && return 0
		sleep 0.02
	done
	return 1
}
# after_ready MODE NAME: the keeper of container nt-NAME-$$, after READY=1
after_ready() {
	local mode=$1 name=$2 pid keeper fds
	pid=$(cat "$TMP/$name.pid")
	keeper=$(pgrep -f -- "nt-$name-$$")
	like "$keeper" "^[0-9]+$" "$mode: one keeper process outlives nsrun (pid $keeper)"
	is "$(cat "/proc/$keeper/comm" 2>&1)" "nsrun-keeper" "$mode: it is named nsrun-keeper"
	fds=$(for f in /proc/"$keeper"/fd/*; do readlink "$f"; done | sed 's/socket:.*/socket/' | sort | tr '\n' ' ')
	is "$fds" "/dev/null /dev/null /dev/null anon_inode:[pidfd] socket " \
		"$mode: it holds stdio on /dev/null, a pidfd and the notify socket, nothing else"
	is "$(readlink "/proc/$keeper/cwd"):$(readlink "/proc/$keeper/ns/mnt"):$(readlink "/proc/$keeper/ns/pid")" \
		"/:$(readlink /proc/self/ns/mnt):$(readlink /proc/self/ns/pid)" \
		"$mode: in the host's mount and pid namespaces, in /, not in the container's"
	is "$(cat "/proc/$keeper/cgroup")" "$(cat /proc/self/cgroup)" "$mode: in the caller's cgroup, not the container's"
	touch "$B/rootfs/t/go"
	wait_for "$TMP/$name.out" "STOPPING=1"
	like "$(msg_with "$name" STATUS=second)" "MAINPID=$pid( |$)" "$mode: STATUS=second after READY=1 arrives, with MAINPID=$pid"
	like "$(msg_with "$name" STOPPING=1)" "MAINPID=$pid( |$)" "$mode: STOPPING=1 arrives, with MAINPID=$pid"
	KEEPER=$keeper
}
rm -f "$B/rootfs/t/go" "$B/rootfs/t/end"
listen r
NOTIFY_SOCKET=$TMP/r.sock timeout 20 "$NSRUN" --root "$ROOT" run --detach --bundle "$B" --pid-file "$TMP/r.pid" "nt-r-$$"
is "$?" 0 "run --detach: returns at READY=1"
after_ready "run --detach" r
touch "$B/rootfs/t/end"
gone "$KEEPER"; ok $? "run --detach: the keeper is gone once the container ended"
heard r >/dev/null
n delete "nt-r-$$"; is "$?" 0 "run --detach: delete after it ended"
[ ! -e "$ROOT/nt-r-$$" ]; ok $? "run --detach: nothing left of it in the state directory"

rm -f "$B/rootfs/t/go" "$B/rootfs/t/end"
listen s
NOTIFY_SOCKET=$TMP/s.sock n create --bundle "$B" --pid-file "$TMP/s.pid" "nt-s-$$"
NOTIFY_SOCKET=$TMP/s.sock timeout 20 "$NSRUN" --root "$ROOT" start "nt-s-$$"; is "$?" 0 "create/start: start returns at READY=1"
after_ready "create/start" s
kill -KILL "$(cat "$TMP/s.pid")"
gone "$KEEPER"; ok $? "create/start: PID 1 SIGKILLed: the keeper notices and exits"
heard s >/dev/null
n delete "nt-s-$$"; is "$?" 0 "create/start: delete after it was killed"
[ ! -e "$ROOT/nt-s-$$" ]; ok $? "create/start: nothing left of it in the state directory"
rm -f "$B/rootfs/t/go" "$B/rootfs/t/end"

# --- a container that ends without READY=1: start does not hang --------------
config '["sh", "-c", "/t/sdnotify STATUS=bye"]'
listen e
NOTIFY_SOCKET=$TMP/e.sock n create --bundle "$B" "nt-e-$$"
NOTIFY_SOCKET=$TMP/e.sock timeout 20 "$NSRUN" --root "$ROOT" start "nt-e-$$"; is "$?" 0 "start of a program that never says READY=1 returns when it ends"
heard e >/dev/null
n delete --force "nt-e-$$" 2>/dev/null

[ -z "$(ls -A "$ROOT" 2>/dev/null)" ]; ok $? "nothing is left under --root"
[ ! -e "$B/rootfs/run/notify" ]; ok $? "nothing was written into the image"
done_testing
