#!/bin/bash
# Refresh the seed corpus of fuzz-spec (and fuzz-json) from the spec files
# the project already has: examples/*.json and tests/specs/{good,bad}/*.json.
# Files are named after where they come from, so a rerun replaces them.
# Usage: tests/fuzz/make-corpus.sh
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/tests/fuzz/corpus/spec
mkdir -p "$out"
rm -f "$out"/example-* "$out"/good-* "$out"/bad-*
for f in "$top"/examples/*.json; do cp "$f" "$out/example-$(basename "$f")"; done
for kind in good bad; do
	for f in "$top"/tests/specs/$kind/*.json; do cp "$f" "$out/$kind-$(basename "$f")"; done
done
echo "$(ls "$out" | wc -l) files in $out"
