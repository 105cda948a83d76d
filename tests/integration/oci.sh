#!/bin/bash
# The OCI runtime command line (issue 6): lifecycle, state, exec, console
# socket, pid file, preserved fds, and nothing left behind.
. "$(dirname "$0")/lib.sh"
need_root

ROOT=$TMP/state
B=$TMP/bundle
mkdir -p "$B" && (cd "$B" && "$NSRUN" spec) && copy_rootfs "$B/rootfs"
mkdir -p "$TMP/shared"
# the default config, without a terminal, with a bind mount the tests look through
/usr/bin/python3 - "$B/config.json" "$TMP/shared" <<'PY'
import json, sys
path, shared = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", "echo started > /shared/started; exec sleep 1000"]
c["mounts"].append({"destination": "/shared", "type": "bind", "source": shared, "options": ["rbind", "rw"]})
c["annotations"] = {"org.example.key": "value"}
json.dump(c, open(path, "w"), indent=1)
PY
n() { "$NSRUN" --root "$ROOT" "$@"; }
field() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# --- create / start / state / kill / delete --------------------------------
n create --bundle "$B" --pid-file "$TMP/c1.pid" c1; is "$?" 0 "create exits 0"
state=$(n state c1)
is "$(echo "$state" | field status)" created "state: created"
is "$(echo "$state" | field id)" c1 "state: id"
is "$(echo "$state" | field bundle)" "$B" "state: bundle is absolute"
is "$(echo "$state" | field ociVersion)" 1.2.0 "state: ociVersion"
like "$(echo "$state" | field annotations)" "org.example.key" "state: annotations"
pid=$(echo "$state" | field pid)
is "$(cat "$TMP/c1.pid")" "$pid" "--pid-file holds the container's host pid"
[ -d "/proc/$pid" ]; ok $? "the container's PID 1 exists after create"
[ ! -e "$TMP/shared/started" ]; ok $? "the program has not run before start"
n create --bundle "$B" c1 2>"$TMP/err"; rc=$?
ok $((rc == 0)) "a duplicate id is refused"
like "$(cat "$TMP/err")" 'container "c1" already exists' "with a clear message"
n start c1; is "$?" 0 "start exits 0"
for _ in $(seq 100); do [ -e "$TMP/shared/started" ] && break; sleep 0.02; done
[ -e "$TMP/shared/started" ]; ok $? "the program runs after start"
is "$(n state c1 | field status)" running "state: running"
n start c1 2>/dev/null; ok $(( $? == 0 )) "start of a running container fails"
n delete c1 2>"$TMP/err"; ok $(( $? == 0 )) "delete of a running container without --force fails"
like "$(cat "$TMP/err")" "running" "and says it is running"
out=$(n list --format json)
is "$(echo "$out" | /usr/bin/python3 -c 'import json,sys; l=json.load(sys.stdin); print(l[0]["id"], l[0]["status"])')" "c1 running" "list --format json"
like "$(n list --format table)" "^ID +PID +STATUS" "list --format table prints runc's table"
like "$(n list)" "^c1 +oci +[0-9]+ +running " "list shows it among the machines (kind oci)"
n kill c1 KILL; is "$?" 0 "kill KILL exits 0"
for _ in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.02; done
is "$(n state c1 | field status)" stopped "state: stopped after the process died"
n kill c1 TERM 2>/dev/null; ok $(( $? == 0 )) "kill of a stopped container fails"
n delete c1; is "$?" 0 "delete of a stopped container exits 0"
n state c1 2>/dev/null; ok $(( $? == 0 )) "state after delete fails"
[ -z "$(ls -A "$ROOT")" ]; ok $? "nothing is left under --root"
n delete --force c1; is "$?" 0 "delete --force of a missing container is not an error"

# delete --force kills a created container, and a running one
n create --bundle "$B" c2 && pid=$(n state c2 | field pid)
n delete --force c2; is "$?" 0 "delete --force of a created container"
[ -d "/proc/$pid" ] && grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null || [ ! -d "/proc/$pid" ]
ok $? "its process is gone"
n run -d --bundle "$B" c3; is "$?" 0 "run --detach exits 0"
pid=$(n state c3 | field pid)
is "$(n state c3 | field status)" running "run --detach: running"
n delete -f c3; is "$?" 0 "delete --force of a running container"
for _ in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.02; done
[ ! -d "/proc/$pid" ]; ok $? "its process is gone"

