#!/usr/bin/env bats
# final/: real images. A registry on 127.0.0.1 (go-containerregistry's, in
# scripts' testregistry, built by test.sh) serves images these tests make:
# layers with whiteouts, Docker and OCI manifests, an index of two
# platforms, 40 layers, hostile layers. Nothing leaves the machine: every
# other registry is behind a closed proxy port (helpers.bash).

load helpers

setup_file() { start_registry; }
teardown_file() { stop_registry; }

layer_count() { ls "$MD_ROOT/layers" | wc -l; }

@test "final: pull prints the reference pulled on stdout, progress on stderr, and images lists it" {
	run --separate-stderr md pull "$REGISTRY/test/app:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$REGISTRY/test/app:v1" ]
	[[ "$(md inspect -f '{{index .RepoDigests 0}}' "$REGISTRY/test/app:v1")" =~ ^$REGISTRY/test/app@sha256:[0-9a-f]{64}$ ]]
	[[ "$stderr" == *"Digest: sha256:"* ]]
	[[ "$stderr" == *"Status: Downloaded newer image for $REGISTRY/test/app:v1"* ]]
	run md images
	echo "$output"
	[ "$(echo "$output" | head -n 1 | tr -s ' ')" = "REPOSITORY TAG IMAGE ID CREATED SIZE" ]
	echo "$output" | grep -E "^$REGISTRY/test/app +v1 +[0-9a-f]{12} "
	echo "$output" | grep -E '^busybox +latest '
	[ "$(md images -q | wc -l)" -eq 2 ]
	# A second pull finds everything there already.
	run --separate-stderr md pull "$REGISTRY/test/app:v1"
	[[ "$stderr" == *"Image is up to date"* ]]
}

@test "final: run honours the image's Entrypoint, Cmd, Env, WorkingDir and User, and the flags over them" {
	md pull "$REGISTRY/test/app:v1" >/dev/null 2>&1
	app=$REGISTRY/test/app:v1
	run md run --rm "$app"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from /srv/app as nobody" ]
	run md run --rm -e GREETING=bye -w /tmp -u root "$app" # -e, -w, -u over the image's
	[ "$output" = "bye from /tmp as root" ]
	run md run --rm "$app" 'echo cmd replaced; echo $HOME' # COMMAND replaces Cmd, not Entrypoint
	[ "$output" = "$(printf 'cmd replaced\n/home')" ]
	run md run --rm --entrypoint /bin/echo "$app" plain
	[ "$output" = plain ]
	run --separate-stderr md run --rm --entrypoint "" "$app"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"missing container command"* ]]
	run --separate-stderr md run --rm -u nosuchuser "$app" true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"unable to find user nosuchuser"* ]]
}

@test "final: whiteouts and opaque directories hide the files of the layers below" {
	run --separate-stderr md run --rm "$REGISTRY/test/app:v1" 'ls /srv; ls /srv/opaque'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'app\nkept\nopaque\nnew')" ]
}

@test "final: layers are stored once, shared by images and tags" {
	before=$(layer_count)
	md pull "$REGISTRY/test/app:v1" >/dev/null 2>&1
	# busybox (imported) is app's first layer: the same diff ID, one layer.
	[ "$(layer_count)" -eq $((before + 2)) ]
	run --separate-stderr md pull "$REGISTRY/test/app:v2"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Already exists"* ]]
	[ "$(layer_count)" -eq $((before + 3)) ]
	md tag "$REGISTRY/test/app:v1" mine:1
	[ "$(layer_count)" -eq $((before + 3)) ]
	run md run --rm mine:1 'cat /srv/kept'
	[ "$output" = kept ]
}

@test "final: an image is found by name, digest, full ID or ID prefix" {
	md pull "$REGISTRY/test/app:v1" >/dev/null 2>&1
	digest_ref=$(md inspect -f '{{index .RepoDigests 0}}' "$REGISTRY/test/app:v1")
	id=$(md images | awk -v repo="$REGISTRY/test/app" '$1 == repo { print $3 }')
	for ref in "$REGISTRY/test/app:v1" "$digest_ref" "$id" "${id:0:5}"; do
		run --separate-stderr md run --rm "$ref" 'cat /srv/kept'
		echo "$ref: $output $stderr"
		[ "$output" = kept ]
	done
	md rmi "$REGISTRY/test/app:v1" >/dev/null
	run --separate-stderr md pull "$digest_ref" # by digest: no tag comes with it
	[ "$output" = "$digest_ref" ]
	md images | grep -E "^$REGISTRY/test/app +<none> "
}

@test "final: from an index, the image for this machine; Docker and OCI manifests both run" {
	run md run --rm "$REGISTRY/test/multi" cat /platform
	[ "$status" -eq 0 ]
	[[ "$output" == *mine ]] # after the pull's progress (stderr)
	for img in test/app:v1 test/oci:v1; do
		run --separate-stderr md run --rm "$REGISTRY/$img" 'cat /srv/kept'
		[ "$status" -eq 0 ]
		[ "$output" = kept ]
		[[ "$stderr" == "Unable to find image '$REGISTRY/$img' locally"* ]]
	done
}

@test "final: an image of 40 layers runs" {
	run --separate-stderr md run --rm "$REGISTRY/test/many:40" sh -c 'cat /layers/39; ls /layers | wc -l'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '39\n39')" ]
}

@test "final: hostile layers are refused, change nothing outside, and leave no image" {
	rm -f /tmp/mydocker-hostile-dotdot /tmp/mydocker-hostile-symlink
	before=$(layer_count)
	for tag in dotdot symlink hardlink; do
		run --separate-stderr md pull "$REGISTRY/test/hostile:$tag"
		echo "$tag: $status $stderr"
		[ "$status" -eq 125 ]
		# The progress, then one line that says why.
		[ "$(echo "$stderr" | grep -c '^mydocker: ')" -eq 1 ]
		[[ "${stderr_lines[-1]}" == "mydocker: pull $REGISTRY/test/hostile:$tag: layer "* ]]
	done
	[ ! -e /tmp/mydocker-hostile-dotdot ]
	[ ! -e /tmp/mydocker-hostile-symlink ]
	[ "$(md images -q | wc -l)" -eq 1 ] # busybox alone
	[ "$(layer_count)" -eq "$before" ]
	[ -z "$(ls -A "$MD_ROOT/tmp")" ]
}

