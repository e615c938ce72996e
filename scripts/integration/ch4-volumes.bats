#!/usr/bin/env bats
# Chapter 4.3: -v HOST:CONTAINER[:ro] bind-mounts host directories into the
# container; their data outlives it on every exit path, and never leaks
# out of the container's root. scripts/test.sh runs this file on the host
# and again inside the cgroup v2 VM.

load helpers

setup() {
	# helpers' setup, then a host directory for the volumes.
	CGROUPS_BEFORE=$(mydocker_cgroups)
	md_setup_root
	HOSTDIR=$BATS_TEST_TMPDIR/host
}

# kill_mydocker_with_a_volume: a container writes to its volume, then its
# mydocker is killed with kill -9, leaving the workspace mounted (the
# volume lived in the container's mount namespace, and went with it).
kill_mydocker_with_a_volume() {
	local out=$BATS_TEST_TMPDIR/out
	md_start "$out" -v "$HOSTDIR/data:/data" -- sh -c "echo precious > /data/f; echo ready; while :; do sleep 0.1; done"
	wait_for_line "$out" ready
	kill_run
}

@test "volume: data written inside is on the host while it runs and after" {
	out=$BATS_TEST_TMPDIR/out
	md_start "$out" -v "$HOSTDIR/data:/data" -- sh -c "trap 'exit 0' TERM; echo hello > /data/f; echo ready; while :; do sleep 0.1; done"
	wait_for_line "$out" ready
	[ "$(cat "$HOSTDIR/data/f")" = hello ]
	kill -TERM "$MD_PID"
	wait "$MD_PID"
	[ "$(cat "$HOSTDIR/data/f")" = hello ]
	assert_no_mounts_under "$MD_ROOT"
}

@test "volume: a second run with the same volume sees the data" {
	run md_run -v "$HOSTDIR/data:/data" -- sh -c 'echo first > /data/f'
	[ "$status" -eq 0 ]
	run md_run -v "$HOSTDIR/data:/data" -- cat /data/f
	[ "$status" -eq 0 ]
	[ "$output" = first ]
}

@test "volume: missing host directories are created, -v repeats, and a comma is part of a path" {
	run md_run -v "$HOSTDIR/a/b/c:/one" -v "$HOSTDIR/x,y:/two,three" -- sh -c 'touch /one/1 /two,three/2 && echo ok'
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
	[ -f "$HOSTDIR/a/b/c/1" ]
	[ -f "$HOSTDIR/x,y/2" ]
}

@test "volume: :ro refuses writes inside" {
	mkdir -p "$HOSTDIR/ro" && echo original >"$HOSTDIR/ro/f"
	run md_run -v "$HOSTDIR/ro:/ro:ro" -- sh -c 'cat /ro/f; echo changed > /ro/f'
	[ "$status" -ne 0 ]
	[[ "$output" == original*"Read-only file system"* ]]
	[ "$(cat "$HOSTDIR/ro/f")" = original ]
}

@test "volume: a symlink in the image cannot take the mount out of the container's root" {
	# An image whose /data is a symlink to /etc.
	img=$BATS_TEST_TMPDIR/img
	mkdir -p "$img" && tar -xf "$BUSYBOX_TAR" -C "$img" && ln -s /etc "$img/data"
	tar -C "$img" -cf "$BATS_TEST_TMPDIR/img.tar" . && md_put_image "$BATS_TEST_TMPDIR/img.tar"
	mkdir -p "$HOSTDIR/v" && echo from-host >"$HOSTDIR/v/f"

	run md_run -v "$HOSTDIR/v:/data/mydocker-test-escape" -- cat /etc/mydocker-test-escape/f
	[ "$status" -eq 0 ]
	[ "$output" = from-host ]
	[ ! -e /etc/mydocker-test-escape ]
}

@test "volume: malformed specs give a clear error, exit 125, and create nothing" {
	specs=(a:b "$HOSTDIR/x:relative" /a:/b:rw:x /a:/b:bogus ":/b" "$HOSTDIR/y:" "$HOSTDIR/z:/")
	# final/ reads -v /a as docker does: an anonymous volume.
	stage_at_least final || specs+=(/a)
	for spec in "${specs[@]}"; do
		run --separate-stderr md_run -v "$spec" -- true
		echo "$spec: $status $stderr"
		[ "$status" -eq 125 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ "$stderr" == *"invalid volume"* ]]
	done
	[ ! -e "$HOSTDIR" ]
	assert_no_workspace
	[ "$(ls -A "$MD_ROOT/layers" 2>/dev/null)" = "$(md_layers_before_run)" ]
}

