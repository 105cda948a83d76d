#!/bin/bash
# The privileges and escape suites (privileges.sh, escapes.sh), rootless:
# the checks that apply to a container an unprivileged user runs, run as
# a test user of its own (with an /etc/subuid range; removed at the end),
# each asserting what the container sees or what stays unchanged on the host.
# Not run rootless, and why:
#  - set-uid / file-capability binaries and uid 0 -> 1000 capability rules
#    with the host's root: a rootless user cannot make a set-uid-root file
#    or set file capabilities on the host;
#  - sysctl smuggling, host /proc settings writes, cgroup escapes, netns and
#    mount-propagation attacks on the host's mount table: an unprivileged user
#    cannot write them in the first place (the core_pattern check is in
#    rootless.sh), and rootless has no cgroup or network namespace by default;
#  - the path-resolution attacks (/dev, mount targets as symlinks to host
#    paths) with openat2 and the fallback walk: they need the host's root to
#    matter; the user's own files are reachable to it anyway;
#  - minimal-spec capability sets as the host's root (privateUsers "no") and
#    nsrun's own set less CAP_SYS_RESOURCE: root-only spec paths.
. "$(dirname "$0")/lib.sh"
need_root
command -v newuidmap >/dev/null || skip_all "newuidmap (Debian package uidmap) is missing"

U=nsrun-rle$$
SUB=$((2100000000 + ($$ % 500) * 65536))
useradd -M -s /bin/sh "$U" || { echo "Bail out! useradd $U"; exit 1; }
UID_=$(id -u "$U") GID_=$(id -g "$U")
sed -i "/^$U:/d" /etc/subuid /etc/subgid
echo "$U:$SUB:65536" >>/etc/subuid
echo "$U:$SUB:65536" >>/etc/subgid
W=$(mktemp -d /var/tmp/nsrun-it-rlesc.XXXXXX)
chmod 755 "$W"
mkdir -p "$W/bundle/rootfs/t" "$W/xdg" "$W/host"
cp -a "$ROOTFS/." "$W/bundle/rootfs/"
for h in selfstatus exe-attack fdwalk tiocsti; do
	gcc -static -O2 -o "$W/bundle/rootfs/t/$h" "$NSRUN_SRC/tests/helpers/$h.c" ||
		{ echo "Bail out! cannot build $h (gcc -static)"; userdel "$U"; exit 1; }
done
chown -R "$U:" "$W/bundle" "$W/xdg"
chmod 700 "$W/xdg"
echo root-secret >"$W/host/rootf"; chmod 644 "$W/host/rootf"   # root's, bound into the container
echo user-secret >"$W/userf"; chown "$U:" "$W/userf"; chmod 600 "$W/userf"  # the user's, not given
cleanup() {
	runuser -u "$U" -- env XDG_RUNTIME_DIR="$W/xdg" "$NSRUN" delete --force "rle-$$" >/dev/null 2>&1
	userdel "$U" 2>/dev/null
	sed -i "/^$U:/d" /etc/subuid /etc/subgid
	rm -rf "$W" "$TMP"
}
trap cleanup EXIT
as_user() { runuser -u "$U" -- env XDG_RUNTIME_DIR="$W/xdg" USER="$U" HOME="$W" sh -c "cd $W/bundle && $*"; }
json_set() { # FILE PYTHON-EXPRESSION-ON-c
	python3 -c "import json,sys; c=json.load(open('$1')); $2; json.dump(c, open('$1','w'))"
	chown "$U" "$1"
}
capmask() {
	local m=0
	for b in "$@"; do m=$((m | (1 << b))); done
	printf '%016x' "$m"
}
field() { printf '%s\n' "$2" | awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ +/, ""); print; exit }'; }
KILL=5 NET_BIND=10 NET_RAW=13 SYS_PTRACE=19 SYS_ADMIN=21 MKNOD=27 AUDIT_WRITE=29

as_user "$NSRUN spec --rootless" || { echo "Bail out! nsrun spec --rootless"; exit 1; }
C=$W/bundle/config.json
json_set "$C" "c['process']['terminal']=False; c['process']['env'].append('PATH=/bin:/sbin:/usr/bin:/t')"
cp "$C" "$W/base.json"
reset() { cp "$W/base.json" "$C"; chown "$U" "$C"; }

