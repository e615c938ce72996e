package mountfd

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// CopyUp copies what the directory src holds into the directory dst,
// recursively: directories, regular files, symlinks (as symlinks), device
// nodes and fifos, each with its owner and mode (setuid, setgid, sticky
// bits too), as runc's "tmpcopyup" copies a rootfs directory into the
// tmpfs that is to cover it. Timestamps, extended attributes and hard
// links are not kept (nor by runc); sockets are left out.
//
// src is in the container's root: every entry is opened from its
// directory's descriptor, never followed if a symlink, and checked on its
// own descriptor, so that nothing the container put or swaps there leads
// out of src. dst is a detached mount (New), which no one else can reach
// yet.
func CopyUp(src, dst *os.File) error {
	from, err := openDir(int(src.Fd()), ".")
	if err != nil {
		return err
	}
	defer unix.Close(from)
	to, err := openDir(int(dst.Fd()), ".")
	if err != nil {
		return err
	}
	defer unix.Close(to)
	return copyDir(from, to, "")
}

// openDir opens the directory name in dir for reading, not through a
// symlink.
func openDir(dir int, name string) (int, error) {
	fd, err := unix.Openat(dir, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open %s: %w", name, err)
	}
	return fd, nil
}

// copyDir copies the entries of the directory from into to; path is
// where they are, for errors.
func copyDir(from, to int, path string) error {
	names, err := readNames(from)
	if err != nil {
		return fmt.Errorf("read %s/: %w", path, err)
	}
	for _, name := range names {
		if err := copyEntry(from, to, name, path+"/"+name); err != nil {
			return err
		}
	}
	return nil
}

// readNames lists the directory's entries (without "." and "..").
func readNames(dir int) ([]string, error) {
	fd, err := unix.Dup(dir) // os.File closes its own
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "dir")
	defer f.Close()
	return f.Readdirnames(-1)
}

func copyEntry(from, to int, name, path string) error {
	var st unix.Stat_t
	if err := unix.Fstatat(from, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("stat %s: %w", path, err)
	}
	var err error
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		err = copySubdir(from, to, name, path, st)
	case unix.S_IFREG:
		err = copyFile(from, to, name, st)
	case unix.S_IFLNK:
		err = copySymlink(from, to, name, st)
	case unix.S_IFCHR, unix.S_IFBLK, unix.S_IFIFO:
		err = unix.Mknodat(to, name, st.Mode, int(st.Rdev))
		if err == nil {
			err = setOwnerMode(to, name, st)
		}
	default: // a socket: its server is not copied with it
		return nil
	}
	if err != nil {
		return fmt.Errorf("copy %s: %w", path, err)
	}
	return nil
}

// copySubdir makes the directory, fills it, then gives it its owner and
// mode (a read-only one is filled first).
func copySubdir(from, to int, name, path string, st unix.Stat_t) error {
	if err := unix.Mkdirat(to, name, 0o700); err != nil {
		return err
	}
	sub, err := openDir(from, name)
	if err != nil {
		return err
	}
	defer unix.Close(sub)
	if err := sameInode(sub, st); err != nil {
		return err
	}
	dsub, err := openDir(to, name)
	if err != nil {
		return err
	}
	defer unix.Close(dsub)
	if err := copyDir(sub, dsub, path); err != nil {
		return err
	}
	return setOwnerModeFd(dsub, st)
}

// copyFile copies a regular file's content. It is opened without
// following a symlink and without blocking (a fifo swapped in would
// wait for a writer), and must still be the file stat'ed.
func copyFile(from, to int, name string, st unix.Stat_t) error {
	in, err := unix.Openat(from, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	inFile := os.NewFile(uintptr(in), name)
	defer inFile.Close()
	if err := sameInode(in, st); err != nil {
		return err
	}
	out, err := unix.Openat(to, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return err
	}
	outFile := os.NewFile(uintptr(out), name)
	defer outFile.Close()
	if _, err := io.Copy(outFile, inFile); err != nil {
		return err
	}
	return setOwnerModeFd(out, st)
}

func copySymlink(from, to int, name string, st unix.Stat_t) error {
	buf := make([]byte, unix.PathMax)
	n, err := unix.Readlinkat(from, name, buf)
	if err != nil {
		return err
	}
	if err := unix.Symlinkat(string(buf[:n]), to, name); err != nil {
		return err
	}
	return unix.Fchownat(to, name, int(st.Uid), int(st.Gid), unix.AT_SYMLINK_NOFOLLOW)
}

// sameInode checks that the entry opened is the one stat'ed (not
// swapped since).
func sameInode(fd int, st unix.Stat_t) error {
	var now unix.Stat_t
	if err := unix.Fstat(fd, &now); err != nil {
		return err
	}
	if now.Dev != st.Dev || now.Ino != st.Ino {
		return errors.New("changed while being copied")
	}
	return nil
}

// setOwnerModeFd gives the copy the original's owner, then its mode (a
// chown clears the setuid and setgid bits).
func setOwnerModeFd(fd int, st unix.Stat_t) error {
	if err := unix.Fchown(fd, int(st.Uid), int(st.Gid)); err != nil {
		return err
	}
	return unix.Fchmod(fd, st.Mode&0o7777)
}

// setOwnerMode is setOwnerModeFd for a node in the (unreachable) copy.
func setOwnerMode(dir int, name string, st unix.Stat_t) error {
	if err := unix.Fchownat(dir, name, int(st.Uid), int(st.Gid), unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return err
	}
	return unix.Fchmodat(dir, name, st.Mode&0o7777, 0)
}
