#!/bin/bash
# The command line as a spec source (issue 14, part 1): -D DIR, -M NAME and
# systemd-nspawn's options become spec members (layered over a spec file
# too), go through the same defaults, validation and plan, and name the
# option in their errors.  Also the registry of foreground runs (part 3).
. "$(dirname "$0")/lib.sh"
need_root

M="$TMP/machines"
mkdir -p "$M"
export NSRUN_MACHINES_DIR=$M
n() { "$NSRUN" "$@"; }
mkdir -p "$TMP/share"
echo from-host >"$TMP/share/file"

# -D with the short-spec defaults: the hostname is the directory's name,
# /proc is mounted, the command runs with PATH and container=nsrun.
out=$(n -D "$ROOTFS" sh -c 'hostname; cat /proc/1/comm; echo "$container"' 2>&1)
is "$out" "$(basename "$ROOTFS")
sh
nsrun" "-D runs the command in the tree with the short-spec defaults"
out=$(n -D "$ROOTFS" --hostname cmdline-$$ hostname 2>&1)
is "$out" "cmdline-$$" "--hostname"

# --bind / --bind-ro keep the default mounts (as nspawn's do); in the
# default private user range the host root's directory is writable to the
# container's root through :idmap (as nspawn -U --bind=...:idmap)
out=$(n -D "$ROOTFS" --bind "$TMP/share:/mnt:idmap" sh -c 'cat /mnt/file; echo new >/mnt/new; grep -c " /proc proc" /proc/mounts' 2>&1)
is "$out" "from-host
1" "--bind SRC:DST:idmap: the host file is read, /proc still mounted"
is "$(cat "$TMP/share/new" 2>/dev/null)" "new" "--bind :idmap is writable: the host sees the new file"
is "$(stat -c %u "$TMP/share/new" 2>/dev/null)" 0 "... owned by the host's root (the container's root, mapped back)"
out=$(n -D "$ROOTFS" --bind "$TMP/share:/mnt" sh -c 'echo x >/mnt/new2 || echo refused' 2>&1)
like "$out" "refused" "--bind without idmap in a private range: the host root's directory is not writable"
out=$(n -D "$ROOTFS" --bind-ro "$TMP/share:/mnt" sh -c 'cat /mnt/file; echo x >/mnt/file' 2>&1)
like "$out" "Read-only file system" "--bind-ro: writing fails with EROFS"
is "$(cat "$TMP/share/file")" "from-host" "--bind-ro: the host file is unchanged"
out=$(n -D "$ROOTFS" --bind "$TMP/share:/mnt:ro,norbind" sh -c 'echo x >/mnt/file' 2>&1)
like "$out" "Read-only file system" "--bind SRC:DST:ro,norbind"
out=$(n -D "$ROOTFS" --tmpfs /mnt:size=1m sh -c 'grep " /mnt " /proc/mounts' 2>&1)
like "$out" "^tmpfs /mnt tmpfs .*size=1024k.*mode=755" "--tmpfs DST:OPTS mounts a tmpfs (nspawn's mode 0755)"

# environment, user, directory, read-only root
out=$(n -D "$ROOTFS" --setenv CMDLINE_A=1 -E CMDLINE_B=two sh -c 'echo $CMDLINE_A $CMDLINE_B; echo $PATH' 2>&1)
is "$out" "1 two
/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "--setenv adds to the default environment"
out=$(n -D "$ROOTFS" --user user sh -c 'id -u; id -g; echo $HOME $USER' 2>&1)
is "$out" "1000
1000
/home/user user" "--user NAME: uid, gid, HOME and USER from the image's passwd"
out=$(n -D "$ROOTFS" --chdir /etc pwd 2>&1)
is "$out" "/etc" "--chdir"
out=$(n -D "$ROOTFS" --read-only sh -c 'touch /x' 2>&1)
like "$out" "Read-only file system" "--read-only: the root is read-only"

