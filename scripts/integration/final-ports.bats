#!/usr/bin/env bats
# final/: publishing ports as docker does: -p in its full syntax
# ([IP:][HOSTPORT|HOSTRANGE:]CONTAINERPORT[-CONTAINERPORT][/PROTO]), a free
# host port when none is given, --expose, -P, "port", and inspect's
# NetworkSettings.Ports, HostConfig.PortBindings and Config.ExposedPorts.
# Traffic goes only to 127.0.0.1 and to the bridge these tests make.

load helpers

setup() {
	stage_at_least final || skip "final/ only"
	CGROUPS_BEFORE=$(mydocker_cgroups)
	md_setup_root
	NET_BEFORE=$(host_net)
	md network create --subnet 10.250.40.0/24 portnet >/dev/null
	GW=10.250.40.1
}

teardown() {
	md_rm_all
	local status=0
	assert_no_leaks || status=1
	return $status
}

# http_get HOST PORT: GET / over bash's /dev/tcp, the body's last line.
http_get() {
	timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "GET / HTTP/1.0\r\n\r\n" >&3 && cat <&3' "$1" "$2" 2>/dev/null | tail -n 1
}

# web NAME FLAG...: a detached busybox httpd on port 80 (and 81) that
# answers "hello from NAME", published with FLAG...
web() {
	local name=$1
	shift
	md run -d --name "$name" --network portnet "$@" busybox \
		sh -c "mkdir -p /www && echo 'hello from $name' >/www/index.html && httpd -p 81 -h /www && exec httpd -f -p 80 -h /www" >/dev/null
}

# await_http HOST PORT TEXT: wait until HOST:PORT answers TEXT.
await_http() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(http_get "$1" "$2")" = "$3" ] && return 0
		sleep 0.1
	done
	echo "$1:$2 never answered '$3'" >&2
	return 1
}

# closed HOST PORT: a connection to HOST:PORT is refused (or times out).
closed() {
	if timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; then
		return 1
	fi
	return 0
}

# dnat_rules: our DNAT rules, one a line.
dnat_rules() { iptables -t nat -S MYDOCKER-DNAT 2>/dev/null | grep -e '-j DNAT' || true; }

@test "final: ports: -p 127.0.0.1:H:C answers on 127.0.0.1 alone, holds H there, and lets it go with the container" {
	web web -p 127.0.0.1:18181:80
	await_http 127.0.0.1 18181 "hello from web"
	# Not through the bridge's own address, which is the host's too.
	closed "$GW" 18181
	# The DNAT is for that address only, and a packet to 127.0.0.1 from
	# another interface is dropped before it (docker 28's guard).
	[[ "$(dnat_rules)" == *"-d 127.0.0.1/32 -p tcp -m tcp --dport 18181 -j DNAT"* ]]
	iptables -t raw -S MYDOCKER-RAW | grep -e '-d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 18181 -j DROP'
	run md port web
	[ "$status" -eq 0 ]
	[ "$output" = "80/tcp -> 127.0.0.1:18181" ]
	run md port web 80
	[ "$output" = "127.0.0.1:18181" ]
	run md port web 80/tcp
	[ "$output" = "127.0.0.1:18181" ]
	run md inspect -f '{{json .NetworkSettings.Ports}} {{json .HostConfig.PortBindings}} {{json .Config.ExposedPorts}}' web
	[ "$output" = '{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"18181"}]} {"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"18181"}]} {"80/tcp":{}}' ]
	# Held: another container gets docker's answer, on any address.
	for spec in 18181:81 127.0.0.1:18181:81; do
		run --separate-stderr md run -d --network portnet -p "$spec" busybox sleep 100
		echo "$spec: $status $stderr"
		[ "$status" -eq 125 ]
		[[ "$stderr" == *"Bind for 127.0.0.1:18181 failed: port is already allocated"* ]] ||
			[[ "$stderr" == *"Bind for 0.0.0.0:18181 failed: port is already allocated"* ]]
		[ "${#stderr_lines[@]}" -eq 1 ]
	done
	[ "$(md ps -a -q | wc -l)" -eq 1 ]
	md rm -f web >/dev/null
	[ -z "$(dnat_rules)" ]
	[ -z "$(iptables -t raw -S MYDOCKER-RAW | grep -e '--dport 18181')" ]
	[ ! -s "$MD_ROOT/ports.json" ]
	# Free again: the next container has it.
	web again -p 127.0.0.1:18181:80
	await_http 127.0.0.1 18181 "hello from again"
}

