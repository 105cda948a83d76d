#!/bin/bash
# Stress for the private-users pick under load (not part of the suite):
# runs N short-spec containers (privateUsers "pick", the default), P at a
# time, with the same machine name or with a few names, 1 in F failing at
# an injected step, and records each nsrun's pid, exit status and stderr.
# Any wrong status, unexpected message, or cgroup left behind by one of
# ITS containers is printed.
#   tests/stress-userns.sh [-b BUILD] [-n N] [-P P] [-k NAMES] [-f F] [-o DIR]
#   NAMES: 1 = one name for all (the hand-over case), K = K names in turn
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build N=400 P=4 K=1 F=0 out=
while getopts b:n:P:k:f:o: o; do
	case $o in
	b) build=$OPTARG ;; n) N=$OPTARG ;; P) P=$OPTARG ;; k) K=$OPTARG ;;
	f) F=$OPTARG ;; o) out=$OPTARG ;; *) exit 2 ;;
	esac
done
NSRUN=$(cd "$build" && pwd)/nsrun
ROOTFS=${NSRUN_TEST_ROOTFS:-/var/tmp/nsrun-test-busybox}
out=${out:-$(mktemp -d /var/tmp/flake-stress.XXXXXX)}
mkdir -p "$out/err"
for k in $(seq 1 "$K"); do
	cat >"$out/spec.$k.json" <<JSON
{"root": {"path": "$ROOTFS"}, "hostname": "flake-$$-$k",
 "process": {"args": ["sh", "-c", "exit \$((\$\$ + 6))"]},
 "linux": {"resources": {"pids": {"limit": 64}}}}
JSON
done
nsteps=$("$NSRUN" plan "$out/spec.1.json" | grep -cE '^ *[0-9]+\. ')
one() { # one I: "I PID WANT GOT CGROUPS_LEFT"
	local i=$1 want=7 p spec=$out/spec.$(( i % K + 1 )).json
	if [ "$F" -gt 0 ] && [ $((i % F)) = 0 ]; then
		want=125
		NSRUN_TEST_FAIL_STEP=$(( (i * 7919) % nsteps + 1 )) "$NSRUN" "$spec" 2>"$out/err/$i" &
	else
		"$NSRUN" "$spec" 2>"$out/err/$i" &
	fi
	p=$!
	wait "$p"
	local rc=$?
	# at once, before the pid can come round again
	echo "$i $p $want $rc $(find /sys/fs/cgroup -mindepth 1 -maxdepth 5 -type d -name "nsrun-$p" 2>/dev/null | wc -l)"
}
export -f one; export NSRUN out K F nsteps
start=$(date +%s)
seq 1 "$N" | xargs -P "$P" -I{} bash -c 'one {}' >"$out/results"
end=$(date +%s)
bad=$(awk '$3 != $4' "$out/results")
# messages of the runs that went right must be empty or the injected one
noisy=$(awk '$3 == $4 { print $1 }' "$out/results" | while read -r i; do
	[ -s "$out/err/$i" ] && ! grep -q 'injected failure' "$out/err/$i" && echo "$i"; done)
left=$(awk '$5 != 0 { print "run " $1 " (pid " $2 "): " $5 " cgroups" }' "$out/results")
echo "runs $(wc -l <"$out/results") of $N, P=$P, names=$K, 1 in $F injected, $((end - start)) s, build $build"
echo "wrong status: $(printf '%s' "$bad" | grep -c .)"
for i in $(printf '%s\n' "$bad" | awk 'NF { print $1 }'); do
	echo "  run $(grep "^$i " "$out/results"): $(tr '\n' ' ' <"$out/err/$i")"
done
echo "unexpected stderr: $(printf '%s' "$noisy" | grep -c .)"
for i in $noisy; do echo "  run $i: $(head -c 300 "$out/err/$i" | tr '\n' ' ')"; done
echo "cgroups left: $(printf '%s' "$left" | grep -c .)"
printf '%s\n' "$left" | sed '/^$/d; s/^/  /'
echo "output in $out"
[ -z "$bad" ] && [ -z "$noisy" ] && [ -z "$left" ]
