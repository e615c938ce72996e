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
	# init, and exec's process until its execve, run a sealed binary,
	# whose exe is not the path: their argv[0] is "mydocker-runc".
	left="$left $(awk 'BEGIN { RS = "\0" } FNR == 1 && $0 == "mydocker-runc" { split(FILENAME, p, "/"); print p[3] }' /proc/[0-9]*/cmdline 2>/dev/null)"
	left=$(echo $left)
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
    "maskedPaths": ["/proc/kcore", "/proc/keys", "/proc/timer_list"],
    "readonlyPaths": ["/proc/sys"]
  }
}
JSON
}

status_of() { rt state "$1" | sed -n 's/^  "status": "\(.*\)",$/\1/p'; }

# bats test_tags=cgroups
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

# bats test_tags=cgroups
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

# bats test_tags=cgroups
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

# bats test_tags=cgroups
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
	# Not into a paused container, as runc (255: exec's own failure);
	# with --ignore-paused it joins, frozen, and runs once resumed.
	run rt exec c4 true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot exec in a paused container"* ]]
	rt exec --ignore-paused c4 echo resumed >"$BATS_TEST_TMPDIR/paused.out" &
	for _ in $(seq 50); do [ "$(rt ps --format json c4 | tr , '\n' | wc -l)" -ge 3 ] && break; sleep 0.1; done
	[ "$(rt ps --format json c4 | tr , '\n' | wc -l)" -ge 3 ]
	[ ! -s "$BATS_TEST_TMPDIR/paused.out" ]
	rt resume c4
	wait $!
	[ "$(cat "$BATS_TEST_TMPDIR/paused.out")" = resumed ]
	[ "$(status_of c4)" = running ]
	# Signal 0 says whether it runs, as runc's clients ask.
	rt kill c4 0
	run rt list
	[[ "$output" == *"c4"*"running"* ]]
	rt kill --all c4 KILL
	for _ in $(seq 50); do [ ! -d "/proc/$epid" ] && [ "$(status_of c4)" = stopped ] && break; sleep 0.1; done
	[ ! -d "/proc/$epid" ]
	[ "$(status_of c4)" = stopped ]
	run rt kill c4 0
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not running"* ]]
	rt kill --all c4 0 # runc 1.2+: nothing left to signal is done
	rt delete c4
}

# seccomp JSON: puts linux.seccomp into the bundle's config.json.
seccomp() {
	sed -i "s#\"maskedPaths\"#\"seccomp\": $1, \"maskedPaths\"#" "$BUNDLE/config.json"
}

# bats test_tags=cgroups
@test "final: oci: exec's process is confined as the bundle says, and non-dumpable until its execve" {
	command -v strace >/dev/null || skip "strace is not installed"
	# The container's process watches for exec's, while it still runs our
	# binary (its argv[0] is mydocker-runc), and tries what a process of
	# the same user and capabilities may do to a dumpable one: read its
	# environment and open its memory. It tries at once, when the process
	# has just joined the container and is still dropping its privileges,
	# and again 0.7 s later, when it waits at its held execve with its
	# final credentials, which is when its status is read.
	cat >"$BUNDLE/rootfs/watch.sh" <<'SH'
probe() {
	cat $1/environ >/dev/null 2>&1 && echo ENVIRON
	(exec 3<$1/mem) 2>/dev/null && echo MEM
}
while :; do
	for p in /proc/[0-9]*; do
		case "$(tr '\0' ' ' <$p/cmdline 2>/dev/null)" in "mydocker-runc "*)
			early=$(probe $p)
			sleep 0.7
			{
				grep -E '^(CapEff|NoNewPrivs|Seccomp):' $p/status
				echo "$early"
				probe $p
				echo seen
			} | grep . >/data/seen.tmp
			mv /data/seen.tmp /data/seen
			exec sleep 100
			;;
		esac
	done
done
SH
	config sh /watch.sh
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	rt run -d --bundle "$BUNDLE" c5
	# The command's execve held for a while (by strace, on our side): exec's
	# process waits in the container with its final credentials, at the
	# last step that still runs our binary.
	timeout 60 strace -f -qq -o /dev/null -e trace=execve -e inject=execve:delay_enter=2000000 \
		"$MYDOCKER_RUNC" --root "$RT_ROOT" exec c5 /bin/true
	wait_for_line "$BATS_TEST_TMPDIR/seen" seen
	cat "$BATS_TEST_TMPDIR/seen"
	run cat "$BATS_TEST_TMPDIR/seen"
	[ "${lines[0]}" = "CapEff:	0000000000000421" ]
	[ "${lines[1]}" = "NoNewPrivs:	1" ]
	[ "${lines[2]}" = "Seccomp:	2" ]
	[ "${lines[3]}" = seen ] # neither ENVIRON nor MEM
	# The process itself: the bundle's capabilities, rlimits,
	# no_new_privs and seccomp program; none of our descriptors.
	run rt exec c5 sh -c 'grep -E "^(Cap|NoNewPrivs|Seccomp:)" /proc/self/status; ulimit -n; mkdir /tmp/d || echo refused; ls /proc/self/fd | tr "\n" " "'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "CapInh:	0000000000000000" ]
	[ "${lines[1]}" = "CapPrm:	0000000000000421" ]
	[ "${lines[2]}" = "CapEff:	0000000000000421" ]
	[ "${lines[3]}" = "CapBnd:	0000000000000421" ]
	[ "${lines[4]}" = "CapAmb:	0000000000000000" ]
	[ "${lines[5]}" = "NoNewPrivs:	1" ]
	[ "${lines[6]}" = "Seccomp:	2" ]
	[ "${lines[7]}" = 512 ]
	[ "${lines[-2]}" = refused ]
	[ "${lines[-1]}" = "0 1 2 3 " ] # 3: ls's own
	rt delete --force c5
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
	sed -i 's/"pids": {"limit": 50}/"network": {"classID": 1}/' "$BUNDLE/config.json"
	run rt create --bundle "$BUNDLE" b3
	[ "$status" -eq 125 ]
	[[ "$output" == *"linux.resources.network"* ]]
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
	# As runc's: annotations, every architecture libseccomp has, AppArmor.
	[[ "$output" == *'"io.github.seccomp.libseccomp.version": "'[0-9]* ]]
	[[ "$output" == *'"SCMP_ARCH_PPC64LE"'* ]]
	[[ "$output" == *'"apparmor": {'*'"enabled": true'* ]]
	run rt --version
	[[ "$output" == *"mydocker-runc version"* ]]
	[[ "$output" == *"spec: 1.2.1"* ]]
}

# --- issue 27: the fields real clients send (kubelet through CRI,
# containerd, podman), honoured or tolerated as runc 1.2-1.4 does.

# resources JSON: adds to linux.resources, after the device rules.
resources() {
	sed -i "s#\"pids\": {\"limit\": 50}#\"pids\": {\"limit\": 50}, $1#" "$BUNDLE/config.json"
}

# process JSON: adds to process.
process() {
	sed -i "s#\"noNewPrivileges\": true#\"noNewPrivileges\": true, $1#" "$BUNDLE/config.json"
}

# try_create ID: create, with its status and output in $status and
# $output as run sets them. Not through run: a container's init keeps the
# stdout it was given until it ends, and run would wait for it.
try_create() {
	status=0
	rt create --bundle "$BUNDLE" "$1" >"$BATS_TEST_TMPDIR/create.out" 2>&1 || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/create.out")
	echo "create $1: $status: $output"
}

# cgroup_file ID NAME: the host's path of the container's cgroup file NAME
# (its cgroup is mydocker-runc/ID, in whichever hierarchy has the file).
cgroup_file() {
	local mount
	for mount in $(findmnt -n -l -t cgroup,cgroup2 -o TARGET); do
		if [ -e "$mount/mydocker-runc/$1/$2" ]; then
			echo "$mount/mydocker-runc/$1/$2"
			return 0
		fi
	done
	return 1
}

