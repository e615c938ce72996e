package image

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/ch4-export/internal/atomicfile"
)

// Export writes the tree at dir to w as a plain tar (book 4.4), the format
// Unpack reads: directories, files, symlinks (as symlinks), hard links (as
// links to the first name), device nodes and FIFOs, with modes, owners and
// times. The book ran "tar -czf" and so wrote gzip into a file named .tar.
func Export(dir string, w io.Writer) error {
	root, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("export %s: %w", dir, err)
	}
	defer root.Close()
	return ExportFrom(root, w)
}

// ExportFrom is Export of the open directory root.
//
// The tree may belong to a running container, which can change it while it
// is read, so no path is trusted: each entry is opened relative to its
// parent, already open, never through a symlink (O_NOFOLLOW), and must be
// the file that statx(2) saw (same device and inode), or it is left out as
// changed. A file that vanishes mid-walk is left out too. A FIFO or a
// device is written as a header only and never opened, so nothing blocks.
// An entry on another mount than root (a volume) is written as an empty
// placeholder: what it shows is the host's data, not the container's.
func ExportFrom(root *os.File, w io.Writer) error {
	fd := int(root.Fd())
	top, err := statAt(fd, "")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	e := &exporter{tw: tar.NewWriter(w), links: map[[2]uint64]string{}, mount: mountOf(top)}
	if err := e.dir(fd, ""); err != nil {
		return err
	}
	return e.tw.Close()
}

// exporter is one walk of Export.
type exporter struct {
	tw    *tar.Writer
	links map[[2]uint64]string // (device, inode) of a file -> its first name
	mount [2]uint64            // the mount that is walked
}

// dir writes the entries of the directory dirfd, whose name in the tar is
// rel, sorted so that the same tree gives the same tar.
func (e *exporter) dir(dirfd int, rel string) error {
	dup, err := unix.Dup(dirfd)
	if err != nil {
		return fmt.Errorf("export %s: %w", rel, err)
	}
	f := os.NewFile(uintptr(dup), rel)
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return fmt.Errorf("export %s: %w", rel, err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := e.entry(dirfd, name, path.Join(rel, name)); err != nil {
			return fmt.Errorf("export %s: %w", path.Join(rel, name), err)
		}
	}
	return nil
}

// entry writes name, in the directory dirfd, as rel.
func (e *exporter) entry(dirfd int, name, rel string) error {
	st, err := statAt(dirfd, name)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFSOCK {
		return nil // a socket cannot be archived, nor would it work anew
	}
	hdr := header(rel, st)
	if mountOf(st) != e.mount {
		return e.placeholder(hdr)
	}
	switch hdr.Typeflag {
	case tar.TypeDir:
		return e.subdir(dirfd, name, st, hdr)
	case tar.TypeReg:
		return e.file(dirfd, name, st, hdr)
	case tar.TypeSymlink:
		target, err := readlinkAt(dirfd, name)
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EINVAL) {
			return nil // gone, or no longer a symlink
		}
		if err != nil {
			return err
		}
		hdr.Linkname = target
		return e.tw.WriteHeader(hdr)
	}
	return e.tw.WriteHeader(hdr) // a device or a FIFO: never opened
}

// placeholder writes an empty directory or file where a mount point is.
func (e *exporter) placeholder(hdr *tar.Header) error {
	if hdr.Typeflag != tar.TypeDir {
		hdr.Typeflag, hdr.Mode = tar.TypeReg, 0o644
	} else {
		hdr.Mode = 0o755
	}
	hdr.Size, hdr.Uid, hdr.Gid = 0, 0, 0
	return e.tw.WriteHeader(hdr)
}

// subdir writes the directory name and what it holds.
func (e *exporter) subdir(dirfd int, name string, st *unix.Statx_t, hdr *tar.Header) error {
	fd, ok, err := openSame(dirfd, name, unix.O_DIRECTORY, st)
	if err != nil || !ok {
		return err
	}
	defer unix.Close(fd)
	if err := e.tw.WriteHeader(hdr); err != nil {
		return err
	}
	return e.dir(fd, strings.TrimSuffix(hdr.Name, "/"))
}