# capabilities and the syscall filter
out=$(n -D "$ROOTFS" --drop-capability CAP_CHOWN sh -c 'touch /tmp/f; chown 1:1 /tmp/f' 2>&1)
like "$out" "Operation not permitted" "--drop-capability CAP_CHOWN: chown fails"
out=$(n -D "$ROOTFS" sh -c 'grep CapEff /proc/self/status')
eff=$((0x$(echo "$out" | awk '{print $2}')))
out=$(n -D "$ROOTFS" --capability net_admin sh -c 'grep CapEff /proc/self/status')
eff2=$((0x$(echo "$out" | awk '{print $2}')))
is "$(( (eff >> 12) & 1 ))$(( (eff2 >> 12) & 1 ))" "01" "--capability net_admin adds CAP_NET_ADMIN to the default set"
out=$(n -D "$ROOTFS" --syscall-filter='~mkdir' sh -c 'mkdir /tmp/d; echo $?; touch /tmp/f && echo touched' 2>&1)
like "$out" "Operation not permitted" "--syscall-filter='~mkdir': mkdir fails with EPERM"
like "$out" "touched" "... and other calls work"
out=$(n -D "$ROOTFS" --syscall-filter='~mkdir:EACCES' sh -c 'mkdir /tmp/d' 2>&1)
like "$out" "Permission denied" "--syscall-filter name:ERRNO"

# layered over a spec file
spec "$TMP/s.json" "{\"root\": {\"path\": \"$ROOTFS\"}, \"hostname\": \"fromfile\",
  \"process\": {\"args\": [\"sh\", \"-c\", \"hostname; cat /mnt/file\"]},
  \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\"}]}"
out=$(n "$TMP/s.json" --hostname fromcli --bind-ro "$TMP/share:/mnt" 2>&1)
is "$out" "fromcli
from-host" "options layered over a spec file replace and add to its members"

# plan and spec --from-command-line
out=$(n plan -D "$ROOTFS" --hostname planned --tmpfs /srv -- true)
like "$out" "hostname +planned" "plan -D shows the options' result"
like "$out" "tmpfs tmpfs -> /srv" "plan -D shows the tmpfs"
n spec --from-command-line -D "$ROOTFS" --hostname printed --setenv P=1 -- sh -c 'hostname; echo $P' >"$TMP/printed.json"
out=$(n "$TMP/printed.json" 2>&1)
is "$out" "printed
1" "spec --from-command-line prints a spec file that runs the same"
like "$(cat "$TMP/printed.json")" '"add": \{' "... with the additions under \"add\""

# the network options are spec members too: printed, and the printed spec
# plans (and runs) the same as the command line
netopts=(--network-veth -p 8080:80 -p udp:5000-5001 --hostname rt$$)
n spec --from-command-line -D "$ROOTFS" "${netopts[@]}" -- true >"$TMP/net.json"
like "$(tr -d '\t\n' <"$TMP/net.json")" '"network": \{"mode": "veth","ports": \[\{"protocol": "tcp","host": 8080,"container": 80\},\{"protocol": "udp","host": "5000-5001"\}\],"addresses": "auto"\}' \
	"spec --from-command-line prints --network-veth and -p as the network member (auto addresses)"
