#!/bin/sh
# Install what nsrun needs to build and to run its whole test suite on
# Debian 12, from Debian's archive only.  Run as root.
set -eu
export DEBIAN_FRONTEND=noninteractive
pkgs="meson ninja-build gcc pkg-config libyajl-dev libseccomp-dev libcap-dev libselinux1-dev
busybox-static util-linux procps iproute2 python3 python3-jsonschema
clang libclang-rt-14-dev systemd podman runc debootstrap tmux keyutils
containerd mandoc libsystemd-dev bash-completion
libmnl-dev libnftables-dev dnsmasq-base nftables
zstd e2fsprogs tar uidmap slirp4netns fuse-overlayfs"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
