# Shared by the integration tests: TAP helpers, a busybox rootfs, bundles.
# Source it; the test then calls need_root and uses ok/is/like, and ends
# with done_testing.
set -u
: "${NSRUN:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/nsrun}"
NSRUN_SRC=${NSRUN_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ROOTFS=${NSRUN_TEST_ROOTFS:-/var/tmp/nsrun-test-busybox}
_tap_n=0
_tap_failed=0
TMP=$(mktemp -d /tmp/nsrun-it.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

ok() { # ok COND_STATUS NAME
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}
is() { # is GOT WANT NAME
	if [ "$1" = "$2" ]; then ok 0 "$3"; else
		ok 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$(printf %s "$1" | head -c 2000)" "$2"
	fi
}
like() { # like GOT REGEX NAME
	if printf '%s' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else
		ok 1 "$3"
		printf '#   got:  %s\n#   want match: %s\n' "$(printf %s "$1" | head -c 2000)" "$2"
	fi
}
unlike() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		printf '#   got:  %s\n#   must not match: %s\n' "$(printf %s "$1" | head -c 2000)" "$2"
	else ok 0 "$3"; fi
}
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
done_testing() { echo "1..$_tap_n"; [ "$_tap_failed" -eq 0 ]; }

need_root() {
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	ensure_rootfs
}

# The shared busybox rootfs, made once; tests that change a rootfs copy it.
ensure_rootfs() {
	if [ ! -x "$ROOTFS/bin/busybox" ]; then
		"$NSRUN_SRC/examples/make-busybox-rootfs.sh" "$ROOTFS" >/dev/null || {
			echo "Bail out! cannot make $ROOTFS"; exit 1; }
	fi
}
copy_rootfs() { # copy_rootfs DIR
	mkdir -p "$1" && cp -a "$ROOTFS/." "$1/"
}

# spec FILE JSON: write a spec file (JSON given whole).
spec() { printf '%s\n' "$2" >"$1"; }

# A minimal nsrun spec around the shared rootfs running ARGS (JSON array).
minimal_spec() { # minimal_spec FILE ARGS_JSON [EXTRA_TOP_LEVEL_MEMBERS]
	local extra=${3:-}
	[ -n "$extra" ] && extra=",$extra"
	spec "$1" "{\"root\": {\"path\": \"$ROOTFS\"}, \"process\": {\"args\": $2}$extra}"
}

# The host's mount table, for before/after comparisons.
host_mounts() { cut -d' ' -f4,5,9 /proc/self/mountinfo | sort; }
