#!/bin/bash
# Fault injection (issue 8): make every step of the plan fail in turn
# (NSRUN_TEST_FAIL_STEP=N fails step N after carrying it out), and SIGKILL
# nsrun at random points during start.  After each: nsrun's own status and
# a message naming the step, the host's mount table unchanged, no process
# and no cgroup left behind, and the next normal run works.  The short
# spec of the "plain" variant has the default private users (a picked
# range); "userns" maps a fixed range itself; "network" adds a veth.
#
# NSRUN_FAULTS_KILLS=N sets how many SIGKILL rounds to run (default 40).
. "$(dirname "$0")/lib.sh"
need_root

# Every process this script's containers run carries this word in its
# arguments; nsrun itself is found by its executable.
MARK=nsrun-faults-$$
MARK_RE="[n]${MARK#n}"   # does not match the grep that looks for it
NSRUN_EXE=$(readlink -f "$NSRUN")

# Processes left behind: nsrun (or its child before exec) and container
# programs, as "pid comm" lines.
leftovers() {
	local pid comm
	{
		find /proc/[0-9]*/exe -maxdepth 0 -lname "$NSRUN_EXE" 2>/dev/null
		grep -la -- "$MARK_RE" /proc/[0-9]*/cmdline 2>/dev/null
	} | cut -d/ -f3 | sort -un | while read -r pid; do
		comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
		echo "$pid $comm"
	done
}

# Wait up to ~3 s for leftovers to go away (a SIGKILLed nsrun's child gets
# PDEATHSIG asynchronously), then print what is still there.
wait_no_leftovers() {
	local l
	for _ in $(seq 60); do
		l=$(leftovers)
		[ -z "$l" ] && return 0
		sleep 0.05
	done
	echo "$l"
	return 1
}

# The cgroups of the nsrun with pid $1 (nsrun-PID, in any hierarchy): only
# this test's own, other programs make cgroups meanwhile.
cgroups_of() { find /sys/fs/cgroup -mindepth 1 -type d -name "nsrun-$1" 2>/dev/null; }

# Mount table lines (host_mounts) that differ between $1 and $2 and
# concern this test: mount points in the rootfs or in $TMP, where anything
# leaking out of a container would show.  Other sessions on the machine may
# mount elsewhere meanwhile.
changed_mounts() {
	diff <(echo "$1") <(echo "$2") | grep -E '^[<>]' |
		awk -v r="$ROOTFS" -v t="$TMP" '{ m = $3 }
			m == r || index(m, r "/") == 1 || m == t || index(m, t "/") == 1'
}

