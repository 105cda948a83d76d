#!/bin/bash
# Rootless podman drives nsrun (README "Rootless"): a test user of its own
# with /etc/subuid and /etc/subgid ranges runs `podman --runtime nsrun`
# with Debian's rootless setup (its own user namespace, fuse-overlayfs or
# native overlay, slirp4netns).  This host's /dev/net/tun is 0600, so the
# test runs in a mount namespace of its own where a 0666 node of the same
# device covers it (the host's node is not touched).  The user, its
# processes and its storage are removed at the end.
. "$(dirname "$0")/lib.sh"
need_root
command -v podman >/dev/null || skip_all "podman is not installed (tests/deps.sh installs it)"
for p in newuidmap slirp4netns; do
	command -v $p >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq uidmap slirp4netns fuse-overlayfs >/dev/null 2>&1
	command -v $p >/dev/null || skip_all "$p is missing (tests/deps.sh installs it)"
done

U=nsrun-pd$$
SUB=$((2100000000 + ($$ % 1000) * 65536))
useradd -m -d "/var/tmp/nsrun-it-pdhome$$" -s /bin/sh "$U" || { echo "Bail out! useradd $U"; exit 1; }
UID_=$(id -u "$U")
sed -i "/^$U:/d" /etc/subuid /etc/subgid
echo "$U:$SUB:65536" >>/etc/subuid
echo "$U:$SUB:65536" >>/etc/subgid
RUNDIR=/run/user/$UID_
mkdir -p "$RUNDIR" && chown "$U:" "$RUNDIR" && chmod 700 "$RUNDIR"
W=$(mktemp -d /var/tmp/nsrun-it-pd.XXXXXX)
chmod 755 "$W"
cp "$NSRUN" "$W/nsrun" && chmod 755 "$W/nsrun"
tar -C "$ROOTFS" -c . >"$W/bb.tar" && chmod 644 "$W/bb.tar"
cat >"$W/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
# Debian's podman 4.3 takes vfs for a new rootless store unless told: overlay,
# natively where the kernel allows it in a user namespace, else through
# fuse-overlayfs
if [ "$(uname -r | cut -d. -f1)" -ge 6 ]; then mp=; else mp='mount_program = "/usr/bin/fuse-overlayfs"'; fi
printf '[storage]\ndriver = "overlay"\n[storage.options.overlay]\n%s\n' "$mp" >"$W/storage.conf"
chmod 644 "$W/containers.conf" "$W/storage.conf"
cleanup() {
	# the user's processes (podman's pause process, conmon), by pid
	for _ in 1 2 3; do
		pids=$(pgrep -u "$UID_" 2>/dev/null) || break
		kill -KILL $pids 2>/dev/null
		sleep 0.1
	done
	userdel -r "$U" >/dev/null 2>&1
	sed -i "/^$U:/d" /etc/subuid /etc/subgid
	rm -rf "$RUNDIR" "$W" "/var/tmp/nsrun-it-pdhome$$" "$TMP"
}
trap cleanup EXIT

# One shell as the user inside a mount namespace where /dev/net/tun is usable.
# as-user.sh USER HOME RUNDIR CONF TUNDIR COMMAND
cat >"$W/as-user.sh" <<'SH'
#!/bin/sh
exec unshare -m --propagation private sh -c '
	mount -t tmpfs -o mode=755 tun "$5" && mknod -m 666 "$5/tun" c 10 200 &&
	mount --bind "$5/tun" /dev/net/tun || exit 1
	exec runuser -u "$1" -- env HOME="$2" XDG_RUNTIME_DIR="$3" CONTAINERS_CONF="$4" \
		CONTAINERS_STORAGE_CONF="${4%/*}/storage.conf" sh -c "$6"' sh "$@"
SH
chmod 755 "$W/as-user.sh"
mkdir -p "$W/tun"
as_user() { "$W/as-user.sh" "$U" "/var/tmp/nsrun-it-pdhome$$" "$RUNDIR" "$W/containers.conf" "$W/tun" "$1"; }
IMG=localhost/nsrun-test-busybox:pd$$
P="podman --runtime $W/nsrun"
as_user "podman import -q - $IMG <$W/bb.tar" >/dev/null 2>&1 || { echo "Bail out! podman import as $U failed"; exit 1; }

out=$(as_user "$P run --rm $IMG sh -c 'echo hello from rootless podman; cat /proc/self/uid_map; grep -c tap0 /proc/net/dev'" 2>&1)
like "$out" "hello from rootless podman" "rootless podman run --rm with nsrun"
like "$out" " +0 +$UID_ +1
 +1 +$SUB +65536" "its user namespace: the user's uid as root, its /etc/subuid range above"
like "$out" "^1$" "slirp4netns's tap0 is the container's network"
as_user "$P run --rm $IMG sh -c 'exit 7'" >/dev/null 2>&1; is "$?" 7 "the exit status comes back"
like "$(as_user "podman info --format '{{.Store.GraphDriverName}}'" 2>&1)" "overlay" "storage: overlay (native or fuse-overlayfs)"

as_user "$P run -d --name t1-$$ $IMG sleep 1000" >/dev/null 2>&1; is "$?" 0 "rootless podman run -d"
is "$(as_user "$P inspect -f '{{.State.Status}}' t1-$$" 2>&1)" running "podman inspect: running"
out=$(as_user "$P exec t1-$$ sh -c 'echo exec works; ps -o comm | grep -c sleep'" 2>&1)
like "$out" "exec works" "rootless podman exec"
like "$out" "^1$" "exec sees the container's sleep"
ls "$RUNDIR/nsrun" 2>/dev/null | grep -q . ; is "$?" 0 "nsrun keeps the state in \$XDG_RUNTIME_DIR/nsrun"
as_user "$P stop -t 1 t1-$$" >/dev/null 2>&1; is "$?" 0 "rootless podman stop"
is "$(as_user "$P inspect -f '{{.State.Status}}' t1-$$" 2>&1)" exited "podman inspect: exited"
as_user "$P rm t1-$$" >/dev/null 2>&1; is "$?" 0 "rootless podman rm"

out=$(script -qec "$W/as-user.sh $U /var/tmp/nsrun-it-pdhome$$ $RUNDIR $W/containers.conf $W/tun \"$P run --rm -it $IMG sh -c 'tty; sleep 0.5'\"" /dev/null </dev/null 2>&1)
like "$out" "/dev/pts/0" "rootless podman run -it: a pty through the console socket"

core_before=$(cat /proc/sys/kernel/core_pattern)
out=$(as_user "$P run --rm --cap-add CAP_SYS_ADMIN $IMG sh -c 'touch /etc/x && echo own-layer; mkdir /tmp/k; mount -t proc proc /tmp/k && (echo x >/tmp/k/sys/kernel/core_pattern) 2>&1'" 2>&1)
like "$out" "own-layer" "the container writes its own layer"
like "$out" "core_pattern: Permission denied" "but not the host's core_pattern, even with CAP_SYS_ADMIN and a fresh procfs"
is "$(cat /proc/sys/kernel/core_pattern)" "$core_before" "the host's core_pattern is unchanged"

as_user "podman rmi -f $IMG" >/dev/null 2>&1
done_testing
