#!/bin/bash
# nsrun as containerd's runc (issue 16): a private containerd daemon (its
# own root, state and socket in a temporary directory, the CRI plugin off),
# an OCI image built here from the busybox tree, and nsrun given to the
# runc shim with --runc-binary.  The test runs in a private mount namespace
# with an empty /run, so /run/containerd does not exist, as on a host where
# containerd never ran: the shim's `--root /run/containerd/runc/default`
# has no parents.
if [ "$(id -u)" = 0 ] && [ -z "${NSRUN_CTD_PRIVATE:-}" ] && command -v containerd >/dev/null; then
	NSRUN_CTD_PRIVATE=1 exec unshare -m --propagation private "$BASH" "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
need_root
command -v containerd >/dev/null && command -v ctr >/dev/null ||
	skip_all "containerd is not installed (tests/deps.sh installs it)"
mount -t tmpfs -o mode=0755 nsrun-ctd-run /run || { echo "Bail out! cannot mount a tmpfs on /run"; exit 1; }

D=/var/tmp/nsrun-ctd-$$      # containerd's root: overlayfs snapshots want a real filesystem
mkdir -p "$D/root" "$D/state"
SOCK=$D/state/containerd.sock
CG=nsrun-ctd-$$              # the parent cgroup of this test's containers
cat >"$D/config.toml" <<TOML
version = 2
root = "$D/root"
state = "$D/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = "$D/state/debug.sock"
TOML
containerd --config "$D/config.toml" >"$D/containerd.log" 2>&1 &
CTD_PID=$!
C() { ctr --address "$SOCK" "$@"; }
cleanup() {
	[ -n "$CTD_PID" ] && for t in $(C task ls -q 2>/dev/null); do C task kill -s KILL "$t" >/dev/null 2>&1; C task delete -f "$t" >/dev/null 2>&1; done
	[ -n "$CTD_PID" ] && for c in $(C container ls -q 2>/dev/null); do C container delete "$c" >/dev/null 2>&1; done
	[ -n "$CTD_PID" ] && kill "$CTD_PID" 2>/dev/null && wait "$CTD_PID" 2>/dev/null
	for m in $(awk -v d="$D" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do umount -l "$m"; done
	for h in /sys/fs/cgroup/*/; do [ -d "$h$CG" ] && find "$h$CG" -depth -type d -exec rmdir {} + 2>/dev/null; done
	rm -rf "$D" "$TMP"
}
trap cleanup EXIT
for _ in $(seq 200); do C version >/dev/null 2>&1 && break; sleep 0.05; done
C version >/dev/null 2>&1 || { echo "Bail out! containerd did not start"; cat "$D/containerd.log"; exit 1; }

# --- an OCI image from the busybox tree: layer, config, manifest, index ----
IMG=localhost/nsrun-ctd-busybox:t$$
/usr/bin/python3 - "$ROOTFS" "$TMP/image" "$IMG" <<'PY'
import hashlib, json, os, subprocess, sys
rootfs, out, name = sys.argv[1:4]
blobs = os.path.join(out, "blobs", "sha256")
os.makedirs(blobs)
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    open(os.path.join(blobs, d), "wb").write(data)
    return "sha256:" + d, len(data)
layer = subprocess.run(["tar", "-C", rootfs, "--numeric-owner", "-cf", "-", "."],
                       check=True, stdout=subprocess.PIPE).stdout
layer_digest, layer_size = blob(layer)
config = {"architecture": {"x86_64": "amd64", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine),
          "os": "linux",
          "config": {"Env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": ["sh"]},
          "rootfs": {"type": "layers", "diff_ids": [layer_digest]}}
config_digest, config_size = blob(json.dumps(config).encode())
manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": config_digest, "size": config_size},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                        "digest": layer_digest, "size": layer_size}]}
manifest_digest, manifest_size = blob(json.dumps(manifest).encode())
index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
         "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                        "digest": manifest_digest, "size": manifest_size,
                        "annotations": {"io.containerd.image.name": name,
                                        "org.opencontainers.image.ref.name": name.rsplit(":", 1)[1]}}]}
json.dump(index, open(os.path.join(out, "index.json"), "w"))
json.dump({"imageLayoutVersion": "1.0.0"}, open(os.path.join(out, "oci-layout"), "w"))
PY
tar -C "$TMP/image" -cf "$TMP/image.tar" .
out=$(C image import "$TMP/image.tar" 2>&1); ok $? "ctr image import of the OCI image tarball"
like "$(C image ls -q)" "^$IMG\$" "the image is listed under its name"

R() { # R NAME ARGS...: ctr run with nsrun as the shim's runc, in the test's cgroup
	local name=$1; shift
	C run --runc-binary "$NSRUN" --cgroup "/$CG/$name" "$@"
}
[ ! -e /run/containerd ]; ok $? "/run/containerd does not exist before the first run"

# --- run: the container's output and exit status ---------------------------
out=$(R ctd-run-$$ --rm "$IMG" ctd-run-$$ sh -c 'echo hello from containerd; echo pid $$; hostname' 2>&1)
rc=$?
is "$rc" 0 "ctr run --runc-binary nsrun exits 0"
like "$out" "hello from containerd" "the container's output comes back"
like "$out" "^pid 1$" "the command is the container's PID 1"
st=$(stat -c %a /run/containerd/runc/default 2>&1)
is "$st" 700 "nsrun made the shim's --root with its parents, mode 0700"
R ctd-exit-$$ --rm "$IMG" ctd-exit-$$ sh -c 'exit 7' >/dev/null 2>&1
is "$?" 7 "ctr run: the exit status comes back"

# --- a pod: a sandbox, two containers in its network and ipc namespaces ----
R ctd-pod-$$ -d "$IMG" ctd-pod-$$ sleep 1000 >/dev/null 2>&1; is "$?" 0 "ctr run -d: the pod's sandbox"
pod_pid=$(C task ls | awk -v t=ctd-pod-$$ '$1 == t { print $2 }')
[ -n "$pod_pid" ] && [ -d "/proc/$pod_pid" ]; ok $? "ctr task ls: the sandbox's pid is a live process"
pod_net=$(readlink "/proc/$pod_pid/ns/net"); pod_ipc=$(readlink "/proc/$pod_pid/ns/ipc")
isnot_host=1; [ "$pod_net" != "$(readlink /proc/self/ns/net)" ] && isnot_host=0
ok $isnot_host "the sandbox has a network namespace of its own"
for i in 1 2; do
	R ctd-app$i-$$ -d --with-ns "network:/proc/$pod_pid/ns/net" --with-ns "ipc:/proc/$pod_pid/ns/ipc" \
		"$IMG" ctd-app$i-$$ sleep 1000 >/dev/null 2>&1
	is "$?" 0 "ctr run -d --with-ns network:... --with-ns ipc:...: pod container $i"
done
out=$(C task exec --exec-id e1 ctd-app1-$$ sh -c 'readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; echo pid $$' 2>&1)
is "$(echo "$out" | head -2 | tr '\n' ' ')" "$pod_net $pod_ipc " "ctr task exec: container 1 is in the sandbox's network and ipc namespaces"
like "$out" "^pid [0-9]+$" "ctr task exec runs a command in the container"
out=$(C task exec --exec-id e2 ctd-app2-$$ sh -c 'readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; ps -o comm | grep -c sleep' 2>&1)
is "$(echo "$out" | head -2 | tr '\n' ' ')" "$pod_net $pod_ipc " "container 2 is in them too"
is "$(echo "$out" | sed -n 3p)" 1 "each container has its own pid namespace (sees one sleep)"
C task exec --exec-id e3 ctd-app2-$$ sh -c 'exit 3' >/dev/null 2>&1
is "$?" 3 "ctr task exec: the exit status comes back"

# --- metrics: cgroup stats of a running task ----------------------------------
out=$(C task metrics ctd-app1-$$ 2>&1)
like "$out" "pids.current +[1-9]" "ctr task metrics: the pids count"
like "$out" "memory.usage_in_bytes +[1-9]" "ctr task metrics: memory usage"
[ -d "/sys/fs/cgroup/pids/$CG/ctd-app1-$$" ]; ok $? "the container's cgroup is the one containerd asked for"

# --- kill and delete ---------------------------------------------------------
task_pids=$(C task ls | awk 'NR > 1 { print $2 }')
for c in ctd-app1-$$ ctd-app2-$$ ctd-pod-$$; do
	C task kill -s KILL "$c" >/dev/null 2>&1; ok $? "ctr task kill $c"
done
for _ in $(seq 100); do
	[ "$(C task ls | awk '$3 == "RUNNING"' | wc -l)" = 0 ] && break; sleep 0.05
done
is "$(C task ls | awk 'NR > 1 { print $3 }' | sort -u)" STOPPED "every task is stopped after kill"
for c in ctd-app1-$$ ctd-app2-$$ ctd-pod-$$; do
	C task delete "$c" >/dev/null 2>&1; ok $? "ctr task delete $c"
	C container delete "$c" >/dev/null 2>&1
done
is "$(C task ls -q)" "" "no task is left"
is "$(ls -A /run/containerd/runc/default)" "" "nothing is left under nsrun's --root"

# --- nothing left behind ---------------------------------------------------
left=
for h in /sys/fs/cgroup/*/; do
	[ -d "$h$CG" ] && left="$left $(find "$h$CG" -mindepth 1 -type d)"
done
is "$(echo $left)" "" "no container cgroup is left under /$CG"
left=
for p in $task_pids; do [ -d "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" && left="$left $p"; done
is "$(echo $task_pids | wc -w):$left" "3:" "the three containers' processes are gone"
is "$(pgrep -f "ctd-(run|exit|pod|app[12])-$$" | grep -vx "$$")" "" "no nsrun or shim of this test is left"
is "$(awk '$5 ~ /rootfs/ && index($5, "'"$D"'") == 1' /proc/self/mountinfo)" "" "no container rootfs stays mounted"
kill "$CTD_PID"; wait "$CTD_PID" 2>/dev/null; CTD_PID=
is "$(pgrep -f "containerd-shim-runc-v2 -namespace default -id ctd-.*-$$")" "" "no shim is left after containerd stopped"
done_testing
