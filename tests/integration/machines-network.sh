#!/bin/bash
# nsrun list / status show a machine's addresses (host0's, read from its
# network namespace) and its forwarded ports (issue 14 part 3, once issue
# 15's networking is there).  Like network.sh, the whole script runs in a
# network namespace of its own (it re-executes itself under `unshare
# --net`), with documentation ranges only: 192.0.2.0/24 and 2001:db8::/64
# for the fixed veth, 198.51.100.0/24 as the auto pool.  The registry is
# a state root of the test's own (--root), so only its machines are listed.
if [ -z "${NSRUN_NET_TEST_NETNS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
	NSRUN_NET_TEST_NETNS=1 exec unshare --net -- "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
export NSRUN_NETWORK_POOL=198.51.100.0/24
ST=$TMP/state
n() { "$NSRUN" --root "$ST" "$@"; }
cleanup() {
	for p in $(jobs -p); do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
wait_file() {
	local i
	for ((i = 0; i < ${2:-10} * 50; i++)); do [ -e "$1" ] && return 0; sleep 0.02; done
	return 1
}
mkdir -p "$TMP/out"
chmod 755 "$TMP"
loop='trap "exit 0" TERM; ip -o addr show host0 > /out/$0.addrs 2>&1; touch /out/$0; while :; do sleep 0.05; done'
jloop=${loop//\"/\\\"}
out_mount='"mounts": [{"destination": "/out", "type": "bind", "source": "'$TMP/out'", "options": ["rbind"]}]'

# a: a veth with the spec's addresses and two forwards
spec "$TMP/a.json" '{"root": {"path": "'$ROOTFS'"}, "machine": "mnet-a'$$'", '"$out_mount"',
 "process": {"args": ["sh", "-c", "'"$jloop"'", "a"]},
 "network": {"mode": "veth", "hostInterface": "vn-ma'$$'",
   "addresses": {"host": ["192.0.2.1/24", "2001:db8::1/64"], "container": ["192.0.2.2/24", "2001:db8::2/64"]},
   "ports": [{"host": 8080, "container": 80}, {"protocol": "udp", "host": "5000-5001"}]}}'
"$NSRUN" --root "$ST" "$TMP/a.json" & pa=$!
# b: the command line's --network-veth and -p: auto addresses from the pool
copy_rootfs "$TMP/mnet-b$$"
"$NSRUN" --root "$ST" -D "$TMP/mnet-b$$" --bind "$TMP/out:/out:idmap" --network-veth -p 9090:90 -- sh -c "$loop" b & pb=$!
# c: a network namespace with only lo
"$NSRUN" --root "$ST" -D "$ROOTFS" --hostname mnet-c$$ --bind "$TMP/out:/out:idmap" --private-network -- sh -c "$loop" c & pc=$!
# d: the host's network (this test's namespace): no addresses of its own
"$NSRUN" --root "$ST" -D "$ROOTFS" --hostname mnet-d$$ --bind "$TMP/out:/out:idmap" -- sh -c "trap \"exit 0\" TERM; touch /out/d; while :; do sleep 0.05; done" & pd=$!
for f in a b c d; do wait_file "$TMP/out/$f" 10 || echo "# $f did not start"; done

json=$(n list --json)
a=$(echo "$json" | grep "\"mnet-a$$\"")
like "$a" '"addresses":\["192.0.2.2/24","2001:db8::2/64"\],"ports":\["tcp:8080:80","udp:5000-5001:5000"\]' \
	"list --json: the fixed veth's host0 addresses (IPv4 and IPv6) and its forwards"
b=$(echo "$json" | grep "\"mnet-b$$\"")
inside=$(awk '$3 == "inet" {print $4}' "$TMP/out/b.addrs")
like "$inside" '^198\.51\.100\.[0-9]+/28$' "auto: host0 got an address of the pool inside (${inside:-none})"
like "$b" "\"addresses\":\\[\"${inside//./\\.}\"\\],\"ports\":\\[\"tcp:9090:90\"\\]" \
	"list --json: the auto container's address, the one host0 has inside, and -p's forward"
like "$(echo "$json" | grep "\"mnet-c$$\"")" '"addresses":\[\],"ports":\[\]' "list --json: --private-network: no addresses"
like "$(echo "$json" | grep "\"mnet-d$$\"")" '"addresses":\[\],"ports":\[\]' "list --json: the host's network: none of its own"

table=$(n list)
like "$(echo "$table" | head -1)" "^NAME +KIND +PID +STATE +SINCE +ROOT +ADDRESSES +PORTS$" "list: the table has ADDRESSES and PORTS columns"
like "$(echo "$table" | grep "^mnet-a$$ ")" " running .* 192\.0\.2\.2,2001:db8::2 +tcp:8080:80,udp:5000-5001:5000$" \
	"list: the fixed veth's addresses and forwards"
like "$(echo "$table" | grep "^mnet-b$$ ")" " running .* ${inside%/*} +tcp:9090:90$" "list: the auto container's address and forward"
like "$(echo "$table" | grep "^mnet-c$$ ")" " running +[^ ]+ +$ROOTFS$" "list: no addresses for --private-network"

st=$(n status "mnet-a$$")
like "$st" "
    Address: 192\.0\.2\.2/24
             2001:db8::2/64
      Ports: tcp:8080:80
             udp:5000-5001:5000
" "status NAME: its addresses and forwards"

# what the container really has: an address added inside shows up
leader=$(echo "$a" | sed 's/.*"leader":\([0-9]*\).*/\1/')
nsenter -t "$leader" -n ip addr add 2001:db8::77/64 dev host0 nodad
like "$(n list --json | grep "\"mnet-a$$\"")" '"addresses":\["192.0.2.2/24",("2001:db8::(2|77)/64",?){2}\]' \
	"list reads host0 from the container's namespace: an address added inside is listed"

# an OCI container made by create with a veth: listed with its address too
mkdir -p "$TMP/ob"
spec "$TMP/ob/config.json" '{"root": {"path": "'$ROOTFS'"}, "process": {"args": ["sleep", "1000"]},
 "network": {"hostInterface": "vn-mo'$$'", "addresses": {"host": ["203.0.113.1/24"], "container": ["203.0.113.2/24"]}}}'
n create --bundle "$TMP/ob" "mnet-o$$"
like "$(n list --json | grep "\"mnet-o$$\"")" '"kind":"oci",.*"addresses":\["203.0.113.2/24"\]' "list --json: an OCI container's host0 address"
like "$(n list | grep "^mnet-o$$ ")" " oci .* 203\.0\.113\.2$" "list: the OCI container's address in the table"
st=$(n status "mnet-o$$")
like "$st" "^mnet-o$$ \(oci\)
      State: created
     Leader: [1-9][0-9]*
.*
    Address: 203\.0\.113\.2/24
     CGroup: 1 processes" "status ID: an OCI container's state, address and cgroup"
n delete --force "mnet-o$$"

kill $pa $pb $pc $pd
wait $pa $pb $pc $pd 2>/dev/null
is "$(n list --json)" "[]" "all stopped: nothing listed"
done_testing
