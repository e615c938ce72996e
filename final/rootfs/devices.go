package rootfs

import (
	"errors"
	"fmt"
	"os"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/mountfd"
)

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
