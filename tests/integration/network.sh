#!/bin/bash
# Networking from the spec (issue 15): veth, bridge, addresses, port
# forwarding, auto addressing with DHCP in a booted Debian, and nothing
# left behind.  The whole script runs in a network namespace of its own
# (it re-executes itself under `unshare --net`): the test "host" is that
# namespace, so no link or nftables table ever reaches the real host.
# Only documentation ranges are used: 192.0.2.0/24 and 2001:db8::/64 for
# the veth, 203.0.113.0/25 and 2001:db8:2::/64 for "another host",
# 203.0.113.128/25 for the bridge, 198.51.100.0/24 as the auto pool.
if [ -z "${NSRUN_NET_TEST_NETNS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
	NSRUN_NET_TEST_NETNS=1 exec unshare --net -- "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
export NSRUN_NETWORK_POOL=198.51.100.0/24
command -v nft >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nftables >/dev/null 2>&1
BB=$(command -v busybox)
DEBIAN_CACHE=${NSRUN_TEST_DEBIAN:-/var/tmp/nsrun-debian-bookworm}
DEB= OTHER=
cleanup() {
	[ -n "$OTHER" ] && { kill -9 "$OTHER"; wait "$OTHER"; } 2>/dev/null
	for p in $(jobs -p); do kill -9 "$p" 2>/dev/null; done
	rm -rf "$TMP"
	[ -n "$DEB" ] && rm -rf "$DEB"
}
trap cleanup EXIT
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $1"; }

# wait_file FILE [SECONDS]: until it exists
wait_file() {
	local i
	for ((i = 0; i < ${2:-10} * 50; i++)); do [ -e "$1" ] && return 0; sleep 0.02; done
	return 1
}
# Links, nftables and dnsmasq this test's nsrun made (all in this netns,
# except dnsmasq which is found by its pid file under a record of ours).
# The kernel removes a stopped container's veth with its network namespace,
# a little after nsrun exits: links_settled waits up to 2 s for that.
links_settled() {
	local i l
	for ((i = 0; i < 100; i++)); do l=$(links); [ "$l" = "${1:-}" ] && break; sleep 0.02; done
	echo "$l"
}
links() { ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^(ve-|vn)' | sort; }
nft_state() { nft list table inet nsrun 2>/dev/null; }
our_dnsmasq() { pgrep -f -- "--pid-file=/run/nsrun/.net/$1-" 2>/dev/null; }
# dnsmasq processes of any nsrun that run in this test's network namespace (others' are not ours)
dnsmasq_here() {
	local p me
	me=$(readlink /proc/self/ns/net)
	for p in $(pgrep -f -- '--pid-file=/run/nsrun/.net/' 2>/dev/null); do
		[ "$(readlink /proc/$p/ns/net 2>/dev/null)" = "$me" ] && echo "$p"
	done
}
records_of() { ls -d /run/nsrun/.net/"$1"-* 2>/dev/null; }

OUT=$TMP/out
mkdir -p "$OUT" "$TMP/www"
chmod 755 "$TMP"
echo "hello from the container" >"$TMP/www/index.html"
# (the containers run in their private user range: "idmap" lets their root write the host's directory)
mounts_out='"mounts": [{"destination": "/out", "type": "bind", "source": "'$OUT'", "options": ["rbind", "idmap"]},
	{"destination": "/www", "type": "bind", "source": "'$TMP/www'", "options": ["rbind", "ro"]}]'

# --- validation ------------------------------------------------------------------
spec "$TMP/v.json" '{"root": {"path": "'$ROOTFS'"}, "process": {"args": ["true"]},
 "network": {"mode": "bridge", "bridge": "nobr'$$'"}}'
out=$("$NSRUN" "$TMP/v.json" 2>&1); rc=$?
like "$rc:$out" "^125:nsrun: $TMP/v.json:2:[0-9]+: /network/bridge: \"nobr$$\" does not exist on this host$" \
	"a bridge that does not exist: refused before anything is made"
"$BB" nc -l -p 8089 -e cat & holder=$!
sleep 0.2
spec "$TMP/v.json" '{"root": {"path": "'$ROOTFS'"}, "process": {"args": ["true"]},
 "network": {"hostInterface": "vn-val", "addresses": {"host": ["192.0.2.1/24"], "container": ["192.0.2.2/24"]}, "ports": [{"host": 8089}]}}'
