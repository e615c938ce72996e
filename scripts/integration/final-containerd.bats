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
	# disable_hugetlb_controller: containerd's default (true) drops the
	# kubelet's hugepage limits; false, as a node that runs hugepage pods
	# has it, hands them to the runtime where containerd finds the
	# controller (v1's hierarchy, or v2's root cgroup.controllers).
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
  disable_hugetlb_controller = false
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
		for id in $(cri pods -q 2>/dev/null); do
			cri stopp "$id" >/dev/null 2>&1
			cri rmp -f "$id" >/dev/null 2>&1
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
cri() { "$CRICTL" --config /dev/null --runtime-endpoint "unix://$CTD/containerd.sock" --image-endpoint "unix://$CTD/containerd.sock" --timeout 30s "$@"; }
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

# kubelet_pages prints, for every page size of the host, the hugepage
# limit of 0 the kubelet adds to every container, as CRI's JSON.
kubelet_pages() {
	local d kb out=
	for d in /sys/kernel/mm/hugepages/hugepages-*kB; do
		[ -d "$d" ] || continue
		kb=${d##*hugepages-} kb=${kb%kB}
		if ((kb >= 1048576)); then kb=$((kb / 1048576))GB; elif ((kb >= 1024)); then kb=$((kb / 1024))MB; else kb=${kb}KB; fi
		out="$out{\"page_size\": \"$kb\", \"limit\": 0},"
	done
	echo "[${out%,}]"
}

# cg CONTROLLER FILE: the file of the app container's cgroup, seen from
# the host, in the hierarchy that has CONTROLLER (v2's one, or v1's).
cg() {
	if cgroup_v2; then cat "/sys/fs/cgroup$PARENT/$APP/$2"; else cat "/sys/fs/cgroup/$1$PARENT/$APP/$2"; fi
}

# The pod a kubelet makes for a Deployment with a restricted security
# context, as containerd 1.6's CRI receives it: the kubelet's cgroup
# parent (cgroupfs driver), an init container that runs to completion
# before the app starts, and in every container what the kubelet adds
# (hugepage limits of 0 for every page size; on cgroup v2,
# memory.oom.group through unified; its masked and read-only /proc
# paths; RuntimeDefault seccomp; the service account's projected volume,
# /etc/hosts and /dev/termination-log as binds). What each container
# sees is asserted from inside it: its log, and exec as the kubelet's
# probes run it.
@test "final: containerd: CRI (crictl): a kubelet-shaped pod: init container, restricted app, probes, update, stats, stop, rmp" {
	[ -x "${CRICTL:-}" ] || skip "crictl is not built (scripts/test.sh builds it from sigs.k8s.io/cri-tools)"
	local uid=5f0c7a1e-0000-4000-8000-0000000000$BATS_TEST_NUMBER k=$BATS_TEST_TMPDIR/kubelet
	PARENT=/mydocker-kubepods/burstable/pod$uid
	# The kubelet's view of the pod on disk: an emptyDir (0777), the
	# projected service-account volume as its atomic writer lays it out
	# (files in a timestamped directory, reached through ..data), the
	# hosts file and the termination-log file.
	local sa=$k/volumes/kubernetes.io~projected/kube-api-access
	mkdir -p "$k/logs" "$k/volumes/kubernetes.io~empty-dir/cache" "$sa/..2026_12_07_00_00_00.1"
	chmod 0777 "$k/volumes/kubernetes.io~empty-dir/cache"
	echo token-of-the-pod >"$sa/..2026_12_07_00_00_00.1/token"
	echo default >"$sa/..2026_12_07_00_00_00.1/namespace"
	ln -s ..2026_12_07_00_00_00.1 "$sa/..data"
	ln -s ..data/token "$sa/token"
	ln -s ..data/namespace "$sa/namespace"
	printf '127.0.0.1\tlocalhost\n10.244.0.7\tkube-pod\n' >"$k/etc-hosts"
	: >"$k/termination-log"
	chmod 0666 "$k/termination-log" # as the kubelet makes it
	cat >"$k/pod.json" <<JSON
{"metadata": {"name": "kube-pod", "namespace": "default", "uid": "$uid", "attempt": 0},
 "log_directory": "$k/logs",
 "labels": {"io.kubernetes.pod.name": "kube-pod", "io.kubernetes.pod.namespace": "default", "io.kubernetes.pod.uid": "$uid"},
 "annotations": {"kubernetes.io/config.source": "api"},
 "linux": {"cgroup_parent": "$PARENT",
  "security_context": {"namespace_options": {"network": 2, "pid": 1, "ipc": 0},
   "run_as_user": {"value": 1000}, "supplemental_groups": [2000],
   "seccomp": {"profile_type": 0}}}}
JSON
	local unified=
	cgroup_v2 && unified='"unified": {"memory.oom.group": "1"},'
	container_json() { # NAME LOGPATH SCRIPT
		cat <<JSON
{"metadata": {"name": "$1", "attempt": 0}, "image": {"image": "docker.io/library/mydocker-pause:1"},
 "command": ["sh", "-c", $(jq -n --arg s "$3" '$s')],
 "envs": [{"key": "KUBERNETES_SERVICE_HOST", "value": "10.96.0.1"}, {"key": "KUBERNETES_SERVICE_PORT", "value": "443"}],
 "mounts": [
  {"container_path": "/cache", "host_path": "$k/volumes/kubernetes.io~empty-dir/cache"},
  {"container_path": "/var/run/secrets/kubernetes.io/serviceaccount", "host_path": "$sa", "readonly": true},
  {"container_path": "/etc/hosts", "host_path": "$k/etc-hosts"},
  {"container_path": "/dev/termination-log", "host_path": "$k/termination-log"}],
 "labels": {"io.kubernetes.container.name": "$1", "io.kubernetes.pod.name": "kube-pod", "io.kubernetes.pod.namespace": "default", "io.kubernetes.pod.uid": "$uid"},
 "annotations": {"io.kubernetes.container.restartCount": "0", "io.kubernetes.container.terminationMessagePath": "/dev/termination-log"},
 "log_path": "$2",
 "linux": {
  "resources": {"cpu_period": 100000, "cpu_quota": 50000, "cpu_shares": 512, "memory_limit_in_bytes": 134217728,
   "oom_score_adj": 969, $unified "hugepage_limits": $(kubelet_pages)},
  "security_context": {
   "capabilities": {"drop_capabilities": ["ALL"], "add_capabilities": ["NET_BIND_SERVICE"]},
   "run_as_user": {"value": 1000}, "run_as_group": {"value": 3000}, "supplemental_groups": [2000],
   "readonly_rootfs": true, "no_new_privs": true,
   "masked_paths": ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
    "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"],
   "readonly_paths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
   "seccomp": {"profile_type": 0},
   "namespace_options": {"network": 2, "pid": 1, "ipc": 0}}}}
JSON
	}
	container_json init-cache init-cache/0.log 'id -u >/cache/init-uid; echo warmed >/cache/warm' >"$k/init.json"
	container_json app app/0.log '
		echo "user=$(id -u):$(id -g) groups=$(id -G)"
		grep -E "^(CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status | tr -d "\t "
		echo "oom=$(cat /proc/self/oom_score_adj)"
		echo "tmp=$(touch /tmp/x 2>&1)"
		echo "root=$(grep " / / " /proc/self/mountinfo | cut -d" " -f6 | cut -d, -f1)"
		echo "sa=$(grep " /var/run/secrets/kubernetes.io/serviceaccount " /proc/self/mountinfo | cut -d" " -f6 | cut -d, -f1) $(cat /var/run/secrets/kubernetes.io/serviceaccount/token)"
		echo "procsys=$(grep " /proc/sys " /proc/self/mountinfo | cut -d" " -f6 | cut -d, -f1)"
		echo "masked=$(wc -c </proc/timer_list) $(ls /sys/firmware | wc -l)"
		echo "init=$(cat /cache/init-uid) $(cat /cache/warm)"
		echo "env=$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT hosts=$(grep -c kube-pod /etc/hosts)"
		echo ready >/dev/termination-log
		touch /cache/healthy
		echo ready
		trap "exit 0" TERM
		while :; do sleep 0.1; done' >"$k/app.json"

	pod=$(cri runp --runtime mydocker "$k/pod.json")
	run --separate-stderr cri pods --id "$pod" -o json
	echo "$output" | jq -e '.items[0] | .state == "SANDBOX_READY" and .runtimeHandler == "mydocker"'
	# The init container, run to completion first, as the kubelet does.
	init=$(cri create "$pod" "$k/init.json" "$k/pod.json")
	cri start "$init"
	for _ in $(seq 100); do
		state=$(cri inspect -o go-template --template '{{.status.state}} {{.status.exitCode}}' "$init" 2>/dev/null)
		[[ "$state" == CONTAINER_EXITED* ]] && break
		sleep 0.05
	done
	[ "$state" = "CONTAINER_EXITED 0" ]
	[ "$(cat "$k/volumes/kubernetes.io~empty-dir/cache/init-uid")" = 1000 ]

	APP=$(cri create "$pod" "$k/app.json" "$k/pod.json")
	cri start "$APP"
	for _ in $(seq 100); do cri logs "$APP" 2>/dev/null | grep -q -x ready && break; sleep 0.05; done
	run --separate-stderr cri logs "$APP"
	echo "$output"
	[ "${lines[0]}" = "user=1000:3000 groups=3000 2000" ]
	# drop ALL, add NET_BIND_SERVICE, for a user who is not root: the
	# bounding set has only bit 10; as under runc, no ambient set, so the
	# program's permitted and effective sets are empty after its execve.
	[ "${lines[1]}" = "CapPrm:0000000000000000" ]
	[ "${lines[2]}" = "CapEff:0000000000000000" ]
	[ "${lines[3]}" = "CapBnd:0000000000000400" ]
	[ "${lines[4]}" = "CapAmb:0000000000000000" ]
	[ "${lines[5]}" = "NoNewPrivs:1" ]
	[ "${lines[6]}" = "Seccomp:2" ] # RuntimeDefault: containerd's profile, a filter
	[ "${lines[7]}" = "oom=969" ]
	[ "${lines[8]}" = "tmp=touch: /tmp/x: Read-only file system" ] # /tmp is 1777: only the read-only root refuses
	[ "${lines[9]}" = "root=ro" ]
	[ "${lines[10]}" = "sa=ro token-of-the-pod" ]
	[ "${lines[11]}" = "procsys=ro" ]
	[ "${lines[12]}" = "masked=0 0" ] # /dev/null over a file (root's, 0400 on the host), an empty tmpfs over a directory
	[ "${lines[13]}" = "init=1000 warmed" ]
	[ "${lines[14]}" = "env=10.96.0.1:443 hosts=1" ]
	[ "${lines[15]}" = ready ]
	[ "$(cat "$k/termination-log")" = ready ]

	# The liveness probe: an exec every periodSeconds (1) for the pod's
	# life on a node; five here, back to back, as CI's time is tight.
	# Each runs as the container's user, confined as the app is.
	for _ in 1 2 3 4 5; do
		run --separate-stderr cri exec --sync --timeout 1 "$APP" sh -c 'test -f /cache/healthy && id -u && grep -E "^(CapBnd|Seccomp):" /proc/self/status | tr -d "\t "'
		[ "$status" -eq 0 ]
		[ "$output" = "$(printf '1000\nCapBnd:0000000000000400\nSeccomp:2')" ]
	done
	rm "$k/volumes/kubernetes.io~empty-dir/cache/healthy"
	run --separate-stderr cri exec --sync --timeout 1 "$APP" test -f /cache/healthy
	[ "$status" -ne 0 ] # the failing probe the kubelet would restart it for

	# The limits, from the host and from inside, before and after an
	# update (the CPU manager's, in-place resize's UpdateContainerResources).
	if cgroup_v2; then
		[ "$(cg cpu cpu.max)" = "50000 100000" ]
		[ "$(cg cpu cpu.weight)" = 59 ] # 512 shares, on runc 1.3+'s curve (fs2.SharesToWeight)
		[ "$(cg memory memory.max)" = 134217728 ]
		[ "$(cg memory memory.oom.group)" = 1 ]
	else
		[ "$(cg cpu cpu.cfs_quota_us)" = 50000 ]
		[ "$(cg cpu cpu.cfs_period_us)" = 100000 ]
		[ "$(cg cpu cpu.shares)" = 512 ]
		[ "$(cg memory memory.limit_in_bytes)" = 134217728 ]
	fi
	local size file
	for size in $(kubelet_pages | jq -r '.[].page_size'); do
		# containerd drops them where it finds no hugetlb controller
		# (a hybrid host's is in its unified hierarchy): then none is set.
		if cgroup_v2; then file=hugetlb.$size.max; else file=hugetlb.$size.limit_in_bytes; fi
		if [ -e "/sys/fs/cgroup/hugetlb" ] || grep -q -w hugetlb /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
			echo "$file: $(cg hugetlb "$file" 2>&1)"
			[ "$(cg hugetlb "$file")" = 0 ]
		fi
	done
	cri update --cpu-period 100000 --cpu-quota 20000 --cpu-share 1024 --memory 268435456 "$APP"
	if cgroup_v2; then
		[ "$(cg cpu cpu.max)" = "20000 100000" ]
		[ "$(cg cpu cpu.weight)" = 100 ] # 1024 shares: v2's default, as on v1
		[ "$(cg memory memory.max)" = 268435456 ]
		[ "$(cg memory memory.oom.group)" = 1 ]
		# containerd gives it a cgroup namespace: its own cgroup is the root.
		run --separate-stderr cri exec --sync "$APP" cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max /sys/fs/cgroup/memory.oom.group
		[ "${lines[2]}" = 1 ]
	else
		[ "$(cg cpu cpu.cfs_quota_us)" = 20000 ]
		[ "$(cg cpu cpu.shares)" = 1024 ]
		[ "$(cg memory memory.limit_in_bytes)" = 268435456 ]
		# No cgroup namespace on v1: each hierarchy is a bind of the
		# container's own cgroup, as runc makes it (not the host's root).
		run --separate-stderr cri exec --sync "$APP" cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us
	fi
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 268435456 ]
	[[ "${lines[1]}" == 20000* ]]
	cri inspect "$APP" | jq -e '.info.runtimeSpec.linux.resources | .memory.limit == 268435456 and .cpu.quota == 20000'

	run --separate-stderr cri stats -o json "$APP"
	echo "$output" | jq -e --arg id "$APP" '.stats[0].attributes.id == $id and (.stats[0].memory.workingSetBytes.value | tonumber) > 0'

	cri stop --timeout 10 "$APP"
	run --separate-stderr cri inspect -o go-template --template '{{.status.state}} {{.status.exitCode}}' "$APP"
	[ "$output" = "CONTAINER_EXITED 0" ] # the SIGTERM reached its trap
	cri rm "$APP"
	cri stopp "$pod"
	cri rmp "$pod" # and the init container with it
	[ -z "$(cri pods -q 2>/dev/null)" ]
	# Nothing of the pod's containers under its parent: the kubelet then
	# removes the pod's cgroup (its parents are the kubelet's too).
	[ -z "$(find /sys/fs/cgroup -mindepth 2 -path "*$PARENT/*" -type d)" ]
	find /sys/fs/cgroup -depth -type d -path '*/mydocker-kubepods*' -exec rmdir {} +
}
