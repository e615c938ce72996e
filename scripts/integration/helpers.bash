# Helpers for the integration tests, loaded by every stage's .bats file.
#
# scripts/test.sh runs the tests of every stage up to STAGE against the
# binary MYDOCKER of STAGE, so the helpers hide what later chapters change
# in the command line (the --root flag, the image argument).

bats_require_minimum_version 1.5.0

: "${MYDOCKER:?set MYDOCKER to the mydocker binary under test}"
: "${STAGE:?set STAGE to the stage of that binary}"
SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# STAGE_POS maps each stage of scripts/stages.txt to its position, read
# once with builtins (global: bats loads this file in a function).
# stage_at_least runs many times in every test's setup and teardown, and
# in the cgroup v2 VM each command a helper starts costs part of a second.
declare -gA STAGE_POS=()
while read -r line; do
	case "$line" in '#'* | '') continue ;; esac
	[ -n "${STAGE_POS[$line]:-}" ] || STAGE_POS[$line]=$((${#STAGE_POS[@]} + 1))
done <"$SCRIPTS/stages.txt"
unset line

# stage_index STAGE prints the position of STAGE in scripts/stages.txt.
stage_index() {
	echo "${STAGE_POS[$1]:-}"
}

# stage_at_least STAGE: whether the binary under test has STAGE's features.
stage_at_least() {
	local want=${STAGE_POS[$1]:-}
	[ -n "$want" ] && [ "${STAGE_POS[$STAGE]:-0}" -ge "$want" ]
}

# md_watchdog TEST_PID: bats's timeout (BATS_TEST_TIMEOUT) sends SIGTERM
# to the test's children, but what a test runs under "run" is a child of
# one of them, and goes on when it dies, holding the pipe that bats reads
# its output from: one hung mydocker (or a container that ignores the
# SIGTERM a foreground run forwards it) held the whole run, not one test.
# 10 s after bats gave up, this kills with SIGKILL every process whose
# command line names the test's directory (mydocker --root, the API's
# server, a runtime's --root): the test then fails as timed out, its
# teardown runs, and the run goes on. Builtins only, a second each 5 s.
md_watchdog() {
	local test_pid=$1 fd f
	trap '' TERM # bats's own kill of the test's children
	# Nothing of bats's open here: its pipes would wait for us.
	for f in /proc/$BASHPID/fd/*; do
		f=${f##*/}
		[ "$f" -gt 2 ] && eval "exec $f>&-"
	done
	mkfifo "$BATS_TEST_TMPDIR/.watchdog" && exec {fd}<>"$BATS_TEST_TMPDIR/.watchdog" || return 0
	while kill -0 "$test_pid" 2>/dev/null; do
		if [ "$SECONDS" -ge $((BATS_TEST_TIMEOUT + 10)) ]; then
			echo "watchdog: the test ran ${SECONDS}s; killed:" >"$BATS_TEST_TMPDIR/.watchdog-killed"
			pgrep -a -f -- "$BATS_TEST_TMPDIR/" >>"$BATS_TEST_TMPDIR/.watchdog-killed"
			pkill -KILL -f -- "$BATS_TEST_TMPDIR/"
			return 0
		fi
		read -r -t 5 -u "$fd" _ || true
	done
}
if [ -n "${BATS_TEST_TIMEOUT:-}" ] && [ -n "${BATS_TEST_TMPDIR:-}" ] && [ -z "${MD_WATCHDOG:-}" ]; then
	MD_WATCHDOG=1
	(SECONDS=0 && md_watchdog $$) </dev/null >/dev/null 2>&1 &
fi

# The busybox image of chapter 4 on, made once by scripts/test.sh.
BUSYBOX_TAR=${BUSYBOX_TAR:-$SCRIPTS/../.build/images/busybox.tar}

# MD_GLOBAL holds mydocker's global flags: from chapter 4 on, each test has
# a state root of its own (setup), never the user's /var/lib/mydocker.
MD_GLOBAL=()

# md runs mydocker with the global flags of the stage under test.
md() {
	"$MYDOCKER" "${MD_GLOBAL[@]}" "$@"
}

# AS_ROOT are the run flags that give a container the powers the book's
# containers had: final/'s are confined as docker's (no CAP_SYS_ADMIN, so
# no mount or sethostname inside), and a test of what the book's root
# could do there asks for it, as a docker user would.
AS_ROOT=()
if stage_at_least final; then AS_ROOT=(--cap-add SYS_ADMIN); fi

# run_argv FLAG... -- COMMAND... sets MD_ARGV to the "mydocker run" command
# line with the run flags before the -- and the container's command after.
run_argv() {
	local flags=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		flags+=("$1")
		shift
	done
	[ "${1:-}" = "--" ] && shift
	# From chapter 5 on, run takes an image, and keeps a container until
	# rm: --rm keeps the earlier chapters' meaning (nothing is left).
	# md_detach sets MD_RUN_MODE to -d instead.
	if stage_at_least ch5-lifecycle; then
		flags=("${MD_RUN_MODE:---rm}" "${flags[@]}" busybox)
	fi
	MD_ARGV=("$MYDOCKER" "${MD_GLOBAL[@]}" run "${flags[@]}" "$@")
}

# md_detach FLAG... -- COMMAND...: "run -d" (chapter 5 on); MD_ID is the
# container's ID that it printed.
md_detach() {
	local MD_RUN_MODE=-d
	run_argv "$@"
	MD_ID=$("${MD_ARGV[@]}")
}

# md_commit [commit|export] [--force] IMAGE: commit the running container;
# from chapter 5 on, commit also names the container.
md_commit() {
	local sub=commit flags=() id
	case "${1:-}" in commit | export) sub=$1 && shift ;; esac
	while [ "${1:-}" = --force ]; do flags+=(--force) && shift; done
	if stage_at_least ch5-lifecycle; then
		id=$(md ps -q | head -n 1)
		md "$sub" "${flags[@]}" "${id:-no-running-container}" "$@"
	else
		md "$sub" "${flags[@]}" "$@"
	fi
}

# md_workspace prints the directory of the container's layers: the one
# workspace of chapter 4, the newest container's from chapter 5 on.
md_workspace() {
	if stage_at_least ch5-lifecycle; then
		local dir
		dir=$(ls -td "$MD_ROOT"/containers/*/ 2>/dev/null | head -n 1)
		echo "${dir%/}/fs"
	else
		echo "$MD_ROOT/overlay"
	fi
}

# assert_no_workspace fails when a container's layers are left.
assert_no_workspace() {
	if stage_at_least ch5-lifecycle; then
		[ -z "$(ls -A "$MD_ROOT/containers" 2>/dev/null)" ] || {
			echo "containers left:" && ls -A "$MD_ROOT/containers"
			return 1
		} >&2
	else
		[ ! -e "$MD_ROOT/overlay" ] || { echo "$MD_ROOT/overlay is left" >&2 && return 1; }
	fi
}

# md_root_entries is what a state root holds after runs that left nothing.
md_root_entries() {
	if stage_at_least final; then
		# and the default network "bridge", made by the first run, the
		# compiled seccomp profile and the events log
		printf '%s\n' blobs containers events.log images.json images.lock ipam layers names networks networks.lock seccomp tmp
	elif stage_at_least ch5-lifecycle; then
		printf '%s\n' containers images layers layers.lock names
	else
		printf '%s\n' images layers lock
	fi
}

# md_rm_all removes every container of the test's root (chapter 5 on).
md_rm_all() {
	stage_at_least ch5-lifecycle && [ -n "${MD_ROOT:-}" ] || return 0
	local ids
	# A root with no container directory has no container to list: most
	# tests of the earlier chapters, and every skipped one (a mydocker
	# command costs seconds in the cgroup v2 VM).
	if md_has_entries "$MD_ROOT/containers"; then
		ids=$(md ps -a -q 2>/dev/null) || return 0
		[ -z "$ids" ] || md rm -f $ids >/dev/null
	fi
	# final/ makes the network "bridge" on first use: it is the host's
	# bridge and iptables rules, so it goes with the test.
	if stage_at_least final && md_has_entries "$MD_ROOT/networks"; then
		local n
		for n in $(network_names); do md network rm "$n" >/dev/null || true; done
	fi
}

# md_has_entries DIR: whether DIR holds anything (with builtins).
md_has_entries() {
	local e
	for e in "$1"/* "$1"/.[!.]*; do [ -e "$e" ] || [ -L "$e" ] && return 0; done
	return 1
}

# md_run FLAG... -- COMMAND...: run a container in the foreground.
md_run() {
	run_argv "$@"
	"${MD_ARGV[@]}"
}

# md_start OUT FLAG... -- COMMAND...: start a container in the background,
# its output going to the file OUT; MD_PID is mydocker's pid.
md_start() {
	local out=$1
	shift
	run_argv "$@"
	"${MD_ARGV[@]}" >"$out" 2>&1 &
	MD_PID=$!
}

# mydocker_pids prints the pids of every process running the binary under
# test, or final/'s container init and monitor beside it, mydocker-init
# and mydocker-monitor, which run starts instead of itself (one find, not
# a readlink per process: forks are dear in the VM).
mydocker_pids() {
	local p dir
	dir=$(dirname "$MYDOCKER")
	while read -r p; do echo "${p#/proc/}"; done < <(find /proc -mindepth 2 -maxdepth 2 -name exe \( -lname "$MYDOCKER" -o -lname "$dir/mydocker-init" -o -lname "$dir/mydocker-monitor" \) -printf '%h\n' 2>/dev/null)
	return 0
}

# network_names: the names of the networks, from network ls: its first
# column in the book's stages, --format in final/, whose first column is
# docker's NETWORK ID. final/ lists docker's host and none too, which are
# never removed: not among them.
network_names() {
	if stage_at_least final; then
		md network ls --format '{{.Name}}' 2>/dev/null | grep -vx -e host -e none || true
	else
		md network ls 2>/dev/null | awk 'NR > 1 { print $1 }'
	fi
}

# builtin_networks: how many lines network ls has with no network made:
# final/ lists docker's host and none, the book's stages nothing.
builtin_networks() {
	if stage_at_least final; then echo 2; else echo 0; fi
}

# ps_pid NAME, ps_ip NAME: the PID 1 and the address of the running
# container NAME (empty when it is not running): from the book's ps
# columns (CONTAINER ID, NAME, PID, IP, ...) before final/, from inspect
# in final/, whose ps has docker's columns, which have neither.
ps_pid() {
	if stage_at_least final; then
		md inspect -f '{{if .State.Running}}{{.State.Pid}}{{end}}' "$1" 2>/dev/null || true
	else
		md ps | awk -v n="$1" '$2 == n { print $3 }'
	fi
}
ps_ip() {
	if stage_at_least final; then
		md inspect -f '{{if .State.Running}}{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}{{end}}' "$1" 2>/dev/null || true
	else
		md ps | awk -v n="$1" '$2 == n { print $4 }'
	fi
}

# ps_pids, ps_ips: those of every running container, one a line.
ps_pids() {
	local id
	if stage_at_least final; then
		for id in $(md ps -q); do ps_pid "$id"; done
	else
		md ps | awk 'NR > 1 { print $3 }'
	fi
}
ps_ips() {
	local id
	if stage_at_least final; then
		for id in $(md ps -q); do ps_ip "$id"; done
	else
		md ps | awk 'NR > 1 { print $4 }'
	fi
}

# wait_pids PID...: wait for the test's own background commands, whatever
# their status (the test checks what they did). Never a bare "wait": it
# also waits for bats' own BATS_TEST_TIMEOUT countdown, a job of the same
# shell, that is until the test times out.
wait_pids() {
	local pid
	for pid in "$@"; do wait "$pid" || true; done
}

# wait_for_line FILE TEXT: wait (at most 10 s) until FILE has a line TEXT.
wait_for_line() {
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q -x -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "timed out waiting for '$2' in $1:" >&2
	cat "$1" >&2
	return 1
}

# assert_no_mounts_under DIR fails when anything is mounted at or below DIR.
assert_no_mounts_under() {
	if grep -F " $1" /proc/self/mountinfo | awk -v d="$1" '$5 == d || index($5, d "/") == 1' | grep .; then
		echo "still mounted under $1 (above)" >&2
		return 1
	fi
}

# children PID prints the direct children of PID.
children() {
	cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . || true
}

# kill_run: kill -9 a foreground run (md_start) and wait for it. Up to ch6
# mydocker is the container's parent, and killing it leaves the container
# to the next command's clean-up. In final/ a foreground run is only a
# client of the container's monitor, which outlives it, as docker's shim
# outlives docker run: the monitor is killed too, which is what leaves the
# container to the next command there.
kill_run() {
	local monitor
	monitor=$(children "$MD_PID")
	kill -KILL "$MD_PID"
	if [ "$STAGE" = final ] && [ -n "$monitor" ]; then
		kill -KILL $monitor
	fi
	wait "$MD_PID" || true
}

# init_of_run: the container's PID 1 of a foreground run (md_start), as
# the host sees it: mydocker's child, or in final/ its monitor's.
init_of_run() {
	local pid
	pid=$(children "$MD_PID")
	if [ "$STAGE" = final ] && [ -n "$pid" ]; then
		pid=$(children "$pid")
	fi
	echo "$pid"
}

# mydocker_cgroups lists the cgroups of mydocker, in every hierarchy: the
# mydocker parents and the containers' cgroups in them.
mydocker_cgroups() {
	find /sys/fs/cgroup -mindepth 1 -maxdepth 4 -type d -path '*/mydocker*' 2>/dev/null | sort
}

# assert_cgroups_as_before: mydocker's cgroups are those the test began
# with; when not, what differs is printed ("<" gone, ">" new).
assert_cgroups_as_before() {
	local now
	now=$(mydocker_cgroups)
	[ "$now" = "$CGROUPS_BEFORE" ] && return 0
	diff <(echo "$CGROUPS_BEFORE") <(echo "$now") || true
	return 1
}

# remove_cgroups DIR...: rmdir the cgroups, deepest first, giving their
# last processes (killed with mydocker) a moment to be gone.
remove_cgroups() {
	local i dir
	for ((i = 0; i < 20; i++)); do
		for dir in $(printf '%s\n' "$@" | sort -r); do
			rmdir "$dir" 2>/dev/null || true
		done
		[ -z "$(ls -d "$@" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
}

# assert_no_leaks fails when a test left a mydocker process or cgroup
# behind, and removes it so the next test starts clean.
# host_net is the host's network as a test finds it: iptables (the rules
# and chains of every table, counters stripped), links and network
# namespaces. A table with nothing in it is no table: the first test that
# makes a rule loads the table, and it stays, empty, after its clean-up.
# One command (iptables-save) and builtins: every test runs this twice, and
# in the cgroup v2 VM a command costs a good part of a second. The links
# are /sys/class/net's (this network namespace's, where sysfs was mounted
# in it: the host's), the namespaces /run/netns's (what "ip netns list"
# reads), both sorted by the glob.
host_net() {
	local line n
	while IFS= read -r line; do
		while [[ $line =~ \[[0-9]+:[0-9]+\] ]]; do line=${line/"${BASH_REMATCH[0]}"/}; done
		case "$line" in
		'#'* | '*'* | COMMIT | :INPUT\ ACCEPT* | :FORWARD\ ACCEPT* | :OUTPUT\ ACCEPT* | :PREROUTING\ ACCEPT* | :POSTROUTING\ ACCEPT*) continue ;;
		esac
		printf '%s\n' "$line"
	done < <(iptables-save)
	for n in /sys/class/net/*; do [ -e "$n" ] && printf '%s\n' "${n##*/}"; done
	for n in /run/netns/*; do [ -e "$n" ] && printf '%s\n' "${n##*/}"; done
	return 0
}

