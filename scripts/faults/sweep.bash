# The kill sweep of the fault suite (kill.bats, build.bats): a command
# run under strace, killed with SIGKILL at a sample of its state-changing
# syscalls, then the checks that nothing is left. kill.bats says why
# strace and how a sweep samples.

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