# --- capabilities: the spec's sets exactly ------------------------------------
json_set "$C" "c['process']['args']=['/t/selfstatus']"
out=$(as_user "$NSRUN config.json" 2>&1)
D=$(capmask $KILL $NET_BIND $AUDIT_WRITE)
is "$(field CapBnd "$out")" "$D" "default rootless spec: CapBnd is exactly its three (KILL, NET_BIND_SERVICE, AUDIT_WRITE)"
is "$(field CapEff "$out")" "$D" "default rootless spec: CapEff is the same"
is "$(field CapPrm "$out")" "$D" "default rootless spec: CapPrm is the same"
is "$(field CapInh "$out")/$(field CapAmb "$out")" "$(capmask)/$(capmask)" "default rootless spec: inheritable and ambient empty"
is "$(field NoNewPrivs "$out")" 1 "default rootless spec: no_new_privs is set"
is "$(field euid "$out")" 0 "the process is root inside its user namespace"

SETS="{'bounding':['CAP_KILL','CAP_NET_RAW','CAP_SYS_ADMIN'],'effective':['CAP_KILL'],'permitted':['CAP_KILL','CAP_NET_RAW'],'inheritable':['CAP_KILL'],'ambient':['CAP_KILL']}"
json_set "$C" "c['process']['capabilities']=$SETS; c['process']['noNewPrivileges']=False"
out=$(as_user "$NSRUN config.json" 2>&1)
B=$(capmask $KILL $NET_RAW $SYS_ADMIN)
is "$(field CapBnd "$out")" "$B" "five sets: the bounding set is the spec's"
is "$(field CapInh "$out")" "$(capmask $KILL)" "five sets: the inheritable set is the spec's"
is "$(field CapAmb "$out")" "$(capmask $KILL)" "five sets: the ambient set is the spec's"
is "$(field CapEff "$out")" "$B" "five sets, root: effective after exec is bounding+inheritable (kernel rules for uid 0)"
is "$(field NoNewPrivs "$out")" 0 "without noNewPrivileges: NoNewPrivs is 0"
json_set "$C" "c['process']['user']={'uid':1000,'gid':1000}; c['linux']['uidMappings']=[{'containerID':0,'hostID':$UID_,'size':1},{'containerID':1,'hostID':$SUB,'size':65536}]; c['linux']['gidMappings']=c['linux']['uidMappings']"
out=$(as_user "$NSRUN config.json" 2>&1)
is "$(field euid "$out")" 1000 "uid 1000 (subordinate range): runs as 1000"
is "$(field CapPrm "$out"),$(field CapEff "$out"),$(field CapAmb "$out")" \
	"$(capmask $KILL),$(capmask $KILL),$(capmask $KILL)" "uid 1000: permitted and effective after exec are the ambient set, nothing more"
reset
json_set "$C" "c['process']['args']=['/t/selfstatus']; del c['process']['capabilities']"
out=$(as_user "$NSRUN config.json" 2>&1)
is "$(field CapBnd "$out") $(field CapEff "$out") $(field CapAmb "$out")" "$(capmask) $(capmask) $(capmask)" \
	"OCI spec without capabilities: none, even as root of its user namespace"

# --- exec'd process ----------------------------------------------------------
reset
json_set "$C" "c['process']['args']=['sleep','30']"
as_user "$NSRUN create --bundle $W/bundle rle-$$" >/dev/null 2>&1 && as_user "$NSRUN start rle-$$"
out=$(as_user "$NSRUN exec rle-$$ /t/selfstatus" 2>&1)
is "$(field CapBnd "$out")/$(field CapEff "$out")" "$D/$D" "exec: the exec'd process has the spec's bounding and effective sets"
is "$(field CapInh "$out")/$(field CapAmb "$out")" "$(capmask)/$(capmask)" "exec: inheritable and ambient are empty"
is "$(field NoNewPrivs "$out")" 1 "exec: no_new_privs is set"
out=$(as_user "$NSRUN exec rle-$$ cat /proc/self/uid_map /proc/self/gid_map" 2>&1)
like "$out" "^ +0 +$UID_ +1
 +0 +$GID_ +1$" "exec: uid_map and gid_map inside map only the user's own ids"
as_user "$NSRUN delete --force rle-$$" >/dev/null 2>&1

