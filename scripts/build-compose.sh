#!/usr/bin/env bash
# scripts/build-compose.sh VERSION OUT
#
# Builds docker compose (github.com/docker/compose/v5, its cmd: the docker
# CLI plugin docker-compose) at VERSION (such as v5.6.0) from the Go module
# proxy into OUT, for final-api-compose.bats, which drives mydocker's
# Engine API with it. It builds the module's own source with its own
# go.mod and go.sum, as compose's Makefile does, with the version
# stamped in ("docker compose version"). GOTOOLCHAIN=local: a release
# that wants a newer Go than this machine's fails here, saying so, rather
# than fetching one (v5.7 wants Go 1.26.10).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || die "usage: $0 VERSION OUT"
version=$1 out=$(realpath -m "$2")
export GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local

src=$(go mod download -json "github.com/docker/compose/v5@$version" |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$src" ] || die "could not download docker/compose $version"
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cp -r "$src/." "$work"
chmod -R u+w "$work"
cd "$work"
mkdir -p "$(dirname "$out")"
go build -trimpath -o "$out.new" \
	-ldflags "-X github.com/docker/compose/v5/internal.Version=$version" \
	./cmd
mv "$out.new" "$out"
