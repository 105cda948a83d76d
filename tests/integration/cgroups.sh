#!/bin/bash
# cgroups (issue 6): linux.resources and linux.cgroupsPath on this host's
# layout (cgroup v1 controllers plus cgroup2 at /sys/fs/cgroup/unified),
# and on a pure cgroup v2 view of the same machine (a private mount
# namespace with only the cgroup2 mount at /sys/fs/cgroup).  Each limit is
# checked where the container sees it and by its effect; after every run,
# and after every failure, no cgroup is left under /sys/fs/cgroup.
. "$(dirname "$0")/lib.sh"
need_root
[ -f /proc/self/cgroup ] && [ -d /sys/fs/cgroup ] || skip_all "no cgroups"

# Every nsrun this script runs is recorded, so that it checks only the
# cgroups its own containers could have made (see cg_dirs).
: >"$TMP/nsrun.pids"
run() { "$NSRUN" "$@" & local p=$!; echo "$p" >>"$TMP/nsrun.pids"; wait "$p"; }

gcc -static -O2 -o "$TMP/cgtool" "$NSRUN_SRC/tests/helpers/cgtool.c" ||
	{ echo "Bail out! cannot build tests/helpers/cgtool.c (gcc -static)"; exit 1; }
RF=$TMP/rootfs
copy_rootfs "$RF"
cp "$TMP/cgtool" "$RF/cgtool"

# The cgroups this script's containers could have made: named after the
# nsrun processes it ran (nsrun-PID) and the cgroupsPath names it chose
# (all starting with $IT), in any hierarchy at any depth.  Other programs'
# cgroups (other test suites running side by side) are left out.
IT=nsrun-it-$$
cg_dirs() {
	local names=(-name "$IT-*") p
	while read -r p; do names+=(-o -name "nsrun-$p"); done <"$TMP/nsrun.pids"
	find /sys/fs/cgroup -mindepth 1 -type d \( "${names[@]}" \) -prune 2>/dev/null | sort
}
no_leftovers() { # NAME
	is "$(cg_dirs)" "" "$1: no cgroup left under /sys/fs/cgroup"
}

