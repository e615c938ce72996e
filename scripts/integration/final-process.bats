#!/usr/bin/env bats
# final/: the container's process, with docker's flags (issue 24): how it
# is stopped (--stop-signal, the image's STOPSIGNAL, --stop-timeout, stop
# -s), its environment from files (--env-file), its labels (--label,
# --label-file, the image's), its limits (--ulimit, --shm-size,
# --memory-swap, --sysctl, --group-add), an init as PID 1 (--init), and
# the IPC and PID namespaces it shares (--ipc, --pid).
# Each test asserts what the process itself sees or receives.

load helpers

# Images with a config an image author (or an attacker) wrote.
setup_file() {
	start_registry
	"$TESTREGISTRY" config "$REGISTRY/test/quit:v1" "$BUSYBOX_TAR" \
		'{"StopSignal":"SIGQUIT","Labels":{"org.image":"yes","shared":"image"},"Cmd":["sh"]}'
	"$TESTREGISTRY" config "$REGISTRY/test/badsig:v1" "$BUSYBOX_TAR" '{"StopSignal":"SIGBOGUS","Cmd":["sh"]}'
}
teardown_file() { stop_registry; }

# trapper SIG...: a shell that says "ready", then, for each SIG it
# receives, "got SIG" and exits 3. Its waits are interruptible (wait, not
# a foreground sleep), so a trap runs at once.
trapper() {
	local script='' s
	for s in "$@"; do script+="trap 'echo got $s; exit 3' $s; "; done
	echo "${script}echo ready; while :; do sleep 1 & wait \$!; done"
}

# wait_logged NAME TEXT: wait (at most 10 s) for a line TEXT in NAME's log.
wait_logged() {
	local i
	for ((i = 0; i < 100; i++)); do
		md logs "$1" 2>/dev/null | grep -q -x -- "$2" && return 0
		sleep 0.1
	done
	echo "timed out waiting for '$2' in the log of $1:" >&2
	md logs "$1" >&2
	return 1
}

# no_containers: nothing was made (ps -a lists none).
no_containers() {
	[ -z "$(md ps -a -q)" ]
	[ -z "$(ls "$MD_ROOT/containers" 2>/dev/null)" ]
}

@test "final: process: --stop-signal is what stop sends, and inspect shows it" {
	md run -d --name web --network none --stop-signal USR1 busybox sh -c "$(trapper USR1 TERM)" >/dev/null
	wait_logged web ready
	[ "$(md inspect -f '{{.Config.StopSignal}}' web)" = USR1 ]
	md stop web
	[ "$(md logs web | tail -n 1)" = "got USR1" ]
	[ "$(md inspect -f '{{.State.ExitCode}}' web)" = 3 ]
	# restart stops with it too, then runs the command again.
	md start web
	wait_logged web ready
	md restart web
	[ "$(md logs web | grep -c 'got USR1')" = 2 ]
	# stop -s (docker 23+) says otherwise for once.
	wait_logged web ready
	md stop -s TERM web
	[ "$(md logs web | tail -n 1)" = "got TERM" ]
}

@test "final: process: the image's STOPSIGNAL (SIGQUIT, as nginx's) is the stop signal, and --stop-signal overrides it" {
	md pull "$REGISTRY/test/quit:v1" >/dev/null 2>&1
	md run -d --name q --network none "$REGISTRY/test/quit:v1" sh -c "$(trapper QUIT TERM INT)" >/dev/null
	[ "$(md inspect -f '{{.Config.StopSignal}}' q)" = SIGQUIT ]
	wait_logged q ready
	md stop q
	[ "$(md logs q | tail -n 1)" = "got QUIT" ]
	md run -d --name i --network none --stop-signal SIGINT "$REGISTRY/test/quit:v1" sh -c "$(trapper QUIT TERM INT)" >/dev/null
	[ "$(md inspect -f '{{.Config.StopSignal}}' i)" = SIGINT ]
	wait_logged i ready
	md stop i
	[ "$(md logs i | tail -n 1)" = "got INT" ]
}

