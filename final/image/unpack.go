package image

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Unpack writes the entries of the tar stream r under dir: directories,
// files, symlinks, hard links and device nodes, with their modes, owners,
// times and extended attributes. An image layer's whiteouts become
// overlayfs's own (see whiteout), so that the kernel hides the files of
// the layers below.
//
// An image is untrusted input, so no entry may land outside dir: a name
// or hard link that climbs out with "..", a hard link to an absolute
// path, and any entry whose path goes through a symlink (a symlink
// "etc -> /etc" followed by "etc/passwd" would write the host's file) are
// refused. Symlinks themselves are kept as they are: they are resolved
// later inside the container, never by us.
func Unpack(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read tar: %w", err)
		}
		rel, err := entryPath(hdr.Name)
		if err != nil {
			return err
		}
		if rel == "." {
			continue // the root itself: dir already exists
		}
		if err := checkParents(dir, rel); err != nil {
			return err
		}
		if err := checkWhiteout(rel); err != nil {
			return err
		}
		if done, err := whiteout(dir, rel); done || err != nil {
			if err != nil {
				return fmt.Errorf("unpack %s: %w", hdr.Name, err)
			}
			continue
		}
		if err := unpackEntry(tr, hdr, dir, rel); err != nil {
			return fmt.Errorf("unpack %s: %w", hdr.Name, err)
		}
	}
}

// entryPath cleans a tar entry name into a path relative to the layer,
// refusing one that would climb out of it.
func entryPath(name string) (string, error) {
	clean := filepath.Clean("/" + name) // "/" first: ".." cannot climb above it
	rel := strings.TrimPrefix(clean, "/")
	if rel == "" {
		rel = "."
	}
	// Clean("/"+name) already dropped any ".." above the root; refuse the
	// names that tried, rather than unpack them somewhere else.
	if climbs(name) {
		return "", fmt.Errorf("tar entry %q climbs out of the image with ..", name)
	}
	return rel, nil
}

// climbs reports whether a relative path goes above its start.
func climbs(name string) bool {
	depth := 0
	for _, part := range strings.Split(strings.TrimPrefix(name, "/"), "/") {
		switch part {
		case "", ".":
		case "..":
			depth--
			if depth < 0 {
				return true
			}
		default:
			depth++
		}
	}
	return false
}

// checkParents refuses an entry whose parent directories, already
// unpacked, include a symlink.
func checkParents(dir, rel string) error {
	parts := strings.Split(filepath.Dir(rel), "/")
	cur := dir
	for _, part := range parts {
		if part == "." {
			break
		}
		cur = filepath.Join(cur, part)
		st, err := os.Lstat(cur)
		if errors.Is(err, os.ErrNotExist) {
			return nil // created as a plain directory below
		}
		if err != nil {
			return err
		}
		if st.Mode()&os.ModeSymlink != 0 {
			return fmt.Errorf("tar entry %q goes through the symlink %s", rel, strings.TrimPrefix(cur, dir+"/"))
		}
		if !st.IsDir() {
			return fmt.Errorf("tar entry %q: %s is not a directory", rel, strings.TrimPrefix(cur, dir+"/"))
		}
	}
	return nil
}

func unpackEntry(tr *tar.Reader, hdr *tar.Header, dir, rel string) error {
	path := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	// A later entry replaces an earlier one of the same name, as tar does;
	// a directory stays (its contents may have come first).
	if st, err := os.Lstat(path); err == nil && !(st.IsDir() && hdr.Typeflag == tar.TypeDir) {
		if err := os.RemoveAll(path); err != nil {
			return err
		}
	}
	mode := uint32(hdr.Mode) & 0o7777
	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := os.Mkdir(path, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
	case tar.TypeReg:
		if err := writeFile(path, tr); err != nil {
			return err
		}
	case tar.TypeSymlink:
		return finish(unix.Symlink(hdr.Linkname, path), path, hdr, 0, false)
	case tar.TypeLink:
		return hardLink(dir, hdr, path)
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		// Only root may make device nodes; a test unpacking as another
		// user leaves them out (FIFOs it can make).
		if hdr.Typeflag != tar.TypeFifo && os.Geteuid() != 0 {
			return nil
		}
		kind := map[byte]uint32{tar.TypeChar: unix.S_IFCHR, tar.TypeBlock: unix.S_IFBLK, tar.TypeFifo: unix.S_IFIFO}[hdr.Typeflag]
		dev := unix.Mkdev(uint32(hdr.Devmajor), uint32(hdr.Devminor))
		if err := unix.Mknod(path, kind|mode, int(dev)); err != nil {
			return err
		}
	case tar.TypeXGlobalHeader:
		return nil
	default:
		return fmt.Errorf("unsupported tar entry type %q", hdr.Typeflag)
	}
	return finish(nil, path, hdr, mode, true)
}

