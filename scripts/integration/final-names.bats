#!/usr/bin/env bats
# final/: names. Each container on a user network asks a DNS server of its
# own at 127.0.0.11, as under docker, which answers the network's names
# the moment a container starts and no longer once it stops; --dns,
# --dns-search, --dns-option, --add-host. Every question about another
# name goes to --dns on the test's own bridge, where nothing answers:
# never out of the machine.

load helpers

# on_net NAME ARGS...: a detached container NAME on the test's network.
on_net() {
	local name=$1
	shift
	md run -d --name "$name" --network names --dns 10.251.11.1 "$@" busybox sleep 1000 >/dev/null
}

# ip_of NAME: its address on the network.
ip_of() { md inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }

# lookup FROM NAME: the address NAME has for the container FROM, or
# nothing (and a failure) when it has none.
lookup() {
	md exec "$1" nslookup -type=a "$2" 127.0.0.11 2>&1 | awk '/^Name:/ { n = 1 } n && /^Address/ { print $NF }'
}

@test "final: names: a name answers on its network the moment its container starts, and goes when it stops" {
	md network create --subnet 10.251.11.0/24 names >/dev/null
	on_net web
	on_net db
	# At once: no wait for anything to be rewritten.
	[ "$(lookup web db)" = "$(ip_of db)" ]
	# Also as NAME.NETWORK and by short ID; and any case.
	[ "$(lookup web db.names)" = "$(ip_of db)" ]
	[ "$(lookup web "$(md inspect -f '{{.Id}}' db | cut -c1-12)")" = "$(ip_of db)" ]
	[ "$(lookup web DB)" = "$(ip_of db)" ]
	run md exec web ping -c 1 -W 2 db
	[ "$status" -eq 0 ]
	# Stopped, it is forgotten; started again, it answers again.
	md stop -t 0 db >/dev/null
	[ -z "$(lookup web db)" ]
	md start db >/dev/null
	[ "$(lookup web db)" = "$(ip_of db)" ]
	# kill -9 of its command: forgotten once its end is seen.
	kill -KILL "$(ps_pid db)"
	for ((i = 0; i < 50; i++)); do [ -z "$(lookup web db)" ] && break; sleep 0.1; done
	[ -z "$(lookup web db)" ]
	md rm -f web db >/dev/null
	md network rm names >/dev/null
	[ ! -e "$MD_ROOT/dns/names.json" ]
}

@test "final: names: resolv.conf points at the container's own server; port 53 stays free for its own" {
	md network create --subnet 10.251.11.0/24 names >/dev/null
	on_net web --dns-search example.test --dns-option timeout:1
	run md exec web cat /etc/resolv.conf
	echo "$output"
	[ "${lines[0]}" = "nameserver 127.0.0.11" ]
	[[ "$output" == *"search example.test"* ]]
	[[ "$output" == *"options timeout:1 ndots:0"* ]]
	# A name that is not the network's goes to --dns: the bridge's own
	# address here, where nothing answers, so the server says SERVFAIL.
	run md exec web nslookup -type=a nosuch.invalid 127.0.0.11
	echo "$output"
	[[ "$output" == *SERVFAIL* ]]
	# The server's rules send 127.0.0.11:53 on to it, so the container
	# may serve port 53 itself (a pihole), on any address, and still ask.
	on_net db
	run md exec web sh -c 'nc -l -p 53 & sleep 0.3; kill -0 $! && echo bound; nslookup -type=a db 127.0.0.11; kill $!'
	echo "$output"
	[ "${lines[0]}" = bound ]
	[[ "$output" == *"Address: $(ip_of db)"* ]]
	# The default bridge has no server, as docker's: resolv.conf is the
	# host's there.
	run md run --rm busybox cat /etc/resolv.conf
	[[ "$output" != *127.0.0.11* ]]
	md rm -f web db >/dev/null
	md network rm names >/dev/null
}

@test "final: names: the network's server is the container's alone: another network's containers do not get its names" {
	md network create --subnet 10.251.11.0/24 names >/dev/null
	md network create --subnet 10.251.12.0/24 other >/dev/null
	on_net web
	md run -d --name stranger --network other --dns 10.251.12.1 busybox sleep 1000 >/dev/null
	[ -z "$(lookup stranger web)" ]
	[ -n "$(lookup web web)" ]
	md rm -f web stranger >/dev/null
	md network rm names other >/dev/null
}

@test "final: names: --add-host and --dns on any network; bad values are refused before anything is made" {
	md network create --subnet 10.251.11.0/24 names >/dev/null
	run md run --rm --network names --add-host db.example:10.9.8.7 --add-host gw:host-gateway busybox cat /etc/hosts
	echo "$output"
	[[ "$output" == *"10.9.8.7	db.example"* ]]
	[[ "$output" == *"10.251.11.1	gw"* ]]
	run md run --rm --network none --dns 10.9.8.7 --dns-search a.test busybox cat /etc/resolv.conf
	[ "$output" = "$(printf 'nameserver 10.9.8.7\nsearch a.test')" ]
	md run -d --name kept --network names --dns 10.9.8.7 --dns-search a.test --dns-option ndots:2 --add-host x:1.2.3.4 busybox sleep 1000 >/dev/null
	[ "$(md inspect -f '{{json .HostConfig.Dns}} {{json .HostConfig.DnsSearch}} {{json .HostConfig.DnsOptions}} {{json .HostConfig.ExtraHosts}}' kept)" = '["10.9.8.7"] ["a.test"] ["ndots:2"] ["x:1.2.3.4"]' ]
	md rm -f kept >/dev/null
	for bad in "--dns not-an-ip" "--add-host nocolon" "--add-host x:not-an-ip" "--add-host bad_name!:1.2.3.4"; do
		run --separate-stderr md run --rm --network none $bad busybox true
		echo "$bad: $status $stderr"
		[ "$status" -eq 125 ]
		[ "$(wc -l <<<"$stderr")" -eq 1 ]
	done
	[ -z "$(md ps -aq)" ]
	md network rm names >/dev/null
}

