#!/bin/bash
# The machines walkthrough (issue 14): the systemd-nspawn + machinectl
# workflow with nsrun, on a copy of the Debian bookworm test tree in an
# image store of our own ($NSRUN_MACHINES_DIR).  After each step, nothing
# of nsrun's is left on the host that the step did not mean to leave: no
# mount, no process running in the image, no registry record.
. "$(dirname "$0")/lib.sh"
need_root

DEBIAN_CACHE=${NSRUN_TEST_DEBIAN:-/var/tmp/nsrun-debian-bookworm}
[ -x "$DEBIAN_CACHE/usr/lib/systemd/systemd" ] || skip_all "no Debian tree at $DEBIAN_CACHE (tests/integration/boot.sh makes it)"
command -v tmux >/dev/null || skip_all "tmux is missing"
M=$(mktemp -d /var/tmp/nsrun-machines.XXXXXX)
export NSRUN_MACHINES_DIR=$M
NAME=mw$$
tm=nsrun-machines-$$
cleanup() {
	tmux kill-session -t "$tm" 2>/dev/null
	"$NSRUN" stop "$NAME" >/dev/null 2>&1
	"$NSRUN" read-only "$NAME-c" false >/dev/null 2>&1
	rm -rf "$TMP" "$M"
	rm -f "/run/nsrun/.machines/$NAME.log"
}
trap cleanup EXIT
n() { timeout 120 "$NSRUN" "$@"; }
pane() { tmux capture-pane -p -t "$tm" -S -300; }
wait_pane() { # wait_pane REGEX [SECONDS]
	local i
	for ((i = 0; i < ${2:-30} * 20; i++)); do pane | grep -Eq -- "$1" && return 0; sleep 0.05; done
	return 1
}
# Nothing of ours left: mounts of the store, processes whose root is in
# it, registry records of our machines.
left_behind() {
	local what=""
	grep -q " $M" /proc/self/mountinfo && what+=" mounts"
	for p in /proc/[0-9]*; do
		case "$(readlink "$p/root" 2>/dev/null)" in "$M"/*) what+=" process-${p#/proc/}" ;; esac
	done
	ls /run/nsrun/.machines 2>/dev/null | grep -q "^$NAME\(-c\)\?\(-[0-9]*\)\?\.\(spec\.\)\?json$" && what+=" records"
	local s
	for s in "${SUPERVISORS[@]}"; do
		ls -d /sys/fs/cgroup/*/nsrun-"$s" /sys/fs/cgroup/nsrun-"$s" >/dev/null 2>&1 && what+=" cgroups-of-$s"
		[ -e "/run/nsrun/.machines/.notify-$s" ] && what+=" notify-socket-$s"
	done
	echo "${what:-nothing}"
}
# the supervising nsrun of our machine, while it runs (its cgroups are nsrun-PID)
SUPERVISORS=()
note_supervisor() {
	local s
	s=$("$NSRUN" list --json | grep "\"$NAME\"" | sed -n 's/.*"supervisor":\([0-9]*\).*/\1/p')
	[ -n "$s" ] && SUPERVISORS+=("$s")
}

# 1. make the image: a copy of the Debian tree in the store
n import-fs "$DEBIAN_CACHE" "$NAME"
like "$(n list-images)" "^$NAME +directory +no " "import-fs: the image is listed (kind directory, writable)"
is "$(left_behind)" "nothing" "import-fs: nothing left behind"

# 2. set root's password with a one-off command, non-interactively
before=$(grep '^root:' "$M/$NAME/etc/shadow")
out=$(n -D "$M/$NAME" sh -c "echo root:pw$$ | chpasswd && echo password-set" </dev/null 2>&1)
like "$out" "password-set" "nsrun -D DIR COMMAND runs in the tree (chpasswd)"
after=$(grep '^root:' "$M/$NAME/etc/shadow")
[ "$before" != "$after" ] && [[ "$after" == 'root:$'* ]]; ok $? "... and root's password hash in the image changed"
is "$(left_behind)" "nothing" "-D: nothing left behind"

# 3. boot in the foreground in a terminal, reach it from another, leave with Ctrl-] x3
tmux new-session -d -s "$tm" -x 150 -y 50 "bash --norc --noprofile"
tmux send-keys -t "$tm" "$NSRUN -b -M $NAME; echo nsrun-exit=\$?" Enter
wait_pane "login: *$" 60
like "$(pane)" "login:" "nsrun -b -M NAME boots to a login prompt in the terminal"
like "$(n list)" "^$NAME +machine +[1-9][0-9]* +running " "nsrun list shows the foreground machine"
note_supervisor
out=$(n shell "$NAME" systemctl is-system-running --wait 2>&1)
is "$out" "running" "nsrun shell NAME from another terminal reaches the foreground machine's systemd"
tmux send-keys -t "$tm" C-] C-] C-]
wait_pane "nsrun-exit=[0-9]+" 20
like "$(pane)" "nsrun-exit=137" "Ctrl-] three times leaves (the container is killed)"
sleep 0.2
is "$(left_behind)" "nothing" "foreground boot: nothing left behind"
tmux kill-session -t "$tm"

