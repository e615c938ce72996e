package container

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

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