# bad ids
n create --bundle "$B" "../evil" 2>"$TMP/err"; ok $(( $? == 0 )) "an id with / is refused"
like "$(cat "$TMP/err")" "invalid container id" "with a clear message"
n create --bundle "$B" ".hidden" 2>/dev/null; ok $(( $? == 0 )) "an id starting with . is refused"
[ ! -e "$TMP/evil" ]; ok $? "nothing was made outside --root"

# --- run in the foreground: the exit status ----------------------------------
/usr/bin/python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["process"]["args"] = ["sh", "-c", "exit 23"]
json.dump(c, open(sys.argv[1], "w"))
PY
n run --bundle "$B" c4; is "$?" 23 "run: the container's exit status is nsrun's"
n state c4 2>/dev/null; ok $(( $? == 0 )) "run removes the container when it ends"

# --- exec ---------------------------------------------------------------------
/usr/bin/python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["process"]["args"] = ["sleep", "1000"]
c["process"]["capabilities"]["inheritable"] = ["CAP_KILL"]
json.dump(c, open(sys.argv[1], "w"))
PY
n run -d --bundle "$B" c5
out=$(n exec c5 sh -c 'hostname; ps -o pid,comm | grep -c sleep; grep CapInh /proc/self/status; cat /proc/1/cmdline | tr "\0" " "')
like "$out" "^nsrun" "exec: the container's hostname (uts namespace)"
like "$out" "CapInh:.0000000000000000" "exec: never any inheritable capabilities"
like "$out" "sleep 1000" "exec: sees the container's PID 1 (pid namespace)"
n exec c5 sh -c 'exit 9'; is "$?" 9 "exec: the process's exit status"
n exec --user 1000:1000 --cwd /tmp --env A=b c5 sh -c 'echo $(id -u):$(id -g) $(pwd) $A' >"$TMP/out"
is "$(cat "$TMP/out")" "1000:1000 /tmp b" "exec --user --cwd --env"
cat >"$TMP/proc.json" <<'JSON'
{"args": ["sh", "-c", "echo from process.json $X"], "env": ["PATH=/bin", "X=y"], "cwd": "/"}
JSON
is "$(n exec --process "$TMP/proc.json" c5)" "from process.json y" "exec --process FILE"
n exec -d --pid-file "$TMP/e.pid" c5 sleep 5; is "$?" 0 "exec --detach"
[ -s "$TMP/e.pid" ] && [ -d "/proc/$(cat "$TMP/e.pid")" ]; ok $? "exec --detach --pid-file: the process runs"
like "$(n ps c5)" "sleep" "ps lists the container's processes"
is "$(n ps --format json c5 | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)) >= 2)')" True "ps --format json"
# a process names itself with escape sequences (a title, clear screen):
# ps shows them escaped, never raw on the caller's terminal
n exec -d c5 sh -c 'printf "\033]0;pwned\007\033[2J" > /proc/self/comm; echo named > /tmp/named; while :; do sleep 1; done'
for _ in $(seq 100); do n exec c5 test -e /tmp/named && break; sleep 0.02; done
out=$(n ps c5)
printf '%s' "$out" | grep -q $'\x1b'; ok $(( $? == 0 )) "ps prints no raw ESC byte"
printf '%s' "$out" | grep -q $'\x07'; ok $(( $? == 0 )) "ps prints no raw BEL byte"
like "$out" '[0-9]+ +\\x1b\]0;pwned\\x07\\x1b\[2J$' "ps shows the name escaped (\\x1b...)"
n exec c5 /no/such 2>/dev/null; is "$?" 127 "exec of a missing program gives 127"
n state $'bad\x1b[2J' 2>"$TMP/err"
grep -q $'\x1b' "$TMP/err"; ok $(( $? == 0 )) "error messages carry no raw ESC byte either"
like "$(cat "$TMP/err")" 'bad\\x1b\[2J' "but show it escaped"
n delete -f c5

