#!/usr/bin/env bats
# final/: mydocker build (issue 25): Dockerfiles made from busybox built
# into images that run, with docker's config, history, cache and plain
# progress. RUN steps have no network unless the test is about one.

load helpers

# The test registry on 127.0.0.1 (helpers.bash), for the push test, and
# a web server on 127.0.0.1 serving $WEB_DIR at $WEB, for ADD URL.
setup_file() {
	start_registry
	WEB_DIR=$BATS_FILE_TMPDIR/web
	mkdir -p "$WEB_DIR"
	python3 -c 'import http.server, os, sys
os.chdir(sys.argv[1])
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
open(sys.argv[2] + ".tmp", "w").write(str(s.server_port))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
s.serve_forever()' "$WEB_DIR" "$BATS_FILE_TMPDIR/web.port" 3>&- >/dev/null 2>&1 &
	echo $! >"$BATS_FILE_TMPDIR/web.pid"
	for ((i = 0; i < 50; i++)); do [ -s "$BATS_FILE_TMPDIR/web.port" ] && break; sleep 0.1; done
	WEB=http://127.0.0.1:$(cat "$BATS_FILE_TMPDIR/web.port")
	export WEB WEB_DIR
}
teardown_file() {
	stop_registry
	kill "$(cat "$BATS_FILE_TMPDIR/web.pid")" 2>/dev/null || true
}

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

# bats test_tags=cgroups
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
	# A --build-arg that no ARG names is warned of (a proxy arg needs none).
	run md build --network none --build-arg FLAVOR=spicy -t args "$CTX"
	[[ "$output" != *"were not consumed"* ]]
	run md build --network none --build-arg FLAVR=typo --build-arg HTTP_PROXY=http://127.0.0.1:9 --build-arg FLAVOR=spicy -t args "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"[Warning] One or more build-args [FLAVR] were not consumed"* ]]
	# BuildKit's automatic platform args: FROM --platform=$BUILDPLATFORM,
	# and ARG TARGETARCH in a stage, this machine's platform.
	dockerfile <<'EOF'
FROM --platform=$BUILDPLATFORM busybox AS build
ARG TARGETOS TARGETARCH
RUN echo "$TARGETOS/$TARGETARCH" > /arch
FROM busybox
COPY --from=build /arch /arch
CMD ["cat", "/arch"]
EOF
	run md build --network none -t plat "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(md run --rm --network none plat)" = "linux/$(go env GOARCH 2>/dev/null || dpkg --print-architecture)" ]
}

# bats test_tags=cgroups
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

@test "final: build: .dockerignore with an exception, COPY --exclude and --parents" {
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
	# COPY --exclude (Dockerfile 1.19): among the sources, and under a
	# directory copied, relative to it.
	echo notes >"$CTX/notes.md"
	dockerfile <<'EOF'
FROM busybox
COPY --exclude=*.md --exclude=**/keep.log . /src/
CMD ["find", "/src", "-type", "f"]
EOF
	md build -q --network none -t excluded "$CTX" >/dev/null
	run md run --rm --network none excluded
	echo "$output"
	[[ "$output" == *"/src/main.c"* ]]
	[[ "$output" != *"notes.md"* ]]
	[[ "$output" != *"keep.log"* ]]
	# COPY --parents: the directories kept, from a "/./" on; "**" reaches
	# every depth.
	mkdir -p "$CTX/src/a/b"
	echo deep >"$CTX/src/a/b/deep.c"
	dockerfile <<'EOF'
FROM busybox
COPY --parents src/**/*.c /kept/
COPY --parents ./src/./a/b/deep.c /pivot/
CMD ["find", "/kept", "/pivot", "-type", "f"]
EOF
	md build -q --network none -t parents "$CTX" >/dev/null
	run md run --rm --network none parents
	echo "$output"
	[ "$output" = "$(printf '/kept/src/a/b/deep.c\n/pivot/a/b/deep.c')" ]
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

@test "final: build: RUN joins the default bridge network, or none, also for one step" {
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
	# RUN --network=none leaves a build's network for one step; host is
	# only for a build on the host's network.
	dockerfile <<'EOF'
FROM busybox
RUN echo "on: $(ls /sys/class/net | sort | tr '\n' ' ')"
RUN --network=none echo "off: $(ls /sys/class/net | sort | tr '\n' ' ')"
EOF
	run md build "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"on: eth0 lo "* ]]
	[[ "$output" == *"off: lo "* ]]
	run --separate-stderr md build - <<'EOF'
FROM busybox
RUN --network=host true
EOF
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"RUN --network=host: the build must be on the host's network too"* ]]
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
	# ADD URL: fetched by the builder, named after the URL's path, 0600,
	# never extracted; its content is in the cache key.
	echo v1 >"$WEB_DIR/notes.txt"
	cp "$CTX/pkg.tar.gz" "$WEB_DIR/"
	dockerfile <<EOF2
