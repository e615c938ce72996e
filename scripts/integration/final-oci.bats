#!/usr/bin/env bats
# final/: mydocker-runc, the OCI runtime with runc's command line. Each
# test makes a bundle (busybox as the rootfs, a config.json written here)
# and drives the runtime as podman's conmon and containerd's shim do, with
# a state root of its own. Runs on this host and in the cgroup v2 VM.

load helpers

: "${MYDOCKER_RUNC:=$(dirname "$MYDOCKER")/mydocker-runc}"

rt() { "$MYDOCKER_RUNC" --root "$RT_ROOT" "$@"; }

setup() {
	CGROUPS_BEFORE=$(mydocker_cgroups)
	RT_ROOT=$BATS_TEST_TMPDIR/state
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	mkdir -p "$BUNDLE/rootfs"
	tar -xf "$BUSYBOX_TAR" -C "$BUNDLE/rootfs"
}

teardown() {
	local id
	for id in $(rt list -q 2>/dev/null); do rt delete --force "$id" || true; done
	local left
	left=$(find /proc -mindepth 2 -maxdepth 2 -name exe -lname "$MYDOCKER_RUNC" 2>/dev/null | cut -d/ -f3)
	if [ -n "$left" ]; then
		kill -KILL $left
		echo "mydocker-runc processes left behind: $left" >&2
		return 1
	fi
	assert_no_leaks
}

# config ARG...: writes the bundle's config.json for a process ARG...,
# without a terminal, with the mounts, namespaces, masked paths and device
# policy that podman and containerd write.
config() {
	local args
	args=$(printf '"%s",' "$@")
	cat >"$BUNDLE/config.json" <<JSON
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": ${TERMINAL:-false},
    "user": {"uid": ${USER_ID:-0}, "gid": 0},
    "args": [${args%,}],
    "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"],
    "cwd": "/",
    "capabilities": {
      "bounding": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
      "effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
      "permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN"]
    },
    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 512}],
    "noNewPrivileges": true
  },
  "root": {"path": "rootfs", "readonly": ${READONLY:-false}},
  "hostname": "ocibox",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
    {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "ro"]},
    {"destination": "/data", "type": "bind", "source": "$BATS_TEST_TMPDIR", "options": ["rbind", "rw"]}
  ],
  "linux": {
    "resources": {"devices": [{"allow": false, "access": "rwm"}], "pids": {"limit": 50}, "memory": {"limit": 67108864}},
    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}],
    "maskedPaths": ["/proc/kcore", "/proc/keys"],
    "readonlyPaths": ["/proc/sys"]
  }
}
JSON
}

status_of() { rt state "$1" | sed -n 's/^  "status": "\(.*\)",$/\1/p'; }

@test "final: oci: create waits for start, state follows the lifecycle, delete leaves nothing" {
	config sh -c 'echo started > /data/out; exec sleep 100'
	rt create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" c1
	[ "$(status_of c1)" = created ]
	[ ! -e "$BATS_TEST_TMPDIR/out" ] # the program has not run
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	run rt state c1
	[[ "$output" == *"\"pid\": $pid,"* ]]
	[[ "$output" == *"\"bundle\": \"$BUNDLE\""* ]]
	rt start c1
	wait_for_line "$BATS_TEST_TMPDIR/out" started
	[ "$(status_of c1)" = running ]
	# A second start is refused and changes nothing.
	run rt start c1
	[ "$status" -ne 0 ]
	[ "$(status_of c1)" = running ]
	# Deleting a running container is refused without --force.
	run rt delete c1
	[ "$status" -eq 125 ]
	[[ "$output" == *"running"* ]]
	rt kill c1 KILL
	for _ in $(seq 50); do [ "$(status_of c1)" = stopped ] && break; sleep 0.1; done
	[ "$(status_of c1)" = stopped ]
	run rt kill c1 TERM
	[ "$status" -ne 0 ] # a stopped container cannot be signalled
	rt delete c1
	run rt state c1
	[ "$status" -eq 125 ]
	[ -z "$(ls "$RT_ROOT")" ]
}

