#!/bin/bash
# Privileges and isolation (issue 4): every setting of the spec checked by
# its effect from inside a real container: the five capability sets for
# root and others, user and groups, rlimits, oom_score_adj, no_new_privs,
# sysctl, masked and read-only paths, the defaults of a minimal spec,
# SELinux/AppArmor on a host without them, personality, time offsets and
# user namespaces.  The attacks are in escapes.sh.
. "$(dirname "$0")/lib.sh"
need_root

run() { "$NSRUN" "$@"; }

# Static test programs from tests/helpers, built once per run.
HELPERS=$TMP/helpers
mkdir -p "$HELPERS"
for src in "$NSRUN_SRC"/tests/helpers/*.c; do
	gcc -static -O2 -o "$HELPERS/$(basename "$src" .c)" "$src" ||
		{ echo "Bail out! cannot build $src (gcc -static)"; exit 1; }
done

# A private rootfs with the helpers in /t.
R=$TMP/rootfs
copy_rootfs "$R"
mkdir -p "$R/t"
cp "$HELPERS"/* "$R/t/"

# oci FILE PROCESS_MEMBERS [LINUX_MEMBERS] [TOP_MEMBERS]: an OCI spec (it
# means exactly what it says) on $R with /proc; $NS overrides the
# namespaces (default mount, pid, ipc, uts).
oci() {
	local linux=${3:-} top=${4:-}
	[ -n "$linux" ] && linux=",$linux"
	[ -n "$top" ] && top=",$top"
	spec "$1" "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"$R\"},
 \"process\": {\"cwd\": \"/\", \"env\": [\"PATH=/bin:/sbin:/usr/bin:/t\"], $2},
 \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}],
 \"linux\": {\"namespaces\": ${NS:-$DEFAULT_NS}$linux}$top}"
}
DEFAULT_NS='[{"type":"mount"},{"type":"pid"},{"type":"ipc"},{"type":"uts"}]'
# capmask BIT...: the hex mask /proc/self/status shows for those bits
capmask() {
	local m=0
	for b in "$@"; do m=$((m | (1 << b))); done
	printf '%016x' "$m"
}
# field NAME TEXT: the value of the "NAME: value" line
field() { printf '%s\n' "$2" | awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ +/, ""); print; exit }'; }
# json_field NAME JSON: a string member anywhere in nsrun plan --json
json_field() { printf '%s' "$2" | grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }

CHOWN=0 KILL=5 SETGID=6 SETUID=7 NET_BIND=10 NET_ADMIN=12 NET_RAW=13 SYS_MODULE=16
SYS_ADMIN=21 SYS_RESOURCE=24
HOST_BND=$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)

# --- capabilities: the five sets, root and others -------------------------
SETS='"bounding": ["CAP_CHOWN","CAP_KILL","CAP_NET_RAW"], "effective": ["CAP_CHOWN","CAP_KILL"],
 "permitted": ["CAP_CHOWN","CAP_KILL","CAP_NET_RAW"], "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]'
B=$(capmask $CHOWN $KILL $NET_RAW) I=$(capmask $KILL) A=$(capmask $KILL)

oci "$TMP/c.json" "\"args\": [\"/t/selfstatus\"], \"user\": {\"uid\": 0, \"gid\": 0}, \"capabilities\": {$SETS}"
out=$(run "$TMP/c.json" 2>&1)
is "$(field CapBnd "$out")" "$B" "root: the bounding set is the spec's"
is "$(field CapInh "$out")" "$I" "root: the inheritable set is the spec's"
is "$(field CapAmb "$out")" "$A" "root: the ambient set is the spec's"
# execve as uid 0 gives permitted = effective = bounding | inheritable
is "$(field CapPrm "$out")" "$B" "root: permitted after exec is bounding+inheritable (kernel rules for uid 0)"
is "$(field CapEff "$out")" "$B" "root: effective after exec equals permitted"
plan=$(run plan --json "$TMP/c.json")
like "$plan" "\"capabilitiesAfterExec\":\\{\"effective\":\"$B\",\"permitted\":\"$B\"\\}" \
	"root: nsrun plan --json shows the sets after exec"
like "$(run plan "$TMP/c.json")" "bounding-set +keep CHOWN,KILL,NET_RAW$" "root: nsrun plan shows the bounding set by name"

oci "$TMP/c.json" "\"args\": [\"/t/selfstatus\"], \"user\": {\"uid\": 1000, \"gid\": 1000}, \"capabilities\": {$SETS}"
out=$(run "$TMP/c.json" 2>&1)
is "$(field CapBnd "$out")" "$B" "uid 1000: the bounding set is the spec's"
is "$(field CapInh "$out")" "$I" "uid 1000: the inheritable set is the spec's"
is "$(field CapAmb "$out")" "$A" "uid 1000: the ambient set is the spec's (kept across setuid)"
is "$(field CapPrm "$out")" "$A" "uid 1000: permitted after exec is the ambient set, nothing more"
is "$(field CapEff "$out")" "$A" "uid 1000: effective after exec is the ambient set, nothing more"
is "$(field euid "$out")" 1000 "uid 1000: the process runs as uid 1000"
plan=$(run plan --json "$TMP/c.json")
like "$plan" "\"capabilitiesAfterExec\":\\{\"effective\":\"$A\",\"permitted\":\"$A\"\\}" \
	"uid 1000: nsrun plan --json shows the sets after exec"

# non-root with permitted/effective but no ambient: nothing survives exec
oci "$TMP/c.json" "\"args\": [\"/t/selfstatus\"], \"user\": {\"uid\": 1000, \"gid\": 1000},
 \"capabilities\": {\"bounding\": [\"CAP_NET_RAW\"], \"effective\": [\"CAP_NET_RAW\"], \"permitted\": [\"CAP_NET_RAW\"]}"
out=$(run "$TMP/c.json" 2>&1)
is "$(field CapPrm "$out"),$(field CapEff "$out"),$(field CapInh "$out"),$(field CapAmb "$out")" \
	"$(capmask),$(capmask),$(capmask),$(capmask)" "uid 1000 without ambient: no capability after exec"
is "$(field CapBnd "$out")" "$(capmask $NET_RAW)" "uid 1000 without ambient: bounding is still the spec's"

# An OCI spec without "capabilities" gets none, not nsrun's own
oci "$TMP/c.json" '"args": ["/t/selfstatus"]'
out=$(run "$TMP/c.json" 2>&1)
is "$(field CapBnd "$out") $(field CapPrm "$out") $(field CapEff "$out") $(field CapInh "$out") $(field CapAmb "$out")" \
	"$(capmask) $(capmask) $(capmask) $(capmask) $(capmask)" "OCI spec without capabilities: all five sets empty"
like "$(run plan "$TMP/c.json")" 'no "capabilities" in the spec: none' "nsrun plan says so"

# root with no_new_privs keeps permitted within the spec's
oci "$TMP/c.json" "\"args\": [\"/t/selfstatus\"], \"noNewPrivileges\": true,
 \"capabilities\": {\"bounding\": [\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_NET_RAW\"], \"effective\": [\"CAP_KILL\"], \"permitted\": [\"CAP_KILL\"]}"
out=$(run "$TMP/c.json" 2>&1)
is "$(field CapPrm "$out") $(field CapEff "$out")" "$(capmask $KILL) $(capmask $KILL)" \
	"root with noNewPrivileges: permitted and effective stay the spec's"
is "$(field NoNewPrivs "$out")" 1 "noNewPrivileges: NoNewPrivs is 1"
oci "$TMP/c.json" '"args": ["/t/selfstatus"]'
is "$(field NoNewPrivs "$(run "$TMP/c.json" 2>&1)")" 0 "without noNewPrivileges: NoNewPrivs is 0"

# A minimal spec: nspawn's set, less what nsrun lacks (this host: SYS_RESOURCE);
# SYS_ADMIN (21) only in its private user range (privateUsers "no": none,
# it would be the host's)
NSPAWN=$(capmask 0 1 2 3 4 5 6 7 8 9 10 11 13 15 18 19 21 22 23 24 26 27 28 29 30 31)
WANT=$(printf '%016x' $((0x$NSPAWN & 0x$HOST_BND)))
spec "$TMP/m.json" "{\"root\": {\"path\": \"$R\"}, \"process\": {\"args\": [\"/t/selfstatus\"]}}"
out=$(run "$TMP/m.json" 2>&1)
is "$(field CapBnd "$out")" "$WANT" "minimal spec: bounding is nspawn's set within nsrun's own"
is "$(field CapEff "$out")" "$WANT" "minimal spec: root's effective set is the same"
is "$(field CapInh "$out")/$(field CapAmb "$out")" "$(capmask)/$(capmask)" "minimal spec: inheritable and ambient empty"
is "$(json_field bounding "$(run plan --json "$TMP/m.json")")" "$WANT" \
	"minimal spec: nsrun plan shows the set clamped to what nsrun holds"
spec "$TMP/mu.json" "{\"root\": {\"path\": \"$R\"}, \"process\": {\"args\": [\"/t/selfstatus\"]},
 \"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"pid\"}, {\"type\": \"user\"}],
 \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],
 \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]}}"
is "$(json_field bounding "$(run plan --json "$TMP/mu.json")")" "$WANT" \
	"minimal spec with a user namespace of its own: nspawn's set keeps SYS_ADMIN (that of the user namespace)"
spec "$TMP/mn.json" "{\"root\": {\"path\": \"$R\"}, \"privateUsers\": \"no\", \"process\": {\"args\": [\"/t/selfstatus\"]}}"
is "$(field CapBnd "$(run "$TMP/mn.json" 2>&1)")" "$(printf '%016x' $((0x$WANT & ~(1 << 21))))" \
	"minimal spec with privateUsers \"no\": nspawn's set less SYS_ADMIN (it would be the host's)"

# --- user: uid, gid, groups, umask ---------------------------------------
# The image's /etc/passwd says uid 1000 is root and uid 0 is "user": a
# numeric uid is never looked up.
U=$TMP/userfs
copy_rootfs "$U"
printf 'user:x:0:0::/root:/bin/sh\nroot:x:1000:1000::/:/bin/sh\n' >"$U/etc/passwd"
printf 'wheel:x:1000:0\n' >"$U/etc/group"
cp "$HELPERS/selfstatus" "$U/selfstatus"
spec "$TMP/u.json" "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"$U\"},
 \"process\": {\"cwd\": \"/\", \"args\": [\"/bin/sh\", \"-c\", \"/selfstatus; umask; touch /tmp/f; stat -c %a /tmp/f\"],
  \"user\": {\"uid\": 4242, \"gid\": 4343, \"additionalGids\": [5, 7, 65534], \"umask\": 63}},
 \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},
  {\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"mode=1777\"]}],
 \"linux\": {\"namespaces\": [{\"type\":\"mount\"},{\"type\":\"pid\"}]}}"
out=$(run "$TMP/u.json" 2>&1)
is "$(field ruid "$out")/$(field euid "$out")" 4242/4242 "user: uid 4242 (not in the image's passwd)"
is "$(field rgid "$out")/$(field egid "$out")" 4343/4343 "user: gid 4343"
is "$(field Groups "$out")" "5 7 65534" "user: additionalGids are the supplementary groups, exactly"
is "$(echo "$out" | tail -2 | tr '\n' ' ')" "0077 600 " "user: umask 63 is 0077, a new file gets mode 0600"
sed -i 's/"uid": 4242, "gid": 4343/"uid": 1000, "gid": 0/' "$TMP/u.json"
out=$(run "$TMP/u.json" 2>&1)
is "$(field euid "$out")" 1000 "user: uid 1000 stays 1000 though the image's passwd calls it root"
is "$(field CapEff "$out")" "$(capmask)" "user: and gets no capability from that"
spec "$TMP/u.json" "{\"root\": {\"path\": \"$U\"}, \"process\": {\"args\": [\"/bin/sh\", \"-c\", \"umask; id -G\"], \"user\": {\"uid\": 0}}}"
is "$(run "$TMP/u.json" 2>&1)" "0022
0" "user: without umask and additionalGids: 0022 and no supplementary groups"

# --- oom_score_adj ---------------------------------------------------------
oci "$TMP/o.json" '"args": ["cat", "/proc/self/oom_score_adj"], "oomScoreAdj": 500'
is "$(run "$TMP/o.json" 2>&1)" 500 "oomScoreAdj 500 is the process's"
cur=$(cat /proc/self/oom_score_adj)
oci "$TMP/o.json" '"args": ["cat", "/proc/self/oom_score_adj"], "oomScoreAdj": 0'
is "$(run "$TMP/o.json" 2>&1)" 0 "oomScoreAdj 0 (not below nsrun's own) is the process's"
if ! grep -q 'CapEff:.*' /proc/self/status || [ $(( 0x$(awk '$1=="CapEff:"{print $2}' /proc/self/status) >> 24 & 1 )) = 0 ]; then
	oci "$TMP/o.json" '"args": ["touch", "/started"], "oomScoreAdj": -500'
	out=$(run "$TMP/o.json" 2>&1); rc=$?
	is "$rc" 125 "oomScoreAdj below nsrun's own without CAP_SYS_RESOURCE: refused (125)"
	like "$out" "/process/oomScoreAdj: -500 is below nsrun's own oom_score_adj \($cur\).*CAP_SYS_RESOURCE" \
		"and the message says why"
	unlike "$out" "step [0-9]" "and it is refused before any step"
	ok "$([ ! -e "$R/started" ]; echo $?)" "and the container never started"
	is "$(cat /proc/self/oom_score_adj)" "$cur" "and the caller's oom_score_adj is unchanged"
fi
spec "$TMP/o.json" "{\"root\": {\"path\": \"$R\"}, \"process\": {\"args\": [\"true\"], \"oomScoreAdj\": 1001}}"
like "$(run check "$TMP/o.json" 2>&1)" "o.json:1:[0-9]+: /process/oomScoreAdj: expected an integer from -1000 to 1000, got 1001" \
	"oomScoreAdj 1001 is a validation error with its position"

# --- rlimits ------------------------------------------------------------
oci "$TMP/r.json" '"args": ["sh", "-c", "ulimit -Sn; ulimit -Hn; grep \"Max core\" /proc/self/limits"],
 "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200}, {"type": "RLIMIT_CORE", "soft": 0, "hard": 4096}]'
out=$(run "$TMP/r.json" 2>&1)
is "$(echo "$out" | head -2 | tr '\n' ' ')" "100 200 " "RLIMIT_NOFILE soft 100 hard 200 inside"
like "$out" "Max core file size +0 +4096 +bytes" "RLIMIT_CORE soft 0 hard 4096 inside"
like "$(run plan "$TMP/r.json")" "rlimit +RLIMIT_NOFILE soft 100 hard 200" "nsrun plan shows the limits"
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ $(( 0x$(awk '$1=="CapEff:"{print $2}' /proc/self/status) >> 24 & 1 )) = 0 ]; then
	above=$((hard * 2))
	rm -f "$R/started"
	oci "$TMP/r.json" "\"args\": [\"touch\", \"/started\"], \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": $above}]"
	before=$(host_mounts)
	out=$(run "$TMP/r.json" 2>&1); rc=$?
	is "$rc" 125 "a hard limit above the caller's without CAP_SYS_RESOURCE: refused (125)"
	is "$out" "nsrun: $TMP/r.json: /process/rlimits: the hard limit of RLIMIT_NOFILE ($above) is above nsrun's own ($hard), and nsrun lacks CAP_SYS_RESOURCE to raise it" \
		"and the message names the limit, both values and the missing capability"
	ok "$([ ! -e "$R/started" ]; echo $?)" "and nothing started"
	is "$(host_mounts)" "$before" "and the host's mounts are unchanged"
fi
spec "$TMP/r.json" "{\"root\": {\"path\": \"$R\"}, \"process\": {\"args\": [\"true\"],
  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": 5}]}}"
like "$(run check "$TMP/r.json" 2>&1)" "r.json:2:[0-9]+: /process/rlimits/0: soft limit 10 is above the hard limit 5" \
	"soft above hard is a validation error"

# --- noNewPrivileges: a set-uid root program -----------------------------
cp "$HELPERS/selfstatus" "$R/t/suid"
chown 0:0 "$R/t/suid"
chmod 4755 "$R/t/suid"
oci "$TMP/n.json" '"args": ["/t/suid"], "user": {"uid": 1000, "gid": 1000}'
is "$(field euid "$(run "$TMP/n.json" 2>&1)")" 0 "control: without noNewPrivileges a set-uid root program gets euid 0"
oci "$TMP/n.json" '"args": ["/t/suid"], "user": {"uid": 1000, "gid": 1000}, "noNewPrivileges": true'
out=$(run "$TMP/n.json" 2>&1)
is "$(field euid "$out")" 1000 "noNewPrivileges: a set-uid root program keeps euid 1000"
is "$(field NoNewPrivs "$out")" 1 "noNewPrivileges: NoNewPrivs 1 in the program"

# --- sysctl ---------------------------------------------------------------
host_shmmax=$(cat /proc/sys/kernel/shmmax) host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
host_mq=$(cat /proc/sys/fs/mqueue/msg_max) host_name=$(hostname)
NS='[{"type":"mount"},{"type":"pid"},{"type":"ipc"},{"type":"uts"},{"type":"network"}]' \
oci "$TMP/s.json" '"args": ["sh", "-c", "cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_forward /proc/sys/fs/mqueue/msg_max; hostname"]' \
	'"sysctl": {"kernel.shmmax": "12345678", "net.ipv4.ip_forward": "1", "fs.mqueue.msg_max": "33", "kernel.hostname": "sysctlbox"}'
out=$(run "$TMP/s.json" 2>&1)
is "$out" "12345678
1
33
sysctlbox" "sysctl: ipc, net, mqueue and uts keys are set inside"
is "$(cat /proc/sys/kernel/shmmax) $(cat /proc/sys/net/ipv4/ip_forward) $(cat /proc/sys/fs/mqueue/msg_max) $(hostname)" \
	"$host_shmmax $host_fwd $host_mq $host_name" "sysctl: the host's values are unchanged"
like "$(run plan "$TMP/s.json")" "sysctl +kernel.shmmax = 12345678" "nsrun plan shows the sysctls"
NS='[{"type":"mount"},{"type":"pid"},{"type":"ipc"}]' oci "$TMP/s.json" '"args": ["true"]' '"sysctl": {"net.ipv4.ip_forward": "1"}'
like "$(run "$TMP/s.json" 2>&1)" '/linux/sysctl/net.ipv4.ip_forward: needs a new network namespace' \
	"sysctl: a net.* key without a new network namespace is refused"
NS='[{"type":"mount"},{"type":"pid"},{"type":"ipc"},{"type":"network"}]' oci "$TMP/s.json" '"args": ["true"]' \
	'"sysctl": {"net.ipv4.no_such_key": "1"}'
out=$(run "$TMP/s.json" 2>&1); rc=$?
is "$rc" 125 "sysctl: a key the kernel does not have fails the run"
like "$out" "step [0-9]+ sysctl net.ipv4.no_such_key: open /proc/sys/net/ipv4/no_such_key: ENOENT" "and names the step and key"

# --- masked and read-only paths ------------------------------------------
M=$TMP/maskfs
copy_rootfs "$M"
echo secret >"$M/etc/secret"
mkdir -p "$M/data/sub" "$M/private"
echo keep >"$M/data/file"
echo hidden >"$M/private/file"
masked() { # masked UID CMD: run CMD (no double quotes) as UID with the masks
	spec "$TMP/k.json" "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"$M\"},
 \"process\": {\"cwd\": \"/\", \"env\": [\"PATH=/bin:/sbin\"], \"args\": [\"sh\", \"-c\", \"$2\"], \"user\": {\"uid\": $1}},
 \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}],
 \"linux\": {\"namespaces\": [{\"type\":\"mount\"},{\"type\":\"pid\"}],
  \"maskedPaths\": [\"/proc/keys\", \"/proc/acpi\", \"/etc/secret\", \"/private\", \"/no/such/path\"],
  \"readonlyPaths\": [\"/proc/sys\", \"/data\", \"/not/there\"]}}"
	run "$TMP/k.json" 2>&1
}
for uid in 0 1000; do
	is "$(masked $uid 'wc -c </etc/secret; wc -c </proc/keys; ls -A /private | wc -l; ls -A /proc/acpi | wc -l')" "0
0
0
0" "uid $uid: masked files read empty, masked directories are empty"
	out=$(masked $uid 'echo x >/etc/secret; echo x >/proc/keys; touch /private/new; touch /proc/acpi/new')
	like "$out" "can't create /etc/secret: (Read-only file system|Permission denied)" "uid $uid: a masked file in the image refuses writes"
	like "$out" "can't create /proc/keys: (Read-only file system|Permission denied)" "uid $uid: a masked /proc file refuses writes"
	like "$out" "touch: /private/new: Read-only file system" "uid $uid: a masked directory in the image is read-only"
	like "$out" "touch: /proc/acpi/new: Read-only file system" "uid $uid: a masked /proc directory is read-only"
done
like "$(masked 0 'echo x >/etc/secret')" "Read-only file system" "root: a masked file refuses writes with EROFS"
is "$(masked 0 'cat /data/file; echo x >/data/file; touch /data/sub/new; echo 1 >/proc/sys/kernel/shmmax')" "keep
sh: can't create /data/file: Read-only file system
touch: /data/sub/new: Read-only file system
sh: can't create /proc/sys/kernel/shmmax: Read-only file system" "read-only paths read fine and refuse writes with EROFS, also below them"
masked 0 'true' >/dev/null; is "$?" 0 "masked and read-only paths that do not exist are skipped"
is "$(cat "$M/etc/secret") $(cat "$M/data/file") $(cat "$M/private/file")" "secret keep hidden" "the image's files are unchanged"
is "$(masked 0 "grep -cE ' /(etc/secret|proc/keys) ro,' /proc/self/mountinfo")" 2 \
	"masked files are read-only mounts"

# --- a minimal spec's defaults, by their effect ---------------------------
spec "$TMP/d.json" "{\"root\": {\"path\": \"$R\"}, \"process\": {\"args\": [\"sh\", \"-c\",
 \"wc -c </proc/keys; wc -c </proc/timer_list; { ls -A /proc/acpi; ls -A /sys/firmware; } | grep -c .; echo x >/proc/sys/kernel/shmmax; echo x >/proc/sysrq-trigger; hostname; echo \$\$; cat /proc/self/uid_map\"]}}"
out=$(run "$TMP/d.json" 2>/dev/null)
is "$(echo "$out" | head -2 | tr '\n' ' ')" "0 0 " "minimal spec: /proc/keys and /proc/timer_list read empty"
is "$(echo "$out" | sed -n 3p)" 0 "minimal spec: /proc/acpi and /sys/firmware are empty"
like "$(run "$TMP/d.json" 2>&1)" "/proc/sys/kernel/shmmax: Read-only file system" "minimal spec: /proc/sys is read-only"
is "$(echo "$out" | sed -n 4,5p | tr '\n' ' ')" "rootfs 1 " "minimal spec: the hostname is the root's name, the process is PID 1"
like "$out" "0 +[0-9]+ +65536" "minimal spec: a private user range of 65536 ids (privateUsers \"pick\")"
unlike "$out" "0 +0 +4294967295" "minimal spec: not the host's user namespace"
plan=$(run plan "$TMP/d.json")
like "$plan" "mask +/proc/kcore" "minimal spec: nsrun plan lists the masked paths"
like "$plan" "readonly +/proc/sysrq-trigger" "minimal spec: nsrun plan lists the read-only paths"

# --- SELinux and AppArmor on a host without them --------------------------
if [ ! -e /sys/fs/selinux/enforce ] && [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
	spec "$TMP/l.json" "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"$R\"},
 \"process\": {\"cwd\": \"/\", \"args\": [\"sh\", \"-c\", \"echo ran; grep -c context= /proc/self/mountinfo || true\"],
  \"selinuxLabel\": \"system_u:system_r:container_t:s0:c1,c2\", \"apparmorProfile\": \"nsrun-default\"},
 \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}, {\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}],
 \"linux\": {\"namespaces\": [{\"type\":\"mount\"},{\"type\":\"pid\"}], \"mountLabel\": \"system_u:object_r:container_file_t:s0:c1,c2\"},
 \"annotations\": {\"run.nsrun.apparmor\": \"optional\"}}"
	plan=$(run plan "$TMP/l.json" 2>&1)
	like "$plan" "selinux-label +system_u:system_r:container_t:s0:c1,c2 -- skipped: SELinux is disabled on this host" \
		"SELinux off: nsrun plan shows the label step skipped, with the reason"
	like "$plan" "apparmor-profile +nsrun-default -- skipped: AppArmor is not enabled on this host" \
		"AppArmor off: nsrun plan shows the profile step skipped, with the reason"
	like "$plan" "# mount label system_u:object_r:container_file_t:s0:c1,c2: .* -- skipped: SELinux is disabled" \
		"SELinux off: nsrun plan shows the mount label skipped"
	unlike "$plan" "-> /tmp.*context=" "SELinux off: no mount gets context="
	like "$(run plan --json "$TMP/l.json")" '"kind":"selinux-label".*"skipped":"SELinux is disabled on this host"' \
		"nsrun plan --json marks the step skipped"
	out=$(run "$TMP/l.json" 2>"$TMP/l.err"); rc=$?
	is "$rc" 0 "SELinux/AppArmor off: the container runs"
	is "$out" "ran
0" "SELinux/AppArmor off: and nothing is labelled"
	like "$(cat "$TMP/l.err")" "warning: .*/process/selinuxLabel \"system_u:system_r:container_t:s0:c1,c2\" is not applied: SELinux is disabled on this host" \
		"SELinux off: a warning on stderr"
	like "$(cat "$TMP/l.err")" "warning: .*/process/apparmorProfile \"nsrun-default\" is not applied: AppArmor is not enabled" \
		"AppArmor off: a warning on stderr"
	like "$(cat "$TMP/l.err")" "warning: .*/linux/mountLabel .* is not applied: SELinux is disabled" \
		"mountLabel with SELinux off: a warning on stderr"