@test "final: errors give exit 125 and one line, and leave nothing in images" {
	for ref in "$REGISTRY/test/app:nosuchtag" "$REGISTRY/nosuch/repo" 127.0.0.1:1/closed/port 'Bad:Ref' 'a b'; do
		run --separate-stderr timeout 20 "$MYDOCKER" "${MD_GLOBAL[@]}" pull "$ref"
		echo "$ref: $status $stderr"
		[ "$status" -eq 125 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
	done
	run --separate-stderr md pull "$REGISTRY/test/app:nosuchtag"
	[[ "$stderr" == *"not found"* ]]
	run --separate-stderr md pull 127.0.0.1:1/closed/port
	[[ "$stderr" == *"does not answer"* ]]
	for args in "rmi nosuchimage" "tag nosuchimage x:1" "save -o $BATS_TEST_TMPDIR/x.tar nosuchimage" "tag busybox Bad:Ref"; do
		run --separate-stderr md $args
		echo "$args: $status $stderr"
		[ "$status" -eq 125 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
	done
	[ ! -e "$BATS_TEST_TMPDIR/x.tar" ]
	[ "$(md images -q | wc -l)" -eq 1 ]
}

@test "final: run of an image that is not here, on a registry that cannot be reached, fails at once with one line" {
	md rmi busybox >/dev/null
	# Docker Hub is behind the tests' closed proxy: it fails, fast.
	SECONDS=0
	run --separate-stderr md run --rm busybox true
	[ "$status" -eq 125 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"busybox:latest is not here, and pulling it failed"* ]]
	[ "$SECONDS" -lt 10 ]
	assert_no_workspace
}

@test "final: save, rmi, load and run again; load reads stdin too" {
	md pull "$REGISTRY/test/app:v1" >/dev/null 2>&1
	md save -o "$BATS_TEST_TMPDIR/app.tar" "$REGISTRY/test/app:v1" busybox
	tar -tf "$BATS_TEST_TMPDIR/app.tar" | grep -x manifest.json
	run md rmi "$REGISTRY/test/app:v1" busybox
	[ "$status" -eq 0 ]
	[[ "$output" == *"Deleted: sha256:"* ]]
	[ -z "$(md images -q)" ]
	[ -z "$(ls -A "$MD_ROOT/layers")" ]
	run md load -i "$BATS_TEST_TMPDIR/app.tar"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Loaded image: $REGISTRY/test/app:v1"* ]]
	[[ "$output" == *"Loaded image: busybox:latest"* ]]
	run md run --rm "$REGISTRY/test/app:v1"
	[ "$output" = "hello from /srv/app as nobody" ]
	md rmi "$REGISTRY/test/app:v1" >/dev/null
	md load <"$BATS_TEST_TMPDIR/app.tar" >/dev/null 2>&1
	md images | grep -E "^$REGISTRY/test/app +v1 "
}

@test "final: import a rootfs tar (file or stdin) with --change, tag it, and run it" {
	run md import --change 'CMD ["echo", "imported"]' --change 'ENV WHO=me' - imported:1 <"$BUSYBOX_TAR"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
	run md run --rm imported:1
	[ "$output" = imported ]
	run md run --rm imported:1 sh -c 'echo $WHO'
	[ "$output" = me ]
	md tag imported:1 team/other:2
	md images | grep -E '^team/other +2 '
	run md run --rm team/other:2
	[ "$output" = imported ]
}

@test "final: import of a corrupt tar fails with one line and leaves no image or layer" {
	head -c 20000 /dev/urandom >"$BATS_TEST_TMPDIR/bad.tar"
	before=$(layer_count)
	run --separate-stderr md import "$BATS_TEST_TMPDIR/bad.tar" bad
	[ "$status" -eq 125 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *unpack* ]]
	[ "$(layer_count)" -eq "$before" ]
	[ "$(md images -q | wc -l)" -eq 1 ]
}

@test "final: rmi is refused while a container uses the image; -f untags it and it stays for the container" {
	md_detach --name user -- sleep 1000
	run --separate-stderr md rmi busybox
	[ "$status" -eq 125 ]
	# docker's words, the container by its short ID.
	[[ "$stderr" == *"conflict: unable to remove repository reference \"busybox\" (must force) - container $(md ps -q --filter name=user) is using its referenced image"* ]]
	md images | grep -E '^busybox +latest '
	run md rmi -f busybox
	[ "$status" -eq 0 ]
	[ "$output" = "Untagged: busybox:latest" ]
	md images | grep -E '^<none> +<none> '
	run md exec user cat /etc/passwd # its layers are still there
	[ "$status" -eq 0 ]
	md rm -f user >/dev/null
	id=$(md images -q)
	run md rmi "$id"
	[ "$status" -eq 0 ]
	[ -z "$(ls -A "$MD_ROOT/layers")" ]
}

@test "final: commit makes a layer over the image, with deletions and without the volume's data" {
	md_detach --name src -v "$BATS_TEST_TMPDIR/vol:/vol" -- sh -c 'echo made > /made; rm /etc/passwd; echo host > /vol/f; exec sleep 1000'
	for ((i = 0; i < 100; i++)); do [ -s "$BATS_TEST_TMPDIR/vol/f" ] && break; sleep 0.1; done
	run md commit -m "my change" src committed:1
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
	run md run --rm committed:1 sh -c 'cat /made; ls /etc/passwd 2>&1; ls -A /vol'
	echo "$output"
	[ "$(echo "$output" | head -n 1)" = made ]
	[[ "$output" == *"No such file"* ]]
	[ "$(echo "$output" | wc -l)" -eq 2 ] # /vol is there, empty
	md stop -t 0 src >/dev/null
	run md commit --change 'CMD ["cat", "/made"]' src committed:2
	[ "$status" -eq 0 ]
	run md run --rm committed:2
	[ "$output" = made ]
	md save -o "$BATS_TEST_TMPDIR/c.tar" committed:2 # a real image: two layers, history
	tar -xOf "$BATS_TEST_TMPDIR/c.tar" manifest.json | grep -o '"Layers":\[[^]]*\]' | grep -o '.tar' | wc -l | grep -x 2
}

@test "final: export writes the container's filesystem without the volume's data, a FIFO does not hang it" {
	md_detach --name src -v "$BATS_TEST_TMPDIR/vol:/vol" -- sh -c 'echo made > /made; ln /made /z-hard; mkfifo /fifo; echo mydocker-host-secret > /vol/f; exec sleep 1000'
	for ((i = 0; i < 100; i++)); do [ -s "$BATS_TEST_TMPDIR/vol/f" ] && break; sleep 0.1; done
	run timeout 20 "$MYDOCKER" "${MD_GLOBAL[@]}" export -o "$BATS_TEST_TMPDIR/fs.tar" src
	[ "$status" -eq 0 ]
	listing=$(tar -tvf "$BATS_TEST_TMPDIR/fs.tar")
	echo "$listing" | grep -E '^-.* made$'
	echo "$listing" | grep -E '^h.* z-hard link to made$'
	echo "$listing" | grep -E '^p.* fifo$'
	echo "$listing" | grep -E ' bin/busybox$'
	run ! grep -q mydocker-host-secret "$BATS_TEST_TMPDIR/fs.tar"
	run --separate-stderr md export src
	[ "$status" -eq 0 ] # stdout is not a terminal here: the tar goes to it
}

@test "final: two pulls of the same image at once both succeed, and store it once" {
	before=$(layer_count)
	md pull "$REGISTRY/test/many:40" >"$BATS_TEST_TMPDIR/a" 2>&1 &
	a=$!
	md pull "$REGISTRY/test/many:40" >"$BATS_TEST_TMPDIR/b" 2>&1 &
	b=$!
	wait "$a"
	wait "$b"
	[ "$(layer_count)" -eq $((before + 39)) ]
	run md run --rm "$REGISTRY/test/many:40" cat /layers/01
	[ "$output" = 1 ]
}

@test "final: load reads an OCI image layout tar, with the name its annotations give" {
	"$TESTREGISTRY" layout "$BATS_TEST_TMPDIR/oci.tar" "$BUSYBOX_TAR" example.com/team/layout v3
	run --separate-stderr md load -i "$BATS_TEST_TMPDIR/oci.tar"
	[ "$status" -eq 0 ]
	[ "$output" = "Loaded image: example.com/team/layout:v3" ]
	run md run --rm example.com/team/layout:v3
	[ "$output" = "hello from /srv/app as nobody" ]
	run --separate-stderr md load -i "$BUSYBOX_TAR" # a rootfs tar is no image archive
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"neither a docker-archive"* ]]
}

@test "final: podman loads what save writes, and its saves (docker-archive, OCI) load here" {
	command -v podman >/dev/null || skip "podman is not installed (scripts/test.sh installs it when it can)"
	pm() { podman_images "$@"; }
	md import --change 'CMD ["echo", "from mydocker"]' "$BUSYBOX_TAR" team/app:1 >/dev/null
	id=$(md images | awk '$1 == "team/app" { print $3 }')
	md save -o "$BATS_TEST_TMPDIR/ours.tar" team/app:1
	run pm load -i "$BATS_TEST_TMPDIR/ours.tar"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Loaded image: localhost/team/app:1"* ]]
	pm images --format '{{.ID}}' | grep -x "$id" # the same image ID
	pm save -o "$BATS_TEST_TMPDIR/docker-archive.tar" localhost/team/app:1
	pm save --format oci-archive -o "$BATS_TEST_TMPDIR/oci.tar" localhost/team/app:1
	md rmi team/app:1 >/dev/null
	for archive in docker-archive oci; do
		run --separate-stderr md load -i "$BATS_TEST_TMPDIR/$archive.tar"
		[ "$status" -eq 0 ]
		[ "$output" = "Loaded image: localhost/team/app:1" ]
		run --separate-stderr md run --rm localhost/team/app:1
		[ "$output" = "from mydocker" ]
	done
}

# config_of ID KEY prints a field of the container's config.json.
config_of() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$MD_ROOT/containers/$1/config.json" "$2"
}

