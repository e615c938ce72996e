#!/usr/bin/env bash
# sudo scripts/bench-api.sh [RUNS]
#
# Times final/'s Engine API (mydocker system service) next to podman's
# (podman system service, Debian's package, when it is or can be
# installed), in the same run, both driven by the same docker CLI
# (scripts/build-docker-cli.sh), RUNS (10) of each, medians and ratios:
#   docker run --rm        docker run --rm --network none busybox true
#                          through each socket, and mydocker run --rm of
#                          the same without the API; docker --version,
#                          the CLI's own start (no request): what the
#                          API adds is the run less both
#   docker run -d          the same, detached
# (podman, where its service cannot run a container here, is left out of
# the rows that run one, saying why.)
#   docker ps -a, 100 made docker ps -a with 100 containers made (create)
#   docker ps, 100 running docker ps with 100 containers running (sleep),
#                          mydocker's alone
#   idle server RSS        each server's resident memory (VmRSS, MB)
#                          after the runs, idle for two seconds, and
#                          the share of it that is its own (RssAnon: the
#                          rest is its binary's pages, file-backed and
#                          shared with every process of that binary)
# The issue's targets (26): the API adds at most 2 ms to a run, and the
# server idles under 15 MB; the last lines say whether each is met.
#
# Everything (the state roots, podman's storage, the sockets) lives under a
# temporary directory and is removed at the end, also on failure; no
# container has a network, so nothing touches the host's.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

runs=${1:-10}
require_root
ensure_go
ensure_tools gcc pkg-config libseccomp busybox
have_tool podman || (ensure_tools podman) 2>/dev/null || say "no podman: it is left out"
bin="$BUILD/final/mydocker"
build_final
docker_cli="$BUILD/final/docker"
[ -x "$docker_cli" ] || "$REPO/scripts/build-docker-cli.sh" v29.9.3 "$docker_cli"