fi
spec "$TMP/l.json" "{\"root\": {\"path\": \"$R\"}, \"process\": {\"args\": [\"true\"], \"selinuxLabel\": \"container_t\"}}"
like "$(run check "$TMP/l.json" 2>&1)" "/process/selinuxLabel: expected an SELinux context user:role:type\[:level\], got \"container_t\"" \
	"a label that is not user:role:type is a validation error"
spec "$TMP/l.json" "{\"root\": {\"path\": \"$R\"}, \"process\": {\"args\": [\"true\"], \"apparmorProfile\": \"a\\nchangeprofile b\"}}"
like "$(run check "$TMP/l.json" 2>&1)" "/process/apparmorProfile: must not contain whitespace or control characters" \
	"an AppArmor profile with a newline is a validation error"

# --- personality ----------------------------------------------------------
oci "$TMP/p.json" '"args": ["uname", "-m"]' '"personality": {"domain": "LINUX32"}'
is "$(run "$TMP/p.json" 2>&1)" i686 "personality LINUX32: uname -m says i686"
oci "$TMP/p.json" '"args": ["uname", "-m"]' '"personality": {"domain": "LINUX"}'
is "$(run "$TMP/p.json" 2>&1)" "$(uname -m)" "personality LINUX: uname -m is the host's"