@test "final: a detached container has one monitor, which records its exit code for wait and ps -a" {
	md_detach --name coded -- sh -c 'sleep 0.3; exit 3'
	[ "$(mydocker_pids | wc -l)" -eq 1 ] # its monitor, and nothing else of ours
	run md wait coded
	[ "$status" -eq 0 ]
	[ "$output" = 3 ]
	md ps -a | grep -E '^[0-9a-f]{12} .* Exited \(3\) .* coded$'
	for ((i = 0; i < 20; i++)); do [ -z "$(mydocker_pids)" ] && break; sleep 0.05; done
	[ -z "$(mydocker_pids)" ] # the monitor is gone with the container's end
	assert_no_mounts_under "$MD_ROOT"
}

@test "final: run -d --rm removes the container when it exits, and wait still works while it runs" {
	md_detach --rm --name brief -- sh -c 'sleep 0.3; exit 0'
	for ((i = 0; i < 50; i++)); do [ -z "$(md ps -a -q)" ] && break; sleep 0.1; done
	[ -z "$(md ps -a -q)" ]
	assert_no_workspace
}

@test "final: --restart on-failure:2 restarts exactly twice, over the same writable layer" {
	md_detach --name flaky --restart on-failure:2 -- sh -c 'echo run >> /runs; cat /runs | wc -l; exit 1'
	run md wait flaky
	# wait returns at the first exit that is not restarted: the third.
	for ((i = 0; i < 100; i++)); do [ "$(config_of "$MD_ID" restarts)" = 2 ] && [ "$(md wait flaky)" = 1 ] && break; sleep 0.1; done
	[ "$(config_of "$MD_ID" restarts)" = 2 ]
	[ "$(md logs flaky | tr '\n' ' ')" = "1 2 3 " ]
	md ps -a | grep -E ' Exited \(1\) .* flaky$'
}

@test "final: --restart always survives a kill -9 of its process, and stop ends it" {
	md_detach --name phoenix --restart always -- sh -c 'echo up; exec sleep 1000'
	pid=$(ps_pid phoenix)
	kill -KILL "$pid"
	for ((i = 0; i < 50; i++)); do
		new=$(ps_pid phoenix)
		[ -n "$new" ] && [ "$new" != "$pid" ] && break
		sleep 0.1
	done
	[ -n "$new" ] && [ "$new" != "$pid" ]
	# Its new run's first line reaches the log a moment after its PID.
	for ((i = 0; i < 50; i++)); do [ "$(md logs phoenix | grep -c up)" -eq 2 ] && break; sleep 0.1; done
	[ "$(md logs phoenix | grep -c up)" -eq 2 ]
	run md stop -t 0 phoenix
	[ "$status" -eq 0 ]
	md ps -a --format '{{.Names}} {{.Status}}' | grep -E '^phoenix Exited \(137\)( |$)'
	sleep 0.5 # no restart after stop
	md ps -a --format '{{.Names}} {{.Status}}' | grep -E '^phoenix Exited \(137\)( |$)'
	[ -z "$(mydocker_pids)" ]
}

# bats test_tags=cgroups
@test "final: kill -9 of a monitor: the next command stops the container and reports it exited, leaving nothing" {
	md_detach --name orphan -- sleep 1000
	pid=$(ps_pid orphan)
	kill -KILL "$(mydocker_pids)"
	run md ps -a
	echo "$output" | grep -E ' Exited .* orphan$'
	# Gone (or a zombie, until whoever inherited it reaps it).
	[ ! -e "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status"
	assert_no_mounts_under "$MD_ROOT"
	run --separate-stderr md wait orphan
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"exit code is unknown"* ]]
}

# bats test_tags=cgroups
@test "final: the end of the caller's cgroup (a systemd unit, a session) kills neither the monitor nor the container, whose exit code is kept" {
	# As a oneshot unit, systemd-run, a cron job or an SSH session would
	# run it: when that ends, systemd kills every process left in its cgroup.
	caller_cgroup_make
	local MD_RUN_MODE=-d
	run_argv --name survivor -- sleep 1000
	MD_ID=$(in_caller_cgroup "${MD_ARGV[@]}")
	monitor=$(mydocker_pids)
	cat "/proc/$monitor/cgroup"
	run grep -F "/$CALLER_CG" "/proc/$monitor/cgroup"
	[ "$status" -eq 1 ]
	[ "$(awk '{ print $6 }' "/proc/$monitor/stat")" = "$monitor" ] # its own session
	caller_cgroup_kill
	[ "$(mydocker_pids)" = "$monitor" ]
	md ps --format '{{.Names}} {{.Status}}' | grep -E '^survivor Up( |$)'
	run md stop -t 0 survivor
	[ "$status" -eq 0 ]
	md ps -a --format '{{.Names}} {{.Status}}' | grep -E '^survivor Exited \(137\)( |$)'
}

@test "final: after a power cut, boot starts exactly the containers whose restart policy says so" {
	md_detach --name always-up --restart always -- sleep 1000
	md_detach --name always-stopped --restart always -- sleep 1000
	md_detach --name unless-up --restart unless-stopped -- sleep 1000
	md_detach --name unless-stopped --restart unless-stopped -- sleep 1000
	md_detach --name failing-up --restart on-failure -- sleep 1000
	md_detach --name done --restart on-failure -- true
	md_detach --name plain -- sleep 1000
	md stop -t 0 always-stopped unless-stopped
	[ "$(md wait done)" = 0 ]
	# The power goes: every monitor and every container dies at once,
	# and nobody records anything.
	inits=$(ps_pids)
	kill -KILL $(mydocker_pids) $inits
	for pid in $inits; do
		for ((i = 0; i < 50; i++)); do [ ! -e "/proc/$pid" ] && break; sleep 0.1; done
	done
	run --separate-stderr md boot
	echo "$output $stderr"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | sort | tr '\n' ' ')" = "always-stopped always-up failing-up unless-up " ]
	[ "$(md ps --format '{{.Names}}' | sort | tr '\n' ' ')" = "always-stopped always-up failing-up unless-up " ]
	[ "$(mydocker_pids | wc -l)" -eq 4 ] # a monitor each
	md ps -a --format '{{.Names}} {{.Status}}' | grep -E '^unless-stopped Exited \(137\)( |$)'
	md ps -a --format '{{.Names}} {{.Status}}' | grep -E '^done Exited \(0\)( |$)'
	# Once more: nothing left to start.
	[ -z "$(md boot)" ]
}

@test "final: --restart is checked before anything is made" {
	for args in "--restart sometimes" "--restart on-failure:0" "--restart always --rm"; do
		run --separate-stderr md run $args busybox true
		echo "$args: $status $stderr"
		[ "$status" -eq 125 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
	done
	run -127 --separate-stderr md run -d busybox no-such-command
	[ -z "$output" ]
	[ -z "$(md ps -q)" ]
}

@test "final: create makes a container that start runs; start -a shows its output and gives its status" {
	run md create --name later busybox sh -c 'echo hello; echo run >> /runs; wc -l < /runs; exit 2'
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	md ps -a --format '{{.Names}} {{.Status}}' | grep -E '^later Created( |$)'
	[ -z "$(mydocker_pids)" ] # nothing runs for a created container
	assert_no_mounts_under "$MD_ROOT"
	run md start -a later
	[ "$status" -eq 2 ]
	[ "$output" = "$(printf 'hello\n1')" ]
	run md start later # again, over the same writable layer
	[ "$status" -eq 0 ]
	[ "$output" = later ]
	[ "$(md wait later)" = 2 ]
	[ "$(md logs later | tail -n 1)" = 2 ]
}

@test "final: restart stops and starts a container, keeping its writable layer" {
	md_detach --name svc -- sh -c 'echo run >> /runs; wc -l < /runs; exec sleep 1000'
	run md restart -t 0 svc
	[ "$status" -eq 0 ]
	[ "$output" = svc ]
	for ((i = 0; i < 50; i++)); do [ "$(md logs svc | tail -n 1)" = 2 ] && break; sleep 0.1; done
	[ "$(md logs svc | tail -n 1)" = 2 ]
	md ps --format '{{.Names}} {{.Status}}' | grep -E '^svc Up( |$)'
	[ "$(mydocker_pids | wc -l)" -eq 1 ] # one monitor, the new one
}

@test "final: kill sends SIGKILL or -s SIGNAL to PID 1, and refuses a container that does not run" {
	md_detach --name target -- sh -c 'trap "echo got HUP" HUP; trap "echo got 37" 37; while :; do sleep 0.1; done'
	run md kill -s HUP target
	[ "$status" -eq 0 ]
	for ((i = 0; i < 50; i++)); do md logs target | grep -q 'got HUP' && break; sleep 0.1; done
	md logs target | grep -q 'got HUP'
	# Real-time signals as docker names them: systemd's stop signal.
	run md kill -s SIGRTMIN+3 target
	[ "$status" -eq 0 ]
	for ((i = 0; i < 50; i++)); do md logs target | grep -q 'got 37' && break; sleep 0.1; done
	md logs target | grep -q 'got 37'
	run md kill target
	[ "$status" -eq 0 ]
	[ "$(md wait target)" = 137 ]
	run --separate-stderr md kill target
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"not running"* ]]
	run --separate-stderr md kill -s NOSUCH target
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"invalid signal"* ]]
}

