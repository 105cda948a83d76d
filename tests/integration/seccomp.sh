#!/bin/bash
# Syscall filters in real containers (issue 3): linux.syscallFilter and
# linux.syscallErrno (nsrun's, systemd's syntax) and OCI's linux.seccomp,
# including the i386 ABI, ioctl's 32-bit request, no_new_privs, both
# filters at once, SCMP_ACT_NOTIFY with an agent, and bad input.
. "$(dirname "$0")/lib.sh"
need_root

# sct: one syscall per call, printing "NAME: OK" or "NAME: ERRNONAME", so
# that tests see errno exactly rather than a busybox applet's wording.
cat >"$TMP/sct.c" <<'EOF'
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int report(const char *what, long r)
{
	if (r < 0)
		printf("%s: %s\n", what, strerrorname_np(errno));
	else
		printf("%s: OK\n", what);
	return 0;
}

/* i386 system call through int $0x80 from this 64-bit process; the
 * kernel returns -errno in eax. */
static long int80(long nr, long a, long b)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b) : "memory");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "/tmp/sct-dir";
	if (!strcmp(c, "mkdir"))
		return report(c, syscall(SYS_mkdir, arg, 0755));
	if (!strcmp(c, "rmdir"))
		return report(c, syscall(SYS_rmdir, arg));
	if (!strcmp(c, "mkdir32") || !strcmp(c, "getpid32")) {
		/* pointers must fit in 32 bits */
		char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		if (p == MAP_FAILED)
			return report("mmap", -1);
		snprintf(p, 4096, "%s", arg);
		return report(c, c[0] == 'm' ? int80(39 /* i386 mkdir */, (long)(uintptr_t)p, 0755)
					     : int80(20 /* i386 getpid */, 0, 0));
	}
	if (!strcmp(c, "mount"))
		return report(c, syscall(SYS_mount, "none", "/mnt", "tmpfs", 0, NULL));
	if (!strcmp(c, "swapon"))
		return report(c, syscall(SYS_swapon, "/nonexistent", 0));
	if (!strcmp(c, "reboot")) /* bad magic: EINVAL when allowed */
		return report(c, syscall(SYS_reboot, 1, 2, 3, NULL));
	if (!strcmp(c, "ioctl")) { /* ioctl REQ [HIGH]: REQ with HIGH in the upper half */
		unsigned long req = strtoul(arg, NULL, 0) | (argc > 3 ? strtoul(argv[3], NULL, 0) << 32 : 0);
		int n;
		return report(c, syscall(SYS_ioctl, 0, req, &n));
	}
	if (!strcmp(c, "prctl"))
		return report(c, prctl(atoi(arg), 0, 0, 0, 0));
	if (!strcmp(c, "nr")) /* a raw syscall number with no arguments */
		return report(c, syscall(atol(arg), 0, 0, 0, 0));
	fprintf(stderr, "sct: unknown command %s\n", c);
	return 2;
}
EOF
gcc -static -O2 -o "$TMP/sct" "$TMP/sct.c" || { echo "Bail out! cannot build the helper (gcc -static)"; exit 1; }
RF=$TMP/rootfs
copy_rootfs "$RF"
cp "$TMP/sct" "$RF/bin/sct"

# spec_with LINUX_MEMBERS SCRIPT [PROCESS_EXTRA]: a minimal spec on the copy.
# A short spec's defaults have no CAP_SYS_ADMIN without a user namespace
# (and nspawn's filter unless "syscallFilter" is given; [] for none): these
# tests give root nspawn's set with it, as before.
NSPAWN_CAPS='"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
 "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
 "CAP_NET_RAW", "CAP_IPC_OWNER", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
 "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP"'