# --- masked paths, read-only /proc/sys, mknod, host files -----------------------
reset
json_set "$C" "c['mounts'].append({'destination':'/data','type':'bind','source':'$W/host','options':['rbind']}); c['process']['capabilities']={k:['CAP_MKNOD','CAP_DAC_OVERRIDE','CAP_FOWNER','CAP_SYS_ADMIN'] for k in ('bounding','effective','permitted')}; c['process']['args']=['sh','-c','cat /proc/kcore 2>/dev/null | wc -c; cat /proc/keys | wc -c; ls /sys/firmware | wc -l; echo 1 >/proc/sys/kernel/domainname 2>&1; echo x >/proc/sysrq-trigger 2>&1; mknod /dev/shm/n c 1 3 2>&1; mknod /dev/shm/b b 8 0 2>&1; echo owned >/data/rootf 2>&1; cat /data/rootf; chmod 777 /data/rootf 2>&1; echo owned >$W/userf 2>&1; ls $W 2>&1; mount -o remount,rw /proc/sys 2>&1; echo 1 >/proc/sys/kernel/domainname 2>&1; umount /proc/kcore 2>&1; cat /proc/kcore 2>/dev/null | wc -c; echo end']"
out=$(as_user "$NSRUN config.json" 2>&1)
like "$out" "^0
0
0
" "masked paths: /proc/kcore, /proc/keys and /sys/firmware are empty"
like "$out" "domainname: Read-only file system" "/proc/sys is read-only"
like "$out" "sysrq-trigger: (Read-only file system|Permission denied|nonexistent directory)" "/proc/sysrq-trigger cannot be written"
like "$out" "mknod: /dev/shm/n: Operation not permitted" "mknod of a character device is refused (even with CAP_MKNOD)"
like "$out" "mknod: /dev/shm/b: Operation not permitted" "mknod of a block device is refused"
like "$out" "can't create /data/rootf: Permission denied" "a root-owned host file it was given cannot be written (CAP_DAC_OVERRIDE does not apply to an unmapped owner)"
like "$out" "root-secret" "... it is readable"
like "$out" "chmod: /data/rootf: Operation not permitted" "... nor chmod'ed"
like "$out" "can't create $W/userf: (Read-only|No such|nonexistent directory)" "the user's own file outside the bundle is not reachable by its host path"
is "$(printf '%s\n' "$out" | grep -Ec "domainname: (Read-only file system|Permission denied)")" 2 "after mount -o remount,rw /proc/sys, /proc/sys still cannot be written"
like "$out" "0
end$" "after umount /proc/kcore, /proc/kcore is still empty (the mask is locked)"
like "$out" "end$" "the whole check ran"
is "$(cat "$W/host/rootf"):$(stat -c %a:%u "$W/host/rootf")" "root-secret:644:0" "host: the root-owned file is unchanged"
is "$(cat "$W/userf")" "user-secret" "host: the user's file outside the bundle is unchanged"
printf '%s\n' "$out" | sed 's/^/# /'

# --- seccomp: a filtered syscall fails with the spec's errno ------------------------
reset
json_set "$C" "c['linux']['seccomp']={'defaultAction':'SCMP_ACT_ALLOW','architectures':['SCMP_ARCH_X86_64'],'syscalls':[{'names':['mkdir','mkdirat'],'action':'SCMP_ACT_ERRNO','errnoRet':122}]}; c['process']['args']=['sh','-c','mkdir /dev/shm/d 2>&1; touch /dev/shm/f && echo touch-ok']"
out=$(as_user "$NSRUN config.json" 2>&1)
like "$out" "mkdir: can't create directory '/dev/shm/d': Disk quota exceeded" "seccomp: mkdir fails with the spec's errno (EDQUOT)"
like "$out" "touch-ok" "seccomp: other syscalls are allowed"

# --- the sealed-memfd nsrun: /proc/<nsrun>/exe cannot be overwritten -----------------
cp "$NSRUN" "$W/nsrun-copy"; chown "$U" "$W/nsrun-copy"; chmod 755 "$W/nsrun-copy"
sum=$(sha256sum <"$W/nsrun-copy")
cp "$W/base.json" "$W/bundle/exe.json"
json_set "$W/bundle/exe.json" "c['process']['args']=['sh','-c','/t/exe-attack \$PPID /t/report; readlink /proc/\$PPID/exe']; c['root']['readonly']=False; c['linux']['namespaces']=[n for n in c['linux']['namespaces'] if n['type']!='pid']; c['mounts']=[m if m['destination']!='/proc' else {'destination':'/proc','type':'bind','source':'/proc','options':['rbind']} for m in c['mounts']]; [c['process']['capabilities'][k].append('CAP_SYS_PTRACE') for k in ('bounding','effective','permitted')]"
chown "$U" "$W/bundle/exe.json"
out=$(as_user "$W/nsrun-copy exe.json" 2>&1)
like "$out" "open for writing: (ETXTBSY|EACCES|EPERM)" "/proc/<nsrun>/exe: opening it for writing fails"
for _ in $(seq 100); do grep -q done "$W/bundle/rootfs/t/report" 2>/dev/null && break; sleep 0.1; done
unlike "$(cat "$W/bundle/rootfs/t/report" 2>/dev/null)" "write (while running|after exit): ok" "/proc/<nsrun>/exe: no write reached it, also after nsrun exited"
is "$(sha256sum <"$W/nsrun-copy")" "$sum" "/proc/<nsrun>/exe: the nsrun binary (the user's own file) is unchanged"
printf '%s\n' "$out" | sed 's/^/# /'