@test "final: inspect shows containers and images as docker's JSON, and -f templates of them" {
	md_detach --name looked -v "$BATS_TEST_TMPDIR/v:/data:ro" -- sleep 1000
	pid=$(ps_pid looked)
	run md inspect -f '{{.State.Pid}} {{.State.Status}} {{.State.Running}} {{.Name}}' looked
	[ "$status" -eq 0 ]
	[ "$output" = "$pid running true /looked" ]
	run md inspect looked
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
c = json.load(sys.stdin)[0]
assert c["Id"].startswith(sys.argv[1]) and c["Config"]["Cmd"] == ["sleep", "1000"], c
assert c["Mounts"] == [{"Type": "bind", "Name": "", "Driver": "", "Source": sys.argv[2], "Destination": "/data", "Mode": "", "RW": False, "Propagation": "rprivate"}], c["Mounts"]
assert c["Image"].startswith("sha256:") and c["HostConfig"]["RestartPolicy"]["Name"] == "no"
' "$MD_ID" "$BATS_TEST_TMPDIR/v"
	md stop -t 0 looked >/dev/null
	run md inspect -f '{{.State.Status}} {{.State.ExitCode}}' looked
	[ "$output" = "exited 137" ]
	run md inspect -f '{{index .RepoTags 0}} {{.Os}} {{len .RootFS.Layers}}' busybox
	[ "$output" = "busybox:latest linux 1" ]
	run --separate-stderr md inspect looked nosuch
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"no such object: nosuch"* ]]
	[[ "$output" == *'"Name": "/looked"'* ]] # what was found is still printed
}

# bats test_tags=cgroups
@test "final: top lists the container's processes, exec's too, and refuses a stopped container" {
	md_detach --name busy -- sh -c 'sleep 1000 & exec sleep 999'
	md exec busy sh -c 'sleep 998 &' # a process that exec leaves behind
	run md top busy
	[ "$status" -eq 0 ]
	echo "$output"
	# ps -ef's columns, the user's name from the host's /etc/passwd.
	[ "$(echo "$output" | head -n 1 | tr -s ' ')" = "UID PID PPID C STIME TTY TIME CMD" ]
	echo "$output" | grep -E '^root +[0-9]+ +[0-9]+ +[0-9]+ +[0-9A-Za-z:]+ +\? +[0-9]{2}:[0-9]{2}:[0-9]{2} +sleep 999$'
	echo "$output" | grep -E ' sleep 1000$'
	echo "$output" | grep -E ' sleep 998$'
	[ "${#lines[@]}" -eq 4 ] # the three sleeps, and the header
	# ps's own options: the host's ps, its rows of the container's processes.
	run md top busy -o pid,comm
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | head -n 1 | tr -s ' ')" = "PID COMMAND" ]
	[ "$(echo "$output" | awk 'NR > 1 { print $2 }' | sort | uniq -c | tr -s ' ')" = " 3 sleep" ]
	md stop -t 0 busy >/dev/null
	run --separate-stderr md top busy
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"not running"* ]]
}

@test "final: named volumes: made on first use, shared by containers, kept after rm, refused to rm while in use" {
	run md run --rm -v appdata:/data busybox sh -c 'echo kept > /data/f'
	[ "$status" -eq 0 ]
	run md volume ls
	[ "$(echo "$output" | tr -s ' ')" = "$(printf 'DRIVER VOLUME NAME\nlocal appdata')" ]
	md_detach --name holder -v appdata:/data -- sleep 1000
	run md run --rm -v appdata:/d:ro busybox sh -c 'cat /d/f; touch /d/x'
	[[ "$output" == kept*"Read-only file system"* ]]
	run --separate-stderr md volume rm appdata
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"in use by container holder"* ]]
	md rm -f holder >/dev/null
	[ "$(md volume inspect -- appdata | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Mountpoint"])')" = "$MD_ROOT/volumes/appdata/_data" ]
	[ "$(cat "$MD_ROOT/volumes/appdata/_data/f")" = kept ] # rm of a container keeps its named volume
	run md volume rm appdata
	[ "$status" -eq 0 ]
	[ "$output" = appdata ]
	[ -z "$(md volume ls -q)" ]
	name=$(md volume create)
	[[ "$name" =~ ^[0-9a-f]{64}$ ]]
	md volume rm "$name" >/dev/null
	for spec in "x:/data" "bad/name:/data" "ok-name:relative"; do
		run --separate-stderr md run --rm -v "$spec" busybox true
		echo "$spec: $status $stderr"
		[ "$status" -eq 125 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
	done
	[ -z "$(md volume ls -q)" ] # a bad run makes no volume
}

@test "final: --network none has lo alone (up), host shares the host's, bridge is made on first use" {
	run md run --rm --network none busybox sh -c 'ip -o link | cut -d: -f2 | tr -d " "; ping -c 1 -W 1 127.0.0.1 >/dev/null && echo lo-works'
	[ "$output" = "$(printf 'lo\nlo-works')" ]
	run md run --rm --network host busybox sh -c 'ip -o link | wc -l'
	[ "$output" -eq "$(ip -o link | wc -l)" ]
	run --separate-stderr md run --rm --network host -p 8080:80 busybox true
	[ "$status" -eq 125 ]
	[ "$(md network ls --format '{{.Name}}' | tr '\n' ' ')" = "host none " ] # no bridge yet
	run md run --rm --network bridge busybox ip -4 -o addr show eth0
	[ "$status" -eq 0 ]
	[[ "$output" =~ inet\ (172|10)\.[0-9]+\.0\.2/16 ]]
	[[ "$(md network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' bridge)" =~ ^(172|10)\.[0-9]+\.0\.0/16$ ]]
	md network rm bridge >/dev/null
}

@test "final: --hostname (-h) names the container's host, and a bad one is refused" {
	run md run --rm --hostname web.local busybox sh -c 'hostname; echo $HOSTNAME'
	[ "$output" = "$(printf 'web.local\nweb.local')" ]
	run md run --rm -h db busybox hostname
	[ "$output" = db ]
	run --separate-stderr md run --rm --hostname bad_name busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"invalid hostname"* ]]
}

@test "final: exec runs as the container's user in its working directory, or as -u in -w, with -e" {
	md pull "$REGISTRY/test/app:v1" >/dev/null 2>&1
	md run -d --name app --entrypoint sleep "$REGISTRY/test/app:v1" 1000 >/dev/null
	run md exec app sh -c 'id -un; pwd; echo $GREETING'
	[ "$output" = "$(printf 'nobody\n/srv/app\nhello')" ]
	run md exec -u root -w /tmp -e GREETING=hi -e NEW=1 app sh -c 'id -un; pwd; echo $GREETING $NEW $HOME'
	[ "$output" = "$(printf 'root\n/tmp\nhi 1 /root')" ]
	run --separate-stderr md exec -u nosuchuser app true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"unable to find user nosuchuser"* ]]
	run --separate-stderr md exec -w /nonexistent app true
	[ "$status" -eq 126 ]
	run --separate-stderr md exec -w relative app true
	[ "$status" -eq 125 ]
}

