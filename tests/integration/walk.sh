#!/bin/bash
# The walker's steps around clone (issue 12, libexec/walk.c): a pid and a
# time namespace given by path are joined by nsrun "for children" before
# clone, so the container's PID 1 is made in them, and nsrun goes back to
# its own right after clone (its hooks run there).  An injected failure at
# each of these steps names it and leaves no process in the joined
# namespace.
. "$(dirname "$0")/lib.sh"
need_root

# The namespaces to join: held by a sleep of this test, PID 1 of a new pid
# namespace in a new time namespace that has booted a day earlier.
unshare --pid --fork --kill-child --time --boottime 86400 sleep 1000 &
UNSHARE=$!
HOLDER=
# (a pid namespace's PID 1 takes from outside only SIGKILL)
trap 'kill -9 $HOLDER $UNSHARE 2>/dev/null; wait $UNSHARE 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do
	HOLDER=$(pgrep -P "$UNSHARE" -x sleep) && break
	sleep 0.02
done
[ -n "$HOLDER" ] || { echo "Bail out! no namespace holder"; exit 1; }

S=$TMP/join.json
spec "$S" "{
  \"ociVersion\": \"1.0.2\",
  \"root\": {\"path\": \"$ROOTFS\"},
  \"hooks\": {\"createRuntime\": [{\"path\": \"/bin/sh\",
    \"args\": [\"sh\", \"-c\", \"readlink /proc/self/ns/pid /proc/self/ns/time > $TMP/hook.out\"]}]},
  \"process\": {\"args\": [\"sh\", \"-c\", \"echo pid \$\$; echo pid1 \$(cat /proc/1/comm); echo up \$(cut -d. -f1 /proc/uptime)\"],
    \"cwd\": \"/\"},
  \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}],
  \"linux\": {\"namespaces\": [{\"type\": \"mount\"},
    {\"type\": \"pid\", \"path\": \"/proc/$HOLDER/ns/pid\"},
    {\"type\": \"time\", \"path\": \"/proc/$HOLDER/ns/time\"}]}
}"

plan=$("$NSRUN" plan "$S")
like "$plan" " 1\. \[nsrun\] +join-namespace +setns pid /proc/$HOLDER/ns/pid \(for the container's PID 1, before clone\)" \
	"plan: nsrun joins the pid namespace before clone"
like "$plan" " 2\. \[nsrun\] +join-namespace +setns time /proc/$HOLDER/ns/time" \
	"plan: and the time namespace"
like "$plan" " 3\. \[nsrun\] +clone " "plan: then clone"

out=$("$NSRUN" "$S" 2>&1); rc=$?
is "$rc" 0 "the container runs"
like "$out" "pid1 sleep" "its PID 1 is the namespace's holder: the container was made in the joined pid namespace"
unlike "$out" "pid 1$" "the container's process is not PID 1 there"
host_up=$(cut -d. -f1 /proc/uptime)
up=$(echo "$out" | sed -n 's/^up //p')
[ -n "$up" ] && [ "$up" -ge $((host_up + 86000)) ]
ok $? "its uptime is the joined time namespace's ($up s, the host's $host_up s)"
is "$(cat "$TMP/hook.out" 2>&1)" "$(readlink /proc/self/ns/pid /proc/self/ns/time)" \
	"the createRuntime hook, forked by nsrun after clone, runs in nsrun's own pid and time namespaces"

# Injected failures at the steps before and at clone.
in_ns() { pgrep --ns "$HOLDER" --nslist pid | grep -cvx "$HOLDER"; }
for n in 1 2 3; do
	kind=$(echo "$plan" | sed -nE "s/^ *$n\. +\[[a-z]+\] +([a-z-]+).*/\1/p")
	out=$(NSRUN_TEST_FAIL_STEP=$n "$NSRUN" "$S" 2>&1); rc=$?
	is "$rc" 125 "step $n ($kind) fails: status 125"
	like "$out" "step $n $kind( /proc/$HOLDER/ns/[a-z]+)?: injected failure" "step $n ($kind) fails: the message names the step"
	left=
	for _ in $(seq 50); do
		left=$(in_ns)
		[ "$left" = 0 ] && break
		sleep 0.02
	done
	is "$left" 0 "step $n ($kind) fails: no process left in the joined pid namespace"
done
out=$("$NSRUN" "$S" 2>&1); rc=$?
is "$rc" 0 "the next run works"

done_testing
