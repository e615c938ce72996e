#!/usr/bin/env bats
# final/: docker's Engine API, the interactive and foreground paths
# (issue 26): attach (the hijacked stream docker run without -d uses),
# wait's conditions with --rm, resize, restart, and exec (create, start,
# inspect, resize). The real docker CLI (DOCKER_CLI) drives mydocker
# system service on a socket under the test's directory; -t goes through
# a pty (script). A client that hangs up leaves nothing behind.

load helpers

setup() {
	[ -n "${DOCKER_CLI:-}" ] || skip "DOCKER_CLI is not set: scripts/test.sh builds the docker CLI (scripts/build-docker-cli.sh) and sets it"
	CGROUPS_BEFORE=$(mydocker_cgroups)
	md_setup_root
	SOCK=$BATS_TEST_TMPDIR/api.sock
	export DOCKER_HOST=unix://$SOCK DOCKER_CONFIG=$BATS_TEST_TMPDIR/docker-config
	start_server
}

# start_server runs the API server in the background, logging at debug
# level to server.log, and waits for its socket.
start_server() {
	# Not through md: $! must be the server itself, for stop_server.
	"$MYDOCKER" "${MD_GLOBAL[@]}" --debug system service --host "unix://$SOCK" 2>>"$BATS_TEST_TMPDIR/server.log" 3>&- &
	SERVER_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		[ -S "$SOCK" ] && return 0
		sleep 0.05
	done
	cat "$BATS_TEST_TMPDIR/server.log" >&2
	return 1
}

stop_server() {
	[ -n "${SERVER_PID:-}" ] || return 0
	kill "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
}

# The helpers' teardown (containers, networks, leaks) runs once the
# server, a mydocker process itself, is gone.
eval "helpers_$(declare -f teardown)"
teardown() {
	[ -n "${DOCKER_CLI:-}" ] || return 0
	stop_server
	helpers_teardown
}

docker() { "$DOCKER_CLI" "$@"; }

# in_pty COMMAND: runs the shell command line under a pseudo-terminal
# (script), as a user's terminal, its output with the CRs taken out.
in_pty() {
	script -qec "$1" /dev/null | tr -d '\r'
}

# server_fds: how many descriptors the server holds (its socket, its
# clients' connections, its connections to monitors).
server_fds() {
	ls "/proc/$SERVER_PID/fd" | wc -l
}

# until_fds N: waits (up to 3 s) until the server holds N descriptors.
until_fds() {
	local i
	for ((i = 0; i < 60; i++)); do
		[ "$(server_fds)" -eq "$1" ] && return 0
		sleep 0.05
	done
	echo "the server holds $(server_fds) descriptors, not $1:" >&2
	ls -l "/proc/$SERVER_PID/fd" >&2
	return 1
}

@test "final: api: docker run in the foreground: output, exit codes, stdin, --rm" {
	run --separate-stderr docker run --rm --network none busybox sh -c 'echo hi; echo oops >&2'
	echo "$output $stderr"
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	[ "$stderr" = oops ]
	run docker run --rm --network none busybox sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run bash -c 'echo x | "$DOCKER_CLI" run -i --rm --network none busybox cat'
	[ "$status" -eq 0 ]
	[ "$output" = x ]
	# --rm removed them all, once each exited.
	run md ps -a -q
	[ "$output" = "" ]
	# Without --rm: it stays, exited with its code.
	run docker run --name api-fg --network none busybox sh -c 'echo kept; exit 5'
	[ "$status" -eq 5 ]
	[ "$output" = kept ]
	run docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' api-fg
	[ "$output" = "exited 5" ]
	# start -a attaches again, and sees the new run's output.
	run docker start -a api-fg
	[ "$status" -eq 5 ]
	[ "$output" = kept ]
	run docker rm api-fg
	[ "$status" -eq 0 ]
}
