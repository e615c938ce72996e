package container

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/ch6-network/image"
)

// LowerDir is the image layer the container's overlay is made on. A
// container made before layers had versions names none: it was made on
// the image's current layer.
func (s *State) LowerDir(images image.Store) string {
	if s.Lower != "" {
		return s.Lower
	}
	return images.LayerDir(s.Image)
}

// collectLayers removes the old versions of image layers that no
// container uses any more (image.Store.Collect). A failure only delays
// that to a later command.
func collectLayers(store Store) {
	images := image.Store{Root: store.Root}
	err := images.Collect(func() (map[string]bool, error) { return usedLayers(store, images) })
	if err != nil {
		logrus.WithError(err).Debug("collect the old image layers")
	}
}

// usedLayers lists the layers that the containers' configs name, in any
// state. A config that cannot be read fails it: that container's layer is
// unknown, so none may go.
func usedLayers(store Store, images image.Store) (map[string]bool, error) {
	entries, err := os.ReadDir(store.containersDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, e := range entries {
		// A .tmp- directory is made under the layers' lock (Layer's use):
		// one seen here, under that lock, was abandoned, and mounts nothing.
		if !isID(e.Name()) {
			continue
		}
		st, err := loadState(filepath.Join(store.containersDir(), e.Name()))
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("container %s: %w", e.Name(), err)
		}
		used[st.LowerDir(images)] = true
	}
	return used, nil
}
