package overlay

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// Volume is one -v HOST:CONTAINER[:ro]: a host directory bind-mounted into
// the container, whose data outlives it (book 4.3).
type Volume struct {
	Host      string // absolute path on the host
	Container string // absolute path inside the container
	ReadOnly  bool
}

func (v Volume) String() string { return v.Host + ":" + v.Container }

// ParseVolume parses HOST:CONTAINER[:ro|:rw]. Both paths must be absolute,
// and the container path may not be "/" itself.
func ParseVolume(spec string) (Volume, error) {
	bad := func(why string) (Volume, error) {
		return Volume{}, fmt.Errorf("invalid volume %q: %s (want /host/dir:/container/dir[:ro])", spec, why)
	}
	parts := strings.Split(spec, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return bad("want two or three parts separated by ':'")
	}
	v := Volume{Host: parts[0], Container: parts[1]}
	if len(parts) == 3 {
		switch parts[2] {
		case "ro":
			v.ReadOnly = true
		case "rw":
		default:
			return bad(fmt.Sprintf("unknown option %q", parts[2]))
		}
	}
	if v.Host == "" || v.Container == "" {
		return bad("a side is empty")
	}
	if !filepath.IsAbs(v.Host) || !filepath.IsAbs(v.Container) {
		return bad("both paths must be absolute")
	}
	v.Host, v.Container = filepath.Clean(v.Host), filepath.Clean(v.Container)
	if v.Container == "/" {
		return bad("cannot mount over the container's root")
	}
	return v, nil
}

// CreateHostDirs creates the host directories of the volumes that do not
// exist yet, as docker does. It runs on the host, before the container
// starts: these paths are the caller's, not the container's.
func CreateHostDirs(vols []Volume) error {
	for _, v := range vols {
		_, err := os.Stat(v.Host)
		if errors.Is(err, fs.ErrNotExist) {
			err = os.MkdirAll(v.Host, 0o755)
		}
		if err != nil {
			return fmt.Errorf("volume %s: %w", v, err)
		}
	}
	return nil
}

// MountVolumes binds each volume into the container's root filesystem,
// root. It runs in init, in the container's mount namespace, once "/" is
// private and before pivot_root: the host's mount table never holds a
// volume, and whatever the container does to its own files cannot move a
// bind made there onto the host. Bound by path in the host's namespace, a
// symlink that a running container swaps into a shared volume between the
// resolution and the mount sent the bind onto any host directory
// (CVE-2021-30465's shape). Here every mount point is opened inside root
// and the bind goes onto that descriptor, never onto a path.
func MountVolumes(root string, vols []Volume) error {
	dir, err := os.OpenFile(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open the container's root: %w", err)
	}
	defer dir.Close()
	for _, v := range vols {
		if err := mountVolume(dir, v); err != nil {
			return fmt.Errorf("mount volume %s: %w", v, err)
		}
	}
	return nil
}

// mountVolume binds v.Host on its mount point in root. The bind is made
// detached (open_tree(2), with the mounts inside the host directory),
// made read-only there for :ro, and only then attached (move_mount(2)) on
// the descriptor of the mount point: no path is resolved after the check,
// and a :ro volume is never writable in the container, not even briefly.
// Its copies of the host's mounts are private: "/" was made so (MS_REC).
func mountVolume(root *os.File, v Volume) error {
	tree, err := unix.OpenTree(unix.AT_FDCWD, v.Host, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_RECURSIVE)
	if err != nil {
		return fmt.Errorf("bind %s: %w", v.Host, err)
	}
	defer unix.Close(tree)
	var st unix.Stat_t
	if err := unix.Fstat(tree, &st); err != nil {
		return fmt.Errorf("stat %s: %w", v.Host, err)
	}
	if v.ReadOnly {
		if err := makeReadOnly(tree, v.Host); err != nil {
			return err
		}
	}
	target, err := openMountPoint(root, v.Container, st.Mode&unix.S_IFMT == unix.S_IFDIR)
	if err != nil {
		return err
	}
	defer target.Close()
	err = unix.MoveMount(tree, "", int(target.Fd()), "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH)
	if err != nil {
		return fmt.Errorf("bind %s on %s: %w", v.Host, v.Container, err)
	}
	return nil
}

// makeReadOnly makes the detached bind tree read-only, with every mount
// inside it: a remount with MS_RDONLY changes the top mount alone, and a
// disk mounted below the host directory would stay writable.
// mount_setattr(2) with AT_RECURSIVE changes the whole tree (Linux 5.12).
func makeReadOnly(tree int, host string) error {
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}
	err := unix.MountSetattr(tree, "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, &attr)
	if errors.Is(err, unix.ENOSYS) {
		return fmt.Errorf("make %s read-only: this kernel lacks mount_setattr (Linux 5.12), which :ro needs to cover the mounts inside the volume", host)
	}
	if err != nil {
		return fmt.Errorf("make %s read-only: %w", host, err)
	}
	return nil
}

// openMountPoint opens the directory (or, for a file volume, the file)
// that the volume goes on, resolved inside root as the container sees it
// (pathrs-lite: openat2 with RESOLVE_IN_ROOT, no magic links): an image
// whose /data is a symlink to /etc gets the volume on its own /etc, never
// on the host's. What is missing is made in the container's writable
// layer. The type must be the host side's: a directory on a directory.
func openMountPoint(root *os.File, path string, isDir bool) (*os.File, error) {
	var f *os.File
	var err error
	if isDir {
		f, err = pathrs.MkdirAllHandle(root, path, 0o755)
	} else {
		f, err = pathrs.OpenatInRoot(root, path)
		if errors.Is(err, fs.ErrNotExist) {
			f, err = createFile(root, path)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("create the mount point %s: %w", path, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		f.Close()
		return nil, fmt.Errorf("stat the mount point %s: %w", path, err)
	}
	kind := st.Mode & unix.S_IFMT
	if (kind == unix.S_IFDIR) != isDir || kind == unix.S_IFLNK {
		f.Close()
		return nil, fmt.Errorf("the mount point %s is not of the host side's type (a directory goes on a directory, a file on a file)", path)
	}
	return f, nil
}

// createFile makes the empty file that a file volume goes on, in its
// parent directory opened inside root, and opens it without following
// a symlink put there meanwhile.
func createFile(root *os.File, path string) (*os.File, error) {
	parent, err := pathrs.MkdirAllHandle(root, filepath.Dir(path), 0o755)
	if err != nil {
		return nil, err
	}
	defer parent.Close()
	name := filepath.Base(path)
	fd, err := unix.Openat(int(parent.Fd()), name, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
	if err != nil {
		return nil, err
	}
	unix.Close(fd)
	fd, err = unix.Openat(int(parent.Fd()), name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), path), nil
}