# --- host fds: a container process with CAP_SYS_PTRACE walks another -------------
reset
json_set "$C" "c['process']['args']=['sleep','30']; [c['process']['capabilities'][k].append('CAP_SYS_PTRACE') for k in ('bounding','effective','permitted')]"
mkdir -p "$W/hostdir"; chown "$U" "$W/hostdir"
as_user "$NSRUN create --bundle $W/bundle rle-$$ && $NSRUN start rle-$$" >/dev/null 2>&1; is "$?" 0 "fd walk: create and start as the user"
out=$(as_user "$NSRUN exec rle-$$ /t/fdwalk $W/hostdir 1" 2>&1)
like "$out" "walked 1: [1-9][0-9]* links" "fd walk: the walk reached PID 1 (root, cwd, its fds)"
unlike "$out" "ESCAPED" "fd walk: nothing of the host through root, cwd or any fd"
unlike "$out" "(root|cwd|fd/([3-9]|[1-9][0-9]+)) -> /(run|var|tmp|etc|proc)($|/)" "fd walk: PID 1 holds no fd of a host path"
printf '%s\n' "$out" | grep ESCAPED | sed 's/^/# /'
as_user "$NSRUN delete --force rle-$$" >/dev/null 2>&1
is "$(ls -A "$W/hostdir")" "" "fd walk: nothing was created in the host directory"

# --- the caller's session keyring -----------------------------------------------
if command -v keyctl >/dev/null; then
	for bin in "$(command -v keyctl)" $(ldd "$(command -v keyctl)" | grep -o '/[^ ]*'); do
		mkdir -p "$W/bundle/rootfs$(dirname "$bin")"; cp -L "$bin" "$W/bundle/rootfs$bin"
	done
	reset
	json_set "$C" "c['process']['args']=['sh','-c','keyctl show @s 2>&1; echo print: \$(keyctl print \$KEYID 2>&1)']"
	out=$(runuser -u "$U" -- env XDG_RUNTIME_DIR="$W/xdg" HOME="$W" keyctl session - sh -c '
		id=$(keyctl add user nsrun-rle-key rle-secret-value @s) || exit 1
		echo "host: $(keyctl print "$id")"
		cd '"$W"'/bundle && python3 -c "import json; c=json.load(open(\"config.json\")); c[\"process\"][\"env\"].append(\"KEYID=$id\"); json.dump(c, open(\"config.json\", \"w\"))" && '"$NSRUN"' config.json' 2>&1)
	like "$out" "host: rle-secret-value" "keyring (control): the user's session keyring holds the secret"
	unlike "$out" "nsrun-rle-key" "keyring: keyctl show @s inside does not list the user's key"
	like "$out" "print: .*(Permission denied|Required key not available|not available)" "keyring: reading the user's key inside fails"
else
	ok 1 "keyring: keyctl is missing (tests/deps.sh installs keyutils)"
fi

# --- TIOCSTI into the user's terminal ----------------------------------------------
reset
json_set "$C" "c['process']['args']=['/t/tiocsti','echo INJECTED\\n']; c['process']['capabilities']={k:['CAP_SYS_ADMIN'] for k in ('bounding','effective','permitted')}"
out=$(as_user "script -qec '$NSRUN config.json; read -t 1 line; echo got=[\$line]' /dev/null" </dev/null 2>&1 | tr -d '\r')
like "$out" "fd 0: (EPERM|EIO)" "TIOCSTI (root of its user namespace, CAP_SYS_ADMIN): refused"
like "$out" "got=\[\]" "TIOCSTI: nothing reached the user's terminal"

done_testing
