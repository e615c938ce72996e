#!/usr/bin/env bats
# final/: where mydocker system service listens, and for whom (issue 26):
# a group's 0660 socket, the idle timeout (--time), socket activation
# (fd://, as final/contrib/systemd/mydocker.socket passes it), and TCP,
# only with TLS client certificates, on 127.0.0.1. Each test starts its
# servers itself, on its own root.

load api_helpers

setup() {
	[ -n "${DOCKER_CLI:-}" ] || skip "DOCKER_CLI is not set: scripts/test.sh builds docker's CLI (scripts/build-docker-cli.sh)"
	CGROUPS_BEFORE=$(mydocker_cgroups)
	md_setup_root
	SOCK=$BATS_TEST_TMPDIR/api.sock
	export DOCKER_HOST=unix://$SOCK DOCKER_CONFIG=$BATS_TEST_TMPDIR/docker-config
}

teardown() {
	[ -n "${DOCKER_CLI:-}" ] || return 0
	stop_server
	[ -z "${ACTIVATE_PID:-}" ] || { kill "$ACTIVATE_PID" 2>/dev/null || true; wait_pids "$ACTIVATE_PID" || true; }
	[ -z "${SOCK_DIR:-}" ] || rm -rf "$SOCK_DIR"
	helpers_teardown
}

# serve ARGS...: the server with ARGS, in the background (SERVER_PID),
# logging to server.log; it waits until the log says where it listens.
serve() {
	local before
	before=$(grep -c 'API listening on' "$BATS_TEST_TMPDIR/server.log" 2>/dev/null) || true
	"$MYDOCKER" "${MD_GLOBAL[@]}" --debug system service "$@" 2>>"$BATS_TEST_TMPDIR/server.log" 3>&- &
	SERVER_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(grep -c 'API listening on' "$BATS_TEST_TMPDIR/server.log")" -gt "${before:-0}" ] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	cat "$BATS_TEST_TMPDIR/server.log" >&2
	return 1
}

# gone_within SECONDS PID: true once PID has exited, waiting at most SECONDS.
gone_within() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		kill -0 "$2" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

@test "final: api: --group makes the socket 0660 and that group's: its members may connect, others may not" {
	# A directory that others may cross, for the unprivileged clients.
	SOCK_DIR=$(mktemp -d /tmp/mydocker-sock.XXXXXX)
	chmod 0755 "$SOCK_DIR"
	SOCK=$SOCK_DIR/api.sock
	serve --host "unix://$SOCK" --group 4321
	[ "$(stat -c '%a %u %g' "$SOCK")" = "660 0 4321" ]
	run setpriv --reuid 65534 --regid 4321 --clear-groups curl -sS --unix-socket "$SOCK" http://mydocker/_ping
	[ "$status" -eq 0 ]
	[ "$output" = OK ]
	run setpriv --reuid 65534 --regid 65534 --clear-groups curl -sS --unix-socket "$SOCK" http://mydocker/_ping
	[ "$status" -ne 0 ]
	[[ "$output" == *"ermission denied"* || "$output" == *"Couldn't connect"* ]]
	# Without --group, root's alone.
	stop_server
	serve --host "unix://$SOCK"
	[ "$(stat -c '%a %g' "$SOCK")" = "600 0" ]
	run --separate-stderr md system service --host "unix://$SOCK_DIR/other.sock" --group no-such-group-here
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"--group no-such-group-here"* ]]
	[ ! -e "$SOCK_DIR/other.sock" ]
}

@test "final: api: --time ends an idle server, never one with a stream open, and the containers run on" {
	serve --host "unix://$SOCK" --time 1
	docker run -d --name keeps --network none busybox sleep 100 >/dev/null
	# A stream open (events) is a request under way: no idle end.
	curl -sS -N --unix-socket "$SOCK" http://mydocker/v1.44/events >/dev/null &
	stream=$!
	sleep 1.5 # past --time 1
	kill -0 "$SERVER_PID"
	kill "$stream"
	wait_pids "$stream" || true
	gone_within 5 "$SERVER_PID"
	wait "$SERVER_PID"
	SERVER_PID=
	grep -q 'no request for 1s (--time): the server ends' "$BATS_TEST_TMPDIR/server.log"
	[ ! -e "$SOCK" ]
	[ "$(md inspect -f '{{.State.Status}}' keeps)" = running ]
	run --separate-stderr md system service --host "unix://$SOCK" --time -1
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"--time -1"* ]]
}

