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
	if stage_at_least final; then
		# and, as under docker, its own hostname, hosts and resolv.conf,
		# the masked and read-only paths of /proc and /sys, and the cgroup
		# filesystem: nothing else.
		[ "$(echo "$output" | grep -v -e '^/proc/' -e '^/sys/')" = "$(printf '%s\n' / /dev /dev/pts /dev/shm /etc/hostname /etc/hosts /etc/resolv.conf /proc /sys)" ]
		echo "$output" | grep -qx /proc/sys
		echo "$output" | grep -qx /sys/fs/cgroup
	else
		[ "$output" = "$(printf '%s\n' / /dev /dev/pts /dev/shm /proc /sys)" ]
	fi
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
	[ ! -e "$(md_image_layer)/written" ]
	[ -f "$(md_image_layer)/etc/passwd" ]

	run md_run -- sh -c 'ls /written; cat /etc/passwd | head -n 1'
	[[ "$output" == *"No such file"* ]]
	[[ "$output" == *root:* ]]
}

@test "overlay: the host sees the overlay while it runs, and nothing after" {
	out=$BATS_TEST_TMPDIR/out
	md_start "$out" -- sh -c "trap 'exit 0' TERM; echo ready; while :; do sleep 0.1; done"
	wait_for_line "$out" ready
	grep -F " $(md_workspace)/merged " /proc/self/mountinfo | grep -q ' - overlay '
	kill -TERM "$MD_PID"
	wait "$MD_PID"

	assert_no_mounts_under "$MD_ROOT"
	[ "$(ls -A "$MD_ROOT")" = "$(md_root_entries)" ]
	[ "$(ls -A "$MD_ROOT/layers")" = "$(md_layers_after_run)" ]
}

# bats test_tags=cgroups
@test "overlay: a run killed with kill -9 is cleaned up by the next run" {
	out=$BATS_TEST_TMPDIR/out
	md_start "$out" -m 32m -- sh -c "echo ready; while :; do sleep 0.1; done"
	wait_for_line "$out" ready
	container=$(init_of_run)
	kill_run
	# Its overlay is still mounted, its cgroup still there.
	grep -q -F " $(md_workspace)/merged " /proc/self/mountinfo
	[ -n "$(comm -13 <(echo "$CGROUPS_BEFORE") <(mydocker_cgroups))" ]

	run md_run -- echo fresh
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = fresh ]
	assert_no_mounts_under "$MD_ROOT"
	assert_no_workspace
	# The killed run's container is gone too (or a zombie, dead).
	state=$(grep '^State:' "/proc/$container/status" 2>/dev/null || true)
	[ -z "$state" ] || [[ "$state" == *zombie* ]]
}

@test "overlay: a second container while one runs gets a clear error" {
	stage_at_least ch5-lifecycle && skip "chapter 5 runs many containers at once"
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
	skip_in_final 'a missing image is pulled: "final: run of an image that is not here ..."'
	rm "$MD_ROOT/images/busybox.tar"
	run --separate-stderr md_run -- true
	[ "$status" -eq 125 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"image busybox not found"*"busybox-image.sh"* ]]
	assert_no_workspace
}

@test "overlay: a corrupt image gives a clear error, exit 125, and no half layer" {
	skip_in_final '"final: import of a corrupt tar ..."'
	head -c 20000 /dev/urandom >"$MD_ROOT/images/busybox.tar"
	run --separate-stderr md_run -- true
	[ "$status" -eq 125 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"unpack"* ]]
	[ -z "$(ls -A "$MD_ROOT/layers" 2>/dev/null)" ]
	assert_no_workspace
}

@test "overlay: a new image tar is unpacked again" {
	skip_in_final 'an image is immutable there; a new import is a new image: "final: import, tag ..."'
	run md_run -- true
	[ "$status" -eq 0 ]
	tmp=$BATS_TEST_TMPDIR/img
	mkdir -p "$tmp" && tar -xf "$BUSYBOX_TAR" -C "$tmp" && echo v2 >"$tmp/version"
	tar -C "$tmp" -cf "$MD_ROOT/images/busybox.tar" .
	run md_run -- cat /version
	[ "$status" -eq 0 ]
	[ "$output" = v2 ]
}

@test "overlay: a --root given through a symlink leaves nothing mounted, and the next run works" {
	real=$BATS_TEST_TMPDIR/data/md
	mkdir -p "$(dirname "$real")"
	mv "$MD_ROOT" "$real"
	ln -s "$real" "$MD_ROOT"
	run md_run -- sh -c 'echo hi > /f && cat /f'
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	assert_no_mounts_under "$real"
	[ ! -e "$real/overlay" ]
	run md_run -- true
	[ "$status" -eq 0 ]
}

