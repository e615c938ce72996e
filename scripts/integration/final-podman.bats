#!/usr/bin/env bats
# final/: podman runs its containers with mydocker-runc (--runtime), as a
# user who points podman at it would: run, run -d, ps, logs, exec (also
# with a terminal, through --console-socket), stop, rm, -i and -t. podman's
# storage, state and events are under the test's directory; --network
# none keeps it off the host's network. Skipped, saying why, where podman
# is not installed.

load helpers

# Every test here depends on the cgroup layout: the cgroup v2 VM runs them.
# bats file_tags=cgroups

: "${MYDOCKER_RUNC:=$(dirname "$MYDOCKER")/mydocker-runc}"

setup() {
	command -v podman >/dev/null && command -v conmon >/dev/null ||
		skip "podman and conmon are not installed (Debian: apt-get install podman)"
	CGROUPS_BEFORE=$(mydocker_cgroups)
	LIBPOD_BEFORE=$(ls -d /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent 2>/dev/null || true)
	# podman gives the runtime no --root: mydocker-runc's default,
	# /run/mydocker-runc, then holds its containers and its cache of
	# compiled seccomp filters (@seccomp), which the test removes.
	RUNC_ROOT_BEFORE=$(ls -d /run/mydocker-runc 2>/dev/null || true)
	PM=$BATS_TEST_TMPDIR/podman
	ROOTFS=$BATS_TEST_TMPDIR/rootfs
	mkdir -p "$ROOTFS" "$PM/tmp"
	tar -xf "$BUSYBOX_TAR" -C "$ROOTFS"
}

# pm runs podman with its state under the test and mydocker-runc as its
# runtime. The ulimits: podman asks for more open files and processes
# than this sandbox's root may have (it lacks CAP_SYS_RESOURCE), and
# any runtime must then refuse; lower ones are always allowed.
pm() {
	podman --root "$PM/root" --runroot "$PM/run" --tmpdir "$PM/tmp" --runtime "$MYDOCKER_RUNC" \
		--cgroup-manager cgroupfs --events-backend file --storage-driver vfs "$@"
}
ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
pm_run() { pm run "${ULIMITS[@]}" --network none "$@"; }

teardown() {
	[ -n "${PM:-}" ] || return 0
	pm rm -a -f -t 0 >/dev/null 2>&1 || true
	local status=0 conmons dir
	conmons=$(pgrep -f "conmon.*$PM" || true)
	if [ -n "$conmons" ]; then
		kill -KILL $conmons
		echo "conmon left behind: $conmons" >&2
		status=1
	fi
	if grep -q -F " $PM/" /proc/self/mountinfo; then
		echo "podman's mounts left behind:" >&2
		grep -F " $PM/" /proc/self/mountinfo | awk '{ print $5 }' | sort -r | tee /dev/stderr | xargs -r -n 1 umount -l
		status=1
	fi
	# podman's own parent cgroup (cgroupsPath /libpod_parent/libpod-ID,
	# and conmon's libpod_parent/conmon) goes with the test.
	for dir in /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent; do
		if [ -d "$dir" ] && ! grep -q -x -F "$dir" <<<"$LIBPOD_BEFORE"; then
			# conmon's is not made in every hierarchy: rmdir of both at
			# once fails for the one missing even when it removed the other.
			rmdir "$dir"/conmon 2>/dev/null || true
			rmdir "$dir" 2>/dev/null || { echo "cgroup left behind: $dir" >&2; status=1; }
		fi
	done
	if [ -z "$RUNC_ROOT_BEFORE" ] && [ -d /run/mydocker-runc ]; then
		rm -rf /run/mydocker-runc/@seccomp
		rmdir /run/mydocker-runc || { echo "left in /run/mydocker-runc:" $(ls /run/mydocker-runc) >&2; status=1; }
	fi
	assert_no_leaks || status=1
	return $status
}

@test "final: podman: run --rm --rootfs with mydocker-runc, exit status, podman's seccomp profile" {
	run pm_run --rm --rootfs "$ROOTFS" sh -c 'echo hi from podman; id -u; grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "hi from podman" ]
	[ "${lines[1]}" = 0 ]
	[[ "$output" == *"Seccomp:	2"* ]]
	run pm_run --rm --rootfs "$ROOTFS" sh -c 'exit 9'
	[ "$status" -eq 9 ]
	echo hello | pm_run --rm -i --rootfs "$ROOTFS" cat >"$BATS_TEST_TMPDIR/out"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = hello ]
	run pm_run --rm -t --rootfs "$ROOTFS" tty </dev/null
	[[ "$output" == "/dev/pts/0"* ]]
	[ -z "$(pm ps -a -q)" ]
}

@test "final: podman: run -d, ps, logs, exec, exec -t, stop, rm" {
	pm_run -d --name web --rootfs "$ROOTFS" sh -c 'echo started; trap "echo bye; exit 0" TERM; while :; do sleep 0.1; done' >/dev/null
	run pm ps --format '{{.Names}} {{.Status}}'
	[[ "$output" == "web Up"* ]]
	for _ in $(seq 50); do pm logs web | grep -q started && break; sleep 0.1; done
	run pm exec web sh -c 'hostname >/dev/null && echo in exec; exit 4'
	[ "$status" -eq 4 ]
	[ "$output" = "in exec" ]
	run pm exec -t web tty
	[[ "$output" == "/dev/pts/"* ]]
	pm stop -t 10 web
	run pm logs web
	[ "${lines[0]}" = started ]
	[ "${lines[1]}" = bye ] # stop sent SIGTERM through kill, and the trap ran
	run pm ps -a --format '{{.Names}} {{.Status}}'
	[[ "$output" == "web Exited (0)"* ]]
	pm rm web
	[ -z "$(pm ps -a -q)" ]
}
