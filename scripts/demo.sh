#!/usr/bin/env bash
# sudo scripts/demo.sh
#
# Builds the newest stage and runs a container with it. With a terminal it
# then opens a shell inside the container; without one (stdin closed or a
# pipe) it shows what it shows and exits.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

require_root "$@"
ensure_go
ensure_tools gcc pkg-config libseccomp # cgo: exec enters a container from C (chapter 5); final/ links libseccomp
# From chapter 6 on, containers join a bridge network, whose rules are iptables's.
ensure_tools iptables ip
stage=$(newest_stage)
bin="$BUILD/$stage/mydocker"

say "building $stage"
(cd "$REPO/$stage" && GOWORK=off GOFLAGS=-buildvcs=false go build -o "$bin" ./cmd/mydocker)
for helper in mydocker-init mydocker-monitor; do # run's init and monitor, small and static
	if [ -d "$REPO/$stage/cmd/$helper" ]; then
		(cd "$REPO/$stage" && GOWORK=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 go build -trimpath -o "$BUILD/$stage/$helper" "./cmd/$helper")
	fi
done

# The busybox image the container runs in (chapter 4 on). final/ keeps
# images in a store of its own: the host's static busybox is imported as
# busybox:latest (no registry, no network), once.
if "$bin" import --help >/dev/null 2>&1; then
	ensure_tools busybox
	if ! "$bin" images | grep -qE '^busybox +latest '; then
		say "importing the host's busybox as busybox:latest"
		"$REPO/scripts/busybox-image.sh" --from busybox --out "$BUILD/images/busybox.tar"
		"$bin" import --change 'CMD ["sh"]' "$BUILD/images/busybox.tar" busybox:latest >/dev/null
	fi
	"$bin" images
else
	image=/var/lib/mydocker/images/busybox.tar
	if [ ! -f "$image" ]; then
		"$REPO/scripts/busybox-image.sh"
	fi
fi

# final/'s containers join the network "bridge", made on first use (a
# bridge and iptables rules of the host's): the demo removes it again when
# it made it.
had_bridge=""
"$bin" network inspect bridge >/dev/null 2>&1 && had_bridge=1
id=""
cleanup() {
	[ -z "$id" ] || "$bin" rm -f "$id" >/dev/null 2>&1 || true
	if [ -z "$had_bridge" ] && "$bin" network inspect bridge >/dev/null 2>&1; then
		"$bin" network rm bridge >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT

say "running a container: $bin run --rm busybox sh -c '...'"
"$bin" run --rm busybox sh -c '
	echo "inside the container:"
	echo "  my PID:           $$"
	echo "  hostname:         $(hostname)"
	echo "  processes I see: $(cd /proc && echo [0-9]*)"
	echo "  network links:   $(sed 1,2d /proc/net/dev | cut -d: -f1 | tr -d " " | tr "\n" " ")"
	echo "  my root (/):     $(ls / | tr "\n" " ")"
'
echo "on the host:"
echo "  hostname:         $(hostname) (unchanged)"
echo "  processes:        $(cd /proc && ls -d [0-9]* | wc -l) of them"
echo "  root (/):         $(ls / | tr '\n' ' ')"

say "a container in the background: $bin run -d busybox ..."
id=$("$bin" run -d busybox sh -c 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 1; done')
sleep 2
"$bin" ps
say "$bin exec ${id:0:12} ps"
"$bin" exec "$id" ps
say "$bin logs ${id:0:12}"
"$bin" logs "$id"
say "$bin stop ${id:0:12}, then rm"
"$bin" stop -t 1 "$id" >/dev/null
"$bin" ps -a | grep -e '^CONTAINER' -e "^${id:0:12}"
"$bin" rm "$id" >/dev/null
id=""

if [ -t 0 ] && [ -t 1 ]; then
	say "now a shell inside a container: try 'ps', 'ls /', 'touch /x' (gone after exit); 'exit' leaves"
	status=0
	"$bin" run --rm -it busybox sh || status=$?
	say "the container exited with status $status"
else
	say "stdin is not a terminal: skipping the interactive shell ($bin run --rm -it busybox sh)"
fi
