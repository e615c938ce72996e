#!/usr/bin/env bash
# sudo scripts/vm-run.sh [--mem SIZE] [--timeout SECONDS] [--modules "NAME..."] DIR -- COMMAND...
#
# Exits with COMMAND's status; 124 when the VM timed out, 75 when its
# kernel locked up (try again), 125 when it stopped for another reason.
# Boots a throwaway qemu VM whose only cgroup hierarchy is cgroup v2 and
# runs COMMAND in it (with bash, in the current directory when it is under
# DIR), prints its output and exits with its status. It is how a cgroup v1
# or hybrid machine tests what most users run.
#
# Inside the VM: Debian's kernel, booted straight into its uncompressed
# vmlinux (the fast PVH entry); the host's /usr and /etc read-only with a
# writable tmpfs layer on top; DIR read-write at its own path; everything
# else a tmpfs. --modules names kernel modules to load first (veth,
# bridge...). Nothing is kept but the cache of the kernel (.cache/vm).
#   sudo scripts/vm-run.sh "$PWD" -- cat /proc/mounts
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage="usage: $0 [--mem SIZE] [--timeout SECONDS] [--modules \"NAME...\"] DIR -- COMMAND..."
mem=2G timeout=1200 modules=""
while [ $# -gt 0 ]; do
	case "$1" in
	--mem) mem=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--modules) modules=$2; shift 2 ;;
	--) shift; break ;;
	-*) die "$usage" ;;
	*) [ -z "${dir:-}" ] || die "$usage"; dir=$(cd "$1" && pwd); shift ;;
	esac
