#!/usr/bin/env bash
# sudo scripts/bench-images.sh [RUNS]
#
# Times final/'s images next to podman (Debian's package, when it is or
# can be installed), in the same run, against a registry of our own on
# 127.0.0.1 (nothing leaves the machine): RUNS (5) of each, median and
# ratio to podman.
#   pull of a 5-layer image of ~100 MB (random data: no compression helps),
#     into an empty store each time      vs  podman pull into an empty store
#   mydocker run --rm IMAGE true, for a 1-layer and a 20-layer image
# Everything (state roots, the registry, podman's storage) lives under a
# temporary directory and is removed at the end.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

runs=${1:-5}
require_root
ensure_go
ensure_tools gcc pkg-config libseccomp busybox
have_tool podman || (ensure_tools podman) 2>/dev/null || say "no podman: it is left out"
bin="$BUILD/final/mydocker"
registry_bin="$BUILD/final/testregistry"
build_final "$registry_bin=./internal/testregistry/cmd"

libpod_before=$(libpod_parents)
tmp=$(mktemp -d /tmp/mydocker-bench-images.XXXXXX)
registry_pid=""
cleanup() {
	[ -z "$registry_pid" ] || kill "$registry_pid" 2>/dev/null || true
	remove_libpod_parents "$libpod_before"
	# podman's overlay storage mounts its own directory: unmount, deepest first.
	grep -F " $tmp/" /proc/self/mountinfo | awk '{ print $5 }' | sort -r | xargs -r -n 1 umount -l 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

"$REPO/scripts/busybox-image.sh" --from busybox --out "$tmp/busybox.tar" >/dev/null
"$registry_bin" serve "$tmp/registry.addr" &
registry_pid=$!
for ((i = 0; i < 50; i++)); do [ -s "$tmp/registry.addr" ] && break; sleep 0.1; done
reg=$(cat "$tmp/registry.addr")
say "registry on $reg: pushing the images"
"$registry_bin" bench "$reg/bench/big:5" 5 20
"$registry_bin" layers "$reg/bench/layers:1" "$tmp/busybox.tar" 1
"$registry_bin" layers "$reg/bench/layers:20" "$tmp/busybox.tar" 20

declare -A result
for ((i = 0; i < runs; i++)); do
	rm -rf "$tmp/md-root"
	time_ms "$bin" --root "$tmp/md-root" pull "$reg/bench/big:5"
done | median >"$tmp/r" && result[pull]=$(cat "$tmp/r")
[ "$("$bin" --root "$tmp/md-root" images -q | wc -l)" -eq 1 ] || die "mydocker pull did not store the image"

if have_tool podman; then
	# A store of our own, and an empty /var/lib in a mount namespace of its
	# own: podman keeps a cache in /var/lib/containers whatever --root says.
	pm() {
		unshare --mount --propagation private -- sh -c 'mount -t tmpfs tmpfs /var/lib && exec "$@"' sh \
			podman --root "$tmp/podman-root" --runroot "$tmp/podman-run" --storage-driver overlay \
			--cgroup-manager cgroupfs --events-backend none "$@"
	}
	for ((i = 0; i < runs; i++)); do
		pm rmi -a -f >/dev/null 2>&1 || true
		time_ms pm pull --tls-verify=false "$reg/bench/big:5"
	done | median >"$tmp/r" && result[podman pull]=$(cat "$tmp/r")
	pm rmi -a -f >/dev/null 2>&1 || true
fi

for n in 1 20; do
	"$bin" --root "$tmp/md-root" pull "$reg/bench/layers:$n" >/dev/null 2>&1
	"$bin" --root "$tmp/md-root" run --rm --network none "$reg/bench/layers:$n" true # warm (no network, as podman's)
	for ((i = 0; i < runs * 4; i++)); do
		time_ms "$bin" --root "$tmp/md-root" run --rm --network none "$reg/bench/layers:$n" true
	done | median >"$tmp/r" && result[run $n]=$(cat "$tmp/r")
	if have_tool podman; then
		pm pull --tls-verify=false "$reg/bench/layers:$n" >/dev/null 2>&1
		pm run --rm --network none "$reg/bench/layers:$n" true >/dev/null 2>&1 || true
		for ((i = 0; i < runs * 4; i++)); do
			time_ms pm run --rm --network none "$reg/bench/layers:$n" true
		done | median >"$tmp/r" && result[podman run $n]=$(cat "$tmp/r")
	fi
done

printf '\n%-46s %10s %12s\n' "median (ms)" "mydocker" "x podman"
row() {
	local what=$1 md=${result[$2]:-} pm=${result[$3]:-} ratio=-
	[ -n "$pm" ] && ratio=$(awk -v a="$md" -v b="$pm" 'BEGIN { printf "%.2f", a / b }')
	printf '%-46s %10s %12s   (podman %s)\n' "$what" "$md" "$ratio" "${pm:--}"
}
row "pull 5 layers, 100 MB, into an empty store" pull "podman pull"
row "run --rm, 1-layer image, true" "run 1" "podman run 1"
row "run --rm, 20-layer image, true" "run 20" "podman run 20"
