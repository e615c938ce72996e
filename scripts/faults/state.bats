#!/usr/bin/env bats
# State files truncated or full of garbage (a crash mid-write on a
# filesystem without ordered writes, a full disk, a hand edit): the next
# command must name the file and say what to do, must never delete a
# container it cannot read, and must never panic.

load helpers

setup() { fault_setup; }
teardown() {
	# what the cases broke is put back by each case; md_rm_all cleans up
	fault_teardown
}

# garble FILE HOW: empty (truncated), half (cut in the middle) or junk.
garble() {
	local f=$1 size
	case $2 in
	empty) : >"$f" ;;
	half) size=$(stat -c %s "$f") && truncate -s $((size / 2)) "$f" ;;
	junk) printf '\0\377garbage{{{' >"$f" ;;
	esac
}

# next_commands_say FILE: ps -a, inspect, network ls, images: each either
# works or fails naming FILE; none panics. The output of all is kept in
# NEXT_OUT.
next_commands_say() {
	local file=$1 cmd rc out
	NEXT_OUT=
	for cmd in "ps -a" "network ls" "images" "run --rm --network none busybox true"; do
		out=$(md $cmd 2>&1) && rc=0 || rc=$?
		NEXT_OUT+="\$ mydocker $cmd ($rc)"$'\n'"$out"$'\n'
		if echo "$out" | grep -E 'panic|goroutine [0-9]+ \['; then
			echo "$NEXT_OUT" >&2
			echo "mydocker $cmd panicked" >&2
			return 1
		fi
		if [ $rc -ne 0 ] && ! grep -qF "$file" <<<"$out"; then
			echo "$NEXT_OUT" >&2
			echo "mydocker $cmd failed without naming $file" >&2
			return 1
		fi
	done
	# Some command must have said it: silence is not an answer.
	grep -qF "$file" <<<"$NEXT_OUT" || { echo "$NEXT_OUT" >&2; echo "no command named $file" >&2; return 1; }
}

# container_file_garbled NAME HOW: a running container's NAME file
# garbled; the container's directory (its writable layer) must survive
# the next commands, which name the file.
container_file_garbled() {
	local name=$1 how=$2 id dir saved
	id=$(md run -d busybox sh -c 'echo mine >/kept; sleep 1000')
	dir=$MD_ROOT/containers/$id
	[ -f "$dir/$name" ] || { echo "no $name in $dir" >&2; ls "$dir" >&2; return 1; }
	saved=$BATS_TEST_TMPDIR/saved.$name
	cp "$dir/$name" "$saved"
	garble "$dir/$name" "$how"
	count faults
	local rc=0
	next_commands_say "$dir/$name" || rc=$?
	if [ ! -d "$dir" ]; then
		leak "the container's directory $dir was deleted" || rc=1
	fi
	# put it back, so that the container can be removed
	[ -d "$dir" ] && cp "$saved" "$dir/$name"
	return $rc
}

# root_file_garbled FILE HOW: a file of the root (images.json, a
# network's) garbled: the next commands name it; images and containers
# made before are still there once it is put back.
root_file_garbled() {
	local f=$MD_ROOT/$1 how=$2 saved rc=0
	md network create faultnet >/dev/null
	md run --rm --network faultnet busybox true
	[ -f "$f" ] || { echo "no $f" >&2; ls -R "$MD_ROOT" | head -n 40 >&2; return 1; }
	saved=$BATS_TEST_TMPDIR/saved.root
	cp "$f" "$saved"
	garble "$f" "$how"
	count faults
	next_commands_say "$f" || rc=$?
	cp "$saved" "$f"
	md images | grep -q '^busybox ' || { echo "busybox is gone" >&2; rc=1; }
	return $rc
}

@test "a container's state files truncated or garbled: named, never deleted, no panic" {
	local name how
	for name in config.json; do
		for how in empty half junk; do
			fault_case "containers/ID/$name $how" container_file_garbled "$name" "$how"
			assert_clean >/dev/null 2>&1 || true
		done
	done
	cases_done
}

@test "images.json and a network's file truncated or garbled: named, no panic" {
	local f how
	for f in images.json networks/faultnet.json; do
		for how in empty junk; do
			fault_case "$f $how" root_file_garbled "$f" "$how"
			assert_clean >/dev/null 2>&1 || true
		done
	done
	cases_done
}