out=$("$NSRUN" "$TMP/v.json" 2>&1); rc=$?
like "$rc:$out" "^125:nsrun: $TMP/v.json:2:[0-9]+: /network/ports/0: host port tcp 8089 is already taken on this host$" \
	"a host port already taken: refused, naming it"
out=$("$NSRUN" check "$TMP/v.json" 2>&1); rc=$?
like "$rc:$out" "^125:nsrun: $TMP/v.json:2:[0-9]+: /network/ports/0: host port tcp 8089 is already taken on this host$" \
	"check: the host port already taken, as a run says"
out=$("$NSRUN" check --no-host "$TMP/v.json" 2>&1); is "$?:$out" "0:" "check --no-host: the spec alone is fine"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
out=$("$NSRUN" check "$TMP/v.json" 2>&1); is "$?:$out" "0:" "check: once the port is free, exit 0"
minimal_spec "$TMP/c.json" '["true"]'
out=$("$NSRUN" check --network-bridge=nobr$$ "$TMP/c.json" 2>&1); rc=$?
like "$rc:$out" "^125:nsrun: (option )?--network-bridge(=nobr$$)?: nobr$$ does not exist on this host$" \
	"check: a bridge that does not exist, naming the option"
ip link add vn-val type veth peer name vn-valp
out=$("$NSRUN" check "$TMP/v.json" 2>&1); rc=$?
like "$rc:$out" "^125:nsrun: $TMP/v.json: the host side's link vn-val exists already" \
	"check: the host side's link name taken"
ip link del vn-val
is "$(links)" "" "  and no link was made"
out=$("$NSRUN" --port=udp:70000 "$TMP/v.json" 2>&1)
like "$out" "^nsrun: option --port=udp:70000: /network/ports/1/host: expected " "--port with a bad port: refused, naming the option and the member"
out=$("$NSRUN" plan --network-veth -p 8080:80 "$TMP/v.json" 2>&1)
like "$out" "net-veth +veth vn-val <-> host0" "plan --network-veth: the veth step"
like "$out" "net-ports .*tcp 8089 -> 192.0.2.2:8089, tcp 8080 -> 192.0.2.2:80" "plan -p: the spec's and the option's forwards"

# --- veth: reachability both ways ---------------------------------------------------
spec "$TMP/veth.json" '{"root": {"path": "'$ROOTFS'"}, '"$mounts_out"',
 "process": {"args": ["sh", "-c", "ip -o addr show host0 > /out/addrs; ip route > /out/routes; cat /etc/resolv.conf > /out/resolv; ping -c1 -W2 192.0.2.1 >/dev/null && echo ok > /out/ping4; ping6 -c1 -W2 2001:db8::1 >/dev/null && echo ok > /out/ping6; echo hello-host | nc -w 2 192.0.2.1 7000 > /out/echo; nc -l -p 7001 -e cat & touch /out/ready; while [ ! -e /out/stop ]; do sleep 0.05; done"]},
 "network": {"mode": "veth", "hostInterface": "vn-veth'$$'",
   "addresses": {"host": ["192.0.2.1/24", "2001:db8::1/64"], "container": ["192.0.2.2/24", "2001:db8::2/64"], "dns": ["192.0.2.53", "2001:db8::53"]}}}'
"$BB" nc -l -p 7000 -e cat & echo_srv=$!
"$NSRUN" "$TMP/veth.json" & npid=$!
if wait_file "$OUT/ready" 10; then
	like "$(cat "$OUT/addrs")" "host0 +inet 192.0.2.2/24 " "veth: host0 has the spec's IPv4 address"
	like "$(cat "$OUT/addrs")" "host0 +inet6 2001:db8::2/64 " "veth: and its IPv6 address"
	like "$(cat "$OUT/routes")" "^default via 192.0.2.1 dev host0" "veth: default route via the host side"
	is "$(grep nameserver "$OUT/resolv")" "nameserver 192.0.2.53
nameserver 2001:db8::53" "veth: resolv.conf holds the spec's DNS servers"
	is "$(cat "$OUT/ping4" "$OUT/ping6" 2>&1)" "ok
