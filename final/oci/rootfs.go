package oci

import (
	"errors"
	"fmt"
	"os"
	"strings"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"github.com/moby/sys/mountinfo"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/mountfd"
	"github.com/mydocker/mydocker/final/security"
)

// Rootfs is a container's root filesystem as its init makes it, before
// the pivot: the part that mydocker run's containers and a bundle's share
// (container/init.go hands in mydocker's mounts as a spec's).
type Rootfs struct {
	Path string
	// Propagation of the whole mount tree first (MS_PRIVATE|MS_REC, or a
	// bundle's rootfsPropagation).
	Propagation uintptr
	Mounts      []specs.Mount
	// Devices are made beside the default ones, unless /dev is a bind.
	Devices []specs.LinuxDevice
	UserNS  bool
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
	if err := mountAll(root, r.Mounts); err != nil {
		return err
	}
	if devBound(r.Mounts) {
		return nil
	}
	return makeDevices(root, r.Devices, r.UserNS)
}

// PivotRoot moves into the root filesystem made by SetUp (see pivotRoot).
func PivotRoot(rootfs string) error { return pivotRoot(rootfs, false) }

// rootfsPropagation is the propagation of "/" in the container's mount
// namespace: linux.rootfsPropagation, or rslave as runc's default (the
// host's later mounts reach the container; none of its reach the host).
func rootfsPropagation(s *specs.Spec) (uintptr, error) {
	p := s.Linux.RootfsPropagation
	if p == "" {
		return unix.MS_SLAVE | unix.MS_REC, nil
	}
	flag, ok := propagationFlags[p]
	if !ok {
		return 0, fmt.Errorf("config.json: linux.rootfsPropagation %q is not a propagation", p)
	}
	return flag, nil
}

