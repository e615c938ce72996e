#!/usr/bin/env bats
# final/: volumes as docker has them. -v /path and an image's VOLUME make
# anonymous volumes, kept with a container until rm -v (or --rm), and
# pruned once unused; a new volume starts with the image's files;
# --mount, --tmpfs, relative -v paths, volume prune.

load helpers

# volume_of NAME PATH: the volume mounted at PATH in container NAME.
volume_of() { md inspect -f "{{range .Mounts}}{{if eq .Destination \"$2\"}}{{.Name}}{{end}}{{end}}" "$1"; }

@test "final: volumes: -v /data is an anonymous volume: kept by rm, removed by rm -v and by --rm" {
	md run --name keeper --network none -v /data busybox sh -c 'echo kept > /data/f'
	vol=$(volume_of keeper /data)
	[[ "$vol" =~ ^[0-9a-f]{64}$ ]]
	[ "$(md volume ls -q)" = "$vol" ]
	[ "$(md volume inspect -f '{{json .Labels}}' "$vol")" = '{"com.docker.volume.anonymous":""}' ]
	[ "$(md inspect -f '{{range .Mounts}}{{.Type}} {{.Driver}} {{.RW}}{{end}}' keeper)" = "volume local true" ]
	# Started again, the container has the same volume and its data.
	md start keeper >/dev/null
	md wait keeper >/dev/null
	[ "$(volume_of keeper /data)" = "$vol" ]
	[ "$(cat "$MD_ROOT/volumes/$vol/_data/f")" = kept ]
	# rm keeps it, dangling, as docker's.
	md rm keeper >/dev/null
	[ "$(md volume ls -q -f dangling=true)" = "$vol" ]
	# rm -v removes the anonymous one and keeps the named one.
	md run --name both --network none -v /anon -v named:/named busybox true
	anon=$(volume_of both /anon)
	md rm -v both >/dev/null
	[ ! -e "$MD_ROOT/volumes/$anon" ]
	[ "$(md volume ls -q | sort | tr '\n' ' ')" = "$(printf '%s\n' "$vol" named | sort | tr '\n' ' ')" ]
	# --rm leaves none of its own.
	md run --rm --network none -v /scratch busybox true
	[ "$(md volume ls -q | wc -l)" -eq 2 ]
	md volume rm named "$vol" >/dev/null
}

@test "final: volumes: the image's VOLUME is a volume of the container, and a new volume starts with the image's files" {
	# An image whose /data has a file and is a VOLUME, as a database's.
	md run --name base --network none busybox sh -c 'mkdir -p /data/sub && echo seed > /data/sub/f && chown -R 1000:1000 /data && chmod 0750 /data && ln -s sub/f /data/link'
	md commit -c 'VOLUME /data' base withvol >/dev/null
	md rm base >/dev/null
	[ "$(md inspect -f '{{json .Config.Volumes}}' withvol)" = '{"/data":{}}' ]
	run md run --name db --network none withvol sh -c 'cat /data/sub/f /data/link; stat -c "%u:%g %a" /data; echo more > /data/g'
	echo "$output"
	[ "$output" = "$(printf 'seed\nseed\n1000:1000 750')" ]
	vol=$(volume_of db /data)
	[[ "$vol" =~ ^[0-9a-f]{64}$ ]]
	# What the container wrote is in the volume, not its layer.
	[ "$(cat "$MD_ROOT/volumes/$vol/_data/g")" = more ]
	# A named volume that is new and empty is filled too; one with data
	# is not; nocopy leaves it empty.
	[ "$(md run --rm --network none -v fresh:/data withvol cat /data/sub/f)" = seed ]
	md run --rm --network none -v fresh:/data withvol sh -c 'rm -r /data/*; echo mine > /data/mine'
	[ "$(md run --rm --network none -v fresh:/data withvol ls /data)" = mine ]
	[ -z "$(md run --rm --network none -v other:/data:nocopy withvol ls /data)" ]
	# -v on the VOLUME's path takes its place: no anonymous one.
	md run --name bound --network none -v "$BATS_TEST_TMPDIR:/data" withvol true
	[ -z "$(volume_of bound /data)" ]
	md rm -v db bound >/dev/null
	md volume rm fresh other >/dev/null
	[ -z "$(md volume ls -q)" ]
}

