#!/usr/bin/env bats
# final/: mydocker build (issue 25): Dockerfiles made from busybox built
# into images that run, with docker's config, history, cache and plain
# progress. RUN steps have no network unless the test is about one.

load helpers

# ctx: a fresh build context directory, $CTX, for the test.
ctx() {
	CTX=$BATS_TEST_TMPDIR/ctx
	rm -rf "$CTX"
	mkdir -p "$CTX"
}

# dockerfile: the Dockerfile of $CTX, from stdin.
dockerfile() { cat >"$CTX/Dockerfile"; }

# image_count: how many images the store holds, intermediate ones too.
image_count() { md images -a -q | wc -l; }

@test "final: build: RUN, ENV, WORKDIR and CMD make an image that runs as docker's would" {
	ctx
	dockerfile <<'EOF'
FROM busybox
ENV GREETING=hello
WORKDIR /app
RUN echo "$GREETING from $(pwd)" > msg && echo built
CMD ["cat", "msg"]
EOF
	run md build --network none -t app "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	# docker's plain progress: the steps, the RUN's output, the export.
	[[ "$output" == *"#4 [3/5] WORKDIR /app"* ]]
	[[ "$output" =~ \#5\ [0-9]+\.[0-9]{3}\ built ]]
	[[ "$output" == *"writing image sha256:"*" done"* ]]
	[[ "$output" == *"naming to docker.io/library/app:latest done"* ]]
	run md run --rm --network none app
	[ "$status" -eq 0 ]
	[ "$output" = "hello from /app" ]
	[ "$(md inspect -f '{{json .Config.Cmd}} {{.Config.WorkingDir}}' app)" = '["cat","msg"] /app' ]
	[[ "$(md inspect -f '{{json .Config.Env}}' app)" == *'"GREETING=hello"'* ]]
	# No container of the build's is left.
	[ -z "$(md ps -a -q)" ]
}

@test "final: build: history and config are docker's classic builder's" {
	ctx
	dockerfile <<'EOF'
FROM busybox
LABEL org.example.app=demo
EXPOSE 8080
USER nobody
ENTRYPOINT ["/bin/echo"]
CMD ["sh"]
EOF
	run md build -q --label team=core -t meta "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
	[ "$(md inspect -f '{{.Id}}' meta)" = "$output" ]
	run md history --no-trunc --format '{{.CreatedBy}}|{{.Size}}' meta
	echo "$output"
	[ "${lines[0]}" = '/bin/sh -c #(nop)  LABEL team=core|0B' ]
	[ "${lines[1]}" = '/bin/sh -c #(nop)  CMD ["sh"]|0B' ]
	[ "${lines[2]}" = '/bin/sh -c #(nop)  ENTRYPOINT ["/bin/echo"]|0B' ]
	[ "${lines[3]}" = '/bin/sh -c #(nop)  USER nobody|0B' ]
	[ "${lines[4]}" = '/bin/sh -c #(nop)  EXPOSE 8080/tcp|0B' ]
	[ "${lines[5]}" = '/bin/sh -c #(nop)  LABEL org.example.app=demo|0B' ]
	[ "$(md inspect -f '{{.Config.User}} {{json .Config.ExposedPorts}}' meta)" = 'nobody {"8080/tcp":{}}' ]
	[ "$(md inspect -f '{{index .Config.Labels "team"}} {{index .Config.Labels "org.example.app"}}' meta)" = "core demo" ]
	# ENTRYPOINT with the stage's own CMD after it: both kept.
	[ "$(md run --rm --network none meta)" = sh ]
}

@test "final: build: multi-stage, COPY --from, --target builds only what the target needs" {
	ctx
	dockerfile <<'EOF'
FROM busybox AS builder
RUN mkdir /out && echo artifact > /out/a.txt
FROM busybox AS broken
RUN exit 7
FROM busybox AS final
COPY --from=builder /out/a.txt /srv/
COPY --from=0 /out /copy
CMD ["cat", "/srv/a.txt", "/copy/a.txt"]
EOF
	# The broken stage is not needed: it never runs.
	run md build --network none -t multi "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *"exit 7"* ]]
	[[ "$output" == *"[final 2/4] COPY --from=builder /out/a.txt /srv/"* ]]
	[ "$(md run --rm --network none multi)" = "artifact
artifact" ]
	# --target builder: that stage's image, without the later ones.
	run md build --network none --target builder -t only-builder "$CTX"
	[ "$status" -eq 0 ]
	[[ "$output" != *"[final"* ]]
	[ "$(md run --rm --network none only-builder cat /out/a.txt)" = artifact ]
	run md build --network none --target nosuch "$CTX"
	[ "$status" -eq 1 ]
	[ "${lines[-1]}" = 'mydocker: target stage "nosuch" could not be found' ]
}

@test "final: build: ARG before and after FROM, --build-arg, and the RUN's history" {
	ctx
	dockerfile <<'EOF'
ARG BASE=busybox
ARG VERSION=1.0
FROM $BASE
ARG VERSION
ARG FLAVOR=plain
RUN echo "version=$VERSION flavor=$FLAVOR" > /info
ENV FLAVOR=env-wins
RUN echo "then $FLAVOR" >> /info
CMD ["cat", "/info"]
EOF
	run md build --network none --build-arg FLAVOR=spicy -t args "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(md run --rm --network none args)" = "version=1.0 flavor=spicy
then env-wins" ]
	# docker writes the build args a RUN sees before it: "|N K=V ...".
	run md history --no-trunc --format '{{.CreatedBy}}' args
	echo "$output"
	[ "${lines[3]}" = '|2 FLAVOR=spicy VERSION=1.0 /bin/sh -c echo "version=$VERSION flavor=$FLAVOR" > /info' ]
	[ "${lines[1]}" = '|1 VERSION=1.0 /bin/sh -c echo "then $FLAVOR" >> /info' ]
}

@test "final: build: a failing RUN fails the build with docker's words and leaves nothing" {
	ctx
	dockerfile <<'EOF'
FROM busybox
RUN echo before
RUN echo doomed > /tmp/x; exit 3
EOF
	md build --network none -q "$CTX" >/dev/null 2>&1 || true
	before=$(image_count)
	run md build --network none "$CTX"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"#3 CACHED"* ]]
	[ "${lines[-1]}" = 'mydocker: process "/bin/sh -c echo doomed > /tmp/x; exit 3" did not complete successfully: exit code: 3' ]
	[ "$(image_count)" -eq "$before" ]
	[ -z "$(md ps -a -q)" ]
}

@test "final: build: a rebuild is all cache hits; a changed file rebuilds from its COPY on" {
	ctx
	echo one >"$CTX/a.txt"
	echo two >"$CTX/b.txt"
	dockerfile <<'EOF'
FROM busybox
RUN echo first > /first
COPY a.txt /a.txt
COPY b.txt /b.txt
RUN cat /a.txt /b.txt > /both
CMD ["cat", "/both"]
EOF
	id1=$(md build --network none -q "$CTX")
	run md build --network none "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c CACHED <<<"$output")" -eq 5 ]
	[[ "$output" == *"writing image $id1 done"* ]]
	# --no-cache builds every step again.
	run md build --network none --no-cache "$CTX"
	[ "$status" -eq 0 ]
	[[ "$output" != *CACHED* ]]
	echo TWO >"$CTX/b.txt"
	run md build --network none -t changed "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c CACHED <<<"$output")" -eq 2 ]
	[[ "$output" == *"writing image "* ]]
	[[ "$output" != *"writing image $id1 done"* ]]
	[ "$(md run --rm --network none changed)" = "one
TWO" ]
	# The intermediate images are hidden from images, as docker's; the
	# untagged images the builds ended with are listed (<none>).
	[ "$(md images -q | wc -l)" -eq 4 ]
	[[ "$(md images -q --no-trunc)" == *"$id1"* ]]
	[ "$(image_count)" -gt 8 ]
}