# --- time namespace and offsets -------------------------------------------
NS='[{"type":"mount"},{"type":"pid"},{"type":"time"}]' oci "$TMP/t.json" '"args": ["/t/clocks"]' \
	'"timeOffsets": {"monotonic": {"secs": 86400, "nanosecs": 0}, "boottime": {"secs": 864000, "nanosecs": 0}}'
host=$("$HELPERS/clocks")
out=$(run "$TMP/t.json" 2>&1)
hm=$(echo "$host" | awk '/monotonic/ {print $2}') hb=$(echo "$host" | awk '/boottime/ {print $2}')
cm=$(echo "$out" | awk '/monotonic/ {print $2}') cb=$(echo "$out" | awk '/boottime/ {print $2}')
ok "$([ -n "$cm" ] && [ $((cm - hm - 86400)) -ge 0 ] && [ $((cm - hm - 86400)) -le 5 ]; echo $?)" \
	"timeOffsets: CLOCK_MONOTONIC is shifted by 86400s inside ($hm -> $cm)"
ok "$([ -n "$cb" ] && [ $((cb - hb - 864000)) -ge 0 ] && [ $((cb - hb - 864000)) -le 5 ]; echo $?)" \
	"timeOffsets: CLOCK_BOOTTIME is shifted by 864000s inside ($hb -> $cb)"