@test "final: process: --stop-timeout is how long stop waits when -t is not given" {
	# sleep as PID 1 has no handler: SIGTERM does nothing, SIGKILL ends it.
	md run -d --name slow --network none --stop-timeout 1 busybox sleep 1000 >/dev/null
	[ "$(md inspect -f '{{.Config.StopTimeout}}' slow)" = 1 ]
	start=$(date +%s)
	md stop slow
	[ $(($(date +%s) - start)) -lt 6 ] # not docker's default 10
	[ "$(md inspect -f '{{.State.ExitCode}}' slow)" = 137 ]
	# Unset, inspect has neither key, as docker's.
	md create --name plain busybox true >/dev/null
	[ "$(md inspect -f '{{json .Config}}' plain | grep -c -E 'StopSignal|StopTimeout')" = 0 ]
}

@test "final: process: rm -f kills with SIGKILL, not the stop signal" {
	out=$BATS_TEST_TMPDIR/out
	mkdir -p "$out"
	md run -d --name r --network none --stop-signal USR1 -v "$out:/out" busybox \
		sh -c "trap 'echo got > /out/sig; exit 3' USR1; echo ready; while :; do sleep 1 & wait \$!; done" >/dev/null
	wait_logged r ready
	md rm -f r
	[ ! -e "$out/sig" ]
}

@test "final: process: bad --stop-signal, --stop-timeout and an image's bad STOPSIGNAL exit 125 with one line, and leave no container" {
	run --separate-stderr md run --rm --stop-signal BOGUS busybox true
	[ "$status" -eq 125 ]
	[ "$(echo "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *'invalid signal "BOGUS"'* ]]
	run --separate-stderr md create --stop-timeout soon busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *'--stop-timeout'* ]]
	run --separate-stderr md stop -s BOGUS nosuch
	[ "$status" -eq 125 ]
	[[ "$stderr" == *'invalid signal "BOGUS"'* ]]
	md pull "$REGISTRY/test/badsig:v1" >/dev/null 2>&1
	run --separate-stderr md run --rm "$REGISTRY/test/badsig:v1" true
	[ "$status" -eq 125 ]
	[ "$(echo "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *"STOPSIGNAL"*'invalid signal "SIGBOGUS"'* ]]
	no_containers
}

@test "final: process: --env-file is read as docker's (comments, K alone, values as written), before -e" {
	f=$BATS_TEST_TMPDIR/env
	printf '%s\n' '# a comment' '' 'A=from-file' '  B=spaced key' 'Q="quoted value" ' 'FROMHOST' 'NOTSET' 'C=file' 'EMPTY=' >"$f"
	printf '%s\n' 'D=second file' 'A=second' >"$f.2"
	run env FROMHOST=host-value "$MYDOCKER" "${MD_GLOBAL[@]}" run --rm --network none --env-file "$f" --env-file "$f.2" -e C=flag busybox env
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\nA=second\n'* ]]
	[[ "$output" == *$'\nB=spaced key\n'* ]]
	[[ "$output" == *$'\nQ="quoted value" \n'* ]]
	[[ "$output" == *$'\nFROMHOST=host-value\n'* ]]
	[[ "$output" != *NOTSET* ]]
	[[ "$output" == *$'\nC=flag\n'* ]]
	[[ "$output" == *$'\nD=second file\n'* ]]
	[[ "$output" == *$'\nEMPTY=\n'* ]]
	# Errors: one line, exit 125, nothing made.
	printf 'BAD KEY=1\n' >"$f.bad"
	run --separate-stderr md run --rm --env-file "$f.bad" busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"variable 'BAD KEY' contains whitespaces"* ]]
	run --separate-stderr md run --rm --env-file "$f.missing" busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"no such file or directory"* ]]
	no_containers
}