# --- console socket ----------------------------------------------------------
/usr/bin/python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["process"]["terminal"] = True
c["process"]["args"] = ["sh", "-c", "tty; stty size; sleep 2"]
c["process"]["consoleSize"] = {"height": 33, "width": 77}
json.dump(c, open(sys.argv[1], "w"))
PY
cat >"$TMP/recv.py" <<'PY'
import array, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
open(sys.argv[2], "w").close()
c, _ = s.accept()
msg, fds, flags, addr = socket.recv_fds(c, 1024, 1)
fd = fds[0]
out = b""
import select
while True:
    r, _, _ = select.select([fd], [], [], 5)
    if not r: break
    try: data = os.read(fd, 1024)
    except OSError: break
    if not data: break
    out += data
sys.stdout.write(out.decode(errors="replace"))
PY
/usr/bin/python3 "$TMP/recv.py" "$TMP/console.sock" "$TMP/ready" >"$TMP/console.out" & rpid=$!
for _ in $(seq 100); do [ -e "$TMP/ready" ] && break; sleep 0.02; done
n create --bundle "$B" --console-socket "$TMP/console.sock" c6; is "$?" 0 "create with --console-socket"
n start c6
wait "$rpid"
like "$(cat "$TMP/console.out")" "/dev/pts/0" "the pty master arrives on the console socket"
like "$(cat "$TMP/console.out")" "33 77" "the pty has consoleSize"
n delete -f c6
n create --bundle "$B" c7 2>"$TMP/err"; ok $(( $? == 0 )) "terminal: true without --console-socket is refused"
like "$(cat "$TMP/err")" "console-socket" "and says why"

# --- preserved fds ---------------------------------------------------------------
/usr/bin/python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["process"]["terminal"] = False; del c["process"]["consoleSize"]
c["process"]["args"] = ["sh", "-c", "cat <&3; if (: <&4) 2>/dev/null; then echo fd4 open; else echo fd4 closed; fi"]
json.dump(c, open(sys.argv[1], "w"))
PY
echo "through fd 3" >"$TMP/fd3"
out=$(n run --bundle "$B" --preserve-fds 1 c8 3<"$TMP/fd3" 4<"$TMP/fd3")
like "$out" "through fd 3" "--preserve-fds 1 passes fd 3"
like "$out" "^fd4 closed$" "and closes everything else (fd 4 leaked by the caller)"

# --- rootfsPropagation rshared: Kubernetes' Bidirectional mounts (containerd) ---
# A host directory made a shared mount, bound in with "rshared": mounts made
# on either side below it show on the other.
P=$TMP/prop
mkdir -p "$P/src"
mount --bind "$P/src" "$P/src" && mount --make-shared "$P/src"
mounts_before=$(host_mounts)
/usr/bin/python3 - "$B/config.json" "$P/src" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["process"]["args"] = ["sleep", "1000"]
c["linux"]["rootfsPropagation"] = "rshared"
c["mounts"].append({"destination": "/prop", "type": "bind", "source": sys.argv[2], "options": ["rbind", "rshared"]})
for k in ("bounding", "effective", "permitted"):
    c["process"]["capabilities"][k].append("CAP_SYS_ADMIN")
json.dump(c, open(sys.argv[1], "w"))
PY
n run -d --bundle "$B" "prop-$$" 2>"$TMP/err"; is "$?" 0 "rootfsPropagation rshared: the container starts (no pivot_root EINVAL)"
unlike "$(cat "$TMP/err")" "pivot_root" "rootfsPropagation rshared: no pivot_root error"
like "$(n exec "prop-$$" awk '$5 == "/" { print $7 }' /proc/self/mountinfo)" "^shared:[0-9]+" \
	"rootfsPropagation rshared: the container's / is shared (mountinfo inside)"
mkdir -p "$P/src/fromhost" && mount -t tmpfs fromhost "$P/src/fromhost"
like "$(n exec "prop-$$" awk '$5 == "/prop/fromhost" { sub(/.* - /, ""); print $1 }' /proc/self/mountinfo)" "^tmpfs$" \
	"rootfsPropagation rshared: a mount the host makes below the shared source shows inside"
n exec "prop-$$" sh -c 'mkdir -p /prop/fromcontainer && mount -t tmpfs fromcontainer /prop/fromcontainer'
like "$(awk -v m="$P/src/fromcontainer" '$5 == m { sub(/.* - /, ""); print $1 }' /proc/self/mountinfo)" "^tmpfs$" \
	"rootfsPropagation rshared: a mount the container makes there shows on the host (Bidirectional)"