# A spec with its own cgroup namespace and OCI's "cgroup" mount (read-only):
# cgspec FILE ARGS_JSON [MEMBERS_OF_LINUX]
# (as the host's root, privateUsers "no": the device rules are tested with
# mknod, which a private user range cannot do at all)
cgspec() {
	spec "$1" "{
  \"root\": {\"path\": \"$RF\"},
  \"privateUsers\": \"no\",
  \"process\": {\"args\": $2},
  \"mounts\": [
    {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},
    {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"mode=755\"]},
    {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\", \"options\": [\"ro\", \"nosuid\", \"nodev\", \"noexec\"]},
    {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\", \"options\": [\"ro\", \"nosuid\", \"nodev\", \"noexec\"]}
  ],
  \"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"pid\"}, {\"type\": \"cgroup\"}]${3:+, $3}}
}"
}

# Start a container in the background; $npid is nsrun, $cpid its PID 1.
start_bg() { # SPEC
	rm -f "$TMP/pid"
	"$NSRUN" --pid-file "$TMP/pid" "$1" >"$TMP/bg.out" 2>&1 & npid=$!
	echo "$npid" >>"$TMP/nsrun.pids"
	for _ in $(seq 200); do [ -s "$TMP/pid" ] && break; sleep 0.025; done
	cpid=$(cat "$TMP/pid" 2>/dev/null)
}
stop_bg() {
	[ -n "${cpid:-}" ] && kill -9 "$cpid" 2>/dev/null
	wait "$npid" 2>/dev/null
}

own_cg() { awk -F: -v c="$1" '$2 == c { print $3 }' /proc/self/cgroup; }
MEM_OWN=$(own_cg memory)
[ "$MEM_OWN" = / ] && MEM_OWN=

# --- memory -----------------------------------------------------------------
cgspec "$TMP/m.json" '["sh","-c","cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes /sys/fs/cgroup/memory/memory.soft_limit_in_bytes; grep memory /proc/self/cgroup"]' \
	'"resources": {"memory": {"limit": 33554432, "swap": 33554432, "reservation": 16777216}}'
out=$(run "$TMP/m.json" 2>&1); rc=$?
is "$rc" 0 "memory: the container runs"
is "$out" "33554432
33554432
16777216
4:memory:/" "memory: limit, memory+swap and reservation are visible in the container's own /sys/fs/cgroup/memory (its cgroup namespace root)"

cgspec "$TMP/oom.json" '["/cgtool","alloc","256"]' \
	'"resources": {"memory": {"limit": 33554432, "swap": 33554432}}'
out=$(run "$TMP/oom.json" 2>&1); rc=$?
is "$rc" 137 "memory: allocating 256 MiB under a 32 MiB limit gets the process OOM-killed (SIGKILL, 137)"
unlike "$out" "allocated all" "memory: the allocation never completed"
cgspec "$TMP/nooom.json" '["/cgtool","alloc","24"]' \
	'"resources": {"memory": {"limit": 67108864}}'
out=$(run "$TMP/nooom.json" 2>&1)
like "$out" "allocated all 24" "memory: 24 MiB under a 64 MiB limit is fine"
no_leftovers "memory"

# --- pids -------------------------------------------------------------------
cgspec "$TMP/p.json" '["/cgtool","forks","50"]' '"resources": {"pids": {"limit": 10}}'
out=$(run "$TMP/p.json" 2>&1)
like "$out" "fork: EAGAIN" "pids: fork fails with EAGAIN at the limit"
like "$out" "forked 9$" "pids: 9 children next to PID 1 under pids.max=10"
cgspec "$TMP/p.json" '["sh","-c","cat /sys/fs/cgroup/pids/pids.max"]' '"resources": {"pids": {"limit": -1}}'
is "$(run "$TMP/p.json" 2>&1)" "max" "pids: -1 means no limit (pids.max=max)"

# --- cpu --------------------------------------------------------------------
cgspec "$TMP/c.json" '["sh","-c","cd /sys/fs/cgroup; cat cpu/cpu.shares cpu/cpu.cfs_period_us cpu/cpu.cfs_quota_us cpuset/cpuset.cpus cpuset/cpuset.mems; grep Cpus_allowed_list /proc/self/status"]' \
	'"resources": {"cpu": {"shares": 512, "quota": 20000, "period": 100000, "cpus": "0", "mems": "0"}}'
out=$(run "$TMP/c.json" 2>&1)
is "$out" "512
100000
20000
0
0
Cpus_allowed_list:	0" "cpu: shares, period, quota, cpus and mems written; the process runs on CPU 0 only"
cgspec "$TMP/c.json" '["sh","-c","cat /sys/fs/cgroup/cpuset/cpuset.cpus /sys/fs/cgroup/cpuset/cpuset.mems"]' \
	'"resources": {"pids": {"limit": 100}}'
is "$(run "$TMP/c.json" 2>&1)" "$(cat /sys/fs/cgroup/cpuset/cpuset.cpus /sys/fs/cgroup/cpuset/cpuset.mems)" \
	"cpuset (v1): a new cgroup gets its parent's cpus and mems, or nothing could run in it"
no_leftovers "pids and cpu"

# blkio.weight, or BFQ's blkio.bfq.weight where that is what the kernel has
cgspec "$TMP/c.json" '["sh","-c","cat /sys/fs/cgroup/blkio/blkio.weight 2>/dev/null || cat /sys/fs/cgroup/blkio/blkio.bfq.weight"]' \
	'"resources": {"blockIO": {"weight": 500}}'
out=$(run "$TMP/c.json" 2>&1); rc=$?
if [ "$rc" = 125 ]; then
	like "$out" "/linux/resources/blockIO/weight: neither blkio.weight nor blkio.bfq.weight exists" \
		"blockIO weight: without CFQ or BFQ, an error naming the setting"
else
	like "$out" "^(default )?500$" "blockIO weight written (blkio.weight or blkio.bfq.weight)"
fi

# --- devices ----------------------------------------------------------------
DEVS='"resources": {"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}]}'
cgspec "$TMP/d.json" '["sh","-c","mknod /dev/sdx b 7 0 && echo mknod ok; /cgtool open /dev/sdx r; mknod /dev/mem2 c 1 1; /cgtool open /dev/mem2 r; /cgtool open /dev/null w; /cgtool open /dev/zero r; true"]' \
	"$DEVS"
want="mknod ok
EPERM
EPERM
ok
ok"
is "$(run "$TMP/d.json" 2>&1)" "$want" "devices (v1 devices controller): deny all + /dev/null: a block device made with CAP_MKNOD cannot be opened (EPERM), nor /dev/mem; /dev/null and the defaults can"
is "$(NSRUN_TEST_CGROUP_DEVICES_BPF=1 run "$TMP/d.json" 2>&1)" "$want" \
	"devices: the same with the eBPF program on the v2 cgroup as well"
cgspec "$TMP/d.json" '["sh","-c","cat /sys/fs/cgroup/devices/devices.list"]' "$DEVS"
is "$(run "$TMP/d.json" 2>&1)" "c 1:3 rwm
c *:* m
b *:* m
c 1:5 rwm
c 1:7 rwm
c 1:8 rwm
c 1:9 rwm
c 5:0 rwm
c 5:2 rwm
c 136:* rwm" "devices: the list is the spec's rules, then runc's defaults (null zero full random urandom tty ptmx pts, mknod)"
no_leftovers "devices"

# --- hugetlb: only on cgroup v2 here ----------------------------------------
if [ -f /sys/fs/cgroup/unified/cgroup.controllers ] && grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.controllers &&
   [ -d /sys/fs/cgroup/memory ]; then
	cgspec "$TMP/h.json" '["sh","-c","cat /sys/fs/cgroup/unified/hugetlb.2MB.max /sys/fs/cgroup/unified/hugetlb.2MB.rsvd.max; grep ^0:: /proc/self/cgroup"]' \
		'"resources": {"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}], "memory": {"limit": 67108864}}'
	out=$(run "$TMP/h.json" 2>&1)
	is "$out" "4194304
4194304
0::/" "hugepageLimits: applied on the v2 hierarchy (the only one with hugetlb here), next to memory on v1"
	cgspec "$TMP/h.json" '["true"]' '"resources": {"unified": {"hugetlb.2MB.max": "2097152", "memory.high": "1000000"}}'
	out=$(run "$TMP/h.json" 2>&1); rc=$?
	is "$rc" 125 "unified: memory.high on a host whose memory controller is on v1 is an error"
	like "$out" "/linux/resources/unified/memory.high: the memory controller is not available on this host's cgroup v2 hierarchy" \
		"unified: the message names the key"
else
	ok 0 "# SKIP no hybrid layout with hugetlb on v2"
fi
no_leftovers "hugetlb"

# --- cgroupsPath ------------------------------------------------------------
cgspec "$TMP/r.json" '["sleep","30"]' '"cgroupsPath": "'"$IT"'-rel/c1", "resources": {"pids": {"limit": 50}}'
start_bg "$TMP/r.json"
like "$(cat /proc/"$cpid"/cgroup 2>&1)" "4:memory:$MEM_OWN/$IT-rel/c1
" "cgroupsPath relative: under nsrun's own memory cgroup"
like "$(cat /proc/"$cpid"/cgroup 2>&1)" "8:pids:/$IT-rel/c1
" "cgroupsPath relative: in every hierarchy"
stop_bg
no_leftovers "cgroupsPath relative (and the parent nsrun made)"

cgspec "$TMP/a.json" '["sleep","30"]' '"cgroupsPath": "/'"$IT"'-abs/c2"'
start_bg "$TMP/a.json"
like "$(cat /proc/"$cpid"/cgroup 2>&1)" "4:memory:/$IT-abs/c2
" "cgroupsPath absolute: from the hierarchy's root"
like "$(cat /proc/"$cpid"/cgroup 2>&1)" "0::/$IT-abs/c2" "cgroupsPath absolute: on the v2 hierarchy too"
stop_bg
no_leftovers "cgroupsPath absolute"

cgspec "$TMP/n.json" '["sleep","30"]' '"resources": {"pids": {"limit": 50}}'
start_bg "$TMP/n.json"
like "$(cat /proc/"$cpid"/cgroup 2>&1)" "4:memory:$MEM_OWN/nsrun-$npid
" "no cgroupsPath: nsrun-PID under nsrun's own cgroup"
stop_bg

# An existing cgroup with processes in it is not taken over.
mkdir /sys/fs/cgroup/pids/$IT-busy
sleep 30 & spid=$!
echo "$spid" >/sys/fs/cgroup/pids/$IT-busy/cgroup.procs
cgspec "$TMP/b.json" '["true"]' '"cgroupsPath": "/'"$IT"'-busy"'
out=$(run "$TMP/b.json" 2>&1); rc=$?
is "$rc" 125 "cgroupsPath naming a cgroup that holds processes: refused"
like "$out" "the cgroup /sys/fs/cgroup/pids/$IT-busy already holds processes" "and says so"
kill "$spid"; wait "$spid" 2>/dev/null
is "$(cat /sys/fs/cgroup/pids/$IT-busy/cgroup.procs 2>&1)" "" "the other cgroup was left alone (its process was not killed by nsrun)"
rmdir /sys/fs/cgroup/pids/$IT-busy
mkdir -p /sys/fs/cgroup/pids/$IT-parent/child
cgspec "$TMP/b.json" '["true"]' '"cgroupsPath": "/'"$IT"'-parent"'
out=$(run "$TMP/b.json" 2>&1)
like "$out" "the cgroup /sys/fs/cgroup/pids/$IT-parent already has cgroups below it \(child\)" \
	"cgroupsPath naming a cgroup with cgroups below it: refused (its limits would bind them)"
is "$(ls -d /sys/fs/cgroup/pids/$IT-parent/child 2>&1)" /sys/fs/cgroup/pids/$IT-parent/child \
	"and the existing cgroups are left in place"
rmdir /sys/fs/cgroup/pids/$IT-parent/child /sys/fs/cgroup/pids/$IT-parent
mkdir /sys/fs/cgroup/pids/$IT-empty
cgspec "$TMP/b.json" '["sh","-c","cat /sys/fs/cgroup/pids/pids.max"]' '"cgroupsPath": "/'"$IT"'-empty", "resources": {"pids": {"limit": 7}}'
is "$(run "$TMP/b.json" 2>&1)" 7 "an existing empty cgroup is used"
is "$(ls -d /sys/fs/cgroup/pids/$IT-empty 2>&1)" /sys/fs/cgroup/pids/$IT-empty \
	"and left in place afterwards (nsrun did not make it)"
rmdir /sys/fs/cgroup/pids/$IT-empty

# --- with a user namespace: the cgroup namespace is made inside it, after the move
spec "$TMP/u.json" "{\"root\": {\"path\": \"$RF\"}, \"process\": {\"args\": [\"sh\",\"-c\",\"id -u; grep -E 'memory|^0::' /proc/self/cgroup\"]},
  \"linux\": {\"namespaces\": [{\"type\":\"user\"},{\"type\":\"mount\"},{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"network\"},{\"type\":\"cgroup\"}],
  \"uidMappings\": [{\"containerID\":0,\"hostID\":100000,\"size\":65536}], \"gidMappings\": [{\"containerID\":0,\"hostID\":100000,\"size\":65536}],
  \"resources\": {\"memory\": {\"limit\": 67108864}, \"pids\": {\"limit\": 30}}}}"
is "$(run "$TMP/u.json" 2>&1)" "0
4:memory:/
0::/" "user namespace: root inside, in its own cgroup (the cgroup namespace made after the move)"
no_leftovers "user namespace"

# --- leftovers: processes that outlive PID 1 are killed with the cgroup ----
spec "$TMP/l.json" "{\"root\": {\"path\": \"$RF\"}, \"privateUsers\": \"no\", \"process\": {\"args\": [\"sh\",\"-c\",\"sleep 3017$$ & echo started\"]},
  \"linux\": {\"namespaces\": [{\"type\": \"mount\"}], \"resources\": {\"pids\": {\"limit\": 20}}}}"
out=$(run "$TMP/l.json" 2>&1)
is "$out" started "no pid namespace: the container leaves a background process"
is "$(pgrep -fx "sleep 3017$$")" "" "it was killed with the cgroup"
no_leftovers "background processes"

# --- errors: what the host cannot apply, and failures at every step ----------
cgspec "$TMP/e.json" '["true"]' '"resources": {"network": {"classID": 1048577}}'
out=$(run "$TMP/e.json" 2>&1); rc=$?
is "$rc" 125 "net_cls on a host without it: nsrun's own failure"
like "$out" "/linux/resources/network/classID: the net_cls controller is not available on this host \(cgroup v2 has no net_cls controller\)" \
	"and the message names the setting"
cgspec "$TMP/e.json" '["true"]' '"resources": {"blockIO": {"leafWeight": 500}}'
out=$(run "$TMP/e.json" 2>&1)
like "$out" "/linux/resources/blockIO/leafWeight: blkio.leaf_weight does not exist in /sys/fs/cgroup/blkio/.*: this kernel cannot apply it" \
	"a blkio leaf weight (CFQ's, gone from the kernel) is an error, not ignored"
cgspec "$TMP/e.json" '["true"]' '"resources": {"memory": {"limit": 67108864}, "blockIO": {"throttleReadBpsDevice": [{"major": 4095, "minor": 1, "rate": 1}]}}'
out=$(run "$TMP/e.json" 2>&1)
like "$out" "/linux/resources/blockIO/throttleReadBpsDevice/0: write \"4095:1 1\" to /sys/fs/cgroup/blkio/.*: ENODEV" \
	"a throttle on a device that does not exist: the kernel's error, with the setting"
no_leftovers "settings the host cannot apply"
cgspec "$TMP/e.json" '["true"]' '"cgroupsPath": "/'"$IT"'-mid/cgroup.procs"'
out=$(run "$TMP/e.json" 2>&1); rc=$?
is "$rc" 125 "a cgroupsPath that cannot be made half-way: nsrun's own failure"
like "$out" "mkdir /sys/fs/cgroup/[a-z]+/$IT-mid/cgroup.procs: EEXIST" "and the message names the directory"
no_leftovers "a cgroupsPath failing half-way (the parent made before is removed)"

cgspec "$TMP/f.json" '["sh","-c","echo ran"]' \
	'"cgroupsPath": "/'"$IT"'-faults/c", "resources": {"memory": {"limit": 67108864}, "pids": {"limit": 50}, "devices": [{"allow": false, "access": "rwm"}]}'
nsteps=$(run plan "$TMP/f.json" | grep -cE '^ *[0-9]+\. ')
bad=
for n in $(seq 1 "$nsteps"); do
	out=$(NSRUN_TEST_FAIL_STEP=$n run "$TMP/f.json" 2>&1); rc=$?
	new=$(cg_dirs)
	if [ "$rc" != 125 ] || ! printf '%s' "$out" | grep -q "step $n " || [ -n "$new" ]; then
		bad="$bad $n(rc=$rc)"
	fi
done
is "${bad:-none}" none "a failure at each of the $nsteps steps: status 125, the step named, no cgroup left"
is "$(run "$TMP/f.json" 2>&1)" ran "and then the same spec runs"

# --- runc spec's default config ----------------------------------------------
if command -v runc >/dev/null; then
	B=$TMP/runcspec
	mkdir -p "$B"
	(cd "$B" && runc spec && sed -i 's/"terminal": true/"terminal": false/' config.json)
	copy_rootfs "$B/rootfs"
	# no cgroup namespace there: as runc does, each hierarchy's mount shows
	# the container's own cgroup, not the host's tree
	out=$(cd "$B" && run config.json -- sh -c 'cat /sys/fs/cgroup/devices/devices.list; head -c1 /dev/zero | wc -c' 2>/dev/null); rc=$?
	is "$rc" 0 "runc spec's config.json (deny-all devices, a cgroup mount) runs"
	is "$out" "c *:* m
b *:* m
c 1:3 rwm
c 1:5 rwm
c 1:7 rwm
c 1:8 rwm
c 1:9 rwm
c 5:0 rwm
c 5:2 rwm
c 136:* rwm
1" "runc spec: deny all, then the defaults; /dev/zero works"
	no_leftovers "runc spec"
else
	ok 0 "# SKIP runc is not installed"
fi

# --- a pure cgroup v2 view of this host --------------------------------------
# Only cgroup2 at /sys/fs/cgroup (it delegates only hugetlb here): the
# devices go through the eBPF program; what v2 lacks is an error.
cat >"$TMP/v2.sh" <<'EOF'
#!/bin/sh
mount --make-rprivate / && umount -R /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup || exit 99
exec "$@"
EOF
chmod +x "$TMP/v2.sh"
v2() { unshare -m "$TMP/v2.sh" "$@" & local p=$!; echo "$p" >>"$TMP/nsrun.pids"; wait "$p"; }
if v2 true; then
	cgspec "$TMP/v.json" '["sh","-c","mknod /dev/sdx b 7 0; /cgtool open /dev/sdx r; /cgtool open /dev/null w; grep ^0:: /proc/self/cgroup; ls /sys/fs/cgroup/cgroup.procs"]' \
		"$DEVS"
	is "$(v2 "$NSRUN" "$TMP/v.json" 2>&1)" "EPERM
ok
0::/
/sys/fs/cgroup/cgroup.procs" "pure v2: devices through the eBPF program (the block device is refused, /dev/null allowed); the cgroup namespace's root is the container's cgroup"
	cgspec "$TMP/v.json" '["sh","-c","cat /sys/fs/cgroup/hugetlb.2MB.max"]' \
		'"resources": {"hugepageLimits": [{"pageSize": "2MB", "limit": 8388608}]}'
	is "$(v2 "$NSRUN" "$TMP/v.json" 2>&1)" 8388608 "pure v2: hugepageLimits"
	cgspec "$TMP/v.json" '["true"]' '"resources": {"memory": {"swappiness": 10}}'
	out=$(v2 "$NSRUN" "$TMP/v.json" 2>&1)
	like "$out" "/linux/resources/memory/swappiness: cgroup v2 has no per-cgroup swappiness \(this host has cgroup v2 only\)" \
		"pure v2: a v1-only setting is an error that says why"
	cgspec "$TMP/v.json" '["true"]' '"resources": {"memory": {"limit": 67108864}}'
	out=$(v2 "$NSRUN" "$TMP/v.json" 2>&1)
	like "$out" "/linux/resources/memory/limit: the memory controller is not available on this host" \
		"pure v2: a controller the hierarchy does not have is an error"
	cgspec "$TMP/v.json" '["true"]' '"resources": {"memory": {"disableOOMKiller": false, "useHierarchy": true}}'
	v2 "$NSRUN" "$TMP/v.json"; is "$?" 0 "pure v2: settings that need nothing on v2 (OOM killer on, hierarchy) are fine"
	no_leftovers "pure v2"
else
	ok 0 "# SKIP cannot make a cgroup v2 view (unshare -m)"
fi

# --- a container that nests its cgroups 80 deep --------------------------------
# It has a cgroup namespace, a writable /sys/fs/cgroup and no pid namespace,
# makes d1/.../d80 in every hierarchy, moves a daemon (which outlives PID
# 1) into the deepest one of each, and exits: nsrun kills the daemon and
# removes every level, promptly.
DEEP_CG=$IT-deep
cat >"$RF/deep.sh" <<'SH'
i=1; d=d1; while [ $i -lt 80 ]; do i=$((i+1)); d=$d/d$i; done
sleep 1000 >/dev/null 2>&1 &
# v1 cpuset: new cgroups copy their parent's cpus and mems
[ -f /sys/fs/cgroup/cpuset/cgroup.clone_children ] && echo 1 >/sys/fs/cgroup/cpuset/cgroup.clone_children
n=0
for h in /sys/fs/cgroup/*/; do
	mkdir -p "$h$d" && echo $! >"$h$d/cgroup.procs" && n=$((n + 1))
done
echo "daemon $! deep $n"
grep -c '/d1/.*/d80$' /proc/$!/cgroup
SH
spec "$TMP/deep.json" "{
  \"root\": {\"path\": \"$RF\"}, \"privateUsers\": \"no\",
  \"process\": {\"args\": [\"sh\", \"/deep.sh\"]},
  \"mounts\": [
    {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},
    {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\", \"options\": [\"rw\", \"nosuid\", \"nodev\", \"noexec\"]}
  ],
  \"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"cgroup\"}], \"cgroupsPath\": \"$DEEP_CG\"}
}"
hiers=$(awk '$5 ~ "^/sys/fs/cgroup/[^/]+$" && $0 ~ / - cgroup2? / {n++} END {print n}' /proc/self/mountinfo)
t0=$(date +%s%N)
out=$(timeout 60 "$NSRUN" "$TMP/deep.json" 2>&1); rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
is "$rc" 0 "80 deep: the container runs"
like "$out" "deep $hiers\$" "80 deep: it made d1/.../d80 in all $hiers hierarchies and moved its daemon there"
like "$out" "^$hiers\$" "80 deep: the daemon is in .../d80 in every hierarchy"
ok $(( ms < 5000 ? 0 : 1 )) "80 deep: nsrun returns promptly after PID 1 exits (${ms} ms)"
dpid=$(echo "$out" | awk '/^daemon/ {print $2}')
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
[ -n "$dpid" ] && ! alive "$dpid"; ok $? "80 deep: the daemon below d80 was killed (pid ${dpid:-?})"
is "$(find /sys/fs/cgroup -type d -name "$DEEP_CG" 2>/dev/null)" "" "80 deep: none of the container's cgroups is left, in any hierarchy"