libpod_before=$(libpod_parents)
tmp=$(mktemp -d /tmp/mydocker-bench-api.XXXXXX)
md_pid="" pd_pid=""
md() { "$bin" --root "$tmp/md-root" "$@"; }
pd() {
	podman --root "$tmp/pd-root" --runroot "$tmp/pd-run" --tmpdir "$tmp/pd-tmp" \
		--cgroup-manager cgroupfs --events-backend file "$@"
}
cleanup() {
	local ids
	[ -z "$md_pid" ] || { kill "$md_pid" 2>/dev/null; wait "$md_pid" 2>/dev/null; } || true
	[ -z "$pd_pid" ] || { kill "$pd_pid" 2>/dev/null; wait "$pd_pid" 2>/dev/null; } || true
	if [ -d "$tmp/md-root/containers" ]; then
		ids=$(md ps -a -q 2>/dev/null) || true
		[ -z "$ids" ] || md rm -f $ids >/dev/null 2>&1 || true
	fi
	if [ -d "$tmp/pd-root" ]; then
		pd rm -a -f -t 0 >/dev/null 2>&1 || true
		pd system reset --force >/dev/null 2>&1 || true
	fi
	remove_libpod_parents "$libpod_before"
	grep -F " $tmp/" /proc/self/mountinfo | awk '{ print $5 }' | sort -r | xargs -r -n 1 umount -l 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# await_socket PATH: wait (10 s at most) for a server's socket.
await_socket() {
	local i
	for ((i = 0; i < 200; i++)); do [ -S "$1" ] && return 0; sleep 0.05; done
	die "no socket at $1"
}

say "the busybox image, in both stores, and both servers"
"$REPO/scripts/busybox-image.sh" --from busybox --out "$tmp/busybox.tar" >/dev/null
md import "$tmp/busybox.tar" busybox >/dev/null
# Not through md or pd: $! must be the server itself, for the clean-up.
"$bin" --root "$tmp/md-root" system service --host "unix://$tmp/md.sock" >/dev/null 2>"$tmp/md-server.log" &
md_pid=$!
await_socket "$tmp/md.sock"
if have_tool podman; then
	mkdir -p "$tmp/pd-tmp"
	# podman gives a container the largest RLIMIT_NOFILE and NPROC there
	# are, which a host that caps root's (a container without
	# CAP_SYS_RESOURCE) refuses: its containers get the caller's own.
	printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n' \
		"$(ulimit -Sn)" "$(ulimit -Hn)" "$(ulimit -Su)" "$(ulimit -Hu)" >"$tmp/containers.conf"
	export CONTAINERS_CONF=$tmp/containers.conf
	md save -o "$tmp/busybox-archive.tar" busybox
	pd load -q -i "$tmp/busybox-archive.tar" >/dev/null
	pd tag localhost/busybox:latest docker.io/library/busybox:latest 2>/dev/null || true
	podman --root "$tmp/pd-root" --runroot "$tmp/pd-run" --tmpdir "$tmp/pd-tmp" --cgroup-manager cgroupfs \
		--events-backend file system service --time 0 "unix://$tmp/pd.sock" >/dev/null 2>"$tmp/pd-server.log" &
	pd_pid=$!
	await_socket "$tmp/pd.sock"
fi
dk() { DOCKER_CONFIG=$tmp/docker-config DOCKER_HOST="unix://$tmp/$1.sock" "$docker_cli" "${@:2}"; }

# times N COMMAND...: the median of N runs (one more first, not counted:
# the page cache and the servers' first connections).
times() {
	local n=$1 i
	shift
	local out
	out=$("$@" 2>&1 </dev/null) || die "$* failed: $out"
	for ((i = 0; i < n; i++)); do time_ms "$@"; done | median
}
# rss_mb PID [FIELD]: its resident memory (VmRSS, or FIELD of
# /proc/PID/status, such as RssAnon) in MB.
rss_mb() { awk -v f="${2:-VmRSS}:" '$1 == f { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

declare -A result
say "docker run --rm through each socket, and mydocker run --rm"
result[run md]=$(times "$runs" dk md run --rm --network none busybox true)
result[run direct]=$(times "$runs" md run --rm --network none busybox true)
result[cli]=$(times "$runs" dk md --version)
# podman's service, where it cannot start a container (podman 4 answers
# the attach that docker's CLI v29 makes before its start with 409; a
# host that caps root's limits refuses the RLIMIT_NPROC it asks crun
# for), is left out of the rows that run one, saying why.
pd_runs=""
if [ -n "$pd_pid" ]; then
	if out=$(dk pd run -d --network none busybox true 2>&1); then
		pd_runs=1
	else
		say "podman's service cannot run a container here, left out of the runs: $(echo "$out" | grep -m1 -i error)"
	fi
fi
[ -z "$pd_runs" ] || ! dk pd run --rm --network none busybox true >/dev/null 2>&1 ||
	result[run pd]=$(times "$runs" dk pd run --rm --network none busybox true)
say "docker run -d through each socket"
result[rund md]=$(times "$runs" dk md run -d --network none busybox true)
[ -z "$pd_runs" ] || result[rund pd]=$(times "$runs" dk pd run -d --network none busybox true)
md rm -f $(md ps -a -q) >/dev/null
[ -z "$pd_pid" ] || pd rm -a -f -t 0 >/dev/null

say "100 containers made in each, then docker ps -a; 100 running in mydocker, then docker ps"
for ((i = 0; i < 100; i++)); do md create --network none busybox sleep 1000 >/dev/null; done
result[psa md]=$(times "$runs" dk md ps -a)
[ "$(dk md ps -a -q | wc -l)" -eq 100 ] || die "mydocker: docker ps -a does not list 100 containers"
if [ -n "$pd_pid" ]; then
	for ((i = 0; i < 100; i++)); do pd create --network none busybox sleep 1000 >/dev/null; done
	result[psa pd]=$(times "$runs" dk pd ps -a)
	[ "$(dk pd ps -a -q | wc -l)" -eq 100 ] || die "podman: docker ps -a does not list 100 containers"
fi
md rm -f $(md ps -a -q) >/dev/null
for ((i = 0; i < 100; i++)); do md run -d --network none busybox sleep 1000 >/dev/null; done
result[ps md]=$(times "$runs" dk md ps)
[ "$(dk md ps -q | wc -l)" -eq 100 ] || die "mydocker: docker ps does not list 100 containers"

sleep 2
result[rss md]=$(rss_mb "$md_pid")
result[anon md]=$(rss_mb "$md_pid" RssAnon)
if [ -n "$pd_pid" ]; then
	result[rss pd]=$(rss_mb "$pd_pid")
	result[anon pd]=$(rss_mb "$pd_pid" RssAnon)
fi

printf '\n%-44s %10s %10s %8s\n' "median of $runs (ms; MB)" mydocker podman ratio
row() {
	local what=$1 md=${result[$2 md]:-} pd=${result[$2 pd]:-} ratio=-
	[ -n "$pd" ] && ratio=$(awk -v a="$md" -v b="$pd" 'BEGIN { printf "%.3f", a / b }')
	printf '%-44s %10s %10s %8s\n' "$what" "$md" "${pd:--}" "$ratio"
}
row "docker run --rm --network none busybox true" run
row "docker run -d --network none busybox true" rund
row "docker ps -a, 100 made" psa
row "docker ps, 100 running" ps
row "idle server RSS (MB)" rss
row "  of which its own (RssAnon, MB)" anon
printf '%-44s %10s\n' "mydocker run --rm, without the API" "${result[run direct]}"
printf '%-44s %10s\n' "docker --version (the CLI alone)" "${result[cli]}"
echo
added=$(awk -v a="${result[run md]}" -v b="${result[run direct]}" -v c="${result[cli]}" 'BEGIN { printf "%.1f", a - b - c }')
goal() { if awk "BEGIN { exit !($2) }"; then echo "goal met:     $1"; else echo "goal not met: $1"; fi; }
goal "the API adds at most 2 ms to a run ($added ms: ${result[run md]} through the socket, less ${result[run direct]} without it and ${result[cli]} of the docker CLI's own start)" "$added <= 2"
goal "the server idles under 15 MB RSS (${result[rss md]} MB, of which ${result[anon md]} MB its own)" "${result[rss md]} < 15"
echo "$("$docker_cli" --version); $(podman --version 2>/dev/null || echo 'no podman'); $(uname -r), $(nproc) CPUs"