@test "overlay: the state root is 0700 whatever made it, and no other user reaches the layers" {
	chmod 755 "$MD_ROOT"
	out=$BATS_TEST_TMPDIR/out
	md_start "$out" -- sh -c "trap 'exit 0' TERM; echo ready; while :; do sleep 0.1; done"
	wait_for_line "$out" ready
	[ "$(stat -c %a "$MD_ROOT")" = 700 ]
	[ "$(stat -c %a "$(md_workspace)")" = 700 ]
	run setpriv --reuid=65534 --regid=65534 --clear-groups ls "$(md_workspace)/upper"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Permission denied"* ]]
	kill -TERM "$MD_PID"
	wait "$MD_PID"
}

@test "overlay: a --root that others share is refused" {
	shared=$BATS_TEST_TMPDIR/shared
	mkdir -m 1777 "$shared"
	run --separate-stderr "$MYDOCKER" --root "$shared" run -- true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"others share"* ]]
	[ "$(stat -c %a "$shared")" = 1777 ]
}

# sibling_cgroup: a cgroup of another container beside ours, in the
# mydocker parent of every hierarchy the leftover code would look in.
sibling_cgroup() {
	local base
	if cgroup_v2; then base=/sys/fs/cgroup; else base=/sys/fs/cgroup/memory; fi
	SIBLING=$base/mydocker/md-test-sibling-$$
	mkdir -p "$SIBLING"
}

# bats test_tags=cgroups
@test "overlay: a leftover without an ID never touches the cgroup that every container shares" {
	# A run killed before it wrote its ID, while another container runs.
	if stage_at_least ch5-lifecycle; then
		# From chapter 5 on the ID is the directory's name: here one whose
		# config.json was never written whole. No command deletes a
		# container it cannot read (issue 21): rm -f removes it, below.
		dir=$MD_ROOT/containers/$(printf '%064d' 0 | tr 0 a)
		mkdir -p "$dir" && echo '{' >"$dir/config.json"
	else
		mkdir -m 700 "$MD_ROOT/overlay"
	fi
	sibling_cgroup
	run --separate-stderr md_run -- echo fresh
	if stage_at_least ch5-lifecycle; then md rm -f "$(basename "$dir")" >/dev/null; fi
	rmdir "$SIBLING"
	rmdir "$(dirname "$SIBLING")" 2>/dev/null || true # when the test made it
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$output" = fresh ]
	assert_no_workspace
}

# bats test_tags=cgroups
@test "overlay: after kill -9, a process left in the container's cgroup is killed through it" {
	out=$BATS_TEST_TMPDIR/out
	md_start "$out" -m 32m -- sh -c "echo ready; while :; do sleep 0.1; done"
	wait_for_line "$out" ready
	cg=$(comm -13 <(echo "$CGROUPS_BEFORE") <(mydocker_cgroups) | grep -v '/mydocker$' | head -n 1)
	[ -n "$cg" ]
	kill_run
	# A process that is not the recorded init, in the container's cgroup.
	sleep 300 &
	stray=$!
	echo "$stray" >"$cg/cgroup.procs"

	run md_run -- echo fresh
	status_run=$status
	alive=0
	if kill -0 "$stray" 2>/dev/null; then alive=1 && kill -KILL "$stray"; fi
	stray_status=0
	wait "$stray" || stray_status=$?
	echo "$output"
	[ "$alive" -eq 0 ]
	[ "$status_run" -eq 0 ]
	[ "${lines[-1]}" = fresh ]
	[ "$stray_status" -eq 137 ]
	[ ! -e "$cg" ]
}

# bats test_tags=cgroups
@test "overlay: signals that keep coming while the container is torn down leave nothing behind" {
	out=$BATS_TEST_TMPDIR/out
	md_start "$out" -- sh -c "trap 'exit 42' INT; echo ready; while :; do sleep 0.1; done"
	wait_for_line "$out" ready
	for ((i = 0; i < 300; i++)); do
		kill -INT "$MD_PID" 2>/dev/null || break
		sleep 0.002
	done
	status=0
	wait "$MD_PID" || status=$?
	echo "status $status"
	[ "$status" -eq 42 ] || [ "$status" -eq 130 ]
	assert_no_mounts_under "$MD_ROOT"
	assert_no_workspace
}
