# shellcheck shell=bash
# What runc's integration tests leave on the host, found and removed: a
# test that fails (or times out) skips its teardown, and then its
# containers, their processes, mounts, cgroups, network links and loop
# devices stay. Each bats file runs between a snapshot of the host and
# clean_after, which compares and removes what is new; on exit, also on a
# failure, cleanup_all does the same against the snapshot taken before
# the first file. Only what is the suite's is touched (below TMP, its
# cgroups' and links' names, its runtimes' commands on TMP), so that
# another suite may run beside it (as scripts/test.sh runs runc's
# runtime-tools validation). Sourced by scripts/runc-suite.sh (TMP, BIN,
# SUITE set).

# snapshot_host [NAME]: the host's processes, mount points, cgroups, links
# and loop devices now, in $TMP/NAME.* (NAME defaults to "file").
snapshot_host() {
	local s="$TMP/${1:-file}"
	(cd /proc && echo [0-9]*) >"$s.pids"
	host_mounts >"$s.mounts"
	host_cgroups >"$s.cgroups"
	host_links >"$s.links"
	host_loops >"$s.loops"
}

# host_mounts prints the mount points at or below TMP (mountinfo escapes
# a space as \040).
host_mounts() {
	awk '{ print $5 }' /proc/self/mountinfo | sed 's/\\040/ /g' |
		awk -v d="$TMP" '$0 == d || index($0, d "/") == 1' | sort -u
}

# host_cgroups prints the cgroup directories down to where the tests make
# theirs (runc-cgroups-integration-test/POD/test-cgroup-N under a v1
# controller), on v1 and v2, named as the tests name them or their
# containers (a runtime's default cgroup is named for the container).
host_cgroups() {
	find /sys/fs/cgroup -mindepth 1 -maxdepth 4 -type d 2>/dev/null |
		{ grep -E '/runc-cgroups-integration-test(/|$)|/(test_?[a-z0-9_]*|ct[0-9]*|target_[a-z]+|attached_ctr|tst|in_userns)$' || true; } | sort
}

# host_links prints the network links the tests make (netdev.bats).
host_links() { ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | { grep '^dummy' || true; } | sort; }

# host_loops prints the loop devices on files below TMP (setup_loopdev).
host_loops() { losetup -n -O NAME,BACK-FILE 2>/dev/null | awk -v d="$TMP/" 'index($2, d) == 1 { print $1 }' | sort; }

# added BEFORE-FILE NOW... prints the lines of NOW that BEFORE-FILE lacks.
added() { comm -13 "$1" <(cat); }

