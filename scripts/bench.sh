#!/usr/bin/env bash
# sudo scripts/bench.sh [--no-build] [--check] [--many N] [RUNS]
#
# Times the newest stage next to runc, crun and podman's conmon, in the
# same run, on this machine, and prints final/'s targets (issue 23) with
# the median of RUNS (30) of each and its ratio to what it is measured
# against, then every figure. It installs Debian's runc and crun when it
# can (and leaves out one it cannot run), uses a state root, bundles and
# networks of its own under a temporary directory, and removes everything
# it made, also when it fails.
#
#   run --rm true, no network      mydocker run --rm --network none  vs  crun run
#   the same on the bridge         mydocker run --rm                 vs  the no-network run
#   run -d                         mydocker run -d                   vs  runc run -d
#   exec true                      mydocker exec                     vs  crun exec
#   OCI run / exec, docker's       mydocker-runc run / exec on a bundle with docker's
#     seccomp profile                seccomp profile                 vs  crun's, same bundle
#   an idle supervisor's memory    the monitor's PSS (10 idle)       vs  conmon's
#   ps with MANY containers        mydocker ps, MANY running         ≤ 100 ms
#   JOINS joining one network      the last tenth's run -d           vs  the first tenth's
#
# MANY idle containers (1000) are started and removed in a loop, and what
# they cost in memory is printed. Debian's crun 1.8 refuses a hybrid
# cgroup host (a cgroup2 mount with controllers beside v1): it runs in a
# private mount namespace where /sys/fs/cgroup/unified is unmounted, on
# the v1 hierarchies.
#
# --check is CI's: 5 runs, 20 containers and joins, and a line "warning:"
# for each ratio more than twice its figure in scripts/bench-baseline.txt
# (measured on the machine that wrote it), so that a change that doubles a
# figure is seen. It is a benchmark, not a timed test: it fails only when
# a command fails. --no-build times the binaries built last (the cgroup
# v2 VM has no Go module cache: scripts/vm-run.sh "$PWD" -- scripts/bench.sh --no-build).
# --many N starts N idle containers and N joins instead of 1000 and 100
# (the VM, where each start costs a third of a second).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

build=1 check="" runs="" many=1000 joins=100
while [ $# -gt 0 ]; do
	case "$1" in
	--no-build) build="" ;;
	--check) check=1 many=20 joins=20 ;;
	--many)
		many=$2 joins=$2
		shift
		;;
	*) runs=$1 ;;
	esac
	shift
done
runs=${runs:-$([ -n "$check" ] && echo 5 || echo 30)}
require_root
stage=$(newest_stage)
bin="$BUILD/$stage/mydocker"
if [ -n "$build" ]; then
	ensure_go
	ensure_tools gcc pkg-config libseccomp
	(cd "$REPO/$stage" && GOWORK=off GOFLAGS=-buildvcs=false go build -o "$bin" ./cmd/mydocker)
	for helper in mydocker-init mydocker-monitor; do # run's init and monitor, small and static
		if [ -d "$REPO/$stage/cmd/$helper" ]; then
			(cd "$REPO/$stage" && GOWORK=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 go build -trimpath -o "$BUILD/$stage/$helper" "./cmd/$helper")
		fi
	done
	if [ -d "$REPO/$stage/cmd/mydocker-runc" ]; then
		(cd "$REPO/$stage" && GOWORK=off GOFLAGS=-buildvcs=false go build -o "$BUILD/$stage/mydocker-runc" ./cmd/mydocker-runc)
		(cd "$REPO/$stage" && GOWORK=off GOFLAGS=-buildvcs=false go build -o "$BUILD/$stage/dockerprofile" ./internal/dockerprofile)
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
# crun on a hybrid host: in a mount namespace of its own, without the
# cgroup2 mount that has controllers (see above).
hybrid=""
mountpoint -q /sys/fs/cgroup/unified 2>/dev/null && hybrid=1

