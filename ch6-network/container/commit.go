package container

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/mydocker/mydocker/ch6-network/image"
)

// Commit writes the container's filesystem, as the container sees it (the
// image with its changes), to the image NAME: <root>/images/NAME.tar (book
// 5.7). The container may run or have exited. The volumes' contents are
// left out: they are the host's data, and only their mount points, as
// made in the container, go into the image. An existing image is replaced
// only with force. It returns the path of the image.
func Commit(store Store, st *State, name string, force bool) (string, error) {
	if err := image.ValidName(name); err != nil {
		return "", err
	}
	images := image.Store{Root: store.Root}
	dest := images.TarPath(name)
	if _, err := os.Stat(dest); err == nil && !force {
		return "", fmt.Errorf("image %s already exists: %s (use --force to replace it)", name, dest)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	rootfs, err := openRootfs(st, images)
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

// openRootfs opens the container's filesystem without its volumes: its
// mounted overlay while it runs, its layers once it has exited.
func openRootfs(st *State, images image.Store) (*os.File, error) {
	ws := st.Workspace()
	if st.Status == Running && st.Init.Alive() {
		return ws.OpenRootfs()
	}
	return ws.OpenLayers(st.LowerDir(images))
}