@test "final: build: .dockerignore with an exception" {
	ctx
	mkdir -p "$CTX/logs"
	echo keep >"$CTX/logs/keep.log"
	echo drop >"$CTX/logs/drop.log"
	echo src >"$CTX/main.c"
	printf '**/*.log\n!logs/keep.log\n' >"$CTX/.dockerignore"
	dockerfile <<'EOF'
FROM busybox
COPY . /src/
CMD ["find", "/src", "-type", "f"]
EOF
	run md build --network none -t ignore "$CTX"
	[ "$status" -eq 0 ]
	run md run --rm --network none ignore
	echo "$output"
	[[ "$output" == *"/src/logs/keep.log"* ]]
	[[ "$output" == *"/src/main.c"* ]]
	[[ "$output" != *"drop.log"* ]]
}

@test "final: build: ONBUILD, RUN and COPY heredocs, --chown, and a Dockerfile on stdin" {
	ctx
	echo data >"$CTX/data.txt"
	dockerfile <<'EOF'
FROM busybox
ONBUILD RUN echo triggered > /onbuild
RUN <<SCRIPT
echo one > /heredoc
echo two >> /heredoc
SCRIPT
COPY --chown=nobody:nogroup data.txt /owned
ENV WHO=world
COPY <<TEXT /greeting
hello "$WHO"
TEXT
EOF
	run md build --network none -t parent "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(md inspect -f '{{index .Config.OnBuild 0}}' parent)" = 'RUN echo triggered > /onbuild' ]
	[ "$(md run --rm --network none parent cat /heredoc)" = "one
two" ]
	[ "$(md run --rm --network none parent stat -c %u:%g /owned)" = "65534:65534" ]
	# A COPY heredoc: $VARs expanded, quotes kept, as BuildKit's.
	[ "$(md run --rm --network none parent cat /greeting)" = 'hello "world"' ]
	run md build --network none -t child - <<'EOF'
FROM parent
CMD ["cat", "/onbuild"]
EOF
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(md run --rm --network none child)" = triggered ]
	[ "$(md inspect -f '{{json .Config.OnBuild}}' child)" = null ]
}

