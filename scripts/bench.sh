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
# final/ (issue 12's targets, next to crun; crun needs cgroup v2, so run
# it in the VM too):
#   mydocker run --rm --network none busybox true   vs  runc run, crun run
#   mydocker run --rm busybox true (the "bridge" network)
#   mydocker run --rm --privileged: what the secure defaults cost
#   mydocker-runc run -d / exec / run, final/'s OCI runtime, on the same
#   bundle as runc and crun
#   the memory of an idle detached container's monitor (RSS, and PSS with
#   10 of them), next to podman's conmon when podman runs here
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
	ensure_tools gcc pkg-config libseccomp
	(cd "$REPO/$stage" && GOWORK=off GOFLAGS=-buildvcs=false go build -o "$bin" ./cmd/mydocker)
	if [ -d "$REPO/$stage/cmd/mydocker-runc" ]; then
		(cd "$REPO/$stage" && GOWORK=off GOFLAGS=-buildvcs=false go build -o "$BUILD/$stage/mydocker-runc" ./cmd/mydocker-runc)
	fi
fi
[ -x "$bin" ] || die "no $bin: run scripts/bench.sh without --no-build first"
ensure_tools busybox
for tool in runc crun; do
	have_tool "$tool" || (ensure_tools "$tool") 2>/dev/null || say "no $tool: it is left out"
done

# The OCI runtimes timed on one bundle: final/'s own, runc, crun.
declare -A oci=()
[ -x "$BUILD/$stage/mydocker-runc" ] && oci[mydocker-runc]="$BUILD/$stage/mydocker-runc"
for tool in runc crun; do command -v "$tool" >/dev/null && oci[$tool]=$(command -v "$tool"); done