ok" "veth: the container pings the host side (IPv4 and IPv6)"
	is "$(cat "$OUT/echo")" "hello-host" "veth: TCP echo, container -> host"
	like "$(ip -o addr show "vn-veth$$")" "inet 192.0.2.1/24" "veth: the host side has its address"
	"$BB" ping -c1 -W2 192.0.2.2 >/dev/null; ok $? "veth: the host pings the container"
	"$BB" ping6 -c1 -W2 2001:db8::2 >/dev/null; ok $? "veth: the host pings the container over IPv6"
	is "$(echo hello-container | timeout 5 "$BB" nc -w 2 192.0.2.2 7001)" "hello-container" \
		"veth: TCP echo, host -> container"
else
	ok 1 "veth: the container started"; cat "$OUT"/* 2>/dev/null | sed 's/^/#   /'
fi
touch "$OUT/stop"
wait "$npid"; is "$?" 0 "veth: nsrun exits 0"
kill "$echo_srv" 2>/dev/null; wait "$echo_srv" 2>/dev/null
is "$(links_settled)" "" "veth: the link is gone after the container stopped"
is "$(records_of "$npid")" "" "veth: no record left"
rm -f "$OUT"/*

# --- port forwarding: tcp (httpd) and udp, IPv4 and IPv6, from the host and another host ---
# "another host": a network namespace on a second veth pair
unshare --net -- sleep 1000 & OTHER=$!
sleep 0.1
ip link add ox-oth$$ type veth peer name eth0 netns "/proc/$OTHER/ns/net"
ip addr add 203.0.113.1/25 dev ox-oth$$
ip addr add 2001:db8:2::1/64 dev ox-oth$$ nodad
ip link set ox-oth$$ up
other() { nsenter -t "$OTHER" -n "$@"; }
other ip link set lo up
other ip link set eth0 up
other ip addr add 203.0.113.2/25 dev eth0
other ip addr add 2001:db8:2::2/64 dev eth0 nodad
other ip route add default via 203.0.113.1
other ip -6 route add default via 2001:db8:2::1
links_before=$(links)
echo 0 >/proc/sys/net/ipv4/ip_forward; echo 0 >/proc/sys/net/ipv6/conf/all/forwarding # this test's netns only
fwd_before=$(cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding)
minimal_spec "$TMP/next.json" '["true"]' '"network": {"mode": "private"}'

spec "$TMP/ports.json" '{"root": {"path": "'$ROOTFS'"}, '"$mounts_out"',
 "process": {"args": ["sh", "-c", "httpd -p 80 -h /www && touch /out/ready; while [ ! -e /out/stop ]; do sleep 0.05; done"]},
 "network": {"hostInterface": "vn-port'$$'",
   "addresses": {"host": ["192.0.2.1/24", "2001:db8::1/64"], "container": ["192.0.2.2/24", "2001:db8::2/64"]},
   "ports": [{"host": 8080, "container": 80}, {"host": "8100-8101", "container": 80}]}}'
"$NSRUN" "$TMP/ports.json" & npid=$!
if wait_file "$OUT/ready" 10; then
	want="hello from the container"
	is "$(timeout 5 "$BB" wget -q -O - http://127.0.0.1:8080/ 2>&1)" "$want" "ports: the host's 127.0.0.1:8080 reaches httpd in the container"
	is "$(timeout 5 "$BB" wget -q -O - http://192.0.2.1:8080/ 2>&1)" "$want" "ports: the host's own address too"
	is "$(timeout 5 "$BB" wget -q -O - "http://[2001:db8::1]:8080/" 2>&1)" "$want" "ports: the host's own IPv6 address"
	is "$(timeout 5 "$BB" wget -q -O - "http://[::1]:8080/" 2>&1)" "$want" "ports: the host's [::1]:8080 reaches httpd (relay)"
	is "$(timeout 5 "$BB" wget -q -O - "http://[::1]:8100/" 2>&1)" "$want" "ports: [::1] over a range too (8100 -> 80)"
	is "$(other timeout 5 "$BB" wget -q -O - http://203.0.113.1:8080/ 2>&1)" "$want" "ports: another host, IPv4"
	is "$(other timeout 5 "$BB" wget -q -O - "http://[2001:db8:2::1]:8080/" 2>&1)" "$want" "ports: another host, IPv6"
	is "$(other timeout 5 "$BB" wget -q -O - http://203.0.113.1:8100/ 2>&1)" "$want" "ports: a range mapped onto other ports (8100 -> 80)"
	chains=$(nft list table inet nsrun 2>&1 | grep -c 'chain c')
	is "$chains" 3 "ports: three chains of this container in table inet nsrun"
	ip -o link show "vn-port$$" | grep -q "alias nsrun:$npid-"; ok $? "ports: the link's alias names its owner"
else
	ok 1 "ports: the container started"
fi
touch "$OUT/stop"
wait "$npid"; is "$?" 0 "ports: nsrun exits 0"
is "$(nft_state)" "" "ports: no nftables table left after the container stopped"
is "$(ss -Hltn 'sport = :8080 or sport = :8100 or sport = :8101')" "" "ports: nothing listens on [::1]:8080 after the container stopped"
is "$fwd_before:$(cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding)" "0
0:1
1" "ports: IPv4 and IPv6 forwarding were off, turned on, and stay on after (README: why)"
is "$(links_settled "$links_before")" "$links_before" "ports: the veth is gone"
rm -f "$OUT"/*

# the [::1] relay dies with a SIGKILLed nsrun (its parent-death signal)
"$NSRUN" "$TMP/ports.json" & npid=$!
wait_file "$OUT/ready" 10
like "$(ss -Hltn 'sport = :8080')" "\\[::1\\]:8080" "ports: the relay listens on [::1]:8080"
kill -9 "$npid"; wait "$npid" 2>/dev/null
for ((i = 0; i < 100; i++)); do [ -z "$(ss -Hltn 'sport = :8080')" ] && break; sleep 0.02; done
is "$(ss -Hltn 'sport = :8080')" "" "ports: nsrun SIGKILLed: nothing listens on [::1]:8080"
"$NSRUN" "$TMP/next.json" >/dev/null 2>&1 # sweeps the killed run's chains
rm -f "$OUT"/*

# --- create / start / delete: the network belongs to the container ------------------
ROOT=$TMP/state
mkdir -p "$TMP/cb"
n() { "$NSRUN" --root "$ROOT" "$@"; }
spec "$TMP/cb/config.json" '{"root": {"path": "'$ROOTFS'"}, '"$mounts_out"',
 "process": {"args": ["sh", "-c", "httpd -p 80 -h /www && touch /out/ready; exec sleep 1000"]},
 "network": {"hostInterface": "vn-cr'$$'",
   "addresses": {"host": ["192.0.2.1/24", "2001:db8::1/64"], "container": ["192.0.2.2/24", "2001:db8::2/64"]},
   "ports": [{"host": 8081, "container": 80}]}}'
n create --bundle "$TMP/cb" "net-c$$"; is "$?" 0 "create: a veth with a forwarded port is made at create"
cpid=$(n state "net-c$$" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
ip -o link show "vn-cr$$" 2>&1 | grep -q "alias nsrun:$cpid-"
ok $? "create: the link belongs to the container's PID 1 ($cpid), not to the create process"
[ -n "$(records_of "$cpid")" ] && [ -n "$(nft_state)" ]; ok $? "create: its record and chains are there"
# the [::1] relay outlives create: a keeper process (libexec/keeper.c), named in the record
keeper=$(sed -n 's/^keeper \([0-9]*\)-.*/\1/p' "$(records_of "$cpid")/record" 2>/dev/null)
like "$(ss -Hltnp 'sport = :8081')" "\\[::1\\]:8081 .*\"nsrun-keeper\",pid=$keeper," "create: the keeper ($keeper) listens on [::1]:8081"
n start "net-c$$"
if wait_file "$OUT/ready" 10; then
	want="hello from the container"
	is "$(timeout 5 "$BB" wget -q -O - http://127.0.0.1:8081/ 2>&1)" "$want" "create: after start the host's 127.0.0.1:8081 reaches httpd"
	is "$(timeout 5 "$BB" wget -q -O - "http://[::1]:8081/" 2>&1)" "$want" "create: after start the host's [::1]:8081 reaches httpd (the keeper's relay)"
	is "$(other timeout 5 "$BB" wget -q -O - http://203.0.113.1:8081/ 2>&1)" "$want" "create: another host reaches it too"
