package containerfs

import (
	"fmt"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/state"
)

// Commit makes a new image from the container, running or exited, as
// docker commit does: its image's layers, and on top one more layer of
// what the container changed (its overlay upper layer, whiteouts
// included), with the config it runs with, changed by changes (Dockerfile
// lines). Volumes are not in it: their contents are the host's data, and
// only the empty mount points made in the container are in its changes.
// name may be "" for an image without a tag.
func Commit(store state.Store, st *state.Container, name string, changes []string, comment string) (*image.Image, error) {
	images := image.Store{Root: store.Root}
	parent, err := images.Get(st.ImageID)
	if err != nil {
		return nil, fmt.Errorf("commit %s: its image: %w", st.Name, err)
	}
	cfg := v1.Config{
		Entrypoint: st.Config.Entrypoint, Cmd: st.Config.Cmd, Env: st.Config.Env,
		WorkingDir: st.Config.WorkingDir, User: st.Config.User,
	}
	for _, c := range changes {
		if err := image.ApplyChange(&cfg, c); err != nil {
			return nil, err
		}
	}
	upper, err := st.Workspace().OpenUpper()
	if err != nil {
		return nil, err
	}
	defer upper.Close()
	r, w := io.Pipe()
	go func() { w.CloseWithError(image.ExportDiff(upper, w)) }()
	img, err := images.Commit(parent, r, cfg, name, comment)
	r.CloseWithError(fmt.Errorf("commit ended"))
	return img, err
}

// Export writes the container's filesystem, as the container sees it (its
// image with its changes, without the volumes' contents), to w as a plain
// tar: docker export, and the book's "commit" (5.7).
func Export(store state.Store, st *state.Container, w io.Writer) error {
	rootfs, err := openRootfs(store, st)
	if err != nil {
		return err
	}
	defer rootfs.Close()
	return image.ExportFrom(rootfs, w)
}

// openRootfs opens the container's filesystem without its volumes: its
// mounted overlay while it runs, its layers once it has exited.
func openRootfs(store state.Store, st *state.Container) (*os.File, error) {
	ws := st.Workspace()
	if st.Status == state.Running && st.Init.Alive() {
		return ws.OpenRootfs()
	}
	images := image.Store{Root: store.Root}
	img, err := images.Get(st.ImageID)
	if err != nil {
		return nil, fmt.Errorf("the image of %s: %w", st.Name, err)
	}
	return ws.OpenLayers(images.Lowers(img))
}
