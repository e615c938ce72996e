#!/usr/bin/env bats
# Chapter 6: bridge networks, IPAM, veth pairs and port maps (-p), which
# leave nothing behind. Traffic goes only to the bridges, containers and
# network namespaces that these tests make, and to loopback.

load helpers

setup() {
	CGROUPS_BEFORE=$(mydocker_cgroups)
	md_setup_root
	NET_BEFORE=$(host_net)
	CLIENT_NS=""
	HOST_PIDS=""
}

teardown() {
	# A small filesystem a test filled: room again, for the clean-up.
	[ -z "${SMALL_FS:-}" ] || rm -f "$SMALL_FS"/fill*
	md_rm_all
	[ -z "$HOST_PIDS" ] || kill $HOST_PIDS 2>/dev/null || true
	local n
	for n in $(network_names); do md network rm "$n" >/dev/null || true; done
	[ -z "$CLIENT_NS" ] || ip netns del "$CLIENT_NS" 2>/dev/null || true
	[ -z "$CLIENT_NS" ] || ip link del mdtest-cli 2>/dev/null || true
	# A small filesystem a test put the state root on.
	[ -z "${SMALL_FS:-}" ] || umount -l "$SMALL_FS" 2>/dev/null || true
	local status=0
	assert_no_leaks || status=1
	return $status
}

# http_get HOST PORT: GET / over bash's /dev/tcp (no client to install).
http_get() {
	timeout "${HTTP_TIMEOUT:-5}" bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "GET / HTTP/1.0\r\n\r\n" >&3 && cat <&3' "$1" "$2" | tail -n 1
}

# web NAME PORT: a detached busybox httpd that answers "hello from NAME".
web() {
	md_detach --name "$1" --net "${NET:-testnet}" -p "$2:80" -- sh -c "mkdir -p /www && echo 'hello from $1' >/www/index.html && exec httpd -f -p 80 -h /www"
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(http_get 127.0.0.1 "$2")" = "hello from $1" ] && return 0
		sleep 0.1
	done
}

@test "network: create /24, /29 and /16, list them, and remove them" {
	run md network create --subnet 10.250.0.0/24 testnet
	[ "$status" -eq 0 ]
	run md network create --driver bridge --subnet 10.250.8.0/29 small
	[ "$status" -eq 0 ]
	run md network create --subnet 10.251.0.0/16 big
	[ "$status" -eq 0 ]
	run md network list
	if stage_at_least final; then # docker's columns; the subnets in inspect
		[[ "${lines[0]}" =~ ^NETWORK\ ID\ +NAME\ +DRIVER\ +SCOPE$ ]]
		[[ "${lines[1]}" =~ ^[0-9a-f]{12}\ +big\ +bridge\ +local$ ]]
		[[ "${lines[2]}" =~ ^[0-9a-f]{12}\ +host\ +host\ +local$ ]] # docker's, by name among ours
		[[ "${lines[3]}" =~ ^[0-9a-f]{12}\ +none\ +null\ +local$ ]]
		[[ "${lines[4]}" =~ ^[0-9a-f]{12}\ +small\ +bridge\ +local$ ]]
		[[ "${lines[5]}" =~ ^[0-9a-f]{12}\ +testnet\ +bridge\ +local$ ]]
		[ "$(md network inspect -f '{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}' big small testnet | tr '\n' ' ')" = "10.251.0.0/16 10.251.0.1 10.250.8.0/29 10.250.8.1 10.250.0.0/24 10.250.0.1 " ]
	else
		[[ "${lines[0]}" =~ ^NAME\ +SUBNET\ +GATEWAY\ +DRIVER$ ]]
		[[ "${lines[1]}" =~ ^big\ +10\.251\.0\.0/16\ +10\.251\.0\.1\ +bridge$ ]]
		[[ "${lines[2]}" =~ ^small\ +10\.250\.8\.0/29\ +10\.250\.8\.1\ +bridge$ ]]
		[[ "${lines[3]}" =~ ^testnet\ +10\.250\.0\.0/24\ +10\.250\.0\.1\ +bridge$ ]]
	fi
	ip -4 -o addr | grep -F ' 10.250.0.1/24 '
	run md network ls
	[ "${#lines[@]}" -eq $((4 + $(builtin_networks))) ]
	for n in big small testnet; do
		run md network rm "$n"
		[ "$status" -eq 0 ]
	done
	run md network ls
	[ "${#lines[@]}" -eq $((1 + $(builtin_networks))) ]
}