libpod_before=$(ls -d /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent 2>/dev/null || true)
tmp=$(mktemp -d /tmp/mydocker-bench.XXXXXX)
root=$tmp/root
cleanup() {
	local id
	for id in $("$bin" --root "$root" ps -a -q 2>/dev/null); do "$bin" --root "$root" rm -f "$id" >/dev/null 2>&1 || true; done
	# final/'s "bridge", made on first use: the host's bridge and rules.
	for id in $("$bin" --root "$root" network ls 2>/dev/null | awk 'NR > 1 { print $1 }'); do
		"$bin" --root "$root" network rm "$id" >/dev/null 2>&1 || true
	done
	for tool in "${!oci[@]}"; do
		[ -d "$tmp/$tool-state" ] || continue
		for id in $("${oci[$tool]}" --root "$tmp/$tool-state" list -q 2>/dev/null); do
			"${oci[$tool]}" --root "$tmp/$tool-state" delete -f "$id" >/dev/null 2>&1 || true
		done
	done
	# podman's parent cgroup (libpod_parent, with conmon's), made by the
	# bench's podman when there was none.
	if [ -z "$libpod_before" ]; then
		for id in /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent; do
			[ -d "$id" ] && find "$id" -depth -type d -exec rmdir {} \; 2>/dev/null
		done
	fi
	# podman's storage leaves its overlay mounted on itself.
	grep -F " $tmp/" /proc/self/mountinfo | awk '{ print $5 }' | sort -r | xargs -r -n 1 umount -l 2>/dev/null || true
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

# memory_of PID...: "RSS PSS" in MB, averaged over the processes.
memory_of() {
	local pid rss=0 pss=0 n=0
	for pid in "$@"; do
		rss=$((rss + $(awk '/^Rss:/ { print $2 }' "/proc/$pid/smaps_rollup")))
		pss=$((pss + $(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup")))
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] && awk -v r=$rss -v p=$pss -v n=$n 'BEGIN { printf "%.1f %.1f\n", r / n / 1024, p / n / 1024 }'
}

declare -A result
md() { "$bin" --root "$root" "$@"; }

# final/ puts a container on "bridge" unless told otherwise: runc's has no
# network, so neither has ours, but where the bridge is what is timed.
final="" nonet=()
if md run --help 2>/dev/null | grep -- --log-opt >/dev/null; then final=1 nonet=(--network none); fi

# mydocker: run -d (each removed untimed), then exec into one container.
md run --rm "${nonet[@]}" busybox true >/dev/null # the image is unpacked once, untimed
for ((i = 0; i < runs; i++)); do
	time_ms md run -d "${nonet[@]}" --name "bench-$i" busybox sleep 1000
done | median >"$tmp/md-run"
for ((i = 0; i < runs; i++)); do md rm -f "bench-$i" >/dev/null; done
result[mydocker run -d]=$(cat "$tmp/md-run")
md run -d "${nonet[@]}" --name bench busybox sleep 1000 >/dev/null
for ((i = 0; i < runs; i++)); do time_ms md exec bench true; done | median >"$tmp/md-exec"
result[mydocker exec]=$(cat "$tmp/md-exec")
md rm -f bench >/dev/null
if [ -n "$final" ]; then
	for ((i = 0; i < runs; i++)); do time_ms md run --rm --network none busybox true; done | median >"$tmp/md-rm"
	result[mydocker run --rm]=$(cat "$tmp/md-rm")
	# The cost of the secure defaults (capabilities, seccomp, masks, the
	# device policy): the same run, --privileged.
	for ((i = 0; i < runs; i++)); do time_ms md run --rm --network none --privileged busybox true; done | median >"$tmp/md-rm-priv"
	result[mydocker run --rm privileged]=$(cat "$tmp/md-rm-priv")
	md run --rm busybox true >/dev/null # "bridge" is made once, untimed
	for ((i = 0; i < runs; i++)); do time_ms md run --rm busybox true; done | median >"$tmp/md-rm-bridge"
	result[mydocker run --rm bridge]=$(cat "$tmp/md-rm-bridge")
	md network rm bridge >/dev/null
	# Monitors' memory: PSS shares the pages the monitors have in common.
	for ((i = 0; i < 10; i++)); do md run -d --network none --name "idle-$i" busybox sleep 1000 >/dev/null; done
	sleep 0.5
	monitors=$(pgrep -f -- "--root $root monitor" || true)
	memory_of $monitors >"$tmp/md-mem"
	for ((i = 0; i < 10; i++)); do md rm -f "idle-$i" >/dev/null; done
fi

# runc and crun: an OCI bundle of the same busybox image.
bundle=$tmp/bundle
mkdir -p "$bundle/rootfs"
tar -xf "$root/images/busybox.tar" -C "$bundle/rootfs"
for tool in mydocker-runc runc crun; do
	[ -n "${oci[$tool]:-}" ] || continue
	rt() { "${oci[$tool]}" "$@"; }
	# One config for all three: runc's (or crun's, or ours) default.
	(cd "$bundle" && rm -f config.json && { runc spec 2>/dev/null || crun spec 2>/dev/null || rt spec; })
	# Detached, no terminal, sleeping: as the mydocker container.
	sed -i -e 's/"terminal": true/"terminal": false/' -e 's/"sh"/"sleep", "1000"/' "$bundle/config.json"
	state=$tmp/$tool-state
	if ! rt --root "$state" run -d --bundle "$bundle" probe >"$tmp/probe.log" 2>&1 </dev/null; then
		say "$tool cannot run a container here, so it is left out: $(cat "$tmp/probe.log")"
		continue
	fi
	rt --root "$state" delete -f probe >/dev/null 2>&1
	for ((i = 0; i < runs; i++)); do
		time_ms rt --root "$state" run -d --bundle "$bundle" "bench-$i"
	done | median >"$tmp/$tool-run"
	for ((i = 0; i < runs; i++)); do rt --root "$state" delete -f "bench-$i" >/dev/null 2>&1; done
	result[$tool run -d]=$(cat "$tmp/$tool-run")
	rt --root "$state" run -d --bundle "$bundle" bench >/dev/null 2>&1
	for ((i = 0; i < runs; i++)); do time_ms rt --root "$state" exec bench true; done | median >"$tmp/$tool-exec"
	result[$tool exec]=$(cat "$tmp/$tool-exec")
	rt --root "$state" delete -f bench >/dev/null 2>&1 || true
	# Foreground, "true", removed on exit: as run --rm.
	sed -i -e 's/"sleep", "1000"/"true"/' "$bundle/config.json"
	for ((i = 0; i < runs; i++)); do
		time_ms rt --root "$state" run --bundle "$bundle" "rm-$i"
	done | median >"$tmp/$tool-rm"
	result[$tool run --rm]=$(cat "$tmp/$tool-rm")
done

# podman's conmon, the monitor that mydocker's is measured against: 10
# idle containers from the same rootfs, in a podman root of our own.
if [ -n "$final" ] && command -v podman >/dev/null; then
	# runc: Debian's podman takes crun, which refuses a hybrid cgroup host.
	pm() { podman --root "$tmp/podman-root" --runroot "$tmp/podman-run" --cgroup-manager cgroupfs --events-backend none --runtime runc "$@"; }
	for ((i = 0; i < 10; i++)); do
		# Lower ulimits than podman's default, which a root without
		# CAP_SYS_RESOURCE (a sandbox) may not set, for any runtime.
		pm run -d --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network none --name "idle-$i" --rootfs "$bundle/rootfs" sleep 1000 >/dev/null 2>"$tmp/podman.log" || break
	done
	sleep 0.5
	conmons=$(pgrep -f -- "conmon .*$tmp/podman" || true)
	if [ -n "$conmons" ]; then
		memory_of $conmons >"$tmp/conmon-mem"
	else
		say "podman could not run a container here, so conmon is left out: $(tail -n 1 "$tmp/podman.log")"
	fi
	pm rm -f -a >/dev/null 2>&1 || true
fi

# ratio A B: A / B, or - when either is missing.
ratio() { if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else echo -; fi; }

printf '\n%-30s %10s %8s %8s\n' "median of $runs" "ms" "x runc" "x crun"
for what in "run -d" "exec" "run --rm" "run --rm privileged" "run --rm bridge"; do
	for tool in mydocker mydocker-runc runc crun; do
		v=${result[$tool $what]:-}
		[ -n "$v" ] || continue
		# With a bridge, next to theirs without one (they have no network).
		base=${what% bridge}
		base=${base% privileged}
		printf '%-30s %10s %8s %8s\n' "$tool $what" "$v" "$(ratio "$v" "${result[runc $base]:-}")" "$(ratio "$v" "${result[crun $base]:-}")"
	done
done
if [ -s "$tmp/md-mem" ]; then
	printf '\n%-30s %10s %8s\n' "idle monitor, mean of 10" "RSS MB" "PSS MB"
	read -r rss pss <"$tmp/md-mem"
	printf '%-30s %10s %8s\n' "mydocker monitor" "$rss" "$pss"
	if [ -s "$tmp/conmon-mem" ]; then
		read -r rss pss <"$tmp/conmon-mem"
		printf '%-30s %10s %8s\n' "podman conmon" "$rss" "$pss"
	fi
fi