NS='[{"type":"mount"},{"type":"pid"},{"type":"time"}]' oci "$TMP/t.json" '"args": ["cat", "/proc/uptime"]' \
	'"timeOffsets": {"boottime": {"secs": 864000, "nanosecs": 0}}'
up=$(run "$TMP/t.json" 2>&1 | cut -d. -f1) hup=$(cut -d. -f1 /proc/uptime)
ok "$([ -n "$up" ] && [ $((up - hup - 864000)) -ge -1 ] && [ $((up - hup - 864000)) -le 5 ]; echo $?)" \
	"timeOffsets: /proc/uptime is shifted by the boottime offset ($hup -> $up)"
is "$(cut -d. -f1 /proc/uptime)" "$hup" "timeOffsets: the host's uptime is not shifted"
oci "$TMP/t.json" '"args": ["true"]' '"timeOffsets": {"boottime": {"secs": 1, "nanosecs": 0}}'
like "$(run check "$TMP/t.json" 2>&1)" "/linux/timeOffsets: offsets need a new time namespace" \
	"timeOffsets without a time namespace is a validation error"

# --- user namespaces -----------------------------------------------------
NS='[{"type":"user"},{"type":"mount"},{"type":"pid"},{"type":"ipc"},{"type":"uts"}]' \
oci "$TMP/un.json" '"args": ["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c %u:%g /bin/busybox; touch /etc/x 2>&1; /t/selfstatus | grep CapEff"]' \
	'"uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}], "gidMappings": [{"containerID": 0, "hostID": 200000, "size": 1000}]'
