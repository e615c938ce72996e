#!/usr/bin/env bash
# sudo scripts/bench.sh [--no-build] [RUNS]
#
# Times the newest stage's container lifecycle next to runc and crun, in
# the same run, on this machine: RUNS (30) of each, and prints the median
# and the ratio to runc. It installs Debian's runc and crun when it can
# (and skips one it cannot), uses a state root and bundles of its own
# under a temporary directory, and removes everything it made.
#   mydocker run -d busybox sleep   vs  runc run -d (create + start)
#   mydocker exec ID true           vs  runc exec ID true, crun exec ID true
# --no-build times the binary built last (in the cgroup v2 VM, which has
# no Go module cache: scripts/vm-run.sh "$PWD" -- scripts/bench.sh --no-build).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

build=1
[ "${1:-}" = --no-build ] && { build=""; shift; }
runs=${1:-30}
require_root
stage=$(newest_stage)
bin="$BUILD/$stage/mydocker"
if [ -n "$build" ]; then
	ensure_go
	ensure_tools gcc
	(cd "$REPO/$stage" && GOWORK=off GOFLAGS=-buildvcs=false go build -o "$bin" ./cmd/mydocker)
fi
[ -x "$bin" ] || die "no $bin: run scripts/bench.sh without --no-build first"
ensure_tools busybox
for tool in runc crun; do
	have_tool "$tool" || (ensure_tools "$tool") 2>/dev/null || say "no $tool: it is left out"
done

tmp=$(mktemp -d /tmp/mydocker-bench.XXXXXX)
root=$tmp/root
cleanup() {
	local id
	for id in $("$bin" --root "$root" ps -a -q 2>/dev/null); do "$bin" --root "$root" rm -f "$id" >/dev/null 2>&1 || true; done
	for tool in runc crun; do
		command -v "$tool" >/dev/null && [ -d "$tmp/$tool-state" ] || continue
		for id in $("$tool" --root "$tmp/$tool-state" list -q 2>/dev/null); do
			"$tool" --root "$tmp/$tool-state" delete -f "$id" >/dev/null 2>&1 || true
		done
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$root/images"
"$REPO/scripts/busybox-image.sh" --from busybox --out "$root/images/busybox.tar" >/dev/null
# final/ keeps its images in a store of its own: the tar is imported.
if "$bin" import --help >/dev/null 2>&1; then
	"$bin" --root "$root" import "$root/images/busybox.tar" busybox >/dev/null
fi

# median prints the median of the numbers on stdin (ms, 2 decimals).
median() { sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m }'; }

# time_ms COMMAND...: how long COMMAND took, in ms.
time_ms() {
	local start end
	start=$(date +%s%N)
	"$@" >/dev/null 2>&1 </dev/null
	end=$(date +%s%N)
	echo "scale=3; ($end - $start) / 1000000" | bc 2>/dev/null || awk -v d=$((end - start)) 'BEGIN { print d / 1000000 }'
}

declare -A result
md() { "$bin" --root "$root" "$@"; }

# mydocker: run -d (each removed untimed), then exec into one container.
md run --rm busybox true >/dev/null # the image is unpacked once, untimed
for ((i = 0; i < runs; i++)); do
	time_ms md run -d --name "bench-$i" busybox sleep 1000
done | median >"$tmp/md-run"
for ((i = 0; i < runs; i++)); do md rm -f "bench-$i" >/dev/null; done
result[mydocker run -d]=$(cat "$tmp/md-run")
md run -d --name bench busybox sleep 1000 >/dev/null
for ((i = 0; i < runs; i++)); do time_ms md exec bench true; done | median >"$tmp/md-exec"
result[mydocker exec]=$(cat "$tmp/md-exec")

# runc and crun: an OCI bundle of the same busybox image.
bundle=$tmp/bundle
mkdir -p "$bundle/rootfs"
tar -xf "$root/images/busybox.tar" -C "$bundle/rootfs"
for tool in runc crun; do
	command -v "$tool" >/dev/null || continue
	(cd "$bundle" && rm -f config.json && runc spec 2>/dev/null || crun spec)
	# Detached, no terminal, sleeping: as the mydocker container.
	sed -i -e 's/"terminal": true/"terminal": false/' -e 's/"sh"/"sleep", "1000"/' "$bundle/config.json"
	state=$tmp/$tool-state
	if ! "$tool" --root "$state" run -d --bundle "$bundle" probe >"$tmp/probe.log" 2>&1 </dev/null; then
		say "$tool cannot run a container here, so it is left out: $(cat "$tmp/probe.log")"
		continue
	fi
	"$tool" --root "$state" delete -f probe >/dev/null 2>&1
	for ((i = 0; i < runs; i++)); do
		time_ms "$tool" --root "$state" run -d --bundle "$bundle" "bench-$i"
	done | median >"$tmp/$tool-run"
	for ((i = 0; i < runs; i++)); do "$tool" --root "$state" delete -f "bench-$i" >/dev/null 2>&1; done
	result[$tool run -d]=$(cat "$tmp/$tool-run")
	"$tool" --root "$state" run -d --bundle "$bundle" bench >/dev/null 2>&1
	for ((i = 0; i < runs; i++)); do time_ms "$tool" --root "$state" exec bench true; done | median >"$tmp/$tool-exec"
	result[$tool exec]=$(cat "$tmp/$tool-exec")
	"$tool" --root "$state" delete -f bench >/dev/null 2>&1 || true
done

printf '\n%-20s %12s %14s\n' "median of $runs" "ms" "x runc"
for what in "run -d" "exec"; do
	for tool in mydocker runc crun; do
		v=${result[$tool $what]:-}
		[ -n "$v" ] || continue
		base=${result[runc $what]:-}
		ratio=-
		[ -n "$base" ] && ratio=$(awk -v a="$v" -v b="$base" 'BEGIN { printf "%.2f", a / b }')
		printf '%-20s %12s %14s\n' "$tool $what" "$v" "$ratio"
	done
done