done
[ -n "${dir:-}" ] && [ $# -gt 0 ] || die "$usage"

require_root
ensure_tools qemu-system-x86_64 xz busybox
cache=${MYDOCKER_VM_CACHE:-$REPO/.cache/vm}
busybox=$(static_busybox)

# The modules the first stage needs to reach the host's files: virtio PCI
# and the 9p filesystem over it, and overlay for the writable layers.
early_modules="virtio_pci 9pnet_virtio 9p overlay"

# fetch_kernel puts Debian's kernel in the cache, once: the image, its
# modules with a modules.dep (the package ships none) and the vmlinux.
fetch_kernel() {
	[ -f "$cache/kver" ] && [ -f "$cache/vmlinux" ] && return 0
	command -v apt-get >/dev/null || die "the cgroup v2 VM uses Debian's kernel package, which needs apt-get; run the cgroup tests on a cgroup v2 host instead"
	local pkg deb offset
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$pkg" ]; then
		apt-get update -qq >&2
		pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	fi
	[ -n "$pkg" ] || die "no Debian kernel package found (apt-cache depends linux-image-amd64)"
	say "fetching the VM's kernel ($pkg), once"
	rm -rf "$cache" && mkdir -p "$cache"
	(cd "$cache" && apt-get download -q "$pkg" 2>&1 | grep -v unsandboxed >&2 || true)
	deb=$(ls "$cache"/linux-image-*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || die "could not download $pkg"
	dpkg -x "$deb" "$cache/root" && rm -f "$deb"
	ls "$cache/root/lib/modules" >"$cache/kver.tmp"
	"$busybox" depmod -b "$cache/root" "$(cat "$cache/kver.tmp")"
	# vmlinuz is a decompressor with an xz stream inside: the bare ELF
	# vmlinux boots through PVH, seconds faster under emulation.
	offset=$(LC_ALL=C grep -a -b -o -P '\xfd7zXZ\x00' "$cache/root/boot/vmlinuz-"* | head -n 1 | cut -d: -f1)
	{ tail -c +$((offset + 1)) "$cache/root/boot/vmlinuz-"* || true; } | xz -dc --single-stream >"$cache/vmlinux"
	mv "$cache/kver.tmp" "$cache/kver"
}

# module_order NAME...: the .ko paths to insmod, dependencies first, so
# that no slow modprobe runs under emulation.
module_order() {
	local dep="$cache/root/lib/modules/$kver/modules.dep"
	awk -v want="$*" '
		{ sub(":", "", $1); path[modname($1)] = $1; deps[modname($1)] = substr($0, index($0, " ") + 1) }
		function modname(p) { sub(".*/", "", p); sub("\\.ko.*", "", p); gsub("-", "_", p); return p }
		function visit(m,   n, i, ds) {
			if (m in seen) return
			seen[m] = 1
			if (!(m in path)) return
			# libcrc32c asks for crc32c through a slow modprobe unless it is there.
			if (m == "libcrc32c") visit("crc32c_generic")
			n = split(deps[m], ds, " ")
			for (i = n; i >= 1; i--) if (ds[i] != "" && ds[i] != path[m]) visit(modname(ds[i]))
			print path[m]
		}
		END { n = split(want, ws, " "); for (i = 1; i <= n; i++) { w = ws[i]; gsub("-", "_", w); visit(w) } }
	' "$dep"
}

# build_initramfs: busybox, the early modules and the first stage's /init.
build_initramfs() {
	local tmp=$1 m
	mkdir -p "$tmp/bin" "$tmp/modules" "$tmp/proc" "$tmp/sys" "$tmp/dev"
	cp "$busybox" "$tmp/bin/busybox"
	for m in $(module_order $early_modules); do
		cp "$cache/root/lib/modules/$kver/$m" "$tmp/modules/"
		basename "$m" >>"$tmp/modules/order"
	done
	cat >"$tmp/init" <<'INIT'
#!/bin/busybox sh
# Stage 1: reach the host's files over 9p, build a tmpfs root from them,
# and switch to it (pivot_root does not work from the initramfs, which is
# why the container runtimes under test need this real root).
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules/order); do insmod "/modules/$m" || echo "stage 1: insmod $m failed"; done
p9='trans=virtio,version=9p2000.L,msize=262144'
mkdir -p /host /ctl /newroot
mount -t 9p -o "$p9,ro,cache=loose" hostroot /host
mount -t 9p -o "$p9" ctl /ctl
. /ctl/conf
mount -t tmpfs -o mode=755 root /newroot
cd /newroot
mkdir -p usr etc proc sys dev tmp run root var/tmp var/lib .layers .host ctl
chmod 1777 tmp var/tmp
for d in usr etc; do
	mkdir -p ".layers/$d" ".layers/$d.work"
	mount -t overlay overlay -o "lowerdir=/host/$d,upperdir=.layers/$d,workdir=.layers/$d.work" "$d"
done
# The host's top-level links (merged /usr) or directories, as they are.
for d in bin sbin lib lib32 lib64 libx32; do
	if [ -L "/host/$d" ]; then ln -s "$(readlink "/host/$d")" "$d"
	elif [ -d "/host/$d" ]; then mkdir "$d" && mount --bind "/host/$d" "$d"
	fi
done
mkdir -p "usr/lib/modules/$KVER" "./$DIR"
mount --bind "/host$CACHE/root/lib/modules/$KVER" "usr/lib/modules/$KVER"
mount -t 9p -o "$p9" dir "./$DIR"
# The kernel loads modules on demand with /sbin/modprobe: busybox's reads
# the modules.dep made for it.
cp /bin/busybox .busybox
rm -f usr/sbin/modprobe && ln -s /.busybox usr/sbin/modprobe
mount -o move /ctl ctl
mount -o move /host .host
umount /proc /sys /dev
exec switch_root /newroot /ctl/stage2
INIT
	chmod +x "$tmp/init"
	(cd "$tmp" && find . | "$busybox" cpio -o -H newc 2>/dev/null | gzip -1) >"$2"
}

# The second stage, in the real root: the usual mounts, cgroup v2 alone
# with every controller handed down, then the command.
stage2() {
	cat <<'STAGE2'
#!/bin/sh
. /ctl/conf
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/go/bin
export HOME=/root TERM=dumb LANG=C.UTF-8
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm /dev/mqueue
# What udev would add: bash's <(...) needs /dev/fd.
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs shm /dev/shm
mount -t mqueue mqueue /dev/mqueue
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
# As systemd does: every mount shared, so that propagation is tested here.
mount --make-rshared /
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
	echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control
done
# Loopback up, as on any host (CRI streams exec through 127.0.0.1).
{ /usr/sbin/ip link set lo up || /sbin/ip link set lo up || /.busybox ip link set lo up; } 2>/dev/null || echo "vm: lo stays down" >&2
for m in $MODULES; do /.busybox modprobe "$m" || echo "vm: modprobe $m failed" >&2; done
stty -F /dev/ttyS1 raw -echo
cd "$WORKDIR"
bash /ctl/cmd >/dev/ttyS1 2>&1 </dev/null
echo $? >/ctl/status
sync
/.busybox poweroff -f
STAGE2
}

fetch_kernel
kver=$(cat "$cache/kver")
if [ ! -f "$cache/initramfs.gz" ] || [ "$0" -nt "$cache/initramfs.gz" ]; then
	tmp=$(mktemp -d)
	build_initramfs "$tmp" "$cache/initramfs.gz.tmp"
	rm -rf "$tmp"
	mv "$cache/initramfs.gz.tmp" "$cache/initramfs.gz"
fi

ctl=$(mktemp -d /tmp/mydocker-vm.XXXXXX)
trap '[ -n "${MYDOCKER_VM_KEEP:-}" ] && echo "vm-run: kept $ctl" >&2 || rm -rf "$ctl"' EXIT
workdir=$PWD
case "$workdir/" in "$dir"/*) ;; *) workdir=$dir ;; esac
{
	printf 'KVER=%q\nCACHE=%q\nDIR=%q\nWORKDIR=%q\nMODULES=%q\n' "$kver" "$cache" "$dir" "$workdir" "$modules"
} >"$ctl/conf"
stage2 >"$ctl/stage2" && chmod +x "$ctl/stage2"
printf '%q ' "$@" >"$ctl/cmd"
: >"$ctl/output"

# qemu under TCG (this machine's KVM cannot run a stock kernel; a machine
# with VT-x or AMD-V gets KVM). Two serial ports: the kernel's console
# goes to a log, the command's output to its own file.
accel=tcg,thread=multi cpu=qemu64
if [ -w /dev/kvm ] && grep -qE 'vmx|svm' /proc/cpuinfo; then accel=kvm cpu=host; fi
status=0
tail -n +1 -f "$ctl/output" &
tailpid=$!
# The guest kernel sometimes locks up under emulation (a "soft lockup" of
# every vCPU, seen about once in ten runs): stop at once then, with the
# status 75 (EX_TEMPFAIL), rather than wait out the timeout.
(
	while sleep 5; do
		if grep -q -e 'soft lockup' -e 'Kernel panic' "$ctl/console.log" 2>/dev/null; then
			touch "$ctl/locked-up"
			pkill -f -- "-chardev file,id=console,path=$ctl/console.log" || true
			exit
		fi
	done
) &
watchpid=$!
timeout -k 10 "$timeout" qemu-system-x86_64 -M pc -accel "$accel" -cpu "$cpu" -smp 2 -m "$mem" \
	-nodefaults -display none -no-reboot \
	-kernel "$cache/vmlinux" -initrd "$cache/initramfs.gz" \
	-append "console=ttyS0 loglevel=5 panic=-1 cgroup_no_v1=all mitigations=off i8042.noaux i8042.nokbd i8042.nopnp no_timer_check tsc=reliable" \
	-chardev file,id=console,path="$ctl/console.log" -serial chardev:console \
	-chardev file,id=output,path="$ctl/output" -serial chardev:output \
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
	-fsdev local,id=dir,path="$dir",security_model=none -device virtio-9p-pci,fsdev=dir,mount_tag=dir \
	-fsdev local,id=ctl,path="$ctl",security_model=none -device virtio-9p-pci,fsdev=ctl,mount_tag=ctl \
	-nic none </dev/null || status=$?
sleep 0.2
kill "$tailpid" "$watchpid" 2>/dev/null || true
wait "$tailpid" "$watchpid" 2>/dev/null || true
[ -n "${MYDOCKER_VM_CONSOLE:-}" ] && cp "$ctl/console.log" "$MYDOCKER_VM_CONSOLE"

if [ -s "$ctl/status" ]; then
	exit "$(cat "$ctl/status")"
fi
if [ -e "$ctl/locked-up" ]; then
	echo "vm-run: the VM's kernel locked up; its console:" >&2
	grep -m 1 -A 30 -e 'soft lockup' -e 'Kernel panic' "$ctl/console.log" >&2
	exit 75
fi
if [ "$status" = 124 ]; then
	echo "vm-run: the VM did not finish in $timeout s" >&2
else
	echo "vm-run: the VM stopped before the command finished (qemu status $status); its console:" >&2
	tail -n 30 "$ctl/console.log" >&2
fi
exit 125
