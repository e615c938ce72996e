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

setup_file() { start_registry; }
teardown_file() { stop_registry; }

setup() { fault_setup; }
teardown() { fault_teardown; }

# The syscalls a sweep kills at (the ones that change state).
KILL_SYSCALLS=mount,mkdirat,renameat,unlinkat,openat,clone,sendto

# run_traced SYSCALL N COMMAND...: COMMAND under strace as strace_kill (N empty:
# traced, nothing killed), in the background; returns when the CLI has
# ended, and then ends strace with SIGKILL, which detaches what it still
# traced (the monitor and init of run -d live on: strace would wait for
# them, and a SIGTERM'd strace waits for a tracee's next event to act).
run_traced() {
	local sc=$1 n=$2 i
	shift 2
	# md is a function: strace runs the binary with md's global flags
	[ "$1" != md ] || set -- "$MYDOCKER" "${MD_GLOBAL[@]}" "${@:2}"
	TRACE_LOG=$BATS_TEST_TMPDIR/trace.log
	: >"$TRACE_LOG"
	# strace itself is the background job (not a subshell running a
	# function), so that its one child is the CLI.
	local inject=()
	[ -z "$n" ] || inject=(-e inject="$sc":signal=KILL:when="$n")
	strace -f -q -o "$TRACE_LOG" -e trace="$sc" -e signal=none "${inject[@]}" -- "$@" >"$BATS_TEST_TMPDIR/cmd.out" 2>"$BATS_TEST_TMPDIR/cmd.err" </dev/null &
	TRACED_PID=$!
	# The CLI has ended when strace, which has written its first line,
	# has no child any more: strace forks only the CLI, and what the CLI
	# started (the monitor, init) is reparented away when it ends.
	for ((i = 0; i < 1200; i++)); do
		kill -0 "$TRACED_PID" 2>/dev/null || break
		[ -s "$TRACE_LOG" ] && [ -z "$(ps -o pid= --ppid "$TRACED_PID")" ] && break
		sleep 0.025
	done
	kill -KILL "$TRACED_PID" 2>/dev/null || true
	wait "$TRACED_PID" 2>/dev/null || true
	[ "$i" -lt 1200 ] || { echo "the command under strace did not end in 30 s" >&2; return 1; }
}

# census: the largest number of calls of each syscall that any one
# tracee made in TRACE_LOG, "name count" a line: what a sweep covers.
census() {
	awk '$2 ~ /^[a-z_0-9]+\(/ { split($2, a, "("); c[a[1] " " $1]++ }
		END { for (k in c) { split(k, b, " "); if (c[k] > m[b[1]]) m[b[1]] = c[k] } for (s in m) print s, m[s] }' "$TRACE_LOG" | sort
}

# check_after: the next command, and what a container it lists is.
check_after() {
	local err=$BATS_TEST_TMPDIR/next.err id status
	no_panic "$BATS_TEST_TMPDIR/cmd.err"
	md ps -a >"$BATS_TEST_TMPDIR/ps" 2>"$err" || { cat "$err" >&2; echo "ps -a failed after the kill" >&2; return 1; }
	no_panic "$err"
	for id in $(md ps -q 2>/dev/null); do
		md exec "$id" true || { echo "container $id is listed as running but exec fails" >&2; cat "$BATS_TEST_TMPDIR/ps" >&2; return 1; }
	done
	# A container that is not running holds nothing: no mount of its own.
	for id in $(md ps -a -q 2>/dev/null); do
		status=$(md inspect -f '{{.State.Status}}' "$id" 2>/dev/null || echo unreadable)
		case $status in
		running) ;;
		*) if grep -qF " $MD_ROOT/containers/$id" /proc/self/mountinfo; then leak "container $id ($status) still has mounts"; fi ;;
		esac
	done
}

# kill_sweep NAME PREP POST COMMAND...: the census of COMMAND (after
# PREP), then one case per syscall and N: PREP, COMMAND killed there,
# check_after, POST (image checks), assert_clean.
kill_sweep() {
	local name=$1 prep=$2 post=$3 sc max n
	shift 3
	$prep
	local census
	run_traced "$KILL_SYSCALLS" "" "$@"
	census=$(census)
	[ -n "$census" ] || { echo "no census of $name: strace saw nothing" >&2; cat "$BATS_TEST_TMPDIR/cmd.err" >&2; head -n 5 "$TRACE_LOG" >&2; return 1; }
	$post >/dev/null 2>&1 || true
	md_clean_quiet
	echo "census of $name: $(echo "$census" | tr '\n' ' ')" >&3
	while read -r sc max; do
		[ -n "$sc" ] || continue
		for n in $(sweep "$max"); do
			fault_case "$name: kill at $sc #$n" kill_one "$sc" "$n" "$prep" "$post" "$@"
		done
	done <<<"$census"
	cases_done
}

kill_one() {
	local sc=$1 n=$2 prep=$3 post=$4
	shift 4
	$prep
	run_traced "$sc" "$n" "$@"
	if injected "$TRACE_LOG" "$sc" "$n"; then count faults; fi
	check_after
	$post
	assert_clean
}

# md_clean_quiet: the census's container and network go.
md_clean_quiet() { assert_clean >/dev/null 2>&1 || true; }

nothing() { :; }

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