libpod_before=$(libpod_parents)
# podman hands runc no --root of ours: runc's default state directory,
# made by the conmon figure below, goes again when it was not here.
run_dirs_before=$(ls -d /run/runc /run/crun 2>/dev/null || true)
tmp=$(mktemp -d /tmp/mydocker-bench.XXXXXX)
root=$tmp/root
cleanup() {
	local id
	for id in $("$bin" --root "$root" ps -a -q 2>/dev/null); do "$bin" --root "$root" rm -f "$id" >/dev/null 2>&1 || true; done
	# final/'s "bridge", made on first use, and the bench's own network:
	# the host's bridges and rules.
	for id in $("$bin" --root "$root" network ls 2>/dev/null | awk 'NR > 1 { print $1 }'); do
		"$bin" --root "$root" network rm "$id" >/dev/null 2>&1 || true
	done
	for tool in "${!oci[@]}"; do
		[ -d "$tmp/$tool-state" ] || continue
		for id in $(in_ns "$tool" "${oci[$tool]}" --root "$tmp/$tool-state" list -q 2>/dev/null); do
			in_ns "$tool" "${oci[$tool]}" --root "$tmp/$tool-state" delete -f "$id" >/dev/null 2>&1 || true
		done
	done
	remove_libpod_parents "$libpod_before"
	for id in /run/runc /run/crun; do
		grep -q -x -F "$id" <<<"$run_dirs_before" || rmdir "$id" 2>/dev/null || true
	done
	# podman's storage leaves its overlay mounted on itself.
	grep -F " $tmp/" /proc/self/mountinfo | awk '{ print $5 }' | sort -r | xargs -r -n 1 umount -l 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# The binaries run from a copy in $tmp: in the VM the repository is a 9p
# share without a page cache, where every start read the 19 MB binary
# from the host again (some 0.7 s of each figure there). Only root may
# write $tmp (mktemp's 0700), as mydocker's small helpers beside it
# must be for it to use them.
mkdir "$tmp/bin"
for f in mydocker mydocker-init mydocker-monitor mydocker-runc; do
	if [ -x "$BUILD/$stage/$f" ]; then cp "$BUILD/$stage/$f" "$tmp/bin/"; fi
done
bin=$tmp/bin/mydocker
if [ -n "${oci[mydocker-runc]:-}" ]; then oci[mydocker-runc]=$tmp/bin/mydocker-runc; fi

# in_ns TOOL COMMAND...: COMMAND, in crun's mount namespace when TOOL is
# crun on a hybrid host.
in_ns() {
	local tool=$1
	shift
	if [ "$tool" = crun ] && [ -n "$hybrid" ]; then
		unshare -m sh -c 'umount /sys/fs/cgroup/unified && exec "$@"' sh "$@"
	else
		"$@"
	fi
}

mkdir -p "$root/images"
"$REPO/scripts/busybox-image.sh" --from busybox --out "$root/images/busybox.tar" >/dev/null
# final/ keeps its images in a store of its own: the tar is imported.
if "$bin" import --help >/dev/null 2>&1; then
	"$bin" --root "$root" import "$root/images/busybox.tar" busybox >/dev/null
fi

# median prints the median of the numbers on stdin (2 decimals).
median() { sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m }'; }

# time_ms COMMAND...: how long COMMAND took, in ms. bash's own clock: no
# process is started around the command.
time_ms() {
	local start=$EPOCHREALTIME end
	"$@" >/dev/null 2>&1 </dev/null || { echo "failed: $*" >&2; return 1; }
	end=$EPOCHREALTIME
	awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) * 1000 }'
}

# repeat N COMMAND...: COMMAND N times, timed; "{}" in it becomes the
# round's number. Prints the median.
repeat() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do time_ms "${@//\{\}/$i}" || return 1; done | median
}