@test "final: build: RUN joins the default bridge network, or none" {
	ctx
	dockerfile <<'EOF'
FROM busybox
RUN ls /sys/class/net | sort | tr '\n' ' '
EOF
	run md build --progress plain "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" eth0 lo "* ]]
	run md build --no-cache --network none "$CTX"
	[ "$status" -eq 0 ]
	[[ "$output" == *" lo "* ]]
	[[ "$output" != *"eth0"* ]]
}

@test "final: build: bad input is one line on stderr and exit 1" {
	ctx
	run md build "$CTX"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "mydocker: "*Dockerfile* ]]
	echo 'FROBNICATE x' >"$CTX/Dockerfile"
	run md build "$CTX"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "${lines[-1]}" == *"unknown instruction: FROBNICATE"* ]]
	printf 'FROM busybox\nCOPY\n' >"$CTX/Dockerfile"
	run md build "$CTX"
	[ "$status" -eq 1 ]
	[[ "${lines[-1]}" == "mydocker: "*"COPY"* ]]
	printf 'FROM busybox\nCOPY nothere /x\n' >"$CTX/Dockerfile"
	run md build --network none "$CTX"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "${lines[-1]}" == "mydocker: "*nothere* ]]
	run md build --network nope "$CTX"
	[ "$status" -eq 1 ]
}

@test "final: build: COPY follows the image's symlinks in its destination, as a copy inside would" {
	ctx
	echo data >"$CTX/f"
	dockerfile <<'EOF2'
FROM busybox
RUN mkdir -p /real && ln -s /real /link
COPY f /link/
EOF2
	run md build --network none -t links "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(md run --rm --network none links cat /real/f)" = data ]
	[ "$(md run --rm --network none links readlink /link)" = /real ]
}

