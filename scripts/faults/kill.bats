#!/usr/bin/env bats
# kill -9 at every step: each command runs under strace, which follows
# every process it starts (the CLI, the monitor, the container's init)
# and kills with SIGKILL the thread that makes its Nth call of one
# syscall that changes state (mount, mkdirat, renameat, unlinkat, openat,
# clone, the netlink sendto of links and addresses). A
# census run first counts each syscall per process; the sweep then kills
# at a sample of N covering each phase (first call, middle, last).
#
# Why strace and not failpoints in the code: it needs no build tag and no
# hook in the code under test (the binary tested is the one shipped, and
# the book's stages stay as they are), a kill lands between any two
# syscalls, not only where someone thought to put a failpoint, and the
# monitor and init, which a failpoint would need a way to reach, are
# killed the same way. The price: strace counts per thread, and Go moves
# work between threads, so a given N is a point in a phase, not a named
# step; the sweep covers the phases, and each case says what it killed.
#
# After each kill the next command (ps -a) must work and not panic; a
# container it lists either runs (exec works) or has ended; then removing
# every container and network must work and leave nothing: no mount,
# cgroup, veth, bridge, rule, address, port, name, temp file or process.

load helpers
load sweep

setup_file() { start_registry; }
teardown_file() { stop_registry; }

setup() { fault_setup; }
teardown() { fault_teardown; }

# The sweep's syscalls, per command, are the ones the census saw: a
# syscall the command never makes gives no case.

@test "kill -9 during run (foreground, --rm)" {
	kill_sweep "run" nothing nothing md run --rm busybox sh -c 'echo hi'
}

@test "kill -9 during run -d" {
	kill_sweep "run -d" nothing nothing md run -d --name victim busybox sleep 1000
}

prep_running() { md run -d --name victim busybox sleep 1000 >/dev/null; }

@test "kill -9 during rm -f" {
	kill_sweep "rm -f" prep_running nothing md rm -f victim
}

@test "kill -9 during network create and run on it with a port (connect)" {
	kill_sweep "network create" nothing nothing md network create faultnet
	kill_sweep "run on a network with -p" prep_net nothing md run -d --network faultnet -p 18321:80 busybox sleep 1000
}

prep_net() { md network create faultnet >/dev/null; }
prep_net_used() {
	prep_net
	md run -d --name victim --network faultnet -p 18321:80 busybox sleep 1000 >/dev/null
}

@test "kill -9 during rm -f of a container with a port, and network rm (disconnect)" {
	kill_sweep "rm -f on a network" prep_net_used nothing md rm -f victim
	kill_sweep "network rm" prep_net nothing md network rm faultnet
}

# The earlier image must be intact after any kill: it still runs.
busybox_intact() {
	md run --rm --network none busybox true || { echo "busybox no longer runs" >&2; return 1; }
}

# image_whole IMAGE: an image a kill left listed must run; else it is gone.
image_whole() {
	if md images | awk 'NR > 1 { print $1 ":" $2 }' | grep -qx "$1"; then
		md run --rm --network none "$1" true || { echo "image $1 is listed but does not run" >&2; return 1; }
		md rmi -f "$1" >/dev/null
	fi
	busybox_intact
}

post_pull() { image_whole "$REGISTRY/test/app:v1"; }

@test "kill -9 during pull" {
	kill_sweep "pull" nothing post_pull md pull "$REGISTRY/test/app:v1"
}

prep_commit() {
	md run -d --name victim busybox sh -c 'echo changed >/etc/changed; sleep 1000' >/dev/null
}
# The victim runs on, thawed: commit pauses it, and a commit killed with
# it paused leaves the thaw to the next command's reconcile (check_after's
# ps -a).
post_commit() {
	image_whole "faultimg:latest"
	local now
	now=$(md inspect -f '{{.State.Status}} {{.State.Paused}}' victim)
	[ "$now" = "running false" ] || { echo "the victim is '$now' after the commit was killed" >&2; return 1; }
}

@test "kill -9 during commit" {
	kill_sweep "commit" prep_commit post_commit md commit victim faultimg
}

prep_load() {
	[ -f "$BATS_FILE_TMPDIR/load.tar" ] || "$TESTREGISTRY" layout "$BATS_FILE_TMPDIR/load.tar" "$BUSYBOX_TAR" example.com/fault/load v1 >/dev/null
}
post_load() { image_whole "example.com/fault/load:v1"; }

@test "kill -9 during load" {
	kill_sweep "load" prep_load post_load md load -i "$BATS_FILE_TMPDIR/load.tar"
}
