#!/usr/bin/env bats
# final/: mydocker build next to buildah (issue 25): the same Dockerfile,
# made from the same busybox image, built by both, must give an image with
# the same config and the same files. Both images are read the same way:
# saved as docker archives (mydocker save, buildah push docker-archive:)
# whose layers are applied in order, whiteouts included, by one script.
# buildah's storage is under the test's directory, its RUNs are chrooted
# (no OCI runtime) in a network namespace with nothing in it, and the base
# comes from mydocker's save: nothing is pulled. Skipped, saying why,
# where buildah is not installed.

load helpers

setup() {
	command -v buildah >/dev/null ||
		skip "buildah is not installed (Debian: apt-get install buildah)"
	CGROUPS_BEFORE=$(mydocker_cgroups)
	md_setup_root
	NET_BEFORE=$(host_net)
	BH=$BATS_TEST_TMPDIR/buildah
	mkdir -p "$BH/tmp"
}

teardown() {
	[ -n "${BH:-}" ] || return 0 # skipped
	md_rm_all
	local status=0
	# buildah runs in a mount namespace of its own (bh): nothing of its
	# should be in ours.
	if grep -q -F " $BH/" /proc/self/mountinfo; then
		echo "buildah's mounts left behind:" >&2
		grep -F " $BH/" /proc/self/mountinfo | awk '{ print $5 }' | sort -r | tee /dev/stderr | xargs -r -n 1 umount -l
		status=1
	fi
	assert_no_leaks || status=1
	return $status
}

# bh runs buildah with its storage under the test, in a network namespace
# with only a loopback that is down, and in a mount namespace whose
# /var/lib is an empty tmpfs: buildah keeps a blob cache in
# /var/lib/containers whatever --root says. TMPDIR: its temporary layer
# files go under the test too, not to /var/tmp.
bh() {
	TMPDIR=$BH/tmp unshare --mount --net --propagation private -- \
		sh -c 'mount -t tmpfs tmpfs /var/lib && exec "$@"' sh \
		buildah --root "$BH/root" --runroot "$BH/run" --storage-driver vfs "$@"
}

# bh_bud: buildah's build as a docker user's "docker build" would make the
# image: --format docker keeps docker's config fields (Healthcheck, Shell,
# OnBuild are not in OCI's config), --identity-label=false leaves out the
# label io.buildah.version that buildah adds of its own. chroot isolation
# needs no OCI runtime, and it allows only the host's network, which bh's
# namespace makes none.
bh_bud() {
	bh bud --quiet --isolation chroot --network host --pull=never --format docker --identity-label=false "$@"
}

# base_for_both: mydocker's busybox, saved, is buildah's busybox too, so
# that both builds start from the same layer and config.
base_for_both() {
	md save -o "$BATS_TEST_TMPDIR/busybox.tar" busybox
	bh pull --quiet "docker-archive:$BATS_TEST_TMPDIR/busybox.tar" >/dev/null
}

