#!/usr/bin/env bats
# final/: docker's commands that a user's first week needs (issue 24's
# "commands" and "truth" rows): pause and unpause, what inspect and ps
# tell the truth about (OOMKilled, Paused, Restarting, the restart
# policy), rename, version, info, the container and image groups, logs
# --since/--until, diff and history. Containers have no network unless
# the test is about one: nothing here needs a bridge.

load helpers

# counter NAME: a detached container that prints 1, 2, 3… ten times a
# second, so that its log shows whether it runs.
counter() {
	md run -d --name "$1" --network none busybox sh -c 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.1; done' >/dev/null
}

# last_count NAME: the last number the counter has printed.
last_count() { md logs "$1" | tail -n 1; }

# wait_count_above NAME N: wait (at most 10 s) until the counter is past N.
wait_count_above() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(last_count "$1")" -gt "$2" ] 2>/dev/null && return 0
		sleep 0.1
	done
	echo "the counter of $1 stayed at $(last_count "$1"), not above $2" >&2
	return 1
}

# wait_gone PID: wait (at most 10 s) until the process PID has exited.
wait_gone() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -d "/proc/$1" ] || return 0
		sleep 0.1
	done
	echo "process $1 still runs: $(cat /proc/"$1"/status 2>/dev/null | grep State)" >&2
	return 1
}

# bats test_tags=cgroups
@test "final: commands: pause freezes a container, ps and inspect say so, unpause thaws it" {
	counter c
	wait_count_above c 2
	run md pause c
	[ "$status" -eq 0 ]
	[ "$output" = c ]
	run md ps
	echo "$output"
	[[ "$output" =~ "Up "[^$'\n']*" (Paused)" ]]
	run md inspect -f '{{.State.Status}} {{.State.Paused}} {{.State.Running}}' c
	[ "$output" = "paused true true" ]
	# ps's State and status filter say paused too, as docker's.
	[ "$(md ps --format '{{.Names}} {{.State}}')" = "c paused" ]
	[ "$(md ps -f status=paused --format '{{.Names}}')" = c ]
	[ -z "$(md ps -f status=running --format '{{.Names}}')" ]
	# Frozen: the counter stands still (a second is ten of its steps).
	# What it wrote before the freeze may still be on its way to the log
	# (the monitor reads the pipe): let it land first.
	sleep 0.5
	before=$(last_count c)
	sleep 1
	[ "$(last_count c)" = "$before" ]
	# What docker refuses on a paused container.
	run --separate-stderr md pause c
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"is already paused"* ]]
	run --separate-stderr md exec c true
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"Container c is paused, unpause the container before exec"* ]]
	run --separate-stderr md rm c
	[ "$status" -ne 0 ]
	[[ "$stderr" == *'cannot remove container "/c": container is paused and must be unpaused first'* ]]
	run md unpause c
	[ "$status" -eq 0 ]
	[ "$output" = c ]
	wait_count_above c "$before"
	run md inspect -f '{{.State.Status}} {{.State.Paused}} {{.State.Running}}' c
	[ "$output" = "running false true" ]
	run md ps
	[[ "$output" != *"(Paused)"* ]]
	run --separate-stderr md unpause c
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"is not paused"* ]]
	md rm -f c >/dev/null
	md run --name done --network none busybox true
	run --separate-stderr md pause done
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"is not running"* ]]
}

# bats test_tags=cgroups
@test "final: commands: stop, kill and rm -f end a paused container, as docker's do" {
	# stop: the TERM reaches it once thawed, and its trap exits 3.
	md run -d --name s --network none busybox sh -c 'trap "exit 3" TERM; while :; do sleep 0.1; done' >/dev/null
	md pause s >/dev/null
	run md stop -t 5 s
	[ "$status" -eq 0 ]
	run md inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.State.Paused}}' s
	[ "$output" = "exited 3 false" ]
	# kill: KILL, taken.
	md run -d --name k --network none busybox sleep 1000 >/dev/null
	pid=$(md inspect -f '{{.State.Pid}}' k)
	md pause k >/dev/null
	run md kill k
	[ "$status" -eq 0 ]
	wait_gone "$pid"
	run md wait k
	[ "$output" = 137 ]
	# rm -f: gone, with its process and cgroup (teardown checks the rest).
	md run -d --name r --network none busybox sleep 1000 >/dev/null
	pid=$(md inspect -f '{{.State.Pid}}' r)
	md pause r >/dev/null
	run md rm -f r
	[ "$status" -eq 0 ]
	[ ! -d "/proc/$pid" ]
	[ "$(md ps -a -q | wc -l)" -eq 2 ]
}