@test "final: process: --label and --label-file go over the image's Labels in inspect" {
	md pull "$REGISTRY/test/quit:v1" >/dev/null 2>&1
	f=$BATS_TEST_TMPDIR/labels
	printf '%s\n' '# labels' 'from.file=1' 'shared=file' 'alone' >"$f"
	md create --name l --label-file "$f" -l shared=flag --label empty -l 'x.y=a b' "$REGISTRY/test/quit:v1" >/dev/null
	run md inspect -f '{{json .Config.Labels}}' l
	echo "$output"
	[ "$output" = '{"empty":"","from.file":"1","org.image":"yes","shared":"flag","x.y":"a b"}' ]
	md create --name none busybox true >/dev/null
	[ "$(md inspect -f '{{json .Config.Labels}}' none)" = '{}' ]
	# ps --filter label sees them.
	[ "$(md ps -a -q --filter label=org.image=yes)" = "$(md inspect -f '{{.Id}}' l | cut -c1-12)" ]
	[ -z "$(md ps -a -q --filter label=shared=image)" ]
	run --separate-stderr md create -l '=v' busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"invalid label '=v': empty name"* ]]
	[ "$(md ps -a -q | wc -l)" -eq 2 ]
}

@test "final: process: --ulimit sets the command's limits, by docker's names, and inspect shows them" {
	run md run --rm --network none --ulimit nofile=1024:2048 --ulimit core=-1 --ulimit nproc=500 --name u busybox \
		sh -c 'ulimit -n; ulimit -H -n; ulimit -c; ulimit -u'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1024\n2048\nunlimited\n500')" ]
	md create --name c --ulimit nofile=10:20 --ulimit nofile=30:40 busybox true >/dev/null
	[ "$(md inspect -f '{{json .HostConfig.Ulimits}}' c)" = '[{"Hard":40,"Name":"nofile","Soft":30}]' ]
	# The limits hold for each start, not only the first, and for exec.
	md start -a c
	md run -d --name e --network none --ulimit nofile=512:1024 busybox sleep 1000 >/dev/null
	[ "$(md exec e sh -c 'ulimit -n; ulimit -H -n' | tr '\n' ' ')" = "512 1024 " ]
	md rm -f e
	for bad in nofile=x nofiles=1 nofile=20:10 nofile=1:2:3 nofile; do
		run --separate-stderr md run --rm --ulimit "$bad" busybox true
		[ "$status" -eq 125 ]
		[ "$(echo "$stderr" | wc -l)" -eq 1 ]
		[[ "$stderr" == *'for "--ulimit" flag'* ]]
	done
	[ "$(md ps -a -q | wc -l)" -eq 1 ]
}

@test "final: process: --shm-size sizes /dev/shm (docker's 64m by default)" {
	run md run --rm --network none busybox df -k /dev/shm
	[ "$(echo "$output" | awk 'NR == 2 { print $2 }')" = 65536 ]
	run md run --rm --network none --shm-size 128m busybox df -k /dev/shm
	[ "$(echo "$output" | awk 'NR == 2 { print $2 }')" = 131072 ]
	md create --name s --shm-size 1g busybox true >/dev/null
	[ "$(md inspect -f '{{.HostConfig.ShmSize}}' s)" = 1073741824 ]
	run --separate-stderr md run --rm --shm-size lots busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *'for "--shm-size" flag'* ]]
	[ "$(md ps -a -q | wc -l)" -eq 1 ]
}

