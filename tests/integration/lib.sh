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

# The host's mounts a container of this test could have left, for
# before/after comparisons: those at or below the test's own directories
# ($TMP, the rootfs, $TEST_DIRS and DIRs given) or showing one of them,
# and those of the kinds nsrun mounts for a container (proc, sysfs, devpts,
# mqueue, cgroup) wherever they are.  Other programs on the machine (other
# test suites run side by side) mount and unmount elsewhere meanwhile:
# their mounts are none of this test's business.  "ROOT MOUNTPOINT FSTYPE".
host_mounts() { # host_mounts [DIR...]
	awk -v dirs="$TMP $ROOTFS ${TEST_DIRS:-} $*" '
		BEGIN { n = split(dirs, d, " ") }
		function ours(p, i) {
			for (i = 1; i <= n; i++)
				if (p == d[i] || index(p, d[i] "/") == 1)
					return 1
			return 0
		}
		{
			for (i = 7; $i != "-"; i++)
				;
			fs = $(i + 1)
			if (ours($4) || ours($5) || fs ~ /^(proc|sysfs|devpts|mqueue|cgroup2?)$/)
				print $4, $5, fs
		}' /proc/self/mountinfo | sort
}

# tmux on a server of this test's own: a server another program started
# would give new sessions its environment, not this test's (NSRUN_*).
tmux() { command tmux -L "nsrun-it-$$" "$@"; }