# bats test_tags=cgroups
@test "final: --pids-limit stops a fork loop, --cpus is a CFS quota in the cgroup" {
	# busybox sh gives up a script whose fork fails: the loop runs in a subshell.
	run md run --rm --pids-limit 8 busybox sh -c '(for i in $(seq 20); do sleep 5 & done); echo survived'
	[[ "$output" == *"can't fork"* ]]
	[[ "$output" == *survived* ]]
	md_detach --name capped --cpus 0.5 --pids-limit 50 -- sleep 1000
	if cgroup_v2; then
		[ "$(cat "/sys/fs/cgroup/mydocker/$MD_ID/cpu.max")" = "50000 100000" ]
		[ "$(cat "/sys/fs/cgroup/mydocker/$MD_ID/pids.max")" = 50 ]
	else
		[ "$(cat "/sys/fs/cgroup/cpu/mydocker/$MD_ID/cpu.cfs_quota_us")" = 50000 ]
		[ "$(cat "/sys/fs/cgroup/pids/mydocker/$MD_ID/pids.max")" = 50 ]
	fi
	[ "$(md inspect -f '{{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}' capped)" = "500000000 50" ]
	for args in "--cpus 0" "--cpus many" "--pids-limit -5"; do
		run --separate-stderr md run --rm $args busybox true
		[ "$status" -eq 125 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
	done
}

@test "final: cp copies both ways, running or stopped, with modes, and a symlink inside cannot lead out" {
	src=$BATS_TEST_TMPDIR/src
	mkdir -p "$src/sub" && echo a >"$src/a" && chmod 600 "$src/a" && echo b >"$src/sub/b" && ln -s a "$src/link"
	mkdir -p "$BATS_TEST_TMPDIR/vol" && echo in-volume >"$BATS_TEST_TMPDIR/vol/v"
	md_detach --name box -v "$BATS_TEST_TMPDIR/vol:/vol" -- sh -c 'mkdir /data; echo inside > /data/x; ln -s /etc /data/to-etc; exec sleep 1000'
	for ((i = 0; i < 50; i++)); do md exec box test -e /data/to-etc && break; sleep 0.1; done
	# A volume is bound in the container's mount namespace: cp sees it, both ways.
	md cp box:/vol/v "$BATS_TEST_TMPDIR/v-out"
	[ "$(cat "$BATS_TEST_TMPDIR/v-out")" = in-volume ]
	md cp "$src/a" box:/vol/from-host
	[ "$(cat "$BATS_TEST_TMPDIR/vol/from-host")" = a ]
	md cp "$src" box:/data
	run md exec box sh -c 'stat -c "%a %n" /data/src/a; cat /data/src/sub/b; readlink /data/src/link'
	[ "$output" = "$(printf '600 /data/src/a\nb\na')" ]
	md cp box:/data "$BATS_TEST_TMPDIR/out"
	[ "$(cat "$BATS_TEST_TMPDIR/out/x")" = inside ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/out/src/a")" = 600 ]
	[ "$(readlink "$BATS_TEST_TMPDIR/out/to-etc")" = /etc ] # a link, copied as one
	# Through the container's own symlink /data/to-etc -> /etc: its /etc, not ours.
	md cp "$src/a" box:/data/to-etc/mydocker-cp-test
	[ ! -e /etc/mydocker-cp-test ]
	[ "$(md exec box cat /etc/mydocker-cp-test)" = a ]
	md stop -t 0 box >/dev/null
	md cp box:/data/x "$BATS_TEST_TMPDIR/x-stopped"
	[ "$(cat "$BATS_TEST_TMPDIR/x-stopped")" = inside ]
	md cp "$src/a" box:/copied-while-stopped
	assert_no_mounts_under "$MD_ROOT" # the layers were mounted for the copy alone
	run md cp box:/copied-while-stopped "$BATS_TEST_TMPDIR/back"
	[ "$(cat "$BATS_TEST_TMPDIR/back")" = a ]
	run --separate-stderr md cp box:/nosuch "$BATS_TEST_TMPDIR/none"
	[ "$status" -eq 125 ]
	run --separate-stderr md cp "$src" "$BATS_TEST_TMPDIR/host-to-host"
	[ "$status" -eq 125 ]
}

@test "final: --read-only makes the root read-only, not its volumes or /dev; logs --tail shows the last lines" {
	run md run --rm --read-only -v "$BATS_TEST_TMPDIR/v:/data" -w /made busybox sh -c 'touch /x; touch /data/y && echo vol-ok; echo > /dev/null && echo dev-ok; pwd'
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *"vol-ok"*"dev-ok"* ]]
	[[ "$output" == *"/made"* ]]
	[ -e "$BATS_TEST_TMPDIR/v/y" ]
	md run --name talk busybox sh -c 'for i in 1 2 3 4 5; do echo line $i; done' >/dev/null
	run md logs --tail 2 talk
	[ "$output" = "$(printf 'line 4\nline 5')" ]
	run md logs -n 0 talk
	[ -z "$output" ]
	[ "$(md logs --tail all talk | wc -l)" -eq 5 ]
	run --separate-stderr md logs --tail x talk
	[ "$status" -eq 125 ]
}

# bats test_tags=cgroups
@test "final: exec -d starts a command and returns; stats --no-stream shows CPU, memory and PIDs" {
	md_detach --name busy -m 64m -- sh -c 'while :; do :; done'
	md_detach --name idle -- sleep 1000
	# The command waits for /go, which only this test makes, after exec -d
	# returned: an exec -d that waited for its command would hang until timeout.
	run timeout 20 "$MYDOCKER" "${MD_GLOBAL[@]}" exec -d idle sh -c 'until [ -e /go ]; do sleep 0.1; done; echo done > /done'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	md exec idle touch /go
	for ((i = 0; i < 50; i++)); do [ "$(md exec idle cat /done 2>/dev/null)" = done ] && break; sleep 0.1; done
	[ "$(md exec idle cat /done)" = done ]
	run md stats --no-stream
	echo "$output"
	[ "$(echo "$output" | head -n 1 | tr -s ' ')" = "CONTAINER ID NAME CPU % MEM USAGE / LIMIT MEM % NET I/O BLOCK I/O PIDS" ]
	echo "$output" | awk '$2 == "busy" { sub(/%/, "", $3); spins = ($3 + 0 > 50) } END { exit !spins }'
	echo "$output" | grep -E ' busy .* / 64MiB '
	echo "$output" | grep -E ' idle .* 1$'
	run --separate-stderr md exec -d -ti idle true
	[ "$status" -eq 125 ]
}