# page_sizes: the host's hugepage sizes as hugetlb's files name them
# (hugepages-2048kB is 2MB), one a line.
page_sizes() {
	local d kb
	for d in /sys/kernel/mm/hugepages/hugepages-*kB; do
		[ -d "$d" ] || continue
		kb=${d##*hugepages-}
		kb=${kb%kB}
		if ((kb >= 1048576)); then
			echo "$((kb / 1048576))GB"
		elif ((kb >= 1024)); then
			echo "$((kb / 1024))MB"
		else
			echo "${kb}KB"
		fi
	done
}

# has_hugetlb: a hugetlb controller mydocker-runc can use: a v1 hierarchy,
# or in the cgroup2 hierarchy (v2's, or a hybrid host's unified one).
has_hugetlb() {
	findmnt -n -l -t cgroup -o OPTIONS | grep -qw hugetlb && return 0
	local mount
	for mount in $(findmnt -n -l -t cgroup2 -o TARGET); do
		grep -qw hugetlb "$mount/cgroup.controllers" 2>/dev/null && return 0
	done
	return 1
}

# bats test_tags=cgroups
@test "final: oci: hugepageLimits: 0 for every page size of the host (the kubelet's) passes; above 0 is written where hugetlb exists, refused where not" {
	sizes=$(page_sizes)
	[ -n "$sizes" ] || skip "this kernel has no hugepages (/sys/kernel/mm/hugepages is empty)"
	config sleep 100
	limits=
	for size in $sizes; do limits="$limits{\"pageSize\": \"$size\", \"limit\": 0},"; done
	resources "\"hugepageLimits\": [${limits%,}]"
	rt create --bundle "$BUNDLE" h1
	if has_hugetlb; then
		for size in $sizes; do
			file=$(cgroup_file h1 "hugetlb.$size.max" || cgroup_file h1 "hugetlb.$size.limit_in_bytes")
			[ "$(cat "$file")" = 0 ]
		done
	fi
	rt delete --force h1
	first=$(echo "$sizes" | head -n 1)
	config sleep 100
	resources "\"hugepageLimits\": [{\"pageSize\": \"$first\", \"limit\": 8388608}]"
	try_create h2
	if has_hugetlb; then
		[ "$status" -eq 0 ]
		file=$(cgroup_file h2 "hugetlb.$first.max" || cgroup_file h2 "hugetlb.$first.limit_in_bytes")
		[ "$(cat "$file")" = 8388608 ]
		rt delete --force h2
	else
		[ "$status" -eq 125 ]
		[[ "$output" == *"no hugetlb cgroup controller"* ]]
	fi
	# A page size is a file name: nothing else passes.
	config true
	resources '"hugepageLimits": [{"pageSize": "../2MB", "limit": 0}]'
	try_create h3
	[ "$status" -eq 125 ]
	[[ "$output" == *"page size"* ]]
	[ -z "$(ls "$RT_ROOT")" ]
}

# bats test_tags=cgroups
@test "final: oci: linux.resources.unified on cgroup v2: the kubelet's memory.oom.group and MemoryQoS written raw, keys checked as runc" {
	cgroup_v2 || skip "the container's hierarchy here is not cgroup v2 (unified is refused on v1 and hybrid hosts, as runc; the cgroup v2 VM runs this)"
	config sleep 100
	resources '"unified": {"memory.oom.group": "1", "memory.high": "50331648", "memory.min": "1048576"}'
	rt create --bundle "$BUNDLE" u1
	[ "$(cat "$(cgroup_file u1 memory.oom.group)")" = 1 ]
	[ "$(cat "$(cgroup_file u1 memory.high)")" = 50331648 ]
	[ "$(cat "$(cgroup_file u1 memory.min)")" = 1048576 ]
	rt delete --force u1
	for key in ../memory.max memory/x oomgroup rdma.max-nonesuch; do
		config true
		resources "\"unified\": {\"$key\": \"1\"}"
		try_create u2
		[ "$status" -eq 125 ]
		[[ "$output" == *"unified resource"* ]]
	done
	[ -z "$(ls "$RT_ROOT")" ]
}

@test "final: oci: linux.resources.unified is refused on cgroup v1 and hybrid hosts, as runc" {
	cgroup_v2 && skip "cgroup v2 host: unified is honoured (the test above)"
	config true
	resources '"unified": {"memory.oom.group": "1"}'
	try_create u3
	[ "$status" -eq 125 ]
	[[ "$output" == *"cannot use unified on cgroup v1"* ]]
	[ -z "$(ls "$RT_ROOT")" ]
}

# bats test_tags=cgroups
@test "final: oci: cpu.idle written; memory.kernel ignored with a warning and kernelTCP tolerated, as runc" {
	config sleep 100
	resources '"cpu": {"idle": 1}, "memory": {"limit": 67108864, "kernel": 67108864, "kernelTCP": 16777216}'
	sed -i 's#, "memory": {"limit": 67108864}}#}#' "$BUNDLE/config.json"
	try_create i1
	if ! find /sys/fs/cgroup -maxdepth 3 -name cpu.idle | grep -q .; then
		[ "$status" -eq 125 ] # a kernel before 5.15: cpu.idle cannot be set
		[[ "$output" == *"cpu.idle"* ]]
		return 0
	fi
	[ "$status" -eq 0 ]
	[[ "$output" == *"memory.kernel is ignored"* ]]
	[ "$(cat "$(cgroup_file i1 cpu.idle)")" = 1 ]
	if tcp=$(cgroup_file i1 memory.kmem.tcp.limit_in_bytes); then
		[ "$(cat "$tcp")" = 16777216 ]
	fi
	rt delete --force i1
	[ -z "$(ls "$RT_ROOT")" ]
}

@test "final: oci: process.apparmorProfile is applied where the kernel has AppArmor, ignored where not (as runc)" {
	config sh -c 'cat /proc/self/attr/current 2>/dev/null; echo ran'
	process '"apparmorProfile": "containers-default-0.50.0"'
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
		# podman's profile is loaded by podman; one nobody loaded must
		# stop the container rather than leave it unconfined.
		sed -i 's/containers-default-0.50.0/mydocker-no-such-profile/' "$BUNDLE/config.json"
		run rt run --bundle "$BUNDLE" a1
		[ "$status" -ne 0 ]
		[[ "$output" == *"AppArmor profile"* ]]
		[[ "$output" != *ran* ]]
	else
		run rt run --bundle "$BUNDLE" a1
		echo "$output"
		[ "$status" -eq 0 ]
		[[ "$output" == *ran* ]]
	fi
	[ -z "$(ls "$RT_ROOT")" ]
}

@test "final: oci: linux.personality, process.scheduler and process.ioPriority are the program's, set just before its exec" {
	config sh -c 'uname -m; cat /proc/self/personality; set -- $(cat /proc/self/stat); echo nice=${19} policy=${41}; ionice -p $$'
	process '"scheduler": {"policy": "SCHED_BATCH", "nice": 5}, "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	sed -i 's#"namespaces"#"personality": {"domain": "LINUX32"}, "namespaces"#' "$BUNDLE/config.json"
	run rt run --bundle "$BUNDLE" p1
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == i?86 ]] # LINUX32: uname says a 32-bit machine
	[ "${lines[1]}" = 00000008 ]
	[ "${lines[2]}" = "nice=5 policy=3" ] # SCHED_BATCH
	[[ "${lines[3]}" == *"best-effort"*"6"* ]]
	# runc's validation: a priority is for SCHED_FIFO and SCHED_RR only.
	config true
	process '"scheduler": {"policy": "SCHED_OTHER", "priority": 3}'
	try_create p2
	[ "$status" -eq 125 ]
	[[ "$output" == *"process.scheduler.priority"* ]]
	[ -z "$(ls "$RT_ROOT")" ]
}

@test "final: oci: exec's process gets process.scheduler, ioPriority and apparmorProfile from -p, or the config's, checked as at create" {
	config sh -c 'exec sleep 100'
	process '"scheduler": {"policy": "SCHED_BATCH", "nice": 5}, "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	rt run -d --bundle "$BUNDLE" x1
	show='set -- $(cat /proc/self/stat); echo nice=${19} policy=${41}; ionice -p $$'
	# With the flags: the config's process, its attributes too.
	run rt exec x1 sh -c "$show"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "nice=5 policy=3" ] # SCHED_BATCH
	[[ "${lines[1]}" == *"best-effort"*"6"* ]]
	# -p: its own, set on it in the container before its execve.
	cat >"$BATS_TEST_TMPDIR/p.json" <<JSON
{"args": ["sh", "-c", "$show"], "cwd": "/", "env": ["PATH=/bin"],
 "scheduler": {"policy": "SCHED_OTHER", "nice": 3}, "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 2},
 "apparmorProfile": "mydocker-no-such-profile",
 "terminal": false}
JSON
	run rt exec -p "$BATS_TEST_TMPDIR/p.json" x1
	echo "$output"
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
		# A profile nobody loaded stops the process rather than leave it
		# unconfined.
		[ "$status" -ne 0 ]
		[[ "$output" == *"AppArmor profile"* ]]
		sed -i '/apparmorProfile/d' "$BATS_TEST_TMPDIR/p.json"
		run rt exec -p "$BATS_TEST_TMPDIR/p.json" x1
	fi
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "nice=3 policy=0" ] # SCHED_OTHER
	[[ "${lines[1]}" == *"best-effort"*"2"* ]]
	# --apparmor is taken, as runc's (ignored where the kernel has none).
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
		run rt exec --apparmor containers-default-0.50.0 x1 true
		[ "$status" -eq 0 ]
	fi
	# Checked before anything runs, as at create.
	sed -i 's/"nice": 3}/"nice": 3, "priority": 3}/' "$BATS_TEST_TMPDIR/p.json"
	run rt exec -p "$BATS_TEST_TMPDIR/p.json" x1
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.scheduler.priority"* ]]
	rt delete --force x1
}

# --- issue 20: what a container can reach of the host through mydocker-runc.

# sysctl JSON: puts linux.sysctl into the bundle's config.json.
sysctl() {
	sed -i "s#\"maskedPaths\"#\"sysctl\": $1, \"maskedPaths\"#" "$BUNDLE/config.json"
}

