#!/usr/bin/env bash
# sudo scripts/busybox-image.sh [--root DIR] [--from busybox|docker|FILE.tar] [--out FILE]
#
# Makes the busybox image that chapter 4 runs: a tar of a root filesystem,
# installed as DIR/images/busybox.tar (DIR defaults to /var/lib/mydocker,
# mydocker's --root), or written to FILE with --out. Where it comes from:
#   busybox   the host's static busybox, with a link for every applet and a
#             minimal /etc (installs the busybox-static package if needed);
#   docker    "docker export" of the busybox image, as the book does, when
#             a Docker engine runs and already has that image (nothing is
#             pulled);
#   FILE.tar  a root filesystem tar you made.
# Without --from: docker when it can, else busybox.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

root=/var/lib/mydocker from="" out=""
while [ $# -gt 0 ]; do
	case "$1" in
	--root) root=$2; shift 2 ;;
	--from) from=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	*) die "usage: $0 [--root DIR] [--from busybox|docker|FILE.tar] [--out FILE]" ;;
	esac
done
[ -n "$out" ] || out="$root/images/busybox.tar"

docker_has_busybox() {
	command -v docker >/dev/null 2>&1 && docker image inspect busybox >/dev/null 2>&1
}

# from_busybox TAR: a root filesystem around the host's static busybox.
from_busybox() {
	local tar=$1 rootfs applet
	ensure_tools busybox
	rootfs=$(mktemp -d)
	chmod 755 "$rootfs"
	mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,dev,proc,sys,tmp,root,home,var/tmp}
	chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
	chmod 700 "$rootfs/root"
	cp "$(static_busybox)" "$rootfs/bin/busybox"
	for applet in $("$rootfs/bin/busybox" --list-full); do
		[ -e "$rootfs/$applet" ] || ln -s /bin/busybox "$rootfs/$applet"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$rootfs/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
	echo mydocker >"$rootfs/etc/hostname"
	tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$tar" .
	rm -rf "$rootfs"
}

# Only root may look into the state root (mydocker makes it 0700 too).
(umask 077 && mkdir -p "$(dirname "$out")")
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
case "$from" in
"")
	if docker_has_busybox; then from=docker; else from=busybox; fi ;;
esac
case "$from" in
busybox) from_busybox "$tmp" ;;
docker)
	docker_has_busybox || die "no Docker engine with the busybox image here (nothing is pulled): use --from busybox"
	id=$(docker create busybox true)
	docker export "$id" -o "$tmp"
	docker rm "$id" >/dev/null ;;
*)
	[ -f "$from" ] || die "no such tar: $from"
	tar -tf "$from" >/dev/null || die "$from is not a tar file"
	cp "$from" "$tmp" ;;
esac
mv "$tmp" "$out"
say "busybox image ($from): $out"
