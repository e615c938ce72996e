package container

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/overlay"
	"github.com/mydocker/mydocker/final/state"
	"github.com/mydocker/mydocker/final/volume"
)

// makeVolumes makes what the container's volumes bind: a missing host
// directory (as docker's -v), a named volume removed meanwhile, and the
// anonymous volumes, which are made with the container rather than by
// the CLI: one that never runs leaves none behind (discard removes them).
func makeVolumes(st *state.Container) error {
	vols := volume.Store{Root: st.Root()}
	var binds []overlay.Volume
	for _, v := range st.Volumes {
		var err error
		switch {
		case v.Anonymous:
			_, err = vols.CreateAnonymous(v.Name)
		case v.Name != "":
			_, err = vols.Create(v.Name)
		default:
			binds = append(binds, v)
		}
		if err != nil {
			return err
		}
	}
	return overlay.CreateHostDirs(binds)
}

// fillVolumes copies into each new, empty volume of the container what
// its image has at the volume's path, as docker does (a database image's
// initial files, /etc of an nginx image), unless nocopy. merged is the
// container's root, mounted and not yet running. The image is an
// attacker's: both sides are opened as an os.Root, which no symlink and
// no ".." leaves, and only directories, regular files and symlinks (as
// links) are copied, with their owners and modes.
func fillVolumes(st *state.Container, merged string) error {
	for _, v := range st.Volumes {
		if v.Name == "" || v.NoCopy {
			continue
		}
		if err := fillVolume(merged, v); err != nil {
			return fmt.Errorf("fill volume %s from the image's %s: %w", v.Name, v.Container, err)
		}
	}
	return nil
}

func fillVolume(merged string, v overlay.Volume) error {
	dst, err := os.OpenRoot(v.Host)
	if err != nil {
		return err
	}
	defer dst.Close()
	if empty, err := isEmpty(dst); err != nil || !empty {
		return err
	}
	src, err := os.OpenRoot(merged)
	if err != nil {
		return err
	}
	defer src.Close()
	from := strings.TrimPrefix(v.Container, "/")
	info, err := src.Stat(from)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // nothing there in the image: the volume stays empty
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return nil
	}
	// The volume's own directory takes the image's owner and mode.
	if err := copyOwner(dst, ".", info); err != nil {
		return err
	}
	return fs.WalkDir(src.FS(), from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if rel == "." {
			return nil
		}
		return copyEntry(src, dst, path, rel, d)
	})
}

// isEmpty reports whether the volume's directory has nothing in it.
func isEmpty(root *os.Root) (bool, error) {
	f, err := root.Open(".")
	if err != nil {
		return false, err
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	if errors.Is(err, io.EOF) {
		return true, nil
	}
	return false, err
}

// copyEntry copies one entry of the image's tree to rel in the volume.
func copyEntry(src, dst *os.Root, path, rel string, d fs.DirEntry) error {
	info, err := d.Info()
	if err != nil {
		return err
	}
	switch {
	case d.IsDir():
		if err := dst.Mkdir(rel, 0o700); err != nil {
			return err
		}
	case d.Type().IsRegular():
		if err := copyFile(src, dst, path, rel); err != nil {
			return err
		}
	case d.Type()&fs.ModeSymlink != 0:
		target, err := src.Readlink(path)
		if err != nil {
			return err
		}
		if err := dst.Symlink(target, rel); err != nil {
			return err
		}
		return copyOwner(dst, rel, info)
	default:
		logrus.WithField("path", path).Debug("not copied into the volume: neither a file, a directory nor a symlink")
		return nil
	}
	return copyOwner(dst, rel, info)
}

func copyFile(src, dst *os.Root, path, rel string) error {
	in, err := src.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := dst.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// copyOwner gives rel in the volume the owner and mode of info (a
// symlink keeps its own mode).
func copyOwner(dst *os.Root, rel string, info fs.FileInfo) error {
	sys, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if err := dst.Lchown(rel, int(sys.Uid), int(sys.Gid)); err != nil {
		return err
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		return nil
	}
	return dst.Chmod(rel, info.Mode()&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky))
}

// removeAnonymousVolumes removes the anonymous volumes of st, which is
// removed: those that no other container uses (docker's rule: a volume
// in use stays). A failure is said, and leaves the volume, dangling, for
// volume prune: the container is gone either way.
func removeAnonymousVolumes(store state.Store, st *state.Container) {
	var anon []overlay.Volume
	for _, v := range st.Volumes {
		if v.Anonymous {
			anon = append(anon, v)
		}
	}
	if len(anon) == 0 {
		return
	}
	others, _ := store.List()
	vols := volume.Store{Root: store.Root}
	for _, v := range anon {
		if _, err := vols.Get(v.Name); err != nil {
			continue // never made: it never ran
		}
		var users []string
		for _, o := range others {
			if o.ID == st.ID {
				continue
			}
			for _, ov := range o.Volumes {
				if ov.Name == v.Name {
					users = append(users, o.Name)
				}
			}
		}
		if err := vols.Remove(v.Name, users); err != nil {
			logrus.WithError(err).WithField("container", st.Name).Warn("remove its anonymous volume")
		}
	}
}