@test "network: bad input is refused with 125, and nothing is created" {
	md network create --subnet 10.250.0.0/24 testnet
	for args in "--subnet 10.250.0.0/24 testnet" "--subnet 10.250.0.128/25 other" "--subnet 10.250.0.0/33 x" \
		"--subnet nonsense x" "--subnet 10.0.0.0/7 x" "--subnet 10.250.9.0/31 x" "--driver overlay --subnet 10.250.9.0/24 x" \
		"--subnet 10.250.9.0/24 bad/name" "--subnet 10.250.9.0/24" "testnet2"; do
		# final/ picks a free /16 when --subnet is left out, as docker.
		if [ "$args" = testnet2 ] && [ "$STAGE" = final ]; then continue; fi
		run --separate-stderr md network create $args
		echo "$args: $status $stderr"
		[ "$status" -eq 125 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
	done
	# A subnet the host routes already.
	hostnet=$(ip -4 -o route | awk '$1 ~ /\// && $1 !~ /^10\.250\./ { print $1; exit }')
	if [ -n "$hostnet" ]; then
		run --separate-stderr md network create --subnet "$hostnet" hostnet
		[ "$status" -eq 125 ]
		[[ "$stderr" == *overlaps* ]]
	fi
	for args in "--net nosuchnet busybox true" "-p 80 --net testnet busybox true" "-p a:b --net testnet busybox true" \
		"-p 70000:80 --net testnet busybox true" "-p 80:80/sctp --net testnet busybox true" "-p 80:80 busybox true"; do
		# final/'s containers join "bridge" by default: -p needs no --net;
		# and -p 80 publishes 80 on a free host port, as docker's.
		if [ "$args" = "-p 80:80 busybox true" ] && [ "$STAGE" = final ]; then continue; fi
		if [ "$args" = "-p 80 --net testnet busybox true" ] && [ "$STAGE" = final ]; then continue; fi
		run --separate-stderr md run --rm $args
		echo "run $args: $status $stderr"
		[ "$status" -eq 125 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
	done
	run --separate-stderr md network rm nosuchnet
	[ "$status" -eq 125 ]
	[ "$(md network ls | wc -l)" -eq $((2 + $(builtin_networks))) ]
	[ -z "$(md ps -a -q)" ]
}

@test "network: inside, eth0 has an address of the subnet, a default route via the gateway, and lo is up" {
	md network create --subnet 10.250.0.0/24 testnet
	run md run --rm --net testnet busybox sh -c 'ip -4 -o addr show eth0; ip route; ip -o link show lo'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ eth0\ +inet\ 10\.250\.0\.([0-9]+)/24 ]]
	last=${BASH_REMATCH[1]}
	[ "$last" -ge 2 ] && [ "$last" -le 254 ]
	[[ "${lines[1]}" == "default via 10.250.0.1 dev eth0"* ]]
	[[ "${lines[3]}" == *"<LOOPBACK,UP,LOWER_UP>"* ]]
}

@test "network: two containers ping each other, and the host pings them" {
	md network create --subnet 10.250.0.0/24 testnet
	md_detach --name a --net testnet -- sleep 1000
	a=$(ps_ip a)
	[[ "$a" == 10.250.0.* ]]
	run md run --rm --net testnet busybox ping -c 1 -W 2 "$a"
	[ "$status" -eq 0 ]
	run ping -c 1 -W 2 "$a"
	[ "$status" -eq 0 ]
	run md exec a ping -c 1 -W 2 10.250.0.1
	[ "$status" -eq 0 ]
	# MACs follow addresses (02:42 and the IPv4 address, as docker's), the
	# bridge's too, which keeps it as ports come and go: neighbours' ARP
	# entries stay right when an address is given again.
	br=$(ip -o -4 addr show | awk '$4 == "10.250.0.1/24" { print $2 }')
	[ "$(cat "/sys/class/net/$br/address")" = 02:42:0a:fa:00:01 ]
	run md exec a cat /sys/class/net/eth0/address
	[ "$output" = "$(printf '02:42:0a:fa:00:%02x' "${a##*.}")" ]
}

@test "network: -p reaches the container from 127.0.0.1 and from another namespace through the host's address" {
	md network create --subnet 10.250.0.0/24 testnet
	web web 18080
	[ "$(http_get 127.0.0.1 18080)" = "hello from web" ]
	# A client of our own: a namespace with a /30 to the host.
	CLIENT_NS=mdtest-client-$$
	ip netns add "$CLIENT_NS"
	ip link add mdtest-cli type veth peer name mdtest-clp
	ip link set mdtest-clp netns "$CLIENT_NS"
	ip addr add 10.252.0.1/30 dev mdtest-cli && ip link set mdtest-cli up
	ip -n "$CLIENT_NS" addr add 10.252.0.2/30 dev mdtest-clp
	ip -n "$CLIENT_NS" link set mdtest-clp up
	ip -n "$CLIENT_NS" link set lo up
	run ip netns exec "$CLIENT_NS" bash -c "$(declare -f http_get); http_get 10.252.0.1 18080"
	[ "$output" = "hello from web" ]
	# A host port our containers have already is refused.
	run --separate-stderr md run --rm --net testnet -p 18080:81 busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"18080"*taken* ]]
	# Gone with the container.
	md rm -f web
	[ -z "$(iptables -t nat -S | grep -e "-j DNAT")" ]
}