assert_no_leaks() {
	local left cgroups status=0 i
	# final/'s monitor of a container that has just ended may be in its
	# last milliseconds: a second is its to exit.
	for ((i = 0; i < 20; i++)); do
		left=$(mydocker_pids)
		[ -z "$left" ] && break
		sleep 0.05
	done
	if [ -n "$left" ]; then
		kill -KILL $left 2>/dev/null || true
		echo "mydocker processes left behind: $left" >&2
		status=1
	fi
	if [ -n "${MD_ROOT:-}" ] && grep -q -F " $MD_ROOT/" /proc/self/mountinfo; then
		echo "mounts left behind:" >&2
		grep -F " $MD_ROOT/" /proc/self/mountinfo >&2
		grep -F " $MD_ROOT/" /proc/self/mountinfo | awk '{ print $5 }' | sort -r | xargs -r -n 1 umount -l
		status=1
	fi
	# NET_BEFORE is set where containers have networks (setup).
	if [ -n "${NET_BEFORE:-}" ] && [ "$(host_net)" != "$NET_BEFORE" ]; then
		echo "the host's network is not as it was:" >&2
		diff <(echo "$NET_BEFORE") <(host_net) >&2 || true
		status=1
	fi
	cgroups=$(comm -13 <(echo "$CGROUPS_BEFORE") <(mydocker_cgroups))
	if [ -n "$cgroups" ]; then
		echo "cgroups left behind:" $cgroups >&2
		remove_cgroups $cgroups
		status=1
	fi
	return $status
}

