#!/usr/bin/env bats
# The CLI out of resources: too few descriptors (ulimit -n) and a pids
# cgroup whose limit the CLI itself hits (it, its monitor and init start
# in it). Each command fails with a clear error or works; it never panics,
# and nothing is left half-made.

load helpers

setup() { fault_setup; }
teardown() {
	[ -z "${PIDS_CG:-}" ] || { echo $$ >"$PIDS_CG_PARENT/cgroup.procs" 2>/dev/null; rmdir "$PIDS_CG" 2>/dev/null || true; }
	fault_teardown
}

# no_panic_output COMMAND...: run COMMAND; its output must not be a panic.
ran_without_panic() {
	local out rc
	out=$("$@" 2>&1) && rc=0 || rc=$?
	echo "$out" >"$BATS_TEST_TMPDIR/last.out"
	if grep -qE 'panic|goroutine [0-9]+ \[' <<<"$out"; then echo "$out" | head -n 6 >&2; echo "panicked: $*" >&2; return 1; fi
	if [ $rc -ne 0 ] && [ -z "$out" ]; then echo "$* failed ($rc) without a word" >&2; return 1; fi
	return 0
}

# with_fds N ARG...: mydocker ARG... with at most N descriptors, the
# test's own (bats keeps a dozen open) closed first: only 0, 1, 2 remain.
with_fds() {
	local n=$1
	shift
	# The redirection is on each exec, not on the loop: bash keeps the
	# loop's stderr saved on fd 10 while it runs, the loop would close
	# that copy, and mydocker would start with stderr closed (/dev/null).
	bash -c 'for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done
		ulimit -n '"$n"' && exec "$@"' _ "$MYDOCKER" "${MD_GLOBAL[@]}" "$@"
}

low_fds() {
	local n=$1
	count faults
	ran_without_panic with_fds "$n" run -d --name lowfd busybox sleep 1000
	ran_without_panic with_fds "$n" ps -a
	ran_without_panic with_fds "$n" rm -f lowfd
	assert_clean
}

# pids_cgroup: a cgroup of ours with pids.max N (v2, or v1's pids), with
# this shell's subshell in it; PIDS_CG is its directory.
pids_cgroup() {
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		PIDS_CG_PARENT=/sys/fs/cgroup
	else
		PIDS_CG_PARENT=/sys/fs/cgroup/pids
	fi
	PIDS_CG=$PIDS_CG_PARENT/faults-pids-$$
	mkdir -p "$PIDS_CG"
	echo "$1" >"$PIDS_CG/pids.max"
}

low_pids() {
	local n=$1
	pids_cgroup "$n"
	count faults
	# sh joins the cgroup, then becomes mydocker (exec: no new pid)
	ran_without_panic sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' _ "$PIDS_CG" "$MYDOCKER" "${MD_GLOBAL[@]}" run -d --name lowpid busybox sleep 1000
	ran_without_panic sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' _ "$PIDS_CG" "$MYDOCKER" "${MD_GLOBAL[@]}" rm -f lowpid
	# the processes that the limit let live are moved out, so it can go
	local p
	for p in $(cat "$PIDS_CG/cgroup.procs" 2>/dev/null); do echo "$p" >"$PIDS_CG_PARENT/cgroup.procs" 2>/dev/null || true; done
	rmdir "$PIDS_CG" 2>/dev/null || true
	PIDS_CG=
	assert_clean
}

@test "descriptors exhausted (ulimit -n): clear errors, no panic, nothing left" {
	local n
	for n in 10 16 20 32; do
		fault_case "ulimit -n $n" low_fds "$n"
	done
	cases_done
}

@test "a pids cgroup limit hit by the CLI itself: clear errors, no panic, nothing left" {
	local n
	for n in 2 4 8 16; do
		fault_case "pids.max $n" low_pids "$n"
	done
	cases_done
}