@test "network: a /29 holds 5 containers and refuses the sixth; the others keep working" {
	md network create --subnet 10.250.8.0/29 small
	for i in 1 2 3 4 5; do
		md_detach --name c$i --net small -- sleep 1000
	done
	[ "$(ps_ips | sort -u | wc -l)" -eq 5 ]
	ps_ips | grep -v -x -e 10.250.8.0 -e 10.250.8.1 -e 10.250.8.7
	run --separate-stderr md run -d --net small busybox sleep 1000
	[ "$status" -eq 125 ]
	[[ "$stderr" == *full* ]]
	[ "$(md ps -a -q | wc -l)" -eq 5 ]
	run md exec c1 ping -c 1 -W 2 "$(ps_ip c5)"
	[ "$status" -eq 0 ]
}

@test "network: 20 runs at once get 20 different addresses, and the state is whole" {
	md network create --subnet 10.250.0.0/24 testnet
	pids=()
	for i in $(seq 20); do
		md run -d --net testnet busybox sleep 1000 >"$BATS_TEST_TMPDIR/run.$i" 2>&1 &
		pids+=($!)
	done
	wait_pids "${pids[@]}"
	cat "$BATS_TEST_TMPDIR"/run.*
	[ "$(md ps -q | wc -l)" -eq 20 ]
	[ "$(ps_ips | sort -u | wc -l)" -eq 20 ]
	[ "$(grep -c '"10.250.0.' "$MD_ROOT/ipam/testnet.json")" -eq 20 ]
}

@test "network: an address released by stop is given again" {
	md network create --subnet 10.250.8.0/29 small
	md_detach --name first --net small -- sleep 1000
	ip=$(ps_ip first)
	md stop -t 0 first
	[ -z "$(ip -o link | grep -F "mdv${MD_ID:0:10}")" ]
	md_detach --name second --net small -- sleep 1000
	[ "$(ps_ip second)" = "$ip" ]
	# A foreground run gives its address back when it exits, too.
	run md run --rm --net small busybox true
	[ "$status" -eq 0 ]
	[ "$(grep -c '"10.250.8.' "$MD_ROOT/ipam/small.json")" -eq 1 ]
}

@test "network: remove refuses a network with containers, and changes nothing" {
	md network create --subnet 10.250.0.0/24 testnet
	md_detach --name a --net testnet -- sleep 1000
	run --separate-stderr md network rm testnet
	[ "$status" -eq 125 ]
	[[ "$stderr" == *attached* ]]
	run md exec a ping -c 1 -W 2 10.250.0.1
	[ "$status" -eq 0 ]
	md rm -f a
	run md network rm testnet
	[ "$status" -eq 0 ]
}

@test "network: kill -9 of a detached container's process, then the next command frees its address and rules" {
	md network create --subnet 10.250.0.0/24 testnet
	web web 18081
	pid=$(ps_pid web)
	kill -KILL "$pid"
	for ((i = 0; i < 50; i++)); do md ps -a | grep -qi ' exited ' && break; sleep 0.1; done
	[ -z "$(iptables -t nat -S | grep -e "-j DNAT")" ]
	[ "$(cat "$MD_ROOT/ipam/testnet.json")" = "{}" ]
}

# --- issue 20: what reaches the host and the containers (docker 28's rules).

# udp_listener ADDR PORT FILE: a host service of the test's own that writes
# every datagram it gets to FILE, started in the background.
udp_listener() {
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
open(sys.argv[3] + ".ready", "w").close()
while True:
    data, peer = s.recvfrom(100)
    with open(sys.argv[3], "ab") as f:
        f.write(data + b"\n")
' "$1" "$2" "$3" &
	HOST_PIDS="$HOST_PIDS $!"
	local i
	for ((i = 0; i < 50; i++)); do [ -e "$3.ready" ] && return 0; sleep 0.1; done
	return 1
}

# spoof_udp PID GWMAC SRC DST PORT TEXT: from the network namespace of the
# container whose init is PID, the frame a container with NET_RAW (a
# default capability) can write on its eth0: to the gateway's MAC, a UDP
# datagram from SRC to DST:PORT. Only an AF_PACKET socket is used, which
# NET_RAW allows inside.
spoof_udp() {
	nsenter -t "$1" -n python3 -c '
import socket, struct, sys
gw, src, dst, port, text = sys.argv[1:6]
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
udp = struct.pack("!HHHH", 40000, int(port), 8 + len(text), 0) + text.encode()
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, socket.inet_aton(src), socket.inet_aton(dst))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
mine = s.getsockname()[4]
for _ in range(3):
    s.send(bytes.fromhex(gw.replace(":", "")) + mine + b"\x08\x00" + ip + udp)
' "$2" "$3" "$4" "$5" "$6"
}

# client_ns: a network namespace of the test's own, "another host", with a
# /30 to the host (10.252.0.1 the host's end, 10.252.0.2 its own).
client_ns() {
	CLIENT_NS=mdtest-client-$$
	ip netns add "$CLIENT_NS"
	ip link add mdtest-cli type veth peer name mdtest-clp
	ip link set mdtest-clp netns "$CLIENT_NS"
	ip addr add 10.252.0.1/30 dev mdtest-cli && ip link set mdtest-cli up
	ip -n "$CLIENT_NS" addr add 10.252.0.2/30 dev mdtest-clp
	ip -n "$CLIENT_NS" link set mdtest-clp up
	ip -n "$CLIENT_NS" link set lo up
}

@test "network: a container cannot reach the host's 127.0.0.1 through the bridge (CVE-2020-8558); -p from 127.0.0.1 still works" {
	md network create --subnet 10.250.0.0/24 testnet
	udp_listener 127.0.0.1 18090 "$BATS_TEST_TMPDIR/got"
	# The listener works: the host's own datagram arrives.
	echo from-host >/dev/udp/127.0.0.1/18090
	for ((i = 0; i < 50; i++)); do [ -s "$BATS_TEST_TMPDIR/got" ] && break; sleep 0.1; done
	[ "$(cat "$BATS_TEST_TMPDIR/got")" = from-host ]
	web web 18080
	ip=$(ps_ip web)
	pid=$(ps_pid web)
	br=$(ip -o -4 addr show | awk '$4 == "10.250.0.1/24" { print $2 }')
	[ "$(cat "/proc/sys/net/ipv4/conf/$br/route_localnet")" = 1 ]
	spoof_udp "$pid" "$(cat "/sys/class/net/$br/address")" "$ip" 127.0.0.1 18090 from-container
	# The gateway itself is reached that way (the frame is good).
	udp_listener 10.250.0.1 18091 "$BATS_TEST_TMPDIR/gw"
	spoof_udp "$pid" "$(cat "/sys/class/net/$br/address")" "$ip" 10.250.0.1 18091 to-gateway
	for ((i = 0; i < 50; i++)); do [ -s "$BATS_TEST_TMPDIR/gw" ] && break; sleep 0.1; done
	grep -x to-gateway "$BATS_TEST_TMPDIR/gw"
	sleep 0.5
	run cat "$BATS_TEST_TMPDIR/got"
	echo "$output"
	[ "$output" = from-host ]
	# The host's own -p access to 127.0.0.1 still works.
	[ "$(http_get 127.0.0.1 18080)" = "hello from web" ]
}

@test "network: networks are isolated from each other; containers on one network reach each other" {
	md network create --subnet 10.250.0.0/24 testnet
	md network create --subnet 10.250.16.0/24 othernet
	md_detach --name a --net testnet -- httpd -f -p 80 -h /
	md_detach --name b --net testnet -- sleep 1000
	md_detach --name c --net othernet -- sleep 1000
	a=$(ps_ip a)
	c=$(ps_ip c)
	run md exec b ping -c 1 -W 2 "$a"
	[ "$status" -eq 0 ]
	# What must not get through waits a second: across one bridge an
	# answer takes a millisecond.
	run md exec c ping -c 1 -W 1 "$a"
	echo "c -> a: $status $output"
	[ "$status" -ne 0 ]
	run md exec a ping -c 1 -W 1 "$c"
	echo "a -> c: $status $output"
	[ "$status" -ne 0 ]
	run md exec c nc -w 1 "$a" 80 </dev/null
	echo "c -> a:80: $status $output"
	[ "$status" -ne 0 ]
	# Each still reaches its gateway and the host.
	run md exec c ping -c 1 -W 2 10.250.16.1
	[ "$status" -eq 0 ]
}

@test "network: from another host only published ports reach a container" {
	md network create --subnet 10.250.0.0/24 testnet
	md_detach --name web --net testnet -p 18080:80 -- sh -c "mkdir -p /www && echo 'hello from web' >/www/index.html && httpd -p 81 -h /www && exec httpd -f -p 80 -h /www"
	for ((i = 0; i < 50; i++)); do [ "$(http_get 127.0.0.1 18080)" = "hello from web" ] && break; sleep 0.1; done
	ip=$(ps_ip web)
	# The host reaches the container's every port itself.
	[ "$(http_get "$ip" 81)" = "hello from web" ]
	client_ns
	ip -n "$CLIENT_NS" route add 10.250.0.0/24 via 10.252.0.1
	run ip netns exec "$CLIENT_NS" bash -c "$(declare -f http_get); http_get 10.252.0.1 18080"
	[ "$output" = "hello from web" ]
	# Straight to the container, published or not: dropped (waited for
	# 2 s: an answer through the bridge takes milliseconds).
	for port in 81 80; do
		HTTP_TIMEOUT=2 run ip netns exec "$CLIENT_NS" bash -c "$(declare -f http_get); http_get $ip $port"
		echo "$ip:$port from outside: $output"
		[ "$output" != "hello from web" ]
	done
}

@test "network: -p refuses a host port a host service has (nothing is left) or another mapping has" {
	md network create --subnet 10.250.0.0/24 testnet
	mkdir "$BATS_TEST_TMPDIR/www" && echo 'host service' >"$BATS_TEST_TMPDIR/www/index.html"
	python3 -m http.server --bind 127.0.0.1 --directory "$BATS_TEST_TMPDIR/www" 18092 >/dev/null 2>&1 &
	HOST_PIDS="$HOST_PIDS $!"
	for ((i = 0; i < 50; i++)); do [ "$(http_get 127.0.0.1 18092)" = "host service" ] && break; sleep 0.1; done
	[ "$(http_get 127.0.0.1 18092)" = "host service" ]
	for mode in --rm -d; do
		run --separate-stderr md run $mode --net testnet -p 18092:80 busybox true
		echo "$mode: $status $stderr"
		[ "$status" -eq 125 ]
		[[ "$stderr" == *"address already in use"* ]]
		[ "${#stderr_lines[@]}" -eq 1 ]
		[ -z "$(md ps -a -q)" ]
		[ -z "$(iptables-save | grep -e 18092)" ]
		[ "$(cat "$MD_ROOT/ipam/testnet.json" 2>/dev/null || echo "{}")" = "{}" ]
		[ ! -e "$MD_ROOT/ports.json" ]
	done
	[ "$(http_get 127.0.0.1 18092)" = "host service" ]
	# A UDP service's port too.
	udp_listener 127.0.0.1 18095 "$BATS_TEST_TMPDIR/udp"
	run --separate-stderr md run --rm --net testnet -p 18095:80/udp busybox true
	echo "udp: $status $stderr"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"address already in use"* ]]
	# The same host port twice in one run.
	run --separate-stderr md run --rm --net testnet -p 18093:80 -p 18093:81 busybox true
	echo "$status $stderr"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"already allocated"* ]]
	[ -z "$(md ps -a -q)" ]
	web web 18093
	run --separate-stderr md run --rm --net testnet -p 18093:81 busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"already allocated"* ]]
	if stage_at_least final; then
		# final/'s monitor holds the port: no host service takes it.
		run python3 -c 'import socket; socket.socket().bind(("127.0.0.1", 18093))'
		echo "$output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"Address already in use"* ]]
		# And lets it go with the container.
		md rm -f web
		python3 -c 'import socket; socket.socket().bind(("0.0.0.0", 18093))'
	fi
}

