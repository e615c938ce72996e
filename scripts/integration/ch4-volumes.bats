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
# mydocker is killed with kill -9, leaving the volume mounted.
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
	for spec in /a a:b "$HOSTDIR/x:relative" /a:/b:rw:x /a:/b:bogus ":/b" "$HOSTDIR/y:" "$HOSTDIR/z:/"; do
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
	grep -q -F " $(md_workspace)/merged/data " /proc/self/mountinfo

	run md_run -- true
	echo "$output"
	[ "$status" -eq 0 ]
	assert_no_mounts_under "$MD_ROOT"
	assert_no_workspace
	[ "$(cat "$HOSTDIR/data/f")" = precious ]
}

@test "volume: a volume that cannot be unmounted stops the cleanup, and nothing is deleted" {
	kill_mydocker_with_a_volume
	# A host process working in the leftover volume keeps it busy.
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
