#!/usr/bin/env bats
# final/: docker's Engine API, its resources (issue 26, second slice):
# networks, volumes, top, stats, rename, pause, update, diff, cp, events,
# system df and container prune, driven by the real docker CLI
# (DOCKER_CLI) through mydocker system service, on the test's own root
# and socket; network traffic only between the test's containers on the
# test's own bridges. The server and its teardown: api_helpers.bash.

load api_helpers

@test "final: api: docker network create, ls, inspect, connect with an alias, rm (403 in use), disconnect and prune" {
	run docker network create api-net
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	netid=$output
	run --separate-stderr docker network create api-net
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"network with name api-net already exists"* ]]
	docker network create --label team=api api-net2 >/dev/null
	run docker network ls --filter name=api-net --format '{{.Name}} {{.Driver}}'
	[ "$output" = "$(printf 'api-net bridge\napi-net2 bridge')" ]
	run docker network ls --filter label=team=api --format '{{.Name}} {{.Label "team"}}'
	[ "$output" = "api-net2 api" ]
	run docker network inspect -f '{{.Id}} {{.Driver}} {{(index .IPAM.Config 0).Subnet}}' api-net
	[ "$output" = "$netid bridge $(md network inspect -f '{{(index .IPAM.Config 0).Subnet}}' api-net)" ]
	# a has an alias from run (NetworkingConfig); b, on the other
	# network, joins a's with an alias of its own (connect).
	docker run -d --name api-a --network api-net --network-alias alpha busybox sleep 100 >/dev/null
	docker run -d --name api-b --network api-net2 busybox sleep 100 >/dev/null
	run docker network connect --alias beta api-net api-b
	[ "$status" -eq 0 ]
	run docker network inspect -f '{{len .Containers}}' api-net
	[ "$output" = 2 ]
	run md exec api-b ping -c 1 -W 2 alpha
	echo "$output"
	[ "$status" -eq 0 ]
	run md exec api-a ping -c 1 -W 2 beta
	[ "$status" -eq 0 ]
	run docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{join $v.Aliases ","}} {{end}}' api-b
	[[ "$output" == *"api-net=beta"* ]]
	run --separate-stderr docker network rm api-net
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"has active endpoints"* ]]
	run docker network disconnect api-net api-b
	[ "$status" -eq 0 ]
	run docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' api-b
	[ "$output" = "api-net2 " ]
	docker rm -f api-a api-b >/dev/null
	run docker network rm api-net
	[ "$status" -eq 0 ]
	run docker network prune -f
	[[ "$output" == *api-net2* ]]
	run docker network ls --filter type=custom -q
	[ "$output" = "" ]
}

@test "final: api: docker volume create, ls, inspect, rm (409 in use) and prune" {
	run docker volume create --label team=api api-vol
	[ "$status" -eq 0 ]
	[ "$output" = api-vol ]
	run docker volume inspect -f '{{.Driver}} {{.Mountpoint}} {{.Labels.team}}' api-vol
	[ "$output" = "local $MD_ROOT/volumes/api-vol/_data api" ]
	run docker volume ls --format '{{.Name}}'
	[ "$output" = api-vol ]
	run md volume ls --filter label=team=api --format '{{.Name}} {{.Label "team"}}'
	[ "$output" = "api-vol api" ]
	docker create --name api-user --network none -v api-vol:/data busybox true >/dev/null
	run docker volume ls --filter dangling=false -q
	[ "$output" = api-vol ]
	run --separate-stderr docker volume rm api-vol
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"volume is in use"* ]]
	run curl -sS -o /dev/null -w '%{http_code}' -X DELETE --unix-socket "$SOCK" http://mydocker/v1.44/volumes/api-vol
	[ "$output" = 409 ]
	docker rm api-user >/dev/null
	docker volume create api-spare >/dev/null
	run docker volume prune -a -f --filter label=team=api
	[[ "$output" == *api-vol* ]]
	[[ "$output" != *api-spare* ]]
	run docker volume rm api-spare
	[ "$status" -eq 0 ]
	run --separate-stderr docker volume inspect api-spare
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"no such volume"* ]]
	run docker volume rm -f api-spare
	[ "$status" -eq 0 ]
}

