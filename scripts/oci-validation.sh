#!/usr/bin/env bash
# Runs the OCI runtime-tools validation suite (its validation/ test
# binaries and runtimetest) against mydocker-runc, and against runc and
# crun when they are installed, in the same run: each runtime gets a
# private --root, and the script prints every test's result, the reason
# for each failure, and a total per runtime.
#
#   sudo scripts/oci-validation.sh [--min N] [--ours-only | --others-only] [--no-build] [TEST...]
#
# A test binary is clean when it exits 0 and reports no failure: no
# "not ok", and at least one "ok"; a test that reports no "ok" (the hook
# and *_fail tests) when it says something and no "error". A test that
# says nothing at all has not run. --ours-only skips runc and crun,
# --others-only mydocker-runc (scripts/test.sh runs the two beside each
# other). With --min N the script fails unless mydocker-runc has
# at least N clean. --no-build takes the suite and .build/mydocker-runc as
# built last (the cgroup v2 VM has no Go module cache:
# scripts/vm-run.sh "$PWD" -- scripts/oci-validation.sh --no-build). The
# suite is built once, from the Go module proxy, at
# the commit youki pins, into .build/runtime-tools.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RT_VERSION=v0.9.1-0.20230914150019-408c51e934dc
MIN=0
OURS_ONLY=
OTHERS_ONLY=
NO_BUILD=
while [ $# -gt 0 ]; do
	case $1 in
	--min) MIN=$2; shift 2 ;;
	--ours-only) OURS_ONLY=1; shift ;;
	--others-only) OTHERS_ONLY=1; shift ;;
	--no-build) NO_BUILD=1; shift ;;
	-h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
ONLY=("$@")
[ -z "$OURS_ONLY" ] || [ -z "$OTHERS_ONLY" ] || die "--ours-only and --others-only leave nothing to run"

require_root "$@"
if [ -z "$NO_BUILD" ]; then
	ensure_go
	ensure_tools gcc pkg-config libseccomp tar
fi

SUITE="$BUILD/runtime-tools"
OUT="$BUILD/oci-validation"