@test "final: oci: the container is what its config says" {
	config sh -c 'hostname; id -u; grep -e ^CapEff -e ^NoNewPrivs /proc/self/status; ulimit -n; ls /data/bundle >/dev/null && echo bind; touch /proc/sys/x 2>/dev/null || echo ro-sys; cat /proc/keys | wc -c; cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max 2>/dev/null; echo pid=$$'
	run rt run --bundle "$BUNDLE" c2
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = ocibox ]
	[ "${lines[1]}" = 0 ]
	[[ "$output" == *"CapEff:	0000000000000421"* ]] # CHOWN, KILL, NET_BIND_SERVICE
	[[ "$output" == *"NoNewPrivs:	1"* ]]
	[[ "$output" == *$'\n512\n'* ]]
	[[ "$output" == *$'\nbind\n'* ]]
	[[ "$output" == *$'\nro-sys\n'* ]]
	[[ "$output" == *$'\n0\n'* ]] # /proc/keys masked
	[[ "$output" == *$'\n50\n'* ]] # the pids limit, in the container's own cgroup
	[[ "$output" == *"pid=1"* ]]
	# run deletes what it made.
	[ -z "$(ls "$RT_ROOT")" ]
}

@test "final: oci: run passes the exit status on; a read-only root; another user" {
	config sh -c 'exit 7'
	run rt run --bundle "$BUNDLE" c3
	[ "$status" -eq 7 ]
	READONLY=true USER_ID=1000 config sh -c 'id -u; touch /x 2>/dev/null || echo ro-root; grep CapEff /proc/self/status'
	run rt run --bundle "$BUNDLE" c3
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = ro-root ]
	[ "${lines[2]}" = "CapEff:	0000000000000000" ]
}

@test "final: oci: exec joins a running container; ps, pause and resume, kill --all" {
	config sh -c 'exec sleep 100'
	rt run -d --bundle "$BUNDLE" c4
	run rt exec c4 sh -c 'hostname; echo $$; exit 3'
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = ocibox ]
	[ "${lines[1]}" -gt 1 ]
	# Detached: it returns at once, the process runs on, with no
	# descriptor of ours (an open one kept exec -d waiting for its end).
	ipid=$(rt state c4 | sed -n 's/^  "pid": \(.*\),$/\1/p')
	timeout 10 "$MYDOCKER_RUNC" --root "$RT_ROOT" exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" c4 sleep 100
	epid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	[ "$(ls /proc/$epid/fd | sort | tr '\n' ' ')" = "0 1 2 " ]
	run rt ps --format json c4
	[ "$output" = "[$ipid,$epid]" ]
	run rt ps c4
	[[ "${lines[0]}" == *PID* ]]
	[ "${#lines[@]}" -eq 3 ]
	rt pause c4
	[ "$(status_of c4)" = paused ]
	run rt exec c4 true
	[ "$status" -ne 0 ] # not in a paused container
	rt resume c4
	[ "$(status_of c4)" = running ]
	run rt list
	[[ "$output" == *"c4"*"running"* ]]
	rt kill --all c4 KILL
	for _ in $(seq 50); do [ ! -d "/proc/$epid" ] && [ "$(status_of c4)" = stopped ] && break; sleep 0.1; done
	[ ! -d "/proc/$epid" ]
	[ "$(status_of c4)" = stopped ]
	rt delete c4
}

@test "final: oci: bad input is one line and exit 125, and leaves nothing" {
	run rt create --bundle "$BATS_TEST_TMPDIR/none" b1
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"config"* ]]
	config true
	sed -i 's/"ociVersion": "1.0.2"/"ociVersion": "2.0.0"/' "$BUNDLE/config.json"
	run rt create --bundle "$BUNDLE" b2
	[ "$status" -eq 125 ]
	[[ "$output" == *"ociVersion"* ]]
	config true
	sed -i 's/"pids": {"limit": 50}/"blockIO": {"weight": 10}/' "$BUNDLE/config.json"
	run rt create --bundle "$BUNDLE" b3
	[ "$status" -eq 125 ]
	[[ "$output" == *"blockIO"* ]]
	config no-such-program
	run rt run --bundle "$BUNDLE" b4
	[ "$status" -ne 0 ]
	run rt create --bundle "$BUNDLE" "../escape"
	[ "$status" -eq 125 ]
	run rt --systemd-cgroup list
	[ "$status" -eq 125 ]
	[[ "$output" == *"systemd"* ]]
	config sleep 100
	rt create --bundle "$BUNDLE" dup
	run rt create --bundle "$BUNDLE" dup
	[ "$status" -eq 125 ]
	[[ "$output" == *"already exists"* ]]
	rt delete --force dup
	run rt delete --force never-made
	[ "$status" -eq 0 ]
	[ -z "$(ls "$RT_ROOT" 2>/dev/null)" ]
}

@test "final: oci: features and --version say what the runtime is" {
	run rt features
	[ "$status" -eq 0 ]
	[[ "$output" == *'"ociVersionMax": "1.2.1"'* ]]
	[[ "$output" == *'"prestart"'* ]]
	run rt --version
	[[ "$output" == *"mydocker-runc version"* ]]
	[[ "$output" == *"spec: 1.2.1"* ]]
}