# bats test_tags=cgroups
@test "final: commands: a paused container whose monitor is killed is ended by the next command, thawed" {
	md run -d --name m --network none busybox sleep 1000 >/dev/null
	pid=$(md inspect -f '{{.State.Pid}}' m)
	monitor=$(awk '/^PPid:/ { print $2 }' /proc/"$pid"/status)
	md pause m >/dev/null
	kill -KILL "$monitor"
	wait_gone "$monitor"
	run md ps -a
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Exited"* ]]
	wait_gone "$pid" # reaped by the host's init: not the command's to wait for
	run md inspect -f '{{.State.Status}} {{.State.Paused}}' m
	[ "$output" = "exited false" ]
	md rm m >/dev/null
}

# events_of NAME SINCE: the actions of NAME's events since SINCE, on one
# line.
events_of() {
	md events --since "$2" --until "$(date +%s.%N)" -f container="$1" --format '{{.Action}}' | tr '\n' ' '
}

# bats test_tags=cgroups
@test "final: commands: commit pauses a running container while it reads it, as docker's, and leaves it as it was" {
	counter c
	wait_count_above c 2
	since=$(date +%s.%N)
	run md commit c snap:1
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
	# docker's events of a commit: paused, committed, thawed.
	[ "$(events_of c "$since")" = "pause commit unpause " ]
	run md inspect -f '{{.State.Status}} {{.State.Paused}}' c
	[ "$output" = "running false" ]
	before=$(last_count c)
	wait_count_above c "$before"
	# --pause=false: not paused.
	since=$(date +%s.%N)
	md commit --pause=false c snap:2 >/dev/null
	[ "$(events_of c "$since")" = "commit " ]
	# Paused by the user before: still paused after, as docker leaves it.
	md pause c >/dev/null
	since=$(date +%s.%N)
	md commit c snap:3 >/dev/null
	[ "$(events_of c "$since")" = "commit " ]
	[ "$(md inspect -f '{{.State.Paused}}' c)" = true ]
	md unpause c >/dev/null
	# An exited container is committed as it is.
	md stop -t 1 c >/dev/null
	run md commit c snap:4
	[ "$status" -eq 0 ]
	[ "$(md inspect -f '{{.State.Status}}' c)" = exited ]
}

# committed_by NAME PID: NAME's state records the process PID as the
# commit that froze it, as commit does before its freeze.
committed_by() {
	local config start
	config=$MD_ROOT/containers/$(md inspect -f '{{.Id}}' "$1")/config.json
	start=$(awk '{ print $22 }' /proc/"$2"/stat)
	python3 -c 'import json, sys
p, pid, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
d = json.load(open(p)); d["committer"] = {"pid": pid, "start": start}; json.dump(d, open(p, "w"))' "$config" "$2" "$start"
}

# bats test_tags=cgroups
@test "final: commands: a container frozen by a commit that was killed is thawed by the next command; unpause of it works" {
	counter c
	wait_count_above c 2
	# A commit killed with kill -9 after its freeze: the container is
	# frozen, and its state names a committer that is gone.
	sleep 1000 &
	committer=$!
	md pause c >/dev/null
	committed_by c "$committer"
	# While the committer lives, the freeze is its: ps keeps it.
	md ps >/dev/null
	[ "$(md inspect -f '{{.State.Paused}}' c)" = true ]
	kill -KILL "$committer"
	wait "$committer" || true
	run md ps --format '{{.Names}} {{.Status}}'
	echo "$output"
	[[ "$output" == "c Up "* ]]
	[[ "$output" != *"(Paused)"* ]]
	run md inspect -f '{{.State.Status}} {{.State.Paused}}' c
	[ "$output" = "running false" ]
	run grep -c committer "$MD_ROOT/containers/$(md inspect -f '{{.Id}}' c)/config.json"
	[ "$output" = 0 ] # forgotten
	wait_count_above c "$(last_count c)"
	# unpause of such a container thaws it, and says so.
	sleep 1000 &
	committer=$!
	md pause c >/dev/null
	committed_by c "$committer"
	kill -KILL "$committer"
	wait "$committer" || true
	run md unpause c
	[ "$status" -eq 0 ]
	[ "$output" = c ]
	[ "$(md inspect -f '{{.State.Paused}}' c)" = false ]
	# A pause of the user's after such a commit is the user's: kept.
	sleep 1000 &
	committer=$!
	committed_by c "$committer"
	kill -KILL "$committer"
	wait "$committer" || true
	md pause c >/dev/null
	md ps >/dev/null
	[ "$(md inspect -f '{{.State.Paused}}' c)" = true ]
	md unpause c >/dev/null
}