// file writes the regular file name, or a hard link to its first name.
func (e *exporter) file(dirfd int, name string, st *unix.Statx_t, hdr *tar.Header) error {
	if st.Nlink > 1 {
		key := [2]uint64{devOf(st), st.Ino}
		if first, seen := e.links[key]; seen {
			hdr.Typeflag, hdr.Linkname, hdr.Size = tar.TypeLink, first, 0
			return e.tw.WriteHeader(hdr)
		}
		e.links[key] = hdr.Name
	}
	// O_NONBLOCK: should a FIFO have been swapped in, open does not wait.
	fd, ok, err := openSame(dirfd, name, unix.O_NONBLOCK, st)
	if err != nil || !ok {
		return err
	}
	f := os.NewFile(uintptr(fd), hdr.Name)
	defer f.Close()
	if err := e.tw.WriteHeader(hdr); err != nil {
		return err
	}
	// The header promised Size bytes: a file that grew is cut there, one
	// that shrank meanwhile is padded with zeros.
	n, err := io.CopyN(e.tw, f, hdr.Size)
	if errors.Is(err, io.EOF) {
		_, err = io.CopyN(e.tw, zeros{}, hdr.Size-n)
	}
	if err != nil {
		return fmt.Errorf("copy the content: %w", err)
	}
	return nil
}

// openSame opens name in dirfd without following a symlink, and reports
// whether it is still the file st describes; a file that is gone or was
// replaced meanwhile is not, and is no error.
func openSame(dirfd int, name string, flags int, st *unix.Statx_t) (int, bool, error) {
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC|flags, 0)
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
		return -1, false, nil
	}
	if err != nil {
		return -1, false, err
	}
	now, err := statAt(fd, "")
	if err != nil || devOf(now) != devOf(st) || now.Ino != st.Ino {
		unix.Close(fd)
		return -1, false, err
	}
	return fd, true, nil
}

// header is the tar header of the entry rel that st describes.
func header(rel string, st *unix.Statx_t) *tar.Header {
	hdr := &tar.Header{
		Name:    rel,
		Mode:    int64(st.Mode & 0o7777),
		Uid:     int(st.Uid),
		Gid:     int(st.Gid),
		ModTime: time.Unix(st.Mtime.Sec, int64(st.Mtime.Nsec)),
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		hdr.Typeflag, hdr.Name = tar.TypeDir, rel+"/"
	case unix.S_IFREG:
		hdr.Typeflag, hdr.Size = tar.TypeReg, int64(st.Size)
	case unix.S_IFLNK:
		hdr.Typeflag = tar.TypeSymlink
	case unix.S_IFCHR, unix.S_IFBLK:
		hdr.Typeflag = tar.TypeChar
		if st.Mode&unix.S_IFMT == unix.S_IFBLK {
			hdr.Typeflag = tar.TypeBlock
		}
		hdr.Devmajor, hdr.Devminor = int64(st.Rdev_major), int64(st.Rdev_minor)
	case unix.S_IFIFO:
		hdr.Typeflag = tar.TypeFifo
	}
	return hdr
}

// statAt is statx(2) of name in dirfd ("" for dirfd itself), without
// following a symlink, with the mount ID where the kernel has it (5.8).
func statAt(dirfd int, name string) (*unix.Statx_t, error) {
	var st unix.Statx_t
	flags := unix.AT_SYMLINK_NOFOLLOW
	if name == "" {
		flags |= unix.AT_EMPTY_PATH
	}
	if err := unix.Statx(dirfd, name, flags, unix.STATX_BASIC_STATS|unix.STATX_MNT_ID, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// mountOf names the mount of st: its mount ID, and its device for the
// kernels before 5.8 that have none.
func mountOf(st *unix.Statx_t) [2]uint64 {
	var id uint64
	if st.Mask&unix.STATX_MNT_ID != 0 {
		id = st.Mnt_id
	}
	return [2]uint64{id, devOf(st)}
}

func devOf(st *unix.Statx_t) uint64 { return unix.Mkdev(st.Dev_major, st.Dev_minor) }

// readlinkAt reads the symlink name in dirfd.
func readlinkAt(dirfd int, name string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(dirfd, name, buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// WriteAtomically writes a file with write, through a temporary file in
// the same directory that is renamed into place only once complete, so
// that a failure never leaves a half-written image.
func WriteAtomically(path string, write func(io.Writer) error) error {
	return atomicfile.WriteFunc(path, 0o644, write)
}