@test "final: process: --sysctl sets the container's own namespaces' keys, and refuses the host's" {
	run md run --rm --network none --sysctl net.ipv4.ip_forward=1 --sysctl kernel.shmmax=12345 --sysctl fs.mqueue.msg_max=20 busybox \
		cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/fs/mqueue/msg_max
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1\n12345\n20')" ]
	# The host's values are untouched.
	[ "$(cat /proc/sys/kernel/shmmax)" != 12345 ]
	for bad in vm.swappiness=1 kernel.core_pattern=x kernel.hostname=x net.ipv4.ip_forward net..x=1 net/../../kernel/x=1; do
		run --separate-stderr md run --rm --sysctl "$bad" busybox true
		[ "$status" -eq 125 ]
		[ "$(echo "$stderr" | wc -l)" -eq 1 ]
		[[ "$stderr" == *"sysctl '$bad' is not allowed"* ]]
	done
	run --separate-stderr md run --rm --network host --sysctl net.ipv4.ip_forward=1 busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"not allowed with --network host"* ]]
	md run -d --name owner --network none busybox sleep 1000 >/dev/null
	run --separate-stderr md run --rm --network container:owner --sysctl net.ipv4.ip_forward=1 busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"not allowed with --network host or container:NAME"* ]]
	md rm -f owner
	no_containers
}

# bats test_tags=cgroups
@test "final: process: --memory-swap goes with -m, with docker's rules" {
	run --separate-stderr md run --rm --memory-swap 1g busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"You should always set the Memory limit when using Memoryswap limit"* ]]
	run --separate-stderr md run --rm -m 512m --memory-swap 256m busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"Minimum memoryswap limit should be larger than memory limit"* ]]
	run --separate-stderr md run --rm -m 64m --memory-swap soon busybox true
	[ "$status" -eq 125 ]
	no_containers
	md create --name m -m 64m --memory-swap 128m busybox true >/dev/null
	[ "$(md inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' m)" = "67108864 134217728" ]
	md create --name u -m 64m --memory-swap -1 busybox true >/dev/null
	[ "$(md inspect -f '{{.HostConfig.MemorySwap}}' u)" = -1 ]
	# In the cgroup, where the kernel accounts swap: v1's memsw is memory
	# plus swap, v2's swap.max the swap alone.
	id=$(md run -d --network none -m 64m --memory-swap 128m busybox sleep 1000)
	v1=/sys/fs/cgroup/memory/mydocker/$id/memory.memsw.limit_in_bytes
	v2=/sys/fs/cgroup/mydocker/$id/memory.swap.max
	if [ -e "$v2" ]; then
		[ "$(cat "$v2")" = 67108864 ]
	elif [ -e "$v1" ]; then
		[ "$(cat "$v1")" = 134217728 ]
	fi
}

@test "final: process: --group-add gives the user more groups, by name from the image or by number" {
	run md run --rm --network none -u nobody --group-add root --group-add 1234 busybox id -G
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "65534 0 1234" ]
	# exec gets them too, as docker's, as the container's user or -u's.
	md run -d --name g --network none --group-add 1234 busybox sleep 1000 >/dev/null
	[ "$(md exec g id -G)" = "0 1234" ]
	[ "$(md exec -u nobody g id -G)" = "65534 1234" ]
	md rm -f g
	run --separate-stderr md run --rm --network none --group-add nosuchgroup busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"unable to find group nosuchgroup"* ]]
}

@test "final: process: --init is PID 1 (ps shows docker-init), confined as the command, and its binary cannot be reached" {
	run md run --rm --network none --init busybox sh -c 'ps -o pid,args; readlink /proc/1/exe || echo unreadable; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/1/status'
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -E '^ +1 /sbin/docker-init -- sh -c ps'
	[[ "$output" == *unreadable* ]]
	[[ "$output" == *"CapEff:	00000000a80425fb"* ]]
	[[ "$output" == *"NoNewPrivs:	1"* ]]
	[[ "$output" == *"Seccomp:	2"* ]]
	# Its status is the command's.
	run md run --rm --network none --init busybox sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run -127 md run --rm --network none --init busybox nosuchcommand
	[ "$status" -eq 127 ]
	md create --name i --init busybox true >/dev/null
	[ "$(md inspect -f '{{.HostConfig.Init}}' i)" = true ]
}