@test "final: api: socket activation: the server takes the socket systemd passes (fd://), and the units verify" {
	command -v systemd-socket-activate >/dev/null || skip "no systemd-socket-activate (the systemd package): scripts/test.sh installs it"
	# As mydocker.socket: the socket is opened first, the server is
	# started by the first client, with the socket as fd 3.
	systemd-socket-activate -l "$SOCK" -- "$MYDOCKER" "${MD_GLOBAL[@]}" system service --host fd:// --time 1 \
		2>>"$BATS_TEST_TMPDIR/server.log" 3>&- &
	ACTIVATE_PID=$!
	for ((i = 0; i < 50; i++)); do [ -S "$SOCK" ] && break; sleep 0.1; done
	run docker -H "unix://$SOCK" run --rm --network none busybox echo activated
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = activated ]
	grep -q 'API listening on' "$BATS_TEST_TMPDIR/server.log"
	# Idle, it ends (the socket is systemd's, and stays).
	gone_within 5 "$ACTIVATE_PID"
	ACTIVATE_PID=
	# Without a socket passed, fd:// says so.
	run --separate-stderr md system service --host fd://
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"no socket was passed"* ]]
	# The units, with this binary for /usr/local/bin/mydocker.
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
	mkdir "$BATS_TEST_TMPDIR/units"
	for unit in mydocker.socket mydocker.service; do
		sed "s|/usr/local/bin/mydocker|$MYDOCKER|" "$BATS_TEST_DIRNAME/../../final/contrib/systemd/$unit" >"$BATS_TEST_TMPDIR/units/$unit"
	done
	run systemd-analyze verify --man=no "$BATS_TEST_TMPDIR/units/mydocker.socket" "$BATS_TEST_TMPDIR/units/mydocker.service"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# make_certs DIR: a CA, the server's certificate for 127.0.0.1, and a
# client's, as docker's "Protect the daemon socket" guide makes them;
# and a client certificate that another CA signed.
make_certs() {
	local d=$1
	mkdir -p "$d"
	(
		cd "$d"
		openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 1 -subj /CN=test-ca
		openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca-key.pem -out other-ca.pem -days 1 -subj /CN=other-ca
		openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr -subj /CN=127.0.0.1
		printf 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n' >server.ext
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 1 -extfile server.ext -out server-cert.pem
		printf 'extendedKeyUsage = clientAuth\n' >client.ext
		openssl req -newkey rsa:2048 -nodes -keyout key.pem -out client.csr -subj /CN=client
		openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 1 -extfile client.ext -out cert.pem
		openssl x509 -req -in client.csr -CA other-ca.pem -CAkey other-ca-key.pem -CAcreateserial -days 1 -extfile client.ext -out other-cert.pem
	) >/dev/null 2>&1
}

@test "final: api: tcp:// only with TLS client certificates: docker --tlsverify gets in, no certificate or another CA's does not" {
	command -v openssl >/dev/null || skip "no openssl: scripts/test.sh installs it"
	run --separate-stderr md system service --host tcp://127.0.0.1:0
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"TCP needs TLS with client certificates"* ]]
	certs=$BATS_TEST_TMPDIR/certs
	make_certs "$certs"
	# Port 0: the kernel picks a free one, which the log names.
	serve --host tcp://127.0.0.1:0 --tlscacert "$certs/ca.pem" --tlscert "$certs/server-cert.pem" --tlskey "$certs/server-key.pem"
	addr=$(sed -n 's/.*API listening on \(127\.0\.0\.1:[0-9]*\).*/\1/p' "$BATS_TEST_TMPDIR/server.log" | tail -1)
	[ -n "$addr" ]
	run docker -H "tcp://$addr" --tlsverify --tlscacert "$certs/ca.pem" --tlscert "$certs/cert.pem" --tlskey "$certs/key.pem" \
		run --rm --network none busybox echo over-tls
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = over-tls ]
	# No client certificate, another CA's, or no TLS at all: refused.
	run curl -sS --noproxy "*" --max-time 5 --cacert "$certs/ca.pem" "https://$addr/_ping"
	[ "$status" -ne 0 ]
	run curl -sS --noproxy "*" --max-time 5 --cacert "$certs/ca.pem" --cert "$certs/other-cert.pem" --key "$certs/key.pem" "https://$addr/_ping"
	[ "$status" -ne 0 ]
	run curl -sS --noproxy "*" --max-time 5 "http://$addr/_ping"
	[ "$output" != OK ]
	run curl -sS --noproxy "*" --max-time 5 --cacert "$certs/ca.pem" --cert "$certs/cert.pem" --key "$certs/key.pem" "https://$addr/_ping"
	echo "$output"
	[ "$output" = OK ]
}