@test "volume: host data survives kill -9 of mydocker and the next run's recovery" {
	kill_mydocker_with_a_volume
	grep -q -F " $(md_workspace)/merged " /proc/self/mountinfo
	[ -z "$(grep -F " $(md_workspace)/merged/data " /proc/self/mountinfo)" ]

	run md_run -- true
	echo "$output"
	[ "$status" -eq 0 ]
	assert_no_mounts_under "$MD_ROOT"
	assert_no_workspace
	[ "$(cat "$HOSTDIR/data/f")" = precious ]
}

@test "volume: a volume that cannot be unmounted stops the cleanup, and nothing is deleted" {
	kill_mydocker_with_a_volume
	# A host process working in the leftover workspace keeps it busy.
	ws=$(md_workspace)
	(cd "$ws/merged/data" && exec sleep 30) &
	busy=$!

	run --separate-stderr md_run -- true
	kill "$busy"
	wait "$busy" || true
	echo "$stderr"
	if stage_at_least ch5-lifecycle; then
		# Containers are independent from chapter 5 on: the new one runs,
		# and the stuck one waits, intact, for a later command.
		[ "$status" -eq 0 ]
	else
		[ "$status" -eq 125 ]
	fi
	[[ "$stderr" == *"nothing removed"* ]]
	[ "$(cat "$HOSTDIR/data/f")" = precious ]
	[ -d "$ws/upper" ]

	# Once it is free, the next run cleans up.
	run md_run -- true
	[ "$status" -eq 0 ]
	assert_no_workspace
	[ "$(cat "$HOSTDIR/data/f")" = precious ]
}

@test "volume: under a --root given through a symlink, the volume is unmounted and its data kept" {
	real=$BATS_TEST_TMPDIR/data/md
	mkdir -p "$(dirname "$real")" "$HOSTDIR/dir"
	echo keep >"$HOSTDIR/dir/f"
	mv "$MD_ROOT" "$real"
	ln -s "$real" "$MD_ROOT"
	run md_run -v "$HOSTDIR/dir:/data" -- ls /data
	[ "$status" -eq 0 ]
	[ "$output" = f ]
	assert_no_mounts_under "$real"
	[ "$(cat "$HOSTDIR/dir/f")" = keep ]
	run md_run -- true
	[ "$status" -eq 0 ]
}

# in_shared_ns SCRIPT ARG...: SCRIPT in a mount namespace of its own whose
# mounts are all shared, as systemd makes them, whatever this host does.
in_shared_ns() {
	unshare --mount --propagation shared -- bash -c "$@"
}

@test "volume: with / shared (systemd), a volume inside a volume and a bind of /dev stay the container's" {
	mkdir -p "$HOSTDIR/a" "$HOSTDIR/b"
	echo inner >"$HOSTDIR/b/f"
	export HOSTDIR OUT=$BATS_TEST_TMPDIR/out
	run_argv -v "$HOSTDIR/a:/data" -v "$HOSTDIR/b:/data/sub" -v /dev:/hostdev -- sh -c "trap 'exit 0' TERM; cat /data/sub/f; echo ready; while :; do sleep 0.1; done"
	run in_shared_ns '
		devmounts() { awk "\$5 ~ \"^/dev(/|\$)\"" /proc/self/mountinfo | wc -l; }
		before=$(devmounts)
		"$@" >"$OUT" 2>&1 & pid=$!
		for i in $(seq 100); do grep -q ready "$OUT" && break; sleep 0.1; done
		echo "leaked $(grep -c " $HOSTDIR/a/sub " /proc/self/mountinfo)"
		kill -TERM $pid; wait $pid; echo "status $?"
		echo "dev $before $(devmounts)"
		echo "left $(grep -c " $HOSTDIR/" /proc/self/mountinfo)"' _ "${MD_ARGV[@]}"
	echo "$output"
	cat "$OUT"
	[ "$status" -eq 0 ]
	[ "$(head -n 1 "$OUT")" = inner ]
	[ "${lines[0]}" = "leaked 0" ]
	[ "${lines[1]}" = "status 0" ]
	[[ "${lines[2]}" =~ ^dev\ ([0-9]+)\ ([0-9]+)$ ]]
	[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
	[ "${lines[3]}" = "left 0" ]
}

@test "volume: :ro covers the mounts inside the volume too" {
	mkdir -p "$HOSTDIR/ro/sub"
	mount -t tmpfs -o size=1m tmpfs "$HOSTDIR/ro/sub"
	run md_run -v "$HOSTDIR/ro:/ro:ro" -- sh -c 'touch /ro/sub/f'
	umount "$HOSTDIR/ro/sub"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* ]]
}