# listing ARCHIVE prints what a docker archive's image is: the config
# fields the Dockerfile's instructions set, one a line, then every path of
# its root filesystem (its layers applied in order, whiteouts and opaque
# directories honoured) with its type, mode, uid:gid and, for a file, its
# size and sha256, for a symlink its target. Left out, by design:
#   - mtimes: each builder stamps its own times;
#   - directory sizes, which are the filesystem's, not the image's;
#   - /etc/hosts, /etc/resolv.conf and /run when they are empty (files of
#     size 0, a directory with nothing in it): buildah's chroot RUN makes
#     them as mount points for its own hosts, resolv.conf and run
#     directory and leaves them in the layer (mode 0755, root's). docker's
#     builders and mydocker's RUN take the container's writable layer
#     without the files the runtime bind-mounts (final/'s diff drops them),
#     and the base image has none of them.
#   - the history, which differs by design: buildah without --layers
#     commits the whole build as one layer and writes its own created_by.
listing() {
	python3 - "$1" <<'EOF'
import hashlib, json, posixpath, stat, sys, tarfile

FIELDS = ["Env", "Cmd", "Entrypoint", "WorkingDir", "User", "ExposedPorts", "Volumes",
          "Labels", "StopSignal", "Healthcheck", "OnBuild", "Shell"]
RUNTIME_MOUNT_POINTS = {"/etc/hosts", "/etc/resolv.conf", "/run"}

def norm(name):
    return posixpath.normpath("/" + name)

def apply(files, layer):
    members = layer.getmembers()
    # A layer's whiteouts hide what the layers below it have, not its own.
    for m in members:
        d, base = posixpath.split(norm(m.name))
        if base == ".wh..wh..opq":
            gone = [k for k in files if k.startswith(d.rstrip("/") + "/")]
        elif base.startswith(".wh."):
            hidden = posixpath.join(d, base[4:])
            gone = [k for k in files if k == hidden or k.startswith(hidden + "/")]
        else:
            continue
        for k in gone:
            del files[k]
    for m in members:
        p = norm(m.name)
        if posixpath.basename(p).startswith(".wh."):
            continue
        meta = ("%04o" % stat.S_IMODE(m.mode), "%d:%d" % (m.uid, m.gid))
        if m.isdir():
            files[p] = ("dir",) + meta + ("",)
        elif m.issym():
            files[p] = ("symlink",) + meta + ("-> " + m.linkname,)
        elif m.islnk():
            files[p] = ("file",) + meta + (files[norm(m.linkname)][3],)
        elif m.isfile():
            data = layer.extractfile(m).read()
            files[p] = ("file",) + meta + ("%d %s" % (len(data), hashlib.sha256(data).hexdigest()),)
        else:
            files[p] = ("type-" + m.type.decode(),) + meta + ("%d:%d" % (m.devmajor, m.devminor),)

def empty(files, p):
    kind, _, _, what = files[p]
    if kind == "dir":
        return not any(k.startswith(p + "/") for k in files)
    return kind == "file" and what.startswith("0 ")

with tarfile.open(sys.argv[1]) as archive:
    manifest = json.load(archive.extractfile("manifest.json"))[0]
    config = json.load(archive.extractfile(manifest["Config"])).get("config") or {}
    files = {}
    for name in manifest["Layers"]:
        with tarfile.open(fileobj=archive.extractfile(name)) as layer:
            apply(files, layer)
for f in FIELDS:
    v = config.get(f)
    # buildah writes [] and {} where docker's builders leave a field out.
    print("config", f, json.dumps(None if v in ([], {}, "") else v, sort_keys=True))
for p in sorted(files):
    if p in RUNTIME_MOUNT_POINTS and empty(files, p):
        continue
    print(p, *files[p])
EOF
}

# build_both DOCKERFILE ARGS...: the context's DOCKERFILE built by both
# (ARGS are build's flags for both), saved, and listed into $MD_LIST and
# $BH_LIST.
build_both() {
	local df=$1
	shift
	run md build --network none -q -f "$CTX/$df" -t compared "$@" "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	run bh_bud -f "$CTX/$df" -t compared "$@" "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]
	md save -o "$BATS_TEST_TMPDIR/md.tar" compared
	bh push --quiet compared "docker-archive:$BATS_TEST_TMPDIR/bh.tar:compared:latest"
	MD_LIST=$BATS_TEST_TMPDIR/mydocker.list BH_LIST=$BATS_TEST_TMPDIR/buildah.list
	listing "$BATS_TEST_TMPDIR/md.tar" >"$MD_LIST"
	listing "$BATS_TEST_TMPDIR/bh.tar" >"$BH_LIST"
}

# app_context: a service's context (a directory of files, a symlink among
# them, an executable, a config file and a tar to ADD) and its Dockerfile,
# which sets every config field, deletes files of the base (whiteouts),
# runs as root and as a user, and copies with --chown and --chmod.
app_context() {
	CTX=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$CTX/app/sub" "$BATS_TEST_TMPDIR/pkg/opt"
	echo hello >"$CTX/app/a.txt"
	ln -s a.txt "$CTX/app/link"
	printf '#!/bin/sh\necho run\n' >"$CTX/app/sub/run.sh"
	chmod 755 "$CTX/app/sub/run.sh"
	echo 'listen=8080' >"$CTX/app.conf"
	echo packed >"$BATS_TEST_TMPDIR/pkg/opt/packed.txt"
	tar -C "$BATS_TEST_TMPDIR/pkg" -czf "$CTX/pkg.tar.gz" opt
	cat >"$CTX/Dockerfile" <<'EOF'
FROM busybox
ARG VERSION=1.0
ARG FLAVOR
ENV APP_HOME=/srv/app \
    APP_VERSION=$VERSION
LABEL org.opencontainers.image.title="demo app" org.opencontainers.image.version=$VERSION
SHELL ["/bin/sh", "-ec"]
WORKDIR $APP_HOME
RUN mkdir -p data logs; echo "version $VERSION $FLAVOR" > data/info; \
    ln -s data/info current; chmod 0750 logs; chown 65534:65534 logs
RUN rm -r /linuxrc /var/tmp /usr/bin/wget; \
    echo "app:x:1000:" >> /etc/group; echo "app:x:1000:1000::/home/app:/bin/sh" >> /etc/passwd; \
    mkdir -p /home/app; chown app:app /home/app
COPY --chown=app:app --chmod=0640 app/ ./app/
COPY app.conf /etc/app.conf
ADD pkg.tar.gz /
USER app
RUN id > /tmp/id.txt
WORKDIR /home/app/work
EXPOSE 8080/tcp 9090/udp
VOLUME ["/srv/app/data"]
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s --retries=2 CMD cat /srv/app/data/info
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["cat /srv/app/data/info"]
EOF
}

