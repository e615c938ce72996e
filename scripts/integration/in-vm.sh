#!/usr/bin/env bash
# scripts/integration/in-vm.sh STAGE:CHAPTER[,CHAPTER...]...
#
# Runs inside the cgroup v2 VM (scripts/test.sh starts it through
# scripts/vm-run.sh, one boot for all): for each STAGE, the bats files of
# the CHAPTERs against that stage's binary, in TAP.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"

status=0
# crictl, built by scripts/test.sh on the host (the VM has no Go module
# cache), for final-containerd.bats's CRI test.
CRICTL=${CRICTL:-$(ls "$BUILD"/tools/crictl-* 2>/dev/null | tail -n 1)}
export CRICTL
for entry in "$@"; do
	stage=${entry%%:*}
	IFS=, read -r -a chapters <<<"${entry#*:}"
	files=("${chapters[@]/#/$REPO/scripts/integration/}")
	echo "# $stage: ${chapters[*]} (cgroup v2 VM)"
	MYDOCKER="$BUILD/$stage/mydocker" STAGE="$stage" bats --formatter tap "${files[@]/%/.bats}" || status=1
done
exit $status
