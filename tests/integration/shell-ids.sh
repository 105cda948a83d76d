#!/bin/bash
# nsrun shell and login on an OCI container id (what `nsrun create` and
# `nsrun run -d` make, under --root), as on a machine name: the process
# joins the container's pid namespace and its cgroup, on a pty; login
# gives the tree's login prompt, or a clear error when it has none.
. "$(dirname "$0")/lib.sh"
need_root
command -v tmux >/dev/null || skip_all "tmux is missing"

ROOT=$TMP/state
B=$TMP/bundle
ID=shellids-$$
tm=shellids-$$
mkdir -p "$B" && (cd "$B" && "$NSRUN" spec) && copy_rootfs "$B/rootfs"
# root logs in without a password (busybox login), the container sleeps
sed -i 's/^root:x:/root::/' "$B/rootfs/etc/passwd"
/usr/bin/python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "1000"]
# what login needs to become root (setgroups), as an OS container has it
for kind in ("bounding", "effective", "permitted"):
    c["process"]["capabilities"][kind] += ["CAP_SETUID", "CAP_SETGID"]
json.dump(c, open(sys.argv[1], "w"))
PY
n() { timeout 20 "$NSRUN" --root "$ROOT" "$@"; }
cleanup() {
	tmux kill-session -t "$tm" 2>/dev/null
	[ -n "${sleeper:-}" ] && kill -9 "$sleeper" 2>/dev/null
	"$NSRUN" --root "$ROOT" delete --force "$ID" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT
pane() { tmux capture-pane -p -t "$tm" -S -100; }
wait_pane() { # wait_pane REGEX [SECONDS]
	local i
	for ((i = 0; i < ${2:-10} * 20; i++)); do pane | grep -Eq -- "$1" && return 0; sleep 0.05; done
	return 1
}

n create --bundle "$B" "$ID" && n start "$ID"
pid=$(n state "$ID" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
like "$(n list)" "^$ID +oci +$pid +running " "the container is listed (kind oci)"

# --- shell ID CMD: inside its pid namespace and its cgroup ---------------------
out=$(n shell "$ID" /bin/sh -c 'echo $$; cat /proc/1/cgroup; readlink /proc/self/ns/pid' </dev/null 2>&1)
st=$?
is "$st" 0 "shell ID CMD exits with CMD's status"
like "$(echo "$out" | head -1)" '^[0-9]+$' "... CMD ran (its pid inside)"
[ "$(echo "$out" | head -1)" != 1 ] && [ "$(echo "$out" | head -1)" -lt 100 ]
ok $? "... a small pid: the container's pid namespace numbers it, it is not PID 1"
is "$(echo "$out" | tail -1)" "$(readlink "/proc/$pid/ns/pid")" "... its pid namespace is the container's (/proc/PID/ns/pid)"
like "$out" "pids:/" "... it sees the container's PID 1 in its cgroup namespace"
is "$(n shell "$ID" /bin/sh -c 'exit 7' </dev/null; echo $?)" 7 "shell ID CMD: CMD's exit status is nsrun's"

# the shell's own cgroups, seen from the host, are those of the container's PID 1
n shell "$ID" /bin/sh -c 'echo $$; exec sleep 60' >"$TMP/inner" </dev/null 2>&1 &
shell_job=$!
for _ in $(seq 100); do [ -s "$TMP/inner" ] && break; sleep 0.05; done
inner=$(head -1 "$TMP/inner")
sleeper=
for _ in $(seq 100); do
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$(readlink "/proc/$pid/ns/pid")" ] || continue
		[ "$(awk '$1 == "NSpid:" { print $NF }' "$p/status" 2>/dev/null)" = "$inner" ] && sleeper=${p#/proc/}
	done
	[ -n "$sleeper" ] && [ "$(cat "/proc/$sleeper/comm" 2>/dev/null)" = sleep ] && break
	sleep 0.05
done
[ -n "$sleeper" ]; ok $? "the shell's process is found from the host (pid $inner inside)"
is "$(cat "/proc/$sleeper/cgroup" 2>&1)" "$(cat "/proc/$pid/cgroup")" "... in every cgroup of the container's PID 1"
kill -9 "$sleeper" 2>/dev/null
wait "$shell_job"
is "$?" 137 "... and nsrun shell ends with it (killed: 137)"
sleeper=

# --- errors ------------------------------------------------------------------
out=$(n shell "nosuch-$$" true 2>&1); st=$?
is "$st:$out" "125:nsrun: no machine or container \"nosuch-$$\" is running (nsrun list shows them)" \
	"shell of an unknown id: a clear error, exit 125"
out=$(timeout 20 "$NSRUN" shell "$ID" true 2>&1); st=$?
is "$st" 125 "without --root, the id is not looked for under another root"
out=$(n login "nosuch-$$" 2>&1); st=$?
like "$st:$out" "^125:nsrun: no machine or container" "login of an unknown id: a clear error, exit 125"

# --- shell ID on a pty, login ID -----------------------------------------------
# in_pane VERB: `nsrun VERB ID` in a new terminal; then type LINE and wait
# for REGEX with type_wait LINE REGEX
in_pane() {
	tmux kill-session -t "$tm" 2>/dev/null
	tmux new-session -d -s "$tm" -x 150 -y 40 "bash --norc --noprofile"
	tmux send-keys -t "$tm" "$NSRUN --root $ROOT $1 $ID; echo $1-exit=\$?" Enter
}
type_wait() { tmux send-keys -t "$tm" "$1" Enter; wait_pane "$2"; }
in_pane shell
wait_pane "^/ #"
type_wait 'echo on-$(tty)-pid1-$(cat /proc/1/comm)' "^on-/dev/pts/[0-9]+-pid1-sleep"
like "$(pane)" "on-/dev/pts/[0-9]+-pid1-sleep" "shell ID: root's login shell on a pty, PID 1 is the container's"
type_wait "exit 3" "shell-exit=[0-9]" # (the command line says shell-exit=$?)
like "$(pane)" "shell-exit=3" "... its exit status is nsrun's"

in_pane login
wait_pane "login: *$"
like "$(pane)" "login: *$" "login ID: the tree's login prompt (busybox login)"
type_wait root "^/root # *$"
type_wait 'echo logged-in-as-uid$(id -u)-on-$(tty)-pid1-$(cat /proc/1/comm)' "^logged-in-as-uid0-on-/dev/pts/[0-9]+-pid1-sleep"
like "$(pane)" "logged-in-as-uid0-on-/dev/pts/[0-9]+-pid1-sleep" "... root logs in, on a pty, in the container"
type_wait exit "login-exit=[0-9]"
like "$(pane)" "login-exit=0" "... logging out ends nsrun login"
tmux kill-session -t "$tm"

# a tree without a login program: a clear error at once, not a hang
rm "$B/rootfs/bin/login"
out=$(n login "$ID" </dev/null 2>&1); st=$?
is "$st:$out" "125:nsrun: login: \"$ID\" has no login program (agetty or login in /sbin, /usr/sbin, /bin or /usr/bin); nsrun shell $ID gives a shell" \
	"login in a container without agetty or login: a clear error, exit 125"

# stopped: nothing to join
n kill "$ID" KILL
for _ in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.02; done
out=$(n shell "$ID" true 2>&1); st=$?
is "$st:$out" "125:nsrun: container \"$ID\" is stopped: nothing to join" "shell of a stopped container: a clear error"
n delete "$ID"
[ -z "$(ls -A "$ROOT")" ]; ok $? "nothing is left under --root"

done_testing
