#!/usr/bin/env bats
# final/: secure by default. Every check is made from inside a container,
# as an attacker would try it, and is harmless to the host by
# construction: files are opened for append and nothing is written, nodes
# are made in the container's own /tmp, a mount that would succeed is of a
# tmpfs inside the container. Runs on this host and in the cgroup v2 VM.

load helpers

# docker's 14 default capabilities, as /proc/PID/status shows a mask.
DEFAULT_CAPS=00000000a80425fb

# caps_in ARGS...: the capability, seccomp and no_new_privs lines of
# /proc/self/status in a container run with ARGS.
caps_in() { md run --rm --network none "$@" busybox grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|Seccomp|NoNewPrivs):' /proc/self/status; }

@test "final: security: docker's 14 capabilities, seccomp and no_new_privs, by default and in exec" {
	run caps_in
	echo "$output"
	[[ "$output" == *"CapInh:	0000000000000000"* ]]
	[[ "$output" == *"CapPrm:	$DEFAULT_CAPS"* ]]
	[[ "$output" == *"CapEff:	$DEFAULT_CAPS"* ]]
	[[ "$output" == *"CapBnd:	$DEFAULT_CAPS"* ]]
	[[ "$output" == *"CapAmb:	0000000000000000"* ]]
	[[ "$output" == *"Seccomp:	2"* ]]
	[[ "$output" == *"NoNewPrivs:	1"* ]]
	md run -d --name box --network none busybox sleep 1000 >/dev/null
	run md exec box grep -E '^(CapEff|CapBnd|Seccomp|NoNewPrivs):' /proc/self/status
	[[ "$output" == *"CapEff:	$DEFAULT_CAPS"* ]]
	[[ "$output" == *"CapBnd:	$DEFAULT_CAPS"* ]]
	[[ "$output" == *"Seccomp:	2"* ]]
	[[ "$output" == *"NoNewPrivs:	1"* ]]
	# An unprivileged user keeps them in the bounding set only.
	run caps_in -u 1000
	[[ "$output" == *"CapEff:	0000000000000000"* ]]
	[[ "$output" == *"CapPrm:	0000000000000000"* ]]
	[[ "$output" == *"CapBnd:	$DEFAULT_CAPS"* ]]
	run md exec -u 1000 box grep CapEff /proc/self/status
	[ "$output" = "CapEff:	0000000000000000" ]
}

@test "final: security: what root inside would try is refused: user namespaces, mount, modules, the kernel log" {
	for cmd in 'unshare -U true' 'mount -t tmpfs none /tmp' 'dmesg'; do
		run md run --rm --network none busybox $cmd
		echo "$cmd: $status $output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"ermission denied"* || "$output" == *"not permitted"* ]]
	done
	# A module file that is there: init_module itself is what is refused.
	run md run --rm --network none busybox sh -c 'head -c 4096 /dev/zero > /tmp/m.ko; insmod /tmp/m.ko'
	[ "$status" -ne 0 ]
	[[ "$output" == *"not permitted"* ]]
	md run -d --name box --network none busybox sleep 1000 >/dev/null
	run md exec box unshare -U true
	[ "$status" -ne 0 ]
	[[ "$output" == *"not permitted"* ]]
	run md exec box mount -t tmpfs none /tmp
	[ "$status" -ne 0 ]
}

