#!/usr/bin/env bash
# scripts/integration/in-vm.sh STAGE:CHAPTER[,CHAPTER...]... [runc-suite]
#
# Runs inside the cgroup v2 VM (scripts/test.sh starts it through
# scripts/vm-run.sh, one boot for all): for each STAGE, the tests of the
# CHAPTERs' bats files that are tagged "cgroups" (helpers.bash says which
# those are) or "criu" (checkpoint and restore: the VM's kernel is one
# Debian's CRIU knows, this host's may not be), against that stage's
# binary, in TAP, each with its time.
# "runc-suite" then runs runc's own integration tests against final/'s
# mydocker-runc (scripts/runc-suite.sh, built on the host): on cgroup v2,
# as most nodes run it, and in the VM's own kernel, where its cgroups and
# mounts meet none of the host's tests. Its files that drive cgroup v2
# limits (RUNC_SUITE_VM_FILES: update, cgroups), not all of --subset:
# under emulation those two take 9 minutes, and the VM's work slows the
# host's tests beside it (with exec, delete and events too, 16 minutes,
# and CI went over its 45).
set -uo pipefail
source "$(dirname "$0")/../lib.sh"

status=0
# VM_PS_LOG=FILE: every 30 s, what runs in the VM then, the busiest
# first (top's second frame), in FILE: when a run hangs, its last
# snapshot says where (scripts/test.sh shows it).
if [ -n "${VM_PS_LOG:-}" ]; then
	(
		while sleep 30; do
			{
				echo "# $(date +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"
				top -b -c -w 250 -d 1 -n 2 | awk '/^top -/ { n++ } n == 2' | grep -v ' [0-9:.]* \[.*\]$'
			} >"$VM_PS_LOG.new" 2>&1
			mv "$VM_PS_LOG.new" "$VM_PS_LOG"
		done
	) &
	watcher=$!
	trap 'kill $watcher 2>/dev/null' EXIT
fi
# The binaries and the image run from the VM's tmpfs, not from the
# repository's 9p share, which has no cache: there every mydocker command
# read its 19 MB binary from the host again, 2 to 5 s under emulation
# against half a second from the tmpfs, and the tests run hundreds.
bin=$(mktemp -d /tmp/mydocker-build.XXXXXX)
mkdir -p "$bin/images" "$bin/tools"
cp "$BUILD/images/busybox.tar" "$bin/images/"
export BUSYBOX_TAR="$bin/images/busybox.tar"
# crictl, built by scripts/test.sh on the host (the VM has no Go module
# cache), for final-containerd.bats's CRI test.
CRICTL=${CRICTL:-$(ls "$BUILD"/tools/crictl-* 2>/dev/null | tail -n 1)}
if [ -n "$CRICTL" ]; then
	cp "$CRICTL" "$bin/tools/" && CRICTL="$bin/tools/${CRICTL##*/}"
fi
export CRICTL
runc_suite=
for entry in "$@"; do
	[ "$entry" = runc-suite ] && runc_suite=1 && continue
	stage=${entry%%:*}
	IFS=, read -r -a chapters <<<"${entry#*:}"
	files=("${chapters[@]/#/$REPO/scripts/integration/}")
	echo "# $stage: ${chapters[*]} (cgroup v2 VM)"
	cp -r "$BUILD/$stage" "$bin/$stage"
	started=$(date +%s)
	MYDOCKER="$bin/$stage/mydocker" STAGE="$stage" TESTREGISTRY="$bin/$stage/testregistry" \
		BATS_TEST_TIMEOUT=300 bats --timing --formatter tap --filter-tags cgroups --filter-tags criu "${files[@]/%/.bats}" || status=1
	echo "# $stage: $(($(date +%s) - started)) s in the VM"
done
RUNC_SUITE_VM_FILES=${RUNC_SUITE_VM_FILES:-update cgroups}
# scripts/test.sh builds the suite in the background: it is there by now,
# or fails (runc-suite.failed; test.sh says why).
if [ -n "$runc_suite" ]; then
	for _ in $(seq 600); do
		[ -f "$BUILD/runc-suite/.version" ] || [ -e "$BUILD/runc-suite.failed" ] || { sleep 1; continue; }
		break
	done
	[ -f "$BUILD/runc-suite/.version" ] && [ ! -e "$BUILD/runc-suite.failed" ] || runc_suite=
fi
if [ -n "$runc_suite" ]; then
	echo "# runc's integration suite (scripts/runc-suite.sh: $RUNC_SUITE_VM_FILES), mydocker-runc (cgroup v2 VM)"
	started=$(date +%s)
	rc=0
	# shellcheck disable=SC2086 # a list of file names
	RUNC_SUITE_RESULTS="$BUILD/runc-suite/results-vm" "$REPO/scripts/runc-suite.sh" --no-build --runtimes mydocker-runc $RUNC_SUITE_VM_FILES 2>&1 || rc=$?
	echo "# runc's integration suite: $(($(date +%s) - started)) s in the VM"
	# scripts/test.sh counts it on its own, from this line.
	echo "# runc-suite status $rc"
fi
exit $status