@test "network: a network an older mydocker made gets docker 28's rules at its next run, and leaves nothing when removed" {
	md network create --subnet 10.250.0.0/24 testnet
	br=$(ip -o -4 addr show | awk '$4 == "10.250.0.1/24" { print $2 }')
	# As the older one left it: every port open both ways, no guard, and
	# no "rules" in its file.
	for c in "filter MYDOCKER-FORWARD" "filter MYDOCKER-ISOLATION" "raw MYDOCKER-RAW"; do
		set -- $c
		iptables -t "$1" -S "$2" | grep -F -- "$br" | sed 's/^-A/-D/' | while read -r line; do iptables -t "$1" $line; done
	done
	iptables -A MYDOCKER-FORWARD -i "$br" -j ACCEPT
	iptables -A MYDOCKER-FORWARD -o "$br" -j ACCEPT
	python3 -c 'import json, sys; n = json.load(open(sys.argv[1])); del n["rules"]; json.dump(n, open(sys.argv[1], "w"))' "$MD_ROOT/networks/testnet.json"
	md_detach --name a --net testnet -- sleep 1000
	iptables -S MYDOCKER-FORWARD
	[ -z "$(iptables -S MYDOCKER-FORWARD | grep -x -e "-A MYDOCKER-FORWARD -o $br -j ACCEPT")" ]
	iptables -S MYDOCKER-FORWARD | grep -x -e "-A MYDOCKER-FORWARD -o $br -j DROP"
	iptables -t raw -S MYDOCKER-RAW | grep -F -e "-i $br -j DROP"
	grep '"rules": 2' "$MD_ROOT/networks/testnet.json"
	# Old or new, remove takes every rule with it (teardown's leak check).
	md rm -f a
	md network rm testnet
}

