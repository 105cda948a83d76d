#!/bin/bash
# Issue 8: broken root filesystems give clear errors with documented
# statuses; 200 containers, 2 at a time, with failures mixed in, leave
# nothing behind, with and without private users; a cgroup left by a gone
# nsrun that had the same pid neither fails nor leaks a run.
. "$(dirname "$0")/lib.sh"
need_root

run() { "$NSRUN" "$@"; }
spec_root() { # spec_root FILE ROOT ARGS_JSON
	spec "$1" "{\"root\": {\"path\": \"$2\"}, \"process\": {\"args\": $3}}"
}

# --- broken root filesystems --------------------------------------------------
spec_root "$TMP/s.json" "$TMP/missing" '["true"]'
out=$(run "$TMP/s.json" 2>&1); rc=$?
is "$rc" 125 "a missing rootfs: 125"
like "$out" "root.path $TMP/missing: ENOENT" "and the message names it"

ln -s "$ROOTFS" "$TMP/link"
spec_root "$TMP/s.json" "$TMP/link" '["true"]'
out=$(run "$TMP/s.json" 2>&1); rc=$?
is "$rc" 125 "a rootfs that is a symlink: 125"
like "$out" "is a symlink; give the directory itself" "and the message says so"

: >"$TMP/file"
spec_root "$TMP/s.json" "$TMP/file" '["true"]'
out=$(run "$TMP/s.json" 2>&1); rc=$?
is "$rc" 125 "a rootfs that is not a directory: 125"
like "$out" "is not a directory" "and the message says so"

R=$TMP/nosh; copy_rootfs "$R"; rm -f "$R/bin/sh"
spec_root "$TMP/s.json" "$R" '["sh", "-c", "true"]'
out=$(run "$TMP/s.json" 2>&1); rc=$?
is "$rc" 127 "no /bin/sh in the image: 127"
like "$out" "exec sh: ENOENT" "and the message names the program"

R=$TMP/noexec; copy_rootfs "$R"; printf '#!/bin/sh\necho hi\n' >"$R/bin/script"; chmod 644 "$R/bin/script"
spec_root "$TMP/s.json" "$R" '["/bin/script"]'
out=$(run "$TMP/s.json" 2>&1); rc=$?
is "$rc" 126 "a program without the execute bit: 126"
like "$out" "exec /bin/script: EACCES" "and the message says EACCES"

printf '\x7fELF\x02\x01\x01\x00garbage-not-a-real-elf-file-at-all' >"$R/bin/notelf"; chmod 755 "$R/bin/notelf"
spec_root "$TMP/s.json" "$R" '["/bin/notelf"]'
out=$(run "$TMP/s.json" 2>&1); rc=$?
is "$rc" 126 "a file that is not an ELF for this machine: 126"
like "$out" "exec /bin/notelf: ENOEXEC" "and the message says ENOEXEC"

printf '#!/no/such/interpreter\n' >"$R/bin/badshebang"; chmod 755 "$R/bin/badshebang"
spec_root "$TMP/s.json" "$R" '["/bin/badshebang"]'
out=$(run "$TMP/s.json" 2>&1); rc=$?
is "$rc" 127 "a script whose interpreter is missing: 127 (ENOENT)"

spec_root "$TMP/s.json" "$ROOTFS" '["/bin"]'
run "$TMP/s.json" 2>/dev/null; is "$?" 126 "a directory as the program: 126"

# Where nsrun puts a container's cgroups: the parents of a running one's,
# one per hierarchy.  A container's are then PARENT/nsrun-PID.
spec "$TMP/up.json" "{\"root\": {\"path\": \"$ROOTFS\"}, \"hostname\": \"robust-$$\",
  \"process\": {\"args\": [\"sh\", \"-c\", \"trap 'exit 0' TERM; echo up; sleep 30 & wait\"]}}"
"$NSRUN" "$TMP/up.json" >"$TMP/up.out" 2>&1 &
up=$!
for _ in $(seq 200); do grep -q up "$TMP/up.out" && break; sleep 0.05; done
PARENTS=$(find /sys/fs/cgroup -mindepth 1 -type d -name "nsrun-$up" -printf '%h\n' 2>/dev/null | sort)
kill -TERM "$up"; wait "$up"
ok $([ "$(echo "$PARENTS" | grep -c /sys/fs/cgroup)" -ge 1 ] && echo 0 || echo 1) \
	"a running container has its cgroup in $(echo "$PARENTS" | grep -c /sys/fs/cgroup) hierarchies"
