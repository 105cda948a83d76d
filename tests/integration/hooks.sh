#!/bin/bash
# OCI hooks (issue 6): order, namespaces, the state on stdin, env, args,
# timeout, and what a failing hook does.
. "$(dirname "$0")/lib.sh"
need_root

ROOT=$TMP/state
B=$TMP/bundle
mkdir -p "$B" "$TMP/shared" && (cd "$B" && "$NSRUN" spec) && copy_rootfs "$B/rootfs"
n() { "$NSRUN" --root "$ROOT" "$@"; }
LOG=$TMP/order

# hook KIND: a host hook that logs its kind, its env, its mount namespace
# and its stdin; startContainer's runs inside the container (its path is
# resolved there) and logs through the shared bind mount.
write_config() { # write_config EXTRA_PYTHON
	/usr/bin/python3 - "$B/config.json" "$TMP" "$1" <<'PY'
import json, sys
path, tmp, extra = sys.argv[1], sys.argv[2], sys.argv[3]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", "echo program >> /shared/order; sleep 0.3"]
c["mounts"].append({"destination": "/shared", "type": "bind", "source": tmp, "options": ["rbind"]})
def hook(kind, inside=False):
    log = "/shared/order" if inside else tmp + "/order"
    d = "/shared" if inside else tmp
    return {"path": "/bin/sh",
            "args": ["sh", "-c", 'echo "%s $HOOKVAR $(readlink /proc/self/ns/mnt)" >> %s; cat > %s/%s.json' % (kind, log, d, kind)],
            "env": ["HOOKVAR=%s-env" % kind, "PATH=/bin:/usr/bin"]}
c["hooks"] = {k: [hook(k, k == "startContainer")] for k in
              ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"]}
exec(extra)
json.dump(c, open(path, "w"), indent=1)
PY
}
write_config ""
host_mnt=$(readlink /proc/self/ns/mnt)

n create --bundle "$B" h1; is "$?" 0 "create with every kind of hook"
order=$(cut -d' ' -f1 "$LOG" | tr '\n' ' ')
is "$order" "prestart createRuntime createContainer " "create runs prestart, createRuntime, createContainer in that order"
pid=$(n state h1 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
cmnt=$(readlink "/proc/$pid/ns/mnt")
is "$(grep ^prestart "$LOG")" "prestart prestart-env $host_mnt" "prestart: the hook's env, in the host's mount namespace"
is "$(grep ^createRuntime "$LOG")" "createRuntime createRuntime-env $host_mnt" "createRuntime: in the host's mount namespace"
is "$(grep ^createContainer "$LOG")" "createContainer createContainer-env $cmnt" "createContainer: in the container's mount namespace"
st=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["id"], d["status"], d["pid"], d["bundle"])' "$TMP/createRuntime.json")
is "$st" "h1 creating $pid $B" "the state JSON on stdin: id, status creating, host pid, bundle"
n start h1; is "$?" 0 "start"
sleep 0.1
order=$(cut -d' ' -f1 "$LOG" | tr '\n' ' ')
like "$order" "createContainer startContainer (program poststart|poststart program) " "start runs startContainer before the program, poststart after it started"
is "$(grep ^startContainer "$LOG")" "startContainer startContainer-env $cmnt" "startContainer: inside the container"
is "$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$TMP/poststart.json")" running "poststart sees status running"
for _ in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.02; done
n delete h1; is "$?" 0 "delete"
is "$(tail -n 1 "$LOG" | cut -d' ' -f1)" poststop "delete runs poststop"
is "$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$TMP/poststop.json")" stopped "poststop sees status stopped"

# the foreground run: the same order, poststop after the program ended
: >"$LOG"
n run --bundle "$B" h2; is "$?" 0 "run with hooks"
# (the program runs beside the poststart hooks: either may write first)
like "$(cut -d' ' -f1 "$LOG" | tr '\n' ' ')" \
	"^prestart createRuntime createContainer startContainer (program poststart|poststart program) poststop $" \
	"run: every hook in order" 

