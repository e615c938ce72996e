package overlay

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// removeAll removes dir and everything in it, as os.RemoveAll does, but it
// never crosses into another mount: an entry that is a mount point (a
// volume, an overlay still mounted) stops it with an error before anything
// on that mount is touched. What is a mount point is the kernel's word, not
// a path compared with mountinfo: each entry's mount ID (statx(2),
// STATX_MNT_ID) against dir's own. Symlinks are removed, never followed.
func removeAll(dir string) error {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	top, err := mountOf(fd, "")
	if err == nil {
		err = refuseMountPoint(dir, top)
	}
	if err == nil {
		err = removeContents(fd, dir, top)
	}
	unix.Close(fd)
	if err != nil {
		return err
	}
	if err := unix.Rmdir(dir); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	return nil
}

// mountID names the mount a file is on; dev is the fallback for kernels
// before 5.8, which have no mount ID (it misses a bind mount of the same
// filesystem, which mountinfo was checked for already).
type mountID struct {
	id  uint64
	dev [2]uint32
}

// mountOf returns the mount of name in the directory dirfd ("" for dirfd
// itself), without following a symlink.
func mountOf(dirfd int, name string) (mountID, error) {
	var st unix.Statx_t
	flags := unix.AT_SYMLINK_NOFOLLOW
	if name == "" {
		flags |= unix.AT_EMPTY_PATH
	}
	if err := unix.Statx(dirfd, name, flags, unix.STATX_TYPE|unix.STATX_MNT_ID, &st); err != nil {
		return mountID{}, err
	}
	m := mountID{dev: [2]uint32{st.Dev_major, st.Dev_minor}}
	if st.Mask&unix.STATX_MNT_ID != 0 {
		m.id = st.Mnt_id
	}
	return m, nil
}

// refuseMountPoint fails when dir itself is a mount point: on another
// mount than its parent.
func refuseMountPoint(dir string, m mountID) error {
	parent, err := unix.Open(filepath.Dir(dir), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	defer unix.Close(parent)
	up, err := mountOf(parent, "")
	if err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	if up != m {
		return fmt.Errorf("remove %s: it is a mount point; nothing removed", dir)
	}
	return nil
}

// removeContents removes what the directory dirfd (at path, for messages)
// holds, depth first, all on the mount top.
func removeContents(dirfd int, path string, top mountID) error {
	names, err := readNames(dirfd)
	if err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	for _, name := range names {
		entry := filepath.Join(path, name)
		m, err := mountOf(dirfd, name)
		if errors.Is(err, unix.ENOENT) {
			continue // gone meanwhile
		}
		if err != nil {
			return fmt.Errorf("remove %s: %w", entry, err)
		}
		if m != top {
			return fmt.Errorf("remove %s: it is a mount point; what it shows is left alone", entry)
		}
		err = unix.Unlinkat(dirfd, name, 0)
		if errors.Is(err, unix.EISDIR) {
			err = removeDir(dirfd, name, entry, top)
		}
		if err != nil && !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("remove %s: %w", entry, err)
		}
	}
	return nil
}

// removeDir empties the directory name in dirfd, then removes it.
func removeDir(dirfd int, name, path string, top mountID) error {
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	err = removeContents(fd, path, top)
	unix.Close(fd)
	if err != nil {
		return err
	}
	return unix.Unlinkat(dirfd, name, unix.AT_REMOVEDIR)
}

// readNames lists the directory dirfd, through a duplicate so that closing
// the listing leaves dirfd open.
func readNames(dirfd int) ([]string, error) {
	dup, err := unix.Dup(dirfd)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(dup), "")
	defer f.Close()
	return f.Readdirnames(-1)
}
