#!/usr/bin/env bash
# scripts/faults.sh [STAGE] [BATS-ARGS...]: the fault-injection suite
# (issue 21), against STAGE's mydocker (default: final). It kills the CLI,
# the monitor and init at sampled steps of each command (strace), fills a
# --root on a small tmpfs, runs out of descriptors and of pids, deletes the
# bridge, flushes iptables, garbles state files, and soaks 200 containers;
# after each fault the next command must work and nothing may be left.
# Every test uses a state root of its own in a temporary directory, never
# /var/lib/mydocker, and bats' teardowns clean up when a test fails.
#
# It ends with ONE line, "faults: C cases, F faults injected, L leaks
# found", and exits non-zero when any case failed.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

stage=final
if [ $# -gt 0 ] && is_stage "$1"; then stage=$1 && shift; fi
require_root "$@"
ensure_go
ensure_tools bats strace iptables ip busybox

# The binaries: scripts/test.sh has built them into .build; build them
# here when run alone (go build is a no-op when nothing changed).
build() {
	local out=$1 pkg=$2 dir=$3
	(cd "$REPO/$dir" && GOWORK=off GOFLAGS=-buildvcs=false go build -o "$out" "$pkg") || die "build $dir $pkg"
}
if [ -z "${MYDOCKER:-}" ]; then
	say "building $stage"
	build "$BUILD/$stage/mydocker" ./cmd/mydocker "$stage"
	for helper in mydocker-init mydocker-monitor; do # run's init and monitor, small and static
		if [ -d "$REPO/$stage/cmd/$helper" ]; then
			CGO_ENABLED=0 build "$BUILD/$stage/$helper" "./cmd/$helper" "$stage"
		fi
	done
	MYDOCKER=$BUILD/$stage/mydocker
fi
if [ -z "${TESTREGISTRY:-}" ]; then
	build "$BUILD/final/testregistry" ./internal/testregistry/cmd final
	TESTREGISTRY=$BUILD/final/testregistry
fi
BUSYBOX_TAR=${BUSYBOX_TAR:-$BUILD/images/busybox.tar}
[ -f "$BUSYBOX_TAR" ] || "$REPO/scripts/busybox-image.sh" --from busybox --out "$BUSYBOX_TAR" >&2 || die "could not make the busybox image"

stats=$(mktemp -d "${TMPDIR:-/tmp}/mydocker-faults.XXXXXX")
trap 'rm -rf "$stats"' EXIT
# final/ only for now: the cases use its CLI (pull, load, import, -p on
# a network of network create's defaults, inspect -f).
[ "$stage" = final ] || die "the fault suite runs against final"
# The quick files first, the long kill sweep last (FAULTS_FILES="kill
# disk" runs those only).
files=()
for f in ${FAULTS_FILES:-state network limits disk soak build kill}; do files+=("$REPO/scripts/faults/$f.bats"); done

log="$BUILD/logs/faults-$stage.log"
mkdir -p "$BUILD/logs"
MYDOCKER="$MYDOCKER" STAGE="$stage" TESTREGISTRY="$TESTREGISTRY" BUSYBOX_TAR="$BUSYBOX_TAR" FAULTS_STATS="$stats" \
	bats --formatter tap "$@" "${files[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

sum() { cat "$stats/$1" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
failed=$(sum failed)
notok=$(grep -c '^not ok ' "$log")
echo "faults: $(sum cases) cases, $(sum faults) faults injected, $(sum leaks) leaks found, $failed cases failed, $(sum known) known to fail (scripts/faults/known.txt) ($notok of $(grep -c '^\(not \)\?ok ' "$log") tests)"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