# --- issue 20: volumes are bound in the container's mount namespace, through
# a descriptor of the mount point opened inside its root, never by path in
# the host's (CVE-2021-30465's shape).

# mounts_under DIR prints the mount points at or below DIR, as the host sees them.
mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}

@test "volume: the bind is never in the host's mount table, only in the container's" {
	out=$BATS_TEST_TMPDIR/out
	md_start "$out" -v "$HOSTDIR/data:/data" -- sh -c "trap 'exit 0' TERM; grep -c ' /data ' /proc/self/mountinfo; echo ready; while :; do sleep 0.1; done"
	wait_for_line "$out" ready
	host_view=$(mounts_under "$MD_ROOT")
	kill -TERM "$MD_PID"
	wait "$MD_PID"
	echo "$host_view"
	cat "$out"
	[ "$(head -n 1 "$out")" = 1 ]
	[ -n "$host_view" ]
	[ -z "$(grep '/data$' <<<"$host_view")" ]
	assert_no_mounts_under "$MD_ROOT"
}

# start_sharer: container A shares $T/shared as /data and keeps swapping
# /data/sN between a directory and an absolute symlink to the host's
# $T/decoy, as a hostile container sharing a volume can. Up to ch4-export
# one container runs per state root: A gets a root of its own there.
start_sharer() {
	local loop='for n in 1 2 3 4; do while :; do rm -rf /data/s$n; mkdir /data/s$n; rm -rf /data/s$n; ln -s '"$T"'/decoy /data/s$n; done & done; echo ready; wait'
	if stage_at_least ch5-lifecycle; then
		md_detach -v "$T/shared:/data" -- sh -c "$loop"
	else
		local MD_ROOT=$T/root-a
		local MD_GLOBAL=(--root "$MD_ROOT")
		md_put_image "$BUSYBOX_TAR"
		md_start "$T/a.out" -v "$T/shared:/data" -- sh -c "$loop"
		SHARER_PID=$MD_PID
		wait_for_line "$T/a.out" ready
	fi
}

stop_sharer() {
	if stage_at_least ch5-lifecycle; then
		md rm -f "$MD_ID" >/dev/null
	else
		kill -KILL "$SHARER_PID"
		wait "$SHARER_PID" || true
		"$MYDOCKER" --root "$T/root-a" run -- true >/dev/null 2>&1 || true # cleans up after it
	fi
}

@test "volume: a symlink swapped in by a container sharing the volume never moves a bind onto the host" {
	T=$BATS_TEST_TMPDIR
	mkdir -p "$T/shared" "$T/decoy" "$T/src"
	echo from-src >"$T/src/marker"
	start_sharer
	# B's mount points lie deep below the swapped directories: the longer
	# the way from resolving a path to mounting on it, the likelier the
	# swap lands in between, as an attacker would make it.
	deep=a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p
	vols=(-v "$T/shared:/data")
	for n in 1 2 3 4; do vols+=(-v "$T/src:/data/s$n/$deep"); done
	hits=0
	for i in $(seq 40); do
		md_run "${vols[@]}" -- true >>"$T/b.out" 2>&1 || true
		if [ -n "$(ls -A "$T/decoy")" ] || mounts_under "$T/decoy" | grep -q .; then
			hits=$((hits + 1))
		fi
	done
	stop_sharer
	leaked=$(mounts_under "$T/decoy" | sort -r)
	# A bind that escaped is the host's now: unmount it before failing.
	while read -r m; do [ -z "$m" ] || umount -l "$m"; done <<<"$leaked"
	echo "runs that reached the host: $hits; mounts left on the decoy: $leaked"
	find "$T/decoy" -mindepth 1 | head -n 3
	sort "$T/b.out" | sed 's/[0-9]\{4,\}/N/g' | uniq -c | sort -rn | head -n 5
	[ "$hits" -eq 0 ]
	[ -z "$leaked" ]
	[ -z "$(ls -A "$T/decoy")" ]
	assert_no_mounts_under "$T/root-a"
	assert_no_mounts_under "$MD_ROOT"
}
