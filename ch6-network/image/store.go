package image

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mydocker/mydocker/ch6-network/internal/lockfile"
)

// Store is the image directory tree under the state root.
type Store struct {
	Root string // mydocker's --root
}

// TarPath is where the image NAME is kept: <root>/images/NAME.tar.
func (s Store) TarPath(name string) string {
	return filepath.Join(s.Root, "images", name+".tar")
}

// LayerDir is where the image NAME is unpacked: <root>/layers/NAME.
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
func (s Store) Layer(name string) (string, error) {
	if err := ValidName(name); err != nil {
		return "", err
	}
	lock, err := lockfile.Take(filepath.Join(s.Root, "layers.lock"))
	if err != nil {
		return "", err
	}
	defer lock.Release()
	tarPath := s.TarPath(name)
	st, err := os.Stat(tarPath)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("image %s not found: no %s (make it with scripts/busybox-image.sh)", name, tarPath)
	}
	if err != nil {
		return "", fmt.Errorf("image %s: %w", name, err)
	}
	stamp := fmt.Sprintf("%d %d\n", st.Size(), st.ModTime().UnixNano())
	layer := s.LayerDir(name)
	if old, err := os.ReadFile(s.stampPath(name)); err == nil && string(old) == stamp {
		if _, err := os.Stat(layer); err == nil {
			return layer, nil
		}
	}
	if err := s.unpack(tarPath, layer); err != nil {
		return "", fmt.Errorf("image %s: %w", name, err)
	}
	if err := os.WriteFile(s.stampPath(name), []byte(stamp), 0o644); err != nil {
		return "", fmt.Errorf("image %s: record its source: %w", name, err)
	}
	return layer, nil
}

// unpack unpacks the tar into a fresh directory beside layer and renames it
// into place, so that a failed or interrupted unpack never leaves a half
// layer behind.
func (s Store) unpack(tarPath, layer string) error {
	parent := filepath.Dir(layer)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(layer)+".unpacking-")
	if err != nil {
		return fmt.Errorf("create a directory to unpack into: %w", err)
	}
	defer os.RemoveAll(tmp)

	f, err := os.Open(tarPath)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := Unpack(f, tmp); err != nil {
		return fmt.Errorf("unpack %s: %w", tarPath, err)
	}
	// The image's root directory is the layer's: a tar made with "tar -C
	// dir ." says "./" for it, and that mode (0755) must not stay 0700.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := os.RemoveAll(layer); err != nil {
		return fmt.Errorf("remove the old layer %s: %w", layer, err)
	}
	if err := os.Rename(tmp, layer); err != nil {
		return fmt.Errorf("move the layer into place: %w", err)
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