# bats test_tags=cgroups
@test "final: security: masked paths are empty, read-only paths and /sys and the cgroup fs refuse writes" {
	script='for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/latency_stats /proc/acpi /proc/scsi /sys/firmware /sys/devices/virtual/powercap; do
		[ -e "$p" ] || continue
		if [ -d "$p" ]; then echo "$p $(ls -A "$p" | wc -l)"; else echo "$p $(head -c 64 "$p" | wc -c)"; fi
	done
	for p in /proc/sys/kernel/core_pattern /proc/sys/vm/swappiness /proc/sysrq-trigger /sys/kernel/mm/transparent_hugepage/enabled; do
		[ -e "$p" ] || continue
		( : >> "$p" ) 2>/dev/null && echo "WRITABLE $p"
	done
	mkdir /sys/fs/cgroup/x 2>/dev/null && echo "WRITABLE cgroup"
	for d in /sys/fs/cgroup/*/; do mkdir "$d/x" 2>/dev/null && echo "WRITABLE $d"; done
	touch /sys/x 2>/dev/null && echo "WRITABLE sys"
	mount | grep " /proc " | grep -q nosuid,nodev,noexec && echo proc-flags
	cat /proc/self/cgroup'
	run md run --rm --network none busybox sh -c "$script"
	echo "$output"
	[[ "$output" != *WRITABLE* ]]
	[[ "$output" == *proc-flags* ]]
	# Every masked path that exists on the host shows nothing inside.
	for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/acpi /proc/scsi /sys/firmware; do
		[ -e "$p" ] || continue
		echo "$output" | grep -x "$p 0"
	done
	# A cgroup namespace of its own: its cgroup is its root.
	echo "$output" | grep -E '^[0-9]+:' | while read -r line; do [[ "$line" == *":/" ]]; done
}

# bats test_tags=cgroups
@test "final: security: only the usual devices: a block device made with mknod cannot be opened" {
	run md run --rm --network none busybox sh -c 'mknod /tmp/blk b 7 0 && echo made; head -c 1 /tmp/blk; mknod /tmp/mem c 1 1; head -c 1 /tmp/mem; echo x > /dev/null && echo null-ok'
	echo "$output"
	[[ "$output" == *made* ]]
	[[ "$output" == *"/tmp/blk: Operation not permitted"* ]]
	[[ "$output" == *"/tmp/mem: Operation not permitted"* ]]
	[[ "$output" == *null-ok* ]]
}

@test "final: security: nothing of ours leaks in: descriptors, the working directory, the environment" {
	run bash -c '"$@" 7</dev/null 8>/dev/null' _ "$MYDOCKER" "${MD_GLOBAL[@]}" run --rm --network none busybox sh -c 'echo $(ls /proc/self/fd); readlink /proc/1/cwd; env | sort | cut -d= -f1 | tr "\n" " "'
	[ "${lines[0]}" = "0 1 2 3" ]
	[ "${lines[1]}" = / ]
	[ "${lines[2]}" = "HOME HOSTNAME PATH PWD SHLVL " ]
}

# bats test_tags=cgroups
@test "final: security: --privileged, --cap-add, --cap-drop and --security-opt change exactly what they say" {
	ours=$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)
	run caps_in --privileged
	[[ "$output" == *"CapEff:	$ours"* ]]
	[[ "$output" == *"Seccomp:	0"* ]]
	run md run --rm --network none --privileged busybox sh -c 'mount | grep " /sys " | grep -q "(rw" && echo sys-rw; [ $(ls /dev | wc -l) -gt 20 ] && echo host-devices; mount -t tmpfs none /tmp && echo mounted'
	echo "$output"
	[[ "$output" == *sys-rw*host-devices*mounted* ]]
	# NET_ADMIN is bit 12, CHOWN bit 0.
	run caps_in --cap-add NET_ADMIN --cap-drop chown
	[[ "$output" == *"CapEff:	00000000a80435fa"* ]]
	[[ "$output" == *"Seccomp:	2"* ]]
	run md run --rm --network none --cap-drop CHOWN busybox chown 1000 /tmp
	[ "$status" -ne 0 ]
	run caps_in --cap-drop ALL --cap-add CAP_KILL
	[[ "$output" == *"CapEff:	0000000000000020"* ]]
	run caps_in --security-opt seccomp=unconfined
	[[ "$output" == *"Seccomp:	0"* ]]
	[[ "$output" == *"CapEff:	$DEFAULT_CAPS"* ]]
	[[ "$output" == *"NoNewPrivs:	1"* ]]
	run caps_in --security-opt no-new-privileges=false
	[[ "$output" == *"NoNewPrivs:	0"* ]]
	[[ "$output" == *"Seccomp:	2"* ]]
	# A profile of one's own: everything allowed but mkdir.
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}' >"$BATS_TEST_TMPDIR/p.json"
	run md run --rm --network none --security-opt seccomp="$BATS_TEST_TMPDIR/p.json" busybox sh -c 'mkdir /tmp/d || echo refused; touch /tmp/f && echo touched'
	[[ "$output" == *refused*touched* ]]
	md run -d --name box --network none busybox sleep 1000 >/dev/null
	run md exec --privileged box grep -E '^(CapEff|Seccomp):' /proc/self/status
	[[ "$output" == *"CapEff:	$ours"* ]]
	[[ "$output" == *"Seccomp:	0"* ]]
	for args in "--cap-add NOPE" "--cap-drop CAP_FLY" "--security-opt seccomp=/nonexistent.json" "--security-opt apparmor=x"; do
		run --separate-stderr md run --rm $args busybox true
		echo "$args: $status $stderr"
		[ "$status" -eq 125 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
	done
	[ -z "$(md ps -a -q | grep -v "$(md inspect -f '{{.Id}}' box | cut -c1-12)")" ] # nothing half-made
}

@test "final: security: mydocker's own binary cannot be reached through /proc/PID/exe of what exec puts in a container" {
	# CVE-2019-5736: a process inside watches for a process of ours and
	# tries to open its executable; exec's processes are non-dumpable
	# until they are the command, so /proc/PID/exe is refused.
	md run -d --name box --network none busybox sh -c 'while :; do for p in /proc/[0-9]*; do e=$(readlink $p/exe 2>/dev/null) || continue; case "$e" in *mydocker*|*memfd*) echo "SAW $e"; (exec 3<>$p/exe) 2>/dev/null && echo OPENED;; esac; done; done' >/dev/null
	for ((i = 0; i < 40; i++)); do md exec box true; done
	run md logs box
	echo "$output"
	[[ "$output" != *OPENED* ]]
	[[ "$output" != *SAW* ]]
	# With CAP_SYS_PTRACE too: every exec'd process runs from a read-only
	# bind of the binary (oci.SealedExe, whose unit test writes to it).
	md run -d --name tracer --network none --cap-add SYS_PTRACE busybox sleep 1000 >/dev/null
	run md exec tracer sh -c 'readlink /proc/self/exe; echo ok'
	[ "${lines[-1]}" = ok ]
	run md exec tracer true
	[ "$status" -eq 0 ]
}

# --- issue 20, items 2 and 3: cp to the host, and whiteouts that name no file.

@test "final: security: cp out of a container is a plain copy: no whiteout, device, set-uid bit or symlink followed reaches the host" {
	dest=$BATS_TEST_TMPDIR/dest
	mkdir -p "$dest/data"
	echo host >"$dest/keep.txt"
	echo host too >"$dest/data/keep.txt"
	echo outside >"$BATS_TEST_TMPDIR/outside"
	ln -s "$BATS_TEST_TMPDIR/outside" "$dest/data/w"
	passwd=$(sha256sum </etc/passwd)
	md run -d --name box --network none busybox sleep 1000 >/dev/null
	# The container's /data: whiteout names (.wh... is ".." of DEST/data,
	# that is DEST), a set-uid root file, a device node, a FIFO, a
	# symlink to the host's /etc/passwd, and a file where the host has a
	# symlink out of DEST.
	md exec box sh -c 'mkdir /data && cd /data && touch .wh... .wh.keep.txt .wh..wh..opq &&
		echo "#!/bin/sh" >suid && chmod 6755 suid && mknod null c 1 3 && mkfifo fifo &&
		ln -s /etc/passwd l && echo pwned >w'
	run --separate-stderr md cp box:/data "$dest"
	echo "$status $output $stderr"
	# What the host keeps, first.
	[ "$(cat "$dest/keep.txt")" = host ]
	[ "$(cat "$dest/data/keep.txt")" = "host too" ]
	[ "$(cat "$BATS_TEST_TMPDIR/outside")" = outside ]
	[ "$(sha256sum </etc/passwd)" = "$passwd" ]
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"null is a character device: not copied"* ]]
	[ -f "$dest/data/.wh..." ] && [ -f "$dest/data/.wh.keep.txt" ] && [ -f "$dest/data/.wh..wh..opq" ]
	[ ! -e "$dest/data/null" ] && [ ! -e "$dest/data/fifo" ]
	[ -z "$(find "$dest" -type c -o -type b -o -type p -o -perm /6000)" ]
	[ "$(stat -c %a "$dest/data/suid")" = 755 ]
	[ "$(readlink "$dest/data/l")" = /etc/passwd ]
	[ -f "$dest/data/w" ] && [ ! -L "$dest/data/w" ] && [ "$(cat "$dest/data/w")" = pwned ]
	# A FIFO as the source is refused at once, not opened.
	run --separate-stderr timeout 20 "$MYDOCKER" "${MD_GLOBAL[@]}" cp box:/data/fifo "$BATS_TEST_TMPDIR/fifo"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"is a FIFO"* ]]
	# Into the container, a FIFO at the destination is replaced, not
	# written into (cp would hang there).
	echo from-host >"$BATS_TEST_TMPDIR/fifo"
	run timeout 20 "$MYDOCKER" "${MD_GLOBAL[@]}" cp "$BATS_TEST_TMPDIR/fifo" box:/data/fifo
	[ "$status" -eq 0 ]
	[ "$(md exec box cat /data/fifo)" = from-host ]
}

@test "final: security: a layer whose whiteout names no file (.wh.., .wh..., dir/.wh..) is refused and the store stays usable" {
	for name in .wh.. .wh... dir/.wh.. dir/.wh...; do
		src=$BATS_TEST_TMPDIR/src
		rm -rf "$src" && mkdir -p "$src/dir" && echo x >"$src/dir/file"
		touch "$src/$name"
		tar -C "$src" -cf "$BATS_TEST_TMPDIR/bad.tar" .
		run --separate-stderr md import "$BATS_TEST_TMPDIR/bad.tar" bad
		echo "$name: $status $stderr"
		[ "$status" -eq 125 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ "$stderr" == *"whiteout \"$name\" names no file"* ]]
		[ -d "$MD_ROOT/tmp" ] && [ -z "$(ls -A "$MD_ROOT/tmp")" ]
	done
	[ "$(md images -q | wc -l)" -eq 1 ]
	md import "$BUSYBOX_TAR" again:1 >/dev/null
	run md run --rm --network none again:1 echo works
	[ "$output" = works ]
}

# --- issue 20, volumes: bound by init in the container's mount namespace,
# never by path in the host's (CVE-2021-30465's shape). The race of a
# container swapping a shared volume's directories for symlinks to the
# host is ch4-volumes.bats's, which runs against final/ too.

@test "final: security: volumes, named or not, never show in the host's mount table; a named one in use still cannot be removed" {
	host=$BATS_TEST_TMPDIR/host
	mkdir -p "$host"
	md run -d --name vols --network none -v "$host:/data" -v appdata:/named -v "$host:/ro:ro" busybox \
		sh -c 'echo x > /named/f; echo y > /data/g; exec sleep 1000' >/dev/null
	for i in $(seq 50); do [ -e "$host/g" ] && [ -e "$MD_ROOT/volumes/appdata/_data/f" ] && break; sleep 0.1; done
	# stdout and stderr are two streams: which one reaches us first is
	# the scheduler's choice, so they are read apart.
	run --separate-stderr md exec vols sh -c "grep -c -E ' /(data|named|ro) ' /proc/self/mountinfo; touch /ro/h"
	echo "$output"
	echo "$stderr"
	[ "$output" = 3 ]
	[[ "$stderr" == *"Read-only file system"* ]]
	[ -z "$(awk -v d="$MD_ROOT" 'index($5, d) == 1 && $5 ~ /\/(data|named|ro)$/' /proc/self/mountinfo)" ]
	[ -z "$(grep -F -e " $host " -e "/volumes/appdata/_data " /proc/self/mountinfo)" ]
	run --separate-stderr md volume rm appdata
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"in use by container vols"* ]]
	md rm -f vols >/dev/null
	md volume rm appdata >/dev/null
	[ "$(cat "$host/g")" = y ]
}

# --- Rootfs paths are opened, not named (issue 20, item 4): the image
# plays the attacker with symlinks where mydocker binds its /etc files.

@test "final: security: an image's /etc files that are symlinks to host paths are bound inside its root" {
	local decoy=$BATS_TEST_TMPDIR/decoy img=$BATS_TEST_TMPDIR/img
	mkdir -p "$decoy/dir" "$img"
	echo keep >"$decoy/hostname"
	tar -xf "$BUSYBOX_TAR" -C "$img"
	mkdir -p "$img/etc"
	rm -f "$img/etc/hostname" "$img/etc/hosts" "$img/etc/resolv.conf"
	ln -s "$decoy/hostname" "$img/etc/hostname"          # a host file
	ln -s "$decoy/dir" "$img/etc/hosts"                   # a host directory
	ln -s ../run/systemd/stub.conf "$img/etc/resolv.conf" # dangling, as ubuntu's
	tar -C "$img" -cf - . | md import - linked >/dev/null
	run md run --rm --network none --hostname inside linked sh -c 'cat /etc/hostname; grep -q localhost /etc/hosts && echo hosts; ls /run/systemd/stub.conf'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = inside ]
	[ "${lines[1]}" = hosts ]
	[ "$(cat "$decoy/hostname")" = keep ]
	[ -z "$(ls -A "$decoy/dir")" ]
	run ! grep -F " $decoy" /proc/self/mountinfo
}

# A volume's target is the image's path too (issue 22): opened inside the
# root (package mountfd), as a bundle's mount destinations are.
@test "final: security: -v onto an image's symlink out of its root binds inside it, and onto a symlink to / is refused" {
	local decoy=$BATS_TEST_TMPDIR/decoy img=$BATS_TEST_TMPDIR/img host=$BATS_TEST_TMPDIR/host
	mkdir -p "$decoy" "$img" "$host"
	echo inside >"$host/marker"
	tar -xf "$BUSYBOX_TAR" -C "$img"
	ln -s "$decoy" "$img/vol"          # a host directory, absolute
	ln -s "../../../../../..$decoy" "$img/rel" # the same, climbing out
	ln -s / "$img/slash"
	tar -C "$img" -cf - . | md import - linked >/dev/null
	run md run --rm --network none -v "$host:/vol" -v "$host:/rel:ro" linked sh -c "cat /vol/marker /rel/marker; ls -d $decoy"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = inside ]
	[ "${lines[1]}" = inside ]
	[ "${lines[2]}" = "$decoy" ] # made inside the root, where the links lead
	[ -z "$(ls -A "$decoy")" ]
	run ! grep -F " $decoy" /proc/self/mountinfo
	# Over the container's root the volume would be all it runs.
	run --separate-stderr md run --rm --network none -v "$host:/slash" linked true
	echo "$stderr"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"/slash: is the container's root"* ]]
	[ "$(ls -A "$host")" = marker ]
}

# --- issue 20, items 1 and 8: the image's environment, exec -u.

# LOADER_SAYS are what the host's dynamic loader prints when it honours an
# LD_PRELOAD of /nonexistent.so or LD_DEBUG: busybox is static, so inside
# the container nothing reads them, and any of these comes from a host
# process of ours.
LOADER_SAYS='cannot be preloaded|calling init|find library='

@test "final: security: an image's environment is its command's only: no host process of ours takes it, run or exec" {
	md import -c 'ENV LD_PRELOAD=/nonexistent.so' -c 'ENV LD_DEBUG=libs' -c 'ENV _MYDOCKER_NSENTER_CWD=/tmp' \
		"$BUSYBOX_TAR" ld:1 >/dev/null
	run --separate-stderr md run --rm --network none ld:1 sh -c 'echo "$LD_PRELOAD $LD_DEBUG"'
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "/nonexistent.so libs" ]
	[ -z "$(grep -E "$LOADER_SAYS" <<<"$stderr")" ]
	# exec: the environment the container was created with, not what its
	# PID 1 made of /proc/1/environ; and the image's variables do not steer
	# where exec's command starts.
	md run -d --name box --network none ld:1 sh -c 'exec env LD_DEBUG=all FOO=changed sleep 1000' >/dev/null
	run --separate-stderr md exec box sh -c 'echo "${FOO:-unset} $LD_PRELOAD $LD_DEBUG"; pwd'
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "unset /nonexistent.so libs" ]
	[ "${lines[1]}" = / ]
	[ -z "$(grep -E "$LOADER_SAYS" <<<"$stderr")" ]
}

@test "final: security: exec -u finds users in the container's own /etc only: no host file through a symlink, no hang on a FIFO" {
	host=$BATS_TEST_TMPDIR/host-passwd
	echo 'hostonly:x:4242:4242::/hostonly:/bin/sh' >"$host"
	md run -d --name box --network none busybox sleep 1000 >/dev/null
	# The container's root makes /etc/passwd an absolute symlink to a host
	# path, which does not exist inside.
	md exec box sh -c "rm /etc/passwd && ln -s $host /etc/passwd"
	run --separate-stderr timeout 20 "$MYDOCKER" "${MD_GLOBAL[@]}" exec -u hostonly box id -u
	echo "$output $stderr"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"unable to find user hostonly"* ]]
	md exec box sh -c 'rm /etc/passwd && mkfifo /etc/passwd'
	run --separate-stderr timeout 20 "$MYDOCKER" "${MD_GLOBAL[@]}" exec -u hostonly box id -u
	echo "$output $stderr"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"/etc/passwd is not a regular file"* ]]
	# The same for /etc/group.
	md exec box sh -c "rm /etc/passwd && echo 'app:x:1000:1000::/:/bin/sh' >/etc/passwd && mkfifo /tmp/group && rm /etc/group && ln -s /tmp/group /etc/group"
	run --separate-stderr timeout 20 "$MYDOCKER" "${MD_GLOBAL[@]}" exec -u app box id -u
	echo "$output $stderr"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"/etc/group is not a regular file"* ]]
}
