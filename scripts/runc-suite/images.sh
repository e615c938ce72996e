# shellcheck shell=bash
# The two root filesystems runc's integration tests unpack (helpers.bash's
# setup_busybox and setup_debian), made from what this machine has: the
# tests would download docker-library's busybox and Debian's buster-slim,
# and there is no network here but the Go module proxy and Debian's
# mirrors. Sourced by scripts/runc-suite.sh, after lib.sh.

# busybox_rootfs OUT: the repo's busybox image (BUSYBOX_TAR when given,
# else scripts/busybox-image.sh's static busybox), with docker-library's
# /etc/passwd and /etc/group: the tests use its tty group (5, devpts'
# gid), users (100) and nogroup (65534).
busybox_rootfs() {
	local out=$1 dir src=${BUSYBOX_TAR:-}
	dir=$(mktemp -d)
	if [ -z "$src" ]; then
		src="$dir.tar"
		"$REPO/scripts/busybox-image.sh" --from busybox --out "$src" >&2
	fi
	mkdir -p "$dir/rootfs"
	tar -C "$dir/rootfs" -xf "$src"
	[ -n "${BUSYBOX_TAR:-}" ] || rm -f "$src"
	# The applets are hard links to busybox, as in docker-library's image,
	# not the absolute symlinks (/bin/busybox) of ours: the tests chmod
	# them from the host (start_hello.bats: chmod go-x rootfs/bin/echo),
	# and a symlink would take that to the host's own /bin/busybox.
	local link
	while IFS= read -r link; do
		[ "$(readlink "$link")" = /bin/busybox ] && ln -f "$dir/rootfs/bin/busybox" "$link"
	done < <(find "$dir/rootfs" -type l)
	[ -z "$(find "$dir/rootfs" -type l -lname '/*')" ] || die "the busybox rootfs keeps an absolute symlink: the tests would reach the host through it"
	cat >"$dir/rootfs/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		daemon:x:1:1:daemon:/usr/sbin:/bin/false
		bin:x:2:2:bin:/bin:/bin/false
		sys:x:3:3:sys:/dev:/bin/false
		sync:x:4:100:sync:/bin:/bin/sync
		mail:x:8:8:mail:/var/spool/mail:/bin/false
		www-data:x:33:33:www-data:/var/www:/bin/false
		operator:x:37:37:Operator:/var:/bin/false
		nobody:x:65534:65534:nobody:/home:/bin/false
	EOF
	cat >"$dir/rootfs/etc/group" <<-'EOF'
		root:x:0:
		daemon:x:1:
		bin:x:2:
		sys:x:3:
		adm:x:4:
		tty:x:5:
		disk:x:6:
		lp:x:7:
		mail:x:8:
		kmem:x:9:
		wheel:x:10:root
		cdrom:x:11:
		dialout:x:18:
		floppy:x:19:
		video:x:28:
		audio:x:29:
		tape:x:32:
		www-data:x:33:
		operator:x:37:
		utmp:x:43:
		staff:x:50:
		users:x:100:
		nogroup:x:65534:
	EOF
	tar --numeric-owner -C "$dir/rootfs" -cf "$out" .
	rm -rf "$dir"
}

# The commands the tests run in the Debian container (idmap, ioprio,
# scheduler, mounts_propagation, mounts_recursive, hooks_so), and a shell's
# worth around them.
DEBIAN_COMMANDS="bash dash cat chrt cp cut echo env false findmnt grep head id
ionice ldconfig ln ls mkdir mount mv ps readlink rm sed sleep stat tail
touch true umount uname"

# debian_rootfs OUT: a Debian-like root filesystem from this (Debian)
# host's own binaries and the libraries they load, in Debian's merged-/usr
# layout: the commands above, not the whole of buster-slim.
debian_rootfs() {
	local out=$1 dir cmd bin lib
	dir=$(mktemp -d)
	chmod 755 "$dir"
	mkdir -p "$dir"/{usr/bin,usr/sbin,usr/lib,usr/lib64,etc,dev,proc,sys,tmp,root,run,var/tmp,home}
	chmod 1777 "$dir/tmp" "$dir/var/tmp"
	chmod 700 "$dir/root"
	ln -s usr/bin "$dir/bin" && ln -s usr/sbin "$dir/sbin"
	ln -s usr/lib "$dir/lib" && ln -s usr/lib64 "$dir/lib64"
	for cmd in $DEBIAN_COMMANDS; do
		bin=$(type -P "$cmd") || die "the Debian-like rootfs needs $cmd on this host"
		debian_copy "$dir" "$bin"
		# What the binary loads, as ldd prints it: "lib => /path (addr)"
		# or "/lib64/ld-linux-x86-64.so.2 (addr)".
		for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
			debian_copy "$dir" "$lib"
		done
	done
	ln -sf dash "$dir/usr/bin/sh"
	echo "/usr/lib/$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)" >"$dir/etc/ld.so.conf"
	printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$dir/etc/passwd"
	printf 'root:x:0:\ntty:x:5:\nusers:x:100:\nnogroup:x:65534:\n' >"$dir/etc/group"
	cp /etc/debian_version "$dir/etc/" 2>/dev/null || true
	"$dir/usr/sbin/ldconfig" -r "$dir" 2>/dev/null || true
	tar --numeric-owner --owner=0 --group=0 -C "$dir" -cf "$out" .
	rm -rf "$dir"
}

# debian_copy ROOTFS FILE: FILE (its target, when a link) at the path it
# has once its directory's links are resolved, which with the rootfs's
# bin, sbin, lib and lib64 links is where the binaries look for it.
debian_copy() {
	local dir=$1 file=$2 at
	at="$(realpath "$(dirname "$file")")/$(basename "$file")"
	[ -e "$dir$at" ] && return 0
	mkdir -p "$dir$(dirname "$at")"
	cp -L "$file" "$dir$at"
}