# procs_left DIR SNAP prints the processes that were not there at SNAP and
# are a runtime's working on TMP (the tests pass --root below it), one of
# the suite's helpers (recvtty, seccompagent), or in a container of TMP:
# a container's root is another mount namespace's, so its mountinfo says
# where its root came from, which names TMP.
procs_left() {
	local dir=$1 before=" $(cat "$2.pids") " p pid exe tag rt
	tag="/$(basename "$TMP")/"
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] && continue
		case "$before" in *" $pid "*) continue ;; esac
		exe=$(readlink "$p/exe" 2>/dev/null || true)
		for rt in "${RUNTIMES[@]}"; do
			[ "$exe" = "${BIN[$rt]}" ] && on_tmp "$pid" && { echo "$pid"; continue 2; }
		done
		case "$exe" in "$SUITE"/*) echo "$pid"; continue ;; esac
		if awk -v t="$tag" '$5 == "/" && index($4, t) { f = 1 } END { exit !f }' "$p/mountinfo" 2>/dev/null; then
			echo "$pid"
		fi
	done
}

# thaw_and_kill PID...: SIGKILL, after thawing the processes' cgroups: a
# frozen process takes no signal, and the tests freeze cgroups (pause,
# "refuse a pre-existing frozen cgroup").
thaw_and_kill() {
	local pid c path
	for pid in "$@"; do
		while IFS=: read -r _ c path; do
			case $c in
			freezer) echo THAWED >"/sys/fs/cgroup/freezer$path/freezer.state" ;;
			"") [ -e "/sys/fs/cgroup$path/cgroup.freeze" ] && echo 0 >"/sys/fs/cgroup$path/cgroup.freeze" ;;
			esac 2>/dev/null || true
		done <"/proc/$pid/cgroup" 2>/dev/null || true
		kill -KILL "$pid" 2>/dev/null || true
	done
}

# on_tmp PID: whether a runtime's process works on TMP: its command line
# names it (--root), or it runs there (an init still in its bundle).
on_tmp() {
	grep -qF "$TMP/" "/proc/$1/cmdline" 2>/dev/null && return 0
	case "$(readlink "/proc/$1/cwd" 2>/dev/null)/" in "$TMP"/*) return 0 ;; esac
	return 1
}

# containers_left RT DIR: the containers still in the state directories
# (ROOT/state, and root.bats' others) below DIR, killed and deleted with
# the runtime that made them; prints how many.
containers_left() {
	local rt=$1 dir=$2 n=0 state id
	while IFS= read -r state; do
		while read -r id; do
			[ -n "$id" ] || continue
			n=$((n + 1))
			"${BIN[$rt]}" --root "$state" kill "$id" KILL >/dev/null 2>&1 || true
			"${BIN[$rt]}" --root "$state" delete --force "$id" >/dev/null 2>&1 || true
		done < <("${BIN[$rt]}" --root "$state" list -q 2>/dev/null)
	done < <(find "$dir" -mindepth 1 -maxdepth 5 -type d \( -name state -o -name alt-root \) 2>/dev/null)
	echo $n
}

# clean_after RT DIR [SNAP]: what the runtime's tests left since the
# snapshot SNAP ($TMP/file by default), removed, said on one line
# ("2 containers, 1 mounts (...)"), nothing when nothing was left. DIR is
# removed after, never through a mount that would not go.
clean_after() {
	local rt=$1 dir=$2 snap=${3:-$TMP/file} left=() n pids mounts cgs links loops m i
	n=$(containers_left "$rt" "$dir")
	[ "$n" = 0 ] || left+=("$n containers")
	pids=$(procs_left "$dir" "$snap")
	if [ -n "$pids" ]; then
		left+=("$(echo $pids | wc -w) processes ($(ps -o comm= -p "$(echo $pids | tr ' ' ,)" 2>/dev/null | sort | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }'))")
		thaw_and_kill $pids
		for i in $(seq 50); do kill -0 $pids 2>/dev/null || break; sleep 0.1; done
	fi
	mounts=$(host_mounts | added "$snap.mounts" | sort -r)
	if [ -n "$mounts" ]; then
		left+=("$(echo "$mounts" | wc -l) mounts ($(echo "$mounts" | sed "s#^$TMP/##" | head -n 3 | tr '\n' ' ' | sed 's/ $//'))")
		while IFS= read -r m; do umount -l "$m" 2>/dev/null || true; done <<<"$mounts"
	fi
	cgs=$(host_cgroups | added "$snap.cgroups" | sort -r)
	[ -z "$cgs" ] || while IFS= read -r m; do rmdir "$m" 2>/dev/null || true; done <<<"$cgs"
	# helpers.bash's remove_parent skips a hybrid host's unified
	# hierarchy: the tests' parent there is the suite's leftover, with
	# every runtime, and goes without a word.
	cgs=$(grep -v '^/sys/fs/cgroup/unified/runc-cgroups-integration-test' <<<"$cgs" || true)
	if [ -n "$cgs" ]; then
		left+=("$(echo "$cgs" | wc -l) cgroups ($(echo "$cgs" | sed 's#^/sys/fs/cgroup/##' | sort | head -n 3 | tr '\n' ' ' | sed 's/ $//'))")
	fi
	# On v1, helpers.bash makes its parent under every controller
	# /proc/cgroups lists, mounted or not: in /sys/fs/cgroup's tmpfs,
	# plain directories (hugetlb/, net_cls/) that look like hierarchies.
	for m in /sys/fs/cgroup/*/; do
		[ -L "${m%/}" ] || mountpoint -q "$m" || rmdir "$m" 2>/dev/null || true
	done
	links=$(host_links | added "$snap.links")
	if [ -n "$links" ]; then
		left+=("links ($(echo $links))")
		for m in $links; do ip link del "$m" 2>/dev/null || true; done
	fi
	loops=$(host_loops | added "$snap.loops")
	if [ -n "$loops" ]; then
		left+=("loop devices ($(echo $loops))")
		for m in $loops; do losetup -d "$m" 2>/dev/null || true; done
	fi
	[ -n "$(host_mounts | awk -v d="$dir" '$0 == d || index($0, d "/") == 1')" ] ||
		rm -rf --one-file-system "$dir" 2>/dev/null || true
	[ ${#left[@]} -eq 0 ] || { IFS=,; echo "${left[*]}"; }
}

# still_there prints what clean_after could not remove, against the first
# snapshot: mounts, cgroups, links, loop devices and processes.
still_there() {
	local snap="$TMP/start"
	host_mounts | added "$snap.mounts" | sed 's/^/  mount /'
	host_cgroups | added "$snap.cgroups" | sed 's/^/  cgroup /'
	host_links | added "$snap.links" | sed 's/^/  link /'
	host_loops | added "$snap.loops" | sed 's/^/  loop device /'
	procs_left "$TMP" "$snap" | sed 's/^/  process /'
}

# cleanup_all, on exit: each runtime's leftovers since the start, then
# the temporary directory, unless something is still mounted in it.
cleanup_all() {
	local rt left rest
	[ -f "$TMP/start.pids" ] || { rm -rf --one-file-system "$TMP"; return; }
	for rt in "${RUNTIMES[@]}"; do
		[ -d "$TMP/$rt" ] || continue
		left=$(clean_after "$rt" "$TMP/$rt" "$TMP/start")
		[ -z "$left" ] || say "$rt left, at exit: $left; removed"
	done
	rest=$(still_there)
	if [ -n "$rest" ]; then
		echo "error: still on the host after the suite:" >&2
		echo "$rest" >&2
	fi
	if [ -n "$(host_mounts | awk -v d="$TMP" '$0 == d || index($0, d "/") == 1')" ]; then
		echo "still mounted under $TMP, left in place" >&2
	else
		rm -rf --one-file-system "$TMP"
	fi
	[ -z "$rest" ]
}
