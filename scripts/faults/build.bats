#!/usr/bin/env bats
# kill -9 during mydocker build (issue 25), as kill.bats does for the
# other commands: each build runs under strace, which kills the CLI, the
# monitor of a RUN's container or its init at a sample of their
# state-changing syscalls: during a COPY, during a RUN, and at every
# rename of a step's commit (its blobs, its layer, images.json, the cache
# index). After each kill the next command (ps -a) must work; then the
# next build must work and take what the killed one left (its RUN
# container, its scratch directory under build/, any mount there);
# rmi and system prune must then leave only busybox (no image, layer or
# cache entry of the builds); and nothing may be left on the machine.

load helpers
load sweep

setup() {
	fault_setup
	CTX=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$CTX"
	echo data >"$CTX/f.txt"
}
teardown() { fault_teardown; }

# The new mount API's calls, too: a build reads images through detached
# overlays (fsopen, fsconfig, fsmount).
BUILD_SYSCALLS=$KILL_SYSCALLS,fsconfig,fsmount

copy_dockerfile() { printf 'FROM busybox\nCOPY f.txt /f.txt\nCMD ["cat", "/f.txt"]\n' >"$CTX/Dockerfile"; }
run_dockerfile() { printf 'FROM busybox\nRUN echo ran > /ran && cat /ran\nCMD ["cat", "/ran"]\n' >"$CTX/Dockerfile"; }

# next_build WANT: the next build works, its image prints WANT, and it
# took what the killed build left; then rmi and system prune leave
# only busybox.
next_build() {
	local want=$1 err=$BATS_TEST_TMPDIR/next-build.err left
	md build --network none -q -t faultbuild "$CTX" >/dev/null 2>"$err" || { cat "$err" >&2; echo "the next build failed" >&2; return 1; }
	no_panic "$err"
	left=$(md run --rm --network none faultbuild)
	[ "$left" = "$want" ] || { echo "the next build's image prints '$left', not '$want'" >&2; return 1; }
	left=$(md ps -a --format '{{.Names}}')
	[ -z "$left" ] || leak "the killed build's containers are left after the next build: $left"
	left=$(find "$MD_ROOT/build" -mindepth 1 -maxdepth 1 ! -name cache)
	[ -z "$left" ] || leak "the killed build's files are left after the next build: $left"
	if grep -F " $MD_ROOT/build" /proc/self/mountinfo; then leak "a mount is left under build/ after the next build"; fi
	md rmi faultbuild >/dev/null
	md system prune -f >/dev/null 2>"$err" || { cat "$err" >&2; echo "system prune failed" >&2; return 1; }
	left=$(md images -a -q --no-trunc)
	[ "$left" = "$(md inspect -f '{{.Id}}' busybox)" ] || leak "images left after rmi and system prune: $left"
	left=$(ls "$MD_ROOT/layers")
	[ "$(echo "$left" | wc -l)" -eq 1 ] || leak "layers left after rmi and system prune: $left"
	left=$(ls -A "$MD_ROOT/build/cache" 2>/dev/null)
	[ -z "$left" ] || leak "build cache left after rmi and system prune: $left"
	left=$(find "$MD_ROOT" -maxdepth 1 -name '.images.json.tmp-*')
	[ -z "$left" ] || leak "images.json's temporary copies left: $left"
}

prep_copy() { copy_dockerfile; }
post_copy() { next_build data; }
prep_run() { run_dockerfile; }
post_run() { next_build ran; }

@test "kill -9 during build: a COPY and its commit" {
	KILL_SYSCALLS=$BUILD_SYSCALLS kill_sweep "build COPY" prep_copy post_copy md build --no-cache --network none -t faultbuild "$CTX"
}

@test "kill -9 during build: a RUN and its commit" {
	KILL_SYSCALLS=$BUILD_SYSCALLS kill_sweep "build RUN" prep_run post_run md build --no-cache --network none -t faultbuild "$CTX"
}

# Every rename of the build of a COPY: each commit's blobs, its layer,
# images.json, the cache index, one case each.
@test "kill -9 during build: at each rename of a step's commit" {
	local n max
	prep_copy
	run_traced renameat "" md build --no-cache --network none -t faultbuild "$CTX"
	max=$(census | awk '$1 == "renameat" { print $2 }')
	[ -n "$max" ] || { echo "no rename in the build's census" >&2; return 1; }
	post_copy >/dev/null 2>&1 || true
	md_clean_quiet
	echo "renames of the build: $max" >&3
	for ((n = 1; n <= max; n++)); do
		fault_case "build commit: kill at renameat #$n" kill_one renameat "$n" prep_copy post_copy md build --no-cache --network none -t faultbuild "$CTX"
	done
	cases_done
}
