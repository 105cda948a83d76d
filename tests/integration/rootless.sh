#!/bin/bash
# Rootless nsrun (README "Rootless"): a test user of its own, with an
# /etc/subuid and /etc/subgid range, runs containers: its own ids mapped
# directly (setgroups denied), more through newuidmap/newgidmap, a short
# spec's default range, the OCI verbs with state under $XDG_RUNTIME_DIR,
# resources only in a delegated cgroup.  The user is removed at the end.
. "$(dirname "$0")/lib.sh"
need_root
command -v newuidmap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq uidmap >/dev/null 2>&1
command -v newuidmap >/dev/null || skip_all "newuidmap (Debian package uidmap) is missing"

U=nsrun-rl$$
# a range of its own, above the ranges privateUsers "pick" hands out
SUB=$((2000000000 + ($$ % 1000) * 65536))
useradd -M -s /bin/sh "$U" || { echo "Bail out! useradd $U"; exit 1; }
UID_=$(id -u "$U") GID_=$(id -g "$U")
sed -i "/^$U:/d" /etc/subuid /etc/subgid
echo "$U:$SUB:65536" >>/etc/subuid
echo "$U:$SUB:65536" >>/etc/subgid
W=$(mktemp -d /var/tmp/nsrun-it-rootless.XXXXXX)
chmod 755 "$W"
mkdir -p "$W/bundle/rootfs" "$W/xdg" "$W/host-ro"
cp -a "$ROOTFS/." "$W/bundle/rootfs/"
chown -R "$U:" "$W/bundle" "$W/xdg"
chmod 700 "$W/xdg"
echo host-secret >"$W/host-ro/f"
chmod 644 "$W/host-ro/f"
CG=nsrun-it-rl$$
cleanup() {
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		[ -d "$h$CG" ] && { find "$h$CG" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null; rmdir "$h$CG" 2>/dev/null; }
	done
	userdel "$U" 2>/dev/null
	sed -i "/^$U:/d" /etc/subuid /etc/subgid
	rm -rf "$W" "$TMP"
}
trap cleanup EXIT
# as the user, in the bundle, with its own runtime directory
as_user() { runuser -u "$U" -- env XDG_RUNTIME_DIR="$W/xdg" USER="$U" HOME="$W" sh -c "cd $W/bundle && $*"; }
json_set() { # FILE PYTHON-EXPRESSION-ON-c
	python3 -c "import json,sys; c=json.load(open('$1')); $2; json.dump(c, open('$1','w'))"
	chown "$U" "$1"
}

# --- nsrun spec --rootless -------------------------------------------------
as_user "$NSRUN spec --rootless"
ok $? "nsrun spec --rootless as $U writes config.json"
cfg=$(cat "$W/bundle/config.json")
like "$cfg" "\"uidMappings\": \[ \{ \"containerID\": 0, \"hostID\": $UID_, \"size\": 1 \} \]" "its uid mapping: root is the caller's uid $UID_"
like "$cfg" "\"gidMappings\": \[ \{ \"containerID\": 0, \"hostID\": $GID_, \"size\": 1 \} \]" "its gid mapping: the caller's gid"
unlike "$cfg" "\"type\": \"(network|cgroup)\"" "no network or cgroup namespace"
like "$cfg" "\"source\": \"/sys\"" "the host's /sys is bound"
is "$(as_user "$NSRUN check config.json"; echo $?)" 0 "nsrun check accepts it"