FROM busybox
ADD $WEB/notes.txt $WEB/pkg.tar.gz /web/
EOF2
	md build -q --network none -t fetched "$CTX" >/dev/null
	[ "$(md run --rm --network none fetched stat -c '%n %a' /web/notes.txt /web/pkg.tar.gz)" = "$(printf '/web/notes.txt 600\n/web/pkg.tar.gz 600')" ]
	[ "$(md run --rm --network none fetched cat /web/notes.txt)" = v1 ]
	echo v2 >"$WEB_DIR/notes.txt"
	run md build --network none -t fetched "$CTX"
	[[ "$output" != *CACHED* ]]
	[ "$(md run --rm --network none fetched cat /web/notes.txt)" = v2 ]
	run --separate-stderr md build --network none -t fetched2 - <<EOF2
FROM busybox
ADD $WEB/missing /web/
EOF2
	echo "$status $stderr"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"404"* ]]
}

@test "final: build: a built image is pushed, and pulled back into a fresh root it is the same image" {
	ctx
	mkdir "$CTX/site"
	echo page >"$CTX/site/index.html"
	dockerfile <<'EOF2'
FROM busybox
RUN rm /bin/vi && mkdir /data && echo made >/data/made
COPY site /srv/
HEALTHCHECK --interval=5s CMD true
ONBUILD RUN echo child
CMD ["cat", "/srv/index.html"]
EOF2
	md build -q --network none -t "$REGISTRY/team/built:v1" "$CTX" >/dev/null
	id=$(md inspect -f '{{.Id}}' "$REGISTRY/team/built:v1")
	run md push "$REGISTRY/team/built:v1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" =~ ^v1:\ digest:\ sha256:[0-9a-f]{64}\ size:\ [0-9]+$ ]]
	# A root that never saw the build, nor busybox, pulls it.
	fresh() { "$MYDOCKER" --root "$BATS_TEST_TMPDIR/fresh" "$@"; }
	run fresh pull "$REGISTRY/team/built:v1"
	echo "$output"
	[ "$status" -eq 0 ]
	# The same config (so the same ID), the same history, the same files,
	# and the RUN's deletion is still a deletion.
	[ "$(fresh inspect -f '{{.Id}}' "$REGISTRY/team/built:v1")" = "$id" ]
	[ "$(fresh history --no-trunc --format '{{.CreatedBy}}' "$REGISTRY/team/built:v1")" = "$(md history --no-trunc --format '{{.CreatedBy}}' "$REGISTRY/team/built:v1")" ]
	[ "$(fresh inspect -f '{{json .Config.Healthcheck.Test}} {{json .Config.OnBuild}}' "$REGISTRY/team/built:v1")" = '["CMD-SHELL","true"] ["RUN echo child"]' ]
	[ "$(fresh run --rm --network none "$REGISTRY/team/built:v1")" = page ]
	[ "$(fresh run --rm --network none "$REGISTRY/team/built:v1" cat /data/made)" = made ]
	run fresh run --rm --network none "$REGISTRY/team/built:v1" ls /bin/vi
	[ "$status" -ne 0 ]
	fresh rmi "$REGISTRY/team/built:v1" >/dev/null
	rm -rf "$BATS_TEST_TMPDIR/fresh"
}