want=$(n plan -D "$ROOTFS" "${netopts[@]}" -- true | sed 1d)
like "$want" "net-veth +veth ve-rt$$ <-> host0" "plan -D --network-veth: the veth step"
like "$want" "net-ports .*tcp 8080 -> the container's address:80, udp 5000-5001 -> the container's address:5000;" "plan -D -p: the forwards"
is "$(n plan "$TMP/net.json" | sed 1d)" "$want" "... and the printed spec has the same plan"
n spec --from-command-line -D "$ROOTFS" --network-bridge=br$$ -- true >"$TMP/br.json"
is "$(n plan "$TMP/br.json" | sed 1d)" "$(n plan -D "$ROOTFS" --network-bridge=br$$ -- true | sed 1d)" "--network-bridge: the same plan from the printed spec"
like "$(tr -d '\t\n' <"$TMP/br.json")" '"network": \{"mode": "bridge","bridge": "br'$$'"\}' "... which holds mode and bridge"
n spec --from-command-line -D "$ROOTFS" --private-network -- cat /proc/net/dev >"$TMP/priv.json"
is "$(n "$TMP/priv.json" | awk -F: 'NR > 2 {gsub(/ /, "", $1); print $1}')" "lo" "--private-network printed and run: only lo inside"
n spec --from-command-line "$TMP/br.json" --network-veth >"$TMP/br2.json"
unlike "$(cat "$TMP/br2.json")" '"bridge"' "--network-veth over a spec's bridge: the last mode wins, the bridge goes"
out=$(n -D "$ROOTFS" -p tcp:80:80:80 true 2>&1); st=$?
is "$st:$out" "125:nsrun: option --port=tcp:80:80:80: expected [tcp:|udp:]HOSTPORT[:CONTAINERPORT], HOSTPORT a port or a range FIRST-LAST" "a bad --port names the option"
out=$(n -D "$ROOTFS" --private-network -p 8080 true 2>&1)
like "$out" "^nsrun: option --port=8080: port forwarding needs \"mode\": \"veth\"" "--port with --private-network: refused, naming the option"

# errors name the option and the member
out=$(n -D "$ROOTFS" --hostname a_b true 2>&1); st=$?
is "$st:$out" "125:nsrun: option --hostname=a_b: /hostname: may hold only letters, digits, '-' and '.', got \"a_b\"" "a bad --hostname names the option and the member"
out=$(n -D "$ROOTFS" --capability CAP_NOPE true 2>&1)
like "$out" "^nsrun: option --capability=CAP_NOPE: /add/capabilities/0: unknown capability \"CAP_NOPE\"" "a bad --capability names the option"
out=$(n -D "$ROOTFS" --syscall-filter '~nosuchcall' true 2>&1)
like "$out" "^nsrun: option --syscall-filter=~nosuchcall: /add/syscallFilter/0: " "a bad --syscall-filter names the option"
out=$(n -D "$ROOTFS" --bind /x:/y:bogus true 2>&1)
is "$out" "nsrun: option --bind=/x:/y:bogus: unknown bind option \"bogus\": expected ro, rw, rbind, norbind, idmap or noidmap" "a bad --bind option"
out=$(n -D "$ROOTFS" --bind /tmp:relative true 2>&1)
like "$out" "^nsrun: option --bind=/tmp:relative: /add/mounts/0/destination: " "a relative --bind destination"
out=$(n -D "$ROOTFS" --user nosuch true 2>&1)
like "$out" "^nsrun: option --user=nosuch: no user \"nosuch\" in .*/etc/passwd" "an unknown --user"
out=$(n -D "$ROOTFS" --setenv =x true 2>&1)
like "$out" "^nsrun: option --setenv==x: /add/env/0: expected KEY=VALUE" "a bad --setenv"
out=$(n -D "$ROOTFS" --no-such-option true 2>&1); st=$?
is "$st:$out" "125:nsrun: unknown option '--no-such-option'; see nsrun --help" "an unknown option"
out=$(n -D 2>&1)
is "$out" "nsrun: option -D needs a value" "-D without a value"
out=$(n -M ../x true 2>&1)
like "$out" "^nsrun: option --machine=../x: a machine name must not" "-M refuses a name with a slash or dots"

# -M NAME: the image store, and NAME.json beside the tree
copy_rootfs "$M/cmdm$$"
out=$(n -M "cmdm$$" hostname 2>&1)
is "$out" "cmdm$$" "-M NAME runs \$NSRUN_MACHINES_DIR/NAME (hostname: the machine name)"
spec "$M/cmdm$$.json" '{"hostname": "fromjson", "process": {"args": ["hostname"]}}'
out=$(n -M "cmdm$$" 2>&1)
is "$out" "fromjson" "-M NAME uses NAME.json, with the tree as its root"

