#!/bin/bash
# The escape regression suite (issue 4, SECURITY.md): each test sets up a
# known way out of a container runtime, runs nsrun, and checks on the host
# that nothing changed: files, mounts, /proc settings, the nsrun binary.
. "$(dirname "$0")/lib.sh"
need_root

run() { "$NSRUN" "$@"; }

HELPERS=$TMP/helpers
mkdir -p "$HELPERS"
for src in "$NSRUN_SRC"/tests/helpers/*.c; do
	gcc -static -O2 -o "$HELPERS/$(basename "$src" .c)" "$src" ||
		{ echo "Bail out! cannot build $src (gcc -static)"; exit 1; }
done

# A fresh rootfs copy per attack: fresh_rootfs NAME -> path in $RF
fresh_rootfs() {
	RF=$TMP/$1
	rm -rf "$RF"
	copy_rootfs "$RF"
	mkdir -p "$RF/t"
	cp "$HELPERS"/* "$RF/t/"
}
# The host directory attacks aim at; it must stay empty.
HOSTDIR=$TMP/hostdir
mkdir -p "$HOSTDIR"
host_untouched() { # host_untouched NAME: $HOSTDIR still empty, mounts as before
	is "$(ls -A "$HOSTDIR")" "" "$1: nothing was created in the host directory"
	is "$(host_mounts)" "$BEFORE_MOUNTS" "$1: the host's mounts are unchanged"
}
BEFORE_MOUNTS=$(host_mounts)
field() { printf '%s\n' "$2" | awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ +/, ""); print; exit }'; }
capmask() {
	local m=0
	for b in "$@"; do m=$((m | (1 << b))); done
	printf '%016x' "$m"
}
# Host /proc settings a container must not reach
host_proc_state() { cat /proc/sys/kernel/core_pattern /proc/sys/kernel/hostname /proc/sys/kernel/shmmax \
	/proc/sys/net/ipv4/ip_forward /proc/sys/kernel/modprobe 2>/dev/null; }
BEFORE_PROC=$(host_proc_state)

# Path attacks run twice: with openat2(RESOLVE_IN_ROOT) and with the
# component walk nsrun falls back to on kernels without it.
path_attacks() {
	echo "# path resolution: $1"
	# --- /dev is a symlink to a host directory --------------------------------
	for link in "$HOSTDIR" "../../../../../../../../..$HOSTDIR"; do
		fresh_rootfs devlink
		rm -rf "$RF/dev"
		ln -s "$link" "$RF/dev"
		minimal_spec "$TMP/s.json" '["sh", "-c", "ls /dev"]'
		sed -i "s|$ROOTFS|$RF|" "$TMP/s.json"
		out=$(run "$TMP/s.json" 2>&1); rc=$?
		ok "$([ "$rc" = 125 ] || [ "$rc" = 0 ]; echo $?)" "/dev -> $link: refused or confined (status $rc)"
		host_untouched "/dev -> $link (minimal spec)"
		# an OCI spec with its own /dev tmpfs and devpts
		spec "$TMP/o.json" "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"$RF\"}, \"process\": {\"cwd\": \"/\", \"args\": [\"ls\", \"/dev\"]},
		 \"mounts\": [{\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}, {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\"}],
		 \"linux\": {\"namespaces\": [{\"type\":\"mount\"}], \"devices\": [{\"path\": \"/dev/evil\", \"type\": \"c\", \"major\": 1, \"minor\": 3}]}}"
		run "$TMP/o.json" >/dev/null 2>&1
		host_untouched "/dev -> $link (OCI spec with /dev, /dev/pts and a device)"
	done

	# --- /proc or /sys is a symlink ------------------------------------------
	for d in proc sys; do
		for link in "$HOSTDIR" "/etc" "tmp"; do
			fresh_rootfs plink
			rm -rf "${RF:?}/$d"
			ln -s "$link" "$RF/$d"
			minimal_spec "$TMP/s.json" '["true"]'
			sed -i "s|$ROOTFS|$RF|" "$TMP/s.json"
			out=$(run "$TMP/s.json" 2>&1); rc=$?
			is "$rc" 125 "/$d -> $link: refused"
			like "$out" "mount /$d: /$d in the root filesystem is a symlink, not a directory: refusing to mount there" \
				"/$d -> $link: with a clear error"
		done
	done
	host_untouched "/proc and /sys symlinks"

	# --- mount destinations through symlinks and ".." ------------------------
	fresh_rootfs mntlink
	mkdir -p "$TMP/src"
	echo data >"$TMP/src/file"
	ln -s "$HOSTDIR" "$RF/mnt/abs"
	ln -s "../../../../../../../../..$HOSTDIR" "$RF/mnt/rel"
	ln -s "/mnt/abs" "$RF/mnt/chain"
	for dest in /mnt/abs /mnt/abs/sub /mnt/rel /mnt/rel/sub /mnt/chain/sub; do
		for kind in tmpfs bind; do
			if [ $kind = tmpfs ]; then m="{\"destination\": \"$dest\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}"
			else m="{\"destination\": \"$dest\", \"type\": \"bind\", \"source\": \"$TMP/src\", \"options\": [\"bind\"]}"; fi
			spec "$TMP/m.json" "{\"root\": {\"path\": \"$RF\"}, \"process\": {\"args\": [\"sh\", \"-c\", \"ls $dest\"]}, \"mounts\": [$m]}"
			out=$(run "$TMP/m.json" 2>&1); rc=$?
			if [ "$rc" = 0 ]; then
				is "$(ls -A "$HOSTDIR")" "" "$kind on $dest: confined to the rootfs"
			else
				is "$rc" 125 "$kind on $dest: refused"
			fi
		done
	done
	host_untouched "mount destinations through symlinks"
	for dest in "/../../../../..$HOSTDIR" "/mnt/../../..$HOSTDIR" "/mnt/.."; do
		spec "$TMP/m.json" "{\"root\": {\"path\": \"$RF\"}, \"process\": {\"args\": [\"true\"]},
		 \"mounts\": [{\"destination\": \"$dest\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]}"
		like "$(run "$TMP/m.json" 2>&1)" "/mounts/0/destination: a mount destination must not contain \"..\" components" \
			"destination $dest: refused by validation"
	done
	host_untouched "mount destinations with .."

	# --- process.cwd through /proc/self/fd/N with fds leaked by the caller --------
	# The caller leaks directories of the host, without CLOEXEC.
	exec 3</ 4</etc 5<"$HOSTDIR" 6</root 7</tmp 8</proc 9</sys 10</ 11</etc 12</ 13</ 14</ 15</ 16</ 17</ 18</ 19</ 20</
	refused=0 inside=0 escaped=0
	for n in $(seq 3 20); do
		spec "$TMP/c.json" "{\"root\": {\"path\": \"$ROOTFS\"}, \"process\": {\"cwd\": \"/proc/self/fd/$n\",
		 \"args\": [\"sh\", \"-c\", \"pwd; touch escaped-$n\"]}}"
		out=$(run "$TMP/c.json" 2>&1); rc=$?
		if [ "$rc" = 125 ]; then refused=$((refused + 1))
		elif printf '%s' "$out" | grep -q '^/' && ! printf '%s' "$out" | grep -q unreachable; then inside=$((inside + 1))
		else escaped=$((escaped + 1)); echo "# cwd /proc/self/fd/$n: $out"; fi
	done
	exec 3<&- 4<&- 5<&- 6<&- 7<&- 8<&- 9<&- 10<&- 11<&- 12<&- 13<&- 14<&- 15<&- 16<&- 17<&- 18<&- 19<&- 20<&-
	is "$escaped" 0 "cwd /proc/self/fd/3..20 with leaked fds: never outside the container ($refused refused, $inside inside)"
	is "$(find / /etc /root /tmp "$HOSTDIR" -maxdepth 1 -name 'escaped-*' 2>/dev/null)" "" "cwd: nothing was written through a leaked fd"
	exec 7</etc
	spec "$TMP/c.json" "{\"root\": {\"path\": \"$ROOTFS\"}, \"process\": {\"cwd\": \"/proc/self/fd/7\", \"args\": [\"pwd\"]}}"
	like "$(run "$TMP/c.json" 2>&1)" "step [0-9]+ cwd /proc/self/fd/7: .*ELOOP" "cwd /proc/self/fd/7: refused, naming the step"
	spec "$TMP/c.json" "{\"root\": {\"path\": \"$ROOTFS\"}, \"process\": {\"cwd\": \"/proc/1/root/../../..\", \"args\": [\"pwd\"]}}"
	is "$(run "$TMP/c.json" 2>&1 | grep -c unreachable)" 0 "cwd through /proc/1/root: never outside"
	exec 7<&-

}
path_attacks openat2
NSRUN_TEST_NO_OPENAT2=1 path_attacks "component walk (NSRUN_TEST_NO_OPENAT2=1)"

# --- the container's fds: only 0, 1, 2 even when the caller leaks some ---------
fresh_rootfs fds
exec 7</etc 8>"$TMP/leak" 9<"$NSRUN" 21</ 100</
spec "$TMP/f.json" "{\"root\": {\"path\": \"$RF\"}, \"process\": {\"args\": [\"/t/fds\"]}}"
is "$(run "$TMP/f.json" 2>/dev/null </dev/null)" "0 1 2 " "the container's PID 1 holds only fds 0, 1, 2 (7, 8, 9, 21, 100 were leaked)"
spec "$TMP/f.json" "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"$RF\"}, \"process\": {\"cwd\": \"/\", \"args\": [\"/t/fds\"]},
 \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}], \"linux\": {\"namespaces\": [{\"type\":\"mount\"}]}}"
is "$(run "$TMP/f.json" 2>/dev/null </dev/null)" "0 1 2 " "an OCI spec without a pid namespace: only 0, 1, 2"
spec "$TMP/f.json" "{\"root\": {\"path\": \"$RF\"}, \"process\": {\"terminal\": true, \"args\": [\"/t/fds\"]}}"
out=$(script -qec "$NSRUN $TMP/f.json" /dev/null </dev/null 2>&1 | tr -d '\r\000')
# (script may echo a stray ^@ before the output)
like "$out" "^(\^@)?0 1 2 $" "with a terminal too: only 0, 1, 2"
exec 7<&- 8>&- 9<&- 21<&- 100<&-

# --- /proc/<nsrun pid>/exe: CVE-2019-5736 ------------------------------------
# No pid namespace, so the container sees nsrun (its parent) in /proc;
# nspawn's default set includes CAP_SYS_PTRACE.  Attack a copy of nsrun.
fresh_rootfs exe
cp "$NSRUN" "$TMP/nsrun-copy"
sum=$(sha256sum <"$TMP/nsrun-copy")
# (as the host's root, privateUsers "no": the worst case)
spec "$TMP/e.json" "{\"root\": {\"path\": \"$RF\"}, \"privateUsers\": \"no\", \"process\": {\"args\": [\"sh\", \"-c\", \"/t/exe-attack \$PPID /report; readlink /proc/\$PPID/exe\"]},
 \"linux\": {\"namespaces\": [{\"type\":\"mount\"},{\"type\":\"uts\"}]}}"
out=$("$TMP/nsrun-copy" "$TMP/e.json" 2>&1)
like "$out" "open for writing: (ETXTBSY|EACCES|EPERM)" "/proc/<nsrun>/exe: opening it for writing fails"
like "$out" "memfd:nsrun" "/proc/<nsrun>/exe: nsrun runs from a sealed memfd, not the binary"
for _ in $(seq 100); do grep -q done "$RF/report" 2>/dev/null && break; sleep 0.1; done
report=$(cat "$RF/report" 2>/dev/null)
unlike "$report" "write (while running|after exit): ok" "/proc/<nsrun>/exe: no write reached it, also after nsrun exited"
is "$(sha256sum <"$TMP/nsrun-copy")" "$sum" "/proc/<nsrun>/exe: the nsrun binary's sha256 is unchanged"
# the program is "#!/proc/self/exe": what runs is the sealed copy
printf '#!/proc/self/exe\n' >"$RF/evil"
chmod 755 "$RF/evil"
spec "$TMP/e.json" "{\"root\": {\"path\": \"$RF\"}, \"process\": {\"args\": [\"/evil\", \"--version\"]}}"
out=$("$TMP/nsrun-copy" "$TMP/e.json" 2>&1)
is "$(sha256sum <"$TMP/nsrun-copy")" "$sum" "#!/proc/self/exe as the program: the binary is unchanged"
spec "$TMP/e.json" "{\"root\": {\"path\": \"$RF\"}, \"process\": {\"args\": [\"sh\", \"-c\", \"readlink /proc/self/exe; echo x > /proc/self/exe\"]}}"
like "$("$TMP/nsrun-copy" "$TMP/e.json" 2>&1)" "^/bin/busybox" "the container's PID 1 is the program, not nsrun"

# --- CVE-2019-5736 through create/start and exec, with the default config ----
# The config `nsrun spec` writes (pid namespace, three capabilities, no
# CAP_SYS_PTRACE).  The image ships its own ld.so and libc (nsrun is
# dynamically linked) and preloads exe-grab.so: a program starting with
# "#!/proc/self/exe" makes the kernel run the exec'ing process's binary,
# the library's constructor keeps a handle on it and rewrites it once no
# nsrun runs any more.  All nsrun commands here run a copy of nsrun.
gcc -shared -fPIC -O2 -o "$HELPERS/exe-grab.so" "$NSRUN_SRC/tests/helpers/preload/exe-grab.c" ||
	{ echo "Bail out! cannot build exe-grab.so"; exit 1; }
exe_image() { # exe_image NAME: $RF with nsrun's loader and libraries, /evil, /t/exe-grab.so
	fresh_rootfs "$1"
	cp "$HELPERS/exe-grab.so" "$RF/t/"
	local lib
	for lib in $(ldd "$TMP/nsrun-copy" | grep -o '/[^ ]*'); do
		mkdir -p "$RF$(dirname "$lib")"
		cp -L "$lib" "$RF$lib"
	done
	printf '#!/proc/self/exe\n' >"$RF/evil"
	chmod 755 "$RF/evil"
}
exe_bundle() { # exe_bundle DIR ARGS_JSON: the default config on $RF, writable root
	mkdir -p "$1"
	(cd "$1" && "$TMP/nsrun-copy" spec)
	/usr/bin/python3 - "$1/config.json" "$RF" "$2" <<'PY'
import json, sys
path, root, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
c = json.load(open(path))
c["root"] = {"path": root, "readonly": False}
c["process"]["terminal"] = False
c["process"]["args"] = args
# (under ASan, nsrun's libasan must let the preloaded library come first)
c["process"]["env"] += ["LD_PRELOAD=/t/exe-grab.so", "ASAN_OPTIONS=verify_asan_link_order=0"]
json.dump(c, open(path, "w"), indent=1)
PY
}
exe_report() { # wait for the attack's "done", print its report
	for _ in $(seq 200); do grep -q '^done' "$RF/report" 2>/dev/null && break; sleep 0.05; done
	cat "$RF/report" 2>/dev/null
}
XROOT=$TMP/exe-state
xn() { "$TMP/nsrun-copy" --root "$XROOT" "$@"; }
cp "$NSRUN" "$TMP/nsrun-copy"
sum=$(sha256sum <"$TMP/nsrun-copy")

exe_image exe-start
exe_bundle "$TMP/exe-start" '["/evil"]'
xn create --bundle "$TMP/exe-start" "sec-exe-s$$"; is "$?" 0 "#!/proc/self/exe via create/start: create exits 0"
xn start "sec-exe-s$$"; is "$?" 0 "#!/proc/self/exe via create/start: start exits 0"
report=$(exe_report)
like "$report" "grabbed /memfd:nsrun" "#!/proc/self/exe via create/start: what ran inside is the sealed copy"
like "$report" "reopen for writing after exit: ok" "#!/proc/self/exe via create/start: the attack kept its handle until nsrun exited"
like "$report" "write after exit: EPERM" "#!/proc/self/exe via create/start: the write after exit fails (sealed)"
unlike "$report" "write (while running|after exit): ok" "#!/proc/self/exe via create/start: no write reached a binary"
is "$(sha256sum <"$TMP/nsrun-copy")" "$sum" "#!/proc/self/exe via create/start: the nsrun binary is byte-identical"
xn delete --force "sec-exe-s$$"

cp "$NSRUN" "$TMP/nsrun-copy"   # a fresh copy, whatever happened above
exe_image exe-exec
exe_bundle "$TMP/exe-exec" '["sleep", "60"]'
rm -f "$RF/bin/sh"
printf '#!/proc/self/exe\n' >"$RF/bin/sh"
chmod 755 "$RF/bin/sh"
xn run --detach --bundle "$TMP/exe-exec" "sec-exe-e$$"; is "$?" 0 "#!/proc/self/exe via exec: the container runs"
xn exec -e LD_PRELOAD=/t/exe-grab.so -e ASAN_OPTIONS=verify_asan_link_order=0 "sec-exe-e$$" /bin/sh -c true
report=$(exe_report)
like "$report" "grabbed /memfd:nsrun" "nsrun exec ID /bin/sh (replaced /bin/sh): what ran inside is the sealed copy"
like "$report" "write after exit: EPERM" "nsrun exec ID /bin/sh: the write after exit fails (sealed)"
unlike "$report" "write (while running|after exit): ok" "nsrun exec ID /bin/sh: no write reached a binary"
is "$(sha256sum <"$TMP/nsrun-copy")" "$sum" "nsrun exec ID /bin/sh: the nsrun binary is byte-identical"
xn delete --force "sec-exe-e$$"
# a startContainer hook (it runs inside) whose program the image replaced
cp "$NSRUN" "$TMP/nsrun-copy"
sum=$(sha256sum <"$TMP/nsrun-copy")
exe_image exe-hook
exe_bundle "$TMP/exe-hook" '["sleep", "60"]'
/usr/bin/python3 - "$TMP/exe-hook/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["hooks"] = {"startContainer": [{"path": "/evil", "env": ["LD_PRELOAD=/t/exe-grab.so", "ASAN_OPTIONS=verify_asan_link_order=0"]}]}
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
xn run --detach --bundle "$TMP/exe-hook" "sec-exe-h$$"; is "$?" 0 "#!/proc/self/exe as a startContainer hook: the container runs"
report=$(exe_report)
like "$report" "grabbed /memfd:nsrun" "#!/proc/self/exe as a startContainer hook: what ran inside is the sealed copy"
like "$report" "write after exit: EPERM" "#!/proc/self/exe as a startContainer hook: the write after exit fails (sealed)"
is "$(sha256sum <"$TMP/nsrun-copy")" "$sum" "#!/proc/self/exe as a startContainer hook: the nsrun binary is byte-identical"
xn delete --force "sec-exe-h$$"
is "$(ls -A "$XROOT")" "" "#!/proc/self/exe: no container state is left"

# --- the caller's session keyring -------------------------------------------
# A secret in the caller's session keyring: the container gets a session
# keyring of its own (run, create/start, exec), so it neither holds nor reads it.
if command -v keyctl >/dev/null; then
	fresh_rootfs keyring
	for bin in "$(command -v keyctl)" $(ldd "$(command -v keyctl)" | grep -o '/[^ ]*'); do
		mkdir -p "$RF$(dirname "$bin")"
		cp -L "$bin" "$RF$bin"
	done
	cat >"$RF/t/keys.sh" <<'SH'
echo "show: $(keyctl show @s 2>&1 | tr '\n' ' ')"
echo "print: $(keyctl print "$1" 2>&1)"
echo "search: $(keyctl search @s user "$2" 2>&1)"
echo "proc-keys: $(grep -c "$2" /proc/keys)"
SH
	KEYNAME=nsrun-sec-exe-$$
	# (a short spec's default syscall filter refuses @keyring outright: a
	# deny-list filter of its own lets the keyring itself be tested)
	spec "$TMP/k.json" "{\"root\": {\"path\": \"$RF\"}, \"process\": {\"args\": [\"sh\", \"/t/keys.sh\", \"KEYID\", \"$KEYNAME\"]},
	 \"linux\": {\"syscallFilter\": [\"~kexec_load\"]}}"
	exe_bundle "$TMP/kb" '["sleep", "60"]'
	sed -i 's|"LD_PRELOAD=/t/exe-grab.so"|"X=1"|' "$TMP/kb/config.json"
	# keys.sh prints what the container sees of the caller's key; KEYID is its serial
	keytest() { # keytest WHAT: run the attempts inside a fresh session holding the secret
		keyctl session - bash -c '
			id=$(keyctl add user "$1" nsrun-secret-value @s) || exit 1
			echo "host: $(keyctl print "$id")"
			sed -i "s/KEYID/$id/" "$3"
			case $2 in
			run) "$NSRUN" "$3" ;;
			exec) "$NSRUN" --root "$4" run --detach --bundle "$5" "sec-exe-k$$" &&
			      "$NSRUN" --root "$4" exec "sec-exe-k$$" sh /t/keys.sh "$id" "$1"
			      "$NSRUN" --root "$4" delete --force "sec-exe-k$$" ;;
			esac
			keyctl unlink "$id" @s >/dev/null' - "$KEYNAME" "$1" "$TMP/k.json" "$XROOT" "$TMP/kb" 2>&1
	}
	out=$(keytest run)
	like "$out" "host: nsrun-secret-value" "keyring (control): the host's session keyring holds the secret"
	unlike "$out" "show: .*$KEYNAME" "keyring (run): keyctl show @s inside does not list the caller's key"
	like "$out" "print: .*(Permission denied|Required key not available)" "keyring (run): reading the caller's key inside fails"
	like "$out" "search: .*(not available|not found)" "keyring (run): it is not found from the session keyring"
	is "$(printf '%s\n' "$out" | grep -c nsrun-secret-value)" 1 "keyring (run): the secret shows only on the host"
	out=$(keytest exec)
	unlike "$out" "show: .*$KEYNAME" "keyring (exec): keyctl show @s inside does not list the caller's key"
	like "$out" "print: .*(Permission denied|Required key not available)" "keyring (exec): reading the caller's key inside fails"
	is "$(printf '%s\n' "$out" | grep -c nsrun-secret-value)" 1 "keyring (exec): the secret shows only on the host"
else
	ok 1 "keyring: keyctl is missing (tests/deps.sh installs keyutils)"
fi

# --- host fds in processes a container with CAP_SYS_PTRACE can trace -----------
# The default config plus CAP_SYS_PTRACE.  fdwalk tries to reach the host
# through /proc/PID/root, cwd and fd/N of another process of the container:
# "../../.." to the host's root, the host's core_pattern (opened, never
# written), a host procfs, a namespace of nsrun's.
fdwalk_bundle() { # fdwalk_bundle DIR ARGS_JSON
	exe_bundle "$1" "$2"
	/usr/bin/python3 - "$1/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["env"] = [e for e in c["process"]["env"] if not e.startswith("LD_PRELOAD=")]
for s in ("bounding", "effective", "permitted"):
    c["process"]["capabilities"][s].append("CAP_SYS_PTRACE")
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
}
BEFORE_CORE=$(cat /proc/sys/kernel/core_pattern)
fresh_rootfs fdwalk
fdwalk_bundle "$TMP/fw" '["sleep", "60"]'
# PID 1 waits for `nsrun start`; a process exec'd into the container walks it
xn create --bundle "$TMP/fw" "sec-exe-w$$"; is "$?" 0 "fd walk: create exits 0"
out=$(xn exec "sec-exe-w$$" /t/fdwalk "$HOSTDIR" 1 2>&1)
like "$out" "walked 1: [3-9][0-9]* links" "fd walk, PID 1 waiting for start: the walk reached it (root, cwd, its fds)"
unlike "$out" "ESCAPED" "fd walk, PID 1 waiting for start: nothing of the host through root, cwd or any fd"
unlike "$out" "(root|cwd|fd/([3-9]|[1-9][0-9]+)) -> /(run|var|tmp|etc|proc)($|/)" "fd walk, PID 1 waiting for start: it holds no fd of a host path"
printf '%s\n' "$out" | grep ESCAPED | sed 's/^/# /'
xn start "sec-exe-w$$"; is "$?" 0 "fd walk: start still works (PID 1 waits on a socket)"
xn delete --force "sec-exe-w$$"
# the exec child: stopped (NSRUN_TEST_STOP_VISIBLE) the moment the
# container can see it, walked by the container's PID 1, then continued
fdwalk_bundle "$TMP/fw2" "[\"sh\", \"-c\", \"/t/fdwalk --stopped $HOSTDIR; exec sleep 60\"]"
xn run --detach --bundle "$TMP/fw2" "sec-exe-x$$" >"$TMP/fw2.out" 2>&1; is "$?" 0 "fd walk, exec: the container runs"
exec 7</etc   # a host directory the caller leaks without CLOEXEC
out=$(NSRUN_TEST_STOP_VISIBLE=1 timeout 20 "$TMP/nsrun-copy" --root "$XROOT" exec "sec-exe-x$$" sh -c 'echo exec-ran' 2>&1)
is "$out" "exec-ran" "fd walk, exec: the exec'd program ran once continued"
exec 7<&-
for _ in $(seq 100); do grep -q '^walked' "$TMP/fw2.out" && break; sleep 0.05; done
out=$(cat "$TMP/fw2.out")
like "$out" "walked [0-9]+: [3-9][0-9]* links" "fd walk, exec child: the walk reached it while stopped"
like "$out" "stopped: [0-9]+ \(/memfd:nsrun" "fd walk, exec child: caught while still nsrun (before exec)"
unlike "$out" "ESCAPED" "fd walk, exec child: nothing of the host through root, cwd or any fd (incl. one the caller leaked)"
unlike "$out" "(root|cwd|fd/([3-9]|[1-9][0-9]+)) -> /(run|var|tmp|etc|proc)($|/)" "fd walk, exec child: it holds no fd of a host path"
printf '%s\n' "$out" | grep ESCAPED | sed 's/^/# /'
xn delete --force "sec-exe-x$$"
is "$(ls -A "$HOSTDIR")" "" "fd walk: nothing was created in the host directory"
is "$(cat /proc/sys/kernel/core_pattern)" "$BEFORE_CORE" "fd walk: the host's core_pattern is unchanged"

# --- the image's /dev/null is a symlink, a file, or another device --------
for kind in symlink file wrongdev; do
	fresh_rootfs devnull
	echo untouched >"$TMP/victim"
	rm -f "$RF/dev/null"
	case $kind in
	symlink) ln -s /proc/sys/kernel/core_pattern "$RF/dev/null" ;;
	file) echo notnull >"$RF/dev/null" ;;
	wrongdev) mknod "$RF/dev/null" c 1 5 ;;
	esac
	# The image's own /dev, bound in so its /dev/null is what the container
	# sees; /proc/sys read-only as in any spec that gives CAP_SYS_ADMIN in
	# the host's user namespace (else the container may write it anyway).
	spec "$TMP/n.json" "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"$RF\"},
	 \"process\": {\"cwd\": \"/\", \"args\": [\"sh\", \"-c\", \"wc -c </proc/keys; wc -c </proc/timer_list; echo pwned >/proc/keys; echo x >/dev/null; echo done\"],
	  \"capabilities\": {\"bounding\": [\"CAP_SYS_ADMIN\",\"CAP_DAC_OVERRIDE\"], \"effective\": [\"CAP_SYS_ADMIN\",\"CAP_DAC_OVERRIDE\"], \"permitted\": [\"CAP_SYS_ADMIN\",\"CAP_DAC_OVERRIDE\"]}},
	 \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},
	  {\"destination\": \"/dev\", \"type\": \"bind\", \"source\": \"$RF/dev\", \"options\": [\"rbind\"]}],
	 \"linux\": {\"namespaces\": [{\"type\":\"mount\"},{\"type\":\"pid\"}], \"maskedPaths\": [\"/proc/keys\", \"/proc/timer_list\", \"/proc/kcore\"], \"readonlyPaths\": [\"/proc/sys\"]}}"
	out=$(run "$TMP/n.json" 2>&1); rc=$?
	if [ "$rc" = 0 ]; then
		is "$(echo "$out" | head -2 | tr '\n' ' ')" "0 0 " "/dev/null is a $kind: the masked files still read empty"
		like "$out" "can't create /proc/keys: Read-only file system" "/dev/null is a $kind: and refuse writes"
	else
		is "$rc" 125 "/dev/null is a $kind: refused"
	fi
	is "$(host_proc_state)" "$BEFORE_PROC" "/dev/null is a $kind: the host's /proc settings are unchanged"
	# the default /dev: nsrun's own tmpfs and nodes, whatever the image holds
	minimal_spec "$TMP/n2.json" '["sh", "-c", "stat -c %F,%t:%T /dev/null; wc -c </proc/keys"]'
	sed -i "s|$ROOTFS|$RF|" "$TMP/n2.json"
	is "$(run "$TMP/n2.json" 2>&1)" "character special file,1:3
0" "/dev/null is a $kind in the image: the container's /dev/null is the real 1:3"
done

# --- capabilities: file capabilities and set-uid in the image --------------
fresh_rootfs fcaps
cp "$RF/t/selfstatus" "$RF/t/fi"
cp "$RF/t/selfstatus" "$RF/t/fp"
cp "$RF/t/selfstatus" "$RF/t/suid"
setcap cap_net_raw,cap_net_admin=ei "$RF/t/fi"     # gains only through inheritable
setcap cap_sys_module=p "$RF/t/fp"                # outside the bounding set
chown 0:0 "$RF/t/suid" && chmod 4755 "$RF/t/suid"
capspec() { # capspec PROG UID INHERITABLE_JSON [EXTRA_PROCESS [PERMITTED_JSON]]
	local prm=${5:-'["CAP_NET_RAW","CAP_KILL"]'}
	spec "$TMP/fc.json" "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"$RF\"},
	 \"process\": {\"cwd\": \"/\", \"args\": [\"$1\"], \"user\": {\"uid\": $2, \"gid\": $2}${4:-},
	  \"capabilities\": {\"bounding\": [\"CAP_NET_RAW\",\"CAP_KILL\"], \"permitted\": $prm, \"effective\": $prm, \"inheritable\": $3}},
	 \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}],
	 \"linux\": {\"namespaces\": [{\"type\":\"mount\"},{\"type\":\"pid\"}]}}"
	run "$TMP/fc.json" 2>&1
}
if getcap "$RF/t/fi" | grep -q net_raw; then
	out=$(capspec /t/fi 1000 '[]')
	is "$(field CapPrm "$out"),$(field CapEff "$out")" "$(capmask),$(capmask)" \
		"file capabilities =ei with an empty inheritable set: nothing gained"
	out=$(capspec /t/fi 1000 '["CAP_NET_RAW"]')
	is "$(field CapPrm "$out")" "$(capmask 13)" "control: with NET_RAW inheritable the file gains exactly NET_RAW (not NET_ADMIN)"
	out=$(capspec /t/fp 1000 '[]')
	is "$(field CapPrm "$out"),$(field CapEff "$out")" "$(capmask),$(capmask)" \
		"file capability outside the bounding set (SYS_MODULE=p): nothing gained"
	# inheritable NET_RAW but not permitted: the file would add it ...
	out=$(capspec /t/fi 1000 '["CAP_NET_RAW"]' '' '["CAP_KILL"]')
	is "$(field CapPrm "$out")" "$(capmask 13)" "control: file capabilities add an inheritable capability not permitted before"
	# ... which no_new_privs forbids
	out=$(capspec /t/fi 1000 '["CAP_NET_RAW"]' ', "noNewPrivileges": true' '["CAP_KILL"]')
	is "$(field CapPrm "$out")" "$(capmask)" "file capabilities with noNewPrivileges: nothing beyond the permitted set"
else
	ok 0 "# SKIP setcap did not work on this filesystem"
fi
out=$(capspec /t/suid 1000 '[]')
is "$(field euid "$out") $(field CapPrm "$out")" "0 $(capmask 5 13)" \
	"control: a set-uid root program gets euid 0 and only the bounding set"
out=$(capspec /t/suid 1000 '[]' ', "noNewPrivileges": true')
is "$(field euid "$out") $(field CapPrm "$out")" "1000 $(capmask)" "noNewPrivileges: a set-uid root program gains nothing"

# --- TIOCSTI into the caller's terminal -------------------------------------
# nsrun runs under script(1), so its stdin is a terminal the way a user's
# shell is; after nsrun the "shell" reads a line: it must be empty.
tiocsti() { # tiocsti SPEC: what the helper printed, then "got=[LINE]"
	script -qec "$NSRUN $1; read -t 1 line; echo got=[\$line]" /dev/null </dev/null 2>&1 | tr -d '\r'
}
fresh_rootfs tty
# (a short spec's defaults have no CAP_SYS_ADMIN without a user namespace: given here)
SA='"capabilities": {"bounding": ["CAP_SYS_ADMIN"], "effective": ["CAP_SYS_ADMIN"], "permitted": ["CAP_SYS_ADMIN"]}'
spec "$TMP/ti.json" "{\"root\": {\"path\": \"$RF\"}, \"privateUsers\": \"no\", \"process\": {\"args\": [\"/t/tiocsti\", \"echo INJECTED\\n\"], $SA}}"
out=$(tiocsti "$TMP/ti.json")
like "$out" "fd 0: EPERM" "TIOCSTI (minimal spec, root with CAP_SYS_ADMIN): refused"
like "$out" "got=\[\]" "TIOCSTI (minimal spec): nothing reached the caller's terminal"
like "$(run plan "$TMP/ti.json")" "no-tiocsti +seccomp: ioctl TIOCSTI and TIOCLINUX fail with EPERM" \
	"nsrun plan shows the TIOCSTI guard"
spec "$TMP/ti.json" "{\"root\": {\"path\": \"$RF\"}, \"process\": {\"args\": [\"/t/tiocsti\", \"echo INJECTED\\n\"], \"user\": {\"uid\": 1000}}}"
out=$(tiocsti "$TMP/ti.json")
like "$out" "fd 0: (EPERM|EIO)" "TIOCSTI (uid 1000): refused"
like "$out" "got=\[\]" "TIOCSTI (uid 1000): nothing reached the caller's terminal"
spec "$TMP/ti.json" "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"$RF\"}, \"process\": {\"cwd\": \"/\", \"args\": [\"/t/tiocsti\", \"echo INJECTED\\n\"]},
 \"linux\": {\"namespaces\": [{\"type\":\"mount\"}]}}"
out=$(tiocsti "$TMP/ti.json")
like "$out" "got=\[\]" "TIOCSTI (OCI spec without capabilities): nothing reached the caller's terminal"
spec "$TMP/ti.json" "{\"root\": {\"path\": \"$RF\"}, \"process\": {\"terminal\": true, \"args\": [\"/t/tiocsti\", \"echo INJECTED\\n\"]}}"
out=$(tiocsti "$TMP/ti.json")
like "$out" "got=\[\]" "TIOCSTI with terminal true (into its own pty): nothing reached the caller's terminal"

# --- sysctl smuggling --------------------------------------------------------
NSALL='[{"type":"mount"},{"type":"pid"},{"type":"ipc"},{"type":"uts"},{"type":"network"}]'
smuggle() { # smuggle NAME KEY VALUE_JSON
	spec "$TMP/sy.json" "{\"root\": {\"path\": \"$ROOTFS\"}, \"process\": {\"args\": [\"true\"]},
	 \"linux\": {\"namespaces\": $NSALL, \"sysctl\": {\"$2\": $3}}}"
	out=$(run "$TMP/sy.json" 2>&1); rc=$?
	is "$rc" 125 "sysctl smuggling, $1: refused"
	like "$out" "sy.json:[0-9]+:[0-9]+: /linux/sysctl/" "sysctl smuggling, $1: a validation error with its position"
}
smuggle "kernel/core_pattern" "kernel/core_pattern" '"|/tmp/x"'
smuggle "kernel.core_pattern" "kernel.core_pattern" '"|/tmp/x"'
smuggle "net.ipv4/../../kernel/core_pattern" "net.ipv4/../../kernel/core_pattern" '"|/tmp/x"'
smuggle "net.ipv4....kernel.core_pattern" "net.ipv4....kernel.core_pattern" '"x"'
smuggle "net..ipv4.ip_forward" "net..ipv4.ip_forward" '"1"'
smuggle "fs.mqueue/../../kernel.modprobe" "fs.mqueue/../../kernel.modprobe" '"/tmp/x"'
smuggle "a key with a space" "kernel.shmmax kernel.core_pattern" '"1"'
smuggle "a key with a tab" "kernel.shmmax\\tx" '"1"'
smuggle "a key with a newline" "kernel.shmmax\\nkernel.core_pattern" '"1"'
smuggle "a value with a newline" "kernel.shmmax" '"1\nkernel.core_pattern=|/tmp/x"'
smuggle "a value with a carriage return" "kernel.shmmax" '"1\r2"'
smuggle "kernel.modprobe" "kernel.modprobe" '"/tmp/x"'
smuggle "vm.overcommit_memory" "vm.overcommit_memory" '"1"'
smuggle "a leading dot" ".kernel.shmmax" '"1"'
smuggle "a trailing dot" "kernel.shmmax." '"1"'
smuggle "a key ending in a slash" "kernel.shmmax/" '"1"'
spec "$TMP/sy.json" "{\"root\": {\"path\": \"$ROOTFS\"}, \"process\": {\"args\": [\"true\"]},
 \"linux\": {\"namespaces\": [{\"type\":\"mount\"},{\"type\":\"pid\"}], \"sysctl\": {\"kernel.shmmax\": \"1\"}}}"
like "$(run "$TMP/sy.json" 2>&1)" "/linux/sysctl/kernel.shmmax: needs (a new|an) ipc namespace" \
	"sysctl smuggling, an ipc key without an ipc namespace: refused"
is "$(host_proc_state)" "$BEFORE_PROC" "sysctl smuggling: the host's /proc settings are unchanged"

# --- escape 4: a short spec hands out the host's root ----------------------
# Without a user namespace a short spec's root is the host's root.  It must
# not reach the host through cgroup v1 (a new hierarchy, release_agent), a
# fresh procfs or /proc/sys uncovered (core_pattern), open_by_handle_at, or
# a host disk.  Nothing here writes release_agent or core_pattern: the
# attempts stop at mount/open, and the host's files are compared after.
release_agents() { for h in memory pids systemd; do cat "/sys/fs/cgroup/$h/release_agent" 2>/dev/null; done; }
RA_BEFORE=$(release_agents)
CORE_BEFORE=$(cat /proc/sys/kernel/core_pattern)
fresh_rootfs short
# (privateUsers "no": a short spec's default private range is the subject
# of tests/integration/userns.sh, which makes the same attempts there)
minimal_spec "$TMP/short.json" '["true"]' '"privateUsers": "no"'
sed -i "s|$ROOTFS|$RF|" "$TMP/short.json"
plan=$(run plan "$TMP/short.json")
like "$plan" "clone +new namespaces: [a-z ]*cgroup|unshare +unshare cgroup" "short spec: nsrun plan shows a new cgroup namespace"
like "$plan" "cgroup +create .*devices \(v1 devices.deny/devices.allow, v2 eBPF\): deny a, .*allow c 1:3 rwm" \
	"short spec: nsrun plan shows a cgroup allowing only the default devices"
like "$plan" "seccomp +/linux/syscallFilter: allow-list" "short spec: nsrun plan shows nspawn's syscall filter"
unlike "$plan" "bounding-set +keep [A-Z_,]*SYS_ADMIN" "short spec without a user namespace: no CAP_SYS_ADMIN (it would be the host's)"
plan=$(run plan -b "$TMP/short.json")
like "$plan" "cgroup +create .*deny a, .*allow c 1:3 rwm" "short spec, boot mode: nsrun plan shows the device rules too"
unlike "$plan" "bounding-set +keep [A-Z_,]*SYS_ADMIN" "short spec, boot mode: no CAP_SYS_ADMIN either"
# the attacks, as one script run in the container: prints what happened
cat >"$RF/t/attack" <<'ATTACK'
#!/bin/sh
mkdir -p /tmp/cg /tmp/p
for o in memory pids name=systemd none,name=nsrun-escape; do
	if mount -t cgroup -o "$o" cgroup /tmp/cg 2>/dev/null; then
		echo "MOUNTED cgroup $o"; [ -e /tmp/cg/release_agent ] && echo "RELEASE_AGENT $o"; umount /tmp/cg
	else echo "refused cgroup $o"; fi
done
for h in memory pids systemd; do
	[ -e "/sys/fs/cgroup/$h/release_agent" ] && echo "RELEASE_AGENT visible in /sys/fs/cgroup/$h"
done
if mount -t proc proc /tmp/p 2>/dev/null; then echo "MOUNTED a fresh procfs"
	# opened for appending and closed: nothing is written
	(: >>/tmp/p/sys/kernel/core_pattern) 2>/dev/null && echo "CORE_PATTERN writable through a fresh procfs"
else echo "refused procfs"; fi
umount /proc/sys 2>/dev/null && echo "UNMOUNTED /proc/sys"
(: >>/proc/sys/kernel/core_pattern) 2>/dev/null && echo "CORE_PATTERN writable" || echo "refused core_pattern"
/t/byhandle /bin/busybox
grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
# (in the root filesystem: /tmp and /dev are nodev)
if mknod /t/disk b "$1" "$2" 2>/dev/null; then
	if err=$(head -c 512 /t/disk 2>&1 >/dev/null); then echo "READ the host disk $1:$2"
	else echo "refused disk open: $err"; fi
	rm -f /t/disk
else echo "refused mknod"; fi
ATTACK
chmod +x "$RF/t/attack"
# a block device the host itself can read: its root disk, else the first
# other one (a sandboxed host may refuse its own disk)
disk=
for b in "$(basename "$(findmnt -no SOURCE /)")" $(ls /sys/block); do
	if [ -b "/dev/$b" ] && head -c 1 "/dev/$b" >/dev/null 2>&1; then disk=$(cat "/sys/class/block/$b/dev"); break; fi
done
short_attacks() { # short_attacks NAME SPEC [nsrun options]
	local name=$1 spec=$2; shift 2
	out=$(run "$@" "$spec" -- /t/attack "${disk%:*}" "${disk#*:}" </dev/null 2>&1 | tr -d '\r')
	echo "$out" | sed 's/^/# /'
	out=$(echo "$out" | tr '\n' ' ')
	unlike "$out" "MOUNTED|RELEASE_AGENT|CORE_PATTERN|UNMOUNTED|READ the host" "$name: no cgroup hierarchy, release_agent, procfs, /proc/sys or disk reached"
	like "$out" "refused cgroup memory.*refused cgroup pids.*refused cgroup name=systemd.*refused cgroup none,name=nsrun-escape" \
		"$name: mounting the memory, pids, name=systemd and a new cgroup v1 hierarchy fails"
	like "$out" "refused procfs.*refused core_pattern" "$name: a fresh procfs cannot be mounted, core_pattern not opened for writing"
	like "$out" "NoNewPrivs:.0 Seccomp:.2" "$name: the filter is loaded, no_new_privs stays off (set-uid programs work)"
	like "$out" "CAP_DAC_READ_SEARCH effective: yes.*name_to_handle_at: ok.*open_by_handle_at: EPERM" \
		"$name: open_by_handle_at fails with the filter's EPERM (with CAP_DAC_READ_SEARCH)"
	if [ -n "$disk" ]; then
		like "$out" "refused disk open: .*Operation not permitted" "$name: the host's block device $disk (readable on the host): mknod works, open fails with EPERM (device cgroup)"
	else
		ok 0 "$name: device cgroup # SKIP no block device the host itself can read"
	fi
	is "$(release_agents)" "$RA_BEFORE" "$name: the host's release_agent files are unchanged"
	is "$(cat /proc/sys/kernel/core_pattern)" "$CORE_BEFORE" "$name: the host's core_pattern is unchanged"
}
short_attacks "short spec" "$TMP/short.json"
short_attacks "short spec, boot mode" "$TMP/short.json" -b

# --- masked and read-only paths fail closed inside procfs/sysfs -------------
# A missing leaf is skipped; a parent reached through a symlink (here
# procfs's own /proc/self) is not the filesystem the plan mounted: refused.
minimal_spec "$TMP/m.json" '["cat", "/proc/sys/kernel/hostname"]' '"linux": {"maskedPaths": ["/proc/nsrun-no-such-file"], "readonlyPaths": ["/proc/sys"]}'
is "$(run "$TMP/m.json" 2>&1)" "$(basename "$ROOTFS")" "a masked path missing from procfs is skipped"
minimal_spec "$TMP/m.json" '["true"]' '"linux": {"maskedPaths": ["/proc/self/environ"]}'
out=$(run "$TMP/m.json" 2>&1); rc=$?
is "$rc" 125 "a masked path whose parent is a symlink in procfs: refused"
like "$out" "mask /proc/self/environ: /proc/self/environ: its parent is not the proc mounted on /proc .*refusing" \
	"... with a clear error"
like "$(run plan "$TMP/m.json")" "mask +/proc/self/environ .*inside the proc on /proc: skipped if missing, refused if its parent is not that proc" \
	"nsrun plan says which filesystem the parent must be"

# --- a mount namespace joined by path ---------------------------------------
# Nothing in it may change before the plan can succeed there; and the root
# is opened in it (it was opened in the host's and failed with EINVAL).
NSDIR=$TMP/mntns-$$
mkdir -p "$NSDIR"
mount --bind "$NSDIR" "$NSDIR" && mount --make-private "$NSDIR" && touch "$NSDIR/mnt" &&
	unshare --mount="$NSDIR/mnt" true && nsenter --mount="$NSDIR/mnt" mount --make-rshared /
shared_in_ns() { nsenter --mount="$NSDIR/mnt" grep -c ' shared:' /proc/self/mountinfo; }
shared_before=$(shared_in_ns)
ok "$([ "$shared_before" -gt 0 ]; echo $?)" "joined mount namespace: made with $shared_before shared mounts"
join_spec() { # join_spec FILE ARGS_JSON [MOUNTS_JSON] (as the host's root: a joined namespace is the host's)
	minimal_spec "$1" "$2" "\"privateUsers\": \"no\", \"linux\": {\"namespaces\": [{\"type\": \"mount\", \"path\": \"$NSDIR/mnt\"},
	 {\"type\": \"pid\"}, {\"type\": \"uts\"}]}${3:+, \"mounts\": $3}"
}
join_spec "$TMP/j.json" '["true"]' "[{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$TMP/nsrun-no-such-dir\"}]"
out=$(run "$TMP/j.json" 2>&1); rc=$?
is "$rc" 125 "joined mount namespace, a bind source missing there: refused"
like "$out" "join-namespace $NSDIR/mnt: bind source $TMP/nsrun-no-such-dir \(for /mnt\) in the joined mount namespace \(nothing in it was changed\): ENOENT" \
	"... before anything changed, saying so"
is "$(shared_in_ns)" "$shared_before" "joined mount namespace: its shared mounts are unchanged after the failing spec"
join_spec "$TMP/j.json" '["sh", "-c", "echo joined; grep -c \" /proc \" /proc/self/mountinfo"]'
is "$(run "$TMP/j.json" 2>&1)" "joined
1" "a valid spec joining a mount namespace by path runs, its root opened in that namespace"
umount "$NSDIR/mnt" "$NSDIR"

# --- the /proc swap race (CVE-2019-19921, CVE-2023-27561) -----------------
# A second process sharing the root filesystem exchanges /proc (a
# directory) and /procalt (a symlink to /evil) as fast as it can while
# victims start.  Each victim must either fail with a clear error, or have
# every procfs it holds with /sys read-only under it, and none on /evil
# (the procfs stays on its directory even when that is renamed later).
fresh_rootfs race
mkdir "$RF/evil"
ln -s /evil "$RF/procalt"
cat >"$RF/t/victim" <<'VICTIM'
#!/bin/sh
# stop the attacker while looking (the names move, mountinfo would too)
touch /t/pause
n=0; while [ ! -e /t/paused ] && [ $n -lt 500 ]; do sleep 0.01; n=$((n + 1)); done
trap 'rm -f /t/pause' EXIT
for d in /proc /procalt; do
	[ -r "$d/self/mountinfo" ] || continue
	awk '{ for (i = 7; $i != "-"; i++) ; if ($(i + 1) != "proc") next
	       if ($4 == "/") root[$5] = 1; if ($4 == "/sys") sys[$5] = $6 }
	     END { for (m in root) { n++
	             if (!((m "/sys") in sys) || sys[m "/sys"] !~ /^ro/) { print "BAD: " m "/sys is writable"; bad = 1 }
	             if (m != "/proc" && m != "/procalt") { print "BAD: a procfs on " m; bad = 1 } }
	           if (!n) { print "BAD: no procfs"; bad = 1 }
	           if (!bad) print "VICTIM-OK" }' "$d/self/mountinfo"
	exit 0
done
echo "BAD: no procfs at /proc or /procalt"
VICTIM
chmod +x "$RF/t/victim"
minimal_spec "$TMP/race.json" '["/t/victim"]'
sed -i "s|$ROOTFS|$RF|" "$TMP/race.json"
core_before=$(cat /proc/sys/kernel/core_pattern)
proc_swap_race() {
	"$HELPERS/swapdir" "$RF/proc" "$RF/procalt" 120000 "$RF/t/pause" "$RF/t/paused" >"$TMP/swapdir.out" 2>&1 &
	swapper=$!
	until [ -s "$TMP/swapdir.out" ]; do sleep 0.01; done
	good=0 refused=0 bad=0
	for i in $(seq 80); do
		out=$(run "$TMP/race.json" 2>&1); rc=$?
		if [ "$rc" = 0 ] && [ "$out" = VICTIM-OK ]; then good=$((good + 1))
		elif [ "$rc" = 125 ] && printf '%s' "$out" | grep -q "refusing"; then refused=$((refused + 1))
		else bad=$((bad + 1)); echo "# victim $i: status $rc: $out"; fi
		rm -f "$RF/t/pause"
	done
	kill -TERM "$swapper"; wait "$swapper"
	echo "# swap race ($1): $(cat "$TMP/swapdir.out" | tr '\n' ' ')"
	is "$bad" 0 "/proc swap race ($1): 80 victims, each procfs at /proc with /proc/sys read-only ($good) or a clear refusal ($refused)"
	ok "$([ -d "$RF/proc" ] && [ -L "$RF/procalt" ]; echo $?)" "/proc swap race ($1): the attacker left the names as they were"
	is "$(cat /proc/sys/kernel/core_pattern)" "$core_before" "/proc swap race ($1): the host's core_pattern is unchanged"
}
proc_swap_race openat2
NSRUN_TEST_NO_OPENAT2=1 proc_swap_race "component walk"

is "$(host_mounts)" "$BEFORE_MOUNTS" "after the whole suite the host's mounts are unchanged"
done_testing