@test "final: ports: -p C and -p IP::C take a free port of the kernel's ephemeral range" {
	read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
	web web -p 80 -p 127.0.0.1::81
	run md port web
	echo "$output"
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" =~ ^80/tcp\ -\>\ 0\.0\.0\.0:([0-9]+)$ ]]
	p80=${BASH_REMATCH[1]}
	[[ "${lines[1]}" =~ ^81/tcp\ -\>\ 127\.0\.0\.1:([0-9]+)$ ]]
	p81=${BASH_REMATCH[1]}
	[ "$p80" -ge "$lo" ] && [ "$p80" -le "$hi" ] && [ "$p81" -ge "$lo" ] && [ "$p81" -le "$hi" ]
	[ "$p80" -ne "$p81" ]
	await_http 127.0.0.1 "$p80" "hello from web"
	await_http 127.0.0.1 "$p81" "hello from web"
	await_http "$GW" "$p80" "hello from web" # all addresses: the bridge's too
	closed "$GW" "$p81"
	run md inspect -f '{{json .HostConfig.PortBindings}}' web
	[ "$output" = '{"80/tcp":[{"HostIp":"","HostPort":""}],"81/tcp":[{"HostIp":"127.0.0.1","HostPort":""}]}' ]
	run md inspect -f '{{json .NetworkSettings.Ports}}' web
	[ "$output" = "{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"$p80\"}],\"81/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"$p81\"}]}" ]
	# Another container gets other ports.
	md run -d --name other --network portnet -p 80 busybox sleep 100 >/dev/null
	run md port other 80
	[[ "$output" =~ ^0\.0\.0\.0:([0-9]+)$ ]]
	[ "${BASH_REMATCH[1]}" -ne "$p80" ] && [ "${BASH_REMATCH[1]}" -ne "$p81" ]
}

@test "final: ports: -p ranges: each port to its own, or one free port of a host range" {
	web web -p 18190-18191:80-81
	run md port web
	[ "$output" = "$(printf '80/tcp -> 0.0.0.0:18190\n81/tcp -> 0.0.0.0:18191')" ]
	await_http 127.0.0.1 18190 "hello from web"
	await_http 127.0.0.1 18191 "hello from web"
	# One of 18190-18193 for port 80: the first two are web's.
	web second -p 18190-18193:80
	run md port second 80
	[ "$output" = "0.0.0.0:18192" ]
	await_http 127.0.0.1 18192 "hello from second"
	run md inspect -f '{{json .HostConfig.PortBindings}}' second
	[ "$output" = '{"80/tcp":[{"HostIp":"","HostPort":"18190-18193"}]}' ]
	# A range with every port taken.
	run --separate-stderr md run -d --network portnet -p 18190-18191:80 busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"all ports are allocated"* ]]
	[ "$(md ps -a -q | wc -l)" -eq 2 ]
}

@test "final: ports: -p 0.0.0.0:H:C is kept as written in PortBindings; docker's long form; -p GATEWAY:H:C there alone" {
	web web -p 0.0.0.0:18194:80 -p published=18195,target=81
	run md port web
	[ "$output" = "$(printf '80/tcp -> 0.0.0.0:18194\n81/tcp -> 0.0.0.0:18195')" ]
	await_http 127.0.0.1 18195 "hello from web"
	run md inspect -f '{{json .HostConfig.PortBindings}}' web
	[ "$output" = '{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"18194"}],"81/tcp":[{"HostIp":"","HostPort":"18195"}]}' ]
	# One address of the host that is not loopback: there alone.
	web gw -p "$GW:18196:80"
	await_http "$GW" 18196 "hello from gw"
	closed 127.0.0.1 18196
	[ "$(md port gw 80)" = "$GW:18196" ]
}

