#!/usr/bin/env bats
# A full disk: the state root on a small tmpfs the test mounts (and
# unmounts), filled up with a file, then a pull, an import, a commit, a
# container's writes and rm -f. Each must fail with a clear error ("no
# space left") or, for rm, work; nothing half-made may stay once the
# filler is gone; every image and container made before is intact.

load helpers

setup_file() { start_registry; }
teardown_file() { stop_registry; }

setup() {
	fault_setup
	DISK=$BATS_TEST_TMPDIR/disk
	mkdir -p "$DISK"
	mount -t tmpfs -o size=48m tmpfs "$DISK"
	MD_ROOT=$DISK/root
	MD_GLOBAL=(--root "$MD_ROOT")
	md import "$BUSYBOX_TAR" busybox >/dev/null
	# The container made before the disk fills: it must survive all.
	md run -d --name before --network none busybox sh -c 'echo kept >/kept; sleep 1000' >/dev/null
}

teardown() {
	rm -f "$DISK/filler"
	fault_teardown
	umount "$DISK" 2>/dev/null || umount -l "$DISK"
}

# fill: take all the free space but what a command needs to start.
fill() {
	rm -f "$DISK/filler"
	dd if=/dev/zero of="$DISK/filler" bs=64k status=none 2>/dev/null || true
	count faults
}
unfill() { rm -f "$DISK/filler"; }

# fails_clearly COMMAND...: COMMAND fails, saying the disk is full, no panic.
fails_clearly() {
	local out rc
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if echo "$out" | grep -E 'panic|goroutine [0-9]+ \['; then echo "panicked: $*" >&2; return 1; fi
	[ $rc -ne 0 ] || { echo "$* worked on a full disk?" >&2; return 1; }
	grep -qi 'no space left' <<<"$out" || { echo "$*: no clear error: $out" >&2; return 1; }
}

# intact: what was there before the fault still is and works, and the
# root holds nothing half-made once every container made here is gone.
intact() {
	unfill
	[ "$(md inspect -f '{{.State.Status}}' before)" = running ] || { echo "container 'before' is not running" >&2; md ps -a >&2; return 1; }
	[ "$(md exec before cat /kept)" = kept ] || { echo "container 'before' lost its file" >&2; return 1; }
	md run --rm --network none busybox true || { echo "busybox no longer runs" >&2; return 1; }
	local half
	half=$(find "$MD_ROOT" \( -name '.tmp-*' -o -name '*.unpacking-*' -o -name '*.partial' \) 2>/dev/null)
	[ -z "$half" ] || leak "half-made: $half"
}

disk_pull() {
	fill
	fails_clearly md pull "$REGISTRY/test/app:v1"
	! md images | grep -q "test/app" || { echo "a half-pulled image is listed" >&2; return 1; }
	intact
}
disk_import() {
	fill
	fails_clearly md import "$BUSYBOX_TAR" imported
	! md images | grep -q '^imported ' || { echo "a half-imported image is listed" >&2; return 1; }
	intact
}
disk_commit() {
	md exec before sh -c 'dd if=/dev/zero of=/big bs=64k count=64 2>/dev/null'
	fill
	fails_clearly md commit before committed
	! md images | grep -q '^committed ' || { echo "a half-committed image is listed" >&2; return 1; }
	intact
}
disk_writes() {
	fill
	local rc=0
	md exec before sh -c 'dd if=/dev/zero of=/big bs=64k 2>&1' >"$BATS_TEST_TMPDIR/dd.out" && rc=0 || rc=$?
	[ $rc -ne 0 ] || { echo "the container wrote past a full disk?" >&2; return 1; }
	md ps -a >/dev/null
	md exec before rm -f /big
	intact
}
disk_rm() {
	md run -d --name doomed busybox sleep 1000 >/dev/null
	fill
	md rm -f doomed || { echo "rm -f fails on a full disk" >&2; return 1; }
	! md ps -a | grep -q doomed || { echo "doomed is still listed" >&2; return 1; }
	intact
}

@test "a full disk during pull, import, commit, a container's writes and rm -f" {
	fault_case "full disk: pull" disk_pull
	fault_case "full disk: import" disk_import
	fault_case "full disk: commit" disk_commit
	fault_case "full disk: a container's writes" disk_writes
	fault_case "full disk: rm -f" disk_rm
	unfill
	fault_case "full disk: everything removed, nothing left" assert_clean
	cases_done
}