n delete -f "prop-$$"
umount "$P/src/fromcontainer" "$P/src/fromhost"
is "$(host_mounts)" "$mounts_before" "rootfsPropagation rshared: the host's mounts are as before (detaching the old root did not propagate)"
umount -R "$P/src"

# --- hostname with a uts namespace joined by path (podman's and CRI-O's pods) ---
# set in the joined namespace, as runc does; refused in the host's own
unshare -u sleep 1000 & upid=$!
for _ in $(seq 100); do [ "$(readlink /proc/$upid/ns/uts)" != "$(readlink /proc/self/ns/uts)" ] && break; sleep 0.02; done
host_name=$(hostname)
uts_config() { # uts_config PATH
	/usr/bin/python3 - "$B/config.json" "$1" "$$" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["process"]["args"] = ["hostname"]
c["linux"]["rootfsPropagation"] = "rslave"
c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/prop"]
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "uts"] + [{"type": "uts", "path": sys.argv[2]}]
c["hostname"] = "pod-" + sys.argv[3]
json.dump(c, open(sys.argv[1], "w"))
PY
}
uts_config "/proc/$upid/ns/uts"
is "$(n run --bundle "$B" "uts-$$" 2>&1)" "pod-$$" "hostname with a joined uts namespace: the container has it"
is "$(nsenter -t "$upid" -u hostname)" "pod-$$" "it was set in the joined namespace (seen from its holder)"
is "$(hostname)" "$host_name" "the host's hostname is unchanged"
kill "$upid"; wait "$upid" 2>/dev/null
for path in /proc/1/ns/uts /proc/self/ns/uts; do
	uts_config "$path"
	n run --bundle "$B" "uts-$$" >"$TMP/out" 2>&1; rc=$?
	is "$rc" 125 "hostname with the host's uts namespace ($path) is refused"
	if [ "$path" = /proc/1/ns/uts ] && ! readlink /proc/1/ns/uts >/dev/null 2>&1; then
		# PID 1 of this machine may not be inspected, by nsrun neither
		like "$(cat "$TMP/out")" "open /proc/1/ns/uts: EACCES" "refused, PID 1's namespace cannot be opened here"
	else
		like "$(cat "$TMP/out")" "/hostname, /domainname: $path is the host's own uts namespace" \
			"with a message that says why ($path)"
	fi
	is "$(hostname)" "$host_name" "the host's hostname is unchanged ($path)"
done

# --- filesystem options on a bind mount: a warning, as mount(2) ignores them --
mkdir -p "$TMP/bdata" && echo "bound" >"$TMP/bdata/file"
/usr/bin/python3 - "$B/config.json" "$TMP/bdata" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["process"]["args"] = ["sh", "-c", "cat /bdata/file; stat -c %a /bdata"]
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "uts"] + [{"type": "uts"}]
c["mounts"].append({"destination": "/bdata", "type": "bind", "source": sys.argv[2], "options": ["bind", "mode=755", "size=1k"]})
json.dump(c, open(sys.argv[1], "w"))
PY
chmod 711 "$TMP/bdata"
n run --bundle "$B" "bdata-$$" >"$TMP/out" 2>"$TMP/err"; rc=$?
is "$rc" 0 "a bind mount with filesystem options (mode=755, size=1k) runs"
is "$(cat "$TMP/out")" "bound
711" "it is the bind mount of the host directory (its mode unchanged by mode=755)"
like "$(cat "$TMP/err")" 'warning: /mounts/[0-9]+/options: "mode=755,size=1k" has no meaning for a bind mount; ignored' \
	"and a warning names the options"

# --- apparmorProfile on a host without AppArmor: refused, unless optional -----
# (Docker writes "docker-default", podman "containers-default-...")
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
	/usr/bin/python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["process"]["args"] = ["echo", "ran"]