# registry: a foreground -D run is listed while it runs, then gone
records() { ls /run/nsrun/.machines 2>/dev/null | grep -c "^regd$$" ; }
mkdir -p "$TMP/regd$$" && cp -a "$ROOTFS/." "$TMP/regd$$/"
loop='trap "exit 0" TERM; while :; do sleep 0.1; done'
"$NSRUN" -D "$TMP/regd$$" sh -c "$loop" & pid=$!
listed() { n list | grep -Eq "^$1 +[a-z]+ +[0-9]+ +running "; }
for i in $(seq 100); do listed "regd$$" && break; sleep 0.05; done
out=$(n list --json | grep "\"regd$$\"")
like "$out" "\"kind\":\"directory\",\"leader\":[1-9][0-9]*,\"state\":\"running\",\"root\":\"$TMP/regd$$\"" "list --json shows a running -D container"
leader=$(echo "$out" | sed 's/.*"leader":\([0-9]*\).*/\1/')
is "$(cat /proc/$leader/comm 2>/dev/null)" "sh" "... with its leader's host PID"
"$NSRUN" -D "$TMP/regd$$" sh -c "$loop" & pid2=$!
for i in $(seq 100); do listed "regd$$-2" && break; sleep 0.05; done
like "$(n list)" "regd$$-2 +directory" "a second run of the same tree gets a name of its own"
out=$(n -D "$TMP/regd$$" --no-register true; n list)
unlike "$out" "regd$$-3" "--no-register: not listed"
kill $pid $pid2; wait $pid $pid2 2>/dev/null
unlike "$(n list)" "regd$$" "gone from the list once it ended"
is "$(ls /run/nsrun/.machines 2>/dev/null | grep -c "regd$$")" "0" "no record left behind"
spec "$TMP/named.json" "{\"root\": {\"path\": \"$ROOTFS\"}, \"machine\": \"named$$\", \"process\": {\"args\": [\"sleep\", \"30\"]}}"
"$NSRUN" "$TMP/named.json" & pid=$!
for i in $(seq 100); do listed "named$$" && break; sleep 0.05; done
out=$(n "$TMP/named.json" 2>&1); st=$?
is "$st:$out" "125:nsrun: a machine named \"named$$\" is running already (see nsrun list)" "an explicit machine name is unique"
kill -9 $pid; wait $pid 2>/dev/null
unlike "$(n list)" "named$$" "the record of a SIGKILLed nsrun is swept"
is "$(ls /run/nsrun/.machines 2>/dev/null | grep -c "named$$")" "0" "... and its files removed"

# stop: SIGTERM first; a program that ignores it is killed after --timeout
"$NSRUN" -D "$ROOTFS" --hostname stopme$$ sleep 100 & pid=$!
for i in $(seq 100); do listed "stopme$$" && break; sleep 0.05; done
out=$(n stop --timeout 1 "stopme$$" 2>&1); st=$?
is "$st:$out" "0:nsrun: machine stopme$$ did not stop within 1 s: killed" "stop NAME: SIGTERM ignored (PID 1), killed after --timeout"
wait $pid; is "$?" 137 "... its nsrun ends with the container (SIGKILL: 137)"
out=$(n status ../../etc/passwd 2>&1); st=$?
like "$st:$out" "^125:nsrun: no machine \"../../etc/passwd\" is running" "a machine name is never a path"
[ -f /etc/passwd ]; ok $? "... (and nothing outside the registry was touched)"

# a container id that does not exist, under an empty --root: every verb that
# loads a container says so and fails with its usual status (pause, resume
# and update used to free an uninitialised state here and crash)
mkdir -p "$TMP/noroot"
echo '{"pids": {"limit": 10}}' >"$TMP/nores.json"
for verb in "pause:1" "resume:1" "update --resources $TMP/nores.json:1" "events --stats:125" \
	    "ps:1" "kill:1" "state:1"; do
	args=${verb%:*}
	out=$("$NSRUN" --root "$TMP/noroot" $args nosuch$$ 2>&1); st=$?
	is "$st:$out" "${verb##*:}:nsrun: container \"nosuch$$\" does not exist" "${args%% *} of a missing container: a clear error, no crash"
done
[ -z "$(ls -A "$TMP/noroot")" ]; ok $? "... and nothing is left under --root"

done_testing
