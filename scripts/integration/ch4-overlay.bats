#!/usr/bin/env bats
# Chapters 4.1 and 4.2: the busybox image as the container's root, entered
# with pivot_root, with an overlayfs writable layer that vanishes after the
# run and never touches the image. scripts/test.sh runs this file on the
# host and again inside the cgroup v2 VM (layers on the VM's tmpfs).

load helpers

@test "overlay: ls / shows the busybox image, not the host" {
	want=$(tar -tf "$BUSYBOX_TAR" | sed 's#^\./##' | cut -d/ -f1 | grep . | sort -u)
	run md_run -- ls /
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
}

@test "overlay: only the container's own mounts are inside, the host's root is gone" {
	run md_run -- sh -c 'cut -d" " -f5 /proc/self/mountinfo | sort'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' / /dev /dev/pts /dev/shm /proc /sys)" ]
	run md_run -- ls -a /
	[[ "$output" != *pivot_root* ]]
}

@test "overlay: the command is found on the image's PATH" {
	# busybox exists only in the image: found after the pivot, not before.
	run md_run -- busybox echo found
	[ "$status" -eq 0 ]
	[ "$output" = found ]
}

@test "overlay: /dev holds exactly the usual nodes, and they work" {
	run md_run -- ls /dev
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero" ]

	run md_run -- sh -c 'echo x > /dev/null && head -c 16 /dev/urandom | wc -c && head -c 3 /dev/zero | wc -c && ls -l /dev/null'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 16 ]
	[ "${lines[1]}" = 3 ]
	[[ "${lines[2]}" == crw-rw-rw-* ]]
}

@test "overlay: a file written inside is gone after exit and never reaches the image" {
	run md_run -- sh -c 'echo hello > /written && rm /etc/passwd && cat /written'
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
	[ ! -e "$MD_ROOT/layers/busybox/written" ]
	[ -f "$MD_ROOT/layers/busybox/etc/passwd" ]

	run md_run -- sh -c 'ls /written; cat /etc/passwd | head -n 1'
	[[ "$output" == *"No such file"* ]]
	[[ "$output" == *root:* ]]
}

@test "overlay: the host sees the overlay while it runs, and nothing after" {
	out=$BATS_TEST_TMPDIR/out
	md_start "$out" -- sh -c "trap 'exit 0' TERM; echo ready; while :; do sleep 0.1; done"
	wait_for_line "$out" ready
	grep -F " $MD_ROOT/overlay/merged " /proc/self/mountinfo | grep -q ' - overlay '
	kill -TERM "$MD_PID"
	wait "$MD_PID"

	assert_no_mounts_under "$MD_ROOT"
	[ "$(ls -A "$MD_ROOT")" = "$(printf '%s\n' images layers lock)" ]
	[ "$(ls -A "$MD_ROOT/layers")" = "$(printf '%s\n' .busybox.source busybox)" ]
}

@test "overlay: a run killed with kill -9 is cleaned up by the next run" {
	out=$BATS_TEST_TMPDIR/out
	md_start "$out" -m 32m -- sh -c "echo ready; while :; do sleep 0.1; done"
	wait_for_line "$out" ready
	container=$(children "$MD_PID")
	kill -KILL "$MD_PID"
	wait "$MD_PID" || true
	# Its overlay is still mounted, its cgroup still there.
	grep -q -F " $MD_ROOT/overlay/merged " /proc/self/mountinfo
	[ -n "$(comm -13 <(echo "$CGROUPS_BEFORE") <(mydocker_cgroups))" ]

	run md_run -- echo fresh
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = fresh ]
	assert_no_mounts_under "$MD_ROOT"
	[ ! -e "$MD_ROOT/overlay" ]
	# The killed run's container is gone too (or a zombie, dead).
	state=$(grep '^State:' "/proc/$container/status" 2>/dev/null || true)
	[ -z "$state" ] || [[ "$state" == *zombie* ]]
}

@test "overlay: a second container while one runs gets a clear error" {
	out=$BATS_TEST_TMPDIR/out
	md_start "$out" -- sh -c "trap 'exit 0' TERM; echo ready; while :; do sleep 0.1; done"
	wait_for_line "$out" ready

	run --separate-stderr md_run -- true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"one container at a time"* ]]

	kill -TERM "$MD_PID"
	wait "$MD_PID"
	run md_run -- true
	[ "$status" -eq 0 ]
}

@test "overlay: a missing image gives a clear error and exit 125" {
	rm "$MD_ROOT/images/busybox.tar"
	run --separate-stderr md_run -- true
	[ "$status" -eq 125 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"image busybox not found"*"busybox-image.sh"* ]]
	[ ! -e "$MD_ROOT/overlay" ]
}

@test "overlay: a corrupt image gives a clear error, exit 125, and no half layer" {
	head -c 20000 /dev/urandom >"$MD_ROOT/images/busybox.tar"
	run --separate-stderr md_run -- true
	[ "$status" -eq 125 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"unpack"* ]]
	[ -z "$(ls -A "$MD_ROOT/layers" 2>/dev/null)" ]
	[ ! -e "$MD_ROOT/overlay" ]
}

@test "overlay: a new image tar is unpacked again" {
	run md_run -- true
	[ "$status" -eq 0 ]
	tmp=$BATS_TEST_TMPDIR/img
	mkdir -p "$tmp" && tar -xf "$BUSYBOX_TAR" -C "$tmp" && echo v2 >"$tmp/version"
	tar -C "$tmp" -cf "$MD_ROOT/images/busybox.tar" .
	run md_run -- cat /version
	[ "$status" -eq 0 ]
	[ "$output" = v2 ]
}