@test "final: api: docker top, stats --no-stream, rename, pause, unpause and update --memory" {
	docker run -d --name api-busy --network none busybox sleep 100 >/dev/null
	run docker top api-busy
	echo "$output"
	[[ "${lines[0]}" == UID*PID*PPID*CMD ]]
	[[ "${lines[1]}" == *"sleep 100"* ]]
	run docker top api-busy -o pid,comm
	[[ "${lines[0]}" == *PID*COMMAND* ]]
	[[ "${lines[1]}" == *sleep* ]]
	run docker update --memory 64m api-busy
	[ "$status" -eq 0 ]
	run docker stats --no-stream --format '{{.Name}} {{.PIDs}} {{.MemUsage}} {{.NetIO}}' api-busy
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^api-busy\ 1\ [0-9.]+[kKMG]?i?B\ /\ 64MiB\ 0B\ /\ 0B$ ]]
	run docker rename api-busy api-renamed
	[ "$status" -eq 0 ]
	run md ps --format '{{.Names}}'
	[ "$output" = api-renamed ]
	run docker pause api-renamed
	[ "$status" -eq 0 ]
	run docker ps --format '{{.State}}'
	[ "$output" = paused ]
	run --separate-stderr docker pause api-renamed
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"already paused"* ]]
	run docker unpause api-renamed
	[ "$status" -eq 0 ]
	run md inspect -f '{{.State.Status}}' api-renamed
	[ "$output" = running ]
	run --separate-stderr docker top api-nosuch
	[[ "$stderr" == *"No such container: api-nosuch"* ]]
}

@test "final: api: docker diff and docker cp both ways, and a symlink to / in the container leads nowhere on the host" {
	docker run -d --name api-files --network none busybox sh -c 'echo inside > /made && ln -s / /escape && rm /bin/true && sleep 100' >/dev/null
	for ((i = 0; i < 50; i++)); do md exec api-files test -L /escape && break; sleep 0.1; done
	run docker diff api-files
	echo "$output"
	[[ "$output" == *"A /made"* ]]
	[[ "$output" == *"A /escape"* ]]
	[[ "$output" == *"D /bin/true"* ]]
	# Out: a file, and a path through the container's symlink to its /:
	# the container's file, not the host's.
	docker cp api-files:/made "$BATS_TEST_TMPDIR/made"
	[ "$(cat "$BATS_TEST_TMPDIR/made")" = inside ]
	docker cp api-files:/escape/made "$BATS_TEST_TMPDIR/through"
	[ "$(cat "$BATS_TEST_TMPDIR/through")" = inside ]
	run docker cp api-files:/escape/etc/hostname -
	[[ "$output" == *"$(md exec api-files cat /etc/hostname)"* ]]
	# The symlink itself is copied as a link, as docker's.
	docker cp api-files:/escape "$BATS_TEST_TMPDIR/link"
	[ "$(readlink "$BATS_TEST_TMPDIR/link")" = / ]
	# In: through the symlink, into the container's /tmp, never the host's.
	echo host > "$BATS_TEST_TMPDIR/api-cp-in"
	docker cp "$BATS_TEST_TMPDIR/api-cp-in" api-files:/escape/tmp/
	[ "$(md exec api-files cat /tmp/api-cp-in)" = host ]
	[ ! -e /tmp/api-cp-in ]
	docker cp "$BATS_TEST_TMPDIR/api-cp-in" api-files:/renamed
	[ "$(md exec api-files cat /renamed)" = host ]
	run --separate-stderr docker cp api-files:/nosuch "$BATS_TEST_TMPDIR/x"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"Could not find the file /nosuch"* ]]
	run curl -sS -I --unix-socket "$SOCK" "http://mydocker/v1.44/containers/api-files/archive?path=/made"
	[[ "$output" == *"X-Docker-Container-Path-Stat:"* ]]
}

@test "final: api: docker events --since --until with a filter, system df, and container prune" {
	start=$(date +%s)
	docker run -d --name api-once --network none busybox true >/dev/null
	docker wait api-once >/dev/null
	docker volume create api-dfvol >/dev/null
	# until is past already: the events are read to it, and no wait.
	end=$(date +%s.%N)
	run docker events --since "$start" --until "$end" --filter type=container --filter event=start --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'
	echo "$output"
	[ "$output" = "container start api-once" ]
	run docker events --since "$start" --until "$end" --filter type=volume --format '{{.Action}} {{.Actor.ID}}'
	[ "$output" = "create api-dfvol" ]
	run docker system df --format '{{.Type}} {{.TotalCount}} {{.Active}}'
	echo "$output"
	[[ "$output" == *"Images 1 1"* ]]
	[[ "$output" == *"Containers 1 0"* ]]
	[[ "$output" == *"Local Volumes 1 0"* ]]
	id=$(md ps -a -q --no-trunc)
	run docker container prune -f
	echo "$output"
	[[ "$output" == *"Deleted Containers:"*"$id"* ]]
	run md ps -a -q
	[ "$output" = "" ]
}