WITH_SYS_ADMIN=", \"capabilities\": {\"bounding\": [$NSPAWN_CAPS], \"effective\": [$NSPAWN_CAPS], \"permitted\": [$NSPAWN_CAPS]}"
spec_with() {
	local script=${2//\\/\\\\}
	script=${script//\"/\\\"}
	spec "$TMP/s.json" "{\"root\": {\"path\": \"$RF\"},${NSRUN_SPEC_EXTRA:+ \"privateUsers\": \"no\",} \"process\": {\"args\": [\"sh\", \"-c\", \"$script\"]${3:-$WITH_SYS_ADMIN}},
 \"linux\": {$1}}"
}
run_with() { spec_with "$@"; "$NSRUN" "$TMP/s.json" 2>&1 </dev/null; }

# --- the plan ---------------------------------------------------------------
spec_with '"syscallFilter": ["~@mount"]' 'true'
out=$("$NSRUN" plan "$TMP/s.json" 2>&1)
like "$out" 'stdio .*
[0-9]+\. \[container\] seccomp +/linux/syscallFilter: deny-list, [0-9]+ syscalls denied \(EPERM\), others allowed; arches X86_64 X86 X32
[0-9]+\. \[container\] exec ' "plan: the filter right between stdio and exec"
out=$("$NSRUN" plan --verbose "$TMP/s.json" 2>&1)
like "$out" '
 +mount +SCMP_ACT_ERRNO\(EPERM\) +\(/linux/syscallFilter/0\)' "plan --verbose lists the denied calls"
like "$out" '
 +\(any other\) +SCMP_ACT_ALLOW' "... and the default action"
is "$(printf '%s\n' "$out" | grep -c '^ *umount2 ')" 1 "... once each"
out=$("$NSRUN" plan --json "$TMP/s.json" 2>&1)
like "$out" '"seccomp":\{"source":"/linux/syscallFilter","defaultAction":"SCMP_ACT_ALLOW","allowed":0,"denied":[1-9]' \
	"plan --json summarises the filter"

# --- controls: without a filter the calls go through --------------------------
# (as the host's root: in a private user range swapon and reboot are EPERM anyway)
out=$(NSRUN_SPEC_EXTRA=1 run_with '"namespaces": [{"type": "mount"}, {"type": "pid"}], "syscallFilter": []' \
	'sct mount; sct swapon; sct reboot; sct mkdir; sct mkdir32 /tmp/d32; ls -d /tmp/d32; sct getpid32; grep Seccomp: /proc/self/status')
is "$out" "mount: OK
swapon: ENOENT
reboot: EINVAL
mkdir: OK
mkdir32: OK
/tmp/d32
getpid32: OK
Seccomp:	0" "without a filter: mount, swapon, reboot and the i386 ABI work"

# --- ["~@mount"] ---------------------------------------------------------------
out=$(run_with '"syscallFilter": ["~@mount"]' \
	'echo the shell works; sct mount; mount -t tmpfs tmpfs /mnt; echo "mount: $?"; grep Seccomp: /proc/self/status')
is "$out" "the shell works
mount: EPERM
mount: permission denied (are you root?)
mount: 1
Seccomp:	2" '["~@mount"]: mount(2) fails with EPERM, the shell works, Seccomp: 2'

# --- ["@system-service"] ---------------------------------------------------------
out=$(run_with '"syscallFilter": ["@system-service"]' \
	'echo the shell works; ls /etc >/dev/null && echo ls works; sct swapon; sct reboot; swapon /etc/passwd; reboot -f; echo "reboot: $?"')
is "$out" "the shell works
ls works
swapon: EPERM
reboot: EPERM
swapon: /etc/passwd: Operation not permitted
reboot: (null): Operation not permitted
reboot: 1" '["@system-service"]: a shell runs, swapon and reboot fail with EPERM'
# cachestat (451) is newer than systemd 252's table: ENOSYS, not EPERM
out=$(run_with '"syscallFilter": ["@system-service"]' 'sct nr 451; sct nr 1000; sct nr 169')
is "$out" "nr: ENOSYS
nr: ENOSYS
nr: EPERM" "allow list: calls outside @known get ENOSYS, known ones EPERM"
out=$(run_with '"syscallFilter": []' 'sct nr 451')
is "$out" "nr: EFAULT" "... while the kernel has cachestat (EFAULT without a filter)"

# --- ["~read"] -------------------------------------------------------------------
out=$(run_with '"syscallFilter": ["~read"]' 'echo started; wc -l /etc/passwd; echo "wc: $?"; cat /etc/hostname')
is "$out" "started
wc: /etc/passwd: Operation not permitted
0 /etc/passwd
wc: 1
$(cat "$RF/etc/hostname")" '["~read"]: the program starts, read(2) fails with EPERM (cat uses sendfile)'

# --- ["~mkdir:EACCES"], syscallErrno ---------------------------------------------
out=$(run_with '"syscallFilter": ["~mkdir:EACCES"]' 'sct mkdir; mkdir /tmp/x; sct rmdir /tmp')
is "$out" "mkdir: EACCES
mkdir: can't create directory '/tmp/x': Permission denied
rmdir: EBUSY" '["~mkdir:EACCES"]: mkdir gets EACCES, rmdir untouched'
out=$(run_with '"syscallFilter": ["~mkdir", "~rmdir:EXDEV"], "syscallErrno": "EROFS"' 'sct mkdir; sct rmdir /tmp')
is "$out" "mkdir: EROFS
rmdir: EXDEV" "syscallErrno sets the errno; an entry's own wins"
out=$(run_with '"syscallFilter": ["~@mount", "mount", "~mkdir"]' 'sct mount; sct mkdir')
is "$out" "mount: OK
mkdir: EPERM" "a later entry takes a call out of a deny list"

# --- the i386 ABI ------------------------------------------------------------------
out=$(run_with '"syscallFilter": ["~mkdir"]' 'sct mkdir32 /tmp/d; sct mkdir /tmp/d; sct getpid32; ls -d /tmp/d 2>&1')
is "$out" "mkdir32: EPERM
mkdir: EPERM
getpid32: OK
ls: /tmp/d: No such file or directory" "a call denied on x86-64 is denied through int \$0x80 too"
out=$(run_with '"syscallFilter": ["@system-service", "~mkdir"]' 'sct mkdir32 /tmp/d; sct getpid32')
is "$out" "mkdir32: EPERM
getpid32: OK" "... also in an allow list"

# --- OCI linux.seccomp ----------------------------------------------------------------
oci='"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
  "syscalls": [
   {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18},
   {"names": ["ioctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 71, "args": [{"index": 1, "value": 21531, "op": "SCMP_CMP_EQ"}]},
   {"names": ["ioctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 52, "args": [{"index": 1, "value": 1074025521, "op": "SCMP_CMP_GT"}]},
   {"names": ["prctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42, "args": [{"index": 0, "value": 3, "op": "SCMP_CMP_EQ"}]},
   {"names": ["rmdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_NE"}]}]}'
out=$(run_with "$oci" 'sct mkdir; sct mkdir32 /tmp/z; sct ioctl 0x541B; sct ioctl 0x541B 1; sct ioctl 0x5401; sct ioctl 0x5401 1; sct ioctl 0x40045432 2; sct ioctl 0x40045431 2; sct prctl 3; sct prctl 39; sct rmdir /tmp; grep Seccomp: /proc/self/status')
is "$out" "mkdir: EXDEV
mkdir32: EXDEV
ioctl: EPROTO
ioctl: EPROTO
ioctl: ENOTTY
ioctl: ENOTTY
ioctl: EBADE
ioctl: ENOTTY
prctl: ENOMSG
prctl: OK
rmdir: EPERM
Seccomp:	2" "OCI profile: errnoRet and args rules as written; ioctl's request on its low 32 bits"
out=$(run_with '"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}' \
	'sct getpid32; echo "status $?"')
is "$out" "Bad system call
status 159" "an architecture the profile does not list is killed (SIGSYS)"
out=$(run_with '"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_KILL_PROCESS"}]}' \
	'sct mkdir; echo "status $?"')
is "$out" "Bad system call
status 159" "SCMP_ACT_KILL_PROCESS"
out=$(run_with '"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["uname"], "action": "SCMP_ACT_KILL_PROCESS"}]}' \
	'echo not reached'); rc=$?
is "$rc:$out" "159:" "the container's process killed by SIGSYS: nsrun exits with 128+31"
out=$(run_with '"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"], "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_LOG"}, {"names": ["rmdir"], "action": "SCMP_ACT_TRACE", "errnoRet": 7}]}' \
	'sct mkdir; sct rmdir /tmp')
is "$out" "mkdir: OK
rmdir: ENOSYS" "flags; SCMP_ACT_LOG lets the call through; SCMP_ACT_TRACE without a tracer is ENOSYS"

# defaultAction ERRNO with defaultErrnoRet: an allow list of @system-service
# (the names on this machine's architectures, as nsrun's own filter lists them)
spec_with '"syscallFilter": ["@system-service"]' true
names=$("$NSRUN" plan --verbose "$TMP/s.json" |
	awk '$2 == "SCMP_ACT_ALLOW" && $1 != "mkdir" { printf "%s\"%s\"", n++ ? "," : "", $1 }')
out=$(run_with "\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 95, \"syscalls\": [{\"names\": [$names], \"action\": \"SCMP_ACT_ALLOW\"}, {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}]}" \
	'echo works; sct mount; sct mkdir')
is "$out" "works
mount: EOPNOTSUPP
mkdir: EPERM" "OCI allow list: defaultErrnoRet for the rest"

# --- both filters ---------------------------------------------------------------------
out=$(run_with '"syscallFilter": ["~rmdir:EROFS", "~mkdir:EACCES"], "seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "swapon"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}' \
	'sct mkdir; sct rmdir /tmp; sct swapon; grep Seccomp_filters: /proc/self/status')
is "$out" "mkdir: EACCES
rmdir: EROFS
swapon: EXDEV
Seccomp_filters:	2" "both filters are installed; between two errnos nsrun's (loaded last) wins"
spec_with '"syscallFilter": ["~mkdir"], "seccomp": {"defaultAction": "SCMP_ACT_ALLOW"}' true
like "$("$NSRUN" plan "$TMP/s.json")" 'seccomp +/linux/seccomp: .*
.*seccomp +/linux/syscallFilter: .*
.*exec ' "plan: OCI's filter first, then nsrun's, then exec"

# --- no_new_privs -----------------------------------------------------------------------
caps=', "capabilities": {"bounding": ["CAP_CHOWN"], "effective": ["CAP_CHOWN"], "permitted": ["CAP_CHOWN"]}'
out=$(run_with '"syscallFilter": ["~mkdir"]' 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; sct mkdir' "$caps")
is "$out" "NoNewPrivs:	1
Seccomp:	2
mkdir: EPERM" "without CAP_SYS_ADMIN the filter step sets no_new_privs first"
like "$("$NSRUN" plan "$TMP/s.json")" 'no_new_privs set first \(a filter needs it without CAP_SYS_ADMIN, as in systemd\)' \
	"... and the plan says so"
out=$(run_with '"syscallFilter": ["~mkdir"]' 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status')
is "$out" "NoNewPrivs:	0
Seccomp:	2" "with CAP_SYS_ADMIN no_new_privs stays off"

# --- SCMP_ACT_NOTIFY: a seccomp agent answers mkdir with ENOMEDIUM ------------------------
cat >"$TMP/agent.c" <<'EOF'
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* agent SOCKET OUT: take one connection, write the state and each
 * notification's syscall number to OUT, answer every one with ENOMEDIUM. */
int main(int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", argv[1]);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 1) < 0)
		return 1;
	FILE *out = fopen(argv[2], "w");
	printf("ready\n");
	fflush(stdout);
	int c = accept(s, NULL, NULL);
	char buf[65536] = "";
	union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr al; } u;
	struct iovec iov = { buf, sizeof(buf) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof(u.b) };
	ssize_t n = recvmsg(c, &mh, 0);
	int fd = -1;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (n <= 0 || !cm || cm->cmsg_type != SCM_RIGHTS)
		return 2;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	buf[n] = '\0';
	fprintf(out, "%s\n", buf);
	fflush(out);
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 20000) <= 0 || (p.revents & POLLHUP))
			break;
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;
		memset(&req, 0, sizeof(req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			break;
		fprintf(out, "notified nr=%d\n", req.data.nr);
		fflush(out);
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.error = -ENOMEDIUM;
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	return 0;
}
EOF
gcc -O2 -o "$TMP/agent" "$TMP/agent.c" || { echo "Bail out! cannot build the agent"; exit 1; }
sock=$TMP/agent.sock
coproc AGENT { "$TMP/agent" "$sock" "$TMP/agent.out"; }
agent_pid=$AGENT_PID
read -r line <&"${AGENT[0]}"
notify="\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$sock\", \"listenerMetadata\": \"hello agent\",
  \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
out=$(run_with "$notify" 'sct mkdir; sct rmdir /tmp')
is "$out" "mkdir: ENOMEDIUM
rmdir: EBUSY" "SCMP_ACT_NOTIFY: the agent answers mkdir"
wait "$agent_pid" 2>/dev/null
state=$(cat "$TMP/agent.out" 2>/dev/null)
like "$state" '^\{"ociVersion":"1\.2\.0","fds":\["seccompFd"\],"pid":[1-9][0-9]*,"metadata":"hello agent","state":\{"ociVersion":"1\.2\.0","id":"[^"]+","status":"creating","pid":[1-9][0-9]*,"bundle":"'"$TMP"'","annotations":\{\}\}\}' \
	"the agent gets the container process state with the listener"
like "$state" 'notified nr=83' "... and the notification for mkdir (83)"
out=$(run_with "$notify" 'echo should not run'); rc=$?
is "$rc" 125 "no agent listening: nsrun fails (125)"
like "$out" "step [0-9]+ seccomp: /linux/seccomp: connect to the seccomp agent at $sock: (ENOENT|ECONNREFUSED)" \
	"... and says why"
unlike "$out" 'should not run' "... before the program runs"

# --- OCI verbs: create/start; NOTIFY with create -----------------------------------------------------
B=$TMP/bundle
mkdir -p "$B"
bundle() { # bundle SECCOMP_OBJECT SCRIPT
	spec "$B/config.json" "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"$RF\"},
 \"process\": {\"cwd\": \"/\", \"args\": [\"sh\", \"-c\", \"$2\"], \"capabilities\": {\"bounding\": [\"CAP_SYS_ADMIN\"], \"effective\": [\"CAP_SYS_ADMIN\"], \"permitted\": [\"CAP_SYS_ADMIN\"]}},
 \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}],
 \"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"pid\"}], \"seccomp\": $1}}"
}
bundle '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}' \
	'sct mkdir >/verb.out; grep -E ^Seccomp: /proc/self/status >>/verb.out'
rm -f "$RF/verb.out"
"$NSRUN" --root "$TMP/state" create --bundle "$B" sc1 </dev/null >/dev/null 2>"$TMP/create.err"
ok $? "nsrun create with a seccomp profile"
"$NSRUN" --root "$TMP/state" start sc1 2>&1
for _ in $(seq 50); do [ -s "$RF/verb.out" ] && grep -q Seccomp "$RF/verb.out" && break; sleep 0.1; done
is "$(cat "$RF/verb.out" 2>/dev/null)" "mkdir: EXDEV
Seccomp:	2" "... the filter is in after nsrun start"
for _ in $(seq 50); do "$NSRUN" --root "$TMP/state" delete sc1 2>/dev/null && break; sleep 0.1; done
# SCMP_ACT_NOTIFY with create: the agent gets the listener before create
# returns (the filter loads before wait-start, as runc does)
sock=$TMP/agent2.sock
rm -f "$TMP/agent.out" "$RF/verb.out"
coproc AGENT2 { "$TMP/agent" "$sock" "$TMP/agent.out"; }
agent_pid=$AGENT2_PID
read -r line <&"${AGENT2[0]}"
bundle "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$sock\", \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}" \
	'sct mkdir >/verb.out'
"$NSRUN" --root "$TMP/state" create --bundle "$B" sc2-$$ </dev/null >/dev/null 2>"$TMP/create.err"
is "$?" 0 "nsrun create with SCMP_ACT_NOTIFY exits 0"
like "$(cat "$TMP/agent.out" 2>/dev/null)" '"state":\{"ociVersion":"1\.2\.0","id":"sc2-'$$'","status":"creating"' \
	"... and the agent has the listener and the state when create returned"
[ ! -e "$RF/verb.out" ]; ok $? "... the program has not run before start"
"$NSRUN" --root "$TMP/state" start sc2-$$; is "$?" 0 "nsrun start"
for _ in $(seq 50); do [ -s "$RF/verb.out" ] && break; sleep 0.05; done
is "$(cat "$RF/verb.out" 2>/dev/null)" "mkdir: ENOMEDIUM" "after start the agent answers the container's mkdir"
for _ in $(seq 50); do "$NSRUN" --root "$TMP/state" delete sc2-$$ 2>/dev/null && break; sleep 0.1; done
wait "$agent_pid" 2>/dev/null
like "$(cat "$TMP/agent.out")" 'notified nr=83' "... for mkdir (83)"

# --- bad input: clear errors with positions ------------------------------------------------
check() { # check LINUX_LINES WANT NAME
	spec "$TMP/bad.json" "{
  \"root\": {\"path\": \"$RF\"},
  \"process\": {\"args\": [\"true\"]},
  \"linux\": {
$1
  }
}"
	local got; got=$("$NSRUN" check "$TMP/bad.json" 2>&1); local rc=$?
	is "$rc:$got" "125:nsrun: $TMP/bad.json:$2" "$3"
}
check '    "syscallFilter": ["@system-service",
                      "@networking"]' \
	'6:23: /linux/syscallFilter/1: unknown system call group "@networking" (did you mean "@network-io"?); `nsrun analyze syscall-filter` lists them' \
	"unknown group"
check '    "syscallFilter": ["~mount", "~umount3"]' \
	'5:33: /linux/syscallFilter/1: unknown system call "umount3" (did you mean "umount"?)' "unknown syscall"
check '    "syscallFilter": ["~mount"],
    "syscallErrno": "EPERN"' \
	'6:21: /linux/syscallErrno: unknown errno "EPERN" (did you mean "EPERM"?): expected a name such as EPERM or a number from 1 to 4095' \
	"bad errno name"
check '    "seccomp": {"defaultAction": "SCMP_ACT_ALLOW",
      "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_EPERM"}]}' \
	'6:51: /linux/seccomp/syscalls/0/action: unknown action "SCMP_ACT_EPERM" (did you mean "SCMP_ACT_ERRNO"?), expected one of SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY' \
	"bad action"