@test "final: commands: rm -f of a missing container exits 0 and says nothing; rm of one fails" {
	run --separate-stderr md rm -f nosuch
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	md create --name here --network none busybox true >/dev/null
	run --separate-stderr md rm -f nosuch here
	[ "$status" -eq 0 ]
	[ "$output" = here ]
	run --separate-stderr md rm nosuch
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"nosuch"* ]]
	# A container named h or help is a container, not a call for help.
	md create --name h --network none busybox true >/dev/null
	[ "$(md inspect -f '{{.Name}}' h)" = /h ]
	run md rm h
	[ "$status" -eq 0 ]
	[ "$output" = h ]
}

# bats test_tags=cgroups
@test "final: commands: inspect's State.OOMKilled is true after a memory limit's kill, false otherwise" {
	# The shell itself holds 64 MB, past -m 8m: the OOM killer ends it.
	run md run --name hog --network none -m 8m busybox sh -c 'x=$(dd if=/dev/zero bs=1M count=64 2>/dev/null | tr "\0" a); echo survived ${#x}'
	echo "$output"
	[ "$status" -eq 137 ]
	run md inspect -f '{{.State.OOMKilled}} {{.State.ExitCode}} {{.State.Status}}' hog
	[ "$output" = "true 137 exited" ]
	md run --name fine --network none -m 8m busybox true
	run md inspect -f '{{.State.OOMKilled}} {{.State.ExitCode}}' fine
	[ "$output" = "false 0" ]
}

@test "final: commands: a container waiting to be restarted is Restarting in inspect and ps" {
	md run -d --name flap --network none --restart always busybox sh -c 'exit 4' >/dev/null
	# The monitor's wait doubles each time: it is soon the most of the time.
	for ((i = 0; i < 100; i++)); do
		[ "$(md inspect -f '{{.State.Restarting}}' flap)" = true ] && break
		sleep 0.1
	done
	run md inspect -f '{{.State.Status}} {{.State.Restarting}} {{.State.Running}} {{.State.ExitCode}}' flap
	echo "$output"
	[ "$output" = "restarting true true 4" ]
	# Nor is it ever created or exited while the monitor starts it again.
	for ((i = 0; i < 30; i++)); do
		run md inspect -f '{{.State.Status}}' flap
		[ "$output" = restarting ] || [ "$output" = running ]
	done
	# ps without -a lists it, as docker's (asked again: the next start
	# may be under way when it looks).
	for ((i = 0; i < 100; i++)); do
		run md ps
		[[ "$output" == *"Restarting (4) "*" ago"* ]] && break
		sleep 0.1
	done
	echo "$output"
	[[ "$output" == *"Restarting (4) "*" ago"* ]]
	md rm -f flap >/dev/null
}

@test "final: commands: --restart unless-stopped is its own policy: boot starts a stopped always container, not it" {
	md run -d --name us --network none --restart unless-stopped busybox sleep 1000 >/dev/null
	md run -d --name al --network none --restart always busybox sleep 1000 >/dev/null
	run md inspect -f '{{.HostConfig.RestartPolicy.Name}}' us al
	[ "$output" = "$(printf 'unless-stopped\nalways')" ]
	md stop -t 1 us al >/dev/null
	run md boot
	[ "$status" -eq 0 ]
	[ "$output" = al ]
	run md inspect -f '{{.Name}} {{.State.Status}}' us al
	[ "$output" = "$(printf '/us exited\n/al running')" ]
}

