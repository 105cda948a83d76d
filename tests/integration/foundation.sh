#!/bin/bash
# The foundation (issue 2): real containers on the busybox rootfs, each
# test checking the effect inside the container or on the host.
. "$(dirname "$0")/lib.sh"
need_root

run() { "$NSRUN" "$@"; }

# --- the examples, as users run them -------------------------------------
EX=$TMP/examples
mkdir -p "$EX"
cp "$NSRUN_SRC"/examples/*.json "$EX/"
ln -s "$ROOTFS" "$EX/busybox.link"
copy_rootfs "$EX/busybox"

out=$(cd "$EX" && run hello.json 2>&1); rc=$?
is "$rc" 0 "examples/hello.json exits 0"
like "$out" "^hostname: hello" "hello: hostname is the spec's"
like "$out" "pid: 1$(printf '\n')" "hello: the shell is PID 1"
like "$out" "proc /proc proc" "hello: prints its mounts"

out=$(cd "$EX" && run readonly.json 2>&1); rc=$?
is "$rc" 0 "examples/readonly.json exits 0"
like "$out" "touch: /etc/x: Read-only file system" "readonly: writing to / fails with EROFS"
like "$out" "^scratch$" "readonly: the tmpfs /tmp is writable"

out=$(cd "$EX" && run userns.json 2>&1); rc=$?
is "$rc" 0 "examples/userns.json exits 0"
like "$out" "0 +100000 +65536" "userns: /proc/self/uid_map shows the spec's mapping"
like "$out" "uid=0\(root\)" "userns: root inside"

out=$(cd "$EX" && script -qec "$NSRUN shell.json -- sh -c 'tty; echo TERM=\$TERM; stty -a | head -1'" /dev/null 2>&1)
like "$out" "/dev/pts/0" "shell: terminal true gives the container a pty of its own"
like "$out" "TERM=xterm" "shell: env from the spec"

# --- identity, processes, namespaces -------------------------------------
minimal_spec "$TMP/s.json" '["sh","-c","hostname; echo $$; ps -o comm | grep -cvxE \"COMMAND|sh|ps|grep|exe\"; ls /sys/class/net"]' \
	'"hostname": "box1", "linux": {"namespaces": [{"type":"mount"},{"type":"pid"},{"type":"uts"},{"type":"ipc"},{"type":"network"}]}'
out=$(run "$TMP/s.json" 2>&1)
lines=($out)
is "${lines[0]:-}" box1 "hostname is the spec's"
is "${lines[1]:-}" 1 "the process is PID 1"
is "${lines[2]:-}" 0 "ps sees only the container's processes (sh, ps, grep; busybox re-execs itself as exe)"
is "${lines[*]:3}" lo "a network namespace has only lo"

minimal_spec "$TMP/s.json" '["sh","-c","exit 42"]'
run "$TMP/s.json"; is "$?" 42 "exit 42 gives status 42"

minimal_spec "$TMP/s.json" '["sleep","30"]'
# PID 1 ignores signals it has no handler for; from the host SIGKILL always works
"$NSRUN" --pid-file "$TMP/pid" "$TMP/s.json" & npid=$!
for _ in $(seq 100); do [ -s "$TMP/pid" ] && break; sleep 0.05; done
kill -9 "$(cat "$TMP/pid")"
wait "$npid"; is "$?" 137 "kill -9 of the container's PID 1 gives 137"

# SIGTERM to nsrun reaches a process that traps it
minimal_spec "$TMP/s.json" '["sh","-c","trap \"echo got TERM; exit 7\" TERM; echo ready; while :; do sleep 0.1; done"]'
"$NSRUN" "$TMP/s.json" >"$TMP/out" 2>&1 & npid=$!
for _ in $(seq 100); do grep -q ready "$TMP/out" 2>/dev/null && break; sleep 0.05; done
kill -TERM "$npid"
wait "$npid"; rc=$?
is "$rc" 7 "SIGTERM sent to nsrun is forwarded; the trap's exit status comes back"
like "$(cat "$TMP/out")" "got TERM" "the container's trap ran"

# env, cwd, user
spec "$TMP/s.json" "{\"root\": {\"path\": \"$ROOTFS\"}, \"process\": {\"args\": [\"sh\",\"-c\",\"echo \$FOO; pwd; id -u; id -g; id -G\"],
  \"env\": [\"PATH=/bin\", \"FOO=bar baz\"], \"cwd\": \"/home/user\",
  \"user\": {\"uid\": 1000, \"gid\": 1000, \"additionalGids\": [5, 65534]}}}"
out=$(run "$TMP/s.json" 2>&1)
is "$out" "bar baz
/home/user
1000
1000
1000 5 65534" "env, cwd, uid, gid and additional gids are the spec's"

# a program not found / not executable
minimal_spec "$TMP/s.json" '["/no/such/program"]'
out=$(run "$TMP/s.json" 2>&1); rc=$?
is "$rc" 127 "a missing program gives 127"
like "$out" "exec /no/such/program: ENOENT" "and says which program"
minimal_spec "$TMP/s.json" '["/etc/passwd"]'
run "$TMP/s.json" 2>/dev/null; is "$?" 126 "a program that cannot be executed gives 126"

# --- mounts ----------------------------------------------------------------
before=$(host_mounts)
# a short spec's root has no CAP_SYS_ADMIN without a user namespace: give it
SA='"capabilities": {"bounding": ["CAP_SYS_ADMIN"], "effective": ["CAP_SYS_ADMIN"], "permitted": ["CAP_SYS_ADMIN"]}'
spec "$TMP/s.json" "{\"root\": {\"path\": \"$ROOTFS\"}, \"process\": {\"args\": [\"sh\",\"-c\",\"mount -t tmpfs inner /mnt && echo mounted\"], $SA}}"
out=$(run "$TMP/s.json" 2>&1)
is "$out" mounted "a mount inside the container works (with CAP_SYS_ADMIN given)"
is "$(host_mounts)" "$before" "and does not appear on the host"
minimal_spec "$TMP/s.json" '["sh","-c","mount -t tmpfs inner /mnt && echo mounted"]' '"privateUsers": "no"'
like "$(run "$TMP/s.json" 2>&1)" "permission denied" "a short spec with privateUsers \"no\": no mount (no CAP_SYS_ADMIN without a user namespace)"
minimal_spec "$TMP/s.json" '["sh","-c","mount -t tmpfs inner /mnt && echo mounted"]'
is "$(run "$TMP/s.json" 2>&1)" mounted "a short spec's defaults: a mount inside works (CAP_SYS_ADMIN in its private user range)"
is "$(host_mounts)" "$before" "and does not appear on the host either"

mkdir -p "$TMP/data"; echo "bound content" >"$TMP/data/file"
spec "$TMP/s.json" "{\"root\": {\"path\": \"$ROOTFS\"}, \"process\": {\"args\": [\"sh\",\"-c\",\"cat /data/file; echo x > /data/new 2>&1; grep ' /data ' /proc/self/mounts\"]},
  \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},
               {\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$TMP/data\", \"options\": [\"rbind\", \"ro\"]}]}"
out=$(run "$TMP/s.json" 2>&1)
like "$out" "^bound content" "a bind mount's content is visible"
like "$out" "Read-only file system" "a read-only bind mount refuses writes"
like "$out" " /data [a-z0-9]+ ro," "it shows as ro in the container's mount table"
[ ! -e "$TMP/data/new" ]; ok $? "nothing was written through it"

# a mount point that does not exist in the image is created inside the rootfs only
R=$TMP/rootfs-mkdir; copy_rootfs "$R"
spec "$TMP/s.json" "{\"root\": {\"path\": \"$R\"}, \"process\": {\"args\": [\"sh\",\"-c\",\"grep -c ' /new/deep/dir ' /proc/self/mounts\"]},
  \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},
               {\"destination\": \"/new/deep/dir\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]}"
is "$(run "$TMP/s.json" 2>&1)" 1 "a missing mount point is created and mounted"
[ -d "$R/new/deep/dir" ]; ok $? "it was created inside the rootfs"

# a failing mount at step N leaves the host's mount table as it was
before=$(host_mounts)
spec "$TMP/s.json" "{\"root\": {\"path\": \"$ROOTFS\"}, \"process\": {\"args\": [\"true\"]},
  \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},
               {\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"},
               {\"destination\": \"/mnt\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nr_blocks=banana\"]}]}"
out=$(run "$TMP/s.json" 2>&1); rc=$?
is "$rc" 125 "a failing mount makes nsrun exit 125"
like "$out" "step [0-9]+ mount /mnt: .*nr_blocks" "the error names the step, the mount and the option"
is "$(host_mounts)" "$before" "the host's mount table is unchanged after the failure"

# --- /dev -------------------------------------------------------------------
minimal_spec "$TMP/s.json" '["sh","-c","ls -l /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty | while read m l u g maj min rest; do echo $m $maj$min; done; readlink /dev/fd; readlink /dev/ptmx; echo hi > /dev/null && echo null-ok"]'
out=$(run "$TMP/s.json" 2>&1)
like "$out" "crw-rw-rw- 1,3" "/dev/null is the character device 1:3, mode 0666"
like "$out" "crw-rw-rw- 5,0" "/dev/tty is 5:0"
like "$out" "/proc/self/fd" "/dev/fd links to /proc/self/fd"
like "$out" "pts/ptmx" "/dev/ptmx links to pts/ptmx"
like "$out" "null-ok" "/dev/null is usable"

# nodes are made by mknod only as the host's root (privateUsers "no"; a
# private user range binds the host's node of the same path instead)
spec "$TMP/s.json" "{\"root\": {\"path\": \"$ROOTFS\"}, \"privateUsers\": \"no\", \"process\": {\"args\": [\"sh\",\"-c\",\"ls -l /dev/mydev | cut -c1-10; stat -c '%t:%T %u:%g' /dev/mydev\"]},
  \"linux\": {\"devices\": [{\"path\": \"/dev/mydev\", \"type\": \"c\", \"major\": 1, \"minor\": 7, \"fileMode\": 432, \"uid\": 1000, \"gid\": 1000}]}}"
out=$(run "$TMP/s.json" 2>&1)
like "$out" "crw-rw----" "linux.devices: the node has the spec's mode"
like "$out" "1:7 1000:1000" "linux.devices: the spec's numbers and owner"

# --- plan and check ---------------------------------------------------------
out=$(run plan "$EX/hello.json" 2>&1)
like "$out" "clone +new namespaces: user mount pid uts ipc" "plan shows the namespaces a minimal spec gets (a user namespace: privateUsers \"pick\")"
like "$out" "pivot-root" "plan shows pivot_root"
run check "$EX/hello.json"; is "$?" 0 "check accepts the example"
out=$(run plan --json "$EX/hello.json" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["steps"][-1]["kind"])' 2>&1)
is "$out" exec "plan --json is JSON and ends with exec"

# nsrun spec writes a config.json that runs as it is
mkdir -p "$TMP/bundle" && (cd "$TMP/bundle" && run spec) && copy_rootfs "$TMP/bundle/rootfs"
sed -i 's/"terminal": true/"terminal": false/' "$TMP/bundle/config.json"
out=$(run "$TMP/bundle/config.json" -- sh -c 'hostname; grep CapEff /proc/self/status' 2>&1)
like "$out" "^nsrun" "nsrun spec: the default config runs (hostname nsrun)"
like "$out" "CapEff:.0000000020000420" "nsrun spec: the default capabilities are runc's three"
(cd "$TMP/bundle" && run spec 2>/dev/null); is "$?" 125 "nsrun spec refuses to overwrite config.json"

done_testing
