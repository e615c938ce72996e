package container

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// pivotRoot makes root the container's "/" and lets go of the host's.
// Unlike chroot, pivot_root(2) changes the root of the whole mount
// namespace, so the old root can be unmounted and nothing of the host
// stays reachable.
func pivotRoot(root string) error {
	// pivot_root wants new_root to be a mount point of its own. The overlay
	// already is one; binding root onto itself makes any directory one
	// (the book's 4.1 ran in a plain directory).
	if err := unix.Mount(root, root, "bind", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("bind %s onto itself: %w", root, err)
	}
	putOld := filepath.Join(root, ".pivot_root")
	if err := os.Mkdir(putOld, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create %s: %w", putOld, err)
	}
	// The host's root moves to /.pivot_root; every error here is fatal:
	// going on would mount /proc and /dev over the host's own, as the
	// book's code did when pivot_root failed with EINVAL.
	if err := unix.PivotRoot(root, putOld); err != nil {
		return fmt.Errorf("pivot_root to %s: %w", root, err)
	}
	if err := unix.Chdir("/"); err != nil {
		return fmt.Errorf("chdir to the new root: %w", err)
	}
	// MNT_DETACH: the old root still has mounts in use (the host's /proc,
	// /dev...), so it cannot be unmounted at once; detached, it vanishes
	// when the last user lets go. Our mounts are private, so this does not
	// reach the host.
	if err := unix.Unmount("/.pivot_root", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("unmount the old root: %w", err)
	}
	if err := os.Remove("/.pivot_root"); err != nil {
		return fmt.Errorf("remove /.pivot_root: %w", err)
	}
	return nil
}

// mountProc gives the container a /proc that shows its own PID namespace.
func mountProc() error {
	flags := uintptr(unix.MS_NOEXEC | unix.MS_NOSUID | unix.MS_NODEV)
	return mountAt("proc", "/proc", "proc", flags, "")
}

// mountSys gives the container a read-only /sys, as docker does (it
// shows the container's own network devices); --privileged, a writable one.
func mountSys(readOnly bool) error {
	flags := uintptr(unix.MS_NOEXEC | unix.MS_NOSUID | unix.MS_NODEV)
	if readOnly {
		flags |= unix.MS_RDONLY
	}
	return mountAt("sysfs", "/sys", "sysfs", flags, "")
}

// devices are the nodes every container's /dev holds: char devices, with
// the numbers of Documentation/admin-guide/devices.txt.
var devices = []struct {
	name         string
	major, minor uint32
}{
	{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7},
	{"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
}

// mountDev gives the container a /dev of its own: a tmpfs with the usual
// nodes, a private devpts for pseudo-terminals and a tmpfs /dev/shm. The
// book left /dev an empty tmpfs, where even "cmd > /dev/null" fails.
func mountDev() error {
	if err := mountAt("tmpfs", "/dev", "tmpfs", unix.MS_NOSUID|unix.MS_STRICTATIME, "mode=755,size=65536k"); err != nil {
		return err
	}
	for _, d := range devices {
		path := "/dev/" + d.name
		if err := unix.Mknod(path, unix.S_IFCHR|0o666, int(unix.Mkdev(d.major, d.minor))); err != nil {
			return fmt.Errorf("mknod %s: %w", path, err)
		}
		// mknod's mode went through the umask.
		if err := unix.Chmod(path, 0o666); err != nil {
			return fmt.Errorf("chmod %s: %w", path, err)
		}
	}
	// newinstance: the container's ptys are its own, not the host's.
	if err := mountAt("devpts", "/dev/pts", "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"); err != nil {
		return err
	}
	if err := mountAt("shm", "/dev/shm", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=1777,size=65536k"); err != nil {
		return err
	}
	links := map[string]string{
		"/dev/ptmx": "pts/ptmx", "/dev/fd": "/proc/self/fd",
		"/dev/stdin": "/proc/self/fd/0", "/dev/stdout": "/proc/self/fd/1", "/dev/stderr": "/proc/self/fd/2",
	}
	for link, target := range links {
		if err := os.Symlink(target, link); err != nil {
			return fmt.Errorf("symlink %s: %w", link, err)
		}
	}
	return nil
}

// mountAt mounts a filesystem on dir, making dir first if the image lacks
// it (in the container's writable layer, never in the image).
func mountAt(source, dir, fstype string, flags uintptr, data string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	if err := unix.Mount(source, dir, fstype, flags, data); err != nil {
		return fmt.Errorf("mount %s on %s: %w", fstype, dir, err)
	}
	return nil
}

// bindEtcFiles binds the container's own files (hostname, hosts,
// resolv.conf, written in its directory) over the image's, before the
// pivot, while the host's paths are still in reach. The image's path is
// resolved inside the root, never through a symlink out of it, and made
// when the image has no such file. The binds are the container's mount
// namespace's alone: they go when it goes.
func bindEtcFiles(root string, binds map[string]string) error {
	rootDir, err := os.OpenFile(root, os.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open the container's root: %w", err)
	}
	defer rootDir.Close()
	for target, source := range binds {
		handle, err := openOrCreateIn(rootDir, target)
		if err != nil {
			return fmt.Errorf("bind %s: %w", target, err)
		}
		// mount(2) follows the handle's /proc/self/fd link to the file.
		err = unix.Mount(source, fmt.Sprintf("/proc/self/fd/%d", handle.Fd()), "", unix.MS_BIND, "")
		handle.Close()
		if err != nil {
			return fmt.Errorf("bind %s: %w", target, err)
		}
	}
	return nil
}

// openOrCreateIn opens the regular file path inside root (O_PATH),
// creating it empty when it is not there.
func openOrCreateIn(root *os.File, path string) (*os.File, error) {
	handle, err := pathrs.OpenatInRoot(root, path)
	if errors.Is(err, os.ErrNotExist) {
		dir, derr := pathrs.MkdirAllHandle(root, filepath.Dir(path), 0o755)
		if derr != nil {
			return nil, derr
		}
		fd, cerr := unix.Openat(int(dir.Fd()), filepath.Base(path), unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
		dir.Close()
		if cerr != nil {
			return nil, cerr
		}
		unix.Close(fd)
		handle, err = pathrs.OpenatInRoot(root, path)
	}
	if err != nil {
		return nil, err
	}
	info, err := handle.Stat()
	if err != nil || !info.Mode().IsRegular() {
		handle.Close()
		return nil, fmt.Errorf("%s is not a file in the image", path)
	}
	return handle, nil
}