@test "final: process: --init reaps the zombies of orphans that PID 1 would leave" {
	# The inner shell leaves "sleep 0.2" an orphan; PID 1's command (sleep,
	# after the exec) never waits for it.
	md run -d --name z --network none --init busybox sh -c 'sh -c "sleep 0.2 &"; exec sleep 1000' >/dev/null
	# The orphan as ps shows it: running, or a zombie ("[sleep]").
	orphan() { md exec z ps -o stat,args | awk '$2 == "[sleep]" || ($2 == "sleep" && $3 == "0.2")'; }
	for ((i = 0; i < 50; i++)); do
		[ -z "$(orphan)" ] && break
		sleep 0.1
	done
	md exec z ps -o stat,args
	[ -z "$(orphan)" ]
}

@test "final: process: stop reaches the command through --init: sleep, deaf to SIGTERM as PID 1, ends at once" {
	md run -d --name s --network none --init busybox sleep 1000 >/dev/null
	start=$(date +%s)
	md stop s
	[ $(($(date +%s) - start)) -lt 6 ]
	[ "$(md inspect -f '{{.State.ExitCode}}' s)" = 143 ] # SIGTERM, not the SIGKILL of the timeout
	# run -d returns once the init handles signals: a stop at once is
	# never lost (a Go runtime that has not yet asked for SIGTERM drops it
	# as PID 1, or exits 2).
	for i in 1 2 3 4 5; do
		md run -d --name "s$i" --network none --init busybox sleep 1000 >/dev/null
		md stop -t 20 "s$i" >/dev/null
		[ "$(md inspect -f '{{.State.ExitCode}}' "s$i")" = 143 ]
	done
	# With a stop signal, the command gets that one.
	md run -d --name t --network none --init --stop-signal USR1 busybox sh -c "$(trapper USR1 TERM)" >/dev/null
	wait_logged t ready
	md stop t
	[ "$(md logs t | tail -n 1)" = "got USR1" ]
	[ "$(md inspect -f '{{.State.ExitCode}}' t)" = 3 ]
}

@test "final: process: --pull never runs only what is here, --pull always pulls first" {
	before=$(md images -q | sort)
	run --separate-stderr md run --rm --pull never "$REGISTRY/test/app:v1" true
	echo "$stderr"
	[ "$status" -eq 125 ]
	[ "$(echo "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *"No such image: $REGISTRY/test/app:v1"* ]]
	[ "$(md images -q | sort)" = "$before" ] # nothing was pulled
	run md run --rm --pull never --network none busybox echo here
	[ "$output" = here ]
	# always: the registry is asked even with the image here.
	run --separate-stderr md run --rm --pull always --network none "$REGISTRY/test/app:v1" true
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"v1: Pulling from test/app"* ]]
	run --separate-stderr md run --rm --pull always --network none "$REGISTRY/test/app:v1" true
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Image is up to date"* ]]
	# busybox is here but on no reachable registry: always fails, as docker's.
	run --separate-stderr md run --rm --pull always busybox true
	[ "$status" -eq 125 ]
	run --separate-stderr md run --rm --pull sometimes busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *'invalid pull option'* ]]
	no_containers
}

@test "final: process: --platform accepts this machine's and the image's, and refuses another" {
	arch=$(uname -m)
	case "$arch" in x86_64) arch=amd64 other=arm64 ;; aarch64) arch=arm64 other=amd64 ;; *) other=s390x ;; esac
	md pull "$REGISTRY/test/app:v1" >/dev/null 2>&1
	run md run --rm --network none --platform "linux/$arch" "$REGISTRY/test/app:v1" true
	[ "$status" -eq 0 ]
	run md run --rm --network none --platform "$arch" "$REGISTRY/test/app:v1" true
	[ "$status" -eq 0 ]
	run --separate-stderr md run --rm --platform "linux/$other" "$REGISTRY/test/app:v1" true
	[ "$status" -eq 125 ]
	[ "$(echo "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *"linux/$other"*"not this machine's"* ]]
	run --separate-stderr md run --rm --platform "a/b/c/d" busybox true
	[ "$status" -eq 125 ]
	no_containers
}

