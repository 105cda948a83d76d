#!/bin/bash
# Installing nsrun like any Debian tool (issue 16): `meson install
# --destdir` puts the binary, nsrun(1), nsrun.json(5), the bash completion,
# the JSON Schema and the syscall groups in place; the man pages pass
# mandoc's linter; `nsrun --help`, each `nsrun COMMAND --help`, the man
# page and the completion name the same commands and options; the
# completion works when bash drives it.
#
# A new command or option must appear in all three: its --help text (an
# indented line starting with the option, or the Usage line), an `.It Fl`
# line in its `.Ss COMMAND` subsection of man/nsrun.1 (OPTIONS for nsrun
# itself), and _nsrun_opts in completion/nsrun.bash.  The messages below
# say which one lacks what.
. "$(dirname "$0")/lib.sh"
need_root
BUILD=$(dirname "$NSRUN")
[ -f "$BUILD/meson-info/meson-info.json" ] || skip_all "$NSRUN is not in a meson build directory"
command -v mandoc >/dev/null || skip_all "mandoc is not installed (tests/deps.sh installs it)"

# --- meson install --destdir -------------------------------------------------------
D=$TMP/dest
out=$(meson install -C "$BUILD" --no-rebuild --destdir "$D" 2>&1); rc=$?
is "$rc" 0 "meson install --destdir exits 0"
[ "$rc" = 0 ] || echo "$out" | tail -5 | sed 's/^/# /'
prefix=$(/usr/bin/python3 -c 'import json, sys
for o in json.load(open(sys.argv[1])):
    if o["name"] in ("prefix", "bindir", "datadir", "mandir"): print(o["name"], o["value"])' "$BUILD/meson-info/intro-buildoptions.json")
P=$(echo "$prefix" | awk '$1 == "prefix" { print $2 }')
BIN=$D$P/$(echo "$prefix" | awk '$1 == "bindir" { print $2 }')
DATA=$D$P/$(echo "$prefix" | awk '$1 == "datadir" { print $2 }')
MAN=$D$P/$(echo "$prefix" | awk '$1 == "mandir" { print $2 }')
[ -x "$BIN/nsrun" ]; ok $? "the binary is installed in bindir"
like "$("$BIN/nsrun" --version 2>&1)" "^nsrun version " "the installed binary runs"
[ -f "$MAN/man1/nsrun.1" ]; ok $? "nsrun(1) is installed"
[ -f "$MAN/man5/nsrun.json.5" ]; ok $? "nsrun.json(5) is installed"
COMPLETION=$DATA/bash-completion/completions/nsrun
[ -f "$COMPLETION" ]; ok $? "the bash completion is installed where bash-completion loads it"
cmp -s "$DATA/nsrun/nsrun-spec.schema.json" "$NSRUN_SRC/schemas/nsrun-spec.schema.json"
ok $? "the JSON Schema is installed in DATADIR/nsrun"
cmp -s "$DATA/nsrun/syscall-groups.json" "$NSRUN_SRC/schemas/syscall-groups.json"
ok $? "the syscall groups are installed in DATADIR/nsrun"

# --- the man pages ----------------------------------------------------------------
for page in "$MAN/man1/nsrun.1" "$MAN/man5/nsrun.json.5"; do
	out=$(mandoc -Tlint -W warning "$page" 2>&1); rc=$?
	out=$(printf '%s' "$out" | grep -v 'mandoc\.db')
	is "$rc:$out" "0:" "mandoc -Tlint: $(basename "$page") has no warning"
done
like "$(MANWIDTH=80 mandoc -Tutf8 "$MAN/man1/nsrun.1" | col -b)" "nsrun events \[--stats\] \[--interval secs\] id" \
	"nsrun(1) renders (a synopsis line)"

# --- help, man page and completion agree ---------------------------------------------
# options of a --help text: the Usage line's, and the leading ones of each
# indented line that starts with "-" or says "options:"; -h/--help aside
help_opts() {
	/usr/bin/python3 -c 'import re, sys
opts = set()
for line in sys.stdin:
    if line.startswith("Usage:") or "options:" in line:
        opts.update(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", line.split("Usage:")[-1].replace("nsrun", "")))
    m = re.match(r"\s+((?:--?[A-Za-z][\w-]*(?:=?\S*)?,?\s{0,1})+)", line)
    if m and line.lstrip().startswith("-"):
        opts.update(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", m.group(1)))
print(" ".join(sorted(opts - {"-h", "--help"})))'
}
# options of a man page section: the .It lines of ".Ss CMD" (or .Sh OPTIONS)
man_opts() {
	/usr/bin/python3 -c 'import re, sys
cmd, text = sys.argv[1], open(sys.argv[2]).read()
if cmd == ".":
    m = re.search(r"^\.Sh OPTIONS\n(.*?)^\.Sh ", text, re.M | re.S)
else:
    m = re.search(r"^\.Ss " + re.escape(cmd) + r"\n(.*?)^\.S[sh] ", text, re.M | re.S)
opts = set()
for line in (m.group(1) if m else "").splitlines():
    if line.startswith(".It "):
        opts.update("-" + o.replace("\\-", "-") for o in re.findall(r"Fl (\\-[\w-]+|[A-Za-z])", line))
print(" ".join(sorted(opts - {"-h", "--help"})))' "$1" "$NSRUN_SRC/man/nsrun.1"
}
man_cmds=$(sed -n 's/^\.Ss \([a-z][a-z-]*\)$/\1/p' "$NSRUN_SRC/man/nsrun.1" | sort | tr '\n' ' ')
# shellcheck disable=SC1090
. "$COMPLETION"
comp_cmds=$(printf '%s\n' "${!_nsrun_opts[@]}" | grep -v '^\.$' | sort | tr '\n' ' ')
is "$comp_cmds" "$man_cmds" "the completion and nsrun(1) name the same commands"
main_help=$("$NSRUN" --help)
missing=
for c in $man_cmds; do
	"$NSRUN" "$c" --help >/dev/null 2>&1 || missing="$missing $c(no --help)"
	printf '%s' "$main_help" | grep -Eq "(^|[ ,])$c([ ,]|$)" || missing="$missing $c(not in nsrun --help)"
done
is "$missing" "" "every command of nsrun(1) has --help and is listed by nsrun --help"

# compgen as bash runs it: COMP_WORDS/COMP_CWORD, then _nsrun
complete_words() { # complete_words WORD... (the last one is completed)
	COMP_WORDS=(nsrun "$@")
	COMP_CWORD=$#
	COMP_LINE="nsrun $*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_nsrun
	printf '%s\n' "${COMPREPLY[@]}" | sort -u | tr '\n' ' ' | sed 's/ $//'
}
comp_opts() { # the options the completion offers for CMD
	if [ "$1" = . ]; then complete_words -; else complete_words "$1" -; fi
}
for c in . $man_cmds; do
	if [ "$c" = . ]; then h=$("$NSRUN" --help | help_opts); else h=$("$NSRUN" "$c" --help | help_opts); fi
	m=$(man_opts "$c")
	is "$m" "$h" "nsrun ${c#.} --help and nsrun(1) list the same options"
	is "$(comp_opts "$c" | tr ' ' '\n' | grep -vx -- '--help' | tr '\n' ' ' | sed 's/ $//')" "$h" \
		"the completion offers the options of nsrun ${c#.} --help"
done

is "$(complete -p nsrun 2>&1)" "complete -F _nsrun nsrun" "complete -p: _nsrun completes nsrun"
cd "$TMP" || exit 1
mkdir -p specs bundle.d && touch specs/a.json specs/notes.txt
like " $(complete_words "") " " create .* events .* plan " "nsrun TAB: the commands"
is "$(complete_words plan specs/)" "specs/a.json" "nsrun plan TAB: .json files only"
is "$(complete_words create --bundle bund)" "bundle.d" "create --bundle TAB: directories"
is "$(complete_words list --format "")" "json table" "list --format TAB: table or json"
like " $(complete_words kill x "") " " KILL .* TERM " "kill ID TAB: signal names"
ROOT=$TMP/root
mkdir -p "$TMP/b" && (cd "$TMP/b" && "$NSRUN" spec)
/usr/bin/python3 - "$TMP/b/config.json" "$ROOTFS" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["process"]["terminal"] = False; c["process"]["args"] = ["sleep", "100"]
c["root"]["path"] = sys.argv[2]
json.dump(c, open(sys.argv[1], "w"))
PY
"$NSRUN" --root "$ROOT" create --bundle "$TMP/b" inst-$$ >/dev/null
is "$(complete_words --root "$ROOT" state inst)" "inst-$$" "state TAB: the container ids under --root"
is "$(complete_words --root "$ROOT" exec inst-$$ "")" "" "exec ID TAB: a free command, no ids"
mkdir -p "$TMP/machines-ids/inst-m-$$"
is "$(NSRUN_MACHINES_DIR=$TMP/machines-ids complete_words --root "$ROOT" shell inst | xargs)" "inst-$$ inst-m-$$" \
	"shell TAB: container ids under --root and machine names"
is "$(NSRUN_MACHINES_DIR=$TMP/machines-ids complete_words --root "$ROOT" login inst | xargs)" "inst-$$ inst-m-$$" \
	"login TAB: container ids under --root and machine names"
is "$(complete_words --root "$ROOT" shell inst-$$ "")" "" "shell ID TAB: a free command, no ids"
"$NSRUN" --root "$ROOT" delete -f inst-$$

# machine names: the trees and spec files of the image store
mkdir -p "$TMP/machines/alpha-$$" "$TMP/machines/other-$$"
echo '{}' >"$TMP/machines/alpine-$$.json"
is "$(NSRUN_MACHINES_DIR=$TMP/machines complete_words stop al | xargs)" "alpha-$$ alpine-$$" \
	"stop TAB: machine names, directories and spec files alike"
is "$(NSRUN_MACHINES_DIR=$TMP/machines complete_words shell oth)" "other-$$" "shell TAB: a machine name"
is "$(NSRUN_MACHINES_DIR=$TMP/machines complete_words clone nomatch)" "" "clone TAB: nothing that is not a machine"
done_testing