out=$(run "$TMP/un.json" 2>&1); rc=$?
is "$rc" 0 "user namespace over a root-owned rootfs: the container runs"
is "$(echo "$out" | head -3 | tr -s ' ' | tr '\n' '|')" " 0 100000 65536| 0 200000 1000|0|" \
	"user namespace: /proc/self/uid_map and gid_map show the spec's mappings; root inside"
like "$out" "65534:65534" "user namespace: the host's root owns nothing inside (overflow ids)"
like "$out" "touch: /etc/x: Permission denied" "user namespace: the root-owned rootfs is read-only for the container's root"
ok "$([ ! -e "$R/etc/x" ]; echo $?)" "user namespace: nothing was written to the image"
like "$(run plan "$TMP/un.json")" "id-maps +uid_map 0:100000:65536, gid_map 0:200000:1000" "nsrun plan shows the mappings"
# a rootfs prepared for the mapping (chown -R 100000:100000) is writable
UN=$TMP/usernsfs
copy_rootfs "$UN"
chown -R 100000:100000 "$UN"
spec "$TMP/un2.json" "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"$UN\"},
 \"process\": {\"cwd\": \"/\", \"args\": [\"sh\", \"-c\", \"touch /etc/x && stat -c %u /etc/x\"], \"capabilities\": {\"bounding\": [\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_FOWNER\"], \"effective\": [\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_FOWNER\"], \"permitted\": [\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_FOWNER\"]}},
 \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}],
 \"linux\": {\"namespaces\": [{\"type\":\"user\"},{\"type\":\"mount\"},{\"type\":\"pid\"}],
  \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}], \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]}}"
is "$(run "$TMP/un2.json" 2>&1)" 0 "user namespace: a rootfs chowned to the mapping is root's inside and writable"
is "$(stat -c %u "$UN/etc/x" 2>/dev/null)" 100000 "user namespace: the file is the mapped id's on the host"

done_testing