@test "final: commands: rename moves the name: the old one is free, a taken one refused, peers see the new one" {
	md run -d --name old --network none busybox sleep 1000 >/dev/null
	id=$(md inspect -f '{{.Id}}' old)
	run --separate-stderr md rename old new
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(md inspect -f '{{.Name}} {{.Id}}' new)" = "/new $id" ]
	[ "$(md ps --format '{{.Names}}')" = new ]
	# (names that are no hex: "a" could be an ID prefix of a container or an image)
	run md inspect --type container old
	[ "$status" -ne 0 ]
	# The old name is free for another container.
	md create --name old --network none busybox true >/dev/null
	run --separate-stderr md rename new old
	[ "$status" -ne 0 ]
	[[ "$stderr" == *'The container name "/old" is already in use by container'* ]]
	[ "$(md inspect -f '{{.Name}}' "$id")" = /new ]
	run --separate-stderr md rename new new
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"Renaming a container with the same name as its current name"* ]]
	run --separate-stderr md rename new 'bad/name'
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"Invalid container name (bad/name)"* ]]
	run --separate-stderr md rename nosuch c
	[ "$status" -ne 0 ]
	# On a user network the others find it by the new name at once (the
	# network's DNS server), and no more by the old one.
	md network create --subnet 10.251.12.0/24 renamenet >/dev/null
	md run -d --name x --network renamenet --dns 10.251.12.1 busybox sleep 1000 >/dev/null
	md run -d --name y --network renamenet --dns 10.251.12.1 busybox sleep 1000 >/dev/null
	ip=$(md inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' x)
	lookup() { md exec y nslookup -type=a "$1" 127.0.0.11 2>&1 | awk '/^Name:/ { n = 1 } n && /^Address/ { print $NF }'; }
	[ "$(lookup x)" = "$ip" ]
	md rename x z
	[ "$(lookup z)" = "$ip" ]
	[ -z "$(lookup x)" ]
}

# bats test_tags=cgroups
@test "final: commands: version and info give docker's fields, and --format reads them" {
	run md version
	[ "$status" -eq 0 ]
	echo "$output"
	[[ "$output" == "Client:"* ]]
	[[ "$output" =~ $'\n'" Version: "+[0-9] ]]
	[[ "$output" =~ $'\n'" Go version: "+go[0-9] ]]
	[[ "$output" =~ $'\n'" OS/Arch: "+linux/ ]]
	[[ "$output" == *$'\nServer: '* ]]
	v=$(md version --format '{{.Client.Version}}')
	[ -n "$v" ]
	[ "$(md version --format '{{.Server.Version}}')" = "$v" ]
	[[ "$(md --version)" == "mydocker version $v, build "* ]]
	counter up
	counter frozen
	md pause frozen >/dev/null
	md create --name made --network none busybox true >/dev/null
	run md info
	echo "$output"
	[ "$status" -eq 0 ]
	for line in " Containers: 3" "  Running: 1" "  Paused: 1" "  Stopped: 1" " Images: 1" " Storage Driver: overlay2" \
		" Cgroup Driver: cgroupfs" " Docker Root Dir: $MD_ROOT" " OSType: linux" " CPUs: $(nproc)"; do
		grep -q -x -F -- "$line" <<<"$output" || { echo "no line '$line'" && false; }
	done
	cgroup_v2 && want=2 || want=1
	grep -q -x -F " Cgroup Version: $want" <<<"$output"
	grep -q -x -F " Kernel Version: $(uname -r)" <<<"$output"
	grep -q -x -F " Architecture: $(uname -m)" <<<"$output"
	grep -q -E '^ Total Memory: [0-9.]+[KMGT]iB$' <<<"$output"
	grep -q -E '^ Operating System: .+' <<<"$output"
	run md info --format '{{.Containers}} {{.ContainersPaused}} {{.Driver}} {{.CgroupVersion}} {{.DockerRootDir}}'
	[ "$output" = "3 1 overlay2 $want $MD_ROOT" ]
}

@test "final: commands: diff lists what a container added (A), changed (C) and deleted (D), running or not" {
	md run --name d --network none busybox sh -c 'echo x > /tmp/new; echo y >> /etc/passwd; rm /bin/ls; mkdir -p /a/b; touch /a/b/c; rm -rf /home'
	run md diff d
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' 'A /a' 'A /a/b' 'A /a/b/c' 'C /bin' 'D /bin/ls' 'C /etc' 'C /etc/passwd' 'D /home' 'C /tmp' 'A /tmp/new')" ]
	# A container that changed nothing has nothing to show: not the
	# hostname, hosts and resolv.conf that it was given.
	md run -d --name quiet --network none busybox sleep 1000 >/dev/null
	run md diff quiet
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	md exec quiet touch /made-while-running
	run md container diff quiet
	[ "$output" = "A /made-while-running" ]
	# The image's paths are looked up inside the image: a layer (made by
	# commit, so the container's) whose /x/up is a link to /etc must not
	# lead the lookup to the host's /etc, which has os-release.
	[ -e /etc/os-release ]
	md run --rm --network none busybox test ! -e /etc/os-release
	md run --name base --network none busybox sh -c 'mkdir /x; ln -s /etc /x/up'
	md commit base linked >/dev/null
	md run --name climb --network none linked sh -c 'rm /x/up; mkdir /x/up; touch /x/up/os-release'
	run md diff climb
	echo "$output"
	[[ "$output" == *"A /x/up/os-release"* ]]
}

