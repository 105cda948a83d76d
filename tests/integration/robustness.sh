#!/bin/bash
# Issue 8: broken root filesystems give clear errors with documented
# statuses; 200 containers, 2 at a time, with failures mixed in, leave
# nothing behind.
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

# --- load: 200 containers, 2 at a time, 1 in 4 failing at a random step ----------
cat >"$TMP/load.json" <<JSON
{"root": {"path": "$ROOTFS"}, "privateUsers": "no",
 "process": {"args": ["sh", "-c", "exit \$((\$\$ + 6))"]},
 "linux": {"resources": {"pids": {"limit": 64}}}}
JSON
nsteps=$(run plan "$TMP/load.json" | grep -cE '^ *[0-9]+\. ')
mnt_before=$(host_mounts)
# each nsrun's pid is recorded: its cgroup is nsrun-PID, and only those are
# this test's business (other test suites may run containers meanwhile)
one() { # one I: prints "I WANT GOT"
	local i=$1 want=7 got p
	if [ $((i % 4)) = 0 ]; then
		want=125
		NSRUN_TEST_FAIL_STEP=$(( (i * 7919) % nsteps + 1 )) "$NSRUN" "$TMP/load.json" 2>"$TMP/load.err.$i" &
	else
		"$NSRUN" "$TMP/load.json" 2>"$TMP/load.err.$i" &
	fi
	p=$!
	echo "$p" >>"$TMP/load.pids"
	wait "$p"
	got=$?
	echo "$i $want $got"
	# what nsrun said when a status is wrong, for the log
	[ "$got" = "$want" ] || sed "s/^/# container $i: /" "$TMP/load.err.$i" >&2
	rm -f "$TMP/load.err.$i"
}
export -f one; export NSRUN TMP nsteps
seq 1 200 | xargs -P 2 -I{} bash -c 'one {}' >"$TMP/load.out"
is "$(wc -l <"$TMP/load.out")" 200 "200 containers ran, 2 at a time"
is "$(awk '$2 != $3' "$TMP/load.out" | head -5)" "" "every exit status is right (7 from the container, 125 for an injected failure)"
is "$(awk '$3 == 125' "$TMP/load.out" | wc -l)" 50 "50 of them failed on purpose"
is "$(wc -l <"$TMP/load.pids")" 200 "each one's pid was recorded"
left=$(find /sys/fs/cgroup -mindepth 1 -type d -name 'nsrun-*' -printf '%p %f\n' 2>/dev/null |
	awk 'NR == FNR { mine["nsrun-" $1] = 1; next } $2 in mine { print $1 }' "$TMP/load.pids" -)
is "$left" "" "no cgroup of these containers is left behind"
is "$(host_mounts)" "$mnt_before" "the host's mount table is as before"
is "$(pgrep -f "$TMP/load.json" | wc -l)" 0 "no process is left behind"

done_testing
