#!/usr/bin/env bats
# final/: cp's tar streams (docker cp CONTAINER:SRC -, docker cp -
# CONTAINER:DEST) and -a, which keeps owners.

load helpers

@test "final: cp: CONTAINER:SRC - is a tar of SRC on stdout, with owners and modes" {
	md run -d --name box --network none busybox sh -c 'mkdir -p /data/sub && echo hi > /data/sub/f && chown 1000:1000 /data/sub/f && chmod 640 /data/sub/f && ln -s sub/f /data/link && sleep 1000' >/dev/null
	for ((i = 0; i < 50; i++)); do md exec box test -L /data/link && break; sleep 0.1; done
	md cp box:/data - >"$BATS_TEST_TMPDIR/out.tar"
	run tar -tvf "$BATS_TEST_TMPDIR/out.tar" --numeric-owner
	echo "$output"
	[[ "$output" == *"-rw-r----- 1000/1000"*" data/sub/f"* ]]
	[[ "$output" == *" data/link -> sub/f"* ]]
	[ "$(tar -xOf "$BATS_TEST_TMPDIR/out.tar" data/sub/f)" = hi ]
	# A file alone is a tar of that one entry.
	[ "$(md cp box:/data/sub/f - | tar -t)" = f ]
	md rm -f box >/dev/null
}

@test "final: cp: - CONTAINER:DEST unpacks a tar into DEST inside the container, root's unless -a" {
	md run -d --name box --network none busybox sh -c 'mkdir /in && ln -s /etc /in/etclink && sleep 1000' >/dev/null
	for ((i = 0; i < 50; i++)); do md exec box test -L /in/etclink && break; sleep 0.1; done
	mkdir -p "$BATS_TEST_TMPDIR/src/d"
	echo one >"$BATS_TEST_TMPDIR/src/d/f"
	tar -C "$BATS_TEST_TMPDIR/src" --owner=1234 --group=4321 -cf - d | md cp - box:/in
	[ "$(md exec box cat /in/d/f)" = one ]
	[ "$(md exec box stat -c %u:%g /in/d/f)" = 0:0 ]
	tar -C "$BATS_TEST_TMPDIR/src" --owner=1234 --group=4321 -cf - d | md cp -a - box:/in
	[ "$(md exec box stat -c %u:%g /in/d/f)" = 1234:4321 ]
	# A "../" climbs no higher than DEST; a symlink in the container is
	# the container's: nothing of the host's /etc is written.
	python3 - "$BATS_TEST_TMPDIR/evil.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for name in ("../../../tmp/mydocker-cp-escape", "etclink/mydocker-cp-escape"):
        data = b"x"
        info = tarfile.TarInfo(name); info.size = len(data)
        t.addfile(info, io.BytesIO(data))
PY
	md cp - box:/in <"$BATS_TEST_TMPDIR/evil.tar"
	[ ! -e /tmp/mydocker-cp-escape ]
	[ ! -e /etc/mydocker-cp-escape ]
	[ "$(md exec box cat /in/tmp/mydocker-cp-escape /etc/mydocker-cp-escape)" = xx ]
	# DEST must be a directory.
	run --separate-stderr md cp - box:/in/d/f <"$BATS_TEST_TMPDIR/evil.tar"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"destination must be a directory"* ]]
	md rm -f box >/dev/null
}

@test "final: cp -a keeps the container's owners on the host, and the host's in the container" {
	md run --name box --network none busybox sh -c 'echo mine > /owned && chown 1000:1001 /owned'
	md cp box:/owned "$BATS_TEST_TMPDIR/plain"
	md cp -a box:/owned "$BATS_TEST_TMPDIR/kept"
	[ "$(stat -c %u:%g "$BATS_TEST_TMPDIR/plain")" = 0:0 ]
	[ "$(stat -c %u:%g "$BATS_TEST_TMPDIR/kept")" = 1000:1001 ]
	echo host >"$BATS_TEST_TMPDIR/h"
	chown 2000:2001 "$BATS_TEST_TMPDIR/h"
	md cp -a "$BATS_TEST_TMPDIR/h" box:/h
	md commit box withh >/dev/null
	[ "$(md run --rm --network none withh stat -c %u:%g /h)" = 2000:2001 ]
	md rm -f box >/dev/null
}

@test "final: cp, export, diff and commit work on a created container before its first start, as docker's" {
	md create --name made --network none -v data:/usr/sbin busybox sh -c 'cat /etc/from-cp; ls /usr/sbin | grep -c .' >/dev/null
	# Nothing has run: the image's files, no change.
	md export made | tar -t | grep -qx 'bin/busybox'
	[ -z "$(md diff made)" ]
	md commit made same-files >/dev/null
	[ "$(md run --rm --network none same-files cat /etc/hostname >/dev/null; echo $?)" = 0 ]
	# cp into it before it starts: the start sees the file, and its first
	# start is still a first start (its new volume gets the image's files).
	echo copied >"$BATS_TEST_TMPDIR/from-cp"
	md cp "$BATS_TEST_TMPDIR/from-cp" made:/etc/from-cp
	[ "$(md diff made)" = "$(printf 'C /etc\nA /etc/from-cp')" ]
	[ "$(md cp made:/etc/from-cp - | tar -xO)" = copied ]
	run md start -a made
	echo "$output"
	[ "${lines[0]}" = copied ]
	[ "${lines[1]}" -gt 10 ]
	md rm made >/dev/null
	md volume rm data >/dev/null
}