# memory_of PID...: "RSS PSS" in MB, averaged over the processes.
memory_of() {
	local pid rss=0 pss=0 n=0
	for pid in "$@"; do
		rss=$((rss + $(awk '/^Rss:/ { print $2 }' "/proc/$pid/smaps_rollup")))
		pss=$((pss + $(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup")))
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] && awk -v r=$rss -v p=$pss -v n=$n 'BEGIN { printf "%.2f %.2f\n", r / n / 1024, p / n / 1024 }'
}

# available_mb: the machine's MemAvailable, in MB.
available_mb() { awk '/^MemAvailable:/ { printf "%d", $2 / 1024 }' /proc/meminfo; }

declare -A result
md() { "$bin" --root "$root" "$@"; }
# rm_all removes every container of the bench's root, at once.
rm_all() {
	local ids
	ids=$(md ps -a -q)
	[ -z "$ids" ] || md rm -f $ids >/dev/null
}

# final/ puts a container on "bridge" unless told otherwise: runc's has no
# network, so neither has ours, but where the bridge is what is timed.
final="" nonet=()
if md run --help 2>/dev/null | grep -- --log-opt >/dev/null; then final=1 nonet=(--network none); fi

say "mydocker: run -d, exec, run --rm ($runs runs each)"
md run --rm "${nonet[@]}" busybox true >/dev/null # the image is unpacked once, untimed
result[mydocker run -d]=$(repeat "$runs" md run -d "${nonet[@]}" --name "bench-{}" busybox sleep 1000)
rm_all
md run -d "${nonet[@]}" --name bench busybox sleep 1000 >/dev/null
result[mydocker exec]=$(repeat "$runs" md exec bench true)
md rm -f bench >/dev/null
if [ -n "$final" ]; then
	result[mydocker run --rm]=$(repeat "$runs" md run --rm --network none busybox true)
	# The cost of the secure defaults (capabilities, seccomp, masks, the
	# device policy): the same run, --privileged.
	result[mydocker run --rm privileged]=$(repeat "$runs" md run --rm --network none --privileged busybox true)
	md run --rm busybox true >/dev/null # "bridge" is made once, untimed
	result[mydocker run --rm bridge]=$(repeat "$runs" md run --rm busybox true)
	md network rm bridge >/dev/null
fi

# runc, crun and mydocker-runc: an OCI bundle of the same busybox image,
# with the default config of runc (or crun, or ours).
bundle=$tmp/bundle
mkdir -p "$bundle/rootfs"
tar -xf "$root/images/busybox.tar" -C "$bundle/rootfs"
(cd "$bundle" && { runc spec 2>/dev/null || crun spec 2>/dev/null || "${oci[mydocker-runc]}" spec; })
sed -i -e 's/"terminal": true/"terminal": false/' "$bundle/config.json"
cp "$bundle/config.json" "$tmp/config.plain"
# The same config with docker's seccomp profile, for the bundle's
# capabilities.
profile=""
if [ -x "$BUILD/$stage/dockerprofile" ] && command -v python3 >/dev/null; then
	caps=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["process"]["capabilities"]["bounding"]))' "$tmp/config.plain")
	# shellcheck disable=SC2086 # one argument per capability
	"$BUILD/$stage/dockerprofile" $caps >"$tmp/profile.json"
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); c["linux"]["seccomp"]=json.load(open(sys.argv[2])); json.dump(c, open(sys.argv[3], "w"))' \
		"$tmp/config.plain" "$tmp/profile.json" "$tmp/config.seccomp"
	profile=1
fi

# oci_times TOOL BINARY SUFFIX CONFIG: run -d, exec and run (foreground,
# true) with the OCI runtime BINARY on the bundle with CONFIG, printed as
# "TOOL run -d SUFFIX<tab>ms" lines. Exported: crun's run in a bash of its
# own mount namespace on a hybrid host, which it times from inside.
oci_times() {
	local tool=$1 binary=$2 suffix=$3 config=$4 i
	rt() { "$binary" --root "$tmp/$tool-state" "$@"; }
	sed -e 's/"sh"/"sleep", "1000"/' "$config" >"$bundle/config.json"
	if ! rt run -d --bundle "$bundle" probe >"$tmp/probe.log" 2>&1 </dev/null; then
		say "$tool cannot run a container here, so it is left out: $(cat "$tmp/probe.log")"
		return 0
	fi
	rt delete -f probe >/dev/null 2>&1
	printf '%s\t%s\n' "$tool run -d$suffix" "$(repeat "$runs" rt run -d --bundle "$bundle" "bench-{}")"
	for ((i = 0; i < runs; i++)); do rt delete -f "bench-$i" >/dev/null 2>&1; done
	rt run -d --bundle "$bundle" bench >/dev/null 2>&1 </dev/null
	printf '%s\t%s\n' "$tool exec$suffix" "$(repeat "$runs" rt exec bench true)"
	rt delete -f bench >/dev/null 2>&1 || true
	sed -e 's/"sh"/"true"/' "$config" >"$bundle/config.json"
	printf '%s\t%s\n' "$tool run --rm$suffix" "$(repeat "$runs" rt run --bundle "$bundle" "rm-{}")"
}
export -f oci_times repeat time_ms median say
export tmp bundle runs
for tool in mydocker-runc runc crun; do
	[ -n "${oci[$tool]:-}" ] || continue
	say "$tool: run -d, exec, run ($runs runs each)${profile:+, and again with docker seccomp profile}"
	for config in plain ${profile:+seccomp}; do
		suffix=""
		[ "$config" = plain ] || suffix=" $config"
		if [ "$tool" = crun ] && [ -n "$hybrid" ]; then
			unshare -m bash -c 'umount /sys/fs/cgroup/unified && oci_times "$@"' bash "$tool" "${oci[$tool]}" "$suffix" "$tmp/config.$config"
		else
			oci_times "$tool" "${oci[$tool]}" "$suffix" "$tmp/config.$config"
		fi
	done
