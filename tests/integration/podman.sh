#!/bin/bash
# nsrun driven by a real engine (issue 6): podman from Debian, with
# --runtime pointing at nsrun, on an image imported from the busybox rootfs.
. "$(dirname "$0")/lib.sh"
need_root
command -v podman >/dev/null || skip_all "podman is not installed (tests/deps.sh installs it)"

# This host forbids raising hard rlimits: podman's defaults would, so the
# test's containers.conf sets them (nsrun refuses such specs, as it should).
export CONTAINERS_CONF=$TMP/containers.conf
cat >"$CONTAINERS_CONF" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
IMG=localhost/nsrun-test-busybox:t$$
tar -C "$ROOTFS" -c . | podman import -q - "$IMG" >/dev/null || { echo "Bail out! podman import failed"; exit 1; }
P() { podman --runtime "$NSRUN" "$@"; }
cleanup() { podman rm -f nsrun-t1-$$ >/dev/null 2>&1; podman rmi -f "$IMG" >/dev/null 2>&1; rm -rf "$TMP"; }
trap cleanup EXIT

out=$(P run --rm "$IMG" sh -c 'echo hello from podman; echo pid $$' 2>&1)
like "$out" "hello from podman" "podman run --rm"
like "$out" "pid 1" "the command is the container's PID 1"
P run --rm "$IMG" sh -c 'exit 7' 2>/dev/null; is "$?" 7 "podman run: the exit status comes back"

P run -d --name nsrun-t1-$$ "$IMG" sleep 1000 >/dev/null; is "$?" 0 "podman run -d"
is "$(P inspect -f '{{.State.Status}}' nsrun-t1-$$)" running "podman inspect: running"
out=$(P exec nsrun-t1-$$ sh -c 'echo exec works; grep CapInh /proc/self/status; ps -o comm | grep -c sleep' 2>&1)
like "$out" "exec works" "podman exec"
like "$out" "CapInh:.0000000000000000" "podman exec: no inheritable capabilities"
like "$out" "^1$" "podman exec: sees the container's sleep"
like "$(P top nsrun-t1-$$ 2>&1)" "sleep" "podman top"
P stop -t 1 nsrun-t1-$$ >/dev/null 2>&1; is "$?" 0 "podman stop"
is "$(P inspect -f '{{.State.Status}}' nsrun-t1-$$)" exited "podman inspect: exited"
P rm nsrun-t1-$$ >/dev/null; is "$?" 0 "podman rm"

# A program that ends at once can lose its last pty output when conmon has
# not read it before the slave side closes (seen 1 run in 5 here, a race
# between conmon and the kernel's pty buffer): the sleep keeps it open.
out=$(script -qec "podman --runtime $NSRUN run --rm -it $IMG sh -c 'tty; echo TERM=\$TERM; sleep 0.5'" /dev/null </dev/null 2>&1)
like "$out" "/dev/pts/0" "podman run -it: a pty through the console socket"

out=$(P run --rm --memory 64m --pids-limit 50 "$IMG" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max' 2>&1)
like "$out" "^67108864$" "podman --memory: the memory cgroup limit"
like "$out" "^50$" "podman --pids-limit: the pids cgroup limit"

out=$(P run --rm --cap-drop all --cap-add CAP_KILL "$IMG" grep CapEff /proc/self/status 2>&1)
like "$out" "CapEff:.0000000000000020" "podman --cap-drop all --cap-add KILL"

out=$(P run --rm --read-only "$IMG" sh -c 'touch /x 2>&1; touch /tmp/y && echo tmp-writable' 2>&1)
like "$out" "Read-only file system" "podman --read-only: / refuses writes"
like "$out" "tmp-writable" "podman --read-only: /tmp is a writable tmpfs (tmpcopyup)"

cat >"$TMP/seccomp.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
JSON
out=$(P run --rm --security-opt seccomp="$TMP/seccomp.json" "$IMG" sh -c 'mkdir /tmp/d 2>&1; grep Seccomp: /proc/self/status' 2>&1)
like "$out" "Permission denied" "podman --security-opt seccomp=FILE: the profile's errno"
like "$out" "Seccomp:.2" "the filter is in"

out=$(P run --rm "$IMG" sh -c 'mount -t tmpfs x /mnt 2>&1; grep Seccomp: /proc/self/status' 2>&1)
like "$out" "Seccomp:.2" "podman's default seccomp profile loads"

podman rmi -f "$IMG" >/dev/null 2>&1
done_testing