// writeFile creates path, refusing to follow a symlink there.
func writeFile(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// hardLink links path to an earlier entry of the same tar.
func hardLink(dir string, hdr *tar.Header, path string) error {
	if filepath.IsAbs(hdr.Linkname) || climbs(hdr.Linkname) {
		return fmt.Errorf("hard link to %q leaves the image", hdr.Linkname)
	}
	target := filepath.Join(dir, filepath.Clean(hdr.Linkname))
	if err := checkParents(dir, filepath.Clean(hdr.Linkname)); err != nil {
		return err
	}
	return os.Link(target, path)
}

// finish sets the owner (as root), then the mode (chown clears set-uid
// bits, so the mode comes after), then the times of what was just made.
func finish(err error, path string, hdr *tar.Header, mode uint32, chmod bool) error {
	if err != nil {
		return err
	}
	// Only root may give a file away; unpacking as another user (a unit
	// test, say) keeps the files its own.
	if os.Geteuid() == 0 {
		if err := os.Lchown(path, hdr.Uid, hdr.Gid); err != nil {
			return err
		}
	}
	if chmod {
		if err := unix.Chmod(path, mode); err != nil {
			return err
		}
	}
	if err := setXattrs(path, hdr); err != nil {
		return err
	}
	mtime := unix.NsecToTimespec(hdr.ModTime.UnixNano())
	if hdr.ModTime.IsZero() {
		mtime = unix.NsecToTimespec(time.Now().UnixNano())
	}
	times := []unix.Timespec{mtime, mtime}
	return unix.UtimesNanoAt(unix.AT_FDCWD, path, times, unix.AT_SYMLINK_NOFOLLOW)
}

// Whiteouts: an image layer says "the file NAME of the layers below is
// deleted" with an empty file .wh.NAME, and "this directory replaces the
// one below, not merges with it" with .wh..wh..opq in it (the OCI image
// spec, after aufs). overlayfs says the same with a character device 0:0
// named NAME, and with the xattr trusted.overlay.opaque=y on the directory.
const (
	whiteoutPrefix = ".wh."
	opaqueMarker   = ".wh..wh..opq"
	opaqueXattr    = "trusted.overlay.opaque"
)

// checkWhiteout refuses a whiteout that names no file of its directory:
// ".wh." names nothing, ".wh.." the directory it is in and ".wh..." that
// directory's parent. Joined to the directory, the last two would delete
// the layer itself or, at its top, the store's tmp/ above it (and leave a
// character device there). A whiteout names one file beside it, nothing
// else.
func checkWhiteout(rel string) error {
	base := filepath.Base(rel)
	name, ok := strings.CutPrefix(base, whiteoutPrefix)
	if ok && (name == "" || name == "." || name == "..") {
		return fmt.Errorf("whiteout %q names no file of its directory: refused", rel)
	}
	return nil
}

// whiteout turns the entry rel into overlayfs's form when it is a
// whiteout, and reports whether it was one.
func whiteout(dir, rel string) (bool, error) {
	base := filepath.Base(rel)
	if !strings.HasPrefix(base, whiteoutPrefix) {
		return false, nil
	}
	name := strings.TrimPrefix(base, whiteoutPrefix)
	parent := filepath.Join(dir, filepath.Dir(rel))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return true, err
	}
	switch {
	case base == opaqueMarker:
		return true, unix.Lsetxattr(parent, opaqueXattr, []byte("y"), 0)
	case strings.HasPrefix(base, whiteoutPrefix+whiteoutPrefix):
		return true, nil // aufs's own bookkeeping (.wh..wh.plnk): not a file
	}
	path := filepath.Join(parent, name)
	if err := os.RemoveAll(path); err != nil {
		return true, err
	}
	if err := unix.Mknod(path, unix.S_IFCHR, 0); err != nil {
		return true, fmt.Errorf("make the whiteout %s: %w", path, err)
	}
	return true, nil
}

// setXattrs sets the extended attributes that the tar carries (as PAX
// records SCHILY.xattr.NAME), such as the file capabilities of ping. The
// trusted.overlay.* ones are overlayfs's own and are never taken from an
// image: they could redirect a lookup to another layer's files.
func setXattrs(path string, hdr *tar.Header) error {
	for key, value := range hdr.PAXRecords {
		name, ok := strings.CutPrefix(key, "SCHILY.xattr.")
		if !ok || strings.HasPrefix(name, "trusted.overlay.") {
			continue
		}
		err := unix.Lsetxattr(path, name, []byte(value), 0)
		// trusted.* needs root; a filesystem without xattrs refuses them.
		if err != nil && (os.Geteuid() != 0 || errors.Is(err, unix.ENOTSUP)) {
			continue
		}
		if err != nil {
			return fmt.Errorf("set xattr %s: %w", name, err)
		}
	}
	return nil
}