own_cgroups() { # own_cgroups PID: the cgroups of the nsrun with that pid
	local d
	for d in $PARENTS; do [ -d "$d/nsrun-$1" ] && echo "$d/nsrun-$1"; done
}
is "$(own_cgroups "$up")" "" "  and none is left once it ended (SIGTERM)"

# --- load: 200 containers, 2 at a time, 1 in 4 failing at a random step ----------
# Twice: with the short spec's default private users (a range picked and
# locked per container; all have the same name, so each start contends
# for the range the one before just handed over) and as the host's root
# ("privateUsers": "no").  Each container's cgroups (nsrun-PID) are looked
# for as soon as its nsrun ended, before the pid can come round again:
# only those are this test's business (other programs make cgroups too).
one() { # one VARIANT I: prints "I PID WANT GOT MESSAGE(ok|bad) CGROUPS_LEFT"
	local v=$1 i=$2 want=7 step=0 got p msg=ok err=$TMP/load.$1.err.$2 kind left
	if [ $((i % 4)) = 0 ]; then
		want=125
		step=$(( (i * 7919) % nsteps + 1 ))
		NSRUN_TEST_FAIL_STEP=$step "$NSRUN" "$TMP/load.$v.json" 2>"$err" &
	else
		"$NSRUN" "$TMP/load.$v.json" 2>"$err" &
	fi
	p=$!
	wait "$p"
	got=$?
	# what nsrun says: nothing, or the one line naming its injected step
	if [ "$step" = 0 ]; then
		[ -s "$err" ] && msg=bad
	else
		kind=$(sed -n "${step}p" "$TMP/load.$v.kinds")
		[ "$(wc -l <"$err")" = 1 ] &&
			grep -Eq "^nsrun: step $step $kind[ :].*injected failure \(NSRUN_TEST_FAIL_STEP\): EIO \(Input/output error\)$" "$err" ||
			msg=bad
	fi
	left=$(own_cgroups "$p" | wc -l)
	echo "$i $p $want $got $msg $left"
	[ "$got:$msg:$left" = "$want:ok:0" ] || sed "s/^/# $v container $i (pid $p, step $step, $left cgroups left): /" "$err" >&2
	rm -f "$err"
}
export -f one own_cgroups; export NSRUN TMP PARENTS

load() { # load VARIANT PRIVATE_USERS_MEMBER
	local v=$1 mnt_before
	cat >"$TMP/load.$v.json" <<JSON
{"root": {"path": "$ROOTFS"}, $2
 "process": {"args": ["sh", "-c", "exit \$((\$\$ + 6))"]},
 "linux": {"resources": {"pids": {"limit": 64}}}}
JSON
	run plan "$TMP/load.$v.json" | sed -nE 's/^ *[0-9]+\. +\[[a-z]+\] +([a-z-]+).*/\1/p' >"$TMP/load.$v.kinds"
	nsteps=$(wc -l <"$TMP/load.$v.kinds")
	export nsteps
	mnt_before=$(host_mounts)
	seq 1 200 | xargs -P 2 -I{} bash -c "one $v {}" >"$TMP/load.$v.out"
	is "$(wc -l <"$TMP/load.$v.out")" 200 "$v: 200 containers ran, 2 at a time"
	is "$(awk '$3 != $4 { print "container " $1 " (pid " $2 "): " $4 ", not " $3 }' "$TMP/load.$v.out" | head -5)" "" \
		"$v: each container's exit status is right (7 from the container, 125 for an injected failure)"
	is "$(awk '$5 != "ok" { print "container " $1 " (pid " $2 ")" }' "$TMP/load.$v.out" | head -5)" "" \
		"$v: each nsrun said nothing, or only the one line naming its injected step"
	is "$(awk '$4 == 125' "$TMP/load.$v.out" | wc -l)" 50 "$v: 50 of them failed on purpose"
	awk '{ print $2 }' "$TMP/load.$v.out" >"$TMP/load.$v.pids"
	is "$(sort -u "$TMP/load.$v.pids" | wc -l)" 200 "$v: each one's pid was recorded"
	is "$(awk '$6 != 0 { print "container " $1 " (pid " $2 "): " $6 }' "$TMP/load.$v.out" | head -5)" "" \
		"$v: no cgroup of any of these containers is left behind"
	is "$(host_mounts)" "$mnt_before" "$v: the host's mount table is as before"
	is "$(pgrep -f "$TMP/load.$v.json" | wc -l)" 0 "$v: no process is left behind"
}
load pick ''
load host-root '"privateUsers": "no",'