@test "final: build: ADD extracts a local tar, COPY does not; image build is build" {
	ctx
	mkdir -p "$BATS_TEST_TMPDIR/t/pkg"
	echo inside >"$BATS_TEST_TMPDIR/t/pkg/file"
	tar -C "$BATS_TEST_TMPDIR/t" -czf "$CTX/pkg.tar.gz" pkg
	dockerfile <<'EOF2'
FROM busybox
ADD pkg.tar.gz /opt/
COPY pkg.tar.gz /kept/
EOF2
	run md image build -q --network none -t added "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
	[ "$(md run --rm --network none added cat /opt/pkg/file)" = inside ]
	[ "$(md run --rm --network none added ls /kept)" = pkg.tar.gz ]
}

# steps_of IMAGE: the IDs of IMAGE's chain of step images, from the
# store's record (each step's parent), the image itself first.
steps_of() {
	local id
	id=$(md inspect -f '{{.Id}}' "$1")
	while [ -n "$id" ]; do
		echo "$id"
		id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["images"].get(sys.argv[2], {}).get("parent", ""))' "$MD_ROOT/images.json" "$id")
	done
}

# cache_entries: how many steps the build cache index maps.
cache_entries() {
	[ -f "$MD_ROOT/build/cache/index.json" ] || { echo 0; return; }
	python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$MD_ROOT/build/cache/index.json"
}

@test "final: build: rmi of a built image removes its step images and their cache, as docker's" {
	ctx
	echo data >"$CTX/f.txt"
	dockerfile <<'EOF2'
FROM busybox
RUN echo one > /one
COPY f.txt /f.txt
ENV A=1
CMD ["cat", "/one"]
EOF2
	base=$(image_count)
	md build --network none -q -t app "$CTX" >/dev/null
	steps=$(steps_of app)
	# app, its four steps' images (its own the last), and busybox.
	[ "$(echo "$steps" | wc -l)" -eq 5 ]
	[ "$(echo "$steps" | tail -n 1)" = "$(md inspect -f '{{.Id}}' busybox)" ]
	[ "$(image_count)" -eq $((base + 4)) ]
	run md rmi app
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Untagged: app:latest" ]
	# docker's rmi: "Deleted:" for the image and each untagged parent.
	[ "$(grep -c '^Deleted: sha256:' <<<"$output")" -eq 4 ]
	[ "$(image_count)" -eq "$base" ]
	for id in $(echo "$steps" | head -n 4); do
		run md images -a -q --no-trunc
		[[ "$output" != *"$id"* ]]
	done
	[ "$(cache_entries)" -eq 0 ]
	# A rebuild builds every step again, and its image runs.
	run md build --network none -t app "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *CACHED* ]]
	[ "$(md run --rm --network none app)" = one ]
}

@test "final: build: rmi and image prune keep the steps that another image shares" {
	ctx
	dockerfile <<'EOF2'
FROM busybox
RUN echo shared > /shared
RUN echo one > /one
CMD ["cat", "/one"]
EOF2
	md build --network none -q -t one "$CTX" >/dev/null
	dockerfile <<'EOF2'
FROM busybox
RUN echo shared > /shared
RUN echo two > /two
CMD ["cat", "/shared", "/two"]
EOF2
	md build --network none -q -t two "$CTX" >/dev/null
	shared=$(steps_of two | sed -n 3p)
	[ "$(steps_of one | sed -n 3p)" = "$shared" ]
	before=$(image_count)
	run md rmi one
	echo "$output"
	[ "$status" -eq 0 ]
	# one and its RUN echo one step go; the shared RUN step stays.
	[ "$(grep -c '^Deleted: ' <<<"$output")" -eq 2 ]
	[ "$(image_count)" -eq $((before - 2)) ]
	[[ "$(md images -a -q --no-trunc)" == *"$shared"* ]]
	[ "$(md run --rm --network none two)" = "shared
two" ]
	run md build --network none "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c CACHED <<<"$output")" -eq 3 ]

	# A rebuild after a change leaves the old image dangling (<none>):
	# image prune takes it and its own steps, not two's.
	dockerfile <<'EOF2'
FROM busybox
RUN echo shared > /shared
RUN echo two > /two
CMD ["cat", "/two"]
EOF2
	md build --network none -q -t two "$CTX" >/dev/null
	old=$(md images -q --no-trunc --filter dangling=true)
	[ -n "$old" ]
	run md image prune -f
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"deleted: $old"* ]]
	[[ "$output" == *"Total reclaimed space: "* ]]
	[ -z "$(md images -q --filter dangling=true)" ]
	run md build --network none "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c CACHED <<<"$output")" -eq 3 ]
	[ "$(md run --rm --network none two)" = two ]
}