@test "final: commands: history shows the image's steps, newest first, with docker's columns" {
	md run --name hc --network none busybox sh -c 'echo hi > /hello'
	md commit -m "says hi" hc hi:1 >/dev/null
	run md history hi:1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(head -n 1 <<<"$output" | tr -s ' ')" = "IMAGE CREATED CREATED BY SIZE COMMENT" ]
	[ "$(wc -l <<<"$output")" -eq 3 ]
	[[ "$(sed -n 2p <<<"$output")" =~ ^[0-9a-f]{12}\ +.*" ago "+.*says\ hi$ ]]
	[[ "$(sed -n 3p <<<"$output")" == "<missing> "* ]]
	run md image history -q hi:1
	[ "$(sed -n 2p <<<"$output")" = "<missing>" ]
	run md history --format '{{.Comment}}' hi:1
	[ "$(head -n 1 <<<"$output")" = "says hi" ]
}

@test "final: commands: the container and image groups are the top-level commands" {
	md container run --name g --network none busybox true
	run md container ls -a -q
	[ "$output" = "$(md ps -a -q)" ]
	[ -n "$output" ]
	run md container inspect -f '{{.Name}}' g
	[ "$output" = /g ]
	# Each group's inspect looks for its own kind only.
	run md container inspect busybox
	[ "$status" -ne 0 ]
	run md image inspect g
	[ "$status" -ne 0 ]
	run md container rm g
	[ "$output" = g ]
	# Without the CREATED column, whose "N minutes ago" may turn between
	# the two commands.
	local columns='{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}'
	run md image ls --format "$columns"
	[ "$output" = "$(md images --format "$columns")" ]
	[[ "$output" == "busybox:latest "* ]]
	md image tag busybox other:1
	run md image inspect -f '{{json .RepoTags}}' other:1
	[ "$output" = '["busybox:latest","other:1"]' ]
	run md image rm other:1
	[ "$status" -eq 0 ]
	run md image ls -q
	[ "$(md image ls -q | wc -l)" -eq 1 ]
}

@test "final: commands: logs --since and --until keep the lines of that time" {
	md run -d --name l --network none busybox sh -c 'echo early; sleep 2; echo late; sleep 1000' >/dev/null
	for ((i = 0; i < 100; i++)); do [ "$(md logs l | tail -n 1)" = late ] && break; sleep 0.1; done
	early=$(md logs -t l | awk '$2 == "early" { print $1 }')
	late=$(md logs -t l | awk '$2 == "late" { print $1 }')
	[ "$(md logs --since "$late" l)" = late ]
	[ "$(md logs --until "$early" l)" = early ]
	[ "$(md logs --since 1h l)" = "$(printf 'early\nlate')" ]
	[ "$(md logs --since "$(($(date +%s) + 60))" l)" = "" ]
	[ "$(md logs --until 2000-01-01 l)" = "" ]
	run --separate-stderr md logs --since yesterday l
	[ "$status" -ne 0 ]
	[[ "$stderr" == *'invalid time "yesterday"'* ]]
}

# mem_limit NAME: the memory limit the container sees in its own cgroup.
mem_limit() { md exec "$1" sh -c 'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes'; }

# bats test_tags=cgroups
@test "final: commands: update changes a running container's limits at once, and for its next start" {
	md run -d --name u --network none -m 8m busybox sleep 1000 >/dev/null
	[ "$(mem_limit u)" = 8388608 ]
	run md update -m 32m --cpus 0.5 --pids-limit 50 --restart on-failure:3 u
	[ "$status" -eq 0 ]
	[ "$output" = u ]
	[ "$(mem_limit u)" = 33554432 ]
	run md inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' u
	[ "$output" = "33554432 500000000 50 on-failure 3" ]
	# An 8 MB string (twice that while the shell reads it), past the old
	# limit, fits under the new one.
	run md exec u sh -c 'x=$(dd if=/dev/zero bs=1M count=8 2>/dev/null | tr "\0" a); echo ${#x}'
	[ "$output" = 8388608 ]
	md restart -t 0 u >/dev/null
	[ "$(mem_limit u)" = 33554432 ]
	# A stopped container takes them at its next start.
	md stop -t 0 u >/dev/null
	md update -m 16m u >/dev/null
	md start u >/dev/null
	[ "$(mem_limit u)" = 16777216 ]
	run --separate-stderr md update u
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"you must provide one or more flags"* ]]
}