else
	ok 1 "create: the container started"
fi
n delete --force "net-c$$"; is "$?" 0 "delete --force: exits 0"
is "$(nft_state)" "" "delete: no nftables table left"
is "$(links_settled "$links_before")" "$links_before" "delete: the veth is gone"
is "$(records_of "$cpid")" "" "delete: no record left"
is "$(ss -Hltn 'sport = :8081')" "" "delete: nothing listens on [::1]:8081"
[ -n "$keeper" ] && [ ! -d "/proc/$keeper" -o "$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$keeper/stat" 2>/dev/null)" = Z ]
ok $? "delete: the keeper ($keeper) is gone"
rm -f "$OUT"/*
# PID 1 dies without delete: the next networked nsrun sweeps what it owned
n run -d --bundle "$TMP/cb" "net-d$$"; is "$?" 0 "run -d: a veth with a forwarded port"
cpid=$(n state "net-d$$" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
wait_file "$OUT/ready" 10
is "$(timeout 5 "$BB" wget -q -O - "http://[::1]:8081/" 2>&1)" "hello from the container" "run -d: the host's [::1]:8081 reaches httpd (the keeper's relay)"
n kill "net-d$$" KILL
for ((i = 0; i < 250; i++)); do [ -d "/proc/$cpid" ] || break; sleep 0.02; done
for ((i = 0; i < 100; i++)); do [ -z "$(ss -Hltn 'sport = :8081')" ] && break; sleep 0.02; done
is "$(ss -Hltn 'sport = :8081')" "" "run -d: PID 1 SIGKILLed: the keeper noticed, nothing listens on [::1]:8081"
[ -n "$(nft_state)" ]; ok $? "run -d: PID 1 killed, its chains remain until a sweep"
"$NSRUN" --private-network "$TMP/next.json"; is "$?" 0 "run -d: the next networked nsrun runs"
is "$(nft_state)$(records_of "$cpid")" "" "run -d: it swept the dead PID 1's chains and record"
n delete "net-d$$"; is "$?" 0 "run -d: delete after the sweep exits 0"
is "$(links_settled "$links_before")" "$links_before" "run -d: the veth is gone"
rm -f "$OUT"/*

# udp: perl in the Debian tree (busybox has no UDP server), a dual-stack echo
if [ -x "$DEBIAN_CACHE/usr/bin/perl" ]; then
	DEB=$(mktemp -d /var/tmp/nsrun-it-net-debian.XXXXXX)
	chmod 755 "$DEB"
	cp -a "$DEBIAN_CACHE/." "$DEB/"
	perl_echo='use Socket; socket(S, PF_INET6, SOCK_DGRAM, 0) or die; bind(S, pack_sockaddr_in6(9000, Socket::IN6ADDR_ANY())) or die; open(R, ">/out/ready"); close(R); while (my $p = recv(S, my $m, 100, 0)) { send(S, "echo:$m", 0, $p) }'
	spec "$TMP/udp.json" '{"root": {"path": "'$DEB'"}, "mounts": [{"destination": "/out", "type": "bind", "source": "'$OUT'", "options": ["rbind", "idmap"]}],
	 "process": {"args": ["sh", "-c", "perl -e \"$0\" & while [ ! -e /out/stop ]; do sleep 0.05; done", '"$(printf '%s' "$perl_echo" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')"']},
	 "network": {"hostInterface": "vn-udp'$$'",
	   "addresses": {"host": ["192.0.2.1/24", "2001:db8::1/64"], "container": ["192.0.2.2/24", "2001:db8::2/64"]},
	   "ports": [{"protocol": "udp", "host": 5353, "container": 9000}]}}'
	"$NSRUN" "$TMP/udp.json" & npid=$!
	udp_ask() { # HOST: one datagram to HOST:5353, the answer
		timeout 5 bash -c 'exec 3<>/dev/udp/'"$1"'/5353; echo "$2" >&3; dd bs=200 count=1 2>/dev/null <&3' _ "$1" "$2"
	}
	if wait_file "$OUT/ready" 10; then
		is "$(udp_ask 127.0.0.1 lo4)" "echo:lo4" "udp: the host's 127.0.0.1:5353 reaches the container's 9000"
		is "$(udp_ask 2001:db8::1 h6)" "echo:h6" "udp: the host's own IPv6 address"
		is "$(udp_ask ::1 l6)" "echo:l6" "udp: the host's [::1]:5353 reaches the container's 9000 (relay)"
		is "$(other bash -c "$(declare -f udp_ask); udp_ask 203.0.113.1 o4")" "echo:o4" "udp: another host, IPv4"
		is "$(other bash -c "$(declare -f udp_ask); udp_ask 2001:db8:2::1 o6")" "echo:o6" "udp: another host, IPv6"
	else
		ok 1 "udp: the container started"
	fi
	touch "$OUT/stop"
	wait "$npid"
	is "$(nft_state)" "" "udp: no nftables table left after the container stopped"
	is "$(ss -Huln 'sport = :5353')" "" "udp: nothing bound to [::1]:5353 after the container stopped"
	rm -f "$OUT"/*
else
	skip "udp: no Debian tree with perl at $DEBIAN_CACHE"
fi

# --- bridge: two containers on one bridge -----------------------------------------
ip link add vnbr$$ type bridge
ip link set vnbr$$ up
ip addr add 203.0.113.129/25 dev vnbr$$
bridge_spec() { # FILE NAME ADDR ARGS [MORE-NETWORK-MEMBERS]
	spec "$1" '{"root": {"path": "'$ROOTFS'"}, '"$mounts_out"', "process": {"args": '"$4"'},
	 "network": {"bridge": "vnbr'$$'", "hostInterface": "'$2'"'"${5:+, $5}"',
	   "addresses": {"container": ["'$3'/25"], "defaultRoute": false}}}'
}
bridge_spec "$TMP/br-a.json" "vn-bra$$" 203.0.113.130 \
	'["sh", "-c", "httpd -p 80 -h /www; nc -l -p 7002 -e cat & touch /out/a-ready; while [ ! -e /out/stop ]; do sleep 0.05; done"]' \
	'"ports": [{"host": 8082, "container": 80}]'
bridge_spec "$TMP/br-b.json" "vn-brb$$" 203.0.113.131 \
	'["sh", "-c", "ping -c1 -W2 203.0.113.130 >/dev/null && echo ok > /out/b-ping; echo via-bridge | nc -w 2 203.0.113.130 7002 > /out/b-echo"]'
"$NSRUN" "$TMP/br-a.json" & apid=$!
if wait_file "$OUT/a-ready" 10; then
	"$NSRUN" "$TMP/br-b.json"; is "$?" 0 "bridge: the second container runs"
	is "$(cat "$OUT/b-ping" 2>&1)" ok "bridge: one container pings the other"
	is "$(cat "$OUT/b-echo" 2>&1)" via-bridge "bridge: TCP echo between the two containers"
	like "$(ip -o link show vn-bra$$)" "master vnbr$$" "bridge: the host side is in the bridge"
	want="hello from the container"
	is "$(timeout 5 "$BB" wget -q -O - http://203.0.113.129:8082/ 2>&1)" "$want" \
		"bridge: a forwarded port reaches the container's fixed address (from the host's bridge address)"
	out=$(timeout 5 "$BB" wget -q -O - http://127.0.0.1:8082/ 2>&1); rc=$?
	[ "$rc" != 124 ] && [ "$out" != "$want" ]
	ok $? "bridge: the host's 127.0.0.1 is not forwarded (refused at once, not hanging: $rc)"
	is "$(cat /proc/sys/net/ipv4/conf/vnbr$$/route_localnet)" 0 "bridge: the bridge's route_localnet is left alone"
else
	ok 1 "bridge: the first container started"
fi
touch "$OUT/stop"
wait "$apid"; is "$?" 0 "bridge: the first container exits 0"
for ((i = 0; i < 100; i++)); do [ -z "$(ip -o link show master vnbr$$ 2>&1)" ] && break; sleep 0.02; done
is "$(ip -o link show master vnbr$$ 2>&1)" "" "bridge: no port left in the bridge"
is "$(nft_state)" "" "bridge: no nftables table left"
ip link del vnbr$$
rm -f "$OUT"/*

# --- auto addressing (non-boot): two at once get different subnets ---------------------
auto_spec() { # FILE NAME
	spec "$1" '{"root": {"path": "'$ROOTFS'"}, '"$mounts_out"', "hostname": "'$2'",
	 "process": {"args": ["sh", "-c", "ip -o -4 addr show host0 > /out/'$2'; ping -c1 -W2 $(ip route | sed -n \"s/^default via \\([0-9.]*\\).*/\\1/p\") >/dev/null && echo ok >> /out/'$2'; while [ ! -e /out/stop ]; do sleep 0.05; done"]}}'
}
auto_spec "$TMP/auto1.json" net-a1
auto_spec "$TMP/auto2.json" net-a2
"$NSRUN" --network-veth "$TMP/auto1.json" & a1=$!
"$NSRUN" --network-veth "$TMP/auto2.json" & a2=$!
if wait_file "$OUT/net-a1" 10 && wait_file "$OUT/net-a2" 10; then
	sleep 0.5
	s1=$(sed -n 's/.*inet \([0-9.]*\/[0-9]*\).*/\1/p' "$OUT/net-a1")
	s2=$(sed -n 's/.*inet \([0-9.]*\/[0-9]*\).*/\1/p' "$OUT/net-a2")
	like "$s1 $s2" "^198\.51\.100\.[0-9]+/28 198\.51\.100\.[0-9]+/28$" "auto: host0 gets a /28 of NSRUN_NETWORK_POOL"
	o1=${s1%/*} o2=${s2%/*}
	[ $(( ${o1##*.} / 16 )) != $(( ${o2##*.} / 16 )) ]
	ok $? "auto: two containers started at once get different subnets ($s1, $s2)"
	like "$(cat "$OUT/net-a1")" "ok" "auto: the container pings its host side"
	is "$(links)" "ve-net-a1
ve-net-a2" "auto: host sides named ve- + the hostname"
else
	ok 1 "auto: both containers started"
fi
touch "$OUT/stop"
wait "$a1" "$a2"
rm -f "$OUT"/*

# --- failures at every network step, SIGKILL: nothing left behind ----------------------
spec "$TMP/fail.json" '{"root": {"path": "'$ROOTFS'"}, "boot": true, "process": {"args": ["sleep", "100"]},
 "network": {"hostInterface": "vn-fail'$$'", "addresses": "auto", "ports": [{"host": 8090, "container": 80}]}}'
mapfile -t steps < <("$NSRUN" plan "$TMP/fail.json" | sed -nE 's/^ *([0-9]+)\. +\[[a-z]+\] +(net-[a-z]+).*/\1 \2/p')
is "${#steps[@]}" 5 "faults: the boot + auto + port plan has 5 network steps (${steps[*]})"
for st in "${steps[@]}"; do
	n=${st% *} kind=${st#* }
	out=$(NSRUN_TEST_FAIL_STEP=$n "$NSRUN" "$TMP/fail.json" 2>&1); rc=$?
	is "$rc" 125 "faults: step $n ($kind) fails: status 125"
	like "$out" "step $n $kind" "faults: step $n ($kind) fails:   the message names it"
	left="$(links_settled)$(nft_state)$(dnsmasq_here)"
	is "$left" "" "faults: step $n ($kind) fails:   no link, nftables chain or dnsmasq left"
done

"$NSRUN" "$TMP/fail.json" >/dev/null 2>&1 & kpid=$!
for ((i = 0; i < 250; i++)); do [ -n "$(our_dnsmasq "$kpid")" ] && [ -n "$(links)" ] && break; sleep 0.02; done
[ -n "$(our_dnsmasq "$kpid")" ] && [ -n "$(nft_state)" ]; ok $? "SIGKILL: dnsmasq and the chains are up before the kill"
kill -9 "$kpid"; wait "$kpid" 2>/dev/null
[ -n "$(records_of "$kpid")" ]; ok $? "SIGKILL: the dead run's record is there"
minimal_spec "$TMP/next.json" '["true"]' '"network": {"mode": "private"}'
"$NSRUN" "$TMP/next.json"; is "$?" 0 "SIGKILL: the next networked nsrun runs"
is "$(our_dnsmasq "$kpid")" "" "SIGKILL: it stopped the dead run's dnsmasq"
is "$(nft_state)" "" "SIGKILL: and removed its nftables chains"
for ((i = 0; i < 100; i++)); do [ -z "$(links)" ] && break; sleep 0.02; done
is "$(links)" "" "SIGKILL: and its link"
is "$(records_of "$kpid")" "" "SIGKILL: and its record"

# --- private: only lo, up -------------------------------------------------------------
out=$("$NSRUN" --private-network "$TMP/next.json" -- ip -o link show 2>&1)
like "$out" "^1: lo: <LOOPBACK,UP" "private: lo is up"
is "$(echo "$out" | wc -l)" 1 "private: and there is nothing else"

# --- boot mode: a reboot sets the network up again (the old veth may still be going) ---
mkdir -p "$TMP/rb"
spec "$TMP/rb.json" '{"root": {"path": "'$ROOTFS'"}, "boot": true,
 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
   {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["newinstance", "ptmxmode=0666"]},
   {"destination": "/rb", "type": "bind", "source": "'$TMP/rb'", "options": ["rbind", "idmap"]}],
 "process": {"args": ["sh", "-c", "ip -o -4 addr show host0 | cut -d\\  -f2,7 >> /rb/log; if [ -e /rb/once ]; then poweroff -f; else touch /rb/once; reboot -f; fi"]},
 "network": {"hostInterface": "vn-rb'$$'", "addresses": {"host": ["192.0.2.1/24"], "container": ["192.0.2.2/24"]}}}'
