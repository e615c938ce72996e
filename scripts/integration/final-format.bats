#!/usr/bin/env bats
# final/: what scripts read. ps, images, volume ls and inspect as docker
# prints them: docker's columns, --format (table, json, templates with
# docker's functions) and --filter.

load helpers

# json_keys: the sorted keys of each JSON object on stdin, a line each.
json_keys() { python3 -c 'import json, sys
for line in sys.stdin: print(" ".join(sorted(json.loads(line))))'; }

@test "final: format: ps is docker's: its columns, newest first, running only unless -a, -n or -l" {
	run md run --name old --network none busybox sh -c 'exit 3'
	md_detach --name mid --network none -- sleep 1000
	md run --name new --network none busybox true
	run md ps
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" =~ ^CONTAINER\ ID\ +IMAGE\ +COMMAND\ +CREATED\ +STATUS\ +PORTS\ +NAMES$ ]]
	[[ "${lines[1]}" =~ ^[0-9a-f]{12}\ +busybox\ +\"sleep\ 1000\"\ +(Less\ than\ a\ second|[0-9]+\ seconds?)\ ago\ +Up\ .*\ mid$ ]]
	[ "$(md ps -a --format '{{.Names}}' | tr '\n' ' ')" = "new mid old " ]
	[ "$(md ps -n 2 --format '{{.Names}}' | tr '\n' ' ')" = "new mid " ]
	[ "$(md ps -l --format '{{.Names}} {{.State}}')" = "new exited" ]
	[[ "$(md ps -a --format '{{.Status}}' -f name=old)" == "Exited (3) "*" ago" ]]
	# --no-trunc: the whole ID; -q: IDs alone, which --no-trunc widens too.
	[[ "$(md ps --no-trunc --format '{{.ID}}')" =~ ^[0-9a-f]{64}$ ]]
	[[ "$(md ps -q --no-trunc)" =~ ^[0-9a-f]{64}$ ]]
	[[ "$(md ps -q)" =~ ^[0-9a-f]{12}$ ]]
}

@test "final: format: ps --format json, table TEMPLATE and docker's template functions" {
	md_detach --name box --network none -- sleep 1000
	run md ps --format json
	[ "${#lines[@]}" -eq 1 ]
	[ "$(json_keys <<<"$output")" = "Command CreatedAt ID Image Labels LocalVolumes Mounts Names Networks Ports RunningFor Size State Status" ]
	[ "$(python3 -c 'import json, sys; o = json.loads(sys.argv[1]); print(o["Names"], o["State"], o["Command"], o["Networks"])' "$output")" = 'box running "sleep 1000" none' ]
	# A table's header comes from the fields, as docker names the columns.
	run md ps --format 'table {{.Names}}\t{{.State}}\t{{.ID}}'
	[[ "${lines[0]}" =~ ^NAMES\ +STATE\ +CONTAINER\ ID$ ]]
	[[ "${lines[1]}" =~ ^box\ +running\ +[0-9a-f]{12}$ ]]
	[ "$(md ps --format '{{upper .Names}}|{{title .State}}|{{truncate .Names 2}}|{{pad .Names 1 1}}|{{join (split "a,b" ",") "+"}}|{{println .Names}}')" = "BOX|Running|bo| box |a+b|box" ]
	# A template that does not parse: one line, 125, nothing printed.
	run --separate-stderr md ps --format '{{.Names'
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
	[[ "$stderr" == *"template"* ]]
}

@test "final: format: ps --filter: status and exited show stopped ones without -a, keys and values are checked" {
	run md run --name three --network none busybox sh -c 'exit 3'
	md run --name zero --network none busybox true
	md_detach --name up --network none -- sleep 1000
	[ "$(md ps -f status=exited --format '{{.Names}}' | sort | tr '\n' ' ')" = "three zero " ]
	[ "$(md ps -f exited=3 --format '{{.Names}}')" = three ]
	[ "$(md ps -f status=running --format '{{.Names}}')" = up ]
	# Values of one key are alternatives, different keys must all match.
	[ "$(md ps -a -f name=three -f name=up --format '{{.Names}}' | sort | tr '\n' ' ')" = "three up " ]
	[ "$(md ps -a -f name=^z -f status=exited --format '{{.Names}}')" = zero ]
	[ -z "$(md ps -a -f name=^z -f status=running --format '{{.Names}}')" ]
	[ "$(md ps -a -f "id=$MD_ID" -q)" = "${MD_ID:0:12}" ]
	[ "$(md ps -a -f ancestor=busybox -q | wc -l)" -eq 3 ]
	[ -z "$(md ps -a -f ancestor=nosuch -q)" ]
	[ "$(md ps -a -f network=none -q | wc -l)" -eq 3 ]
	[ "$(md ps -a -f before=up --format '{{.Names}}' | tr '\n' ' ')" = "zero three " ]
	[ "$(md ps -a -f since=three --format '{{.Names}}' | tr '\n' ' ')" = "up zero " ]
	for bad in colour=red status=sleeping exited=x nokey; do
		run --separate-stderr md ps -f "$bad"
		echo "$bad: $status $stderr"
		[ "$status" -eq 125 ]
		[ -z "$output" ]
		[ "$(wc -l <<<"$stderr")" -eq 1 ]
	done
	[[ "$(md ps -f colour=red 2>&1)" == *"invalid filter 'colour'"* ]]
}

@test "final: format: ps -s adds what the container wrote and its image's size" {
	md run --name writer --network none busybox sh -c 'head -c 5000 /dev/zero >/blob'
	run md ps -a -s
	echo "$output"
	[[ "${lines[0]}" =~ \ NAMES\ +SIZE$ ]]
	[[ "${lines[1]}" =~ \ writer\ +5(\.[0-9]+)?kB\ \(virtual\ [0-9.]+MB\)$ ]]
	[[ "$(md ps -a --format '{{.Size}}')" == "5kB (virtual "*"MB)" ]]
}

@test "final: format: images --format, json, --digests, --no-trunc and --filter" {
	md tag busybox example.com/team/app:v1
	run md images
	[[ "${lines[0]}" =~ ^REPOSITORY\ +TAG\ +IMAGE\ ID\ +CREATED\ +SIZE$ ]]
	[ "${#lines[@]}" -eq 3 ]
	run md images --format json
	[ "$(json_keys <<<"${lines[0]}")" = "Containers CreatedAt CreatedSince Digest ID Repository SharedSize Size Tag UniqueSize VirtualSize" ]
	[ "$(md images --format '{{.Repository}}:{{.Tag}}' | sort | tr '\n' ' ')" = "busybox:latest example.com/team/app:v1 " ]
	[[ "$(md images --no-trunc --format '{{.ID}}' | head -1)" =~ ^sha256:[0-9a-f]{64}$ ]]
	run md images --digests
	[[ "${lines[0]}" =~ ^REPOSITORY\ +TAG\ +DIGEST\ +IMAGE\ ID ]]
	# reference is a pattern over the repository, or repository:tag.
	[ "$(md images -f 'reference=busy*' --format '{{.Repository}}')" = busybox ]
	[ "$(md images -f 'reference=example.com/*/app:v*' --format '{{.Tag}}')" = v1 ]
	[ -z "$(md images -f dangling=true -q)" ]
	[ "$(md images -f dangling=false -q)" = "$(md images -q | head -1)" ]
	[ "$(md images -q | wc -l)" -eq 1 ] # one image, two tags: its ID once
	run --separate-stderr md images -f dangling=maybe
	[ "$status" -eq 125 ]
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
}

@test "final: format: volume ls --format and --filter dangling and name" {
	md volume create used >/dev/null
	md volume create idle >/dev/null
	md run --name user --network none -v used:/data busybox true
	run md volume ls
	[[ "${lines[0]}" =~ ^DRIVER\ +VOLUME\ NAME$ ]]
	[ "$(md volume ls -q -f dangling=true)" = idle ]
	[ "$(md volume ls -q -f dangling=false)" = used ]
	[ "$(md volume ls --format '{{.Name}} {{.Driver}} {{.Links}}' -f name=us)" = "used local 1" ]
	[ "$(md volume ls --format json -f name=idle | json_keys)" = "Driver Labels Links Mountpoint Name Scope Size" ]
	md rm user
	md volume rm used idle
}

@test "final: format: inspect templates take docker's functions over lists, json, and --type" {
	md_detach --name box --network none -- sh -c 'sleep 1000'
	[ "$(md inspect -f '{{join .Config.Cmd ","}}' box)" = "sh,-c,sleep 1000" ]
	[ "$(md inspect -f '{{json .Config.Cmd}}' box)" = '["sh","-c","sleep 1000"]' ]
	[ "$(md inspect -f '{{len .Config.Cmd}} {{index .Config.Cmd 0}} {{.State.Running}}' box)" = "3 sh true" ]
	run md inspect --format json box
	[ "$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["Name"])' "$output")" = /box ]
	run --separate-stderr md inspect --type image box
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"no such image: box"* ]]
	[ "$(md inspect --type image -f '{{index .RepoTags 0}}' busybox)" = busybox:latest ]
}

@test "final: format: final/README's table of docker's commands has every command of mydocker --help, and no other" {
	readme=$(dirname "$BATS_TEST_FILENAME")/../../final/README.md
	# The commands --help lists (their first name), help aside.
	help=$(md --help | awk '/^COMMANDS:/ { on = 1; next } /^[A-Z]/ { on = 0 } on && NF { sub(/,$/, "", $1); print $1 }' | grep -vx help | sort -u)
	# The table's first column: `cmd`, `cmd2` or `group sub`: each first word.
	table=$(awk '/^### docker.s commands/ { on = 1; next } /^#/ { on = 0 } on && /^\| `/ { split($0, cell, "|"); n = split(cell[2], c, "`"); for (i = 2; i <= n; i += 2) { split(c[i], w, " "); print w[1] } }' "$readme" | sort -u)
	echo "only in --help: $(comm -23 <(echo "$help") <(echo "$table") | tr '\n' ' ')"
	echo "only in the table: $(comm -13 <(echo "$help") <(echo "$table") | tr '\n' ' ')"
	[ -n "$help" ]
	[ "$help" = "$table" ]
}

@test "final: format: network ls is docker's: its columns, IDs, --format, --filter, -q; network inspect -f" {
	md network create --subnet 10.251.31.0/24 used >/dev/null
	md network create --subnet 10.251.32.0/24 idle >/dev/null
	md run -d --name box --network used busybox sleep 1000 >/dev/null
	run md network ls
	[[ "${lines[0]}" =~ ^NETWORK\ ID\ +NAME\ +DRIVER\ +SCOPE$ ]]
	# By name, docker's host and none among them.
	[[ "${lines[1]}" =~ ^[0-9a-f]{12}\ +host\ +host\ +local$ ]]
	[[ "${lines[2]}" =~ ^[0-9a-f]{12}\ +idle\ +bridge\ +local$ ]]
	[[ "${lines[3]}" =~ ^[0-9a-f]{12}\ +none\ +null\ +local$ ]]
	[[ "${lines[4]}" =~ ^[0-9a-f]{12}\ +used\ +bridge\ +local$ ]]
	[ "${#lines[@]}" -eq 5 ]
	id=$(md network inspect -f '{{.Id}}' used)
	[[ "$id" =~ ^[0-9a-f]{64}$ ]]
	[ "$(md network ls -q -f name=use)" = "${id:0:12}" ]
	[ "$(md network ls --no-trunc -q -f "id=${id:0:5}")" = "$id" ]
	[ "$(md network ls -f dangling=true --format '{{.Name}}')" = idle ]
	[ "$(md network ls -f type=custom --format '{{.Name}} {{.Driver}}' | tr '\n' ' ')" = "idle bridge used bridge " ]
	[ "$(md network ls --format json -f name=idle | json_keys)" = "CreatedAt Driver ID IPv6 Internal Labels Name Scope" ]
	run --separate-stderr md network ls -f type=weird
	[ "$status" -eq 125 ]
	md rm -f box >/dev/null
	md network rm used idle >/dev/null
}

@test "final: format: network ls lists docker's host and none: stable IDs, filters, inspect with their containers; rm, create and prune leave them" {
	md_detach --name onhost --network host -- sleep 1000
	md_detach --name alone --network none -- sleep 1000
	md network create --subnet 10.251.33.0/24 mine >/dev/null
	[ "$(md network ls --format '{{.Name}} {{.Driver}} {{.Scope}}' | tr '\n' ',')" = "host host local,mine bridge local,none null local," ]
	# Their IDs are docker's 64 hex digits, the same in every run and root.
	host_id=$(md network ls -q --no-trunc -f name=host)
	[[ "$host_id" =~ ^[0-9a-f]{64}$ ]]
	[ "$(md network inspect -f '{{.Id}}' host)" = "$host_id" ]
	[ "$("$MYDOCKER" --root "$BATS_TEST_TMPDIR/other" network ls -q --no-trunc -f name=host)" = "$host_id" ]
	none_id=$(md network ls -q --no-trunc -f driver=null)
	[[ "$none_id" =~ ^[0-9a-f]{64}$ ]]
	[ "$none_id" != "$host_id" ]
	[ "$(md network ls -q -f name=none)" = "${none_id:0:12}" ]
	[ "$(md network ls --format '{{.Name}}' -f driver=host)" = host ]
	[ "$(md network ls --format '{{.Name}}' -f type=builtin | tr '\n' ' ')" = "host none " ]
	[ "$(md network ls --format '{{.Name}}' -f type=custom)" = mine ]
	[ "$(md network ls --format '{{.Name}}' -f dangling=true)" = mine ] # a builtin one never is
	[ "$(md network ls --format '{{.Name}}' -f dangling=false | tr '\n' ' ')" = "host none " ]
	# inspect: by name or ID prefix; no subnet; the containers on them.
	[ "$(md network inspect -f '{{.Name}} {{.Driver}} {{.Scope}} {{.IPAM.Driver}} {{len .IPAM.Config}}' host "${none_id:0:8}" | tr '\n' ',')" = "host host local default 0,none null local default 0," ]
	[ "$(md network inspect -f '{{range .Containers}}{{.Name}}{{end}}' host)" = onhost ]
	[ "$(md network inspect -f '{{range .Containers}}{{.Name}}{{end}}' none)" = alone ]
	# A container's inspect names its network, as docker's does.
	[ "$(md inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.NetworkID}}{{end}}' onhost)" = "host $host_id" ]
	[ "$(md inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.NetworkID}}{{end}}' alone)" = "none $none_id" ]
	run md network inspect host
	[ "$(python3 -c 'import json, sys; n = json.loads(sys.argv[1])[0]; print(sorted(n), n["IPAM"]["Config"], len(n["Containers"]))' "$output")" = "['Containers', 'Driver', 'IPAM', 'Id', 'Labels', 'Name', 'Options', 'Scope'] [] 1" ]
	# Never removed, nor made again, as docker's.
	for n in host none "${host_id:0:12}"; do
		run --separate-stderr md network rm "$n"
		echo "rm $n: $status $stderr"
		[ "$status" -eq 125 ]
		[[ "$stderr" == *"is a pre-defined network and cannot be removed"* ]]
	done
	for n in host none; do
		run --separate-stderr md network create "$n"
		echo "create $n: $status $stderr"
		[ "$status" -eq 125 ]
		[[ "$stderr" == *"operation is not permitted on predefined $n network"* ]]
	done
	md rm -f onhost alone >/dev/null
	run md network prune -f
	[ "$status" -eq 0 ]
	[ "$(md network ls --format '{{.Name}}' | tr '\n' ' ')" = "host none " ]
}
