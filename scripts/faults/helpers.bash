# Helpers of the fault-injection suite (scripts/faults.sh runs it). They
# build on the integration tests' helpers: each test has a state root of
# its own, and teardown checks that no process, mount, cgroup, bridge,
# veth or iptables rule is left on the machine.
#
# A test here runs many CASES (one fault each): a case that fails is
# recorded and the test goes on with the next one, so that one run names
# every case that fails; the test fails at its end if any did. The counts
# go to $FAULTS_STATS (cases, faults, leaks), which scripts/faults.sh sums
# into its closing line.

load ../integration/helpers

# The integration helpers' setup and teardown, under names of their own:
# a .bats file here defines setup and teardown as fault_setup and
# fault_teardown, which call these.
eval "integration_$(declare -f setup)"
eval "integration_$(declare -f teardown)"

FAULTS_STATS=${FAULTS_STATS:-$BATS_RUN_TMPDIR/faults-stats}
mkdir -p "$FAULTS_STATS"

# count KIND [N]: add N (1) to the suite's count of KIND.
count() { printf '%s\n' "${2:-1}" >>"$FAULTS_STATS/$1"; }

# fault_case NAME COMMAND...: one case. COMMAND runs in a subshell with
# errexit, so any failing step fails the case, and the test goes on; the
# case's output is shown only when it failed. (errexit is off in any
# "cmd || ..." or "$(...)" context, so the subshell is a plain command,
# with bats' ERR trap put aside around it.)
CASES_FAILED=()
fault_case() {
	local name=$1 out=$BATS_TEST_TMPDIR/case.out rc saved_trap
	shift
	count cases
	saved_trap=$(trap -p ERR)
	trap - ERR
	set +e
	(
		set -eE -o pipefail
		# The step that failed the case, named: a check that fails
		# quietly (a grep, a test) would leave the case without a reason.
		# (Kept, and said on exit: an ERR trap also fires in a command
		# substitution, where a failure ends nothing.)
		trap 'case_step="$BASH_COMMAND (status $?, ${FUNCNAME[0]:-main} line $LINENO)"' ERR
		trap 'rc=$?; [ $rc -eq 0 ] || echo "### the case stopped at: ${case_step:-?}" >&2' EXIT
		"$@"
	) >"$out" 2>&1
	rc=$?
	set -e
	eval "${saved_trap:-trap - ERR}"
	if [ $rc -ne 0 ] && known_failure "$name"; then
		count known
		{ printf '### case known to fail (%s): %s\n' "$KNOWN_REASON" "$name" && tail -n 5 "$out" | sed 's/^/#   /'; } >&3
	elif [ $rc -ne 0 ]; then
		CASES_FAILED+=("$name")
		count failed
		{ printf '### case FAILED: %s\n' "$name" && tail -n 25 "$out" | sed 's/^/#   /'; } >&3
	fi
	return 0
}

# known_failure NAME: whether NAME matches a pattern of known.txt, the
# cases that fail for a bug not fixed yet (each line: a glob, a tab, the
# reason). They are counted apart in the closing line, never hidden; the
# reason is in KNOWN_REASON.
known_failure() {
	local pattern reason
	KNOWN_REASON=
	while IFS=$'\t' read -r pattern reason; do
		case $pattern in '' | '#'*) continue ;; esac
		# shellcheck disable=SC2053 # a glob, on purpose
		if [[ $1 == $pattern ]]; then
			KNOWN_REASON=$reason
			return 0
		fi
	done <"$BATS_TEST_DIRNAME/known.txt"
	return 1
}