json_set "$W/bundle/config.json" "c['process']['terminal']=False; c['process']['args']=['sh','-c','cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; ls -ln /bin/busybox; stat -c %t:%T /dev/null; echo x >/dev/null && echo null-ok; ls /sys/kernel >/dev/null && echo sys-ok; touch /sys/kernel/x 2>&1; touch /x 2>&1; cat /data/f; echo y >/data/f 2>&1; mkdir /tmp/k && mount -t proc proc /tmp/k && (echo x >/tmp/k/sys/kernel/core_pattern) 2>&1']; c['mounts'].append({'destination':'/data','type':'bind','source':'$W/host-ro','options':['rbind']}); c['mounts'].append({'destination':'/tmp','type':'tmpfs','source':'tmpfs'}); c['process']['capabilities']={k:['CAP_SYS_ADMIN','CAP_DAC_OVERRIDE'] for k in ('bounding','effective','permitted')}"
core_before=$(cat /proc/sys/kernel/core_pattern)
out=$(as_user "$NSRUN config.json" 2>&1); rc=$?
is "$rc" 1 "a rootless container runs as $U (status 1: its last command, the core_pattern write, failed)"
like "$out" "^ +0 +$UID_ +1
 +0 +$GID_ +1
deny
0" "inside: uid_map and gid_map map root to the caller's ids, setgroups is denied, the process is uid 0"
like "$out" "-rwxr-xr-x +1 0 +0 .*/bin/busybox" "the user's own files are root's inside"
like "$out" "1:3
null-ok" "/dev/null is the host's node, bound (no mknod in a user namespace)"
like "$out" "sys-ok" "/sys is the host's sysfs (bound: no network namespace of its own)"
like "$out" "touch: /sys/kernel/x: Read-only file system" "... read-only"
like "$out" "touch: /x: Read-only file system" "the read-only root cannot be written"
like "$out" "host-secret" "a bind mount it was given is readable"
like "$out" "can't create /data/f: Permission denied" "but a host file it does not own cannot be written"
is "$(cat "$W/host-ro/f")" host-secret "the host file is unchanged"
like "$out" "core_pattern: Permission denied" "a fresh procfs does not let it write the host's core_pattern"
is "$(cat /proc/sys/kernel/core_pattern)" "$core_before" "the host's core_pattern is unchanged"
is "$(find "$W/bundle/rootfs" -newer "$W/bundle/config.json" -mindepth 1 2>/dev/null)" "" "nothing in its tree changed"

# --- more than its own ids: newuidmap/newgidmap with its /etc/subuid range --
cp "$W/bundle/config.json" "$W/bundle/sub.json"
json_set "$W/bundle/sub.json" "m=[{'containerID':0,'hostID':$UID_,'size':1},{'containerID':1,'hostID':$SUB,'size':65536}]; c['linux']['uidMappings']=m; c['linux']['gidMappings']=m; c['root']['readonly']=False; c['process']['capabilities']={k:['CAP_CHOWN','CAP_DAC_OVERRIDE','CAP_FOWNER'] for k in ('bounding','effective','permitted')}; c['process']['args']=['sh','-c','cat /proc/self/uid_map; touch /owned; chown 1000:1000 /owned && echo chowned']"
out=$(as_user "$NSRUN sub.json" 2>&1); rc=$?
is "$rc" 0 "a spec mapping the user's subordinate range runs (newuidmap/newgidmap)"
like "$out" "^ +0 +$UID_ +1
 +1 +$SUB +65536" "uid_map: its own uid and its /etc/subuid range"
like "$out" "chowned" "the container's root can chown to a subordinate id"
is "$(stat -c %u:%g "$W/bundle/rootfs/owned" 2>&1)" "$((SUB + 999)):$((SUB + 999))" "on the host the file belongs to the subordinate id $((SUB + 999))"
rm -f "$W/bundle/rootfs/owned"
json_set "$W/bundle/sub.json" "c['linux']['uidMappings'][1]['hostID']=5000000; c['linux']['gidMappings'][1]['hostID']=5000000"
out=$(as_user "$NSRUN sub.json" 2>&1); rc=$?
is "$rc" 125 "a range that is not the user's: refused"
like "$out" "newuidmap failed .*/etc/subuid" "by newuidmap, and the message says where ranges come from"