timeout 20 "$NSRUN" "$TMP/rb.json" </dev/null >/dev/null 2>&1; rc=$?
is "$rc:$(cat "$TMP/rb/log" 2>&1)" "0:host0 192.0.2.2/24
host0 192.0.2.2/24" "boot: after a reboot, host0 has its address again"
is "$(links_settled)" "" "boot: and the veth is gone after poweroff"

# --- auto in a booted Debian: DHCP from dnsmasq, networkd configures host0 ------------
if [ -n "$DEB" ] && [ -x "$DEB/usr/lib/systemd/systemd" ]; then
	: >"$DEB/etc/machine-id"
	w=$DEB/etc/systemd/system
	mkdir -p "$w/multi-user.target.wants" "$w/sockets.target.wants"
	ln -sf /lib/systemd/system/systemd-networkd.service "$w/multi-user.target.wants/"
	ln -sf /lib/systemd/system/systemd-networkd.socket "$w/sockets.target.wants/"
	ln -sf /lib/systemd/system/systemd-networkd.service "$w/dbus-org.freedesktop.network1.service"
	spec "$TMP/deb.json" '{"root": {"path": "'$DEB'"}, "boot": true, "machine": "net-deb'$$'"}'
	"$NSRUN" --network-veth --pid-file "$TMP/deb.pid" "$TMP/deb.json" </dev/null >"$TMP/deb.out" 2>&1 & dpid=$!
	wait_file "$TMP/deb.pid" 20
	cpid=$(cat "$TMP/deb.pid" 2>/dev/null)
	addr=
	for ((i = 0; i < 300; i++)); do
		addr=$(nsenter -t "$cpid" -n ip -4 -o addr show host0 2>/dev/null | grep dynamic)
		[ -n "$addr" ] && break
		sleep 0.05
	done
	like "$addr" "inet 198\.51\.100\.[0-9]+/28 .*dynamic" "Debian: networkd got host0's address by DHCP"
	leases=$(cat /run/nsrun/.net/"$dpid"-*/leases 2>/dev/null)
	like "$leases" "198\.51\.100\." "Debian: dnsmasq's lease file holds it"
	st=$(timeout 60 nsenter -t "$cpid" -a systemctl is-system-running --wait 2>&1)
	is "$st" running "Debian: the system is running"
	is "$(nsenter -t "$cpid" -a systemctl --failed --no-legend --plain 2>&1)" "" "Debian: no failed units"
	gw=$(nsenter -t "$cpid" -n ip route 2>/dev/null | sed -n 's/^default via \([0-9.]*\).*/\1/p')
	nsenter -t "$cpid" -n "$BB" ping -c1 -W2 "$gw" >/dev/null; ok $? "Debian: it reaches its host side ($gw) over the DHCP route"
	nsenter -t "$cpid" -a systemctl poweroff
	wait "$dpid"; is "$?" 0 "Debian: poweroff, nsrun exits 0"
	is "$(our_dnsmasq "$dpid")" "" "Debian: dnsmasq stopped with the container"
	is "$(records_of "$dpid")" "" "Debian: its record and lease file are gone"
	is "$(links_settled)" "" "Debian: the veth is gone"
else
	skip "Debian: no tree at $DEBIAN_CACHE (see boot.sh)"
fi

done_testing
