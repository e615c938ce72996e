// Package procfs opens a procfs that is surely one, and writes sysctls
// through it: for mydocker-runc's init (linux.sysctl, /proc/self files
// after the pivot) and mydocker run's init (--sysctl). No path is
// trusted: a container's root or a bundle mount could make /proc lead to
// a host file (runc's CVE-2025-52881). Light, as init's packages must be.
package procfs

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// WriteSysctls sets each key (net.ipv4.ip_forward) to its value in the
// namespaces of the calling process. Each file is opened in a procfs that
// is verified to be one, with no symlink followed. /proc/sys files are
// the namespaces' of the process that opens them, whichever procfs.
func WriteSysctls(sysctl map[string]string) error {
	if len(sysctl) == 0 {
		return nil
	}
	proc, err := Open()
	if err != nil {
		return err
	}
	defer unix.Close(proc)
	for key, value := range sysctl {
		if err := writeSysctl(proc, key, value); err != nil {
			return fmt.Errorf("sysctl %s: %w", key, err)
		}
	}
	return nil
}

func writeSysctl(proc int, key, value string) error {
	how := unix.OpenHow{
		Flags:   unix.O_WRONLY | unix.O_CLOEXEC | unix.O_NOCTTY | unix.O_NOFOLLOW,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS | unix.RESOLVE_NO_XDEV,
	}
	fd, err := unix.Openat2(proc, "sys/"+strings.ReplaceAll(key, ".", "/"), &how)
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(fd), key)
	defer f.Close()
	if err := Check(fd); err != nil {
		return err
	}
	_, err = f.WriteString(value)
	return err
}

// Open opens a procfs root of our own: a new instance (fsopen, fsmount:
// in no mount tree, nothing over it), or, where the kernel has no mount
// API or refuses it, /proc, checked to be the root of a procfs.
func Open() (int, error) {
	if fd, err := newProcfs(); err == nil {
		return fd, nil
	}
	return OpenRoot("/proc")
}

// OpenRoot opens dir, which must be the root of a procfs itself: not a
// symlink, not another filesystem, not a directory inside one.
func OpenRoot(dir string) (int, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open %s: %w", dir, err)
	}
	var st unix.Stat_t
	err = Check(fd)
	if err == nil {
		err = unix.Fstat(fd, &st)
	}
	if err == nil && st.Ino != procRootIno {
		err = errors.New("not the root of a procfs")
	}
	if err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("%s: %w", dir, err)
	}
	return fd, nil
}

// procRootIno is the inode number of every procfs root (PROC_ROOT_INO).
const procRootIno = 1

func newProcfs() (int, error) {
	fsfd, err := unix.Fsopen("proc", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return -1, err
	}
	defer unix.Close(fsfd)
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return -1, err
	}
	return unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV|unix.MOUNT_ATTR_NOEXEC)
}

// Check checks that fd is on a procfs.
func Check(fd int) error {
	var fs unix.Statfs_t
	if err := unix.Fstatfs(fd, &fs); err != nil {
		return err
	}
	if fs.Type != unix.PROC_SUPER_MAGIC {
		return fmt.Errorf("not on a procfs (filesystem magic %#x)", fs.Type)
	}
	return nil
}