c["process"]["apparmorProfile"] = "docker-default"
c["annotations"] = {"org.example.key": "value"}
json.dump(c, open(sys.argv[1], "w"))
PY
	n create --bundle "$B" "aa-$$" >"$TMP/out" 2>"$TMP/err"; rc=$?
	is "$rc" 125 "apparmorProfile without AppArmor on the host: create is refused"
	like "$(cat "$TMP/err")" '/process/apparmorProfile "docker-default": AppArmor is not enabled on this host, and the container would run unconfined; refused \(the annotation "run.nsrun.apparmor": "optional" runs it without the profile\)' \
		"with a message that says why and how to opt out"
	n state "aa-$$" >/dev/null 2>&1; ok $(( $? == 0 )) "no container was made"
	n run --bundle "$B" "aa-$$" >"$TMP/out" 2>&1; is "$?" 125 "apparmorProfile without AppArmor: run is refused too"
	unlike "$(cat "$TMP/out")" "^ran" "the program never ran"
	/usr/bin/python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["annotations"]["run.nsrun.apparmor"] = "optional"
json.dump(c, open(sys.argv[1], "w"))
PY
	n run --bundle "$B" "aa-$$" >"$TMP/out" 2>"$TMP/err"; rc=$?
	is "$rc" 0 "with the annotation run.nsrun.apparmor=optional it runs"
	like "$(cat "$TMP/out")" "^ran" "the program ran"
	like "$(cat "$TMP/err")" 'warning: .*/process/apparmorProfile "docker-default" is not applied: AppArmor is not enabled on this host' \
		"and a warning says the profile is not applied"
else
	ok 0 "# SKIP AppArmor is enabled on this host"
fi