@test "final: build: system prune after rmi leaves no build leftover; builder prune" {
	ctx
	dockerfile <<'EOF2'
FROM busybox AS builder
RUN echo artifact > /a
FROM busybox
COPY --from=builder /a /a
CMD ["cat", "/a"]
EOF2
	md build --network none -q -t app "$CTX" >/dev/null
	layers=$(ls "$MD_ROOT/layers" | wc -l)
	[ "$layers" -gt 1 ]
	md rmi app >/dev/null
	# The builder stage's steps are no parent of app's: dangling now.
	run md system prune -f
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Total reclaimed space: "* ]]
	[ "$(md images -a -q --no-trunc)" = "$(md inspect -f '{{.Id}}' busybox)" ]
	[ "$(cache_entries)" -eq 0 ]
	# Only busybox's layer, and nothing of a build under build/.
	[ "$(ls "$MD_ROOT/layers" | wc -l)" -eq 1 ]
	[ -z "$(ls "$MD_ROOT/build" | grep -v '^cache$' || true)" ]
	[ -z "$(ls -A "$MD_ROOT/build/cache" 2>/dev/null)" ]

	# builder prune -a: every step image no container uses, and the
	# index; the tagged image keeps its layers and runs.
	md build --network none -q -t app "$CTX" >/dev/null
	run md builder prune -a -f
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Deleted build cache objects:" ]
	[[ "$output" == *"Total reclaimed space: "* ]]
	[ "$(image_count)" -eq 2 ]
	[ "$(cache_entries)" -eq 0 ]
	[ "$(md run --rm --network none app)" = artifact ]
}

# containers N: wait until there are N containers.
containers() {
	for ((i = 0; i < 100; i++)); do
		[ "$(md ps -a -q | wc -l)" -lt "$1" ] || return 0
		sleep 0.1
	done
	return 1
}

@test "final: build: what a build killed with kill -9 left goes with the next build, not a running build's" {
	ctx
	mkdir "$CTX/killed" "$CTX/alive" "$CTX/next"
	printf 'FROM busybox\nRUN sleep 30\n' >"$CTX/killed/Dockerfile"
	printf 'FROM busybox\nRUN sleep 8 && echo alive > /alive\nCMD ["cat", "/alive"]\n' >"$CTX/alive/Dockerfile"
	printf 'FROM busybox\nRUN echo next\n' >"$CTX/next/Dockerfile"
	# The binaries themselves in the background (md is a function: its
	# subshell's pid is not the build's): a build that runs on, and one
	# killed during its RUN.
	"$MYDOCKER" "${MD_GLOBAL[@]}" build --network none -t alive "$CTX/alive" >"$BATS_TEST_TMPDIR/alive.out" 2>&1 &
	alive=$!
	containers 1
	"$MYDOCKER" "${MD_GLOBAL[@]}" build --network none "$CTX/killed" >/dev/null 2>&1 &
	killed=$!
	containers 2
	kill -9 "$killed"
	wait "$killed" || true
	# Each has its RUN's container and its scratch directory.
	[ "$(ls "$MD_ROOT/build" | grep -c '^tmp-')" -eq 2 ]
	run md build --network none -t next "$CTX/next"
	echo "$output"
	[ "$status" -eq 0 ]
	# The killed build's container is gone; the running build's runs on.
	[ "$(md ps -a -q | wc -l)" -eq 1 ]
	wait "$alive" || { cat "$BATS_TEST_TMPDIR/alive.out"; false; }
	[ "$(md run --rm --network none alive)" = alive ]
	[ -z "$(md ps -a -q)" ]
	[ -z "$(ls "$MD_ROOT/build" | grep -v '^cache$' || true)" ]
	[ -z "$(grep -F " $MD_ROOT/" /proc/self/mountinfo || true)" ]
}
