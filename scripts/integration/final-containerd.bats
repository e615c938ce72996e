#!/usr/bin/env bats
# final/: containerd runs containers with mydocker-runc, through the runc
# shim (io.containerd.runc.v2) with its BinaryName pointing at it: with
# ctr, and on the path a Kubernetes node takes, the CRI plugin driven by
# crictl (a runtime handler "mydocker"). One containerd for the file, its
# root, state, sockets and config under the file's directory; pods use
# the host's network namespace (no CNI) and reach nothing. Skipped, saying
# why, where containerd is not installed or cannot start.

load helpers

# Every test here depends on the cgroup layout: the cgroup v2 VM runs them.
# bats file_tags=cgroups

: "${MYDOCKER_RUNC:=$(dirname "$MYDOCKER")/mydocker-runc}"

setup_file() {
	command -v containerd >/dev/null && command -v ctr >/dev/null && command -v containerd-shim-runc-v2 >/dev/null ||
		return 0
	export CTD=$BATS_FILE_TMPDIR/containerd
	mkdir -p "$CTD/cni/bin" "$CTD/cni/conf" "$CTD/logs"
	export PARENTS_BEFORE
	PARENTS_BEFORE=$(ls -d /sys/fs/cgroup/*/k8s.io /sys/fs/cgroup/*/default /sys/fs/cgroup/k8s.io /sys/fs/cgroup/default 2>/dev/null || true)
	# restrict_oom_score_adj: CRI gives the pause container -998, which
	# this sandbox's root (without CAP_SYS_RESOURCE) may not set.
	cat >"$CTD/config.toml" <<TOML
version = 2
root = "$CTD/root"
state = "$CTD/state"
[grpc]
  address = "$CTD/containerd.sock"
[ttrpc]
  address = "$CTD/containerd.sock.ttrpc"
[debug]
  address = "$CTD/debug.sock"
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  disable_tcp_service = true
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  sandbox_image = "docker.io/library/mydocker-pause:1"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "mydocker"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.mydocker]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.mydocker.options]
        BinaryName = "$MYDOCKER_RUNC"
        Root = "$CTD/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CTD/cni/bin"
    conf_dir = "$CTD/cni/conf"
TOML
	containerd --config "$CTD/config.toml" >"$CTD/containerd.log" 2>&1 &
	echo $! >"$CTD/pid"
	local i
	for ((i = 0; i < 100; i++)); do
		ctr --address "$CTD/containerd.sock" version >/dev/null 2>&1 && break
		sleep 0.1
	done
	ctr --address "$CTD/containerd.sock" version >/dev/null 2>&1 || { echo "no containerd" >"$CTD/failed"; return 0; }
	# A pause-like image: busybox whose entrypoint sleeps, made with
	# mydocker and imported where the CRI plugin looks.
	local md=("$MYDOCKER" --root "$CTD/md")
	"${md[@]}" import "$BUSYBOX_TAR" mydocker-pause:1 -c 'ENTRYPOINT ["/bin/sleep", "2147483647"]' >/dev/null
	"${md[@]}" save -o "$CTD/pause.tar" mydocker-pause:1
	ctr --address "$CTD/containerd.sock" -n k8s.io images import "$CTD/pause.tar" >/dev/null
}

teardown_file() {
	[ -n "${CTD:-}" ] && [ -f "$CTD/pid" ] || return 0
	kill "$(cat "$CTD/pid")" 2>/dev/null || true
	local i
	for ((i = 0; i < 50; i++)); do kill -0 "$(cat "$CTD/pid")" 2>/dev/null || break; sleep 0.1; done
	pkill -KILL -f "containerd-shim-runc-v2 .*-address $CTD/" || true
	grep -F " $CTD/" /proc/self/mountinfo | awk '{ print $5 }' | sort -r | xargs -r -n 1 umount -l
	"$MYDOCKER" --root "$CTD/md" rmi -f mydocker-pause:1 >/dev/null 2>&1 || true
	# containerd's cgroup parents (k8s.io, default), made by the runtime.
	local dir
	for dir in /sys/fs/cgroup/*/k8s.io /sys/fs/cgroup/*/default /sys/fs/cgroup/k8s.io /sys/fs/cgroup/default; do
		[ -d "$dir" ] && ! grep -q -x -F "$dir" <<<"$PARENTS_BEFORE" && rmdir "$dir" 2>/dev/null
	done
	return 0
}