# --- issue 21: nothing lost or leaked under faults.

@test "network: a create that fails half-way (no iptables, iptables failing at any call) leaves nothing, and the next one works" {
	run --separate-stderr env PATH=/nonexistent "$MYDOCKER" "${MD_GLOBAL[@]}" network create --subnet 10.250.0.0/24 testnet
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"install the iptables package"* ]]
	[ ! -e "$MD_ROOT/networks/testnet.json" ]
	[ "$(host_net)" = "$NET_BEFORE" ]
	local n made=0
	for ((n = 1; n <= 60; n++)); do
		iptables_wrapper fail "$n"
		run --separate-stderr env PATH="$IPT_PATH" "$MYDOCKER" "${MD_GLOBAL[@]}" network create --subnet 10.250.0.0/24 testnet
		if [ "$status" -eq 0 ]; then made=$n && break; fi
		echo "call $n failed: $stderr"
		[ "$status" -eq 125 ]
		[ ! -e "$MD_ROOT/networks/testnet.json" ]
		[ "$(host_net)" = "$NET_BEFORE" ]
	done
	[ "$made" -gt 2 ] # it failed at a few calls before
	md_detach --name a --net testnet -- sleep 1000
	md exec a ping -c 1 -W 2 10.250.0.1
}

@test "network: a create killed half-way is not trusted: the next create or run completes or removes it" {
	# Killed at the network's first rule, and at its sixth; in final/,
	# which makes them all in one iptables-restore, before it and after.
	local kills=("hang 1 -A" "hang 6 -A") k mode n word
	if stage_at_least final; then kills=("hang 1 --noflush" "hang-after 1 --noflush"); fi
	for k in "${kills[@]}"; do
		read -r mode n word <<<"$k"
		iptables_wrapper "$mode" "$n" "$word"
		env PATH="$IPT_PATH" "$MYDOCKER" "${MD_GLOBAL[@]}" network create --subnet 10.250.0.0/24 testnet 3>&- &
		local cli=$! i
		for ((i = 0; i < 100; i++)); do [ -s "$WRAP/hung" ] && break; sleep 0.1; done
		[ -s "$WRAP/hung" ]
		kill -KILL "$cli" "$(cat "$WRAP/hung")"
		wait "$cli" || true
		[ -e "$MD_ROOT/networks/testnet.json" ] # as the kill left it
		if [ "$k" = "${kills[0]}" ]; then
			# ls removes it; nothing of it is left on the host.
			run md network ls
			[ "${#lines[@]}" -eq $((1 + $(builtin_networks))) ]
			[ "$(host_net)" = "$NET_BEFORE" ]
		fi
	done
	# Create again, where the half-made one would be "already exists".
	md network create --subnet 10.250.0.0/24 testnet
	md_detach --name a --net testnet -- sleep 1000
	md exec a ping -c 1 -W 2 10.250.0.1
}