# --- a foreground nsrun killed by SIGKILL: the next run removes its cgroup ---
spec "$TMP/k.json" "{\"root\": {\"path\": \"$ROOTFS\"}, \"process\": {\"args\": [\"sleep\", \"100\"]},
  \"linux\": {\"resources\": {\"pids\": {\"limit\": 100}}}}"
"$NSRUN" --pid-file "$TMP/k.pid" "$TMP/k.json" & kpid=$!
for _ in $(seq 200); do [ -s "$TMP/k.pid" ] && break; sleep 0.02; done
kill -9 "$kpid"; wait "$kpid" 2>/dev/null
for _ in $(seq 200); do [ -d "/proc/$(cat "$TMP/k.pid")" ] || break; sleep 0.02; done
[ ! -d "/proc/$(cat "$TMP/k.pid")" ]; ok $? "SIGKILL to nsrun: the container dies with it"
stale=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "nsrun-$kpid" 2>/dev/null)
if [ -n "$stale" ]; then
	ok 0 "its cgroup is still there (nsrun could not remove it)"
else # any nsrun starting meanwhile (another test suite's) sweeps it
	ok 0 "# SKIP its cgroup was swept already by another nsrun on this machine"
fi
minimal_spec "$TMP/k2.json" '["true"]' '"linux": {"resources": {"pids": {"limit": 100}}}'
"$NSRUN" "$TMP/k2.json"; is "$?" 0 "the next run with a cgroup works"
is "$(find /sys/fs/cgroup -maxdepth 6 -type d -name "nsrun-$kpid" 2>/dev/null)" "" "and removed the stale cgroup"

done_testing