setup() {
	[ -n "${CTD:-}" ] || skip "containerd is not installed (Debian: apt-get install containerd)"
	[ ! -f "$CTD/failed" ] || skip "containerd did not start here: $(tail -n 3 "$CTD/containerd.log")"
	CGROUPS_BEFORE=$(mydocker_cgroups)
	ROOTFS=$BATS_TEST_TMPDIR/rootfs
	mkdir -p "$ROOTFS"
	tar -xf "$BUSYBOX_TAR" -C "$ROOTFS"
}

teardown() {
	[ -n "${CTD:-}" ] && [ ! -f "$CTD/failed" ] || return 0
	local status=0 left id
	# What a failed test left running: its pods, its tasks.
	if [ -x "${CRICTL:-}" ]; then
		for id in $("$CRICTL" --config /dev/null --runtime-endpoint "unix://$CTD/containerd.sock" pods -q 2>/dev/null); do
			"$CRICTL" --config /dev/null --runtime-endpoint "unix://$CTD/containerd.sock" stopp "$id" >/dev/null 2>&1
			"$CRICTL" --config /dev/null --runtime-endpoint "unix://$CTD/containerd.sock" rmp -f "$id" >/dev/null 2>&1
		done
	fi
	for id in $(ctd container ls -q 2>/dev/null); do
		ctd task kill -s KILL "$id" >/dev/null 2>&1
		ctd task delete -f "$id" >/dev/null 2>&1
		ctd container delete "$id" >/dev/null 2>&1
	done
	# Nothing of the test's in the runtime's state, and no container's
	# cgroup under containerd's parents.
	left=$("$MYDOCKER_RUNC" --root "$CTD/runc/default" list -q 2>/dev/null; "$MYDOCKER_RUNC" --root "$CTD/runc/k8s.io" list -q 2>/dev/null)
	if [ -n "$left" ]; then
		echo "containers left in mydocker-runc's state: $left" >&2
		status=1
	fi
	left=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -type d \( -path '*/k8s.io/*' -o -path '*/default/*' \) 2>/dev/null)
	if [ -n "$left" ]; then
		echo "cgroups left behind: $left" >&2
		status=1
	fi
	left=$(find /proc -mindepth 2 -maxdepth 2 -name exe -lname "$MYDOCKER_RUNC" 2>/dev/null | cut -d/ -f3)
	if [ -n "$left" ]; then
		kill -KILL $left
		echo "mydocker-runc processes left behind: $left" >&2
		status=1
	fi
	assert_no_leaks || status=1
	return $status
}

ctd() { ctr --address "$CTD/containerd.sock" "$@"; }
ctd_run() { ctd run --runc-binary "$MYDOCKER_RUNC" --runc-root "$CTD/runc" "$@"; }

@test "final: containerd: ctr run with the runc shim's BinaryName: run, exec, kill, delete" {
	run ctd_run --rm --rootfs "$ROOTFS" once sh -c 'echo hi from containerd; exit 5'
	[ "$status" -eq 5 ]
	[ "$output" = "hi from containerd" ]
	ctd_run -d --rootfs "$ROOTFS" box sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	run ctd task ls
	[[ "$output" == *"box"*RUNNING* ]]
	run ctd task exec --exec-id e1 box sh -c 'echo in exec; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = "in exec" ]
	run ctd task ps box
	[ "${#lines[@]}" -ge 2 ]
	ctd task pause box
	[[ "$(ctd task ls)" == *"box"*PAUSED* ]]
	ctd task resume box
	ctd task kill box
	for _ in $(seq 50); do [[ "$(ctd task ls)" == *"box"*STOPPED* ]] && break; sleep 0.1; done
	[[ "$(ctd task ls)" == *"box"*STOPPED* ]]
	ctd task delete box
	ctd container delete box
	[ -z "$(ctd container ls -q)" ]
}

