package rootfs

import (
	"fmt"
	"os"
	"strings"

	"github.com/moby/sys/mountinfo"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/mountfd"
)

// Rootfs is a container's root filesystem as its init makes it, before
// the pivot: the part that mydocker run's containers (package initproc
// hands in mydocker's mounts as a spec's) and a bundle's (package oci)
// share.
type Rootfs struct {
	Path string
	// Propagation of the whole mount tree first (MS_PRIVATE|MS_REC, or a
	// bundle's rootfsPropagation).
	Propagation uintptr
	Mounts      []specs.Mount
	// Devices are made beside the default ones, unless /dev is a bind.
	Devices []specs.LinuxDevice
	UserNS  bool
	// Prepared are the detached mounts the caller made for some of
	// Mounts (by index): idmapped binds (idmap.go), attached as they are.
	Prepared map[int]*os.File
}

// SetUp makes the root filesystem: propagation, the root a mount of its
// own, the mounts in their order, the devices.
func (r Rootfs) SetUp() error {
	if err := prepareRootfs(r.Path, r.Propagation); err != nil {
		return err
	}
	// Opened once bound onto itself: the descriptor is the root's mount,
	// and every path below is looked up from it, never by name.
	root, err := mountfd.OpenRoot(r.Path)
	if err != nil {
		return err
	}
	defer root.Close()
	if err := mountAll(root, r.Mounts, r.Prepared); err != nil {
		return err
	}
	if devBound(r.Mounts) {
		return nil
	}
	return makeDevices(root, r.Devices, r.UserNS)
}

// PivotRoot moves into the root filesystem made by SetUp (see pivotRoot).
func PivotRoot(rootfs string) error { return pivotRoot(rootfs, false) }

// MoveRoot moves into the root filesystem made by SetUp without
// pivot_root (--no-pivot; see pivotRoot).
func MoveRoot(rootfs string) error { return pivotRoot(rootfs, true) }

// prepareRootfs makes the rootfs a mount point of its own in our mount
// namespace, with the propagation asked for, ready for the bundle's
// mounts. pivot_root(2) needs the new root and its parent mount to be
// other than shared: the parent is made private, the root is bound.
func prepareRootfs(rootfs string, prop uintptr) error {
	// The whole tree first: with "shared" from the host (systemd), any
	// mount below would show on the host.
	flag := prop
	if LaterPropagation(prop) {
		// Made so after the pivot: "/" shared would show our mounts on the
		// host, unbindable would refuse the binds to come.
		flag = unix.MS_SLAVE | unix.MS_REC
	}
	if err := unix.Mount("", "/", "", flag, ""); err != nil {
		return fmt.Errorf("set the propagation of /: %w", err)
	}
	if err := makeParentPrivate(rootfs); err != nil {
		return err
	}
	if err := unix.Mount(rootfs, rootfs, "bind", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("bind the rootfs %s onto itself: %w", rootfs, err)
	}
	return nil
}

// LaterPropagation reports whether the propagation of "/" is set after
// the pivot (by the caller, once in the new root).
func LaterPropagation(prop uintptr) bool { return prop&(unix.MS_SHARED|unix.MS_UNBINDABLE) != 0 }

// makeParentPrivate makes the mount that holds dir private, if shared.
func makeParentPrivate(dir string) error {
	infos, err := mountinfo.GetMounts(mountinfo.ParentsFilter(dir))
	if err != nil {
		return fmt.Errorf("find the mount of %s: %w", dir, err)
	}
	best := "/"
	shared := false
	for _, info := range infos {
		if len(info.Mountpoint) >= len(best) {
			best = info.Mountpoint
			shared = strings.Contains(info.Optional, "shared:")
		}
	}
	if !shared {
		return nil
	}
	if err := unix.Mount("", best, "", unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make %s private: %w", best, err)
	}
	return nil
}

// pivotRoot makes rootfs the root of the mount namespace and lets go of
// the old one: pivot_root(".", ".") stacks the old root on the new one,
// and unmounting "." then removes it (no directory left in the image).
// With noPivot (--no-pivot: for a rootfs on a ramfs, where pivot_root is
// refused), the rootfs is moved onto "/" and chroot'ed into, which does
// not hide the old root as well.
func pivotRoot(rootfs string, noPivot bool) error {
	if err := unix.Chdir(rootfs); err != nil {
		return fmt.Errorf("chdir to the rootfs: %w", err)
	}
	if noPivot {
		if err := unix.Mount(rootfs, "/", "", unix.MS_MOVE, ""); err != nil {
			return fmt.Errorf("move the rootfs to /: %w", err)
		}
		if err := unix.Chroot("."); err != nil {
			return fmt.Errorf("chroot: %w", err)
		}
		return unix.Chdir("/")
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	// The old root is over us now; it must not take our mounts with it.
	if err := unix.Mount("", ".", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("make the old root a slave: %w", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("unmount the old root: %w", err)
	}
	return unix.Chdir("/")
}

// devBound reports whether /dev is a bind of another directory (the
// host's /dev, say): then its nodes are that directory's.
func devBound(mounts []specs.Mount) bool {
	for _, m := range mounts {
		if m.Destination == "/dev" {
			p, _ := parseOptions(m.Options)
			return isBind(m, p)
		}
	}
	return false
}