# our_rules BRIDGE: every rule and jump that mentions BRIDGE or our
# chains, as iptables-save prints them (counters stripped).
our_rules() {
	iptables-save | sed -E 's/\[[0-9]+:[0-9]+\]//' | grep -e "$1" -e "-j MYDOCKER-" | sort
}

@test "network: a run makes the bridge, its address and the network's rules again after ip link del and a rule flush, and never twice" {
	md network create --subnet 10.250.0.0/24 testnet
	br=$(ip -o -4 addr show | awk '$4 == "10.250.0.1/24" { print $2 }')
	[ -n "$br" ]
	made=$(our_rules "$br")
	# A reboot, as the network meets it: no bridge, none of its rules.
	ip link del "$br"
	for c in "nat MYDOCKER-POSTROUTING" "filter MYDOCKER-FORWARD" "filter MYDOCKER-ISOLATION" "raw MYDOCKER-RAW"; do
		set -- $c
		iptables -t "$1" -S "$2" | grep -F -- "$br" | sed 's/^-A/-D/' | while read -r line; do iptables -t "$1" $line; done
	done
	[ -z "$(iptables-save | grep -F -- "$br")" ]
	md_detach --name a --net testnet -- sleep 1000
	md exec a ping -c 1 -W 2 10.250.0.1
	[ "$(our_rules "$br")" = "$made" ]
	# Only the address gone, and a rule out of its place: made again,
	# each once, in order.
	ip addr del 10.250.0.1/24 dev "$br"
	iptables -D MYDOCKER-FORWARD -o "$br" -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -j ACCEPT
	md_detach --name b --net testnet -- sleep 1000
	md exec b ping -c 1 -W 2 10.250.0.1
	md exec b ping -c 1 -W 2 10.250.0.2
	[ "$(our_rules "$br")" = "$made" ]
	[ "$(iptables -S MYDOCKER-FORWARD | grep -F -- "$br" | head -n 1)" = "-A MYDOCKER-FORWARD -o $br -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -j ACCEPT" ]
}