# a failing createRuntime hook aborts and leaves nothing
write_config 'c["hooks"]["createRuntime"][0]["args"] = ["sh", "-c", "exit 3"]'
before=$(host_mounts)
: >"$LOG"
n create --bundle "$B" h3 2>"$TMP/err"; rc=$?
is "$rc" 125 "a failing createRuntime hook fails create"
like "$(cat "$TMP/err")" "createRuntime hook 0 \(/bin/sh\) exited with status 3" "and says which hook"
n state h3 2>/dev/null; ok $(( $? == 0 )) "the container does not exist"
[ -z "$(ls -A "$ROOT")" ]; ok $? "nothing is left under --root"
is "$(host_mounts)" "$before" "the host's mounts are as before"
unlike "$(cat "$LOG")" "createContainer" "later hooks did not run"

# a hook that runs too long is killed
write_config 'c["hooks"]["prestart"][0]["args"] = ["sh", "-c", "sleep 30"]; c["hooks"]["prestart"][0]["timeout"] = 1'
start=$(date +%s)
n create --bundle "$B" h4 2>"$TMP/err"; rc=$?
is "$rc" 125 "a hook past its timeout fails create"
like "$(cat "$TMP/err")" "timed out after 1 s" "and says so"
[ $(( $(date +%s) - start )) -lt 10 ]; ok $? "without waiting for the hook"

# a timeout whose milliseconds overflow 32 bits (4294968 s * 1000 wraps to
# 0.7 s) waits for the hook, which then succeeds; so does the largest one
for t in 4294968 2147483647; do
	write_config 'c["hooks"]["prestart"][0]["args"] = ["sh", "-c", "sleep 1.2; echo slept >> '"$TMP"'/slept"]; c["hooks"]["prestart"][0]["timeout"] = '"$t"
	rm -f "$TMP/slept"
	n create --bundle "$B" h4-$t 2>"$TMP/err"; rc=$?
	is "$rc" 0 "a hook with timeout $t s is not killed early"
	is "$(cat "$TMP/slept" 2>/dev/null)" slept "the hook with timeout $t s ran to its end"
	unlike "$(cat "$TMP/err")" "timed out" "no timeout is reported ($t s)"
	n delete --force h4-$t
done

# start waits for the startContainer hooks before it runs poststart: a slow
# startContainer hook has logged by the time start returns, before poststart
write_config 'c["hooks"]["startContainer"][0]["args"][2] = "sleep 0.5; " + c["hooks"]["startContainer"][0]["args"][2]'
: >"$LOG"
n create --bundle "$B" h6; is "$?" 0 "create with a slow startContainer hook"
n start h6; is "$?" 0 "start"
like "$(cut -d' ' -f1 "$LOG" | tr '\n' ' ')" "^prestart createRuntime createContainer startContainer .*poststart" \
	"start returned after the slow startContainer hook, and poststart came after it"
n delete --force h6

# a failing startContainer hook fails start, with the hook's message, and
# poststart does not run
write_config 'c["hooks"]["startContainer"][0]["args"] = ["sh", "-c", "exit 5"]'
: >"$LOG"
n create --bundle "$B" h7; is "$?" 0 "create with a failing startContainer hook"
pid=$(n state h7 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
n start h7 2>"$TMP/err"; rc=$?
[ "$rc" -ne 0 ]; ok $? "a failing startContainer hook fails start (status $rc)"
like "$(cat "$TMP/err")" "startContainer hook 0 \(/bin/sh\) exited with status 5" "and start says which hook"
unlike "$(cat "$LOG")" "poststart|program" "neither the program nor poststart ran"
for _ in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.02; done
[ ! -d "/proc/$pid" ]; ok $? "the container's process is gone"
n delete h7; is "$?" 0 "delete"
is "$(tail -n 1 "$LOG" | cut -d' ' -f1)" poststop "delete runs poststop"

# a failing poststart hook is a warning
write_config 'c["hooks"]["poststart"][0]["args"] = ["sh", "-c", "exit 4"]'
n run --bundle "$B" h5 2>"$TMP/err"; rc=$?
is "$rc" 0 "a failing poststart hook does not fail the container"
like "$(cat "$TMP/err")" "warning: poststart hook 0 .* exited with status 4" "it is a warning"

like "$("$NSRUN" plan "$B/config.json")" "hooks +createContainer: /bin/sh \[in the container's namespaces\]" "the plan shows the hooks"
done_testing