setup() {
	CGROUPS_BEFORE=$(mydocker_cgroups)
	md_setup_root
	# final/'s containers join the network "bridge" unless told otherwise.
	if stage_at_least final; then NET_BEFORE=$(host_net); fi
}

# md_setup_root gives the test a state root of its own with the busybox
# image in it, from chapter 4 on: the tar in <root>/images, or, in final/,
# imported as busybox:latest.
md_setup_root() {
	if stage_at_least ch4-overlay; then
		[ -f "$BUSYBOX_TAR" ] || {
			echo "no busybox image at $BUSYBOX_TAR: make it with scripts/busybox-image.sh --from busybox --out $BUSYBOX_TAR" >&2
			return 1
		}
		MD_ROOT=$BATS_TEST_TMPDIR/root
		MD_GLOBAL=(--root "$MD_ROOT")
		if stage_at_least final; then
			md_root_from_template
		else
			md_put_image "$BUSYBOX_TAR"
		fi
	fi
}

# md_root_from_template makes MD_ROOT a copy of a root that busybox was
# imported into once per .bats file: an import costs seconds in the cgroup
# v2 VM, a copy (cp -a: modes, owners, times, xattrs, hard links) a part
# of one, and the root is the same files an import of its own makes.
md_root_from_template() {
	local tpl=$BATS_FILE_TMPDIR/busybox-root
	if [ ! -d "$tpl" ]; then
		rm -rf "$tpl.new"
		"$MYDOCKER" --root "$tpl.new" import "$BUSYBOX_TAR" busybox >/dev/null || return 1
		mv "$tpl.new" "$tpl"
	fi
	cp -a "$tpl" "$MD_ROOT"
}

