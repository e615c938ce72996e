package overlay

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
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

// MountVolumes bind-mounts each volume into the workspace's merged root.
// On failure it leaves the mounts it made for Remove to undo.
func (w Workspace) MountVolumes(vols []Volume) error {
	for _, v := range vols {
		if err := mountVolume(w.Merged(), v); err != nil {
			return fmt.Errorf("mount volume %s: %w", v, err)
		}
	}
	return nil
}

func mountVolume(root string, v Volume) error {
	isDir := true
	st, err := os.Stat(v.Host)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(v.Host, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", v.Host, err)
		}
	case err != nil:
		return err
	default:
		isDir = st.IsDir()
	}
	// The mount point is resolved inside the container's root, following
	// the image's symlinks as the container would see them: an image whose
	// /data is a symlink to /etc gets the volume on its own /etc, never on
	// the host's.
	target, err := securejoin.SecureJoin(root, v.Container)
	if err != nil {
		return fmt.Errorf("resolve %s in the container: %w", v.Container, err)
	}
	if err := makeMountPoint(target, isDir); err != nil {
		return err
	}
	if err := unix.Mount(v.Host, target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("bind %s on %s: %w", v.Host, target, err)
	}
	// A bind of a shared mount (systemd's "/") joins its peer group: a
	// volume mounted inside this one would then appear in the host's
	// directory too, and unmounting a submount of the bind (of /dev, /run)
	// would unmount the host's own. Private, the bind is the container's.
	if err := unix.Mount("", target, "", unix.MS_PRIVATE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("make %s a private mount: %w", target, err)
	}
	if v.ReadOnly {
		return makeReadOnly(target)
	}
	return nil
}

// makeReadOnly makes the volume at target read-only, with every mount
// inside it: a remount with MS_RDONLY changes the top mount alone, and a
// disk mounted below the host directory would stay writable.
// mount_setattr(2) with AT_RECURSIVE changes the whole tree (Linux 5.12).
func makeReadOnly(target string) error {
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}
	err := unix.MountSetattr(unix.AT_FDCWD, target, unix.AT_RECURSIVE, &attr)
	if errors.Is(err, unix.ENOSYS) {
		return fmt.Errorf("make %s read-only: this kernel lacks mount_setattr (Linux 5.12), which :ro needs to cover the mounts inside the volume", target)
	}
	if err != nil {
		return fmt.Errorf("make %s read-only: %w", target, err)
	}
	return nil
}

// makeMountPoint creates the directory (or, for a file volume, the empty
// file) that the volume is mounted on, in the container's writable layer.
func makeMountPoint(target string, isDir bool) error {
	if isDir {
		if err := os.MkdirAll(target, 0o755); err != nil {
			return fmt.Errorf("create the mount point %s: %w", target, err)
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return fmt.Errorf("create the mount point %s: %w", target, err)
	}
	f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|unix.O_NOFOLLOW, 0o644)
	if err != nil {
		return fmt.Errorf("create the mount point %s: %w", target, err)
	}
	return f.Close()
}
