#!/bin/bash
# The image store (issue 14, part 2): import-fs, clone, export-tar and
# import-tar keep owners, modes, xattrs, device nodes, hard links and holes;
# rename, remove and read-only; names are validated; a running machine can
# be neither renamed nor removed.
. "$(dirname "$0")/lib.sh"
need_root

M=$(mktemp -d /var/tmp/nsrun-images.XXXXXX)
export NSRUN_MACHINES_DIR=$M
trap 'for d in "$M"/*; do chattr -i "$d" 2>/dev/null; done; rm -rf "$TMP" "$M"' EXIT
n() { timeout 60 "$NSRUN" "$@"; }
I=img$$

# a tree with the awkward things
SRC=$TMP/src
copy_rootfs "$SRC"
mkdir -p "$SRC/data"
echo owned >"$SRC/data/owned" && chown 1234:5678 "$SRC/data/owned" && chmod 4750 "$SRC/data/owned"
mknod "$SRC/data/null" c 1 3
echo linked >"$SRC/data/a" && ln "$SRC/data/a" "$SRC/data/b"
truncate -s 64M "$SRC/data/sparse" && echo end >>"$SRC/data/sparse"
python3 -c "import os; os.setxattr('$SRC/data/owned', 'user.nsrun', b'kept')"
props() { # what must survive a copy
	local d=$1
	stat -c '%n %u:%g %a %F %t:%T %h' "$d/data/owned" "$d/data/null" "$d/data/a" "$d/data/b" | sed "s|$d/||"
	python3 -c "import os; print(os.getxattr('$d/data/owned', 'user.nsrun').decode())"
	[ "$(stat -c %i "$d/data/a")" = "$(stat -c %i "$d/data/b")" ] && echo hardlinked
	[ "$(stat -c %b "$d/data/sparse")" -lt 1024 ] && echo sparse
	cmp -s "$SRC/data/sparse" "$d/data/sparse" && echo same-content
}
want=$(props "$SRC")
like "$want" "hardlinked" "the source tree has a hard link" 
like "$want" "sparse" "... and a sparse file"

n import-fs "$SRC" "$I"
is "$(props "$M/$I")" "$want" "import-fs keeps owners, modes, xattrs, device nodes, hard links, holes"
n clone "$I" "$I-c"
is "$(props "$M/$I-c")" "$want" "clone keeps them"
n export-tar "$I" "$TMP/img.tar.zst"
is "$(head -c4 "$TMP/img.tar.zst" | od -An -tx1 | tr -d ' ')" "28b52ffd" "export-tar compresses by the suffix (zstd's magic)"
n import-tar "$TMP/img.tar.zst" "$I-t"
is "$(props "$M/$I-t")" "$want" "export-tar + import-tar keep them"
out=$(n -M "$I-t" cat /data/owned 2>&1)
is "$out" "owned" "an imported image runs"

# list-images
spec "$M/$I-s.json" "{\"root\": {\"path\": \"$I\"}, \"process\": {\"args\": [\"true\"]}}"
spec "$M/$I-c.json" '{"process": {"args": ["cat", "/data/a"]}}'
out=$(n list-images)
like "$out" "^$I +directory +no " "list-images: a directory"
like "$out" "^$I-c +directory\\+spec +no " "list-images: a directory with a spec"
like "$out" "^$I-s +spec " "list-images: a spec only"
json=$(n list-images --json)
like "$json" "\"name\":\"$I-c\",\"kind\":\"directory\\+spec\",\"readOnly\":false,\"usage\":[0-9]+,\"created\":\"20[0-9-]+T" "list-images --json"
is "$(n -M "$I-c" 2>&1)" "linked" "-M NAME runs NAME.json's command in the tree"

# rename, remove, read-only; not while it runs
n rename "$I-c" "$I-r"
[ -d "$M/$I-r" ] && [ -f "$M/$I-r.json" ] && [ ! -e "$M/$I-c" ]; ok $? "rename moves the tree and its spec"
"$NSRUN" -M "$I-r" sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done' & pid=$!
# (registered before its leader exists: wait for the leader's pid too)
for i in $(seq 200); do n list | grep -Eq "^$I-r +[a-z]+ +[1-9]" && break; sleep 0.05; done
out=$(n rename "$I-r" "$I-x" 2>&1); st=$?
is "$st:$out" "125:nsrun: rename: machine \"$I-r\" is running: stop it first" "a running machine cannot be renamed"
out=$(n remove "$I-r" 2>&1); st=$?
is "$st:$out" "125:nsrun: remove: machine \"$I-r\" is running: stop it first" "... nor removed"
n kill "$I-r" TERM || kill "$pid" # (never leave the wait below hanging)
wait $pid; is "$?" 0 "nsrun kill NAME TERM reaches the machine's program (it exits 0)"
n read-only "$I-r"
out=$(n rename "$I-r" "$I-y" 2>&1)
like "$out" "read-only" "a read-only image cannot be renamed"
n read-only "$I-r" false
n remove "$I-r" "$I-t" "$I-s"
[ ! -e "$M/$I-r" ] && [ ! -e "$M/$I-r.json" ] && [ ! -e "$M/$I-t" ] && [ ! -e "$M/$I-s.json" ]; ok $? "remove deletes trees and specs"

# names
for bad in ../x .hidden a/b "$(printf 'x%.0s' $(seq 65))" ""; do
	out=$(n clone "$I" "$bad" 2>&1); st=$?
	like "$st:$out" "^125:nsrun: clone: a machine name " "clone refuses the name '$bad'"
done
out=$(n clone "$I" "$I" 2>&1)
is "$out" "nsrun: clone: image \"$I\" exists already" "clone refuses an existing name"
out=$(n import-tar /nonexistent.tar "$I-n" 2>&1); st=$?
[ "$st" = 125 ] && [ ! -e "$M/$I-n" ] && ! ls -a "$M" | grep -q nsrun-new; ok $? "a failed import leaves nothing behind"
is "$(ls /run/nsrun/.machines 2>/dev/null | grep -c "$I")" "0" "no registry record left"

done_testing
