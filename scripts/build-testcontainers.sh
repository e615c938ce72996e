#!/usr/bin/env bash
# scripts/build-testcontainers.sh OUTDIR
#
# Builds what final-api-testcontainers.bats runs, into OUTDIR:
#   testcontainers.test  the Go test of scripts/testcontainers (a module of
#                        its own, outside go.work, requiring
#                        testcontainers-go from the Go module proxy),
#                        compiled once with "go test -c";
#   ryuk                 scripts/testcontainers/reaper, our stand-in for
#                        testcontainers' Ryuk (its image cannot be pulled
#                        in the tests, its source is not on the proxy),
#                        static, for the image the bats file imports as
#                        testcontainers/ryuk.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
out=$(realpath -m "$1")
src=$REPO/scripts/testcontainers
export GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0
mkdir -p "$out"

(cd "$src" && go build -trimpath -o "$out/ryuk.new" ./reaper)
(cd "$src" && go test -c -o "$out/testcontainers.test.new" .)
mv "$out/ryuk.new" "$out/ryuk"
mv "$out/testcontainers.test.new" "$out/testcontainers.test"