# --- a short spec: privateUsers "pick" rootless --------------------------------
echo "{\"root\": {\"path\": \"rootfs\"}, \"process\": {\"args\": [\"sh\", \"-c\", \"cat /proc/self/uid_map; id -u; hostname; touch /w && echo wrote\"]}}" >"$W/bundle/short.json"
chown "$U" "$W/bundle/short.json"
out=$(as_user "$NSRUN short.json" 2>&1); rc=$?
is "$rc" 0 "a short spec runs rootless"
like "$out" "^ +0 +$UID_ +1
 +1 +$SUB +65535
0
rootfs
wrote" "its default range: the caller's uid as root and its /etc/subuid range as 1..65535; the tree (the user's) is writable"
rm -f "$W/bundle/rootfs/w"
ls /run/nsrun/.userns 2>/dev/null | grep -qx "$UID_" && bad=1 || bad=0
is "$bad" 0 "no lock in /run/nsrun/.userns for a rootless range"

# --- OCI verbs: state under $XDG_RUNTIME_DIR/nsrun -----------------------------
json_set "$W/bundle/config.json" "c['process']['args']=['sleep','30']; c['process']['capabilities']={k:['CAP_KILL'] for k in ('bounding','effective','permitted')}"
as_user "$NSRUN create --bundle $W/bundle rl-$$" >/dev/null 2>&1
ok $? "nsrun create as the user"
ok $([ -d "$W/xdg/nsrun/rl-$$" ] && [ ! -e "/run/nsrun/rl-$$" ] && echo 0 || echo 1) "its state is in \$XDG_RUNTIME_DIR/nsrun, not /run/nsrun"
as_user "$NSRUN start rl-$$"
like "$(as_user "$NSRUN state rl-$$")" '"status": "running"' "start; state says running"
like "$(as_user "$NSRUN list")" "rl-$$ .* running" "list shows it"
as_user "$NSRUN kill rl-$$ KILL"
for _ in $(seq 100); do as_user "$NSRUN state rl-$$" | grep -q stopped && break; sleep 0.05; done
as_user "$NSRUN delete rl-$$"
ok $([ ! -e "$W/xdg/nsrun/rl-$$" ] && echo 0 || echo 1) "kill and delete: its state is gone"

# --- resources: a clear error without a delegated cgroup, nested in one ------
cp "$W/bundle/config.json" "$W/bundle/res.json"
json_set "$W/bundle/res.json" "c['process']['args']=['sh','-c','p=\$(grep :pids: /proc/self/cgroup | cut -d: -f3); echo pids:\$p; cat /sys/fs/cgroup/pids\$p/pids.max']; c['linux']['resources']={'pids':{'limit':42}}"
out=$(as_user "$NSRUN res.json" 2>&1); rc=$?
is "$rc" 125 "resources without a delegated cgroup: nsrun's own failure"
like "$out" "running rootless, the spec's linux.resources \(or cgroupsPath\) need a cgroup delegated to you" "a clear error, not a silent skip"
for h in /sys/fs/cgroup/*/; do
	[ "$(stat -f -c %T "$h")" = tmpfs ] && continue
	mkdir "$h$CG" && chown -R "$U:" "$h$CG"
	[ -f "$h/cpuset.cpus" ] && cat "$h/cpuset.cpus" >"$h$CG/cpuset.cpus" && cat "$h/cpuset.mems" >"$h$CG/cpuset.mems"
done
# root moves the shell in (a user may not move itself out of root's cgroup on v2)
out=$(sh -c 'for h in /sys/fs/cgroup/*/'"$CG"'; do echo $$ >"$h/cgroup.procs" || exit 1; done
	exec runuser -u '"$U"' -- env XDG_RUNTIME_DIR='"$W/xdg"' sh -c "cd '"$W"'/bundle && '"$NSRUN"' res.json"' 2>&1); rc=$?
is "$rc" 0 "in a cgroup delegated to the user: the container runs"
like "$out" "pids:/$CG/nsrun-[0-9]+
42" "nested inside the user's cgroup, with the spec's pids limit"
is "$(find /sys/fs/cgroup/*/"$CG" -mindepth 1 -type d 2>/dev/null)" "" "and its cgroups are removed afterwards"

done_testing
