package container

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mydocker/mydocker/ch4-export/image"
	"github.com/mydocker/mydocker/ch4-export/overlay"
)

// Commit writes the running container's filesystem, as the container sees
// it (the image with its changes), to the image NAME: <root>/images/NAME.tar.
// The volumes' contents are left out: they are the host's data, and only
// their mount points, as made in the container, go into the image. An
// existing image is replaced only with force. It returns the path of the
// image.
func Commit(root, name string, force bool) (string, error) {
	if err := image.ValidName(name); err != nil {
		return "", err
	}
	ws := overlay.Workspace{Path: filepath.Join(root, "overlay")}
	if !overlay.Running(root) {
		return "", fmt.Errorf("no running container under %s to commit", root)
	}
	dest := image.Store{Root: root}.TarPath(name)
	if _, err := os.Stat(dest); err == nil && !force {
		return "", fmt.Errorf("image %s already exists: %s (use --force to replace it)", name, dest)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	rootfs, err := ws.OpenRootfs()
	if err != nil {
		return "", err
	}
	defer rootfs.Close()
	err = image.WriteAtomically(dest, func(w io.Writer) error {
		return image.ExportFrom(rootfs, w)
	})
	if err != nil {
		return "", fmt.Errorf("commit to image %s: %w", name, err)
	}
	return dest, nil
}
