#!/bin/sh
# Make a small root filesystem from Debian's busybox-static: one static
# binary, a symlink per applet, and the files a container expects.
# Usage: examples/make-busybox-rootfs.sh DIR
set -eu
dir=${1:?usage: $0 DIR}
if [ ! -x /bin/busybox ] || ! /bin/busybox --list >/dev/null 2>&1 ||
   ! dpkg -s busybox-static >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null
fi
mkdir -p "$dir"
cd "$dir"
mkdir -p bin sbin usr/bin usr/sbin etc proc sys dev tmp root home/user var/tmp run mnt
chmod 1777 tmp var/tmp
install -m 0755 /bin/busybox bin/busybox
for applet in $(bin/busybox --list-full); do
	[ "$applet" = bin/busybox ] && continue
	[ -e "$applet" ] || [ -L "$applet" ] || ln -s /bin/busybox "$applet"
done
cat > etc/passwd <<'PW'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat > etc/group <<'GR'
root:x:0:
user:x:1000:
nogroup:x:65534:
GR
chown 1000:1000 home/user
echo nsrun-busybox > etc/hostname
: > etc/resolv.conf
printf 'NAME="busybox rootfs for nsrun"\nID=busybox\n' > etc/os-release
echo "busybox rootfs ready in $dir"
