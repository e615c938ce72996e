# api_helpers.bash: what the Engine API's tests (final-api*.bats) share:
# mydocker system service on a socket under the test's directory and on
# the test's own root, the docker CLI (DOCKER_CLI) pointed at it, and a
# teardown that stops the server before the helpers' own.

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