# --- a failure after create returned is reported escaped too ----------------
/usr/bin/python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["process"]["args"] = ["/no/\u001b[2Jsuch"]
json.dump(c, open(sys.argv[1], "w"))
PY
n create --bundle "$B" "late-$$" 2>"$TMP/late.err"; is "$?" 0 "create of a program that does not exist"
n start "late-$$"
for _ in $(seq 100); do [ -s "$TMP/late.err" ] && break; sleep 0.02; done
like "$(cat "$TMP/late.err")" 'exec.*/no/\\x1b\[2Jsuch' "the late failure names the program, escaped"
grep -q $'\x1b' "$TMP/late.err"; ok $(( $? == 0 )) "no raw ESC byte in it"
n delete -f "late-$$"
# --- configs as engines write them (issue 16) -----------------------------------
# a bundle of their own: runc spec's config (terminal off), its own rootfs
B=$TMP/bundle-engines
mkdir -p "$B" && (cd "$B" && "$NSRUN" spec) && copy_rootfs "$B/rootfs"
/usr/bin/python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["process"]["terminal"] = False
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
# edit PYTHON: change the bundle's config (c) with a Python statement
edit() { /usr/bin/python3 -c 'import json, sys
c = json.load(open(sys.argv[1])); exec(sys.argv[2]); json.dump(c, open(sys.argv[1], "w"))' "$B/config.json" "$1"; }
mkdir -p "$B/rootfs/t"
gcc -static -O2 -o "$B/rootfs/t/suid" "$NSRUN_SRC/tests/helpers/selfstatus.c" && chmod 4755 "$B/rootfs/t/suid"
# Docker's, podman's and containerd's defaults: a seccomp profile,
# noNewPrivileges false, no CAP_SYS_ADMIN: no_new_privs stays off
edit 'c["process"]["noNewPrivileges"] = False; c["process"]["user"] = {"uid": 1000, "gid": 1000}
c["process"]["args"] = ["sh", "-c", "grep -E \"^(NoNewPrivs|Seccomp):\" /proc/self/status; /t/suid | grep euid; mkdir /tmp/d"]
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_AARCH64"],
  "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
out=$(n run --bundle "$B" nnp-$$ 2>&1)
like "$out" "NoNewPrivs:.0" "seccomp without noNewPrivileges nor CAP_SYS_ADMIN: NoNewPrivs is 0"
like "$out" "Seccomp:.2" "the filter is loaded"
like "$out" "Permission denied" "and denies mkdir with its errno (EACCES)"
like "$out" "^euid: 0$" "a setuid-root program in the container gets euid 0"
like "$("$NSRUN" plan "$B/config.json")" "loaded before the final capabilities" "nsrun plan says when the filter is loaded"
edit 'c["process"]["noNewPrivileges"] = True'
out=$(n run --bundle "$B" nnp-$$ 2>&1)
like "$out" "NoNewPrivs:.1" "noNewPrivileges true: NoNewPrivs is 1"
like "$out" "^euid: 1000$" "and the setuid bit does nothing"
edit 'del c["linux"]["seccomp"]; c["process"]["noNewPrivileges"] = False; c["process"]["user"] = {"uid": 0, "gid": 0}'

# A user namespace with create/start: the container's root is host uid
# 100000, which must reach the exec fifo; errors after create are kept
edit 'c["process"]["args"] = ["sh", "-c", "cat /proc/self/uid_map > /dev/null; exec sleep 1000"]
c["linux"]["namespaces"].append({"type": "user"})
c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/shared"]  # $TMP is 0700
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
n create --bundle "$B" userns-$$; is "$?" 0 "userns: create exits 0"
is "$(n state userns-$$ | field status)" created "userns: state says created"
n start userns-$$; is "$?" 0 "userns: start exits 0"
is "$(n state userns-$$ | field status)" running "userns: state says running"
pid=$(n state userns-$$ | field pid)
like "$(cat /proc/$pid/uid_map 2>&1)" "^ +0 +100000 +65536$" "userns: PID 1 has the mapping"
is "$(stat -c %u "/proc/$pid")" 100000 "userns: PID 1 runs as host uid 100000"
is "$(n exec userns-$$ id -u)" 0 "userns: exec joins the user namespace as root"
n delete -f userns-$$; is "$?" 0 "userns: delete"
[ ! -d "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status"; ok $? "userns: its process is gone"
edit 'c["process"]["args"] = ["/no/such/program"]'
n create --bundle "$B" late-$$; n start late-$$; is "$?" 0 "a program that is missing: create and start exit 0"
for _ in $(seq 100); do [ "$(n state late-$$ 2>/dev/null | field status 2>/dev/null)" = stopped ] && break; sleep 0.02; done
n state late-$$ >/dev/null 2>"$TMP/err"; is "$?" 0 "state of the failed container exits 0"
like "$(cat "$TMP/err")" 'failed after create: step [0-9]+ exec: exec /no/such/program: ENOENT' "state says what went wrong after create returned"
n delete late-$$
edit 'c["linux"]["namespaces"] = [x for x in c["linux"]["namespaces"] if x["type"] != "user"]
del c["linux"]["uidMappings"], c["linux"]["gidMappings"]'
# a non-root user (no user namespace) reaches the fifo too
edit 'c["process"]["user"] = {"uid": 1000, "gid": 1000}; c["process"]["args"] = ["sleep", "1000"]'
n create --bundle "$B" uid-$$ && n start uid-$$; is "$?" 0 "create/start with process.user 1000"
is "$(n state uid-$$ | field status)" running "uid 1000: running after start"
n delete -f uid-$$
edit 'c["process"]["user"] = {"uid": 0, "gid": 0}'

# events: the cgroup statistics in runc's JSON form (containerd, tools)
edit 'c["process"]["args"] = ["sleep", "1000"]
c["linux"].setdefault("resources", {}).update({"memory": {"limit": 67108864}, "pids": {"limit": 50}})'
n run -d --bundle "$B" ev-$$
stats=$(n events --stats ev-$$); is "$?" 0 "events --stats exits 0"
is "$(echo "$stats" | /usr/bin/python3 -c 'import json, sys
e = json.load(sys.stdin); d = e["data"]
print(e["type"], e["id"] == sys.argv[1], d["memory"]["usage"]["limit"], d["memory"]["usage"]["usage"] > 0,
      d["pids"]["current"], d["pids"]["limit"], d["cpu"]["usage"]["total"] > 0, type(d["memory"]["raw"]).__name__)' ev-$$)" \
	"stats True 67108864 True 1 50 True dict" "events --stats: type, id, memory limit and usage, pids, cpu usage, raw memory.stat"
# blkio: the disk under the bundle, with a write throttle (high) on it, is
# listed by major:minor and operation (this host's kernel counts no bytes
# in v1's throttle files, even for O_DIRECT: the values are not asserted);
# hugetlb: an entry per page size of the host (no huge pages used: 0)
n delete -f ev-$$
DEV=$(stat -c '%Hd:%Ld' "$B/rootfs")
[ -e "/sys/dev/block/$DEV/partition" ] && DEV=$(cat "/sys/dev/block/$DEV/../dev")
edit 'c["process"]["args"] = ["sleep", "1000"]
c["linux"]["resources"]["blockIO"] = {"throttleWriteBpsDevice": [{"major": '"${DEV%:*}"', "minor": '"${DEV#*:}"', "rate": 1099511627776}]}'
n run -d --bundle "$B" ev-$$
stats=$(n events --stats ev-$$)
SIZES=$(ls /sys/kernel/mm/hugepages | sed -n 's/^hugepages-\([0-9]*\)kB$/\1/p' | sort -n | awk '{ s = $1 >= 1048576 ? $1 / 1048576 "GB" : $1 / 1024 "MB"; printf "%s%s", (NR > 1 ? " " : ""), s }')
is "$(echo "$stats" | /usr/bin/python3 -c 'import json, sys
d = json.load(sys.stdin)["data"]["blkio"]
for k in ("ioServiceBytesRecursive", "ioServicedRecursive"):
    print(k, sorted("%d:%d %s %s" % (x["major"], x["minor"], x["op"], type(x["value"]).__name__) for x in d[k] if x["op"] in ("Read", "Write")))' | tr -d "[]',")" \
	"ioServiceBytesRecursive $DEV Read int $DEV Write int
ioServicedRecursive $DEV Read int $DEV Write int" "events --stats: blkio lists the throttled disk $DEV by operation, in bytes and in I/Os"
is "$(echo "$stats" | /usr/bin/python3 -c 'import json, sys
h = json.load(sys.stdin)["data"]["hugetlb"]
def key(s): return float(s[:-2]) * (1024 if s.endswith("GB") else 1)
print(" ".join(sorted(h, key=key)), all(v == {"usage": 0, "max": 0, "failcnt": 0} for v in h.values()))')" \
	"$SIZES True" "events --stats: hugetlb has each page size of the host ($SIZES), usage 0"
n events --interval 0.1 ev-$$ >"$TMP/events.out" & epid=$!
for _ in $(seq 100); do [ "$(wc -l <"$TMP/events.out")" -ge 2 ] && break; sleep 0.05; done
[ "$(wc -l <"$TMP/events.out")" -ge 2 ]; ok $? "events --interval: one statistics line each interval"
n kill ev-$$ KILL
for _ in $(seq 100); do kill -0 $epid 2>/dev/null || break; sleep 0.05; done
kill -0 $epid 2>/dev/null; ok $(( $? == 0 )) "events ends when the container stops"
kill $epid 2>/dev/null; wait $epid 2>/dev/null
n events --stats ev-$$ 2>"$TMP/err"; ok $(( $? == 0 )) "events --stats of a stopped container fails"
like "$(cat "$TMP/err")" 'container "ev-[0-9]+" is not running' "and says why"
n delete ev-$$
# an OOM kill in the container's cgroup becomes {"type":"oom"}
edit 'c["linux"]["resources"]["memory"] = {"limit": 16777216, "swap": 16777216}
c["process"]["args"] = ["sleep", "1000"]'
n run -d --bundle "$B" oom-$$ 2>/dev/null
n events --interval 0.1 oom-$$ >"$TMP/events.out" & epid=$!
for _ in $(seq 100); do [ -s "$TMP/events.out" ] && break; sleep 0.05; done
n exec oom-$$ sh -c 'x=$(head -c 200000000 /dev/zero | tr "\0" a)' 2>/dev/null
for _ in $(seq 100); do grep -q '"type":"oom"' "$TMP/events.out" && break; sleep 0.05; done
like "$(grep -v '"type":"stats"' "$TMP/events.out")" '^\{"type":"oom","id":"oom-[0-9]+"\}$' "events: an OOM kill in the container is an oom event"
n delete -f oom-$$; kill $epid 2>/dev/null; wait $epid 2>/dev/null
edit 'del c["linux"]["resources"]["memory"], c["linux"]["resources"]["pids"]'

# --- global options ------------------------------------------------------------
"$NSRUN" --root "$ROOT" --log "$TMP/log.json" --log-format json state nope 2>/dev/null
like "$(cat "$TMP/log.json")" '"level":"error","msg":"container \\"nope\\" does not exist"' "--log --log-format json writes the error as JSON"
[ -z "$(ls -A "$ROOT")" ]; ok $? "nothing is left under --root at the end"

done_testing