done >"$tmp/oci-results"
while IFS=$'\t' read -r key ms; do result[$key]=$ms; done <"$tmp/oci-results"

# Monitors' memory: PSS shares the pages the monitors have in common.
if [ -n "$final" ]; then
	say "memory of 10 idle monitors, and of 10 podman conmons"
	for ((i = 0; i < 10; i++)); do md run -d --network none --name "idle-$i" busybox sleep 1000 >/dev/null; done
	sleep 0.5
	memory_of $(pgrep -f -- "--root $root monitor" || true) >"$tmp/md-mem"
	rm_all
fi
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

# MANY idle containers: started, counted by ps, their memory, removed.
if [ -n "$final" ]; then
	say "$many idle containers: started, listed, removed"
	before=$(available_mb)
	for ((i = 0; i < many; i++)); do
		time_ms md run -d --network none --name "many-$i" busybox sleep 100000
	done | median >"$tmp/many-run"
	sleep 1
	after=$(available_mb)
	result[mydocker run -d, $many running]=$(cat "$tmp/many-run")
	result[mydocker ps, $many running]=$(repeat "$runs" md ps)
	result[mydocker ps -a, $many]=$(repeat "$runs" md ps -a)
	# A command that names one container reads that one alone.
	result[mydocker exec true, $many running]=$(repeat "$runs" md exec many-0 true)
	memory_of $(pgrep -f -- "--root $root monitor" || true) >"$tmp/many-mem"
	read -r _ many_pss <"$tmp/many-mem"
	start=$EPOCHREALTIME
	rm_all
	result[mydocker rm -f, $many at once]=$(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.2f", (e - s) * 1000 }')
	many_cost=$((before - after))
fi

# JOINS containers on one user network: does a join cost more when the
# network has more containers? The first tenth's median next to the last's.
if [ -n "$final" ]; then
	say "$joins containers joining one network"
	md network create --subnet 10.247.0.0/16 benchnet >/dev/null
	for ((i = 0; i < joins; i++)); do
		time_ms md run -d --network benchnet --name "join-$i" busybox sleep 100000
	done >"$tmp/joins"
	tenth=$((joins / 10))
	result[mydocker run -d, first $tenth joins]=$(head -n "$tenth" "$tmp/joins" | median)
	result[mydocker run -d, last $tenth joins]=$(tail -n "$tenth" "$tmp/joins" | median)
	rm_all
	md network rm benchnet >/dev/null
fi

# ratio A B: A / B, or - when either is missing.
ratio() { if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else echo -; fi; }

# The targets: what, its figure, what it is measured against, that
# figure, the ratio, the target ratio, and whether it is met.
declare -A ratios=()
target() {
	local key=$1 name=$2 v=$3 against=$4 b=$5 want=$6 r met=-
	r=$(ratio "$v" "$b")
	[ "$r" = - ] || met=$(awk -v r="$r" -v w="$want" 'BEGIN { print (r <= w) ? "met" : "missed" }')
	[ "$r" = - ] || ratios[$key]=$r
	printf '%-40s %9s  %-30s %9s %7s %7s  %s\n' "$name" "${v:--}" "$against" "${b:--}" "$r" "≤ $want" "$met"
}
echo
printf '%-40s %9s  %-30s %9s %7s %7s\n' "target (median of $runs, ms or MB)" "mydocker" "against" "" "ratio" "target"
target rm "run --rm true, no network" "${result[mydocker run --rm]:-}" "crun run" "${result[crun run --rm]:-}" 0.8
target bridge "run --rm true, the bridge" "${result[mydocker run --rm bridge]:-}" "mydocker, no network" "${result[mydocker run --rm]:-}" 1.2
target detach "run -d" "${result[mydocker run -d]:-}" "runc run -d" "${result[runc run -d]:-}" 1.0
target exec "exec true" "${result[mydocker exec]:-}" "crun exec" "${result[crun exec]:-}" 1.0
target ocirun "mydocker-runc run, docker's seccomp" "${result[mydocker-runc run --rm seccomp]:-}" "crun run, same bundle" "${result[crun run --rm seccomp]:-}" 1.0
target ociexec "mydocker-runc exec, docker's seccomp" "${result[mydocker-runc exec seccomp]:-}" "crun exec, same bundle" "${result[crun exec seccomp]:-}" 1.0
md_pss="" conmon_pss=""
[ -s "$tmp/md-mem" ] && read -r _ md_pss <"$tmp/md-mem"
[ -s "$tmp/conmon-mem" ] && read -r _ conmon_pss <"$tmp/conmon-mem"
target pss "idle supervisor PSS (MB, mean of 10)" "$md_pss" "podman's conmon" "$conmon_pss" 1.0
target ps "ps, $many running" "${result[mydocker ps, $many running]:-}" "100 ms" 100 1.0
target joins "run -d, last of $joins joins" "${result[mydocker run -d, last $((joins / 10)) joins]:-}" "the first $((joins / 10))" "${result[mydocker run -d, first $((joins / 10)) joins]:-}" 1.2
if [ -n "${many_cost:-}" ]; then
	printf '\n%s idle containers cost %s MB of the machine'"'"'s available memory (%s KB each); their monitors %s MB PSS each\n' \
		"$many" "$many_cost" "$((many_cost * 1024 / many))" "${many_pss:-?}"
fi

echo
printf '%-40s %9s %8s %8s\n' "every figure (median of $runs)" "ms" "x runc" "x crun"
for what in "run -d" "exec" "run --rm" "run --rm privileged" "run --rm bridge" "run -d seccomp" "exec seccomp" "run --rm seccomp"; do
	for tool in mydocker mydocker-runc runc crun; do
		v=${result[$tool $what]:-}
		[ -n "$v" ] || continue
		# With a bridge, next to theirs without one (they have no network).
		base=${what% bridge}
		base=${base% privileged}
		printf '%-40s %9s %8s %8s\n' "$tool $what" "$v" "$(ratio "$v" "${result[runc $base]:-}")" "$(ratio "$v" "${result[crun $base]:-}")"
	done
done
for what in "${!result[@]}"; do
	case "$what" in *", "*) printf '%-40s %9s\n' "$what" "${result[$what]}" ;; esac