# bats test_tags=cgroups
@test "final: commands: update's limits hold for the restarts its monitor makes by policy" {
	md run -d --name pol --network none --restart always -m 8m busybox sh -c 'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes; sleep 1' >/dev/null
	for ((i = 0; i < 100; i++)); do [ "$(md logs pol | head -n 1)" = 8388608 ] && break; sleep 0.1; done
	md update -m 32m pol >/dev/null
	for ((i = 0; i < 100; i++)); do md logs pol | grep -q -x 33554432 && break; sleep 0.1; done
	run md logs pol
	echo "$output"
	[[ "$output" == *33554432* ]]
}

@test "final: commands: container, image, volume, network and system prune remove what nothing uses, as docker's" {
	md run --name gone --network none busybox sh -c 'echo hi > /x'
	md create --name made --network none busybox true >/dev/null
	md run -d --name up --network none busybox sleep 1000 >/dev/null
	gone=$(md inspect -f '{{.Id}}' gone)
	# Without -f it asks, and "no" (or no answer) keeps everything.
	run md container prune </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"WARNING! This will remove all stopped containers."* ]]
	[ "$(md ps -a -q | wc -l)" -eq 3 ]
	run md container prune -f
	echo "$output"
	[ "$(head -n 1 <<<"$output")" = "Deleted Containers:" ]
	grep -q -x "$gone" <<<"$output"
	[[ "$(tail -n 1 <<<"$output")" =~ ^"Total reclaimed space: "[0-9.]+k?B$ ]]
	[ "$(md ps -a -q)" = "$(md ps -q)" ]
	# Images: the dangling one goes, the named and the used stay.
	md run --name c --network none busybox touch /y
	md commit c >/dev/null
	md rm c >/dev/null
	md tag busybox extra:1
	[ "$(md images -q | sort -u | wc -l)" -eq 2 ]
	run md image prune -f
	echo "$output"
	[ "$(head -n 1 <<<"$output")" = "Deleted Images:" ]
	[[ "$output" == *$'\ndeleted: sha256:'* ]]
	[ "$(md images -q | sort -u | wc -l)" -eq 1 ]
	# -a: every image no container uses; busybox is up's.
	run md image prune -a -f
	[ "$output" = "Total reclaimed space: 0B" ]
	# Volumes: -a for named ones; one in use stays.
	md volume create loose >/dev/null
	md volume create held >/dev/null
	md run -d --name holder --network none -v held:/data busybox sleep 1000 >/dev/null
	run md volume prune -f
	[ "$output" = "Total reclaimed space: 0B" ]
	run md volume prune -a -f
	[ "$(sed -n 1,2p <<<"$output")" = "$(printf 'Deleted Volumes:\nloose')" ]
	[ "$(md volume ls -q)" = held ]
	# Networks: an unused one goes, the default bridge never.
	md network create idle >/dev/null
	run md network prune -f
	[ "$output" = "$(printf 'Deleted Networks:\nidle')" ]
	# system prune: the stopped containers and dangling images at once.
	md stop -t 0 up >/dev/null
	run md system prune -f
	echo "$output"
	[[ "$output" == *"Deleted Containers:"* ]]
	[ "$(md ps -a -q | wc -l)" -eq 1 ]
}

@test "final: commands: system df shows images, containers and volumes, with what is reclaimable" {
	md run --name stopped --network none busybox sh -c 'head -c 1000 /dev/zero > /k'
	md run -d --name up --network none busybox sleep 1000 >/dev/null
	run md system df
	echo "$output"
	[ "$(head -n 1 <<<"$output" | tr -s ' ')" = "TYPE TOTAL ACTIVE SIZE RECLAIMABLE" ]
	[[ "$(grep '^Images' <<<"$output" | tr -s ' ')" == "Images 1 1 "*" 0B (0%)" ]]
	[[ "$(grep '^Containers' <<<"$output" | tr -s ' ')" =~ ^"Containers 2 1 "1(\.[0-9]+)?kB" "1(\.[0-9]+)?kB" (100%)"$ ]]
	[[ "$(grep '^Local Volumes' <<<"$output" | tr -s ' ')" == "Local Volumes 0 0 0B 0B (0%)" ]]
}