@test "final: volumes: the image's files are copied inside its root: a symlink out of it copies nothing of the host's" {
	md run --name base --network none busybox sh -c 'mkdir /data && ln -s /etc/shadow /data/shadow && ln -s ../../../../../../etc /data/up'
	md commit -c 'VOLUME ["/data"]' base evil >/dev/null
	md rm base >/dev/null
	md run --name victim --network none evil true
	vol=$(volume_of victim /data)
	# The links are copied as links, and nothing they point to.
	[ -L "$MD_ROOT/volumes/$vol/_data/shadow" ]
	[ "$(readlink "$MD_ROOT/volumes/$vol/_data/up")" = ../../../../../../etc ]
	[ -z "$(find "$MD_ROOT/volumes/$vol/_data" -type f)" ]
	md rm -v victim >/dev/null
}

@test "final: volumes: --mount bind, volume and tmpfs, --tmpfs, and a relative -v" {
	mkdir "$BATS_TEST_TMPDIR/host"
	echo hostfile >"$BATS_TEST_TMPDIR/host/f"
	run md run --rm --network none --mount "type=bind,source=$BATS_TEST_TMPDIR/host,target=/h,readonly" busybox sh -c 'cat /h/f; touch /h/x'
	echo "$output"
	[ "${lines[0]}" = hostfile ]
	[[ "$output" == *"Read-only file system"* ]]
	md run --rm --network none --mount type=volume,source=mv,target=/v busybox sh -c 'echo in > /v/f'
	[ "$(md run --rm --network none --mount source=mv,target=/v busybox cat /v/f)" = in ]
	run md run --rm --network none --tmpfs /run:size=1m --mount type=tmpfs,target=/scratch,tmpfs-size=2m busybox sh -c 'grep -E " /(run|scratch) tmpfs " /proc/mounts'
	echo "$output"
	[[ "${lines[0]}" == "tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k"* ]]
	[[ "${lines[1]}" == "tmpfs /scratch tmpfs rw,nosuid,nodev,noexec,relatime,size=2048k"* ]]
	# -v ./dir is from where we run, as docker 23 on.
	(cd "$BATS_TEST_TMPDIR" && md run --rm --network none -v ./host:/rel busybox cat /rel/f) >"$BATS_TEST_TMPDIR/out"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = hostfile ]
	# Bad mounts: one line, 125, nothing made.
	for bad in "--mount type=bind,source=/nonexistent-$$,target=/x" "--mount type=floppy,target=/x" "--mount source=v" \
		"--tmpfs relative" "-v /a -v /a" "--mount type=volume,source=/abs,target=/x" "-v a:b:c:d"; do
		run --separate-stderr md run --rm --network none $bad busybox true
		echo "$bad: $status $stderr"
		[ "$status" -eq 125 ]
		[ "$(wc -l <<<"$stderr")" -eq 1 ]
	done
	[ -z "$(md ps -aq)" ]
	md volume rm mv >/dev/null
	[ -z "$(md volume ls -q)" ]
}

@test "final: volumes: volume prune removes unused anonymous volumes, -a the named ones too, and asks first" {
	md run --name user --network none -v used:/u -v /anon-used busybox true
	md run --rm --network none -v idle:/i busybox true
	md run --name gone --network none -v /anon-idle busybox sh -c 'echo 12345 > /anon-idle/f'
	idle_anon=$(volume_of gone /anon-idle)
	md rm gone >/dev/null
	# Without -f it asks, and anything but y keeps everything.
	run md volume prune <<<"n"
	[[ "$output" == *"Are you sure you want to continue? [y/N]"* ]]
	[ "$(md volume ls -q | wc -l)" -eq 4 ]
	run md volume prune -f
	echo "$output"
	[ "$output" = "$(printf 'Deleted Volumes:\n%s\n\nTotal reclaimed space: 6B' "$idle_anon")" ]
	run md volume prune -a -f
	[ "${lines[1]}" = idle ]
	[ "$(md volume ls -q | wc -l)" -eq 2 ] # what user holds
	md rm -v user >/dev/null
	md volume rm used >/dev/null
	[ -z "$(md volume ls -q)" ]
}