# build_suite fetches the pinned module and builds runtimetest (static:
# it runs inside the test's busybox rootfs) and the test binaries.
build_suite() {
	[ -x "$SUITE/runtimetest" ] && [ -f "$SUITE/.version" ] && [ "$(cat "$SUITE/.version")" = "$RT_VERSION" ] && return 0
	say "building runtime-tools $RT_VERSION"
	local dir
	dir=$(cd "$REPO/final" && GOWORK=off GOFLAGS=-mod=mod go mod download -json "github.com/opencontainers/runtime-tools@$RT_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
	[ -d "$dir" ] || die "cannot fetch github.com/opencontainers/runtime-tools@$RT_VERSION through the Go module proxy"
	rm -rf "$SUITE" && mkdir -p "$BUILD" && cp -r "$dir" "$SUITE" && chmod -R u+w "$SUITE"
	# Its vendor/ is incomplete in the module zip: build from the proxy.
	rm -rf "$SUITE/vendor"
	(cd "$SUITE" && export GOWORK=off &&
		CGO_ENABLED=0 GOFLAGS=-mod=mod go build -tags "netgo osusergo" -o runtimetest ./cmd/runtimetest &&
		mkdir -p tests && GOFLAGS=-mod=mod go build -o tests/ $(ls -d ./validation/*/ | grep -v /util/))
	echo "$RT_VERSION" > "$SUITE/.version"
}

if [ -z "$NO_BUILD" ]; then
	build_suite
	if [ -z "$OTHERS_ONLY" ]; then
		say "building mydocker-runc"
		(cd "$REPO/final" && go build -o "$BUILD/mydocker-runc" ./cmd/mydocker-runc)
	fi
fi
[ -x "$SUITE/runtimetest" ] && { [ -n "$OTHERS_ONLY" ] || [ -x "$BUILD/mydocker-runc" ]; } || die "nothing built: run scripts/oci-validation.sh without --no-build first"

TMP=$(mktemp -d /tmp/oci-validation.XXXXXX)
# The bundles are in here (below): a container in a user namespace must
# be able to walk to its rootfs.
chmod 711 "$TMP"
cleanup() {
	local w
	for w in "$TMP"/*-wrapper; do
		[ -e "$w" ] || continue
		"$w" list -q 2>/dev/null | while read -r id; do "$w" delete --force "$id" >/dev/null 2>&1 || true; done
	done
	# A test binary's leftovers were removed after it (clean_after): a
	# mount still here is one that would not go, never to be rm'ed through.
	mounts_under "$TMP" | while IFS= read -r m; do umount -l "$m" 2>/dev/null || true; done
	if [ -n "$(mounts_under "$TMP")" ]; then
		echo "still mounted under $TMP, left in place:" >&2 && mounts_under "$TMP" >&2
	else
		rm -rf --one-file-system "$TMP"
	fi
}
trap cleanup EXIT

RUNTIMES=(mydocker-runc)
declare -A BIN=([mydocker-runc]="$BUILD/mydocker-runc")
[ -z "$OTHERS_ONLY" ] || RUNTIMES=()
for rt in runc crun; do
	[ -n "$OURS_ONLY" ] && break
	if command -v "$rt" >/dev/null 2>&1; then
		RUNTIMES+=("$rt")
		BIN[$rt]=$(command -v "$rt")
	fi
done

TESTS=()
for t in "$SUITE"/tests/*; do
	[ -x "$t" ] && [ -f "$t" ] && TESTS+=("$(basename "$t")")
done
[ ${#ONLY[@]} -gt 0 ] && TESTS=("${ONLY[@]}")

# reason prints why a test failed: the known reason of the host or the
# suite, else the first failure it reports.
reason() {
	local test=$1 tap=$2 known
	known=$(awk -v t="$test" '!/^#/ && $1 == t { $1 = ""; sub(/^ /, ""); print; exit }' "$REPO/scripts/oci-validation-known.txt")
	if [ -n "$known" ]; then
		echo "known: $known"
		return
	fi
	{ grep -m1 -e '^not ok' -e 'level=error' -e 'mydocker-runc:' -e '"error":' "$tap" || grep -m1 -v '^TAP' "$tap" || echo "no output"; } | cut -c1-160
}

# mounts_under DIR prints the mount points at or below DIR, deepest first
# (mountinfo escapes a space in a path as \040).
mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
		sed 's/\\040/ /g' | sort -r
}

# procs_left RT BEFORE prints the processes that were not there BEFORE (a
# list of pids) and are the runtime's own or live in a bundle of this run:
# a container's root is another mount namespace's, so its mountinfo says
# where its root came from, which names this run's directory.
procs_left() {
	local rt=$1 before=" $2 " p pid tag
	tag="/$(basename "$TMP")/"
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] && continue
		case "$before" in *" $pid "*) continue ;; esac
		if [ "$(readlink "$p/exe" 2>/dev/null)" = "${BIN[$rt]}" ] ||
			awk -v t="$tag" '$5 == "/" && index($4, t) { f = 1 } END { exit !f }' "$p/mountinfo" 2>/dev/null; then
			echo "$pid"
		fi
	done
}

# clean_after RT TESTTMP PIDS-BEFORE: what a test binary left, removed, and said in one
# word for its result line: its containers in the runtime's state (deleted
# with the runtime), processes in its bundles (killed), and mounts under
# its bundles (unmounted, lazily, deepest first). A runtime that leaves
# mounts on the host is a bug of that runtime or of the suite, and so that
# this script leaves the host as it found it: issue 21.
clean_after() {
	local rt=$1 dir=$2 before=$3 w="$TMP/$1-wrapper" left=() pids mounts id
	while read -r id; do
		[ -n "$id" ] || continue
		left+=("container $id")
		"$w" kill "$id" KILL >/dev/null 2>&1 || true
		"$w" delete --force "$id" >/dev/null 2>&1 || true
	done < <("$w" list -q 2>/dev/null)
	pids=$(procs_left "$rt" "$before")
	if [ -n "$pids" ]; then
		left+=("$(echo $pids | wc -w) processes")
		kill -KILL $pids 2>/dev/null || true
	fi
	mounts=$(mounts_under "$dir")
	if [ -n "$mounts" ]; then
		left+=("$(echo "$mounts" | wc -l) mounts ($(echo "$mounts" | sed "s#^$dir/##" | sort | tr '\n' ' ' | sed 's/ $//'))")
		while IFS= read -r m; do umount -l "$m" 2>/dev/null || true; done <<<"$mounts"
	fi
	# Never rm through a mount that would not go (a /dev or /proc).
	[ -n "$(mounts_under "$dir")" ] || rm -rf --one-file-system "$dir" 2>/dev/null || true
	[ ${#left[@]} -eq 0 ] || { IFS=,; echo "left ${left[*]}"; }
}

declare -A CLEAN LEFT
for rt in "${RUNTIMES[@]}"; do
	mkdir -p "$OUT/$rt" "$TMP/$rt-root"
	printf '#!/bin/sh\nexec %s --root %s "$@"\n' "${BIN[$rt]}" "$TMP/$rt-root" > "$TMP/$rt-wrapper"
	chmod +x "$TMP/$rt-wrapper"
	say "validation: $rt (${BIN[$rt]})"
	CLEAN[$rt]=0 LEFT[$rt]=0
	for test in "${TESTS[@]}"; do
		tap="$OUT/$rt/$test.tap"
		rc=0
		# Each test binary makes its bundles in a directory of its own
		# (TMPDIR), so that what it leaves is known to be its.
		ttmp="$TMP/$rt-tmp" && mkdir -p -m 711 "$ttmp"
		before=$(cd /proc && echo [0-9]*)
		(cd "$SUITE" && TMPDIR="$ttmp" RUNTIME="$TMP/$rt-wrapper" timeout 120 "tests/$test") > "$tap" 2>&1 || rc=$?
		left=$(clean_after "$rt" "$ttmp" "$before")
		[ -z "$left" ] || LEFT[$rt]=$((LEFT[$rt] + 1))
		if [ $rc = 0 ] && ! grep -q '^not ok' "$tap" && { grep -q '^ok' "$tap" || { [ -s "$tap" ] && ! grep -q '^ *"error":' "$tap"; }; }; then
			CLEAN[$rt]=$((CLEAN[$rt] + 1))
			printf '  %-34s clean (%s ok)%s\n' "$test" "$(grep -c '^ok' "$tap" || true)" "${left:+; $left}"
		else
			printf '  %-34s FAIL  %s%s\n' "$test" "$(reason "$test" "$tap")" "${left:+; $left}"
		fi
	done
done

echo
echo "runtime-tools $RT_VERSION: clean test binaries, of ${#TESTS[@]}"
for rt in "${RUNTIMES[@]}"; do
	printf '  %-14s %2d  (%s); %d left containers, processes or mounts, removed\n' "$rt" "${CLEAN[$rt]}" "$("${BIN[$rt]}" --version 2>/dev/null | head -n1)" "${LEFT[$rt]}"
done
if [ -z "$OTHERS_ONLY" ] && [ "${CLEAN[mydocker-runc]}" -lt "$MIN" ]; then
	die "mydocker-runc: ${CLEAN[mydocker-runc]} clean, fewer than --min $MIN"
fi
