package containerfs

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"time"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/build/buildctx"
	"github.com/mydocker/mydocker/final/state"
)

// cp's "-" side: docker cp CONTAINER:SRC - writes a tar of SRC to
// stdout, and docker cp - CONTAINER:DEST reads one from stdin into the
// directory DEST. The container's side is read and written as cp's other
// forms do it: every entry relative to its open parent, never through a
// symlink.

// CopyOutTar writes src, a path in the container, to w as a tar whose
// entries are named from src's last element, with their owners and
// modes, as docker's: a symlink as the link, unless src ends in "/" or
// "/." (copySource).
func CopyOutTar(store state.Store, st *state.Container, src string, w io.Writer) error {
	tw := tar.NewWriter(w)
	err := withRoot(store, st, func(root *os.File) error {
		dir, name, err := copySource(root, src)
		if err != nil {
			return fmt.Errorf("cp: %s in %s: %w", src, st.Name, err)
		}
		defer dir.Close()
		if name == "" {
			return tarEntry(tw, int(dir.Fd()), "", copyBase(src), dir)
		}
		return tarEntry(tw, int(dir.Fd()), name, copyBase(src), nil)
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// tarEntry writes the entry name of the directory dirfd (or, with name
// "", the O_PATH handle self) as rel, and what a directory holds.
func tarEntry(tw *tar.Writer, dirfd int, name, rel string, self *os.File) error {
	var st unix.Stat_t
	flags := unix.AT_SYMLINK_NOFOLLOW
	if name == "" {
		flags |= unix.AT_EMPTY_PATH
	}
	if err := unix.Fstatat(dirfd, name, &st, flags); err != nil {
		return fmt.Errorf("cp: %s: %w", rel, err)
	}
	hdr := &tar.Header{Name: rel, Mode: int64(st.Mode & 0o7777), Uid: int(st.Uid), Gid: int(st.Gid),
		ModTime: time.Unix(st.Mtim.Unix()), Format: tar.FormatPAX}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		fd, err := openIn(dirfd, name, self, unix.O_RDONLY|unix.O_DIRECTORY)
		if err != nil {
			return fmt.Errorf("cp: %s: %w", rel, err)
		}
		dir := os.NewFile(uintptr(fd), rel)
		defer dir.Close()
		hdr.Typeflag, hdr.Name = tar.TypeDir, rel+"/"
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		names, err := dir.Readdirnames(-1)
		if err != nil {
			return fmt.Errorf("cp: %s: %w", rel, err)
		}
		for _, n := range names {
			if err := tarEntry(tw, fd, n, path.Join(rel, n), nil); err != nil {
				return err
			}
		}
		return nil
	case unix.S_IFREG:
		fd, err := openIn(dirfd, name, self, unix.O_RDONLY|unix.O_NONBLOCK)
		if err != nil {
			return fmt.Errorf("cp: %s: %w", rel, err)
		}
		f := os.NewFile(uintptr(fd), rel)
		defer f.Close()
		var now unix.Stat_t
		if err := unix.Fstat(fd, &now); err != nil || now.Mode&unix.S_IFMT != unix.S_IFREG {
			return nil // swapped since it was looked at: left out
		}
		hdr.Typeflag, hdr.Size = tar.TypeReg, now.Size
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		// As many bytes as the header says, whatever the file does meanwhile.
		_, err = io.Copy(tw, io.LimitReader(io.MultiReader(f, zeros{}), now.Size))
		return err
	case unix.S_IFLNK:
		target, err := readlinkAt(dirfd, name)
		if err != nil {
			return fmt.Errorf("cp: %s: %w", rel, err)
		}
		hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, target
		return tw.WriteHeader(hdr)
	}
	return nil // devices, FIFOs, sockets are left out, as in cp's other forms
}

// openIn opens name in dirfd without following a symlink, or reopens the
// O_PATH handle self when name is "".
func openIn(dirfd int, name string, self *os.File, flags int) (int, error) {
	if name == "" {
		f, err := pathrs.Reopen(self, flags|unix.O_CLOEXEC)
		if err != nil {
			return -1, err
		}
		fd, err := unix.Dup(int(f.Fd()))
		f.Close()
		return fd, err
	}
	return unix.Openat(dirfd, name, flags|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
}

// zeros reads as zero bytes: a file cut short while it is read fills
// its tar entry up.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// CopyInTar unpacks the tar r (plain, or compressed as docker's daemon
// takes it) into dest, a directory in the container, as
// docker cp - CONTAINER:DEST: each entry made inside the root (no ".."
// leaves it, no symlink is written through), owned by root, or with
// archive by the tar's uid and gid. Regular files, directories and
// symlinks are made; other entries are left out.
func CopyInTar(store state.Store, st *state.Container, r io.Reader, dest string, archive bool) error {
	return withRoot(store, st, func(root *os.File) error {
		base := path.Clean("/" + dest)
		h, err := pathrs.OpenatInRoot(root, base)
		if err != nil {
			return fmt.Errorf("cp: %s in %s: %w", dest, st.Name, err)
		}
		info, err := h.Stat()
		h.Close()
		if err != nil || !info.IsDir() {
			return fmt.Errorf("cp: %s in %s: destination must be a directory when copying from stdin", dest, st.Name)
		}
		// Compressed or not, as docker's daemon takes it (testcontainers'
		// CopyToContainer sends a gzip).
		plain, done, err := buildctx.Decompress(r)
		if err != nil {
			return fmt.Errorf("cp: read the tar from stdin: %w", err)
		}
		defer done()
		tr := tar.NewReader(plain)
		for {
			hdr, err := tr.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("cp: read the tar from stdin: %w", err)
			}
			// Cleaned from "/": a "../" cannot climb above DEST, and
			// pathrs keeps the rest inside the container's root.
			name := path.Clean("/" + hdr.Name)
			if name == "/" {
				continue
			}
			if err := untarEntry(root, path.Join(base, name), hdr, tr, archive); err != nil {
				return err
			}
		}
	})
}

// untarEntry makes one entry at target in the container.
func untarEntry(root *os.File, target string, hdr *tar.Header, r io.Reader, archive bool) error {
	uid, gid := 0, 0
	if archive {
		uid, gid = hdr.Uid, hdr.Gid
	}
	mode := uint32(hdr.Mode & 0o777)
	if hdr.Typeflag == tar.TypeDir {
		h, err := pathrs.MkdirAllHandle(root, target, os.FileMode(mode))
		if err != nil {
			return fmt.Errorf("cp: make %s: %w", target, err)
		}
		defer h.Close()
		return unix.Fchownat(int(h.Fd()), "", uid, gid, unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW)
	}
	if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeSymlink {
		return nil
	}
	parent, err := pathrs.MkdirAllHandle(root, path.Dir(target), 0o755)
	if err != nil {
		return fmt.Errorf("cp: make %s: %w", path.Dir(target), err)
	}
	defer parent.Close()
	dirfd, name := int(parent.Fd()), path.Base(target)
	if err := unix.Unlinkat(dirfd, name, 0); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("cp: replace %s: %w", target, err)
	}
	if hdr.Typeflag == tar.TypeSymlink {
		if err := unix.Symlinkat(hdr.Linkname, dirfd, name); err != nil {
			return fmt.Errorf("cp: %s: %w", target, err)
		}
		return unix.Fchownat(dirfd, name, uid, gid, unix.AT_SYMLINK_NOFOLLOW)
	}
	fd, err := unix.Openat(dirfd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, mode)
	if err != nil {
		return fmt.Errorf("cp: create %s: %w", target, err)
	}
	out := os.NewFile(uintptr(fd), name)
	_, err = io.Copy(out, r)
	if err == nil {
		err = out.Chown(uid, gid)
	}
	if err == nil {
		err = out.Chmod(os.FileMode(mode))
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cp: %s: %w", target, err)
	}
	return nil
}