# bats test_tags=cgroups
@test "final: stats: --format with docker's fields, NET I/O after traffic, BLOCK I/O after a write, -a shows a stopped container as zeros" {
	md_detach --name net -- sleep 1000
	id=$(md inspect -f '{{.Id}}' net)
	run md stats --no-stream --format '{{.Name}} {{.PIDs}} {{.Container}} {{.ID}}' net
	[ "$output" = "net 1 net ${id:0:12}" ]
	run md stats --no-stream --no-trunc --format '{{.ID}}' net
	[ "$output" = "$id" ]
	run md stats --no-stream --format '{{.NetIO}}' net
	[[ "$output" =~ ^[0-9.]+k?B\ /\ [0-9.]+k?B$ ]]
	# Traffic to its own bridge (its gateway) is counted, lo's is not.
	gw=$(md inspect -f '{{range .NetworkSettings.Networks}}{{.Gateway}}{{end}}' net)
	[ -n "$gw" ]
	md exec net ping -c 3 -W 1 "$gw"
	md exec net ping -c 20 -i 0.05 -s 1000 127.0.0.1 >/dev/null
	run md stats --no-stream --format '{{.NetIO}}' net
	echo "$output"
	[[ "$output" =~ ^[0-9.]+k?B\ /\ [0-9.]+k?B$ ]]
	[[ "$output" != *"0B / 0B"* ]]
	[[ ! "$output" =~ ((^|\ )[0-9]{2,}(\.[0-9]+)?kB|MB) ]] # lo's 20 kB are not counted
	# docker's "json": its keys, every value a string.
	run md stats --no-stream --format json net
	echo "$output"
	[[ "$output" =~ ^\{\"BlockIO\":\"[^\"]+\",\"CPUPerc\":\"[0-9.]+%\",\"Container\":\"net\",\"ID\":\"${id:0:12}\",\"MemPerc\":\"[0-9.]+%\",\"MemUsage\":\"[0-9.]+[KMG]?i?B\ /\ [0-9.]+[KMG]iB\",\"Name\":\"net\",\"NetIO\":\"[^\"]+\",\"PIDs\":\"1\"\}$ ]]
	# Written with fsync, on a block device, the cgroup accounts it (v1's
	# blkio, v2's io.stat). An overlay on a tmpfs writes to no device, and
	# a v1 kernel of 6.9 or later counts nothing until a throttle limit is
	# set (docker shows 0B / 0B then too): there only the shape is checked.
	md exec net dd if=/dev/zero of=/f bs=1M count=20 conv=fsync
	run md stats --no-stream --format '{{.BlockIO}}' net
	echo "$output"
	[[ "$output" =~ ^[0-9.]+[kMG]?B\ /\ [0-9.]+[kMG]?B$ ]]
	counted=$(cat "/sys/fs/cgroup/blkio/mydocker/$id/blkio.throttle.io_service_bytes" "/sys/fs/cgroup/mydocker/$id/io.stat" 2>/dev/null |
		grep -c -E '^[0-9]+:[0-9]+ ' || true)
	echo "$(stat -f -c %T "$MD_ROOT"), $counted device lines"
	if [ "$(stat -f -c %T "$MD_ROOT")" != tmpfs ] && [ "$counted" -gt 0 ]; then
		[[ "$output" =~ /\ (2[0-9]|[3-9][0-9])(\.[0-9]+)?MB$ ]]
	fi
	# -a: a stopped container is listed, all zeros; without it, it is not.
	md create --name idle busybox true >/dev/null
	run md stats --no-stream
	echo "$output"
	[ "${#lines[@]}" -eq 2 ]
	run md stats --no-stream -a --format '{{.Name}}: {{.CPUPerc}} {{.MemUsage}} {{.MemPerc}} {{.NetIO}} {{.BlockIO}} {{.PIDs}}'
	echo "$output"
	[ "${lines[0]}" = "idle: 0.00% 0B / 0B 0.00% 0B / 0B 0B / 0B 0" ]
	[[ "${lines[1]}" == "net: "* ]]
	run md stats --no-stream --format 'table {{.Name}}\t{{.PIDs}}' idle
	[ "$(echo "$output" | tr -s ' ')" = "$(printf 'NAME PIDS\nidle 0')" ]
	run --separate-stderr md stats --no-stream nosuch
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"no such container: nosuch"* ]]
}

@test "final: 50 detached containers at once are all listed, each with its monitor, and all removed" {
	pids=()
	for i in $(seq 50); do
		md run -d --name "many$i" busybox sleep 1000 >"$BATS_TEST_TMPDIR/run.$i" 2>&1 &
		pids+=($!)
	done
	wait_pids "${pids[@]}"
	cat "$BATS_TEST_TMPDIR"/run.* | grep -v -E '^[0-9a-f]{64}$' && false
	[ "$(md ps -q | wc -l)" -eq 50 ]
	[ "$(mydocker_pids | wc -l)" -eq 50 ] # one monitor each, nothing else
	run md rm -f $(md ps -q)
	[ "$status" -eq 0 ]
	[ -z "$(md ps -a -q)" ]
	assert_no_workspace
	assert_no_mounts_under "$MD_ROOT"
}

# in_terminal ARG...: mydocker ARG... in a terminal of its own (script(1)),
# 24 rows by 80 columns; its status is mydocker's.
in_terminal() {
	script -q -e -c "stty rows 24 cols 80; $(printf '%q ' "$MYDOCKER" "${MD_GLOBAL[@]}" "$@")" /dev/null
}

# keys TEXT...: types each TEXT into a terminal, half a second apart, and
# keeps the terminal open a moment after.
keys() {
	exec 3>&-
	local k
	for k in "$@"; do
		sleep 0.5
		printf '%b' "$k"
	done
	sleep 2
}

@test "final: -i pipes stdin in; without -i the container's stdin is empty; no descriptor of ours gets in" {
	run bash -c 'echo hi | "$@"' _ "$MYDOCKER" "${MD_GLOBAL[@]}" run -i --rm busybox cat
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	run bash -c 'echo hi | "$@"' _ "$MYDOCKER" "${MD_GLOBAL[@]}" run --rm busybox cat
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	# A descriptor our caller left open (7) reaches neither the container
	# nor an exec (3 is ls's own directory).
	run bash -c '"$@" 7</dev/null' _ "$MYDOCKER" "${MD_GLOBAL[@]}" run --rm busybox sh -c 'echo $(ls /proc/self/fd)'
	[ "$output" = "0 1 2 3" ]
	md run -d --name fds busybox sleep 100 >/dev/null
	run bash -c '"$@" 7</dev/null' _ "$MYDOCKER" "${MD_GLOBAL[@]}" exec fds sh -c 'echo $(ls /proc/self/fd)'
	[ "$output" = "0 1 2 3" ]
}

@test "final: -t is a terminal of the container's own devpts, as large as ours; -it makes ours raw and gives the status" {
	run md run --rm -t busybox tty
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tr -d '\r')" = /dev/pts/0 ]
	run in_terminal run --rm -it busybox sh -c 'stty size; tty; echo fds: $(ls /proc/self/fd); exit 4' </dev/null
	echo "$output"
	[ "$status" -eq 4 ]
	out=$(echo "$output" | tr -d '\r')
	[[ "$out" == *"24 80"*"/dev/pts/0"*"fds: 0 1 2 3"* ]]
	# exec -t: a new terminal of the same devpts.
	md run -d --name term busybox sleep 100 >/dev/null
	run in_terminal exec -it term sh -c 'stty size; tty; exit 3' </dev/null
	[ "$status" -eq 3 ]
	out=$(echo "$output" | tr -d '\r')
	[[ "$out" == *"24 80"*"/dev/pts/"[0-9]* ]]
	run md exec term tty
	[ "$output" = "not a tty" ]
}

@test "final: run -dit, then attach: keys go in, ctrl-p ctrl-q detaches and leaves it running, exit ends it with its status" {
	md run -dit --name shell busybox sh >/dev/null
	run in_terminal attach shell < <(keys 'echo hello-$((6*7))\n' '\020\021')
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *hello-42* ]]
	md ps --format '{{.Names}} {{.Status}}' | grep -E '^shell Up( |$)'
	run in_terminal attach shell < <(keys 'exit 5\n')
	[ "$status" -eq 5 ]
	run md wait shell
	[ "$output" = 5 ]
	run --separate-stderr md attach shell
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"not running"* ]]
}

@test "final: a foreground run outlives a kill -9 of mydocker: the container runs on, and its exit code is kept" {
	out=$BATS_TEST_TMPDIR/out
	"$MYDOCKER" "${MD_GLOBAL[@]}" run --name survivor busybox sh -c 'echo ready; sleep 1; exit 7' >"$out" 2>&1 3>&- &
	pid=$!
	wait_for_line "$out" ready
	kill -KILL "$pid"
	wait "$pid" || true
	md ps --format '{{.Names}} {{.Status}}' | grep -E '^survivor Up( |$)'
	run md wait survivor
	[ "$output" = 7 ]
	# And start -a runs it again, attached: its output and its status.
	run md start -a survivor
	[ "$status" -eq 7 ]
	[ "$output" = ready ]
}