@test "final: process: --device makes the host's node inside and lets the container use it, with docker's permissions" {
	run md run --rm --network none --device /dev/zero:/dev/myzero busybox sh -c 'ls -l /dev/myzero; head -c 4 /dev/myzero | od -An -tx1'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "crw-rw-rw-"*" 1,"*" 5 "*"/dev/myzero"* ]]
	[ "$(echo "$output" | tail -n 1 | tr -d ' ')" = 00000000 ]
	# A node outside docker's default policy: opened only with --device,
	# read only with :r.
	dev=
	for d in /dev/loop-control /dev/fuse; do [ -c "$d" ] && dev=$d && break; done
	[ -n "$dev" ] || skip "no /dev/loop-control or /dev/fuse here"
	run md run --rm --network none busybox sh -c "mknod /tmp/node c $(stat -c '%Hr %Lr' "$dev") && exec 3</tmp/node"
	[ "$status" -ne 0 ] # the default policy refuses it
	run md run --rm --network none --device "$dev:/dev/x:r" busybox sh -c 'exec 3</dev/x && echo read-ok; exec 4>/dev/x && echo write-ok'
	echo "$output"
	[[ "$output" == *read-ok* ]]
	[[ "$output" != *write-ok* ]]
	md create --name d --device "$dev:/dev/x:r" busybox true >/dev/null
	[ "$(md inspect -f '{{json .HostConfig.Devices}}' d)" = "[{\"CgroupPermissions\":\"r\",\"PathInContainer\":\"/dev/x\",\"PathOnHost\":\"$dev\"}]" ]
	md rm d
	for bad in /dev/nosuch /etc/passwd /dev/zero:rel /dev/zero:/dev/z:rwx a:b:c:d; do
		run --separate-stderr md run --rm --device "$bad" busybox true
		[ "$status" -eq 125 ]
		[ "$(echo "$stderr" | wc -l)" -eq 1 ]
	done
	no_containers
}

@test "final: process: --ipc host shares the host's IPC namespace and /dev/shm; private, shareable and none keep their own" {
	host_ns=$(readlink /proc/self/ns/ipc)
	[ "$(md run --rm --network none busybox readlink /proc/self/ns/ipc)" != "$host_ns" ]
	[ "$(md run --rm --network none --ipc shareable busybox readlink /proc/self/ns/ipc)" != "$host_ns" ]
	mark=/dev/shm/mydocker-test-$$-$BATS_TEST_NUMBER
	echo shared >"$mark"
	run md run --rm --network none --ipc host busybox sh -c "readlink /proc/self/ns/ipc; cat $mark"
	rm -f "$mark"
	echo "$output"
	[ "$output" = "$(printf '%s\nshared' "$host_ns")" ]
	run md run --rm --network none --ipc none busybox sh -c 'grep -c " /dev/shm " /proc/self/mountinfo'
	[ "$output" = 0 ]
	md create --name i busybox true >/dev/null
	[ "$(md inspect -f '{{.HostConfig.IpcMode}}' i)" = private ]
	md rm i
	run --separate-stderr md run --rm --ipc host --sysctl kernel.shmmax=1 busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"not allowed with --ipc host"* ]]
	run --separate-stderr md run --rm --ipc container:other busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"--ipc container:other"*"o such container"* ]]
	run --separate-stderr md run --rm --ipc bogus busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"invalid IPC mode"* ]]
	no_containers
}