@test "final: ports: bad -p and --expose specs: one line, exit 125, nothing made" {
	for spec in "-p abc" "-p 80:abc" "-p 70000:80" "-p 80:80/sctp" "-p 80:80/icmp" "-p 1.2.3:80:80" "-p [::1]:80:80" \
		"-p 8000-8002:80-81" "-p 8002-8000:80" "-p 80:0" "-p target=80,published" "--expose 80:80" "--expose x" "--expose 90-80"; do
		run --separate-stderr md run -d --network portnet $spec busybox true
		echo "$spec: $status $stderr"
		[ "$status" -eq 125 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
	done
	run --separate-stderr md run --rm --network portnet -p 8000-8002:80-81 busybox true
	[ "$stderr" = "mydocker: invalid ranges specified for container and host Ports: 80-81 and 8000-8002" ]
	run --separate-stderr md run --rm --network portnet -p abc busybox true
	[ "$stderr" = "mydocker: invalid containerPort: abc" ]
	[ -z "$(md ps -a -q)" ]
	[ -z "$(dnat_rules)" ]
	[ ! -e "$MD_ROOT/ports.json" ]
}

@test "final: ports: -P publishes the image's EXPOSE and --expose to free ports; exposed alone is null in inspect" {
	md import --change 'EXPOSE 80 8080/udp' --change 'CMD ["sh"]' "$BUSYBOX_TAR" exposed >/dev/null
	run md inspect -f '{{json .Config.ExposedPorts}}' exposed
	[ "$output" = '{"80/tcp":{},"8080/udp":{}}' ]
	read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
	md run -d --name all --network portnet -P --expose 81 exposed \
		sh -c "mkdir -p /www && echo 'hello from all' >/www/index.html && httpd -p 81 -h /www && exec httpd -f -p 80 -h /www" >/dev/null
	run md port all
	echo "$output"
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" =~ ^80/tcp\ -\>\ 0\.0\.0\.0:([0-9]+)$ ]]
	p80=${BASH_REMATCH[1]}
	[[ "${lines[1]}" =~ ^81/tcp\ -\>\ 0\.0\.0\.0:([0-9]+)$ ]]
	p81=${BASH_REMATCH[1]}
	[[ "${lines[2]}" =~ ^8080/udp\ -\>\ 0\.0\.0\.0:([0-9]+)$ ]]
	[ "$p80" -ge "$lo" ] && [ "$p80" -le "$hi" ]
	await_http 127.0.0.1 "$p80" "hello from all"
	await_http 127.0.0.1 "$p81" "hello from all"
	run md inspect -f '{{json .Config.ExposedPorts}} {{.HostConfig.PublishAllPorts}} {{json .HostConfig.PortBindings}}' all
	[ "$output" = '{"80/tcp":{},"8080/udp":{},"81/tcp":{}} true {}' ]
	# Exposed, not published: null in NetworkSettings.Ports, nothing in port.
	md run -d --name some --network portnet --expose 81 -p 127.0.0.1::80 exposed sleep 100 >/dev/null
	run md inspect -f '{{json .NetworkSettings.Ports}}' some
	[[ "$output" =~ ^\{\"80/tcp\":\[\{\"HostIp\":\"127\.0\.0\.1\",\"HostPort\":\"[0-9]+\"\}\],\"8080/udp\":null,\"81/tcp\":null\}$ ]]
	run md port some
	[ "${#lines[@]}" -eq 1 ]
	run --separate-stderr md port some 81
	[ "$status" -eq 1 ]
	[ "$stderr" = "mydocker: Error: No public port '81' published for some" ]
}

@test "final: ports: port's errors are docker's, with exit 1" {
	md run -d --name c --network portnet -p 127.0.0.1:18185:80 busybox sleep 100 >/dev/null
	run --separate-stderr md port c 81/udp
	[ "$status" -eq 1 ]
	[ "$stderr" = "mydocker: Error: No public port '81/udp' published for c" ]
	run --separate-stderr md port c abc
	[ "$status" -eq 1 ]
	[[ "$stderr" == "mydocker: Error: invalid port (abc)"* ]]
	run --separate-stderr md port nosuch
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"no such container: nosuch"* ]]
	run --separate-stderr md port
	[ "$status" -eq 1 ]
	# A stopped container publishes nothing.
	md stop -t 0 c >/dev/null
	run --separate-stderr md port c
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run md inspect -f '{{json .NetworkSettings.Ports}} {{json .HostConfig.PortBindings}}' c
	[ "$output" = '{} {"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"18185"}]}' ]
}

@test "final: ports: stop frees an explicit port and start takes it again; restart keeps it" {
	web web -p 127.0.0.1:18186:80
	await_http 127.0.0.1 18186 "hello from web"
	md restart -t 1 web >/dev/null # httpd as PID 1 ignores SIGTERM: no 10 s wait
	await_http 127.0.0.1 18186 "hello from web"
	[ "$(md port web 80)" = "127.0.0.1:18186" ]
	md stop -t 1 web >/dev/null
	closed 127.0.0.1 18186
	[ -z "$(dnat_rules)" ]
	# While it is stopped, the port is anyone's.
	run md run --rm --network portnet -p 127.0.0.1:18186:80 busybox true
	[ "$status" -eq 0 ]
	md start web >/dev/null
	await_http 127.0.0.1 18186 "hello from web"
	[ "$(md port web 80)" = "127.0.0.1:18186" ]
	[ "$(dnat_rules | wc -l)" -eq 1 ]
}

@test "final: ports: kill -9 of the monitor and the container, then the next command frees the ports and rules" {
	web web -p 127.0.0.1:18187:80 -p 80
	await_http 127.0.0.1 18187 "hello from web"
	init=$(md inspect -f '{{.State.Pid}}' web)
	monitor=$(awk '{ print $4 }' "/proc/$init/stat")
	kill -KILL "$monitor" "$init"
	# The next command collects what they held.
	for ((i = 0; i < 50; i++)); do md ps -a | grep -qi ' exited ' && break; sleep 0.1; done
	[ -z "$(dnat_rules)" ]
	[ -z "$(iptables -t raw -S MYDOCKER-RAW | grep -e '--dport 18187')" ]
	[ ! -s "$MD_ROOT/ports.json" ]
	run md run -d --name again --network portnet -p 127.0.0.1:18187:80 busybox sleep 100
	[ "$status" -eq 0 ]
}