# A spec with many steps: namespaces, hostname, mounts of every kind,
# default and extra devices, masked and read-only paths, rlimits, a
# read-only root, capabilities, a user other than root (changing ids
# clears the parent-death signal, which nsrun must set again).
DATA=$TMP/data
chmod 755 "$TMP"   # the user namespace variant's root is uid 200000 on the host
mkdir -p "$DATA"
echo data >"$DATA/file"
# a copy: mount points such as /mnt/data get created in it
FROOT=$TMP/rootfs
copy_rootfs "$FROOT"
many_steps_spec() { # FILE ARGS_JSON [userns|network]
	local ns='{"type":"mount"},{"type":"pid"},{"type":"uts"},{"type":"ipc"},{"type":"network"}'
	local maps= net=
	# a veth with addresses, a forwarded port and a DNS server: every
	# network step (run in a network namespace of its own, see below)
	[ "${3:-}" = network ] && net=', "network": {"hostInterface": "vf-'$$'", "addresses":
		{"host": ["192.0.2.1/24"], "container": ["192.0.2.2/24"], "dns": ["192.0.2.53"]},
		"ports": [{"host": 8091, "container": 80}]}'
	if [ "${3:-}" = userns ]; then
		ns='{"type":"user"},'$ns
		maps=', "uidMappings": [{"containerID": 0, "hostID": 200000, "size": 65536}],
			  "gidMappings": [{"containerID": 0, "hostID": 200000, "size": 65536}]'
	fi
	spec "$1" "{
  \"root\": {\"path\": \"$FROOT\", \"readonly\": true}$net,
  \"hostname\": \"faults\",
  \"process\": {\"args\": $2, \"cwd\": \"/tmp\", \"user\": {\"uid\": 1000, \"gid\": 1000},
    \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 512, \"hard\": 512}],
    \"noNewPrivileges\": true},
  \"mounts\": [
    {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},
    {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"mode=755\"]},
    {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\", \"options\": [\"newinstance\", \"ptmxmode=0666\"]},
    {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\", \"options\": [\"nosuid\", \"nodev\", \"mode=1777\"]},
    {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\", \"options\": [\"ro\", \"nosuid\", \"nodev\", \"noexec\"]},
    {\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"nodev\"]},
    {\"destination\": \"/mnt/data\", \"type\": \"bind\", \"source\": \"$DATA\", \"options\": [\"rbind\", \"ro\"]}
  ],
  \"linux\": {
    \"namespaces\": [$ns]$maps,
    \"devices\": [{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229}],
    \"maskedPaths\": [\"/proc/kcore\", \"/proc/keys\", \"/sys/firmware\"],
    \"readonlyPaths\": [\"/proc/sys\", \"/proc/sysrq-trigger\"]
  }
}"
}

# The kind of each step `nsrun plan` shows ("N. [who] kind ..."), one a line.
step_kinds() { "$NSRUN" plan "$1" | sed -nE 's/^ *[0-9]+\. +\[[a-z]+\] +([a-z-]+).*/\1/p'; }

fail_every_step() { # VARIANT (plain|userns)
	local variant=$1 spec=$TMP/faults-$1.json
	many_steps_spec "$spec" "[\"sh\", \"-c\", \"cat /mnt/data/file; : $MARK\"]" "${variant#plain}"
	local out rc
	out=$("$NSRUN" "$spec" 2>&1); rc=$?
	if [ "$rc" -ne 0 ] || [ "$out" != data ]; then
		ok 1 "$variant: the spec runs without injected faults"
		printf '#   status %s: %s\n' "$rc" "$out" | head -5
		return
	fi
	ok 0 "$variant: the spec runs without injected faults"
	local n_steps before n kind kinds
	mapfile -t kinds < <(step_kinds "$spec")
	n_steps=${#kinds[@]}
	[ "$n_steps" -ge 30 ]; ok $? "$variant: the plan has many steps ($n_steps)"
	before=$(host_mounts)
	for n in $(seq 1 "$n_steps"); do
		kind=${kinds[n - 1]}
		NSRUN_TEST_FAIL_STEP=$n "$NSRUN" "$spec" >"$TMP/out" 2>&1 &
		local pid=$!
		wait "$pid"; rc=$?
		out=$(cat "$TMP/out")
		is "$rc" 125 "$variant: step $n ($kind) fails: status 125"
		like "$out" "step $n $kind[ :]" "$variant: step $n ($kind) fails:   the message names the step"
		local after changed
		after=$(host_mounts)
		changed=$(changed_mounts "$before" "$after")
		[ -z "$changed" ]
		ok $? "$variant: step $n ($kind) fails:   the host's mount table is unchanged"
		[ -n "$changed" ] && echo "$changed" | head -5 | sed 's/^/#   /'
		before=$after
		local left
		left=$(wait_no_leftovers)
		ok $? "$variant: step $n ($kind) fails:   no process left behind"
		[ -n "$left" ] && echo "$left" | sed 's/^/#   left: /'
		is "$(cgroups_of "$pid")" "" "$variant: step $n ($kind) fails:   no cgroup left behind"
		out=$("$NSRUN" "$spec" 2>&1); rc=$?
		[ "$rc" -eq 0 ] && [ "$out" = data ]
		ok $? "$variant: step $n ($kind) fails:   the next run works"
	done
	# A number past the last step injects nothing.
	out=$(NSRUN_TEST_FAIL_STEP=$((n_steps + 1)) "$NSRUN" "$spec" 2>&1); rc=$?
	is "$rc:$out" "0:data" "$variant: NSRUN_TEST_FAIL_STEP past the last step changes nothing"
}

fail_every_step plain
fail_every_step userns
# Network steps (issue 15): each nsrun in a fresh network namespace, so
# links and nftables rules never reach the host (tests/integration/network.sh
# checks that each failure leaves no link, chain or dnsmasq behind).
cat >"$TMP/nsrun-in-netns" <<EOF
#!/bin/sh
exec unshare --net -- sh -c 'ip link set lo up && exec "\$0" "\$@"' "$NSRUN" "\$@"
EOF
chmod 755 "$TMP/nsrun-in-netns"
NSRUN=$TMP/nsrun-in-netns fail_every_step network

# --- SIGKILL of nsrun at random points during start --------------------------
kill_during_start() { # VARIANT ROUNDS
	local variant=$1 rounds=$2 spec=$TMP/kill-$1.json
	# How long a start takes here: kills land from 0 to twice that, so
	# from before clone to after exec.
	local t0 t1 start_ms
	many_steps_spec "$spec" "[\"true\"]" "${variant#plain}"
	t0=$(date +%s%N)
	"$NSRUN" "$spec" >/dev/null 2>&1
	t1=$(date +%s%N)
	start_ms=$(( (t1 - t0) / 1000000 + 1 ))
	echo "# $variant: a start takes ${start_ms} ms"
	# (busybox sleep takes no extra argument: sh carries the mark)
	many_steps_spec "$spec" "[\"sh\", \"-c\", \"sleep 1000; : $MARK\"]" "${variant#plain}"
	local before i npid delay left failures=0 mounts_changed=0 killed=
	before=$(host_mounts)
	for i in $(seq 1 "$rounds"); do
		"$NSRUN" "$spec" >/dev/null 2>&1 &
		npid=$!
		killed+=" $npid"
		delay=$(printf '%d.%03d' 0 $((RANDOM % (2 * start_ms + 1) % 1000)))
		sleep "$delay"
		kill -9 "$npid" 2>/dev/null
		wait "$npid" 2>/dev/null
		if ! left=$(wait_no_leftovers); then
			failures=$((failures + 1))
			echo "# round $i (killed after ${delay}s): left behind: $(echo $left)"
			# clean up so later rounds are judged on their own
			for p in $(echo "$left" | cut -d' ' -f1); do kill -9 "$p" 2>/dev/null; done
			wait_no_leftovers >/dev/null
		fi
		local after
		after=$(host_mounts)
		if [ -n "$(changed_mounts "$before" "$after")" ]; then
			mounts_changed=$((mounts_changed + 1))
			changed_mounts "$before" "$after" | head -3 | sed "s/^/# round $i: /"
		fi
		before=$after
	done
	is "$failures" 0 "$variant: SIGKILL of nsrun during start ($rounds times): no process left behind"
	is "$mounts_changed" 0 "$variant: SIGKILL of nsrun during start: the host's mount table is unchanged"
	local out rc
	many_steps_spec "$spec" "[\"sh\", \"-c\", \"cat /mnt/data/file; : $MARK\"]" "${variant#plain}"
	out=$("$NSRUN" "$spec" 2>&1); rc=$?
	is "$rc:$out" "0:data" "$variant: after the kills, the next run works"
	# a SIGKILLed nsrun cannot remove its cgroups: the next run sweeps them
	local p kept=
	for p in $killed; do kept+=$(cgroups_of "$p"); done
	is "$kept" "" "$variant: after the kills, the next run removed the killed nsruns' cgroups"
	# the registry: records and half-written temp files of the killed
	# nsruns are swept by the next look at it
	"$NSRUN" list >/dev/null 2>&1
	is "$(ls -a /run/nsrun/.machines 2>/dev/null | grep -cE '^\.?faults(-[0-9]+)?\.([0-9]+\.tmp|json|spec\.json)$')" 0 \
		"$variant: after the kills, no registry record or temp file of theirs is left"
}

kill_during_start plain "${NSRUN_FAULTS_KILLS:-40}"
kill_during_start userns "${NSRUN_FAULTS_KILLS:-40}"

done_testing