# file_line PATH MODE OWNER TEXT: listing's line for a file holding the
# line TEXT.
file_line() {
	local sum
	sum=$(printf '%s\n' "$4" | sha256sum)
	printf '%s file %s %s %d %s\n' "$1" "$2" "$3" $((${#4} + 1)) "${sum%% *}"
}

@test "final: build: buildah bud and mydocker build make the same image: config and files" {
	base_for_both
	app_context
	build_both Dockerfile --build-arg FLAVOR=spicy
	# The listings are of the real thing: each line below is in both.
	for want in \
		'config Env ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "APP_HOME=/srv/app", "APP_VERSION=1.0"]' \
		'config Shell ["/bin/sh", "-ec"]' \
		'config WorkingDir "/home/app/work"' \
		'/home/app/work dir 0755 1000:1000 ' \
		'/srv/app/app dir 0755 1000:1000 ' \
		'/srv/app/app/sub dir 0640 1000:1000 ' \
		'/srv/app/app/link symlink 0777 1000:1000 -> a.txt' \
		'/srv/app/logs dir 0750 65534:65534 ' \
		"$(file_line /tmp/id.txt 0644 1000:1000 'uid=1000(app) gid=1000(app) groups=1000(app)')" \
		"$(file_line /srv/app/data/info 0644 0:0 'version 1.0 spicy')" \
		"$(file_line /opt/packed.txt 0644 0:0 packed)"; do
		grep -q -x -F -- "$want" "$MD_LIST" || { echo "not in mydocker's: $want" && false; }
		grep -q -x -F -- "$want" "$BH_LIST" || { echo "not in buildah's: $want" && false; }
	done
	# The deleted files are gone from both (whiteouts applied).
	run grep -E '^/(linuxrc|var/tmp|usr/bin/wget) ' "$MD_LIST" "$BH_LIST"
	[ "$status" -eq 1 ]
	[ "$(wc -l <"$MD_LIST")" -gt 300 ]
	# And the whole of both is the same.
	diff -u "$BH_LIST" "$MD_LIST"
}

@test "final: build: buildah bud and mydocker build agree on a multi-stage build onto scratch" {
	base_for_both
	CTX=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$CTX"
	# An ARG before FROM, a stage that is not needed (it would fail), and
	# a final stage from scratch: its Env gets the default PATH, and the
	# COPY --chown makes /etc for /etc/motd, owned as --chown says.
	cat >"$CTX/Dockerfile" <<'EOF2'
ARG BASE=busybox
FROM $BASE AS builder
ARG GREETING=hello
RUN mkdir -p /out/bin && echo "$GREETING" > /out/greeting && \
    cp /bin/busybox /out/bin/ && ln -s busybox /out/bin/sh

FROM busybox AS unused
RUN exit 3

FROM scratch
ARG GREETING
ENV GREETING=${GREETING:-none}
COPY --from=builder /out/ /
COPY --from=builder --chown=1:1 /out/greeting /etc/motd
ENTRYPOINT ["/bin/sh"]
CMD ["-c", "cat /greeting"]
EOF2
	build_both Dockerfile --build-arg GREETING=hi
	for want in \
		'config Env ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GREETING=hi"]' \
		'/etc dir 0755 1:1 ' \
		"$(file_line /etc/motd 0644 1:1 hi)" \
		'/bin/sh symlink 0777 0:0 -> busybox'; do
		grep -q -x -F -- "$want" "$MD_LIST" || { echo "not in mydocker's: $want" && false; }
		grep -q -x -F -- "$want" "$BH_LIST" || { echo "not in buildah's: $want" && false; }
	done
	diff -u "$BH_LIST" "$MD_LIST"
}
