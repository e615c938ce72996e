#!/usr/bin/env bats
# testcontainers-go drives mydocker's Engine API (issue 26): its Go test
# (scripts/testcontainers, compiled once by scripts/test.sh through
# scripts/build-testcontainers.sh: TC_TEST) runs against a server on a
# socket under the test's directory, whose root holds busybox and the
# reaper's image, so that nothing is pulled. The reaper is ours
# (scripts/testcontainers/reaper: Ryuk's protocol, Ryuk's image name),
# built beside TC_TEST: testcontainers starts it as it would start Ryuk,
# with the socket mounted into it.

load api_helpers

setup() {
	[ -x "${TC_TEST:-}" ] ||
		skip "TC_TEST is not set: scripts/test.sh builds it (scripts/build-testcontainers.sh, testcontainers-go from the Go module proxy)"
	TC_READY=1
	CGROUPS_BEFORE=$(mydocker_cgroups)
	md_setup_root
	SOCK=$BATS_TEST_TMPDIR/api.sock
	start_server
}

teardown() {
	[ -n "${TC_READY:-}" ] || return 0
	stop_server
	helpers_teardown
}

# import_reaper makes the image testcontainers-go starts as its reaper,
# testcontainers/ryuk at the tag it asks for, from our reaper's binary.
import_reaper() {
	local rootfs=$BATS_TEST_TMPDIR/ryuk-rootfs
	mkdir -p "$rootfs"
	cp "$(dirname "$TC_TEST")/ryuk" "$rootfs/ryuk"
	tar -C "$rootfs" -cf "$BATS_TEST_TMPDIR/ryuk.tar" ryuk
	md import -c 'ENTRYPOINT ["/ryuk"]' -c 'EXPOSE 8080' "$BATS_TEST_TMPDIR/ryuk.tar" testcontainers/ryuk:0.14.0 >/dev/null
}

# tc_test ARGS...: the Go test against our server, as a user runs it with
# DOCKER_HOST. HOME keeps a user's ~/.testcontainers.properties out; the
# reaper reaps 1 s after the test's process is gone (Ryuk's default: 10 s).
tc_test() {
	mkdir -p "$BATS_TEST_TMPDIR/home"
	(cd "$BATS_TEST_TMPDIR" && HOME=$BATS_TEST_TMPDIR/home DOCKER_HOST=unix://$SOCK \
		TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE=$SOCK TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT=1s \
		timeout 120 "$TC_TEST" -test.v "$@")
}

# names_after SECONDS: the containers' names and images once the reaper
# has exited and gone (AutoRemove), waiting for it at most SECONDS.
names_after() {
	local i
	for ((i = 0; i < $1 * 4; i++)); do
		[[ "$(md ps -a --format '{{.Image}}')" != *testcontainers/ryuk* ]] && break
		sleep 0.25
	done
	md ps -a --format '{{.Names}} {{.Image}}'
}

@test "final: api: testcontainers-go: wait strategies, a mapped port, exec, copy in, terminate, and nothing of it left" {
	import_reaper
	# Not the test's: it must stay (and busybox, its image).
	md create --name bystander busybox true >/dev/null
	run tc_test -test.run 'TestGenericContainer'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"--- PASS: TestGenericContainer"* ]]
	run names_after 30
	[ "$output" = "bystander busybox" ]
	[ -n "$(md images -q busybox)" ]
	# docker's default network is there for testcontainers to find: it
	# made no network of its own to leave behind.
	run md network ls --format '{{.Name}}'
	[ "$output" = "$(printf 'bridge\nhost\nnone')" ]
}

@test "final: api: testcontainers-go: the reaper, with the socket mounted, removes by label what a test left running" {
	import_reaper
	md create --name bystander busybox true >/dev/null
	TC_LEAVE_FOR_REAPER=1 run tc_test -test.run 'TestLeftForReaper'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"left running: "* ]]
	left=$(sed -n 's/.*left running: \([0-9a-f]*\).*/\1/p' <<<"$output")
	# The test's process is gone, its container is not: the reaper
	# removes it, then exits, and its container goes with it.
	run names_after 30
	echo "$output"
	[ "$output" = "bystander busybox" ]
	run md inspect "$left"
	[ "$status" -ne 0 ]
	[ -n "$(md images -q busybox)" ]
	[ -n "$(md images -q testcontainers/ryuk:0.14.0)" ]
}