// prepareRootfs makes the rootfs a mount point of its own in our mount
// namespace, with the propagation asked for, ready for the bundle's
// mounts. pivot_root(2) needs the new root and its parent mount to be
// other than shared: the parent is made private, the root is bound.
func prepareRootfs(rootfs string, prop uintptr) error {
	// The whole tree first: with "shared" from the host (systemd), any
	// mount below would show on the host.
	flag := prop
	if laterPropagation(prop) {
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

// laterPropagation reports whether the propagation of "/" is set after
// the pivot.
func laterPropagation(prop uintptr) bool { return prop&(unix.MS_SHARED|unix.MS_UNBINDABLE) != 0 }

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

// defaultDevices are the nodes every container's /dev holds (the spec's
// config-linux.md#default-devices), made unless /dev is bound from
// elsewhere.
var defaultDevices = []specs.LinuxDevice{
	{Path: "/dev/null", Type: "c", Major: 1, Minor: 3},
	{Path: "/dev/zero", Type: "c", Major: 1, Minor: 5},
	{Path: "/dev/full", Type: "c", Major: 1, Minor: 7},
	{Path: "/dev/random", Type: "c", Major: 1, Minor: 8},
	{Path: "/dev/urandom", Type: "c", Major: 1, Minor: 9},
	{Path: "/dev/tty", Type: "c", Major: 5, Minor: 0},
}

// makeDevices makes the default devices and linux.devices in the rootfs,
// and the links the spec names (config-linux.md#dev-symbolic-links), with
// /dev/ptmx to the container's own devpts. In a user namespace the kernel refuses mknod:
// the host's node is bound instead.
func makeDevices(root *os.File, devices []specs.LinuxDevice, inUserNS bool) error {
	all := append(append([]specs.LinuxDevice{}, defaultDevices...), devices...)
	for _, d := range all {
		if err := makeDevice(root, d, inUserNS); err != nil {
			return fmt.Errorf("make device %s: %w", d.Path, err)
		}
	}
	return makeDevLinks(root)
}

// makeDevLinks makes /dev/fd, /dev/std{in,out,err} and /dev/ptmx, by
// symlinkat in the opened /dev.
func makeDevLinks(root *os.File) error {
	dev, err := pathrs.MkdirAllHandle(root, "/dev", 0o755)
	if err != nil {
		return fmt.Errorf("open /dev: %w", err)
	}
	defer dev.Close()
	links := [][2]string{
		{"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"},
		{"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
	}
	if ptmx, err := pathrs.OpenatInRoot(root, "/dev/pts/ptmx"); err == nil {
		ptmx.Close()
		links = append(links, [2]string{"pts/ptmx", "ptmx"})
		_ = unix.Unlinkat(int(dev.Fd()), "ptmx", 0)
	}
	for _, l := range links {
		if err := unix.Symlinkat(l[0], int(dev.Fd()), l[1]); err != nil && !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("symlink /dev/%s: %w", l[1], err)
		}
	}
	return nil
}

// makeDevice makes one node, by name in its opened directory (mknodat),
// where a node, a file or a symlink of the image's of that name is
// replaced; the node made is opened and checked before it is given its
// owner. In a user namespace the host's node is bound onto a file made
// there.
func makeDevice(root *os.File, d specs.LinuxDevice, inUserNS bool) error {
	kind, err := deviceKind(d.Type)
	if err != nil {
		return err
	}
	dir, name, err := mountfd.OpenParent(root, d.Path)
	if err != nil {
		return err
	}
	defer dir.Close()
	if inUserNS {
		return bindDevice(d.Path, dir, name)
	}
	mode := uint32(0o666)
	if d.FileMode != nil {
		mode = uint32(*d.FileMode) & 0o7777
	}
	rdev := unix.Mkdev(uint32(d.Major), uint32(d.Minor))
	if err := unix.Unlinkat(int(dir.Fd()), name, 0); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("remove what is there: %w", err)
	}
	// The mode exactly (mknod's goes through the umask): init is one
	// thread of work, and the umask is given back.
	old := unix.Umask(0)
	err = unix.Mknodat(int(dir.Fd()), name, kind|mode, int(rdev))
	unix.Umask(old)
	if err != nil {
		return err
	}
	node, err := mountfd.OpenNoFollow(dir, name)
	if err != nil {
		return err
	}
	defer node.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(node.Fd()), &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != kind || (kind != unix.S_IFIFO && st.Rdev != rdev) {
		return errors.New("the node was replaced while it was made")
	}
	uid, gid := 0, 0
	if d.UID != nil {
		uid = int(*d.UID)
	}
	if d.GID != nil {
		gid = int(*d.GID)
	}
	return unix.Fchownat(int(node.Fd()), "", uid, gid, unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW)
}

// deviceKind is the file type of a spec device type.
func deviceKind(t string) (uint32, error) {
	switch t {
	case "c", "u":
		return unix.S_IFCHR, nil
	case "b":
		return unix.S_IFBLK, nil
	case "p":
		return unix.S_IFIFO, nil
	}
	return 0, fmt.Errorf("type %q is not a device type (c, b, u, p)", t)
}

// bindDevice binds the host's node (the config's path, the host's) onto
// an empty file made by name in the opened directory dir.
func bindDevice(host string, dir *os.File, name string) error {
	// O_EXCL: what is there already is never opened (a FIFO would hang
	// us), only checked below.
	fd, err := unix.Openat(int(dir.Fd()), name, unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_RDONLY|unix.O_CLOEXEC, 0o644)
	if err == nil {
		unix.Close(fd)
	} else if !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("make %s: %w", name, err)
	}
	target, err := mountfd.OpenNoFollow(dir, name)
	if err != nil {
		return err
	}
	defer target.Close()
	if err := mountfd.CheckKind(target, mountfd.File); err != nil {
		return err
	}
	return mountfd.BindOnto(host, target, 0)
}

// maskAndProtect applies linux.maskedPaths and linux.readonlyPaths, with
// the library mydocker run uses (security.MaskPaths, MakeReadonly): each
// path opened in the new root, masked and made read-only through its
// descriptor.
func maskAndProtect(s *specs.Spec) error {
	if err := security.MaskPaths(s.Linux.MaskedPaths); err != nil {
		return err
	}
	return security.MakeReadonly(s.Linux.ReadonlyPaths)
}
