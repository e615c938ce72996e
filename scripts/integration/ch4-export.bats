#!/usr/bin/env bats
# Chapter 4.4: "mydocker commit IMAGE" (alias "export") writes the running
# container's filesystem to <root>/images/IMAGE.tar: a plain tar that is a
# valid image again, without the volumes' contents.

load helpers

setup() {
	CGROUPS_BEFORE=$(mydocker_cgroups)
	skip_in_final 'commit makes a layered image there, and export writes -o FILE: "final: export ..." and "final: commit ..." test both'
	md_setup_root
}

# start_container: a container that has written /made-inside, a hard link
# and a file in a volume, and waits.
start_container() {
	HOSTDIR=$BATS_TEST_TMPDIR/host
	OUT=$BATS_TEST_TMPDIR/out
	md_start "$OUT" -v "$HOSTDIR:/data" -- sh -c "trap 'exit 0' TERM
		echo inside > /made-inside; echo linked > /linked; ln /linked /z-hardlink
		echo host-data > /data/in-volume
		echo ready; while :; do sleep 0.1; done"
	wait_for_line "$OUT" ready
}

stop_container() {
	kill -TERM "$MD_PID"
	wait "$MD_PID"
}

@test "export: the image holds what was written inside, as a plain tar" {
	start_container
	run --separate-stderr md_commit snap
	[ "$status" -eq 0 ]
	[ "$output" = "$MD_ROOT/images/snap.tar" ]
	stop_container

	tar=$MD_ROOT/images/snap.tar
	[ "$(tar -xOf "$tar" made-inside)" = inside ]
	# Not gzip: a tar file starts with a file name, gzip with 1f 8b.
	[ "$(head -c 2 "$tar" | od -An -tx1 | tr -d ' ')" != 1f8b ]
}

@test "export: symlinks stay symlinks, hard links stay links" {
	start_container
	run md_commit export snap
	[ "$status" -eq 0 ]
	stop_container
	listing=$(tar -tvf "$MD_ROOT/images/snap.tar")
	echo "$listing" | grep -E '^l.* bin/sh -> /bin/busybox$'
	echo "$listing" | grep -E '^h.* z-hardlink link to linked$'
}

@test "export: the volume's contents are left out" {
	start_container
	run md_commit snap
	[ "$status" -eq 0 ]
	stop_container
	listing=$(tar -tf "$MD_ROOT/images/snap.tar")
	echo "$listing" | grep -x 'data/'
	[[ "$listing" != *in-volume* ]]
	[ "$(cat "$HOSTDIR/in-volume")" = host-data ]
}

@test "export: the image runs again and shows the file" {
	start_container
	run md_commit snap
	[ "$status" -eq 0 ]
	stop_container
	cp "$MD_ROOT/images/snap.tar" "$MD_ROOT/images/busybox.tar"
	run md_run -- cat /made-inside
	[ "$status" -eq 0 ]
	[ "$output" = inside ]
}

@test "export: an existing image is kept unless --force" {
	start_container
	echo old >"$MD_ROOT/images/snap.tar"
	run --separate-stderr md_commit snap
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"already exists"*"--force"* ]]
	[ "$(cat "$MD_ROOT/images/snap.tar")" = old ]

	run md_commit --force snap
	[ "$status" -eq 0 ]
	stop_container
	tar -tf "$MD_ROOT/images/snap.tar" | grep -x made-inside
}

@test "export: no running container, or a bad name, gives a clear error and writes nothing" {
	run --separate-stderr md_commit snap
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"no running container"* || "$stderr" == *"no such container: no-running-container"* ]]

	start_container
	for name in "" / .. a/b .hidden; do
		run --separate-stderr md_commit "$name"
		echo "'$name': $status $stderr"
		[ "$status" -eq 125 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
	done
	run --separate-stderr md_commit
	[ "$status" -eq 125 ]
	stop_container
	[ "$(ls -A "$MD_ROOT/images")" = busybox.tar ]
}

@test "export: a file volume's host contents never reach the image" {
	HOSTDIR=$BATS_TEST_TMPDIR/host
	mkdir -p "$HOSTDIR" && echo 'host secret' >"$HOSTDIR/secret"
	OUT=$BATS_TEST_TMPDIR/out
	md_start "$OUT" -v "$HOSTDIR/secret:/etc/secret" -- sh -c "trap 'exit 0' TERM; cat /etc/secret; echo ready; while :; do sleep 0.1; done"
	wait_for_line "$OUT" ready
	run md_commit snap
	[ "$status" -eq 0 ]
	stop_container
	grep -x 'host secret' "$OUT"
	tar -tvf "$MD_ROOT/images/snap.tar" | grep -E '^-.* 0 .* etc/secret$'
	run ! grep -q 'host secret' "$MD_ROOT/images/snap.tar"
}

@test "export: a FIFO in the container does not hang the commit" {
	OUT=$BATS_TEST_TMPDIR/out
	md_start "$OUT" -- sh -c "trap 'exit 0' TERM; mkfifo /fifo; echo ready; while :; do sleep 0.1; done"
	wait_for_line "$OUT" ready
	# A commit that hangs is killed after 20 s, and fails the test.
	md_commit snap >/dev/null &
	commit=$!
	(sleep 20 && kill "$commit") 2>/dev/null &
	watchdog=$!
	status=0
	wait "$commit" || status=$?
	kill "$watchdog" 2>/dev/null || true
	stop_container
	[ "$status" -eq 0 ]
	tar -tvf "$MD_ROOT/images/snap.tar" | grep -E '^p.* fifo$'
}
