#!/bin/bash
# Run every libFuzzer target of BUILD_DIR for SECONDS each and fail on a
# crash, a leak, a sanitizer report or a timeout.  Prints TAP.
#
#   CC=clang meson setup BUILD -Dfuzzing=true && ninja -C BUILD
#   tests/fuzz/run-fuzzers.sh BUILD 60
#
# Each target starts from its seeds (tests/fuzz/corpus/NAME, plus the
# examples and tests/specs for the spec readers) and the saved crash inputs
# (tests/fuzz/regressions/NAME); what it learns goes to a scratch corpus
# (FUZZ_WORK, default a temporary directory) so the tree is not touched.
# A crash input is kept as FUZZ_WORK/crash-NAME-*; copy it into
# tests/fuzz/regressions/NAME/ (and, for a spec, a fixture into
# tests/specs/bad/) once the bug is fixed.
#
# FUZZ_JOBS=N runs N targets at a time (default: the number of CPUs).
set -u
if [ $# -ne 2 ]; then
	echo "usage: $0 BUILD_DIR SECONDS" >&2
	exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$(dirname "$here")")
work=${FUZZ_WORK:-$(mktemp -d /tmp/nsrun-fuzz.XXXXXX)}
mkdir -p "$work"
jobs=${FUZZ_JOBS:-$(nproc)}

targets=()
for t in "$build"/tests/fuzz/fuzz-*; do
	[ -x "$t" ] && [ -f "$t" ] && targets+=("$(basename "$t")")
done
if [ ${#targets[@]} -eq 0 ]; then
	echo "Bail out! no fuzz targets in $build/tests/fuzz (configure with -Dfuzzing=true)"
	exit 1
fi

# Seed directories of a target, read-only to libFuzzer.
seeds() {
	local name=${1#fuzz-}
	local d=("$here/corpus/$name" "$here/regressions/$name")
	case $name in
	spec|json) d+=("$top/examples" "$top/tests/specs/good" "$top/tests/specs/bad" "$here/corpus/spec" "$here/regressions/spec") ;;
	esac
	for x in "${d[@]}"; do [ -d "$x" ] && echo "$x"; done | sort -u
}

run_target() {
	local t=$1 name=${1#fuzz-}
	local corpus=$work/corpus-$name log=$work/$t.log dict=()
	mkdir -p "$corpus"
	case $name in spec|json) dict=(-dict="$here/spec.dict") ;; esac
	# -timeout: one input taking longer than 10 s is a bug (a hang);
	# -rss_limit_mb: an input blowing up memory is one too.
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	"$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 "${dict[@]}" \
		-artifact_prefix="$work/crash-$name-" "$corpus" $(seeds "$t") >"$log" 2>&1
	echo $? >"$work/$t.rc"
}

running=0
for t in "${targets[@]}"; do
	run_target "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

n=0 failed=0
for t in "${targets[@]}"; do
	n=$((n + 1))
	rc=$(cat "$work/$t.rc" 2>/dev/null || echo 1)
	runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$work/$t.log" | tail -1)
	cov=$(grep -oE 'cov: [0-9]+' "$work/$t.log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		echo "ok $n - $t: ${seconds}s, ${runs:-?} runs, ${cov:-cov: ?}"
	else
		failed=$((failed + 1))
		echo "not ok $n - $t: exit status $rc"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written|^ +#[0-9]+ ' "$work/$t.log" | head -30 | sed 's/^/#   /'
		ls "$work"/crash-"${t#fuzz-}"-* 2>/dev/null | sed 's/^/#   input: /'
	fi
done
echo "1..$n"
echo "# logs and corpora in $work"
[ "$failed" -eq 0 ]
