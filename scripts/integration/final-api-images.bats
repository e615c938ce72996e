#!/usr/bin/env bats
# final/: docker's Engine API, its image endpoints (issue 26). The real
# docker CLI (DOCKER_CLI) drives mydocker system service on a socket
# under the test's directory: pull (with docker's progress stream), tag,
# rmi and its 409, push and login against the test registries on
# 127.0.0.1, save | load, import, history, image prune, and the classic
# builder's docker build (DOCKER_BUILDKIT=0). The server keeps its own
# DOCKER_CONFIG, empty: the registry's credentials it uses are the
# client's, X-Registry-Auth.

load api_helpers

setup_file() {
	start_registry
	local addr_file=$BATS_FILE_TMPDIR/auth-registry.addr i
	"$TESTREGISTRY" serve-auth "$addr_file" tester s3cret 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/auth-registry.pid"
	for ((i = 0; i < 50; i++)); do [ -s "$addr_file" ] && break; sleep 0.1; done
	AUTH_REGISTRY=$(cat "$addr_file")
	export AUTH_REGISTRY
}

teardown_file() {
	stop_registry
	kill "$(cat "$BATS_FILE_TMPDIR/auth-registry.pid")" 2>/dev/null || true
}

@test "final: api images: docker pull shows docker's progress, is up to date the second time, and says what the registry lacks" {
	run docker pull "$REGISTRY/test/app:v1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "v1: Pulling from test/app" ]
	[[ "$output" == *": Pull complete"* ]]
	[[ "$output" =~ Digest:\ sha256:[0-9a-f]{64} ]]
	[[ "$output" == *"Status: Downloaded newer image for $REGISTRY/test/app:v1"* ]]
	[ "${lines[-1]}" = "$REGISTRY/test/app:v1" ]
	# mydocker sees it, by the digest the pull printed.
	digest=$(grep -o 'sha256:[0-9a-f]\{64\}' <<<"$output" | tail -1)
	[ "$(md images --digests --format '{{.Digest}}' "$REGISTRY/test/app")" = "$digest" ]
	run docker pull "$REGISTRY/test/app:v1"
	[[ "$output" == *"Status: Image is up to date for $REGISTRY/test/app:v1"* ]]
	[[ "$output" == *": Already exists"* ]]
	# docker history through the API: the image's ID on the newest step.
	id=$(md images --no-trunc -q "$REGISTRY/test/app:v1")
	[ "$(docker history --no-trunc -q "$REGISTRY/test/app:v1" | head -1)" = "$id" ]
	# A tag the registry lacks: docker's 404, before any progress.
	run --separate-stderr docker pull "$REGISTRY/test/app:nope"
	echo "$stderr"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"Error response from daemon: manifest for $REGISTRY/test/app:nope not found"* ]]
	grep -q 'msg="api request".*status=404 uri="/images/create?fromImage=' "$BATS_TEST_TMPDIR/server.log"
	# docker create of an image that is not here: create's 404, then the
	# CLI pulls it, and creates again.
	docker rmi "$REGISTRY/test/app:v1" >/dev/null
	run docker create --network none "$REGISTRY/test/app:v1" true
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "Unable to find image '$REGISTRY/test/app:v1' locally" ]]
	[[ "${lines[-1]}" =~ ^[0-9a-f]{64}$ ]]
}

@test "final: api images: docker tag, docker rmi with docker's lines and its 409 for an image a container uses" {
	run docker tag busybox mine/box:v1
	[ "$status" -eq 0 ]
	[ "$(md images --format '{{.Repository}}:{{.Tag}}' mine/box)" = "mine/box:v1" ]
	run docker tag nosuch mine/box:v2
	[ "$status" -eq 1 ]
	[[ "$output" == *"No such image: nosuch"* ]]
	# One of two names: untagged only.
	run docker rmi mine/box:v1
	[ "$output" = "Untagged: mine/box:v1" ]
	# The last name of an image a container uses: refused, then forced.
	id=$(docker create --network none busybox true)
	run --separate-stderr docker rmi busybox
	echo "$stderr"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"Error response from daemon: conflict: unable to remove repository reference \"busybox\" (must force) - container ${id:0:12} is using its referenced image"* ]]
	run docker rmi -f busybox
	[ "$output" = "Untagged: busybox:latest" ]
	docker rm "$id" >/dev/null
	run docker rmi nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *"No such image: nosuch"* ]]
}