# --- a cgroup left by a gone nsrun that had the same pid ------------------------
# A foreground nsrun SIGKILLed with a booted machine leaves nsrun-PID with
# the machine's cgroups below it (init.scope, ...).  When the pid comes
# round again, the new nsrun must neither refuse that cgroup (status 125)
# nor adopt it (and leave it behind as not its own): it replaces it.
stale_tree() { # stale_tree PID: nsrun-PID/init.scope/x in every hierarchy
	local d
	for d in $PARENTS; do mkdir -p "$d/nsrun-$1/init.scope/x" 2>/dev/null; done
}
stale_remove() { # stale_remove PID
	local d t
	for d in $PARENTS; do
		for t in "$d/nsrun-$1/init.scope/x" "$d/nsrun-$1/init.scope" "$d/nsrun-$1/x" "$d/nsrun-$1"; do
			rmdir "$t" 2>/dev/null
		done
	done
}
# exec keeps the pid: nsrun is born with a leftover named after it
printf '#!/bin/bash\nfor d in %s; do mkdir -p "$d/nsrun-$$/init.scope/x"; done\nexec "$@"\n' \
	"$(echo $PARENTS)" >"$TMP/reuse"
chmod 755 "$TMP/reuse"
for v in pick host-root; do
	"$TMP/reuse" "$NSRUN" "$TMP/load.$v.json" >"$TMP/reuse.out" 2>&1 &
	p=$!; wait "$p"; rc=$?
	is "$rc:$(cat "$TMP/reuse.out")" "7:" "$v: an nsrun whose pid names a leftover cgroup tree runs (status 7, no message)"
	is "$(own_cgroups "$p")" "" "$v:   and leaves no cgroup named after it (the leftover was replaced, then removed)"
	stale_remove "$p"
done

# A leftover of a dead nsrun is swept, the cgroups below it too, by the next run.
sleep 0 & dead=$!; wait "$dead"
stale_tree "$dead"
run "$TMP/load.pick.json" 2>/dev/null
is "$?:$(own_cgroups "$dead")" "7:" "the next run removes a gone nsrun's cgroup tree (nsrun-$dead/init.scope/x)"
stale_remove "$dead"

# ... but never one a process still runs in (not nsrun's to kill), and an
# nsrun whose pid names such a one fails clearly and leaves nothing of its own.
sleep 60 & held=$!
V2=$(echo "$PARENTS" | grep -m1 /unified || echo "$PARENTS" | tail -1)
sleep 0 & dead=$!; wait "$dead"
# (other nsruns sweep it until the process is in: try again)
for _ in $(seq 20); do
	mkdir -p "$V2/nsrun-$dead/init.scope/x" 2>/dev/null &&
		echo "$held" 2>/dev/null >"$V2/nsrun-$dead/init.scope/x/cgroup.procs" && break
done
run "$TMP/load.pick.json" 2>/dev/null
ok $([ -d "$V2/nsrun-$dead/init.scope/x" ] && kill -0 "$held" && echo 0 || echo 1) \
	"a gone nsrun's cgroup that a process still runs in is left as it is"
printf '#!/bin/bash\nmkdir -p "%s/nsrun-$$/x" && echo %s >"%s/nsrun-$$/x/cgroup.procs" || exit 99\nexec "$@"\n' \
	"$V2" "$held" "$V2" >"$TMP/reuse-held"
chmod 755 "$TMP/reuse-held"
"$TMP/reuse-held" "$NSRUN" "$TMP/load.pick.json" >"$TMP/reuse.out" 2>&1 &
p=$!; wait "$p"; rc=$?
is "$rc" 125 "an nsrun whose pid names a leftover cgroup a process runs in: 125"
like "$(cat "$TMP/reuse.out")" "step 1 cgroup: the cgroup $V2/nsrun-$p, named after this nsrun's pid, is left by an nsrun that had the pid before and is gone, and still holds processes" \
	"  and the message says why"
is "$(own_cgroups "$p" | grep -vx "$V2/nsrun-$p")" "" "  and none of the cgroups it made is left"
ok $(kill -0 "$held" && echo 0 || echo 1) "  and the process in the leftover lives on"
kill "$held"; wait "$held" 2>/dev/null
stale_remove "$p"
stale_remove "$dead"

done_testing
