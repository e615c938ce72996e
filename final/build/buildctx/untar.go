package buildctx

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
	"time"
)

// unpack extracts a context tar (plain or compressed) into dir through an
// os.Root: an absolute name or one that climbs out with ".." is an error, a
// symlink in the tar can never make a later entry land outside dir (os.Root
// refuses to follow it out), hard links must name an entry inside, devices
// and FIFOs are not created (a context needs none, and a FIFO could hang a
// later read). Owners are not kept: COPY writes its own.
func unpack(r io.Reader, dir string) error {
	d, done, err := Decompress(r)
	if err != nil {
		return fmt.Errorf("read context archive: %w", err)
	}
	defer done()
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	u := &untarrer{root: root}
	tr := tar.NewReader(d)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return u.dirTimes()
		}
		if err != nil {
			return fmt.Errorf("read context archive: %w", err)
		}
		if err := u.entry(hdr, tr); err != nil {
			return fmt.Errorf("context archive: %s: %w", hdr.Name, err)
		}
	}
}

type untarrer struct {
	root *os.Root
	// dirs get their mtimes last: writing inside a directory changes it.
	dirs []dirTime
}

type dirTime struct {
	name  string
	mtime time.Time
}

func (u *untarrer) entry(hdr *tar.Header, body io.Reader) error {
	name, err := contextEntryName(hdr.Name)
	if err != nil || name == "." {
		return err
	}
	if err := u.root.MkdirAll(path.Dir(name), 0o755); err != nil {
		return err
	}
	mode := fs.FileMode(hdr.Mode & 0o777)
	switch hdr.Typeflag {
	case tar.TypeDir:
		return u.dir(name, hdr)
	case tar.TypeReg, tar.TypeRegA:
		return u.file(name, mode, hdr, body)
	case tar.TypeSymlink:
		if err := u.replace(name); err != nil {
			return err
		}
		return u.root.Symlink(hdr.Linkname, name)
	case tar.TypeLink:
		to, err := contextEntryName(hdr.Linkname)
		if err != nil {
			return err
		}
		if err := u.replace(name); err != nil {
			return err
		}
		return u.root.Link(to, name)
	}
	return nil // devices, FIFOs, and headers that describe no file
}

func (u *untarrer) dir(name string, hdr *tar.Header) error {
	if fi, err := u.root.Lstat(name); err == nil && !fi.IsDir() {
		if err := u.root.Remove(name); err != nil {
			return err
		}
	}
	if err := u.root.Mkdir(name, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	u.dirs = append(u.dirs, dirTime{name, hdr.ModTime})
	return u.root.Chmod(name, setModeBits(hdr.Mode))
}

func (u *untarrer) file(name string, mode fs.FileMode, hdr *tar.Header, body io.Reader) error {
	if err := u.replace(name); err != nil {
		return err
	}
	f, err := u.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, body); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(mode | setModeBits(hdr.Mode)&^fs.ModePerm); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return u.root.Chtimes(name, hdr.ModTime, hdr.ModTime)
}

// replace removes a non-directory already at name: a later tar entry wins.
func (u *untarrer) replace(name string) error {
	fi, err := u.root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("a directory is in the way")
	}
	return u.root.Remove(name)
}

func (u *untarrer) dirTimes() error {
	for i := len(u.dirs) - 1; i >= 0; i-- {
		d := u.dirs[i]
		if err := u.root.Chtimes(d.name, d.mtime, d.mtime); err != nil {
			return err
		}
	}
	return nil
}

// contextEntryName checks a context tar entry name: relative, inside.
func contextEntryName(name string) (string, error) {
	if strings.HasPrefix(name, "/") {
		return "", fmt.Errorf("absolute path in context archive: %s", name)
	}
	c := path.Clean(name)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("path outside the context in archive: %s", name)
	}
	return c, nil
}

// setModeBits turns a tar mode into an fs.FileMode with its special bits.
func setModeBits(m int64) fs.FileMode {
	out := fs.FileMode(m & 0o777)
	if m&0o4000 != 0 {
		out |= fs.ModeSetuid
	}
	if m&0o2000 != 0 {
		out |= fs.ModeSetgid
	}
	if m&0o1000 != 0 {
		out |= fs.ModeSticky
	}
	return out
}