@test "final: names: --network-alias adds names on the container's user network, refused on the default bridge" {
	md network create --subnet 10.251.11.0/24 names >/dev/null
	on_net web
	on_net api --network-alias backend --network-alias v1.backend
	[ "$(lookup web backend)" = "$(ip_of api)" ]
	[ "$(lookup web v1.backend)" = "$(ip_of api)" ]
	[ "$(lookup web backend.names)" = "$(ip_of api)" ]
	[ "$(md inspect -f '{{json .NetworkSettings.Networks.names.Aliases}}' api)" = '["backend","v1.backend"]' ]
	[[ "$(md inspect -f '{{json .NetworkSettings.Networks.names.DNSNames}}' api)" == '["api",'*',"backend","v1.backend"]' ]]
	md stop -t 0 api >/dev/null
	[ -z "$(lookup web backend)" ]
	run --separate-stderr md run --rm --network-alias x busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"only supported for user-defined networks"* ]]
	md rm -f web api >/dev/null
	md network rm names >/dev/null
}

@test "final: names: --network container:NAME shares NAME's network, host name, hosts and resolv.conf" {
	md network create --subnet 10.251.11.0/24 names >/dev/null
	on_net web
	on_net db
	md run -d --name side --network container:web busybox sleep 1000 >/dev/null
	[ "$(md exec side cat /sys/class/net/eth0/address)" = "$(md exec web cat /sys/class/net/eth0/address)" ]
	[ "$(md exec side hostname)" = "$(md exec web hostname)" ]
	[ "$(md exec side cat /etc/resolv.conf)" = "$(md exec web cat /etc/resolv.conf)" ]
	# web's DNS server answers side too: its rules are in the namespace.
	[ "$(lookup side db)" = "$(ip_of db)" ]
	# One loopback: what web serves on 127.0.0.1, side reaches.
	md exec -d web sh -c 'echo from-web | nc -l -p 8080'
	for ((i = 0; i < 50; i++)); do md exec web netstat -ltn | grep -q ':8080 ' && break; sleep 0.1; done
	[ "$(md exec side nc 127.0.0.1 8080 </dev/null)" = from-web ]
	[ "$(md inspect -f '{{.HostConfig.NetworkMode}}' side)" = "container:$(md inspect -f '{{.Id}}' web)" ]
	for bad in "--network container:nosuch" "--network container:web -p 8080:80" "--network container:web -h other" "--network container:web --dns 1.1.1.1"; do
		run --separate-stderr md run --rm $bad busybox true
		echo "$bad: $status $stderr"
		[ "$status" -eq 125 ]
		[ "$(wc -l <<<"$stderr")" -eq 1 ]
	done
	md stop -t 0 db >/dev/null
	run --separate-stderr md run --rm --network container:db busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"not running"* ]]
	md rm -f side web db >/dev/null
	md network rm names >/dev/null
}

@test "final: names: several networks, network connect and disconnect: an interface and the names come and go at once" {
	md network create --subnet 10.251.11.0/24 front >/dev/null
	md network create --subnet 10.251.12.0/24 back >/dev/null
	md run -d --name api --network front --network back --dns 10.251.11.1 busybox sleep 1000 >/dev/null
	md run -d --name web --network front --dns 10.251.11.1 busybox sleep 1000 >/dev/null
	md run -d --name db --network back --dns 10.251.12.1 busybox sleep 1000 >/dev/null
	front_ip() { md inspect -f '{{.NetworkSettings.Networks.front.IPAddress}}' "$1"; }
	back_ip() { md inspect -f '{{.NetworkSettings.Networks.back.IPAddress}}' "$1"; }
	[ "$(md exec api ip -o -4 addr show eth1 | awk '{ print $4 }')" = "$(back_ip api)/24" ]
	[ "$(md exec api ip route | awk '/^default/ { print $3 }')" = 10.251.11.1 ]
	[ "$(lookup web api)" = "$(front_ip api)" ]
	[ "$(lookup db api)" = "$(back_ip api)" ]
	[ -z "$(lookup web db)" ]
	[ "$(md ps -f name=api --format '{{.Networks}}')" = front,back ]
	# Connected, web has eth1 and both sides have each other's names.
	md network connect --alias shop back web
	[ "$(md exec web ip -o -4 addr show eth1 | awk '{ print $4 }')" = "$(back_ip web)/24" ]
	[ "$(lookup web db)" = "$(back_ip db)" ]
	[ "$(lookup db shop)" = "$(back_ip web)" ]
	[ "$(md inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' web)" = "back front " ]
	run --separate-stderr md network connect back web
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"already exists in network back"* ]]
	# Disconnected: the interface and the names go.
	md network disconnect back web
	run md exec web ip link show eth1
	[ "$status" -ne 0 ]
	[ -z "$(lookup web db)" ]
	[ -z "$(lookup db shop)" ]
	run --separate-stderr md network disconnect back web
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"is not connected to network back"* ]]
	# A stopped container is connected at its next start, and stays so.
	md stop -t 0 web >/dev/null
	md network connect back web
	md start web >/dev/null
	[ -n "$(back_ip web)" ]
	[ "$(lookup db web)" = "$(back_ip web)" ]
	md restart -t 0 web >/dev/null
	[ "$(lookup db web)" = "$(back_ip web)" ]
	md rm -f api web db >/dev/null
	md network rm front back >/dev/null
}