check '    "seccomp": {"defaultAction": "SCMP_ACT_ALLOW",
      "syscalls": [{"names": ["mkdir", "mkdirat2"], "action": "SCMP_ACT_ERRNO"}]}' \
	'6:40: /linux/seccomp/syscalls/0/names/1: unknown system call "mkdirat2" (did you mean "mkdirat"?): libseccomp 2.5.4 does not know it for any architecture (runc and crun skip such names; nsrun refuses them so that no rule is dropped silently)' \
	"unknown syscall name in an OCI profile"
check '    "seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_AMD64"]}' \
	'5:70: /linux/seccomp/architectures/0: unknown architecture "SCMP_ARCH_AMD64" (did you mean "SCMP_ARCH_X86_64"?), expected one like "SCMP_ARCH_X86_64"' \
	"unknown architecture"
check '    "seccomp": {"defaultAction": "SCMP_ACT_ALLOW",
      "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_NEQ"}]}]}' \
	'6:108: /linux/seccomp/syscalls/0/args/0/op: unknown operator "SCMP_CMP_NEQ" (did you mean "SCMP_CMP_NE"?), expected one of SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ' \
	"unknown operator"

# --- the cache of compiled filters (/var/cache/nsrun/seccomp) ---------------
CACHE=/var/cache/nsrun/seccomp
minimal_spec "$TMP/cache.json" '["sh","-c","mkdir /tmp/x 2>&1; echo shell-ok"]' \
	'"linux": {"syscallFilter": ["@system-service", "~mkdir:EACCES", "~mkdirat:EACCES"], "syscallErrno": "EPERM"}'
