package container

import (
	"errors"
	"fmt"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/overlay"
)

// volumeMounts are the volumes (-v, a host path or a named volume's
// directory) as spec bind mounts, for oci.Rootfs to make in the
// container's mount namespace, as docker hands them to runc: recursive,
// private, read-only with "ro". Bound by path in the host's namespace, as
// mydocker did, a symlink that a running container swaps into a shared
// volume between the resolution and the mount sent the bind onto any host
// directory (CVE-2021-30465's shape); made in the container's namespace,
// inside its root, a bind never reaches the host's mount table.
func volumeMounts(vols []overlay.Volume) []specs.Mount {
	var mounts []specs.Mount
	for _, v := range vols {
		opts := []string{"rbind", "rprivate"}
		if v.ReadOnly {
			opts = append(opts, "ro")
		}
		mounts = append(mounts, specs.Mount{Destination: v.Container, Type: "bind", Source: v.Host, Options: opts})
	}
	return mounts
}

// readOnlyToTheBottom makes every :ro volume read-only with the mounts
// inside it, as docker 25 does where the kernel can (mount_setattr(2),
// Linux 5.12): "ro" remounts the top of a bind alone, and a disk mounted
// below the host directory would stay writable. The volume is opened
// inside the root and must be the host directory's bind (same inode), so
// nothing else is changed.
func readOnlyToTheBottom(root string, vols []overlay.Volume) error {
	for _, v := range vols {
		if !v.ReadOnly {
			continue
		}
		if err := readOnlyVolume(root, v); err != nil {
			return fmt.Errorf("make volume %s read-only: %w", v, err)
		}
	}
	return nil
}

func readOnlyVolume(root string, v overlay.Volume) error {
	h, err := pathrs.OpenInRoot(root, v.Container)
	if err != nil {
		return err
	}
	defer h.Close()
	var host, got unix.Stat_t
	if err := unix.Stat(v.Host, &host); err != nil {
		return err
	}
	if err := unix.Fstat(int(h.Fd()), &got); err != nil {
		return err
	}
	if host.Dev != got.Dev || host.Ino != got.Ino {
		return fmt.Errorf("%s is not the volume's bind any more", v.Container)
	}
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}
	err = unix.MountSetattr(int(h.Fd()), "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, &attr)
	if errors.Is(err, unix.ENOSYS) {
		return errors.New("this kernel lacks mount_setattr (Linux 5.12), which :ro needs to cover the mounts inside the volume")
	}
	return err
}