done | sort
if [ -s "$tmp/md-mem" ]; then
	printf '\n%-40s %9s %8s\n' "idle monitor, mean of 10" "RSS MB" "PSS MB"
	read -r rss pss <"$tmp/md-mem"
	printf '%-40s %9s %8s\n' "mydocker monitor" "$rss" "$pss"
	if [ -s "$tmp/conmon-mem" ]; then
		read -r rss pss <"$tmp/conmon-mem"
		printf '%-40s %9s %8s\n' "podman conmon" "$rss" "$pss"
	fi
fi

# --check: each target's ratio next to the baseline's.
if [ -n "$check" ]; then
	baseline=$REPO/scripts/bench-baseline.txt
	echo
	warned=0
	for key in "${!ratios[@]}"; do
		was=$(awk -v k="$key" '$1 == k { print $2 }' "$baseline" 2>/dev/null)
		[ -n "$was" ] || continue
		if awk -v r="${ratios[$key]}" -v w="$was" 'BEGIN { exit !(r > 2 * w) }'; then
			echo "warning: $key: ratio ${ratios[$key]}, more than twice the baseline's $was (scripts/bench-baseline.txt)"
			warned=$((warned + 1))
		fi
	done
	echo "bench check: ${#ratios[@]} ratios, $warned more than twice the baseline"
fi
