#!/usr/bin/env bats
# final/: docker's Engine API (issue 26, first slice). mydocker system
# service listens on a socket under the test's directory, on the test's
# own root, and the real docker CLI (DOCKER_CLI, built by scripts/test.sh
# from the Go module proxy) drives it: version, run -d, ps, logs, wait,
# stop, rm, images, inspect, and docker's errors. The CLI and mydocker
# see the same containers.

load api_helpers

@test "final: api: the socket is 0600, tcp without TLS is refused, and docker version shows the server" {
	[ "$(stat -c %a "$SOCK")" = 600 ]
	run docker version --format '{{.Server.Platform.Name}} {{.Server.APIVersion}} {{.Server.MinAPIVersion}} {{.Server.Os}}'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "mydocker 1.44 1.24 linux" ]
	run --separate-stderr md system service --host tcp://127.0.0.1:2375
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"TCP needs TLS with client certificates"* ]]
	grep -q 'msg="api request".*uri=/version' "$BATS_TEST_TMPDIR/server.log"
}

@test "final: api: docker run -d, ps, logs, stop and rm, and mydocker sees the same container" {
	run docker run -d --name api-web --network none busybox sh -c 'echo started; sleep 0.2; echo oops >&2; exec sleep 100'
	echo "$output"
	[ "$status" -eq 0 ]
	id=$output
	[[ "$id" =~ ^[0-9a-f]{64}$ ]]
	run docker ps --format '{{.ID}} {{.Names}} {{.Image}} {{.State}}'
	[ "$output" = "${id:0:12} api-web busybox running" ]
	run md ps --format '{{.ID}} {{.Names}} {{.Image}} {{.State}}'
	[ "$output" = "${id:0:12} api-web busybox running" ]
	# The log, once its lines are in: stdout and stderr on their own
	# streams (the multiplexed frames), with timestamps and --tail.
	for ((i = 0; i < 50; i++)); do [ "$(md logs api-web 2>&1 | wc -l)" -eq 2 ] && break; sleep 0.1; done
	run --separate-stderr docker logs api-web
	[ "$output" = started ]
	[ "$stderr" = oops ]
	run docker logs --tail 1 api-web
	[ "$output" = oops ]
	run docker logs -t api-web
	[[ "${lines[0]}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\ started$ ]]
	# logs -f goes on until the client hangs up; the server then ends
	# the request (logged once its handler returns; the CLI names the
	# container by its ID).
	run timeout 1 "$DOCKER_CLI" logs -f api-web
	[ "$status" -eq 124 ]
	[[ "$output" == *started* ]]
	for ((i = 0; i < 30; i++)); do grep -q "msg=\"api request\" .*uri=\".*/containers/$id/logs?follow=1" "$BATS_TEST_TMPDIR/server.log" && break; sleep 0.1; done
	grep -q "msg=\"api request\" .*uri=\".*/containers/$id/logs?follow=1" "$BATS_TEST_TMPDIR/server.log"
	run docker stop -t 1 api-web
	[ "$status" -eq 0 ]
	[ "$output" = api-web ]
	run md inspect -f '{{.State.Status}}' api-web
	[ "$output" = exited ]
	run docker ps -a --filter name=api-web --format '{{.Names}} {{.State}}'
	[ "$output" = "api-web exited" ]
	run docker ps --format '{{.Names}}'
	[ "$output" = "" ]
	run docker rm api-web
	[ "$status" -eq 0 ]
	run md ps -a -q
	[ "$output" = "" ]
}

@test "final: api: docker run -d, docker wait and docker logs give a short command's exit code and output" {
	run docker run -d --name api-hi --network none busybox sh -c 'echo hi; exit 3'
	[ "$status" -eq 0 ]
	run docker wait api-hi
	[ "$output" = 3 ]
	run docker logs api-hi
	[ "$output" = hi ]
	run docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' api-hi
	[ "$output" = "exited 3" ]
	# One that still runs: wait blocks until it exits, and so does a
	# logs -f beside it.
	docker run -d --name api-slow --network none busybox sh -c 'echo slow; sleep 1; exit 4' >/dev/null
	"$DOCKER_CLI" logs -f api-slow >"$BATS_TEST_TMPDIR/follow.out" 2>&1 3>&- &
	follower=$!
	run docker wait api-slow
	[ "$output" = 4 ]
	wait "$follower"
	[ "$(cat "$BATS_TEST_TMPDIR/follow.out")" = slow ]
	# A container mydocker made is the API's too.
	md run -d --name api-cli --network none busybox sh -c 'echo from-cli' >/dev/null
	run docker wait api-cli
	[ "$output" = 0 ]
	run docker logs api-cli
	[ "$output" = from-cli ]
	run docker rm api-hi api-slow api-cli
	[ "$status" -eq 0 ]
}

@test "final: api: docker images and docker inspect show what mydocker has" {
	run docker images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
	echo "$output"
	[ "$output" = "busybox:latest $(md images --format '{{.ID}}' busybox)" ]
	# The names as docker's daemon gives them (the CLI would shorten
	# docker.io/library/busybox itself).
	run curl -sS --unix-socket "$SOCK" http://mydocker/v1.44/images/json
	[[ "$output" == *'"RepoTags":["busybox:latest"]'* ]]
	run docker image inspect -f '{{.Id}} {{.Os}}' busybox
	[ "$output" = "$(md inspect -f '{{.Id}}' busybox) linux" ]
	docker create --name api-made --label team=api --network none -e GREETING=hello busybox sleep 5 >/dev/null
	run docker inspect -f '{{.Name}} {{.State.Status}} {{.Config.Image}} {{index .Config.Labels "team"}} {{.HostConfig.NetworkMode}} {{.Path}} {{.Args}}' api-made
	echo "$output"
	[ "$output" = "/api-made created busybox api none sleep [5]" ]
	run docker inspect -f '{{json .Config.Env}}' api-made
	[[ "$output" == *'"GREETING=hello"'* ]]
	run docker ps -a --filter label=team=api --format '{{.Names}}'
	[ "$output" = api-made ]
	run docker ps -a --filter label=team=other --format '{{.Names}}'
	[ "$output" = "" ]
	run docker start api-made
	[ "$status" -eq 0 ]
	run md inspect -f '{{.State.Status}}' api-made
	[ "$output" = running ]
	run docker rm -f api-made
	[ "$status" -eq 0 ]
}

@test "final: api: docker's errors: no such container, a name in use (and nothing half-made), no such image, what create cannot honour" {
	run --separate-stderr docker inspect api-nosuch
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"No such object: api-nosuch"* || "$stderr" == *"no such object: api-nosuch"* ]]
	run --separate-stderr docker stop api-nosuch
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"No such container: api-nosuch"* ]]
	run --separate-stderr docker logs api-nosuch
	[[ "$stderr" == *"No such container: api-nosuch"* ]]
	docker create --name api-twice --network none busybox true >/dev/null
	run --separate-stderr docker create --name api-twice --network none busybox true
	[ "$status" -ne 0 ]
	[[ "$stderr" == *'Conflict. The container name "/api-twice" is already in use by container'* ]]
	run md ps -a -q
	[ "${#lines[@]}" -eq 1 ]
	# create never pulls (docker's CLI pulls first); pull is a later slice.
	run --separate-stderr docker create --pull never --network none api-no-image:latest true
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"No such image"* ]]
	run md ps -a -q
	[ "${#lines[@]}" -eq 1 ]
	# What create cannot honour is a 400 that names it, not ignored; so
	# are bad JSON and an unknown field that sets something.
	run docker create --link api-twice:db --network none busybox true
	[ "$status" -ne 0 ]
	[[ "$output" == *"HostConfig.Links is not supported by mydocker"* ]]
	for body in '{"Image": "busybox",' '{"Image": "busybox", "HostConfig": {"NoSuchField": 1}}'; do
		run curl -sS --unix-socket "$SOCK" -w ' %{http_code}' -H 'Content-Type: application/json' -d "$body" http://mydocker/v1.44/containers/create
		echo "$output"
		[[ "$output" == *'"message":'*' 400' ]]
	done
	[[ "$output" == *'unknown HostConfig field \"NoSuchField\"'* ]]
	run md ps -a -q
	[ "${#lines[@]}" -eq 1 ]
}

@test "final: api: containers keep running when the server stops, and a new server finds them" {
	docker run -d --name api-lasting --network none busybox sleep 100 >/dev/null
	stop_server
	run md inspect -f '{{.State.Status}}' api-lasting
	[ "$output" = running ]
	start_server
	run docker ps --format '{{.Names}}'
	[ "$output" = api-lasting ]
	run docker kill api-lasting
	[ "$status" -eq 0 ]
	run docker wait api-lasting
	[ "$output" = 137 ]
}
