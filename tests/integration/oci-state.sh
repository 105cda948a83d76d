#!/bin/bash
# The OCI state (issue 12): what hooks read on stdin, what a seccomp agent
# gets with the listener, the state file, `nsrun state` and `nsrun list`
# come from one writer and agree: the same id (the OCI id, or for a
# foreground run the name `nsrun list` shows), ociVersion, status, pid,
# bundle and annotations.  Compared parsed (python3), not as text.
. "$(dirname "$0")/lib.sh"
need_root

ROOT=$TMP/state
n() { "$NSRUN" --root "$ROOT" "$@"; }

# agent SOCKET OUT: a seccomp agent; takes one connection, writes what came
# with the listener (and how many fds) to OUT as JSON.
cat >"$TMP/agent.py" <<'PY'
import json, os, socket, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
s.settimeout(20)
c, _ = s.accept()
data, fds, _, _ = socket.recv_fds(c, 65536, 4)
while True:
    more = c.recv(65536)
    if not more:
        break
    data += more
msg = json.loads(data)
msg["_nfds"] = len(fds)
with open(out + ".tmp", "w") as f:
    json.dump(msg, f)
os.rename(out + ".tmp", out)
PY
# agent_start NAME: the agent on $TMP/NAME.sock, writing $TMP/NAME.agent
agent_start() {
	/usr/bin/python3 "$TMP/agent.py" "$TMP/$1.sock" "$TMP/$1.agent" &
	for _ in $(seq 200); do [ -S "$TMP/$1.sock" ] && return 0; sleep 0.01; done
	echo "Bail out! the agent did not start"; exit 1
}
# pick FILE KEYS...: those members of the JSON object in FILE ("-": stdin;
# an agent's message: its "state"), one a line, as JSON
cat >"$TMP/pick.py" <<'PY'
import json, sys
f = sys.argv[1]
d = json.load(sys.stdin if f == "-" else open(f))
if "fds" in d and "state" in d:
    d = d["state"]
for k in sys.argv[2:]:
    print(k, json.dumps(d.get(k, "(missing)"), sort_keys=True))
PY
pick() { /usr/bin/python3 "$TMP/pick.py" "$@"; }
# wait_file FILE: up to 10 s
wait_file() { for _ in $(seq 500); do [ -s "$1" ] && return 0; sleep 0.02; done; return 1; }

