#!/bin/sh
# `nsrun analyze syscall-filter` against golden files captured from
# systemd-analyze 252 (tests/golden/analyze/README) and, where
# systemd-analyze 252 is installed, against its live output.  TAP on
# stdout.  Needs no privileges.  NSRUN names the binary (default
# build/nsrun under the repository root).
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NSRUN=${NSRUN:-$ROOT/build/nsrun}
GOLDEN=$ROOT/tests/golden/analyze
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# A fixed, non-terminal environment: colour and pager decisions depend on
# these, and each test sets what it needs.
unset SYSTEMD_COLORS NO_COLOR TERM PAGER NSRUN_TRACEFS_EVENTS
export LC_ALL=C

if [ ! -x "$NSRUN" ]; then
	echo "Bail out! nsrun binary $NSRUN not found (set NSRUN)"
	exit 1
fi

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
# check DESCRIPTION COMMAND...: one TAP line for the command's success.
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }

# same GOT WANT: byte-identical files; on a difference, show it as diagnostics.
same() {
	cmp -s "$1" "$2" && return 0
	echo "# $1 differs from $2:"
	diff "$2" "$1" | head -n 10 | sed 's/^/#   /'
	return 1
}
is_empty() { same "$1" /dev/null; }
status_is() { [ "$(cat "$1")" = "$2" ] || { echo "# $1: status $(cat "$1"), want $2"; return 1; }; }

# run NAME PROGRAM ARGS...: stdout, stderr, status in $TMP/NAME.{out,err,rc}.
run() {
	_run=$1
	shift
	"$@" >"$TMP/$_run.out" 2>"$TMP/$_run.err" </dev/null
	echo $? >"$TMP/$_run.rc"
}
nsrun_sf() { "$NSRUN" analyze --no-pager syscall-filter "$@"; }
sa_sf() { systemd-analyze --no-pager syscall-filter "$@"; }

# matches NAME WANT_OUT WANT_ERR WANT_STATUS
matches() {
	same "$TMP/$1.out" "$2" && same "$TMP/$1.err" "$3" && status_is "$TMP/$1.rc" "$4"
}