@test "final: api images: docker login and docker push to a registry that wants a password, with the client's credentials" {
	run --separate-stderr docker login -u tester -p wrong "$AUTH_REGISTRY"
	echo "$stderr"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"unauthorized: incorrect username or password"* ]]
	run docker login -u tester --password-stdin "$AUTH_REGISTRY" <<<"s3cret"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Login Succeeded"* ]]
	[ -s "$DOCKER_CONFIG/config.json" ]
	[ ! -e "$BATS_TEST_TMPDIR/server-config/config.json" ]
	docker tag busybox "$AUTH_REGISTRY/team/pushed:v1"
	run docker push "$AUTH_REGISTRY/team/pushed:v1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "The push refers to repository [$AUTH_REGISTRY/team/pushed]" ]
	[[ "$output" =~ v1:\ digest:\ sha256:[0-9a-f]{64}\ size:\ [0-9]+ ]]
	# Back from the registry, with the credentials the client sends.
	docker rmi "$AUTH_REGISTRY/team/pushed:v1" >/dev/null
	run docker pull "$AUTH_REGISTRY/team/pushed:v1"
	[[ "$output" == *"Status: "*" for $AUTH_REGISTRY/team/pushed:v1"* ]]
	# Logged out, the registry says no: docker's words, 404.
	docker logout "$AUTH_REGISTRY" >/dev/null
	run --separate-stderr docker pull "$AUTH_REGISTRY/team/pushed:v1"
	echo "$stderr"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"pull access denied for $AUTH_REGISTRY/team/pushed, repository does not exist or may require 'docker login'"* ]]
	run --separate-stderr docker push "$AUTH_REGISTRY/team/nothing:v1"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"An image does not exist locally with the tag: $AUTH_REGISTRY/team/nothing"* ]]
}

@test "final: api images: docker save and docker load round trip, docker import, and docker image prune" {
	id=$(md images --no-trunc -q busybox)
	docker save -o "$BATS_TEST_TMPDIR/saved.tar" busybox
	tar -tf "$BATS_TEST_TMPDIR/saved.tar" | grep -qx manifest.json
	docker rmi busybox >/dev/null
	[ -z "$(md images -q busybox)" ]
	run docker load -i "$BATS_TEST_TMPDIR/saved.tar"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "Loaded image: busybox:latest" ]
	[ "$(md images --no-trunc -q busybox)" = "$id" ]
	# Through a pipe: docker save's stdout to docker load's stdin.
	run bash -c "'$DOCKER_CLI' save busybox | '$DOCKER_CLI' load"
	[ "${lines[-1]}" = "Loaded image: busybox:latest" ]
	run docker save nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *"No such image: nosuch"* ]]
	# An import with no name is dangling: prune takes it.
	mkdir "$BATS_TEST_TMPDIR/fs" && echo hi >"$BATS_TEST_TMPDIR/fs/hello"
	tar -C "$BATS_TEST_TMPDIR/fs" -cf "$BATS_TEST_TMPDIR/fs.tar" .
	run docker import - <"$BATS_TEST_TMPDIR/fs.tar"
	echo "$output"
	[[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
	dangling=$output
	[ "$(md images -q --no-trunc --filter dangling=true)" = "$dangling" ]
	run docker image prune -f
	echo "$output"
	[ "${lines[0]}" = "Deleted Images:" ]
	[[ "$output" == *"deleted: $dangling"* ]]
	[[ "$output" == *"Total reclaimed space: "* ]]
	[ -z "$(md images -q --filter dangling=true)" ]
	[ "$(md images --no-trunc -q busybox)" = "$id" ]
}

@test "final: api images: docker build with the classic builder: COPY, RUN, build args, -q, and a failing RUN's exit code" {
	ctx=$BATS_TEST_TMPDIR/ctx
	mkdir "$ctx"
	echo "from the context" >"$ctx/hello.txt"
	printf 'FROM busybox\nARG WHO=nobody\nCOPY hello.txt /hello.txt\nRUN cat /hello.txt && cat /hello.txt >/copied && echo "built by $WHO" >>/copied\nCMD ["cat", "/copied"]\n' >"$ctx/Dockerfile"
	run env DOCKER_BUILDKIT=0 "$DOCKER_CLI" build -t built:v1 --build-arg WHO=api "$ctx"
	echo "$output"
	[ "$status" -eq 0 ]
	# The classic builder's lines: each step, a RUN's output as it is.
	[[ "$output" == *"Step 1/5 : FROM busybox"* ]]
	[[ "$output" == *"Step 3/5 : COPY hello.txt /hello.txt"* ]]
	grep -qx "from the context" <<<"$output"
	[[ "$output" =~ Successfully\ built\ [0-9a-f]{12} ]]
	[ "${lines[-1]}" = "Successfully tagged built:v1" ]
	run md run --rm --network none built:v1
	[ "${lines[0]}" = "from the context" ]
	[ "${lines[1]}" = "built by api" ]
	# -q: the ID alone, from the stream's aux line; the cache makes it again.
	run --separate-stderr env DOCKER_BUILDKIT=0 "$DOCKER_CLI" build -q -t built:v1 --build-arg WHO=api "$ctx"
	[ "$output" = "$(md images --no-trunc -q built:v1)" ]
	# Without DOCKER_BUILDKIT and with no buildx, the CLI says so and
	# falls back to the classic builder's API; the cache is used.
	run --separate-stderr docker build -t built:v1 --build-arg WHO=api "$ctx"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Install the buildx component"* ]]
	[[ "$output" == *"Step 4/5 : RUN cat /hello.txt"*" ---> Using cache"* ]]
	# A RUN that fails: its error, and docker build exits with its code.
	printf 'FROM busybox\nRUN echo failing; exit 3\n' >"$ctx/Dockerfile"
	run env DOCKER_BUILDKIT=0 "$DOCKER_CLI" build "$ctx"
	echo "$output"
	[ "$status" -eq 3 ]
	[[ "$output" == *failing* ]]
	[[ "$output" == *"did not complete successfully: exit code: 3"* ]]
}
