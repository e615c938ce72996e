package containerfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"time"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

// The writer of cp CONTAINER:SRC HOSTDEST. What it reads is the
// container's: names, modes, link targets and file types are chosen by
// whoever runs in it, and mydocker writes them as root on the host. So it
// is not the image unpacker (whose whiteouts delete files and whose device
// nodes and set-uid files are what an image needs), but a plain copy:
//
//   - a name is only a name: ".wh.x" is a file called ".wh.x";
//   - regular files, directories and symlinks are copied; device nodes,
//     FIFOs and sockets are left out, each with a warning (docker's cp
//     would make them when run as root: a host device node readable by
//     all is a way into the host's disks);
//   - set-uid and set-gid bits are dropped, and no extended attribute is
//     copied (file capabilities are one): a container's file never runs
//     with more power on the host than its runner gives it;
//   - what is made belongs to the user running cp, as docker's cp makes
//     it without -a; with -a it keeps the container's uid and gid;
//   - every entry is made relative to its open parent directory, under an
//     os.Root (openat2 RESOLVE_BENEATH), and never through a symlink: a
//     symlink is copied as a symlink, its target as it is, never followed;
//     a file is made with O_EXCL, after removing what was there, so no
//     symlink or FIFO already in DEST is written through;
//   - hard links become copies.
//
// The container's side is read the same way: each entry opened relative to
// its directory with O_NOFOLLOW, a regular file with O_NONBLOCK and checked
// with fstat once open (a FIFO swapped in cannot hang cp).

// keptMode is what a copied entry keeps of its mode: its permissions and
// the sticky bit, not set-uid or set-gid.
func keptMode(mode fs.FileMode) fs.FileMode {
	return mode & (fs.ModePerm | fs.ModeSticky)
}

// unixMode is st_mode as a FileMode.
func unixMode(st *unix.Stat_t) fs.FileMode {
	m := fs.FileMode(st.Mode & 0o777)
	if st.Mode&unix.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// copyOutTo copies the container's src (an O_PATH handle inside its root;
// rel names it in messages) to name in the host directory dir.
func copyOutTo(src *os.File, rel string, dir *os.Root, name string, archive bool) error {
	var st unix.Stat_t
	if err := unix.Fstat(int(src.Fd()), &st); err != nil {
		return fmt.Errorf("cp: %s: %w", rel, err)
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		f, err := pathrs.Reopen(src, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC)
		if err != nil {
			return fmt.Errorf("cp: %s: %w", rel, err)
		}
		return copyDirOut(f, &st, rel, dir, name, archive)
	case unix.S_IFREG:
		f, err := pathrs.Reopen(src, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC)
		if err != nil {
			return fmt.Errorf("cp: %s: %w", rel, err)
		}
		return copyFileOut(f, rel, dir, name, archive)
	case unix.S_IFLNK:
		target, err := readlinkAt(int(src.Fd()), "")
		if err != nil {
			return fmt.Errorf("cp: %s: %w", rel, err)
		}
		return symlinkOut(target, rel, dir, name, ownerOf(&st, archive))
	}
	return fmt.Errorf("cp: %s is %s: only files, directories and symlinks are copied out of a container", rel, kindOf(st.Mode))
}

// copyDirOut copies the open directory src (closed here) to the directory
// name of dir, made or, when there is one, merged into as docker's cp does.
func copyDirOut(src *os.File, st *unix.Stat_t, rel string, dir *os.Root, name string, archive bool) error {
	defer src.Close()
	sub, err := makeDir(dir, name)
	if err != nil {
		return fmt.Errorf("cp: %s: %w", rel, err)
	}
	defer sub.Close()
	names, err := src.Readdirnames(-1)
	if err != nil {
		return fmt.Errorf("cp: %s: %w", rel, err)
	}
	for _, n := range names {
		if err := copyEntryOut(int(src.Fd()), n, path.Join(rel, n), sub, archive); err != nil {
			return err
		}
	}
	if err := dir.Chmod(name, keptMode(unixMode(st))); err != nil {
		return fmt.Errorf("cp: %s: %w", rel, err)
	}
	if err := chownOut(dir, name, ownerOf(st, archive)); err != nil {
		return fmt.Errorf("cp: %s: %w", rel, err)
	}
	return setTimes(dir, name, st)
}

// copyEntryOut copies the entry name of the container's directory dirfd to
// the same name in dest.
func copyEntryOut(dirfd int, name, rel string, dest *os.Root, archive bool) error {
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("cp: %s: %w", rel, err)
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("cp: %s: %w", rel, err)
		}
		return copyDirOut(os.NewFile(uintptr(fd), rel), &st, rel, dest, name, archive)
	case unix.S_IFREG:
		fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("cp: %s: %w", rel, err)
		}
		return copyFileOut(os.NewFile(uintptr(fd), rel), rel, dest, name, archive)
	case unix.S_IFLNK:
		target, err := readlinkAt(dirfd, name)
		if err != nil {
			return fmt.Errorf("cp: %s: %w", rel, err)
		}
		return symlinkOut(target, rel, dest, name, ownerOf(&st, archive))
	}
	logrus.Warnf("cp: %s is %s: not copied", rel, kindOf(st.Mode))
	return nil
}