before=$(ls "$CACHE" 2>/dev/null | wc -l)
out1=$("$NSRUN" "$TMP/cache.json" 2>&1)
after=$(ls "$CACHE" 2>/dev/null | wc -l)
ok $(( after > before || after > 0 ? 0 : 1 )) "a compiled filter is kept in $CACHE"
out2=$("$NSRUN" "$TMP/cache.json" 2>&1)
is "$out2" "$out1" "the cached filter behaves as the compiled one"
like "$out2" "Permission denied" "and still denies mkdir with EACCES"
[ "$(stat -c %a "$CACHE")" = 700 ]; ok $? "the cache directory is root's only (0700)"
# a cache file whose description does not match is never used
for f in "$CACHE"/*; do printf 'garbage' >>"$f"; done
out3=$(NSRUN_SECCOMP_CACHE=1 "$NSRUN" "$TMP/cache.json" 2>&1)
is "$out3" "$out1" "a damaged cache file is ignored (compiled again)"
out4=$(NSRUN_SECCOMP_CACHE=0 "$NSRUN" "$TMP/cache.json" 2>&1)
is "$out4" "$out1" "NSRUN_SECCOMP_CACHE=0 compiles without the cache"

is "$(grep -c "$TMP" /proc/self/mountinfo)" 0 "no mount of any container is left on the host"
done_testing