# md_put_image TAR makes TAR (a root filesystem) the busybox image.
md_put_image() {
	if stage_at_least final; then
		md import "$1" busybox >/dev/null
	else
		mkdir -p "$MD_ROOT/images"
		cp "$1" "$MD_ROOT/images/busybox.tar"
	fi
}

# md_image_layer prints the directory of the busybox image's layer: the
# tar's unpacked layer, or, in final/, the one layer it was imported as.
md_image_layer() {
	if stage_at_least final; then
		ls -d "$MD_ROOT"/layers/*/ | head -n 1 | sed 's#/$##'
	else
		echo "$MD_ROOT/layers/busybox"
	fi
}

# md_layers_before_run prints what <root>/layers holds before a run: none
# (the tar is unpacked by the first run), or in final/ the imported layer.
md_layers_before_run() {
	if stage_at_least final; then
		basename "$(md_image_layer)"
	fi
}

# md_layers_after_run prints what <root>/layers holds after runs: from
# chapter 5 on, busybox is a symlink to the version of the layer that its
# tar was unpacked into last (the older ones stay while a container uses
# them).
md_layers_after_run() {
	if stage_at_least final; then
		md_layers_before_run
	elif stage_at_least ch5-lifecycle; then
		printf '%s\n' .busybox.source .busybox.v1 busybox
	else
		printf '%s\n' .busybox.source busybox
	fi
}

# final/ pulls an image it does not have. No test may reach a registry
# on the internet: every HTTP(S) request to anything but loopback goes to
# a proxy on a closed local port, and fails at once. (Go never proxies
# loopback, so the tests' own registry on 127.0.0.1 is reached directly.)
if stage_at_least final; then
	export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=
	export https_proxy=$HTTPS_PROXY http_proxy=$HTTP_PROXY no_proxy=
fi

# skip_in_final REASON: a test of something final/ replaced with docker's
# way (the book's image tar with layered images, its -ti with -i and a
# terminal of the container's own); REASON names final.bats's test of it.
skip_in_final() {
	if stage_at_least final; then
		skip "final/: $1"
	fi
}

# The cgroup v2 VM (in-vm.sh) runs only the tests tagged "cgroups": those
# whose subject is the cgroup layout (limits, stats, the freezer, kills
# through the cgroup, cleanup of cgroups, the OCI clients' resources):
#   # bats test_tags=cgroups      (above one @test)
#   # bats file_tags=cgroups      (a file whose every test is)
# The host runs every test, tagged or not, twice (as is and with shared
# mounts); under emulation a container costs ten times what it costs here,
# so a test about files, names or the network stays on the host.

teardown() {
	# A test that hung (BATS_TEST_TIMEOUT, set by test.sh and in-vm.sh)
	# had what it waited for killed; what else ran then says why. bats
	# kills the test's children once more as this begins: a second first.
	if [ -n "${BATS_TIMED_OUT:-}" ]; then
		sleep 1
		echo "timed out; the processes then:" >&2
		ps -eo pid,ppid,stat,wchan:24,etime,args >&2
		cat "$BATS_TEST_TMPDIR/.watchdog-killed" >&2 2>/dev/null || true
	fi
	md_rm_all
	caller_cgroup_remove
	local status=0
	assert_no_leaks || status=1
	md_small_root_unmount || status=1
	return $status
}

# md_small_root SIZE: the test's state root is on a tmpfs of SIZE that the
# test mounts (a disk to fill), with the busybox image in it; teardown
# unmounts it. SMALL_FS is the mount point.
md_small_root() {
	SMALL_FS=$BATS_TEST_TMPDIR/small
	mkdir -p "$SMALL_FS"
	mount -t tmpfs -o size="$1",mode=0700 mydocker-test "$SMALL_FS"
	MD_ROOT=$SMALL_FS/root
	MD_GLOBAL=(--root "$MD_ROOT")
	md_put_image "$BUSYBOX_TAR"
}

# fill_small_fs KB: fill SMALL_FS until KB kilobytes are left free.
fill_small_fs() {
	dd if=/dev/zero of="$SMALL_FS/filler" bs=64k 2>/dev/null || true
	truncate -s "-$1K" "$SMALL_FS/filler"
}

# md_small_root_unmount unmounts md_small_root's tmpfs (teardown), after
# md_rm_all emptied it; it fails if something held it.
md_small_root_unmount() {
	[ -n "${SMALL_FS:-}" ] || return 0
	umount "$SMALL_FS" && return 0
	echo "$SMALL_FS is busy:" >&2
	grep -F " $SMALL_FS" /proc/self/mountinfo >&2
	umount -l "$SMALL_FS"
	return 1
}

# cgroup_v2 tells whether the host has only the unified hierarchy.
cgroup_v2() {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
}

# CALLER_CG is the cgroup that caller_cgroup_make makes for mydocker's
# caller, as a systemd unit, a session or a cron job has one: in every
# hierarchy (each v1 one and a hybrid host's unified one; v2's one).
CALLER_CG=
caller_cgroup_dirs() {
	[ -n "$CALLER_CG" ] || return 0
	local mount
	for mount in $(findmnt -n -l -t cgroup,cgroup2 -o TARGET); do
		echo "$mount/$CALLER_CG"
	done
}

caller_cgroup_make() {
	CALLER_CG=mdcaller-$$-$BATS_TEST_NUMBER
	local dir
	for dir in $(caller_cgroup_dirs); do
		mkdir "$dir"
		# A v1 cpuset starts empty, and takes no process so (v2's root has
		# no cpuset.cpus: its children's empty one means all).
		if [ -f "$dir/cpuset.cpus" ] && [ -f "$(dirname "$dir")/cpuset.cpus" ]; then
			cat "$(dirname "$dir")/cpuset.cpus" >"$dir/cpuset.cpus"
			cat "$(dirname "$dir")/cpuset.mems" >"$dir/cpuset.mems"
		fi
	done
}

# in_caller_cgroup COMMAND...: run COMMAND in the caller's cgroup.
in_caller_cgroup() {
	(
		for dir in $(caller_cgroup_dirs); do
			echo "$BASHPID" >"$dir/cgroup.procs"
		done
		exec "$@"
	)
}

# caller_cgroup_kill kills every process of the caller's cgroup, as
# systemd does when a unit stops or a session ends, and waits until none
# is left.
caller_cgroup_kill() {
	local i pids
	for ((i = 0; i < 100; i++)); do
		pids=$(cat $(caller_cgroup_dirs | sed 's|$|/cgroup.procs|') 2>/dev/null | sort -u)
		[ -z "$pids" ] && return 0
		kill -KILL $pids 2>/dev/null || true
		sleep 0.05
	done
	echo "the caller's cgroup still has processes: $pids" >&2
	return 1
}

caller_cgroup_remove() {
	[ -n "$CALLER_CG" ] || return 0
	caller_cgroup_kill || true
	remove_cgroups $(caller_cgroup_dirs)
	CALLER_CG=
}

# iptables_wrapper MODE N [WORD]: a directory with an iptables, an
# iptables-save and an iptables-restore (final/ makes a network's rules
# with one of each) that run the real ones but for their Nth call in all
# (with WORD among its arguments, when given), which fails (MODE fail),
# hangs until killed (MODE hang, its pid in $WRAP/hung) or runs and then
# hangs (MODE hang-after). IPT_PATH is a PATH that finds them first.
iptables_wrapper() {
	WRAP=$BATS_TEST_TMPDIR/wrap
	rm -rf "$WRAP" && mkdir -p "$WRAP"
	echo 0 >"$WRAP/count"
	local name
	for name in iptables iptables-save iptables-restore; do
		cat >"$WRAP/$name" <<-SH
			#!/bin/bash
			if [ -z "${3:-}" ] || [[ " \$* " == *" ${3:-} "* ]]; then
				n=\$((\$(cat "$WRAP/count") + 1))
				echo \$n >"$WRAP/count"
				if [ \$n -eq $2 ]; then
					if [ $1 = hang ]; then echo \$\$ >"$WRAP/hung"; exec sleep 1000; fi
					if [ $1 = hang-after ]; then $(command -v "$name") "\$@"; echo \$\$ >"$WRAP/hung"; exec sleep 1000; fi
					echo "$name: injected failure" >&2
					exit 4 # not 1, which go-iptables takes for "no such rule or chain"
				fi
			fi
			exec $(command -v "$name") "\$@"
		SH
		chmod +x "$WRAP/$name"
	done
	IPT_PATH=$WRAP:$PATH
}

# start_registry / stop_registry: the test registry of final/ on
# 127.0.0.1, for a .bats file (setup_file), with the busybox image pushed
# as $REGISTRY/test/app:v1 and others; REGISTRY is its address.
start_registry() {
	: "${TESTREGISTRY:?set TESTREGISTRY to the testregistry binary (scripts/test.sh builds it)}"
	local addr_file=$BATS_FILE_TMPDIR/registry.addr i
	"$TESTREGISTRY" serve "$addr_file" 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/registry.pid"
	for ((i = 0; i < 50; i++)); do [ -s "$addr_file" ] && break; sleep 0.1; done
	REGISTRY=$(cat "$addr_file")
	export REGISTRY
	"$TESTREGISTRY" push "$REGISTRY" "$BUSYBOX_TAR" >/dev/null
}
stop_registry() {
	kill "$(cat "$BATS_FILE_TMPDIR/registry.pid")" 2>/dev/null || true
}

# podman_images ARGS...: podman for image tests (load, save, history,
# export), with a store of the test's own, in a mount namespace whose
# /var/lib is empty: podman keeps a cache in /var/lib/containers whatever
# --root says, and the host's must stay as it was.
podman_images() {
	unshare --mount --propagation private -- sh -c 'mount -t tmpfs tmpfs /var/lib && exec "$@"' sh \
		podman --root "$BATS_TEST_TMPDIR/podman" --runroot "$BATS_TEST_TMPDIR/podman-run" \
		--storage-driver vfs --cgroup-manager cgroupfs --events-backend none "$@"
}
