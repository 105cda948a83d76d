# bash completion for nsrun(1)                              -*- shell-script -*-
#
# Adding a command or an option: add it here, to `nsrun COMMAND --help`
# and to man/nsrun.1; tests/integration/install.sh checks that the three
# agree.
#   _nsrun_opts[COMMAND]  the command's options; OPTION=KIND for an option
#                         that takes a value (KIND below); "." is nsrun
#                         itself (the foreground run and global options).
#   _nsrun_pos[COMMAND]   what its operands are (KIND).
# KINDs: file, dir, spec (*.json files), id (a container under --root),
# machine (a machine name), running (a machine name or a container id),
# signal, none (a free word: nothing to offer),
# or words separated by "|" (text|json).

declare -gA _nsrun_opts=(
	[.]="--pid-file=file -b --boot --stop-timeout=none --version --help
	     --private-network --network-veth --network-bridge=none -p=none --port=none
	     --root=dir --log=file --log-format=text|json --debug --systemd-cgroup
	     -D=dir --directory=dir -M=machine --machine=machine --hostname=none --bind=none
	     --bind-ro=none --tmpfs=none -E=none --setenv=none -u=none --user=none --chdir=none
	     --read-only --capability=none --drop-capability=none --syscall-filter=none
	     --register --no-register
	     -U --private-users=pick|no --private-users-ownership=map|chown"
	[plan]="--json -v --verbose -b --boot --private-network --network-veth --network-bridge=none
	        -p=none --port=none -U --private-users=pick|no"
	[check]="--no-host"
	[spec]="--bundle=dir --rootless"
	[analyze]="--no-pager -q --quiet --expand --json"
	[create]="-b=dir --bundle=dir --pid-file=file --console-socket=file --preserve-fds=none
	          --no-pivot --no-new-keyring"
	[start]="--foreground"
	[state]=""
	[kill]="--all"
	[delete]="--force"
	[run]="-b=dir --bundle=dir --pid-file=file --console-socket=file --preserve-fds=none
	       --no-pivot --no-new-keyring -d --detach"
	[list]="--json --format=table|json -q"
	[exec]="-p=file --process=file -t --tty --cwd=none -e=none --env=none -u=none --user=none
	        -d --detach --pid-file=file --console-socket=file --preserve-fds=none"
	[ps]="--format=table|json"
	[pause]=""
	[resume]=""
	[update]="--resources=file"
	[features]=""
	[events]="--stats --interval=none"
	[stop]="--timeout=none" [reboot]="" [status]="" [log]="-f --follow" [shell]="" [login]=""
	[list-images]="--json" [clone]="" [rename]="" [remove]="" [read-only]="" [import-fs]=""
	[import-tar]="" [export-tar]="" [enable]="" [disable]=""
)
declare -gA _nsrun_pos=(
	[.]=spec [plan]=spec [check]=spec [spec]=none [analyze]=syscall-filter
	[create]=none [run]=none [start]=id [state]=id [kill]=id [delete]=id [exec]=id
	[ps]=id [pause]=id [resume]=id [update]=id [events]=id [list]=none [features]=none
	[stop]=machine [reboot]=machine [status]=machine [log]=machine [shell]=running
	[login]=running [list-images]=none [clone]=machine [rename]=machine [remove]=machine
	[read-only]=machine [import-fs]=dir [import-tar]=file [export-tar]=machine
	[enable]=machine [disable]=machine
)

# Container ids under the --root given on the command line.
_nsrun_ids()
{
	local root=/run/nsrun i
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--root) root=${COMP_WORDS[i + 1]} ;;
		--root=*) root=${COMP_WORDS[i]#--root=} ;;
		esac
	done
	[[ -d $root ]] || return
	local d
	for d in "$root"/*/; do
		[[ -d $d ]] && basename "$d"
	done
}

# Machine names: the trees and images under /var/lib/machines.
_nsrun_machines()
{
	local m
	for m in "${NSRUN_MACHINES_DIR:-/var/lib/machines}"/*; do
		[[ -e $m ]] || continue
		m=${m##*/}
		m=${m%.json}
		echo "${m%.raw}"
	done | sort -u
}

# _nsrun_complete_kind KIND CUR: fill COMPREPLY.
_nsrun_complete_kind()
{
	local kind=$1 cur=$2
	case $kind in
	file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
	dir) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
	spec)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur")) ;;
	id) COMPREPLY=($(compgen -W "$(_nsrun_ids)" -- "$cur")) ;;
	machine) COMPREPLY=($(compgen -W "$(_nsrun_machines)" -- "$cur")) ;;
	running) COMPREPLY=($(compgen -W "$(_nsrun_machines) $(_nsrun_ids)" -- "$cur")) ;;
	signal) COMPREPLY=($(compgen -W "$(compgen -A signal | sed 's/^SIG//')" -- "$cur")) ;;
	none) COMPREPLY=() ;;
	*) COMPREPLY=($(compgen -W "${kind//|/ }" -- "$cur")) ;;
	esac
}

# The KIND of OPTION for COMMAND, or "" when it takes no value.
_nsrun_optkind()
{
	local o
	for o in ${_nsrun_opts[$1]}; do
		[[ $o == "$2="* ]] && { echo "${o#*=}"; return; }
	done
}

_nsrun()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd=. i w kind npos=0
	# the command is the first word that is neither an option nor its value
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == -- ]]; then
			COMPREPLY=()
			return
		elif [[ $w == -* ]]; then
			[[ $w != *=* && -n $(_nsrun_optkind "$cmd" "$w") ]] && ((i++))
		elif [[ $cmd == . && -v _nsrun_opts[$w] ]]; then
			cmd=$w
		else
			((npos++))
		fi
	done
	kind=$(_nsrun_optkind "$cmd" "$prev")
	if [[ -n $kind && $prev == -* ]]; then
		_nsrun_complete_kind "$kind" "$cur"
		return
	fi
	if [[ $cur == -* ]]; then
		local o words=
		for o in ${_nsrun_opts[$cmd]}; do
			words+=" ${o%%=*}"
		done
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return
	fi
	kind=${_nsrun_pos[$cmd]}
	case $cmd in
	.)
		local c cmds=
		for c in "${!_nsrun_opts[@]}"; do
			[[ $c != . ]] && cmds+=" $c"
		done
		_nsrun_complete_kind spec "$cur"
		COMPREPLY+=($(compgen -W "$cmds" -- "$cur"))
		return ;;
	kill) ((npos == 1)) && kind=signal ;;
	exec | analyze | shell | login) ((npos >= 1)) && kind=none ;;
	esac
	((npos >= 1)) && [[ $kind == id ]] && kind=none
	_nsrun_complete_kind "$kind" "$cur"
}
complete -F _nsrun nsrun