RF=$TMP/rootfs
copy_rootfs "$RF"
H=ocist-$$
# fg_spec NAME EXTRA: a foreground spec whose hooks write their stdin to
# $TMP/NAME/KIND.json, with a seccomp notify listener at $TMP/NAME.sock; its
# program waits until /go exists in the rootfs
fg_spec() {
	mkdir -p "$TMP/$1"
	/usr/bin/python3 - "$TMP" "$1" "$RF" "$H" "$2" <<'PY'
import json, sys
tmp, name, rf, host, extra = sys.argv[1:]
def hook(kind):
    return {"path": "/bin/sh", "args": ["sh", "-c", "cat > %s/%s/%s.json" % (tmp, name, kind)]}
c = {"root": {"path": rf}, "hostname": host, "privateUsers": "no",
     "annotations": {"org.example.run": name, "nsrun.test": "ocistate"},
     "process": {"args": ["sh", "-c", "i=0; while [ ! -e /go ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done"]},
     "hooks": {k: [hook(k)] for k in ("prestart", "poststart", "poststop")},
     "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "%s/%s.sock" % (tmp, name),
                           "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}}}
c.update(json.loads(extra or "{}"))
json.dump(c, open("%s/%s/spec.json" % (tmp, name), "w"), indent=1)
PY
}
# the `nsrun list --json` entry whose leader is PID: its name
list_name() { # list_name PID
	n list --json | /usr/bin/python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e.get("leader") == int(sys.argv[1]):
        print(e["name"])' "$1"
}
# poll until the registry shows the leader PID (it is recorded once it runs)
wait_listed() { # wait_listed PID
	for _ in $(seq 250); do [ -n "$(list_name "$1")" ] && return 0; sleep 0.02; done; return 1
}
oci_version=$(cd "$TMP" && "$NSRUN" spec && /usr/bin/python3 -c 'import json; print(json.load(open("config.json"))["ociVersion"])')
rm -f "$TMP/config.json"

# --- foreground runs: two with the same host name (NAME, then NAME-2) -------
fg_spec a ""
fg_spec b ""
# fg_start R: run R in the background; once it runs and is listed, its
# nsrun in $run_R, its leader in $pid_R, its name in nsrun list in $name_R
fg_start() {
	agent_start "$1"
	n "$TMP/$1/spec.json" </dev/null >"$TMP/$1.out" 2>&1 &
	eval "run_$1=\$!"
	wait_file "$TMP/$1/poststart.json"; ok $? "foreground run $1: poststart ran"
	local pid; pid=$(pick "$TMP/$1/poststart.json" pid | cut -d' ' -f2)
	wait_listed "$pid"; ok $? "run $1 is in nsrun list (leader $pid)"
	eval "pid_$1=$pid name_$1=\$(list_name $pid)"
}
fg_start a
fg_start b
is "$name_a $name_b" "$H $H-2" "nsrun list: the second run of the same host name is NAME-2"
touch "$RF/go"
wait "$run_a"; is "$?" 0 "run a ends when told"
wait "$run_b"; is "$?" 0 "run b ends when told"
wait_file "$TMP/a.agent" && wait_file "$TMP/b.agent"; ok $? "both agents got a listener"
for r in a b; do
	eval "name=\$name_$r pid=\$pid_$r"
	agent=$TMP/$r.agent
	is "$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["_nfds"], d["fds"], d["pid"])' "$agent")" \
		"1 ['seccompFd'] $pid" "run $r: the agent gets one fd, seccompFd, the container's pid"
	for k in prestart poststart poststop; do
		is "$(pick "$TMP/$r/$k.json" id ociVersion)" "id \"$name\"
ociVersion \"$oci_version\"" "run $r: the $k hook's id is the name nsrun list showed, its ociVersion nsrun spec's"
	done
	is "$(pick "$agent" id ociVersion pid bundle annotations)" "$(pick "$TMP/$r/prestart.json" id ociVersion pid bundle annotations)" \
		"run $r: the agent's state and the prestart hook's agree (id, ociVersion, pid, bundle, annotations)"
	is "$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ociVersion"])' "$agent")" "$oci_version" \
		"run $r: the agent's message has the same ociVersion"
	is "$(pick "$TMP/$r/poststart.json" status pid bundle annotations)" "status \"running\"