@test "final: oci: a container cannot write the runtime's binary through /proc/PID/exe (CVE-2019-5736)" {
	# A copy of the runtime: if the attack works, it is the copy that is lost.
	mkdir "$BATS_TEST_TMPDIR/bin"
	cp "$MYDOCKER_RUNC" "$BATS_TEST_TMPDIR/bin/mydocker-runc"
	local runtime=$BATS_TEST_TMPDIR/bin/mydocker-runc sum
	sum=$(sha256sum <"$runtime")
	config sleep 100
	# init waits for start as the process's user, root here, with the
	# process's capabilities: a process exec'd in with the same is refused
	# init's /proc/1/exe, init being non-dumpable.
	"$runtime" --root "$RT_ROOT" create --bundle "$BUNDLE" x0
	run "$runtime" --root "$RT_ROOT" exec x0 sh -c 'exec 3</proc/1/exe && echo OPENED'
	echo "$output"
	[[ "$output" != *OPENED* ]]
	"$runtime" --root "$RT_ROOT" delete --force x0
	# One that may trace (CAP_SYS_PTRACE) gets past non-dumpable.
	sed -i 's/"CAP_CHOWN"\]/"CAP_CHOWN", "CAP_SYS_PTRACE"]/' "$BUNDLE/config.json"
	"$runtime" --root "$RT_ROOT" create --bundle "$BUNDLE" x1
	# init waits on the exec fifo, running our binary as the container's
	# pid 1: a process exec'd in opens its exe, and writes it once init
	# has executed the program and the binary runs no more.
	run "$runtime" --root "$RT_ROOT" exec x1 sh -c 'readlink /proc/1/exe; exec 3</proc/1/exe && echo opened; echo x >/proc/self/fd/3 && echo WROTE'
	echo "$output"
	[ "${lines[0]}" != "$runtime" ]
	[[ "$output" != *WROTE* ]]
	"$runtime" --root "$RT_ROOT" exec -d x1 sh -c 'exec 3</proc/1/exe || exit 1
		until grep -q sleep /proc/1/cmdline; do sleep 0.05; done; sleep 0.3
		if echo evil >/proc/self/fd/3; then echo wrote >/data/res; else echo refused >/data/res; fi'
	"$runtime" --root "$RT_ROOT" start x1
	for _ in $(seq 100); do [ -s "$BATS_TEST_TMPDIR/res" ] && break; sleep 0.1; done
	cat "$BATS_TEST_TMPDIR/res"
	[ "$(sha256sum <"$runtime")" = "$sum" ]
	[ "$(cat "$BATS_TEST_TMPDIR/res")" = refused ]
	"$runtime" --root "$RT_ROOT" delete --force x1
}

@test "final: oci: linux.sysctl only of the container's own namespaces" {
	local pattern shmmax
	pattern=$(cat /proc/sys/kernel/core_pattern)
	shmmax=$(cat /proc/sys/kernel/shmmax)
	config true
	sysctl '{"kernel.core_pattern": "|/tmp/pwned"}'
	run rt run --bundle "$BUNDLE" s1
	echo "$output"
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *'"kernel.core_pattern"'* ]]
	[ "$(cat /proc/sys/kernel/core_pattern)" = "$pattern" ]
	config true
	sysctl '{"vm.overcommit_memory": "1"}'
	run rt run --bundle "$BUNDLE" s2
	[ "$status" -eq 125 ]
	[[ "$output" == *'"vm.overcommit_memory"'* ]]
	# net.* without a network namespace of the container's own.
	config true
	sed -i 's/{"type": "network"}, //' "$BUNDLE/config.json"
	sysctl '{"net.ipv4.ip_forward": "1"}'
	run rt run --bundle "$BUNDLE" s3
	[ "$status" -eq 125 ]
	[[ "$output" == *'"net.ipv4.ip_forward"'* ]]
	config true
	sed -i "s#{\"type\": \"network\"}#{\"type\": \"network\", \"path\": \"/proc/$$/ns/net\"}#" "$BUNDLE/config.json"
	sysctl '{"net.ipv4.ip_forward": "1"}'
	run rt run --bundle "$BUNDLE" s4
	[ "$status" -eq 125 ]
	[[ "$output" == *'"net.ipv4.ip_forward"'* ]]
	[ -z "$(ls "$RT_ROOT" 2>/dev/null)" ]
	# The container's own namespaces: set in them, not on the host.
	config cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_forward
	sysctl '{"kernel.shmmax": "12345678", "net.ipv4.ip_forward": "1"}'
	run rt run --bundle "$BUNDLE" s5
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 12345678 ]
	[ "${lines[1]}" = 1 ]
	[ "$(cat /proc/sys/kernel/shmmax)" = "$shmmax" ]
}

@test "final: oci: without process.terminal, no terminal of the caller's" {
	# script gives the runtime a terminal of its own (a pty, its session's
	# controlling terminal): the container must not reach it.
	config sh -c 'set -- $(cat /proc/self/stat); echo sid=$6 pid=$$; echo x >/dev/tty && echo TTY || echo no-tty'
	run script -qec "$MYDOCKER_RUNC --root $RT_ROOT run --bundle $BUNDLE t1" /dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sid=1 pid=1"* ]]
	[[ "$output" == *no-tty* ]]
	[[ "$output" != *TTY* ]]
	config sh -c 'bye() { exit 42; }; trap bye TERM; echo up >/data/up; while :; do sleep 0.1; done'
	rt run -d --bundle "$BUNDLE" t2
	wait_for_line "$BATS_TEST_TMPDIR/up" up
	run script -qec "$MYDOCKER_RUNC --root $RT_ROOT exec t2 sh -c 'set -- \$(cat /proc/self/stat); echo sid=\$6 pid=\$\$; echo x >/dev/tty && echo TTY || echo no-tty; exit 3'" /dev/null
	echo "$output"
	[ "$status" -eq 3 ]
	[[ "$output" =~ sid=([0-9]+)\ pid=([0-9]+) ]]
	[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
	[[ "$output" == *no-tty* ]]
	rt kill t2 KILL
	for _ in $(seq 50); do [ "$(status_of t2)" = stopped ] && break; sleep 0.1; done
	rt delete t2
	# In the foreground, run still passes signals on and the exit status back.
	rm -f "$BATS_TEST_TMPDIR/up"
	"$MYDOCKER_RUNC" --root "$RT_ROOT" run --bundle "$BUNDLE" t3 &
	local runner=$!
	wait_for_line "$BATS_TEST_TMPDIR/up" up
	kill -TERM $runner
	local status=0
	wait $runner || status=$?
	[ "$status" -eq 42 ]
}

# console_client SOCKET ID: plays conmon's part of process.terminal:
# listens on SOCKET, creates the container ID with --console-socket,
# takes the terminal's master that comes on it, starts the container and
# prints what the container writes on its terminal until it is closed.
console_client() {
	timeout 30 python3 - "$1" "$MYDOCKER_RUNC" "$RT_ROOT" "$2" "$BUNDLE" <<'PY'
import errno, os, socket, subprocess, sys
path, runtime, root, cid, bundle = sys.argv[1:]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
rt = [runtime, "--root", root]
create = subprocess.Popen(rt + ["create", "--bundle", bundle, "--console-socket", path, cid])
conn, _ = srv.accept()
_, fds, _, _ = socket.recv_fds(conn, 64, 1)
if create.wait() != 0 or len(fds) != 1:
    sys.exit("create failed, or sent no terminal")
subprocess.run(rt + ["start", cid], check=True)
out = b""
while True:
    try:
        chunk = os.read(fds[0], 4096)
    except OSError as e:
        if e.errno != errno.EIO:  # EIO: the terminal's last holder is gone
            raise
        break
    if not chunk:
        break
    out += chunk
sys.stdout.write(out.decode().replace("\r", ""))
PY
}

@test "final: oci: process.terminal is a terminal of the container's own devpts, sent on --console-socket, of consoleSize" {
	TERMINAL=true USER_ID=1000 config sh -c 'tty; stty size; stat -c %u $(tty); echo x >/dev/tty && echo has-tty; set -- $(cat /proc/self/stat); echo sid=$6 pid=$$'
	python3 -c 'import json, sys
c = json.load(open(sys.argv[1])); c["process"]["consoleSize"] = {"height": 33, "width": 111}
json.dump(c, open(sys.argv[1], "w"))' "$BUNDLE/config.json"
	run console_client "$BATS_TEST_TMPDIR/console.sock" tty1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /dev/pts/0 ]
	[ "${lines[1]}" = "33 111" ]
	[ "${lines[2]}" = 1000 ]
	[ "${lines[3]}" = x ]
	[ "${lines[4]}" = has-tty ]
	[ "${lines[5]}" = "sid=1 pid=1" ]
	for _ in $(seq 50); do [ "$(status_of tty1)" = stopped ] && break; sleep 0.1; done
	rt delete tty1
}

