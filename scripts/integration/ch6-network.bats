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
}

teardown() {
	md_rm_all
	local n
	for n in $(md network ls 2>/dev/null | awk 'NR > 1 { print $1 }'); do md network rm "$n" >/dev/null || true; done
	[ -z "$CLIENT_NS" ] || ip netns del "$CLIENT_NS" 2>/dev/null || true
	[ -z "$CLIENT_NS" ] || ip link del mdtest-cli 2>/dev/null || true
	local status=0
	assert_no_leaks || status=1
	return $status
}

# http_get HOST PORT: GET / over bash's /dev/tcp (no client to install).
http_get() {
	timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "GET / HTTP/1.0\r\n\r\n" >&3 && cat <&3' "$1" "$2" | tail -n 1
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
	[[ "${lines[0]}" =~ ^NAME\ +SUBNET\ +GATEWAY\ +DRIVER$ ]]
	[[ "${lines[1]}" =~ ^big\ +10\.251\.0\.0/16\ +10\.251\.0\.1\ +bridge$ ]]
	[[ "${lines[2]}" =~ ^small\ +10\.250\.8\.0/29\ +10\.250\.8\.1\ +bridge$ ]]
	[[ "${lines[3]}" =~ ^testnet\ +10\.250\.0\.0/24\ +10\.250\.0\.1\ +bridge$ ]]
	ip -4 -o addr | grep -F ' 10.250.0.1/24 '
	run md network ls
	[ "${#lines[@]}" -eq 4 ]
	for n in big small testnet; do
		run md network rm "$n"
		[ "$status" -eq 0 ]
	done
	run md network ls
	[ "${#lines[@]}" -eq 1 ]
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
		# final/'s containers join "bridge" by default: -p needs no --net.
		if [ "$args" = "-p 80:80 busybox true" ] && [ "$STAGE" = final ]; then continue; fi
		run --separate-stderr md run --rm $args
		echo "run $args: $status $stderr"
		[ "$status" -eq 125 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
	done
	run --separate-stderr md network rm nosuchnet
	[ "$status" -eq 125 ]
	[ "$(md network ls | wc -l)" -eq 2 ]
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
	a=$(md ps | awk '$2 == "a" { print $4 }')
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
	[ "$(md ps | awk 'NR > 1 { print $4 }' | sort -u | wc -l)" -eq 5 ]
	md ps | awk 'NR > 1 { print $4 }' | grep -v -x -e 10.250.8.0 -e 10.250.8.1 -e 10.250.8.7
	run --separate-stderr md run -d --net small busybox sleep 1000
	[ "$status" -eq 125 ]
	[[ "$stderr" == *full* ]]
	[ "$(md ps -a -q | wc -l)" -eq 5 ]
	run md exec c1 ping -c 1 -W 2 "$(md ps | awk '$2 == "c5" { print $4 }')"
	[ "$status" -eq 0 ]
}

@test "network: 20 runs at once get 20 different addresses, and the state is whole" {
	md network create --subnet 10.250.0.0/24 testnet
	for i in $(seq 20); do
		md run -d --net testnet busybox sleep 1000 >"$BATS_TEST_TMPDIR/run.$i" 2>&1 &
	done
	wait
	cat "$BATS_TEST_TMPDIR"/run.*
	[ "$(md ps -q | wc -l)" -eq 20 ]
	[ "$(md ps | awk 'NR > 1 { print $4 }' | sort -u | wc -l)" -eq 20 ]
	[ "$(grep -c '"10.250.0.' "$MD_ROOT/ipam/testnet.json")" -eq 20 ]
}

@test "network: an address released by stop is given again" {
	md network create --subnet 10.250.8.0/29 small
	md_detach --name first --net small -- sleep 1000
	ip=$(md ps | awk '$2 == "first" { print $4 }')
	md stop -t 0 first
	[ -z "$(ip -o link | grep -F "mdv${MD_ID:0:10}")" ]
	md_detach --name second --net small -- sleep 1000
	[ "$(md ps | awk '$2 == "second" { print $4 }')" = "$ip" ]
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
	pid=$(md ps | awk '$2 == "web" { print $3 }')
	kill -KILL "$pid"
	for ((i = 0; i < 50; i++)); do md ps -a | grep -qi ' exited ' && break; sleep 0.1; done
	[ -z "$(iptables -t nat -S | grep -e "-j DNAT")" ]
	[ "$(cat "$MD_ROOT/ipam/testnet.json")" = "{}" ]
}
