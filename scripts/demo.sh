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
stage=$(newest_stage)
bin="$BUILD/$stage/mydocker"

say "building $stage"
(cd "$REPO/$stage" && GOWORK=off GOFLAGS=-buildvcs=false go build -o "$bin" ./cmd/mydocker)

# The busybox image the container runs in (chapter 4 on).
image=/var/lib/mydocker/images/busybox.tar
if [ ! -f "$image" ]; then
	"$REPO/scripts/busybox-image.sh"
fi

say "running a container: $bin run sh -c '...'"
"$bin" run sh -c '
	hostname mydocker-demo
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

if [ -t 0 ] && [ -t 1 ]; then
	say "now a shell inside a container: try 'ps', 'ls /', 'touch /x' (gone after exit); 'exit' leaves"
	status=0
	"$bin" run -ti sh || status=$?
	say "the container exited with status $status"
else
	say "stdin is not a terminal: skipping the interactive shell ($bin run -ti sh)"
fi