# 4. start in the background, list, shell, status, log
n start "$NAME"; st=$?
is "$st" "0" "nsrun start NAME"
like "$(n list)" "^$NAME +machine +[1-9][0-9]* +running " "nsrun list shows it running"
note_supervisor
[ -n "$(ls -d /sys/fs/cgroup/*/nsrun-"${SUPERVISORS[-1]}" 2>/dev/null)" ]; ok $? "... with cgroups of its own (nsrun-PID of its nsrun)"
out=$(n shell "$NAME" systemctl is-system-running --wait 2>&1)
is "$out" "running" "nsrun shell NAME systemctl is-system-running answers running"
out=$(n shell "$NAME" sh -c 'cat /proc/1/comm; hostname; readlink /proc/self/ns/cgroup' 2>&1)
like "$out" "^systemd" "the shell's PID 1 is the machine's systemd (its pid namespace)"
leader=$(n list --json | grep "\"$NAME\"" | sed 's/.*"leader":\([0-9]*\).*/\1/')
is "$(echo "$out" | tail -1)" "$(readlink /proc/$leader/ns/cgroup)" "... and its cgroup namespace"
is "$(n exec "$NAME" cat /proc/1/comm 2>&1)" "systemd" "nsrun exec NAME CMD works on a machine too"
out=$(n status "$NAME")
like "$out" "State: running" "status: state"
like "$out" "systemd-journald" "status: the process tree of its cgroup"
like "$(n log "$NAME")" "Reached target.*Multi-User System" "nsrun log NAME: the console output"

# 5. login: a login prompt inside on a new pty; log in with the password
tmux new-session -d -s "$tm" -x 150 -y 50 "bash --norc --noprofile"
tmux send-keys -t "$tm" "$NSRUN login $NAME; echo login-exit=\$?" Enter
wait_pane "login: *$" 20
like "$(pane)" "login:" "nsrun login NAME shows a login prompt"
tmux send-keys -t "$tm" root Enter
wait_pane "Password:" 10
tmux send-keys -t "$tm" "pw$$" Enter
sleep 1
tmux send-keys -t "$tm" "echo logged-in-as-\$(id -un)-on-\$(tty)" Enter
wait_pane "logged-in-as-root-on-/dev/pts" 10
like "$(pane)" "logged-in-as-root-on-/dev/pts/[0-9]" "... root logs in with the password set by step 2, on a pty"
tmux send-keys -t "$tm" "exit" Enter
wait_pane "login-exit=" 10
tmux kill-session -t "$tm"

# 6. stop: a clean shutdown (log -f follows it to the end)
n log -f "$NAME" >"$TMP/follow" & follower=$!
n stop "$NAME"; st=$?
for i in $(seq 40); do kill -0 $follower 2>/dev/null || break; sleep 0.05; done
! kill -0 $follower 2>/dev/null; ok $? "nsrun log -f ends when the machine has stopped"
like "$(cat "$TMP/follow")" "Halting system" "... having followed the shutdown"
is "$st" "0" "nsrun stop NAME"
like "$(n log "$NAME")" "Halting system" "stop: systemd shut down cleanly (its log)"
like "$(n log "$NAME")" "machine $NAME ended with status 0" "stop: the machine ended with status 0"
unlike "$(n list)" "^$NAME " "stop: no longer listed"
is "$(left_behind)" "nothing" "start/stop: nothing left behind"

# 7. images: clone, read-only, remove
n clone "$NAME" "$NAME-c"
like "$(n list-images)" "^$NAME-c +directory " "clone: the copy is listed"
is "$(stat -c '%U %a' "$M/$NAME-c/etc/shadow")" "$(stat -c '%U %a' "$M/$NAME/etc/shadow")" "clone keeps owners and modes"
n read-only "$NAME-c"
like "$(n list-images)" "^$NAME-c +directory +yes " "read-only: listed read-only"
out=$(n remove "$NAME-c" 2>&1); st=$?
is "$st:$out" "125:nsrun: remove: image \"$NAME-c\" is read-only (nsrun read-only $NAME-c false)" "a read-only image cannot be removed"
out=$(n -M "$NAME-c" sh -c 'touch /x' 2>&1)
like "$out" "Read-only file system" "a read-only image runs with a read-only root"
n read-only "$NAME-c" false
n remove "$NAME-c"; st=$?
[ "$st" = 0 ] && [ ! -e "$M/$NAME-c" ]; ok $? "remove: the image is gone"

# 8. a syscall filter while the shell lives
tmux new-session -d -s "$tm" -x 150 -y 50 "bash --norc --noprofile"
tmux send-keys -t "$tm" "$NSRUN -D $M/$NAME --syscall-filter='~mkdir'; echo shell-exit=\$?" Enter
wait_pane "root@$NAME" 10
tmux send-keys -t "$tm" "mkdir /tmp/d; echo mkdir-status=\$?; touch /tmp/f && echo touch-ok" Enter
wait_pane "^touch-ok" 10 # (the command line says touch-ok too)
like "$(pane)" "Operation not permitted" "--syscall-filter='~mkdir': mkdir fails with EPERM in the shell"
like "$(pane)" "mkdir-status=1" "... and says so with its status"
tmux send-keys -t "$tm" "exit" Enter
wait_pane "shell-exit=0" 10
like "$(pane)" "shell-exit=0" "the shell ends, and nsrun with it"
tmux kill-session -t "$tm"
is "$(left_behind)" "nothing" "the end: nothing left behind"
n remove "$NAME"
[ ! -e "$M/$NAME" ] && [ ! -e "/run/nsrun/.machines/$NAME.log" ]; ok $? "remove: the image and its log are gone"

done_testing