@test "final: build: WORKDIR's new directories are USER's; COPY's history names a file: or a dir:" {
	ctx
	echo one >"$CTX/f"
	mkdir "$CTX/d"
	echo two >"$CTX/d/g"
	dockerfile <<'EOF2'
FROM busybox
RUN echo 'app:x:1234:1234::/home/app:/bin/sh' >>/etc/passwd && mkdir -p /home/app && chown 1234:1234 /home/app
USER app
WORKDIR /home/app/work/deep
COPY f /tmp/
COPY d /tmp/d/
EOF2
	run md build --network none -t owned "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	# As BuildKit's: what WORKDIR makes is the user's, what was there stays.
	[ "$(md run --rm --network none owned stat -c %u:%g /home/app/work /home/app/work/deep /home)" = "$(printf '1234:1234\n1234:1234\n0:0')" ]
	run md history --no-trunc --format '{{.CreatedBy}}' owned
	echo "$output"
	[[ "${lines[0]}" =~ ^/bin/sh\ -c\ \#\(nop\)\ COPY\ dir:[0-9a-f]{64}\ in\ /tmp/d/\ $ ]]
	[[ "${lines[1]}" =~ ^/bin/sh\ -c\ \#\(nop\)\ COPY\ file:[0-9a-f]{64}\ in\ /tmp/\ $ ]]
	# A USER that the image does not know fails the WORKDIR that needs it.
	dockerfile <<'EOF2'
FROM busybox
USER ghost
WORKDIR /nowhere
EOF2
	run --separate-stderr md build --network none -t ghost "$CTX"
	echo "$status $stderr"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"WORKDIR /nowhere: USER ghost"* ]]
}

@test "final: build: podman loads a built image: the same ID, its history, its files and deletions" {
	command -v podman >/dev/null || skip "podman is not installed (scripts/test.sh installs it when it can)"
	pm() { podman_images "$@"; }
	ctx
	echo page >"$CTX/index.html"
	dockerfile <<'EOF2'
FROM busybox
RUN rm /bin/vi && mkdir /data && echo made >/data/made
WORKDIR /srv
COPY index.html .
ENV MODE=prod
CMD ["cat", "index.html"]
EOF2
	md build -q --network none -t team/built:1 "$CTX" >/dev/null
	id=$(md inspect -f '{{.Id}}' team/built:1)
	md save -o "$BATS_TEST_TMPDIR/built.tar" team/built:1
	run pm load -i "$BATS_TEST_TMPDIR/built.tar"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(pm image inspect --format '{{.Id}}' localhost/team/built:1)" = "${id#sha256:}" ]
	[ "$(pm history --no-trunc --format '{{.CreatedBy}}' localhost/team/built:1)" = "$(md history --no-trunc --format '{{.CreatedBy}}' team/built:1)" ]
	[[ "$(pm image inspect --format '{{.Config.Env}} {{.Config.WorkingDir}}' localhost/team/built:1)" == *"MODE=prod"*" /srv" ]]
	# Its files, as podman unpacks the layers (no runtime needed to export).
	pm create --name built localhost/team/built:1 >/dev/null
	pm export built | tar -t >"$BATS_TEST_TMPDIR/files"
	pm rm built >/dev/null
	grep -qx 'data/made' "$BATS_TEST_TMPDIR/files"
	grep -qx 'srv/index.html' "$BATS_TEST_TMPDIR/files"
	run grep -cx 'bin/vi' "$BATS_TEST_TMPDIR/files"
	[ "$output" = 0 ]
}

@test "final: build: RUN --mount: bind (read-only, or rw thrown away), cache kept between builds, tmpfs; none in the image" {
	ctx
	echo 'module example.com/app' >"$CTX/go.mod"
	dockerfile <<'EOF2'
FROM busybox
WORKDIR /src
RUN --mount=type=bind,source=go.mod,target=go.mod cat go.mod > /seen
RUN --mount=type=cache,target=/root/.cache/app echo run >> /root/.cache/app/log && wc -l < /root/.cache/app/log > /count
RUN --mount=type=tmpfs,target=/scratch echo x > /scratch/f && grep -c ' /scratch tmpfs ' /proc/mounts > /tmpfs
RUN --mount=type=bind,target=/ctx,rw cat /ctx/go.mod > /ctx-seen && echo changed > /ctx/go.mod
RUN --mount=type=secret,id=token test ! -e /run/secrets/token
CMD ["cat", "/seen", "/count", "/tmpfs", "/ctx-seen"]
EOF2
	run md build --network none -t mounts "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(md run --rm --network none mounts)" = "$(printf 'module example.com/app\n1\n1\nmodule example.com/app')" ]
	# No mount point, nor what was written into a mount, is in a layer.
	[ -z "$(md run --rm --network none mounts ls -A /src)" ]
	run md run --rm --network none mounts ls -A /root /ctx /scratch
	echo "$output"
	[[ "$output" != *.cache* ]]
	[[ "$output" == *"/ctx: No such file or directory"* ]]
	[[ "$output" == *"/scratch: No such file or directory"* ]]
	# rw wrote into a copy: the context is as it was.
	[ "$(cat "$CTX/go.mod")" = 'module example.com/app' ]
	# The cache is kept (a second run of the step finds the first's line);
	# a bind's files are in the step's cache key.
	run md build --network none --no-cache -t mounts "$CTX"
	[ "$status" -eq 0 ]
	[ "$(md run --rm --network none mounts cat /count)" = 2 ]
	run md build --network none -t mounts "$CTX"
	[[ "$output" =~ \#4\ \[3/8\]\ RUN\ --mount=type=bind,source=go.mod,target=go.mod\ cat\ go.mod\ \>\ /seen$'\n'\#4\ CACHED ]]
	echo 'module example.com/other' >"$CTX/go.mod"
	run md build --network none -t mounts "$CTX"
	echo "$output"
	[[ "$output" =~ \#4\ \[3/8\]\ RUN\ --mount=type=bind,source=go.mod,target=go.mod\ cat\ go.mod\ \>\ /seen$'\n'\#4\ DONE ]]
	[ "$(md run --rm --network none mounts cat /seen)" = 'module example.com/other' ]
	# system df counts the step images and the cache under Build Cache,
	# not under Images.
	run md system df
	echo "$output"
	[[ "$(grep '^Images' <<<"$output" | tr -s ' ')" == "Images $(md images -q | wc -l) "* ]]
	[[ "$(grep '^Build Cache' <<<"$output" | tr -s ' ')" =~ ^"Build Cache "[0-9]+" 0 "[0-9.]+B" "[0-9.]+B$ ]]
	[[ "$(grep '^Build Cache' <<<"$output" | tr -s ' ')" != "Build Cache 0 "* ]]
	[[ "$(grep '^Build Cache' <<<"$output" | tr -s ' ')" != *" 0B 0B" ]]
	# builder prune keeps a warm cache; -a removes it too.
	md builder prune -f >/dev/null
	[ -n "$(ls -A "$MD_ROOT/build/cache-mounts")" ]
	run md builder prune -a -f
	echo "$output"
	[[ "$output" =~ $'\n'[0-9a-f]{64}$'\n' ]]
	[ -z "$(ls -A "$MD_ROOT/build/cache-mounts")" ]
	md build -q --network none --no-cache -t mounts "$CTX" >/dev/null
	[ "$(md run --rm --network none mounts cat /count)" = 1 ]
	# A required secret, with no --secret here, fails the step clearly.
	run --separate-stderr md build --network none -t secret - <<'EOF2'
FROM busybox
RUN --mount=type=secret,id=token,required=true cat /run/secrets/token
EOF2
	echo "$status $stderr"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"RUN --mount=type=secret is required, and this builder has no --secret"* ]]
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

# bats test_tags=cgroups
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