@test "final: oci: process.terminal without --console-socket: run and exec in the foreground copy the terminal to and from the caller's, as runc" {
	# script is the caller's terminal (as runc's own tests run under one),
	# its input what the container reads, its typescript what it wrote.
	TERMINAL=true config sh -c 'tty; read line; echo read: $line; stty size; exit 7'
	printf 'hello\n' >"$BATS_TEST_TMPDIR/in"
	run script -qec "stty cols 91 rows 29; $MYDOCKER_RUNC --root $RT_ROOT run --bundle $BUNDLE ft1" /dev/null <"$BATS_TEST_TMPDIR/in"
	echo "$output"
	[ "$status" -eq 7 ]
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *"read: hello"* ]]
	[[ "$output" == *"29 91"* ]]
	run rt state ft1
	[ "$status" -ne 0 ] # run deleted it
	# exec -t, in a running container without a terminal of its own.
	config sh -c 'echo up >/data/up; while :; do sleep 0.1; done'
	rt run -d --bundle "$BUNDLE" ft2
	wait_for_line "$BATS_TEST_TMPDIR/up" up
	run script -qec "$MYDOCKER_RUNC --root $RT_ROOT exec -t ft2 sh -c 'tty; exit 4'" /dev/null </dev/null
	echo "$output"
	[ "$status" -eq 4 ]
	[[ "$output" == */dev/pts/* ]]
	# Detached, a terminal still needs a socket to go to.
	run rt exec -d -t ft2 true
	[ "$status" -ne 0 ]
	[[ "$output" == *"--console-socket"* ]]
	rt kill ft2 KILL
	for _ in $(seq 50); do [ "$(status_of ft2)" = stopped ] && break; sleep 0.1; done
	rt delete ft2
	[ -z "$(find /tmp -maxdepth 1 -name 'mydocker-runc-console-*')" ]
}

@test "final: oci: state.json and the pid file are fsynced, file and directory, before create returns; kill takes RTMIN+n" {
	config sh -c 'got() { echo got-37 >/data/sig; }; trap got 37; echo up >/data/up; while :; do sleep 0.1; done'
	# -b execve: strace lets go of init when it executes itself (it stays,
	# waiting for start), so strace returns with create.
	timeout -s KILL 60 strace -f -b execve -y -qq -e trace=fsync -o "$BATS_TEST_TMPDIR/strace" \
		"$MYDOCKER_RUNC" --root "$RT_ROOT" create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/c.pid" f1
	cat "$BATS_TEST_TMPDIR/strace"
	grep -E "fsync\([0-9]+<$RT_ROOT/f1/\.state\.json\.tmp-[0-9]+>\) = 0" "$BATS_TEST_TMPDIR/strace"
	grep -E "fsync\([0-9]+<$RT_ROOT/f1>\) = 0" "$BATS_TEST_TMPDIR/strace"
	grep -E "fsync\([0-9]+<$BATS_TEST_TMPDIR/\.c\.pid\.tmp-[0-9]+>\) = 0" "$BATS_TEST_TMPDIR/strace"
	grep -E "fsync\([0-9]+<$BATS_TEST_TMPDIR>\) = 0" "$BATS_TEST_TMPDIR/strace"
	[ -z "$(ls -A "$RT_ROOT/f1" | grep tmp-)" ]
	rt start f1
	wait_for_line "$BATS_TEST_TMPDIR/up" up
	rt kill f1 SIGRTMIN+3
	wait_for_line "$BATS_TEST_TMPDIR/sig" got-37
	run rt kill f1 RTMIN+31
	[ "$status" -eq 125 ]
	[[ "$output" == *"invalid signal"* ]]
	rt kill f1 KILL
	for _ in $(seq 50); do [ "$(status_of f1)" = stopped ] && break; sleep 0.1; done
	rt delete f1
}

# --- Rootfs paths are opened, not named (issue 20, item 4). The bundle
# or a volume shared with a running container plays the attacker: a
# symlink where a mount goes, or /dev/null a symlink into /proc. What the
# host keeps: its core_pattern, an empty decoy directory, no mount on it.

# attack_config MOUNTS ARG...: a config.json with MOUNTS (JSON objects,
# comma-separated) after /proc, maskedPaths /proc/kcore, keys, timer_list,
# and a createContainer hook that records, from the container's mount
# namespace before the pivot (where the host's paths are still in
# reach), every mount on the decoy: none may be there.
attack_config() {
	local mounts=$1 args
	shift
	args=$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@")
	cat >"$BATS_TEST_TMPDIR/hook.sh" <<SH
#!/bin/sh
PATH=/usr/sbin:/usr/bin:/sbin:/bin
exec awk -v d="$DECOY" '\$5 == d || index(\$5, d "/") == 1' /proc/self/mountinfo >>"$BATS_TEST_TMPDIR/escaped"
SH
	chmod +x "$BATS_TEST_TMPDIR/hook.sh"
	cat >"$BUNDLE/config.json" <<JSON
{
  "ociVersion": "1.0.2",
  "process": {"user": {"uid": 0, "gid": 0}, "args": $args, "env": ["PATH=/bin"], "cwd": "/",
    "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}, "noNewPrivileges": true},
  "root": {"path": "rootfs"},
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}${mounts:+, $mounts}],
  "hooks": {"createContainer": [{"path": "$BATS_TEST_TMPDIR/hook.sh"}]},
  "linux": {
    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}],
    "maskedPaths": ["/proc/kcore", "/proc/keys", "/proc/timer_list"],
    "readonlyPaths": ["/proc/sys"]
  }
}
JSON
}

# on_decoy DECOY: the lines of a mountinfo (on stdin) of mounts on DECOY
# or below it.
on_decoy() { awk -v d="$1" '$5 == d || index($5, d "/") == 1'; }

# no_escape: nothing was mounted on the decoy, in the container's mount
# namespace or the host's, and nothing was written in it.
no_escape() {
	if [ -s "$BATS_TEST_TMPDIR/escaped" ]; then
		echo "mounted on the host's decoy:" >&2
		sort -u "$BATS_TEST_TMPDIR/escaped" >&2
		return 1
	fi
	[ -z "$(on_decoy "$DECOY" </proc/self/mountinfo)" ]
	[ -z "$(ls -A "$DECOY")" ]
}

@test "final: oci: a /dev/null that is a symlink into /proc never becomes the mask of a path" {
	DECOY=$BATS_TEST_TMPDIR/decoy
	mkdir "$DECOY"
	local masked
	for masked in /proc/keys /proc/timer_list /proc/kcore ''; do [ -e "$masked" ] && break; done
	[ -n "$masked" ] || skip "none of the masked paths is on this host"
	pattern=$(cat /proc/sys/kernel/core_pattern)
	# Read-only checks only: with the bug the masked path IS the host's
	# core_pattern, and nothing here may write it.
	show="stat -c '%n %F %t:%T' $masked; echo masked=\$(head -c 256 $masked | wc -c); ( : >> /proc/sys/kernel/core_pattern ) 2>/dev/null && echo WRITABLE; true"
	# The image's own /dev (no /dev mount): the symlink is replaced by
	# the node, and the mask is /dev/null.
	rm -f "$BUNDLE/rootfs/dev/null"
	ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/null"
	attack_config '' sh -c "$show"
	run rt run --bundle "$BUNDLE" n1
	echo "$output"
	if [ "$status" -eq 0 ]; then
		[[ "$output" == *"$masked character special file 1:3"* ]]
		[[ "$output" == *"masked=0"* ]]
		[[ "$output" != *WRITABLE* ]]
	fi
	# /dev a bind of a host directory (a volume another container writes):
	# its null is a symlink to core_pattern. The mask must be refused, or
	# be the device: never a bind of core_pattern.
	mkdir "$BATS_TEST_TMPDIR/dev"
	ln -s /proc/sys/kernel/core_pattern "$BATS_TEST_TMPDIR/dev/null"
	attack_config "{\"destination\": \"/dev\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/dev\", \"options\": [\"rbind\"]}" sh -c "$show"
	run rt run --bundle "$BUNDLE" n2
	echo "$output"
	if [ "$status" -eq 0 ]; then
		[[ "$output" == *"$masked character special file 1:3"* ]]
		[[ "$output" == *"masked=0"* ]]
		[[ "$output" != *WRITABLE* ]]
	else
		[[ "$output" == *"/dev/null is not the char device 1:3"* ]]
	fi
	# The same with a symlink to a host file: resolved in the root, never
	# the host's.
	echo keep >"$BATS_TEST_TMPDIR/decoy-file"
	ln -sfn "$BATS_TEST_TMPDIR/decoy-file" "$BATS_TEST_TMPDIR/dev/null"
	run rt run --bundle "$BUNDLE" n3
	echo "$output"
	[ "$(cat "$BATS_TEST_TMPDIR/decoy-file")" = keep ]
	[[ "$output" != *"masked=5"* ]]
	[ "$(cat /proc/sys/kernel/core_pattern)" = "$pattern" ]
	no_escape
}

@test "final: oci: a mount destination that is a symlink to a host directory lands inside the root" {
	DECOY=$BATS_TEST_TMPDIR/decoy
	mkdir "$DECOY" "$BATS_TEST_TMPDIR/dir"
	ln -s "$DECOY" "$BUNDLE/rootfs/link"
	echo secret >"$BATS_TEST_TMPDIR/file"
	echo bound >"$BATS_TEST_TMPDIR/dir/marker"
	ln -s "$DECOY/file" "$BUNDLE/rootfs/flink"
	# A relative symlink climbing out of the rootfs, to the decoy, as a
	# bind's destination.
	ln -s "../../../../../../..$DECOY/sub" "$BUNDLE/rootfs/rlink"
	attack_config "{\"destination\": \"/link\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"},
		{\"destination\": \"/flink\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/file\", \"options\": [\"bind\", \"ro\"]},
		{\"destination\": \"/rlink\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/dir\", \"options\": [\"rbind\", \"ro\"]}" \
		sh -c 'grep -c " tmpfs " /proc/self/mountinfo; cat /flink /rlink/marker'
	run rt run --bundle "$BUNDLE" l1
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *secret* ]]
	[[ "$output" == *bound* ]]
	# Made inside the root, where the symlink points from there.
	# (/rlink's directory went under /link's tmpfs, with it: "bound" was
	# read through the container's own root.)
	[ -d "$BUNDLE/rootfs$DECOY" ]
	no_escape
	# A destination that resolves to the root itself: refused, nothing made.
	ln -s / "$BUNDLE/rootfs/slash"
	attack_config "{\"destination\": \"/slash\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/dir\", \"options\": [\"rbind\"]}" true
	run rt run --bundle "$BUNDLE" l2
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"/slash: is the container's root"* ]]
	no_escape
}

# swapper DIR N: exchanges DIR/tI (a directory) and DIR/xI (a symlink to
# the decoy) for I < N, atomically (renameat2 RENAME_EXCHANGE), as fast
# as it can, until killed: the container writing in a shared volume.
swapper() {
	python3 - "$@" <<'PY' &
import ctypes, os, sys
d, n = sys.argv[1], int(sys.argv[2])
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
pairs = [(os.path.join(d, "t%d" % i).encode(), os.path.join(d, "x%d" % i).encode()) for i in range(n)]
while True:
    for t, x in pairs:
        libc.renameat2(AT_FDCWD, t, AT_FDCWD, x, RENAME_EXCHANGE)
PY
	SWAPPER=$!
}

@test "final: oci: a race swapping a mount destination for a symlink never moves a mount onto the host" {
	DECOY=$BATS_TEST_TMPDIR/decoy
	mkdir "$DECOY" "$BATS_TEST_TMPDIR/vol"
	local n=20 mounts="{\"destination\": \"/vol\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/vol\", \"options\": [\"rbind\"]}"
	for i in $(seq 0 $((n - 1))); do
		mkdir "$BATS_TEST_TMPDIR/vol/t$i"
		ln -s "$DECOY" "$BATS_TEST_TMPDIR/vol/x$i"
		mounts+=", {\"destination\": \"/vol/t$i\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"size=16k\"]}"
	done
	attack_config "$mounts" true
	swapper "$BATS_TEST_TMPDIR/vol" "$n"
	local ok=0 refused=0
	for try in $(seq 10); do # 10 runs x 20 mounts
		if rt run --bundle "$BUNDLE" "r$try" >/dev/null 2>&1; then ok=$((ok + 1)); else refused=$((refused + 1)); fi
	done
	kill "$SWAPPER"
	wait "$SWAPPER" || true
	echo "runs: $ok made, $refused refused"
	no_escape
}

# --- issue 27: the commands containerd and podman call: update, events,
# --preserve-fds, exec --cgroup; checkpoint and restore refused.

# limit ID V1FILE V2FILE: the container's limit, from whichever file its
# cgroup has (v1's, or v2's).
limit() {
	cat "$(cgroup_file "$1" "$2" || cgroup_file "$1" "$3")"
}

# bats test_tags=cgroups
@test "final: oci: update changes a running or paused container's limits in its cgroup, from flags or -r resources.json, and keeps them" {
	config sleep 100
	rt run -d --bundle "$BUNDLE" u1
	rt update --memory 100m --pids-limit 20 --cpu-share 512 --cpu-quota 50000 --cpu-period 100000 u1
	[ "$(limit u1 memory.limit_in_bytes memory.max)" = 104857600 ]
	[ "$(limit u1 pids.max pids.max)" = 20 ]
	if cgroup_v2; then
		[ "$(limit u1 - cpu.max)" = "50000 100000" ]
		[ "$(limit u1 - cpu.weight)" = 59 ] # 512 shares, converted as runc 1.3+
	else
		[ "$(limit u1 cpu.cfs_quota_us -)" = 50000 ]
		[ "$(limit u1 cpu.shares -)" = 512 ]
	fi
	# Paused too, from stdin: -1 lifts a limit; what is left out is kept.
	rt pause u1
	echo '{"memory": {"limit": -1}, "pids": {"limit": 30}}' | rt update -r - u1
	[ "$(status_of u1)" = paused ]
	[ "$(limit u1 pids.max pids.max)" = 30 ]
	run limit u1 memory.limit_in_bytes memory.max
	[[ "$output" = max || "$output" -gt 1000000000000 ]]
	rt resume u1
	echo '{"cpu": {"shares": 1024}}' >"$BATS_TEST_TMPDIR/resources.json"
	rt update --resources "$BATS_TEST_TMPDIR/resources.json" u1
	[ "$(limit u1 pids.max pids.max)" = 30 ]
	# The record keeps them: events reads the pids limit back.
	rt events --stats u1 | jq -e '.data.pids.limit == 30'
	# Bad input: one line, exit 1, as runc.
	for bad in "--memory lots" "--pids-limit x" "--l3-cache-schema L3:0=f"; do
		run rt update $bad u1
		echo "$bad: $status: $output"
		[ "$status" -eq 1 ]
		[ "${#lines[@]}" -eq 1 ]
	done
	[[ "$output" == *"Intel RDT is not supported"* ]]
	run rt update -r "$BATS_TEST_TMPDIR/none.json" u1
	[ "$status" -eq 1 ]
	run rt update --memory 100m nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *"nosuch"*"does not exist"* ]]
}

@test "final: oci: events --stats is runc's JSON, events --interval streams with oom events until the container stops" {
	mkfifo "$BATS_TEST_TMPDIR/go"
	config sh -c 'read x </data/go; tail /dev/zero; exec sleep 100'
	sed -i 's/"limit": 67108864/"limit": 16777216/' "$BUNDLE/config.json"
	rt run -d --bundle "$BUNDLE" e1
	run rt events --stats e1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | jq -e '.type == "stats" and .id == "e1"'
	echo "$output" | jq -e '.data.memory.usage.limit == 16777216 and .data.memory.usage.usage > 0'
	echo "$output" | jq -e '.data.pids.current == 1 and .data.pids.limit == 50'
	echo "$output" | jq -e '.data.cpu.usage.total > 0 and (.data | has("blkio") and has("hugetlb") and has("cpuset"))'
	# Streaming: a line an interval.
	run bash -c "'$MYDOCKER_RUNC' --root '$RT_ROOT' events --interval 50ms e1 | head -n 2"
	[ "${#lines[@]}" -eq 2 ]
	echo "${lines[1]}" | jq -e '.type == "stats"'
	# An "oom" line when the OOM killer kills one of its processes (tail,
	# at the 16 MiB limit); it ends with the container.
	"$MYDOCKER_RUNC" --root "$RT_ROOT" events --interval 100ms e1 >"$BATS_TEST_TMPDIR/events" &
	local events=$!
	until [ -s "$BATS_TEST_TMPDIR/events" ]; do sleep 0.05; done
	echo go >"$BATS_TEST_TMPDIR/go"
	wait_for_line "$BATS_TEST_TMPDIR/events" '{"type":"oom","id":"e1"}'
	rt kill e1 KILL
	timeout 5 tail --pid="$events" -f /dev/null
	wait "$events"
	run rt events --stats e1
	[ "$status" -eq 1 ]
	[[ "$output" == *"is not running"* ]]
	run rt events --interval 0s e1
	[ "$status" -eq 1 ]
}

@test "final: oci: linux.memoryPolicy is the NUMA policy of init's program and of exec's process; a bad one is refused before anything is made" {
	[ -e /proc/self/numa_maps ] || skip "this kernel has no NUMA (CONFIG_NUMA)"
	config sh -c 'head -n 1 /proc/self/numa_maps; exec sleep 100'
	python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))
c["linux"]["memoryPolicy"] = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}
json.dump(c, open(sys.argv[1], "w"))' "$BUNDLE/config.json"
	rt run -d --bundle "$BUNDLE" mp1 >"$BATS_TEST_TMPDIR/out"
	wait_for_line "$BATS_TEST_TMPDIR/out" '.* bind=static:0 .*'
	run rt exec mp1 head -n 1 /proc/self/numa_maps
	[ "$status" -eq 0 ]
	[[ "$output" == *" bind=static:0 "* ]]
	rt delete --force mp1
	sed -i 's/"MPOL_BIND"/"MPOL_ODD"/' "$BUNDLE/config.json"
	run rt run -d --bundle "$BUNDLE" mp2
	[ "$status" -eq 125 ]
	[ "$output" = 'mydocker-runc: config.json: linux.memoryPolicy: invalid memory policy mode "MPOL_ODD"' ]
	[ ! -e "$RT_ROOT/mp2" ]
}

# pidfd_manager SOCKET OUT: a manager of runc's --pidfd-socket, in the
# background: it takes one pidfd, writes the message it came with to OUT,
# and kills that process through the pidfd.
pidfd_manager() {
	python3 -c 'import array, signal, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(1)
c, _ = s.accept()
msg, anc, _, _ = c.recvmsg(64, socket.CMSG_LEN(4))
fd = array.array("i", anc[0][2][:4])[0]
print(msg.decode(), flush=True)
signal.pidfd_send_signal(fd, signal.SIGKILL)' "$1" >"$2" &
	until [ -S "$1" ]; do sleep 0.05; done
}

@test "final: oci: --pidfd-socket sends a pidfd of init (create, run) and of exec's process, which a manager kills through it" {
	config sleep 100
	pidfd_manager "$BATS_TEST_TMPDIR/init.sock" "$BATS_TEST_TMPDIR/init.out"
	local manager=$!
	rt create --bundle "$BUNDLE" --pidfd-socket "$BATS_TEST_TMPDIR/init.sock" p1
	wait "$manager"
	[ "$(cat "$BATS_TEST_TMPDIR/init.out")" = standard ]
	for _ in $(seq 50); do [ "$(status_of p1)" = stopped ] && break; sleep 0.1; done
	[ "$(status_of p1)" = stopped ]
	rt delete p1
	# exec's process: the pidfd names it, not init.
	rt run -d --bundle "$BUNDLE" p2
	pidfd_manager "$BATS_TEST_TMPDIR/exec.sock" "$BATS_TEST_TMPDIR/exec.out"
	manager=$!
	rt exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" --pidfd-socket "$BATS_TEST_TMPDIR/exec.sock" p2 sleep 100
	wait "$manager"
	[ "$(cat "$BATS_TEST_TMPDIR/exec.out")" = setns ]
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	for _ in $(seq 50); do [ ! -e "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status" && break; sleep 0.1; done
	[ ! -e "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status"
	[ "$(status_of p2)" = running ]
	rt delete --force p2
	# A socket that is not there: one line, and nothing made.
	run rt create --bundle "$BUNDLE" --pidfd-socket "$BATS_TEST_TMPDIR/none.sock" p3
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"connect to the pidfd socket"* ]]
	[ ! -e "$RT_ROOT/p3" ]
}

# userns_config [USERNS_PATH]: config's, with a user namespace mapping
# the container's 0-65535 to the host's 100000 on: a new one, or the one
# at USERNS_PATH joined.
userns_config() {
	python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))
ns = {"type": "user"}
if sys.argv[2]:
    ns["path"] = sys.argv[2]
c["linux"]["namespaces"].append(ns)
c["linux"]["uidMappings"] = c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
json.dump(c, open(sys.argv[1], "w"))' "$BUNDLE/config.json" "${1:-}"
}

@test "final: oci: a container joining another's user namespace by path gets pid, mount, UTS, IPC and network namespaces of its own in it (Kubernetes hostUsers: false)" {
	# The bundle must be reachable by the container's root, host uid
	# 100000, which cannot make /data's mount point in the rootfs.
	local d=$BUNDLE
	while [ "${#d}" -ge "${#BATS_RUN_TMPDIR}" ]; do chmod a+x "$d" && d=${d%/*}; done
	mkdir -p "$BUNDLE/rootfs/data"
	config sleep 100
	userns_config
	rt run -d --bundle "$BUNDLE" owner
	local owner_pid userns
	owner_pid=$(rt state owner | jq .pid)
	userns=$(readlink "/proc/$owner_pid/ns/user")
	# The pod's second container, as the kubelet's CRI runtime writes it:
	# the pod's user namespace by path, its own pid namespace.
	config sh -c 'echo pid=$$; hostname; readlink /proc/self/ns/user; cat /proc/self/uid_map; exit 7'
	userns_config "/proc/$owner_pid/ns/user"
	run rt run --bundle "$BUNDLE" joiner
	echo "$output"
	# run waits for the init the constructor forked into the new pid
	# namespace, and passes its status on.
	[ "$status" -eq 7 ]
	[ "${lines[0]}" = pid=1 ]
	[ "${lines[1]}" = ocibox ]
	[ "${lines[2]}" = "$userns" ]
	[[ "${lines[3]}" =~ ^\ +0\ +100000\ +65536$ ]]
	# Detached: the pid recorded is init's, pid 1 in its own pid
	# namespace (not the owner's), and exec joins it.
	config sleep 100
	userns_config "/proc/$owner_pid/ns/user"
	rt run -d --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" joiner2
	local pid
	pid=$(rt state joiner2 | jq .pid)
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$pid" ]
	[ "$(readlink "/proc/$pid/ns/user")" = "$userns" ]
	[ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink "/proc/$owner_pid/ns/pid")" ]
	grep -q "^NSpid:.*[[:space:]]1$" "/proc/$pid/status"
	run rt exec joiner2 sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; hostname'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "sleep 100 " ]
	[ "${lines[1]}" = ocibox ]
	rt delete --force joiner2
	rt delete --force owner
}

# require_criu skips where CRIU cannot checkpoint: not installed, or
# refused by this kernel (criu 3.17 fails "criu check" on kernels from
# 6.13 on, whose vDSO it does not know: the cgroup v2 VM runs these).
require_criu() {
	command -v criu >/dev/null || skip "CRIU is not installed (Debian: criu)"
	criu check >/dev/null 2>&1 || skip "criu check fails here: $(criu check 2>&1 | grep -m 1 Error)"
}

# bats test_tags=criu
@test "final: oci: checkpoint and restore with CRIU: the processes go on from where they were, writing to the restorer's pipes; exec joins; nothing left" {
	require_criu
	# A counter in the shell's memory, written to stdout: after a restore
	# it goes on from the checkpoint's value, not from 1. /data is a bind
	# mount (criu's external mount), /dev a tmpfs (dumped with it).
	config sh -c 'i=0; while true; do i=$((i+1)); echo $i; echo $i >/dev/count; sleep 0.1; done'
	local img=$BATS_TEST_TMPDIR/img work=$BATS_TEST_TMPDIR/work
	# Pipes for stdio, as conmon's: criu cannot dump a host file there.
	: | rt run -d --bundle "$BUNDLE" cr1 2>&1 | cat >"$BATS_TEST_TMPDIR/out1" &
	local first=$!
	wait_for_line "$BATS_TEST_TMPDIR/out1" 5
	run rt checkpoint --image-path "$img" --work-path "$work" cr1
	echo "$output"
	[ "$status" -eq 0 ]
	# The container is gone (its pipe closed), its checkpoint is there.
	wait "$first"
	run rt state cr1
	[[ "$output" == *"does not exist"* ]]
	[ -s "$img/descriptors.json" ] && [ -s "$work/dump.log" ]
	local last
	last=$(tail -n 1 "$BATS_TEST_TMPDIR/out1")
	: | rt restore -d --bundle "$BUNDLE" --image-path "$img" --work-path "$work" --pid-file "$BATS_TEST_TMPDIR/pid" cr1 2>&1 | cat >"$BATS_TEST_TMPDIR/out2" &
	local second=$!
	wait_for_line "$BATS_TEST_TMPDIR/out2" $((last + 3))
	[ "$(head -n 1 "$BATS_TEST_TMPDIR/out2")" = $((last + 1)) ]
	[ "$(status_of cr1)" = running ]
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$(rt state cr1 | jq .pid)" ]
	# exec joins its namespaces, the time namespace criu restored it in too.
	run rt exec cr1 sh -c 'cat /dev/count; [ "$(readlink /proc/self/ns/time)" = "$(readlink /proc/1/ns/time)" ] && echo same-time'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" -gt "$last" ]
	[ "${lines[1]}" = same-time ]
	# --leave-running: a second checkpoint of the restored container.
	run rt checkpoint --leave-running --image-path "$img.2" --work-path "$work" cr1
	[ "$status" -eq 0 ]
	[ "$(status_of cr1)" = running ]
	rt delete --force cr1
	wait "$second"
	run grep criu-root /proc/self/mountinfo
	[ "$status" -eq 1 ]
}

@test "final: oci: checkpoint and restore refuse in one line, exit 1, and leave the container as it was" {
	config sleep 100
	rt create --bundle "$BUNDLE" cr2
	run rt checkpoint --image-path "$BATS_TEST_TMPDIR/img" cr2
	[ "$status" -eq 1 ]
	[ "$output" = "mydocker-runc: a container cannot be checkpointed in created state (start it first)" ]
	rt start cr2
	# Without CRIU, the install it needs is named.
	run env PATH=/nonexistent "$MYDOCKER_RUNC" --root "$RT_ROOT" checkpoint --image-path "$BATS_TEST_TMPDIR/img" cr2
	[ "$status" -eq 1 ]
	[ "$output" = "mydocker-runc: checkpoint and restore need CRIU, which is not installed (Debian: apt-get install criu)" ]
	run rt checkpoint --parent-path /abs --image-path "$BATS_TEST_TMPDIR/img" cr2
	[ "$status" -eq 1 ]
	[[ "$output" == *"--parent-path /abs must be relative"* ]]
	run rt checkpoint --manage-cgroups-mode odd --image-path "$BATS_TEST_TMPDIR/img" cr2
	[ "$status" -eq 1 ]
	[[ "$output" == *'invalid --manage-cgroups-mode "odd"'* ]]
	[ "$(status_of cr2)" = running ]
	# A restore from no checkpoint leaves no container, cgroup or state.
	run rt restore -d --bundle "$BUNDLE" --image-path "$BATS_TEST_TMPDIR/none" cr3
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"none: no such file or directory"* ]]
	run rt state cr3
	[[ "$output" == *"does not exist"* ]]
	[ ! -e "$RT_ROOT/cr3" ]
	# Where criu is installed but refuses this kernel, its own error line
	# says why, and the container runs on.
	if command -v criu >/dev/null && ! criu check >/dev/null 2>&1; then
		run rt checkpoint --image-path "$BATS_TEST_TMPDIR/img" cr2
		echo "$output"
		[ "$status" -eq 1 ]
		[[ "$output" == "mydocker-runc: criu dump failed: Error ("* ]]
		[ "$(status_of cr2)" = running ]
	fi
	if command -v criu >/dev/null; then
		rt features | jq -e '.annotations["org.opencontainers.runc.checkpoint.enabled"] == "true"'
	fi
	rt delete --force cr2
}

@test "final: oci: --preserve-fds passes descriptors to run and exec, \$LISTEN_FDS too; hidden --rootless and --criu are accepted" {
	echo first >"$BATS_TEST_TMPDIR/fd3"
	echo second >"$BATS_TEST_TMPDIR/fd4"
	config sh -c 'cat <&3; cat <&4; echo LISTEN_FDS=$LISTEN_FDS; ls /proc/self/fd | wc -l'
	run rt run --preserve-fds 2 --bundle "$BUNDLE" p1 3<"$BATS_TEST_TMPDIR/fd3" 4<"$BATS_TEST_TMPDIR/fd4"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = $'first\nsecond\nLISTEN_FDS=\n6' ] # 0-4, and ls's own
	# Socket activation: $LISTEN_PID names the runtime, which passes
	# $LISTEN_FDS's and says so to the program.
	run bash -c "export LISTEN_FDS=1 LISTEN_PID=\$\$; exec '$MYDOCKER_RUNC' --root '$RT_ROOT' run --preserve-fds 1 --bundle '$BUNDLE' p2" 3<"$BATS_TEST_TMPDIR/fd3" 4<"$BATS_TEST_TMPDIR/fd4"
	echo "$output"
	[ "$output" = $'first\nsecond\nLISTEN_FDS=1\n6' ]
	# A descriptor that is not open: one line.
	run rt run --preserve-fds 1 --bundle "$BUNDLE" p3 3<&-
	[ "$status" -ne 0 ]
	[ "$output" = "mydocker-runc: unable to stat preserved-fd 0 (of 1): bad file descriptor" ]
	config sleep 100
	rt --rootless false --criu /usr/sbin/criu run -d --bundle "$BUNDLE" p4
	run rt exec --preserve-fds 1 p4 sh -c 'cat <&3; ls /proc/self/fd | wc -l' 3<"$BATS_TEST_TMPDIR/fd3"
	[ "$output" = $'first\n5' ]
	run rt exec p4 sh -c 'ls /proc/self/fd | wc -l' 3<"$BATS_TEST_TMPDIR/fd3"
	[ "$output" = 4 ] # not passed without --preserve-fds
	run rt --rootless=true state p4
	[ "$status" -eq 0 ]
}

@test "final: oci: exec --cgroup runs the process in a sub-cgroup of the container's, which must exist" {
	config sleep 100
	rt run -d --bundle "$BUNDLE" g1
	local arg
	if cgroup_v2; then
		mkdir "$(dirname "$(cgroup_file g1 cgroup.procs)")/sub"
		arg=sub
	else
		mkdir "$(dirname "$(cgroup_file g1 pids.max)")/sub"
		arg=pids:sub
	fi
	run rt exec --cgroup "$arg" g1 cat /proc/self/cgroup
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/sub"* ]]
	# (teardown: delete removed the sub-cgroup with the container's)
	run rt exec --cgroup nosuch g1 true
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"exec --cgroup nosuch: adding pid to cgroup "*"/nosuch: no such file or directory"* ]]
	# A sub-cgroup is below the container's: none out of it, "/" is its own.
	run rt exec --cgroup ../other g1 true
	[ "$status" -ne 0 ]
	[[ "$output" == *"bad sub cgroup path"* ]]
	run rt exec --cgroup / g1 true
	[ "$status" -eq 0 ]
	run rt exec --cgroup a --cgroup b g1 true
	[[ "$output" == *"missing <controller>: prefix"* ]]
}

# refused TEXT: the create just tried failed as bad input does (exit 125,
# one line saying TEXT) and left no container (the root's @seccomp cache
# of compiled programs stays).
refused() {
	[ "$status" -eq 125 ]
	[ "$(echo "$output" | wc -l)" -eq 1 ]
	[[ "$output" == *"$1"* ]]
	[ -z "$(ls "$RT_ROOT" | grep -v '^@seccomp$')" ]
}

# mount JSON: adds a mount after the bundle's others.
mount() {
	sed -i "s#\"options\": \[\"rbind\", \"rw\"\]}#&, $1#" "$BUNDLE/config.json"
}

@test "final: oci: recursive mount options (rro, rnosuid, rrw...) reach every mount under a bind, as runc's" {
	# The host's /dev has /dev/shm and /dev/pts mounted under it.
	cat >"$BUNDLE/rootfs/check.sh" <<'SH'
touch /hostdev/shm/rro-test 2>&1
awk '$5 == "/hostdev/shm" || $5 == "/rw/shm" { print $5, $6 }' /proc/self/mountinfo
touch /rw/shm/.rrw-test && rm /rw/shm/.rrw-test && echo rrw ok
SH
	config sh /check.sh
	mount '{"destination": "/hostdev", "type": "bind", "source": "/dev", "options": ["rbind", "rro", "rnosuid", "rnoexec", "rnoatime"]}, {"destination": "/rw", "type": "bind", "source": "/dev", "options": ["rbind", "rro", "rrw", "rsuid", "rexec", "ratime"]}'
	run rt run --bundle "$BUNDLE" r1
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"Read-only file system"* ]]
	[[ "$output" == *"/hostdev/shm ro,nosuid,"*"noexec"*"noatime"* ]]
	[[ "$output" == *"/rw/shm rw,"* ]]
	[[ "$output" != *"/rw/shm "*"noatime"* ]]
	[ "${lines[-1]}" = "rrw ok" ]
}

@test "final: oci: a tmpfs with tmpcopyup holds a copy of the rootfs's directory: owners, modes, symlinks as symlinks; the rootfs is untouched" {
	seed=$BUNDLE/rootfs/opt/seed
	mkdir -p "$seed/sub" "$BUNDLE/rootfs/opt/ro"
	echo seed >"$seed/sub/f"
	echo kept >"$BUNDLE/rootfs/opt/ro/g"
	chown 1234:5678 "$seed/sub" && chmod 1711 "$seed/sub"
	chown 1000:1001 "$seed/sub/f" && chmod 2644 "$seed/sub/f"
	ln -s /etc/passwd "$seed/link" # copied as a link, never read
	mkfifo "$seed/fifo"
	cat >"$BUNDLE/rootfs/check.sh" <<'SH'
stat -c '%n %u:%g %a %F' /opt/seed/sub /opt/seed/sub/f /opt/seed/fifo
readlink /opt/seed/link
cat /opt/seed/sub/f /opt/ro/g
awk '$5 == "/opt/seed" || $5 == "/opt/ro" { print $5, $9, substr($6, 1, 2) }' /proc/self/mountinfo
echo new >/opt/seed/new && echo written
touch /opt/ro/new 2>&1 || true
SH
	config sh /check.sh
	mount '{"destination": "/opt/seed", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "nosuid", "mode=755"]}, {"destination": "/opt/ro", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "tmpcopyup"]}'
	run rt run --bundle "$BUNDLE" t1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/opt/seed/sub 1234:5678 1711 directory" ]
	[ "${lines[1]}" = "/opt/seed/sub/f 1000:1001 2644 regular file" ]
	[ "${lines[2]}" = "/opt/seed/fifo 0:0 644 fifo" ]
	[ "${lines[3]}" = /etc/passwd ]
	[ "${lines[4]}" = seed ]
	[ "${lines[5]}" = kept ]
	[ "${lines[6]}" = "/opt/seed tmpfs rw" ]
	[ "${lines[7]}" = "/opt/ro tmpfs ro" ]
	[ "${lines[8]}" = written ]
	[[ "${lines[9]}" == *"Read-only file system"* ]]
	[ ! -e "$seed/new" ] # the copy was written, not the rootfs
}

@test "final: oci: a bind with uidMappings and gidMappings is an idmapped mount: the host's owners seen through the mapping; refused in runc's words where it cannot be" {
	src=$BATS_TEST_TMPDIR/idsrc
	mkdir -p "$src/sub"
	touch "$src/mine" "$src/root" "$src/sub/deep"
	chown 1003:1004 "$src/mine" "$src/sub/deep"
	echo 'stat -c "%n %u:%g" /idm/mine /idm/root /idm/sub/deep /data/idsrc/mine' >"$BUNDLE/rootfs/check.sh"
	config sh /check.sh
	map='"uidMappings": [{"containerID": 1000, "hostID": 2000, "size": 10}], "gidMappings": [{"containerID": 1000, "hostID": 3000, "size": 10}]'
	mount "{\"destination\": \"/idm\", \"type\": \"bind\", \"source\": \"$src\", \"options\": [\"rbind\", \"ro\"], $map}"
	run rt run --bundle "$BUNDLE" i1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/idm/mine 2003:3004" ] # 1003 on disk, mapped
	[ "${lines[1]}" = "/idm/root $(cat /proc/sys/kernel/overflowuid):$(cat /proc/sys/kernel/overflowgid)" ] # 0: not in the map
	[ "${lines[2]}" = "/idm/sub/deep 2003:3004" ]
	[ "${lines[3]}" = "/data/idsrc/mine 1003:1004" ] # a plain bind of the same files
	# In a user namespace, "idmap" alone takes the container's mapping
	# (runc's rule): the host's owners are the container's own. The
	# mount is made by create, on the host: init there may not.
	mkdir -p "$BUNDLE/rootfs/idm" # the rootfs is not the container root's
	# The bundle must be reachable by the container's root, host uid 100000.
	d=$BUNDLE
	while [ "${#d}" -ge "${#BATS_RUN_TMPDIR}" ]; do chmod a+x "$d" && d=${d%/*}; done
	config sh /check.sh
	mount "{\"destination\": \"/idm\", \"type\": \"bind\", \"source\": \"$src\", \"options\": [\"rbind\", \"idmap\"]}"
	sed -i 's#"namespaces": \[#"uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}], "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}], &{"type": "user"}, #' "$BUNDLE/config.json"
	run rt run --bundle "$BUNDLE" i5
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/idm/mine 1003:1004" ]
	[ "${lines[1]}" = "/idm/root 0:0" ]
	# What cannot be, refused before anything is made (runc's words).
	config true
	mount "{\"destination\": \"/idm\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", $map}"
	try_create i2
	refused "id-mapped mounts are only supported for bind-mounts"
	config true
	mount "{\"destination\": \"/idm\", \"type\": \"bind\", \"source\": \"$src\", \"options\": [\"rbind\", \"ridmap\"]}"
	try_create i3
	refused "id-mapped mounts must have both uid and gid mappings specified"
	# procfs takes no idmapping: the kernel refuses it.
	config true
	mount "{\"destination\": \"/idm\", \"type\": \"bind\", \"source\": \"/proc/sys\", \"options\": [\"bind\"], $map}"
	try_create i4
	refused "maybe the filesystem used doesn't support idmap mounts"
	run rt features
	[[ "$output" == *'"idmap": {'*'"enabled": true'* ]]
	[[ "$output" == *'"ridmap"'* ]]
}

@test "final: oci: linux.seccomp.flags go to seccomp(2) with the filter, for run and exec; features lists them" {
	run rt features
	[[ "$output" == *'"knownFlags": ['*'"SECCOMP_FILTER_FLAG_SPEC_ALLOW"'* ]]
	[[ "$output" == *'"supportedFlags": ['*'"SECCOMP_FILTER_FLAG_LOG"'* ]]
	config sh -c 'mkdir /x 2>&1; grep Seccomp_filters /proc/self/status; sleep 10'
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"], "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
	rt run -d --bundle "$BUNDLE" s1 >"$BATS_TEST_TMPDIR/s1.out" 2>&1
	run rt exec s1 sh -c 'mkdir /y 2>&1; grep Seccomp_filters /proc/self/status'
	echo "$output"
	[[ "${lines[0]}" == *"Operation not permitted"* ]]
	[[ "${lines[1]}" == *"1" ]]
	rt kill s1 KILL
	for _ in $(seq 50); do [ "$(status_of s1)" = stopped ] && break; sleep 0.1; done
	cat "$BATS_TEST_TMPDIR/s1.out"
	[[ "$(cat "$BATS_TEST_TMPDIR/s1.out")" == *"Operation not permitted"*"Seccomp_filters:"*"1" ]]
	rt delete s1
	# A flag no kernel has is one line, 125.
	config true
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_NEW_LISTENER"]}'
	try_create s2
	refused 'linux.seccomp.flags: "SECCOMP_FILTER_FLAG_NEW_LISTENER"'
}

@test "final: oci: process.execCPUAffinity: final is the program's CPUs, for run and exec; without it, not the runtime's own (runc 1.3)" {
	[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
	all=$(awk '$1 == "Cpus_allowed_list:" { print $2 }' /proc/self/status)
	config sh -c 'grep Cpus_allowed_list /proc/self/status; sleep 10'
	process '"execCPUAffinity": {"initial": "0", "final": "1"}'
	rt run -d --bundle "$BUNDLE" a1 >"$BATS_TEST_TMPDIR/a1.out" 2>&1
	# exec takes the config's, unless its process has its own.
	run rt exec a1 grep Cpus_allowed_list /proc/self/status
	[ "$output" = "Cpus_allowed_list:	1" ]
	echo '{"args": ["grep", "Cpus_allowed_list", "/proc/self/status"], "cwd": "/", "execCPUAffinity": {"initial": "1", "final": "0-1"}}' >"$BATS_TEST_TMPDIR/p.json"
	run rt exec --process "$BATS_TEST_TMPDIR/p.json" a1
	[ "$output" = "Cpus_allowed_list:	0-1" ]
	# A caller's taskset does not reach the process (runc 1.3's reset).
	echo '{"args": ["grep", "Cpus_allowed_list", "/proc/self/status"], "cwd": "/", "execCPUAffinity": {"initial": "0"}}' >"$BATS_TEST_TMPDIR/p.json"
	run taskset -c 0 "$MYDOCKER_RUNC" --root "$RT_ROOT" exec --process "$BATS_TEST_TMPDIR/p.json" a1
	[ "$output" = "Cpus_allowed_list:	$all" ]
	[ "$(cat "$BATS_TEST_TMPDIR/a1.out")" = "Cpus_allowed_list:	1" ]
	rt delete --force a1
	config true
	process '"execCPUAffinity": {"initial": "0", "final": "3-1"}'
	try_create a2
	refused 'process.execCPUAffinity.final "3-1"'
}

@test "final: oci: a time namespace with linux.timeOffsets: the container's uptime is the host's plus the boottime offset, for run and exec" {
	[ -e /proc/self/ns/time ] || skip "no time namespaces in this kernel"
	# The program enters the namespace at its execve: Linux 6.0 on.
	[ "$(uname -r | cut -d. -f1)" -ge 6 ] || skip "Linux before 6.0: execve does not enter time_for_children"
	config sh -c 'cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time; sleep 10'
	sed -i 's#"namespaces": \[#"timeOffsets": {"boottime": {"secs": 864000}, "monotonic": {"secs": 3600, "nanosecs": 5}}, &{"type": "time"}, #' "$BUNDLE/config.json"
	host=$(cut -d. -f1 /proc/uptime)
	rt run -d --bundle "$BUNDLE" t1 >"$BATS_TEST_TMPDIR/t1.out" 2>&1
	run rt exec t1 sh -c 'cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" -ge $((host + 864000)) ]
	[ "${lines[0]}" -le $((host + 864000 + 30)) ]
	[ "${lines[1]}" != "$(readlink /proc/self/ns/time)" ]
	for _ in $(seq 30); do [ -s "$BATS_TEST_TMPDIR/t1.out" ] && break; sleep 0.1; done
	mapfile -t init <"$BATS_TEST_TMPDIR/t1.out"
	[ "${init[0]}" -ge $((host + 864000)) ]
	[ "${init[1]}" = "${lines[1]}" ]
	rt delete --force t1
	# Offsets with no time namespace to hold them are one line, 125.
	config true
	sed -i 's#"namespaces": \[#"timeOffsets": {"boottime": {"secs": 1}}, &#' "$BUNDLE/config.json"
	try_create t2
	refused "linux.timeOffsets: the config has no time namespace"
}

# block_device prints MAJ:MIN of the host's first block device, or
# nothing where there is none (the cgroup v2 VM's root is 9p and tmpfs).
block_device() {
	local d
	for d in /sys/block/*/dev; do [ -r "$d" ] && cat "$d" && return 0; done
	return 0
}

# bats test_tags=cgroups
@test "final: oci: linux.resources.blockIO: throttles written (blkio.throttle.* or io.max), a weight where the host keeps one, refused plainly where not" {
	dev=$(block_device)
	[ -n "$dev" ] || skip "no block device"
	maj=${dev%:*} min=${dev#*:}
	config sleep 100
	resources "\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 1048576}], \"throttleWriteIOPSDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 300}]}"
	try_create b1
	[ "$status" -eq 0 ]
	if f=$(cgroup_file b1 io.max); then
		grep -q "^$dev rbps=1048576 wbps=max riops=max wiops=300" "$f"
	else
		grep -qx "$dev 1048576" "$(cgroup_file b1 blkio.throttle.read_bps_device)"
		grep -qx "$dev 300" "$(cgroup_file b1 blkio.throttle.write_iops_device)"
	fi
	rt delete --force b1
	config true
	resources '"blockIO": {"weight": 500}'
	try_create b2
	if [ "$status" -eq 0 ]; then
		# blkio.weight or blkio.bfq.weight, io.bfq.weight: as given; io.weight: converted
		w=$(cat "$(cgroup_file b2 blkio.weight || cgroup_file b2 blkio.bfq.weight || cgroup_file b2 io.bfq.weight || cgroup_file b2 io.weight)")
		[[ "$w" == *500* || "$w" == *4950* ]]
		rt delete --force b2
	else
		refused "linux.resources.blockIO" # no weight file here
		[[ "$output" == *"weight"* ]]
	fi
	config true
	resources '"blockIO": {"weight": 5}'
	try_create b3
	refused "linux.resources.blockIO.weight 5: want 10 to 1000"
}

# bats test_tags=cgroups
@test "final: oci: linux.resources.rdma written into rdma.max where the controller exists, refused plainly where not" {
	config true
	resources '"rdma": {"mlx5_0": {"hcaHandles": 3, "hcaObjects": 1000}}'
	try_create r1
	if ! awk '$1 == "rdma" && $4 == 1 { found = 1 } END { exit !found }' /proc/cgroups; then
		refused "this host has no rdma cgroup controller"
	elif [ "$status" -eq 0 ]; then
		grep -q "^mlx5_0 hca_handle=3 hca_object=1000" "$(cgroup_file r1 rdma.max)"
		rt delete --force r1
	else
		# The controller, and no such device: the kernel's refusal.
		[ "$status" -eq 125 ]
		[[ "$output" == *"rdma.max"* ]]
	fi
	[ -z "$(ls "$RT_ROOT")" ]
}
