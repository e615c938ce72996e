#!/usr/bin/env bash
# scripts/build-docker-cli.sh VERSION OUT
#
# Builds the docker CLI (github.com/docker/cli/cmd/docker) at VERSION (such
# as v29.9.3) from the Go module proxy into OUT, for final-api.bats, which
# drives mydocker's Engine API with it. docker/cli has no go.mod (it keeps
# its pins in vendor.mod), so "go install ...@VERSION" resolves every
# dependency at its newest and fails; this builds the module's own source
# with vendor.mod as its go.mod instead, as docker/cli's Makefile does. The
# one pin the proxy does not serve (swarmkit, for "docker service") is
# replaced by the release it has; nothing the tests run uses it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || die "usage: $0 VERSION OUT"
version=$1 out=$(realpath -m "$2")
export GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0

src=$(go mod download -json "github.com/docker/cli@$version+incompatible" |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$src" ] || die "could not download docker/cli $version"
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cp -r "$src/." "$work"
chmod -R u+w "$work"
cd "$work"
rm -rf vendor
cp vendor.mod go.mod
cp vendor.sum go.sum
go mod edit -replace github.com/moby/swarmkit/v2=github.com/moby/swarmkit/v2@v2.0.0
go build -trimpath -o "$out.new" \
	-ldflags "-X github.com/docker/cli/cli/version.Version=${version#v} -X github.com/docker/cli/cli/version.GitCommit=module-proxy" \
	./cmd/docker
mv "$out.new" "$out"