pid $pid
bundle \"$TMP/$r\"
annotations {\"nsrun.test\": \"ocistate\", \"org.example.run\": \"$r\"}" "run $r: poststart's status, pid, bundle (the spec's directory) and annotations"
	is "$(pick "$agent" status)" 'status "creating"' "run $r: the agent's state says creating"
	is "$(pick "$TMP/$r/poststop.json" status)" 'status "stopped"' "run $r: poststop's says stopped"
done

# "register": false: not listed, still the name it would have had
fg_spec c '{"register": false}'
/usr/bin/python3 - "$TMP/c/spec.json" "$TMP/c" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["hooks"] = {"prestart": [{"path": "/bin/sh", "args": ["sh", "-c", "cat > %s/prestart.json" % sys.argv[2]]}]}
c["process"]["args"] = ["true"]
json.dump(c, open(sys.argv[1], "w"))
PY
agent_start c
n "$TMP/c/spec.json" </dev/null >"$TMP/c.out" 2>&1; is "$?" 0 'a run with "register": false'
wait_file "$TMP/c.agent"
is "$(pick "$TMP/c/prestart.json" id)" "id \"$H\"" "its hook's id is the name it would be listed under"
is "$(pick "$TMP/c.agent" id)" "id \"$H\"" "... and so is the agent's"

# --- create ID: hooks, the agent, the state file, nsrun state and list agree --
B=$TMP/bundle
mkdir -p "$B" && (cd "$B" && "$NSRUN" spec) && copy_rootfs "$B/rootfs"
/usr/bin/python3 - "$B/config.json" "$TMP" <<'PY'
import json, sys
path, tmp = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", "i=0; while [ ! -e /stop ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done"]
c["annotations"] = {"org.example.key": "value \"quoted\"", "io.nsrun.two": "2"}
c["hooks"] = {k: [{"path": "/bin/sh", "args": ["sh", "-c", "cat > %s/oci-%s.json" % (tmp, k)]}]
              for k in ("createRuntime", "poststart")}
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": tmp + "/oci.sock",
                         "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}
json.dump(c, open(path, "w"), indent=1)
PY
ID=ocist-$$-c
agent_start oci
n create --bundle "$B" "$ID" </dev/null; is "$?" 0 "create $ID with hooks and a seccomp listener"
wait_file "$TMP/oci.agent"
n state "$ID" >"$TMP/state1.json"; is "$?" 0 "nsrun state"
file=$ROOT/$ID/state.json
F="id ociVersion pid bundle annotations"
want=$(pick "$TMP/state1.json" $F)
like "$want" "^id \"$ID\"
ociVersion \"$oci_version\"
pid [1-9][0-9]*
bundle \"$B\"
annotations \{\"io.nsrun.two\": \"2\", \"org.example.key\": \"value \\\\\"quoted\\\\\"\"\}$" "nsrun state: the id, ociVersion, host pid, bundle and annotations"
is "$(pick "$TMP/oci-createRuntime.json" $F)" "$want" "the createRuntime hook's state agrees with nsrun state"
is "$(pick "$file" $F)" "$want" "the state file agrees"
is "$(pick "$TMP/oci.agent" $F)" "$want" "the seccomp agent's state agrees"
is "$(pick "$TMP/oci-createRuntime.json" status; pick "$TMP/oci.agent" status; pick "$file" status; pick "$TMP/state1.json" status)" \
	'status "creating"
status "creating"
status "created"
status "created"' "status: creating in the hook and for the agent, created in the state file and nsrun state"
n start "$ID"; is "$?" 0 "start"
wait_file "$TMP/oci-poststart.json"
n state "$ID" >"$TMP/state2.json"
F="id ociVersion status pid bundle annotations"
want=$(pick "$TMP/state2.json" $F)
like "$want" 'status "running"' "nsrun state after start: running"
is "$(pick "$TMP/oci-poststart.json" $F)" "$want" "the poststart hook's state agrees with nsrun state, status too"
is "$(pick "$file" $F)" "$want" "the state file agrees, status too"
is "$(n list --format json | /usr/bin/python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["id"] == sys.argv[1]:
        print(json.dumps(e))' "$ID" | pick - $F)" "$want" "runc's list --format json entry agrees"
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert set(("ociVersion", "id", "status", "bundle")) <= set(d), d
assert isinstance(d["pid"], int) and isinstance(d["annotations"], dict)
assert d["status"] in ("creating", "created", "running", "stopped")' "$TMP/state2.json"
ok $? "nsrun state has the runtime-spec's required members, of their types"
touch "$B/rootfs/stop"
for _ in $(seq 200); do [ "$(pick <(n state "$ID") status)" = 'status "stopped"' ] && break; sleep 0.02; done
n state "$ID" >"$TMP/state3.json"
is "$(pick "$TMP/state3.json" status pid)" 'status "stopped"
pid 0' "once the program ended: stopped, pid 0"
n delete "$ID"; is "$?" 0 "delete"
wait
done_testing
