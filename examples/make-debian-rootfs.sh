#!/bin/sh
# Make a Debian bookworm tree that boots with systemd as PID 1 under
# `nsrun --boot` (examples/debian-boot.json), like a tree for
# `systemd-nspawn -b`: debootstrap's minbase variant plus systemd,
# systemd-sysv (/sbin/init) and dbus.  login, passwd and agetty (util-linux)
# are already in minbase, which is all a console login needs.
#
# Usage: examples/make-debian-rootfs.sh DIR [MIRROR]
#   DIR must not exist or be empty.  MIRROR defaults to http://deb.debian.org/debian.
# Installs debootstrap on the host when it is missing.  Takes a minute or two.
set -eu
dir=${1:?usage: $0 DIR [MIRROR]}
mirror=${2:-http://deb.debian.org/debian}
if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
	echo "$0: $dir exists and is not empty" >&2
	exit 1
fi
if ! command -v debootstrap >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
mkdir -p "$dir"
# debootstrap works in a temporary directory next to DIR and moves it into
# place, so an interrupted run never leaves a half-made tree at DIR.
tmp=$(mktemp -d "$(dirname "$dir")/.$(basename "$dir").XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"   # mktemp made it 0700: it becomes the container's /
debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus \
	bookworm "$tmp" "$mirror"
# Emptied like a fresh image: machine-id is made at first boot (nsrun
# binds one derived from the container's uuid over it); the apt caches
# are not needed.
: > "$tmp/etc/machine-id"
rm -f "$tmp/var/lib/dbus/machine-id"
ln -s /etc/machine-id "$tmp/var/lib/dbus/machine-id"
rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*_Packages
echo debian > "$tmp/etc/hostname"
# Root has no password yet: set one with
#   nsrun examples/debian-boot.json -- passwd
rmdir "$dir"
mv "$tmp" "$dir"
trap - EXIT
echo "Debian bookworm tree ready in $dir"