@test "final: process: --ipc container:NAME joins a shareable container's IPC namespace and /dev/shm; a private one is refused" {
	md run -d --name src --network none --ipc shareable busybox sh -c 'echo from-src >/dev/shm/a; sleep 1000' >/dev/null
	for ((i = 0; i < 50; i++)); do md exec src test -f /dev/shm/a && break; sleep 0.1; done
	src_ns=$(md exec src readlink /proc/self/ns/ipc)
	run md run --rm --network none --ipc container:src busybox sh -c 'readlink /proc/self/ns/ipc; cat /dev/shm/a; echo from-joiner >/dev/shm/b'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\nfrom-src' "$src_ns")" ]
	# What the joiner wrote is in the donor's /dev/shm: one tmpfs.
	[ "$(md exec src cat /dev/shm/b)" = from-joiner ]
	md create --name j --ipc container:src busybox true >/dev/null
	[ "$(md inspect -f '{{.HostConfig.IpcMode}}' j)" = "container:$(md inspect -f '{{.Id}}' src)" ]
	md rm j >/dev/null
	# docker's rule: only a shareable container's namespace is joined.
	md run -d --name priv --network none busybox sleep 1000 >/dev/null
	run --separate-stderr md run --rm --ipc container:priv busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"priv: non-shareable IPC"* ]]
	run --separate-stderr md run --rm --ipc container:src --sysctl kernel.shmmax=1 busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"not allowed with --ipc host or container:NAME"* ]]
	# The shareable /dev/shm is a tmpfs on the host while it runs, and
	# goes with it.
	[ "$(grep -c " $MD_ROOT/.*/shm " /proc/self/mountinfo)" = 1 ]
	md stop -t 0 src >/dev/null
	[ "$(grep -c " $MD_ROOT/.*/shm " /proc/self/mountinfo)" = 0 ]
	run --separate-stderr md run --rm --ipc container:src busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"not running: src"* ]]
	md rm -f src priv >/dev/null
	no_containers
}

# bats test_tags=cgroups
@test "final: process: --pid host and --pid container:NAME share a PID namespace; top, stop and rm see the container's own processes" {
	host_ns=$(readlink /proc/self/ns/pid)
	run md run --rm --network none --pid host busybox sh -c "readlink /proc/self/ns/pid; test -d /proc/$$ && echo sees-the-host"
	echo "$output"
	[ "$output" = "$(printf '%s\nsees-the-host' "$host_ns")" ]
	# Another container's: its command is PID 1 there.
	md run -d --name first --network none busybox sleep 7771 >/dev/null
	run md run --rm --network none --pid container:first busybox sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; readlink /proc/self/ns/pid'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'sleep 7771 \n%s' "$(md exec first readlink /proc/self/ns/pid)")" ]
	[ "$(md inspect -f '{{.HostConfig.PidMode}}' first)" = "" ]
	# With the host's, top lists its own processes, not the host's; exec
	# runs in it; stop ends what its command left behind too.
	md run -d --name h --network none --pid host busybox sh -c 'sleep 7772 & exec sleep 7773' >/dev/null
	[ "$(md inspect -f '{{.HostConfig.PidMode}}' h)" = host ]
	run md top h
	echo "$output"
	[ "${#lines[@]}" -eq 3 ]
	[[ "$output" == *"sleep 7772"* ]]
	[[ "$output" == *"sleep 7773"* ]]
	[ "$(md exec h readlink /proc/self/ns/pid)" = "$host_ns" ]
	md stop -t 1 h >/dev/null
	run pgrep -f 'sleep 777[23]'
	[ "$status" -eq 1 ]
	md create --name c --pid container:first busybox true >/dev/null
	[ "$(md inspect -f '{{.HostConfig.PidMode}}' c)" = "container:$(md inspect -f '{{.Id}}' first)" ]
	run --separate-stderr md run --rm --pid bogus busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"invalid PID mode"* ]]
	md stop -t 0 first >/dev/null
	run --separate-stderr md start c
	echo "$stderr"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"not running: first"* ]]
	run --separate-stderr md run --rm --pid container:first busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"not running: first"* ]]
	md rm -f first h c >/dev/null
	no_containers
}
