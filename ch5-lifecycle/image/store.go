package image

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mydocker/mydocker/ch5-lifecycle/internal/lockfile"
)

// Store is the image directory tree under the state root.
type Store struct {
	Root string // mydocker's --root
}

// TarPath is where the image NAME is kept: <root>/images/NAME.tar.
func (s Store) TarPath(name string) string {
	return filepath.Join(s.Root, "images", name+".tar")
}

// LayerDir is where the image NAME is unpacked: <root>/layers/NAME, a
// symlink to the version of the layer unpacked last.
func (s Store) LayerDir(name string) string {
	return filepath.Join(s.Root, "layers", name)
}

// stampPath records which tar the layer was unpacked from.
func (s Store) stampPath(name string) string {
	return filepath.Join(s.Root, "layers", "."+name+".source")
}

// Layer returns the read-only layer of image NAME, unpacking its tar when
// the layer is missing or older than the tar. Containers start in
// parallel now: a lock makes the first one unpack while the others wait.
//
// A layer is the lower directory of every container made from it, and
// must not change under one: a new tar is unpacked into a new version,
// <root>/layers/.NAME.vN, and LayerDir is switched to it, while the old
// version stays until no container names it (Collect). use, when not nil,
// is called with the version's directory before the lock is let go: it
// records the directory (in the container's config) so that no Collect
// can take it in between.
func (s Store) Layer(name string, use func(lower string) error) (string, error) {
	if err := ValidName(name); err != nil {
		return "", err
	}
	lock, err := lockfile.Take(s.lockPath())
	if err != nil {
		return "", err
	}
	defer lock.Release()
	s.removeLeftovers()
	layer, err := s.current(name)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("image %s not found: no %s (make it with scripts/busybox-image.sh)", name, s.TarPath(name))
	}
	if err != nil {
		return "", fmt.Errorf("image %s: %w", name, err)
	}
	if use != nil {
		if err := use(layer); err != nil {
			return "", err
		}
	}
	return layer, nil
}

func (s Store) lockPath() string { return filepath.Join(s.Root, "layers.lock") }

// current returns the directory of the version of image NAME that its tar
// was unpacked into, unpacking the tar first when it is new. The caller
// holds the lock.
func (s Store) current(name string) (string, error) {
	tarPath := s.TarPath(name)
	st, err := os.Stat(tarPath)
	if err != nil {
		return "", err // fs.ErrNotExist: Layer says which image
	}
	stamp := fmt.Sprintf("%d %d\n", st.Size(), st.ModTime().UnixNano())
	if old, err := os.ReadFile(s.stampPath(name)); err == nil && string(old) == stamp {
		if dir, err := s.resolve(name); err == nil {
			return dir, nil
		}
	}
	dir, err := s.unpack(tarPath, name)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(s.stampPath(name), []byte(stamp), 0o644); err != nil {
		return "", fmt.Errorf("record its source: %w", err)
	}
	return dir, nil
}

// resolve returns the version directory that LayerDir(name) points to. A
// root from before versions has a plain directory there: it becomes a
// version of its own, so that the next tar does not replace it in place.
func (s Store) resolve(name string) (string, error) {
	link := s.LayerDir(name)
	info, err := os.Lstat(link)
	if err != nil {
		return "", err
	}
	if info.IsDir() {
		dir := s.versionDir(name, s.nextVersion(name))
		if err := os.Rename(link, dir); err != nil {
			return "", fmt.Errorf("move the old layer %s aside: %w", link, err)
		}
		return dir, s.point(name, dir)
	}
	target, err := os.Readlink(link)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(filepath.Dir(link), target)
	if _, err := os.Stat(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// unpack unpacks the tar into a fresh directory beside the layers, renames
// it to the next version of image NAME and points LayerDir at it, so that
// a failed or interrupted unpack never leaves a half layer behind, and the
// versions that containers use are never touched.
func (s Store) unpack(tarPath, name string) (string, error) {
	parent := filepath.Dir(s.LayerDir(name))
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+name+".unpacking-")
	if err != nil {
		return "", fmt.Errorf("create a directory to unpack into: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed

	f, err := os.Open(tarPath)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if err := Unpack(f, tmp); err != nil {
		return "", fmt.Errorf("unpack %s: %w", tarPath, err)
	}
	// The image's root directory is the layer's: a tar made with "tar -C
	// dir ." says "./" for it, and that mode (0755) must not stay 0700.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	if err := s.migrate(name); err != nil {
		return "", err
	}
	dir := s.versionDir(name, s.nextVersion(name))
	if err := os.Rename(tmp, dir); err != nil {
		return "", fmt.Errorf("move the layer into place: %w", err)
	}
	if err := s.point(name, dir); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// migrate makes a plain directory at LayerDir (a root from before
// versions) a version, so that the symlink can take its place.
func (s Store) migrate(name string) error {
	if info, err := os.Lstat(s.LayerDir(name)); err == nil && info.IsDir() {
		_, err := s.resolve(name)
		return err
	}
	return nil
}

// point switches LayerDir(name) to dir in one step: a new symlink is made
// beside it and renamed over it (rename(2) is atomic), so that a reader
// sees the old version or the new one, never none.
func (s Store) point(name, dir string) error {
	link := s.LayerDir(name)
	tmp := filepath.Join(filepath.Dir(link), "."+name+".switching")
	os.Remove(tmp) // left by a mydocker killed here
	if err := os.Symlink(filepath.Base(dir), tmp); err != nil {
		return fmt.Errorf("point %s at %s: %w", link, dir, err)
	}
	if err := os.Rename(tmp, link); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("point %s at %s: %w", link, dir, err)
	}
	return nil
}

// ValidName checks an image name: it becomes a file name, so it may not
// be empty, contain a slash or be a dot name.
func ValidName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") || strings.HasPrefix(name, ".") {
		return fmt.Errorf("invalid image name %q: want a plain name such as busybox", name)
	}
	return nil
}