# ---- every group against its golden file --------------------------------
for f in "$GOLDEN"/groups/*.stdout; do
	g=@$(basename "$f" .stdout)
	run grp nsrun_sf "$g"
	check "syscall-filter $g matches golden" matches grp "$f" /dev/null 0
done

run quiet nsrun_sf --quiet
"$NSRUN" analyze syscall-filter -q 2>/dev/null | sed -n 's/^\(@.*\)/\1/p' | sort >"$TMP/names"
ls "$GOLDEN"/groups | sed 's/^/@/; s/\.stdout$//' | sort >"$TMP/golden-names"
check "one golden file per group nsrun lists" same "$TMP/names" "$TMP/golden-names"

# Several groups: the blocks, separated by an empty line.
{ cat "$GOLDEN/groups/aio.stdout"; echo; cat "$GOLDEN/groups/privileged.stdout"; echo
  cat "$GOLDEN/groups/known.stdout"; } >"$TMP/multi.want"
run multi nsrun_sf @aio @privileged @known
check "syscall-filter @aio @privileged @known" matches multi "$TMP/multi.want" /dev/null 0

check "syscall-filter --quiet matches golden" matches quiet "$GOLDEN/quiet.stdout" /dev/null 0
run quiet2 nsrun_sf @aio -q
check "--quiet does not change a group's output" matches quiet2 "$GOLDEN/groups/aio.stdout" /dev/null 0

# ---- no NAME: the kernel-dependent tail --------------------------------
# Up to the Ungrouped section the output is fixed.  After it comes either
# nothing, an empty line plus a notice on stderr (tracefs not readable), or
# the Unlisted section; which one depends on this machine.
run all nsrun_sf
size=$(wc -c <"$GOLDEN/all-head.stdout")
head -c "$size" "$TMP/all.out" >"$TMP/all.head"
tail -c +"$((size + 1))" "$TMP/all.out" >"$TMP/all.tail"
check "syscall-filter: everything up to Ungrouped matches golden" same "$TMP/all.head" "$GOLDEN/all-head.stdout"
tail_ok() {
	status_is "$TMP/all.rc" 0 || return 1
	if [ ! -s "$TMP/all.tail" ]; then
		is_empty "$TMP/all.err"
	elif [ "$(cat "$TMP/all.tail")" = "" ]; then
		# only the empty line; the notice names the errno's text
		grep -q "^# Not showing unlisted system calls, couldn't retrieve kernel system call list: " "$TMP/all.err"
	else
		# "\n# Unlisted ...:\n" then only "#   NAME" lines
		[ "$(head -n 2 "$TMP/all.tail")" = "$(printf '\n%s' "# Unlisted System Calls (supported by the local kernel, but not included in any of the groups listed above):")" ] || return 1
		! tail -n +3 "$TMP/all.tail" | grep -qvx '#   .*' || return 1
		is_empty "$TMP/all.err"
	fi
}
check "syscall-filter: kernel-dependent tail has one of the three forms" tail_ok

# The same tail made deterministic with NSRUN_TRACEFS_EVENTS.
run ev env NSRUN_TRACEFS_EVENTS="$GOLDEN/available_events" "$NSRUN" analyze --no-pager syscall-filter
check "Unlisted section from an available_events file" matches ev "$GOLDEN/all-events.stdout" "$GOLDEN/all-events.stderr" 0
run noev env NSRUN_TRACEFS_EVENTS="$TMP/does-not-exist" "$NSRUN" analyze --no-pager syscall-filter
check "available_events missing: notice on stderr" matches noev "$GOLDEN/all-noevents.stdout" "$GOLDEN/all-noevents.stderr" 0
run isdir env NSRUN_TRACEFS_EVENTS="$GOLDEN/groups" "$NSRUN" analyze --no-pager syscall-filter
check "available_events a directory: read error and notice" matches isdir "$GOLDEN/all-noevents.stdout" "$GOLDEN/all-eisdir.stderr" 0
run notdir env NSRUN_TRACEFS_EVENTS=/dev/null/x "$NSRUN" analyze --no-pager syscall-filter
check "available_events ENOTDIR: warning and notice" matches notdir "$GOLDEN/all-noevents.stdout" "$GOLDEN/all-enotdir.stderr" 0
run notdirc env SYSTEMD_COLORS=1 NSRUN_TRACEFS_EVENTS=/dev/null/x "$NSRUN" analyze --no-pager syscall-filter
check "ENOTDIR in colour (256)" same "$TMP/notdirc.err" "$GOLDEN/color-enotdir.stderr"
run notdir16 env SYSTEMD_COLORS=16 NSRUN_TRACEFS_EVENTS=/dev/null/x "$NSRUN" analyze --no-pager syscall-filter
check "ENOTDIR in colour (16)" same "$TMP/notdir16.err" "$GOLDEN/color16-enotdir.stderr"

# ---- unknown groups, colours ----------------------------------------------
run unk nsrun_sf @nope
check "unknown group: message and status" matches unk "$GOLDEN/unknown.stdout" "$GOLDEN/unknown.stderr" "$(cat "$GOLDEN/unknown.status")"
run unk2 nsrun_sf @aio @nope
check "@aio @nope: output up to the unknown group" matches unk2 "$GOLDEN/aio-nope.stdout" "$GOLDEN/aio-nope.stderr" "$(cat "$GOLDEN/aio-nope.status")"
run col env SYSTEMD_COLORS=1 TERM=xterm "$NSRUN" analyze --no-pager syscall-filter @privileged
check "colour: bold names, underlined nested groups" matches col "$GOLDEN/color-privileged.stdout" /dev/null 0
run coll env SYSTEMD_COLORS=1 TERM=linux "$NSRUN" analyze --no-pager syscall-filter @privileged
check "colour on TERM=linux: no underline" matches coll "$GOLDEN/color-linux-privileged.stdout" /dev/null 0
run colu env SYSTEMD_COLORS=1 TERM=xterm "$NSRUN" analyze --no-pager syscall-filter @nope
check "colour: unknown group message in red" matches colu /dev/null "$GOLDEN/color-unknown.stderr" 1
run nocol env NO_COLOR=1 "$NSRUN" analyze --no-pager syscall-filter @privileged
check "NO_COLOR: plain" matches nocol "$GOLDEN/groups/privileged.stdout" /dev/null 0

# ---- nsrun's additions ---------------------------------------------------
cat >"$TMP/read.want" <<'EOF'
read
    # Listed directly in
    @basic-io
    @known
    # Included via nested groups in
    @system-service (via @basic-io)
EOF
run read nsrun_sf read
check "a syscall name lists the groups containing it" matches read "$TMP/read.want" /dev/null 0
cat >"$TMP/syslog.want" <<'EOF'

syslog
    # Listed directly in
    @known
EOF
cat "$GOLDEN/groups/swap.stdout" "$TMP/syslog.want" >"$TMP/swap-syslog.want"
run syslog nsrun_sf @swap syslog
check "a group and an ungrouped syscall; empty nested part left out" matches syslog "$TMP/swap-syslog.want" /dev/null 0
echo 'System call "nope" not found in any filter set.' >"$TMP/nope.want"
run nope nsrun_sf nope
check "unknown syscall name: error and status 1" matches nope /dev/null "$TMP/nope.want" 1

run exp nsrun_sf --expand @privileged
expand_ok() {
	status_is "$TMP/exp.rc" 0 && is_empty "$TMP/exp.err" || return 1
	# the same name and help lines as without --expand
	head -n 2 "$GOLDEN/groups/privileged.stdout" >"$TMP/exp.want"
	head -n 2 "$TMP/exp.out" >"$TMP/exp.got"
	same "$TMP/exp.got" "$TMP/exp.want" || return 1
	tail -n +3 "$TMP/exp.out" | sed 's/^    //' >"$TMP/exp.list"
	[ "$(wc -l <"$TMP/exp.list")" -eq 53 ] && ! grep -q '@' "$TMP/exp.list" &&
		LC_ALL=C sort -c -u "$TMP/exp.list" && grep -qx chown "$TMP/exp.list" && grep -qx reboot "$TMP/exp.list"
}
check "--expand @privileged: 53 sorted unique syscalls, nested groups resolved" expand_ok

if command -v python3 >/dev/null 2>&1; then
	run json nsrun_sf --json
	json_ok() {
		status_is "$TMP/json.rc" 0 && python3 - "$TMP/json.out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, list) and len(d) == 29, len(d)
assert [g["name"] for g in d][:2] == ["@default", "@aio"] and d[-1]["name"] == "@known"
for g in d:
    assert set(g) == {"name", "help", "members", "expanded"}, g.keys()
    assert g["expanded"] == sorted(set(g["expanded"])), g["name"]
    assert not any(m.startswith("@") for m in g["expanded"])
ss = next(g for g in d if g["name"] == "@system-service")
assert len(ss["expanded"]) == 376 and "@default" in ss["members"]
EOF
	}
	check "--json: 29 groups with name/help/members/expanded" json_ok
	run jsonr nsrun_sf --json read
	jsonr_ok() {
		status_is "$TMP/jsonr.rc" 0 && python3 - "$TMP/jsonr.out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d == [{"name": "read", "direct": ["@basic-io", "@known"],
              "nested": [{"group": "@system-service", "via": ["@basic-io"]}]}], d
EOF
	}
	check "--json read: direct and nested groups" jsonr_ok
else
	skip "--json (no python3)"
	skip "--json read (no python3)"
fi
run jsonbad nsrun_sf --json @aio @nope
check "--json with an unknown name prints no JSON" matches jsonbad /dev/null "$GOLDEN/unknown.stderr" 1
run help "$NSRUN" analyze --help
check "--help" eval 'grep -q "syscall-filter \[NAME" "$TMP/help.out" && status_is "$TMP/help.rc" 0'
run badopt nsrun_sf --bogus
check "unknown option: status 1" status_is "$TMP/badopt.rc" 1

# ---- live comparison with systemd-analyze 252 ------------------------------
# live NAME ARGS...: nsrun and systemd-analyze with the same arguments in the
# same environment (so both read the same tracefs): same bytes, same status.
live() {
	_live=$1
	shift
	run "$_live.n" nsrun_sf "$@"
	run "$_live.s" sa_sf "$@"
	matches "$_live.n" "$TMP/$_live.s.out" "$TMP/$_live.s.err" "$(cat "$TMP/$_live.s.rc")"
}
if ! command -v systemd-analyze >/dev/null 2>&1; then
	skip "live comparison (systemd-analyze not installed)"
elif ! systemd-analyze --version 2>/dev/null | head -n 1 | grep -q '^systemd 252 '; then
	skip "live comparison (systemd-analyze is not systemd 252)"
else
	for g in $(sed 's/^@//' "$TMP/golden-names"); do
		check "live: syscall-filter @$g" live "g-$g" "@$g"
	done
	check "live: syscall-filter" live all
	check "live: syscall-filter --quiet" live quiet
	check "live: syscall-filter @nope" live unknown @nope
	check "live: syscall-filter @aio @nope @swap" live unknown2 @aio @nope @swap
	check "live: syscall-filter @system-service @privileged @known" live multi @system-service @privileged @known
	export SYSTEMD_COLORS=1 TERM=xterm
	check "live, colour: syscall-filter" live call
	check "live, colour: syscall-filter @privileged @nope" live cpriv @privileged @nope
	export TERM=linux
	check "live, colour, TERM=linux: syscall-filter @system-service" live clinux @system-service
	unset SYSTEMD_COLORS TERM

	# On a terminal: colours decided by isatty, log lines ending in \r\n.
	if script --version 2>/dev/null | grep -q util-linux; then
		pty() {
			TERM=xterm script -qec "$NSRUN analyze --no-pager syscall-filter $*" /dev/null </dev/null >"$TMP/pty.n"
			TERM=xterm script -qec "systemd-analyze --no-pager syscall-filter $*" /dev/null </dev/null >"$TMP/pty.s"
			same "$TMP/pty.n" "$TMP/pty.s"
		}
		check "live, terminal: syscall-filter" pty
		check "live, terminal: syscall-filter @privileged @nope" pty @privileged @nope
		check "live, terminal, stderr not a terminal" pty "@privileged @nope 2>/dev/null"
		check "live, terminal, stdout not a terminal" pty "@privileged @nope >/dev/null"
	else
		skip "live terminal comparison (no util-linux script)"
	fi
fi

echo "1..$n"
[ "$failed" -eq 0 ]