@test "final: logs keeps each line's stream and time (-t), and --log-opt max-size rotates the log" {
	md run --name chatty --log-opt max-size=2k --log-opt max-file=2 busybox \
		sh -c 'i=0; while [ $i -lt 300 ]; do echo line $i; i=$((i+1)); done' >/dev/null
	files=("$MD_ROOT"/containers/*/container.log*)
	[ "${#files[@]}" -eq 2 ]
	for f in "${files[@]}"; do [ "$(stat -c %s "$f")" -le 2048 ]; done
	run md logs chatty
	[ "${lines[-1]}" = "line 299" ]
	[ "${#lines[@]}" -lt 300 ] # the oldest were rotated away
	[ "${#lines[@]}" -gt 20 ]
	md rm chatty >/dev/null
	md run --name two busybox sh -c 'echo out; echo oops >&2' >/dev/null 2>&1
	run --separate-stderr md logs two
	[ "$output" = out ]
	[ "$stderr" = oops ]
	run md logs -t two
	for line in "${lines[@]}"; do
		[[ "$line" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z\ (out|oops)$ ]]
	done
	run --separate-stderr md run --rm --log-opt max-size=0 busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"max-size"* ]]
}

@test "final: containers on a user network find each other by name; hostname, hosts and resolv.conf are their own" {
	md network create --subnet 10.251.7.0/24 users >/dev/null
	# --dns: questions about other names go to the test's own bridge,
	# where nothing answers, never out of the machine.
	md run -d --name web --network users --dns 10.251.7.1 busybox sleep 100 >/dev/null
	run md run --rm --name client --network users --dns 10.251.7.1 busybox ping -c 1 -W 2 web
	echo "$output"
	[ "$status" -eq 0 ]
	# Names come from the network's DNS server: /etc/hosts has the
	# container's own name alone, and is never rewritten.
	run md exec web cat /etc/hosts
	[[ "$output" != *client* ]]
	md run -d --name late --network users --dns 10.251.7.1 -h late-host busybox sleep 100 >/dev/null
	run md exec web ping -c 1 -W 2 late
	[ "$status" -eq 0 ]
	run md exec web ping -c 1 -W 2 late-host
	[ "$status" -eq 0 ]
	run md exec late cat /etc/hostname
	[ "$output" = late-host ]
	# resolv.conf is the host's, without the loopback servers that
	# cannot answer inside; with --network host it is the host's as is.
	run md run --rm --network none busybox cat /etc/resolv.conf
	[[ "$output" != *"nameserver 127."* ]]
	for ns in $(awk '$1 == "nameserver" && $2 !~ /^(127\.|::1$)/ { print $2 }' /etc/resolv.conf); do
		[[ "$output" == *"nameserver $ns"* ]]
	done
	run md run --rm --network host busybox cat /etc/hosts
	[ "$output" = "$(cat /etc/hosts)" ]
}

@test "final: -u 1000:1000 runs as that user, its terminal its own; network create picks a subnet, inspect lists who is on it" {
	run md run --rm -u 1000:1000 busybox id
	[ "$output" = "uid=1000 gid=1000 groups=1000" ]
	run md run --rm -t -u 1000:1000 busybox sh -c 'stat -c %u:%g $(tty)'
	[ "$(echo "$output" | tr -d '\r')" = 1000:1000 ]
	run md network create auto
	[ "$status" -eq 0 ]
	subnet=$(md network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' auto)
	[[ "$subnet" =~ ^(172|10)\.[0-9]+\.0\.0/16$ ]]
	md run -d --name member --network auto busybox sleep 100 >/dev/null
	run md network inspect auto
	echo "$output"
	python3 -c '
import json, sys
n = json.loads(sys.argv[1])[0]
assert n["Name"] == "auto" and n["Driver"] == "bridge", n
assert n["IPAM"]["Config"][0]["Subnet"] == sys.argv[2], n
(c,) = n["Containers"].values()
assert c["Name"] == "member" and c["IPv4Address"].endswith("/16") and c["MacAddress"].startswith("02:42:"), c
' "$output" "$subnet"
	run --separate-stderr md network inspect nosuch
	[ "$status" -eq 125 ]
}

# --- issue 20: -p's host port, held by the monitor (network tests).

# port_free PORT: no socket of the host has PORT (a bind to 0.0.0.0 works).
port_free() {
	python3 -c 'import socket, sys; socket.socket().bind(("0.0.0.0", int(sys.argv[1])))' "$1"
}

# get_ok PORT: the web container answers on 127.0.0.1:PORT within 5 s.
get_ok() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" && printf "GET / HTTP/1.0\r\n\r\n" >&3 && cat <&3' "$1" 2>/dev/null | tail -n 1)" = hi ] && return 0
		sleep 0.1
	done
	return 1
}

@test "final: -p: the monitor holds the host port across restarts, and lets it go with the container or its own death" {
	md_detach --name web --restart always -p 18094:80 -- sh -c 'echo hi >/index.html && exec httpd -f -p 80 -h /'
	get_ok 18094
	run port_free 18094
	[ "$status" -ne 0 ]
	[[ "$output" == *"Address already in use"* ]]
	# Restarted by its policy: held again, served again.
	pid=$(ps_pid web)
	kill -KILL "$pid"
	for ((i = 0; i < 50; i++)); do
		new=$(ps_pid web)
		[ -n "$new" ] && [ "$new" != "$pid" ] && break
		sleep 0.1
	done
	get_ok 18094
	run port_free 18094
	[ "$status" -ne 0 ]
	md stop -t 0 web
	port_free 18094
	[ -z "$(iptables-save | grep -e 18094)" ]
	md start web
	get_ok 18094
	run port_free 18094
	[ "$status" -ne 0 ]
	# A monitor killed lets go of it with its descriptors; the next
	# command removes the rules.
	kill -KILL $(mydocker_pids)
	md ps -a --format '{{.Names}} {{.Status}}' | grep -E '^web Exited( |$)'
	port_free 18094
	[ -z "$(iptables-save | grep -e 18094)" ]
}

@test "final: network: the default network, made on first use, leaves nothing when that fails half-way, and a run makes its deleted bridge again" {
	run --separate-stderr env PATH=/nonexistent "$MYDOCKER" "${MD_GLOBAL[@]}" run --rm busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"create the default network"*"install the iptables package"* ]]
	[ ! -e "$MD_ROOT/networks/bridge.json" ]
	[ "$(host_net)" = "$NET_BEFORE" ]
	# The sweep fails each iptables call of a create in turn (iptables,
	# iptables-save, iptables-restore), counted on a network created and
	# removed first.
	local n calls
	iptables_wrapper fail 1000000
	env PATH="$IPT_PATH" "$MYDOCKER" "${MD_GLOBAL[@]}" network create --subnet 10.250.0.0/24 probe >/dev/null
	calls=$(cat "$WRAP/count")
	md network rm probe
	echo "a create makes $calls iptables calls"
	[ "$calls" -ge 2 ]
	for ((n = 1; n <= calls; n++)); do
		iptables_wrapper fail "$n"
		run --separate-stderr env PATH="$IPT_PATH" "$MYDOCKER" "${MD_GLOBAL[@]}" run --rm busybox true
		echo "call $n: $stderr"
		[ "$status" -eq 125 ]
		[[ "$stderr" == *"create the default network"*"injected failure"* ]]
		[ ! -e "$MD_ROOT/networks/bridge.json" ]
		[ "$(host_net)" = "$NET_BEFORE" ]
		[ -z "$(md ps -aq)" ]
	done
	md run --rm busybox true
	br=$(sed -n 's/.*"bridge": "\(.*\)".*/\1/p' "$MD_ROOT/networks/bridge.json")
	gw=$(sed -n 's/.*"gateway": "\(.*\)".*/\1/p' "$MD_ROOT/networks/bridge.json")
	ip link del "$br"
	md run --rm busybox ping -c 1 -W 2 "$gw"
	md network rm bridge
}

# dead_pid prints the pid of a process that has exited.
dead_pid() {
	local pid
	sh -c 'exit 0' &
	pid=$!
	wait "$pid"
	echo "$pid"
}

@test "final: what a kill -9 left in tmp/, layers/ and blobs/ (a download, a lease, a removal cut short) is collected by the next pull" {
	pid=$(dead_pid)
	mkdir -p "$MD_ROOT/tmp" "$MD_ROOT/layers/.$pid-removing-0123abcd/bin"
	echo half >"$MD_ROOT/layers/.$pid-removing-0123abcd/bin/sh"
	echo half >"$MD_ROOT/blobs/sha256/.$pid-removing-4567abcd"
	echo half >"$MD_ROOT/tmp/$pid-123456"
	echo "sha256:0123" >"$MD_ROOT/tmp/$pid-lease-789"
	run md pull "$REGISTRY/test/app:v1"
	[ "$status" -eq 0 ]
	[ -z "$(ls -A "$MD_ROOT/tmp")" ]
	[ -z "$(find "$MD_ROOT/layers" "$MD_ROOT/blobs" -maxdepth 2 -name '.*')" ]
}

@test "final: a full disk during import, pull, commit and load: one line, 125, nothing half-made, every earlier image intact" {
	# An image that this store will not have: load must write it all.
	other=$BATS_TEST_TMPDIR/other
	mkdir -p "$other" && tar -xf "$BUSYBOX_TAR" -C "$other" && echo other >"$other/version"
	tar -C "$other" -cf "$BATS_TEST_TMPDIR/other-fs.tar" .
	md import "$BATS_TEST_TMPDIR/other-fs.tar" other:1 >/dev/null
	md save -o "$BATS_TEST_TMPDIR/other.tar" other:1
	md_small_root 24m
	md_detach --name src --network none -- sh -c 'head -c 1000000 /dev/urandom > /big; echo made > /made; exec sleep 1000'
	for ((i = 0; i < 100; i++)); do [ "$(md exec src cat /made 2>/dev/null)" = made ] && break; sleep 0.1; done
	images=$(md images -q)
	layers=$(ls -A "$MD_ROOT/layers")
	blobs=$(ls -A "$MD_ROOT/blobs/sha256")
	fill_small_fs 128
	for cmd in "import $BUSYBOX_TAR big:1" "pull $REGISTRY/test/many:40" "commit src committed:1" "load -i $BATS_TEST_TMPDIR/other.tar"; do
		run --separate-stderr md $cmd
		echo "$cmd: $status $stderr"
		[ "$status" -eq 125 ]
		# one error line (pull and load print their progress on stderr, as docker)
		[ "$(grep -c '^mydocker: ' <<<"$stderr")" -eq 1 ]
		[[ "${stderr_lines[-1]}" == "mydocker: "*"no space left on device"* ]]
		[ "$(md images -q)" = "$images" ]
		[ "$(ls -A "$MD_ROOT/layers")" = "$layers" ]
		[ "$(ls -A "$MD_ROOT/blobs/sha256")" = "$blobs" ]
		[ -z "$(ls -A "$MD_ROOT/tmp")" ]
	done
	run md exec src cat /made
	[ "$output" = made ]
	rm "$SMALL_FS/filler"
	run md run --rm --network none busybox echo works
	[ "$output" = works ]
	run md commit src committed:1
	[ "$status" -eq 0 ]
}

# unsafe WHAT: a run with $bin/mydocker works, and the fake helper beside
# it, which would leave $mark, was not run (WHAT names the case).
unsafe() {
	run --separate-stderr "$bin/mydocker" "${MD_GLOBAL[@]}" run --rm --network none busybox echo ran
	echo "$1: $status $output $stderr"
	[ "$status" -eq 0 ]
	[ "$output" = ran ]
	[ ! -e "$mark" ]
}

@test "final: run starts mydocker-init beside mydocker only when nobody but root could have replaced it" {
	# A copy of mydocker in a directory of root's, 0755, beside a fake
	# mydocker-init that leaves a mark and fails: while run uses it, the
	# run fails and the mark is there.
	bin=$BATS_TEST_TMPDIR/bin
	mkdir -m 0755 "$bin"
	cp "$MYDOCKER" "$bin/mydocker"
	mark=$BATS_TEST_TMPDIR/init-ran
	printf '#!/bin/sh\necho "$*" >%s\nexit 1\n' "$mark" >"$bin/mydocker-init"
	chmod 0755 "$bin/mydocker-init"
	run --separate-stderr "$bin/mydocker" --debug "${MD_GLOBAL[@]}" run --rm --network none busybox true
	echo "safe: $status $stderr"
	[ "$status" -ne 0 ]
	[ "$(cat "$mark")" = "--debug init" ] # with init's arguments, --debug too
	rm "$mark"
	# Anything another user could have replaced is not run: mydocker runs
	# its own init, as without mydocker-init.
	chmod g+w "$bin/mydocker-init"
	unsafe "group-writable file"
	chmod g-w "$bin/mydocker-init"
	chmod o+w "$bin"
	unsafe "other-writable directory"
	chmod o-w "$bin"
	chown 65534 "$bin/mydocker-init"
	unsafe "file of another user"
	chown 0 "$bin/mydocker-init"
	mv "$bin/mydocker-init" "$bin/fake-init"
	ln -s fake-init "$bin/mydocker-init"
	unsafe "symlink"
	# The real one, in its place, runs the container.
	rm "$bin/mydocker-init"
	cp "$(dirname "$MYDOCKER")/mydocker-init" "$bin/mydocker-init"
	run "$bin/mydocker" "${MD_GLOBAL[@]}" run --rm --network none busybox sh -c 'echo $HOME; cat /sys/class/net/lo/operstate /sys/class/net/lo/flags'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /root ]
	[ "${lines[2]}" = 0x9 ] # lo up (IFF_UP|IFF_LOOPBACK)
}