// copyFileOut copies the open file in (closed here) to name in dir: a new
// file, owned by cp's user, with the file's permissions but no set-uid or
// set-gid bit. What was at name is removed first (a directory is not).
func copyFileOut(in *os.File, rel string, dir *os.Root, name string, archive bool) error {
	defer in.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(in.Fd()), &st); err != nil {
		return fmt.Errorf("cp: %s: %w", rel, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG { // swapped since it was looked at
		logrus.Warnf("cp: %s is %s: not copied", rel, kindOf(st.Mode))
		return nil
	}
	if err := clearName(dir, name); err != nil {
		return fmt.Errorf("cp: %s: %w", rel, err)
	}
	out, err := dir.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return fmt.Errorf("cp: %s: %w", rel, err)
	}
	_, err = io.Copy(out, in)
	if o := ownerOf(&st, archive); err == nil && o != nil {
		err = out.Chown(o[0], o[1])
	}
	if err == nil {
		err = out.Chmod(keptMode(unixMode(&st)))
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cp: %s: %w", rel, err)
	}
	return setTimes(dir, name, &st)
}

// symlinkOut makes name in dir a symlink to target, as it is: it is
// never resolved here (it meant something inside the container).
func symlinkOut(target, rel string, dir *os.Root, name string, owner *[2]int) error {
	if err := clearName(dir, name); err != nil {
		return fmt.Errorf("cp: %s: %w", rel, err)
	}
	if err := dir.Symlink(target, name); err != nil {
		return fmt.Errorf("cp: %s: %w", rel, err)
	}
	if err := chownOut(dir, name, owner); err != nil {
		return fmt.Errorf("cp: %s: %w", rel, err)
	}
	return nil
}

// ownerOf is the owner cp -a keeps (the container's uid and gid, as
// numbers), or nil: cp's own user, as without -a.
func ownerOf(st *unix.Stat_t, archive bool) *[2]int {
	if !archive {
		return nil
	}
	return &[2]int{int(st.Uid), int(st.Gid)}
}

// chownOut gives name in dir the owner o (not following a symlink).
func chownOut(dir *os.Root, name string, o *[2]int) error {
	if o == nil {
		return nil
	}
	return dir.Lchown(name, o[0], o[1])
}

// makeDir opens the directory name of dir, made if there is none.
func makeDir(dir *os.Root, name string) (*os.Root, error) {
	err := dir.Mkdir(name, 0o700)
	if errors.Is(err, fs.ErrExist) {
		info, lerr := dir.Lstat(name)
		if lerr != nil {
			return nil, lerr
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("%s exists and is not a directory", name)
		}
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return dir.OpenRoot(name)
}

// clearName removes what dir has at name, unless it is a directory: cp
// replaces a file, it does not write through a symlink or into a FIFO.
func clearName(dir *os.Root, name string) error {
	info, err := dir.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if info.IsDir() {
		return fmt.Errorf("cannot overwrite the directory %s with a non-directory", name)
	}
	return dir.Remove(name)
}

// setTimes gives name in dir the modification time of st, as docker's cp.
func setTimes(dir *os.Root, name string, st *unix.Stat_t) error {
	mtime := time.Unix(st.Mtim.Unix())
	if err := dir.Chtimes(name, time.Now(), mtime); err != nil {
		return fmt.Errorf("cp: set the times of %s: %w", name, err)
	}
	return nil
}

func readlinkAt(dirfd int, name string) (string, error) {
	buf := make([]byte, unix.PathMax)
	n, err := unix.Readlinkat(dirfd, name, buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// kindOf names a file type for messages.
func kindOf(mode uint32) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFCHR:
		return "a character device"
	case unix.S_IFBLK:
		return "a block device"
	case unix.S_IFIFO:
		return "a FIFO"
	case unix.S_IFSOCK:
		return "a socket"
	}
	return fmt.Sprintf("of type %#o", mode&unix.S_IFMT)
}