@test "final: containerd: CRI (crictl): a pod sandbox, a container in it with the kubelet's hugepage limits and unified, exec, logs, stop, rmp" {
	[ -x "${CRICTL:-}" ] || skip "crictl is not built (scripts/test.sh builds it from sigs.k8s.io/cri-tools)"
	cri() { "$CRICTL" --config /dev/null --runtime-endpoint "unix://$CTD/containerd.sock" --image-endpoint "unix://$CTD/containerd.sock" --timeout 30s "$@"; }
	cat >"$BATS_TEST_TMPDIR/pod.json" <<JSON
{"metadata": {"name": "pod1", "namespace": "default", "uid": "u-pod1-$BATS_TEST_NUMBER", "attempt": 0},
 "log_directory": "$BATS_TEST_TMPDIR/logs",
 "linux": {"security_context": {"namespace_options": {"network": 2}}}}
JSON
	# What the kubelet adds to every container: a hugepage limit of 0 for
	# each page size of the host, and on cgroup v2 (kubelet 1.32 on)
	# memory.oom.group through unified (issue 27).
	local hugepages= d kb unified=
	for d in /sys/kernel/mm/hugepages/hugepages-*kB; do
		[ -d "$d" ] || continue
		kb=${d##*hugepages-} kb=${kb%kB}
		if ((kb >= 1048576)); then kb=$((kb / 1048576))GB; elif ((kb >= 1024)); then kb=$((kb / 1024))MB; else kb=${kb}KB; fi
		hugepages="$hugepages{\"page_size\": \"$kb\", \"limit\": 0},"
	done
	cgroup_v2 && unified='"unified": {"memory.oom.group": "1"},'
	cat >"$BATS_TEST_TMPDIR/ctr.json" <<JSON
{"metadata": {"name": "c1"}, "image": {"image": "docker.io/library/mydocker-pause:1"},
 "command": ["sh", "-c", "echo hello from cri; trap 'echo bye; exit 0' TERM; while :; do sleep 0.1; done"],
 "log_path": "c1.log",
 "linux": {"resources": {$unified "hugepage_limits": [${hugepages%,}]}}}
JSON
	pod=$(cri runp --runtime mydocker "$BATS_TEST_TMPDIR/pod.json")
	[ -n "$pod" ]
	run --separate-stderr cri pods --id "$pod" -o json
	[[ "$output" == *'"state": "SANDBOX_READY"'* ]]
	[[ "$output" == *'"runtimeHandler": "mydocker"'* ]]
	cid=$(cri create "$pod" "$BATS_TEST_TMPDIR/ctr.json" "$BATS_TEST_TMPDIR/pod.json")
	cri start "$cid"
	run --separate-stderr cri inspect "$cid"
	[[ "$output" == *'"state": "CONTAINER_RUNNING"'* ]]
	run --separate-stderr cri exec "$cid" sh -c 'echo in exec; ls /proc | grep -c -x "[0-9]*"'
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "in exec" ]
	if cgroup_v2; then
		run --separate-stderr cri exec "$cid" cat /sys/fs/cgroup/memory.oom.group
		[ "$output" = 1 ]
	fi
	run --separate-stderr cri exec --sync "$cid" sh -c 'exit 3'
	[ "$status" -ne 0 ] # crictl says "exited with 3"
	for _ in $(seq 50); do cri logs "$cid" 2>/dev/null | grep -q "hello from cri" && break; sleep 0.1; done
	[ "$(cri logs "$cid" 2>/dev/null)" = "hello from cri" ]
	cri stop --timeout 10 "$cid"
	run --separate-stderr cri inspect "$cid"
	[[ "$output" == *'"state": "CONTAINER_EXITED"'* ]]
	[[ "$output" == *'"exitCode": 0'* ]] # SIGTERM reached it, and its trap ran
	[ "$(cri logs "$cid" 2>/dev/null | tail -n 1)" = bye ]
	cri rm "$cid"
	cri stopp "$pod"
	cri rmp "$pod"
	[ -z "$(cri pods -q 2>/dev/null)" ]
}