@test "final: the monitor is mydocker-monitor beside mydocker only when nobody but root could have replaced it, and confines as mydocker does" {
	bin=$BATS_TEST_TMPDIR/bin
	mkdir -m 0755 "$bin"
	cp "$MYDOCKER" "$(dirname "$MYDOCKER")/mydocker-init" "$bin/"
	mark=$BATS_TEST_TMPDIR/monitor-ran
	printf '#!/bin/sh\necho "$*" >%s\nexit 1\n' "$mark" >"$bin/mydocker-monitor"
	chmod 0755 "$bin/mydocker-monitor"
	mdb() { "$bin/mydocker" "${MD_GLOBAL[@]}" "$@"; }
	run --separate-stderr mdb run --rm --network none busybox true
	echo "safe: $status $stderr"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"monitor exited before it started the container"* ]]
	[[ "$(cat "$mark")" == "--root "*" monitor" ]]
	rm "$mark"
	chmod o+w "$bin/mydocker-monitor"
	unsafe "other-writable file"
	chmod o-w "$bin/mydocker-monitor"
	chmod g+w "$bin"
	unsafe "group-writable directory"
	chmod g-w "$bin"
	# The real one watches a detached container, which seccomp confines
	# with the program the CLI compiled for it, at run and at restart.
	cp "$(dirname "$MYDOCKER")/mydocker-monitor" "$bin/mydocker-monitor"
	run mdb run -d --network none --name watched busybox sh -c 'grep Seccomp: /proc/self/status; sleep 1000'
	[ "$status" -eq 0 ]
	monitor=$(find /proc -mindepth 2 -maxdepth 2 -name exe -lname "$bin/mydocker-monitor" -printf '%h\n' | head -n 1)
	[ -n "$monitor" ]
	[ "$(tr '\0' ' ' <"$monitor/cmdline")" = "$bin/mydocker-monitor --root $(realpath "$MD_ROOT") monitor " ]
	run mdb restart -t 0 watched
	[ "$status" -eq 0 ]
	# restart returns once the program runs: its grep may not have written
	# its line yet.
	for _ in $(seq 50); do
		run mdb logs watched
		[ "${#lines[@]}" -ge 2 ] && break
		sleep 0.1
	done
	[ "${lines[*]}" = "Seccomp:	2 Seccomp:	2" ]
	run mdb rm -f watched
	[ "$status" -eq 0 ]
	run mdb run --rm --network none --privileged busybox grep Seccomp: /proc/self/status
	[ "$output" = "Seccomp:	0" ]
	# Without mydocker-init beside it, the monitor starts itself as init.
	rm "$bin/mydocker-init"
	run mdb run --rm --network none busybox sh -c 'echo $HOME; grep Seccomp: /proc/self/status'
	[ "$status" -eq 0 ]
	[ "${lines[*]}" = "/root Seccomp:	2" ]
	# The monitor of a foreground run exits just after it.
	for ((i = 0; i < 100; i++)); do
		[ -z "$(find /proc -mindepth 2 -maxdepth 2 -name exe -lname "$bin/*" 2>/dev/null)" ] && break
		sleep 0.1
	done
	[ "$i" -lt 100 ]
}