# cases_done: the test fails when any of its cases did, naming them.
cases_done() {
	if [ ${#CASES_FAILED[@]} -gt 0 ]; then
		printf 'failed cases: %s\n' "${CASES_FAILED[@]}" >&2
		return 1
	fi
}

# leak WHAT...: report a leak (counted) and fail the case.
leak() {
	count leaks
	echo "LEAK: $*" >&2
	return 1
}

# no_panic FILE: a Go panic or a goroutine dump in FILE fails the case.
no_panic() {
	if grep -E 'panic|goroutine [0-9]+ \[' "$1"; then
		echo "mydocker panicked (above)" >&2
		return 1
	fi
}

# root_leftovers prints what a state root holds that no container, image
# or network explains once every container and network is gone: names,
# addresses, ports, temp files, half-unpacked layers, mounts.
root_leftovers() {
	local r=$MD_ROOT
	ls -A "$r/containers" 2>/dev/null | sed 's#^#containers/#'
	ls -A "$r/names" 2>/dev/null | sed 's#^#names/#'
	[ -d "$r/ipam" ] && find "$r/ipam" -mindepth 1 | sed "s#^$r/##"
	[ -d "$r/ports" ] && find "$r/ports" -mindepth 1 | sed "s#^$r/##"
	[ -d "$r/tmp" ] && find "$r/tmp" -mindepth 1 | sed "s#^$r/##"
	find "$r" -name '.tmp-*' -o -name '*.unpacking-*' -o -name '*.tmp' 2>/dev/null | sed "s#^$r/##"
	# a build's scratch directories (build/tmp-PID-START-*): the cache
	# and the cache mounts are all a build keeps there
	[ -d "$r/build" ] && find "$r/build" -mindepth 1 -maxdepth 1 ! -name cache ! -name cache-mounts | sed "s#^$r/##"
	grep -F " $r/" /proc/self/mountinfo | awk '{ print "mount " $5 }'
	return 0
}

# host_state is what the machine holds of mydocker, besides the state
# root: processes of the binary, cgroups, links and iptables, netns.
host_state() {
	mydocker_pids | sed 's/^/pid /'
	mydocker_cgroups
	host_net
}

# assert_clean: remove every container and network of the root (each
# command must succeed and not panic), then nothing may be left in the
# root or on the machine. Leaks are counted and cleaned, so the next
# case starts clean.
assert_clean() {
	local ids n left err=$BATS_TEST_TMPDIR/clean.err
	ids=$(md ps -a -q 2>"$err") || { cat "$err" >&2; no_panic "$err"; return 1; }
	no_panic "$err"
	if [ -n "$ids" ]; then
		md rm -f $ids >/dev/null 2>"$err" || { cat "$err" >&2; echo "rm -f failed" >&2; no_panic "$err" || true; return 1; }
	fi
	# (final/'s host and none, drivers host and null, are never removed)
	for n in $(md network ls 2>/dev/null | awk 'NR > 1 && $3 != "host" && $3 != "null" { print $1 }'); do
		if ! md network rm "$n" >/dev/null 2>"$err"; then
			cat "$err" >&2
			# a network that cannot go is a leak (an address or port
			# held for good): scrub it, or every later case fails on it
			scrub_root
			rm -rf "$MD_ROOT/networks"/* 2>/dev/null || true
			scrub_host
			leak "network rm $n failed after the fault"
			return 1
		fi
	done
	wait_gone
	left=$(root_leftovers)
	if [ -n "$left" ]; then
		scrub_root
		leak "left in the root:" $left
		return 1
	fi
	# What differs must still differ a moment later: a process of the
	# case may be in its last milliseconds.
	local now i
	for ((i = 0; i < 20; i++)); do
		now=$(host_state)
		[ "$now" != "$HOST_BEFORE" ] || return 0
		sleep 0.1
	done
	left=$(diff <(echo "$HOST_BEFORE") <(echo "$now") | grep '^[<>]' | tr '\n' ' ' || true)
	scrub_host
	leak "the machine is not as it was: $left"
}

# wait_gone: give killed processes and their monitors a moment to end.
wait_gone() {
	local i
	for ((i = 0; i < 40; i++)); do
		[ -z "$(mydocker_pids)" ] && return 0
		sleep 0.05
	done
}

# scrub_root / scrub_host undo a leak, so that one leak is one case.
# They run with errexit off: a step with nothing to do fails, and the
# rest must still run.
scrub_root() { (set +e +o pipefail; scrub_root_steps) || true; }
scrub_root_steps() {
	grep -F " $MD_ROOT/" /proc/self/mountinfo | awk '{ print $5 }' | sort -r | xargs -r -n 1 umount -l 2>/dev/null
	rm -rf "$MD_ROOT/names"/* "$MD_ROOT/tmp"/* "$MD_ROOT/containers"/* "$MD_ROOT/containers"/.tmp-* 2>/dev/null
	[ -d "$MD_ROOT/ipam" ] && find "$MD_ROOT/ipam" -mindepth 1 -delete 2>/dev/null
	find "$MD_ROOT" \( -name '.tmp-*' -o -name '*.unpacking-*' \) -exec rm -rf {} + 2>/dev/null
	[ -d "$MD_ROOT/build" ] && find "$MD_ROOT/build" -mindepth 1 -maxdepth 1 ! -name cache ! -name cache-mounts -exec rm -rf {} + 2>/dev/null
}
scrub_host() { (set +e +o pipefail; scrub_host_steps) || true; }
scrub_host_steps() {
	local p cg link
	p=$(mydocker_pids)
	[ -z "$p" ] || kill -KILL $p 2>/dev/null
	cg=$(comm -13 <(echo "$CGROUPS_BEFORE") <(mydocker_cgroups))
	[ -z "$cg" ] || remove_cgroups $cg
	for link in $(comm -13 <(echo "$LINKS_BEFORE") <(host_links)); do ip link del "$link" 2>/dev/null; done
	iptables_restore_before
}

host_links() { ip -o link | awk -F': ' '{ print $2 }' | cut -d@ -f1 | sort; }

# iptables_restore_before puts every table back as the test found it.
iptables_restore_before() {
	[ -f "$BATS_TEST_TMPDIR/iptables.before" ] && iptables-restore <"$BATS_TEST_TMPDIR/iptables.before"
	return 0
}

fault_setup() {
	integration_setup
	iptables-save >"$BATS_TEST_TMPDIR/iptables.before"
	LINKS_BEFORE=$(host_links)
	HOST_BEFORE=$(host_state)
}

fault_teardown() {
	integration_teardown
}

# strace_kill SYSCALL N LOG COMMAND...: run COMMAND under strace, which
# follows every process it starts (the CLI, the monitor, init) and kills
# with SIGKILL the first of them (thread, in fact: strace counts per
# tracee) that makes its Nth SYSCALL. It returns COMMAND's status, or 137.
# The caller looks at LOG to see whether the fault was injected.
# A process that outlives the CLI (the monitor of run -d) stays traced
# until it ends: strace runs on in the background, writing to LOG.
strace_kill() {
	local sc=$1 n=$2 log=$3
	shift 3
	strace -f -q -o "$log" -e trace="$sc" -e signal=none -e inject="$sc":signal=KILL:when="$n" -- "$@"
}

# injected LOG SYSCALL N: whether strace killed a process, i.e. whether
# one tracee (a thread of the CLI, the monitor or init) reached its Nth
# SYSCALL. (strace prints nothing of its own for a signal it injects.)
injected() {
	awk -v sc="$2" -v n="$3" 'index($2, sc "(") == 1 { if (++c[$1] >= n) f = 1 } END { exit !f }' "$1"
}

# sweep MAX: the invocation numbers a kill sweep tries for a syscall made
# at most MAX times by one tracee: the first, the middle and the last
# (each phase, not every call: a run of the suite stays in minutes).
sweep() {
	printf '%s\n' 1 $(((${1} + 1) / 2)) "$1" | sort -n -u
}

# start_registry / stop_registry are the integration helpers'.