# in_ns COMMAND...: runs COMMAND in the test's own network namespace
# (made by the first call), where iptables starts empty: a test may flush
# and delete chains there without touching the host's. nsenter, not ip
# netns exec, which would hide the cgroup mounts under a new /sys.
in_ns() {
	if [ -z "$CLIENT_NS" ]; then
		CLIENT_NS=mdtest-ns-$$
		ip netns add "$CLIENT_NS"
	fi
	nsenter --net="/run/netns/$CLIENT_NS" "$@"
}

@test "network: after iptables -F and -X (a firewalld reload) a run makes the chains, jumps and rules again; the last network of the last root removes them" {
	in_ns "$MYDOCKER" "${MD_GLOBAL[@]}" network create --subnet 10.250.0.0/24 testnet
	made=$(in_ns iptables-save | grep -e MYDOCKER | sed -E 's/\[[0-9]+:[0-9]+\]//' | sort)
	for t in nat filter raw; do in_ns iptables -t "$t" -F && in_ns iptables -t "$t" -X; done
	[ -z "$(in_ns iptables-save | grep MYDOCKER)" ]
	local MD_RUN_MODE=-d
	run_argv --name a --net testnet -- sleep 1000
	in_ns "${MD_ARGV[@]}"
	in_ns "$MYDOCKER" "${MD_GLOBAL[@]}" exec a ping -c 1 -W 2 10.250.0.1
	[ "$(in_ns iptables-save | grep -e MYDOCKER | sed -E 's/\[[0-9]+:[0-9]+\]//' | sort)" = "$made" ]
	in_ns "$MYDOCKER" "${MD_GLOBAL[@]}" rm -f a
	# A second root's network shares the chains: the first root's last
	# network leaves them, the second's removes them and their jumps.
	other=$BATS_TEST_TMPDIR/other-root
	in_ns "$MYDOCKER" --root "$other" network create --subnet 10.251.0.0/24 othernet
	in_ns "$MYDOCKER" "${MD_GLOBAL[@]}" network rm testnet
	in_ns iptables-save | grep -e "-A MYDOCKER-FORWARD"
	in_ns "$MYDOCKER" --root "$other" network rm othernet
	[ -z "$(in_ns iptables-save | grep MYDOCKER)" ]
}

@test "network: addresses and host ports whose container is gone, or does not hold them, are collected; network rm works once the containers are gone" {
	md network create --subnet 10.250.0.0/24 testnet
	md_detach --name a --net testnet -- sleep 1000
	a=$MD_ID
	gone=$(printf '%064d' 7) # no such container, as a run killed before its state recorded them leaves
	printf '{"10.250.0.2": "%s", "10.250.0.3": "%s", "10.250.0.4": "%s"}\n' "$a" "$a" "$gone" >"$MD_ROOT/ipam/testnet.json"
	printf '{"tcp/18089": "%s", "udp/18089": "%s"}\n' "$gone" "$a" >"$MD_ROOT/ports.json"
	md_detach --name b --net testnet -p 18089:80 -p 18089:80/udp -- sleep 1000
	md exec b ip -4 -o addr show eth0 | grep -F 10.250.0.3/24
	md rm -f a b
	printf '{"10.250.0.9": "%s"}\n' "$gone" >"$MD_ROOT/ipam/testnet.json"
	md network rm testnet
}

@test "network: a damaged network, address or port file is named with what to do, exit 125, and kept; leftover temporary files are collected" {
	md network create --subnet 10.250.0.0/24 testnet
	cp "$MD_ROOT/networks/testnet.json" "$BATS_TEST_TMPDIR/good.json"
	for bad in '{"name": "testn' '' 'garbage'; do
		printf '%s' "$bad" >"$MD_ROOT/networks/testnet.json"
		for cmd in "network ls" "network rm testnet"; do
			run --separate-stderr md $cmd
			echo "$cmd: $stderr"
			[ "$status" -eq 125 ]
			[ "$(echo "$stderr" | wc -l)" -eq 1 ]
			[[ "$stderr" == *"$MD_ROOT/networks/testnet.json is damaged"*restore* ]]
			[ "$(cat "$MD_ROOT/networks/testnet.json")" = "$bad" ]
		done
		run_argv --net testnet -- true
		run --separate-stderr "${MD_ARGV[@]}"
		[ "$status" -eq 125 ]
		[[ "$stderr" == *"$MD_ROOT/networks/testnet.json is damaged"* ]]
	done
	cp "$BATS_TEST_TMPDIR/good.json" "$MD_ROOT/networks/testnet.json"
	mkdir -p "$MD_ROOT/ipam" && echo garbage >"$MD_ROOT/ipam/testnet.json"
	run_argv --net testnet -- true
	run --separate-stderr "${MD_ARGV[@]}"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"$MD_ROOT/ipam/testnet.json is damaged"* ]]
	echo '{}' >"$MD_ROOT/ipam/testnet.json"
	# What kills during writes leave, old or fresh: every write is made
	# under the networks' lock, so one found under it is a dead writer's.
	for f in networks/.testnet.json.tmp-1 ipam/.testnet.json.tmp-2 .ports.json.tmp-3; do
		echo '{' >"$MD_ROOT/$f" && touch -d '-1 min' "$MD_ROOT/$f"
	done
	echo '{' >"$MD_ROOT/networks/.testnet.json.tmp-4"
	md network ls
	[ "$(cd "$MD_ROOT" && ls -A networks ipam . | grep -c tmp-)" -eq 0 ]
}

@test "network: on a full disk, rm -f and run --rm's teardown free everything first, and the next commands work" {
	SMALL_FS=$BATS_TEST_TMPDIR/small
	mkdir "$SMALL_FS"
	mount -t tmpfs -o size=16m tmpfs "$SMALL_FS"
	MD_ROOT=$SMALL_FS/root
	MD_GLOBAL=(--root "$MD_ROOT")
	md_put_image "$BUSYBOX_TAR"
	md network create --subnet 10.250.44.0/24 fullnet
	md_detach --name a --net fullnet -- sleep 1000
	md_start "$BATS_TEST_TMPDIR/c.out" --name c --net fullnet -- sh -c 'trap "exit 0" TERM; echo up; while :; do sleep 0.1; done'
	wait_for_line "$BATS_TEST_TMPDIR/c.out" up
	dd if=/dev/zero of="$SMALL_FS/fill" bs=1M 2>/dev/null || true
	[ "$(df --output=avail "$SMALL_FS" | tail -n 1)" -eq 0 ]
	# run --rm's own teardown, on the full disk.
	kill -TERM "$(init_of_run)"
	wait "$MD_PID"
	cat "$BATS_TEST_TMPDIR/c.out"
	# Full again, to the last page, whatever the teardown freed.
	dd if=/dev/zero of="$SMALL_FS/fill2" bs=4k 2>/dev/null || true
	run md rm -f a
	echo "$output"
	[ "$status" -eq 0 ]
	run md ps -a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	assert_no_mounts_under "$MD_ROOT"
	[ -z "$(ls -A "$MD_ROOT/containers")" ]
	rm -f "$SMALL_FS/fill" "$SMALL_FS/fill2"
	# The addresses and port came back: the next runs get them again.
	md_detach --name again --net fullnet -p 18944:80 -- sleep 1000
	stage_at_least final || [ "$(md ps | awk 'NR == 2 { print $4 }')" = 10.250.44.2 ]
	md rm -f again
	md network rm fullnet
}
