package containerfs

import (
	"fmt"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/overlay"
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
	cfg, err := commitConfig(images, parent, st)
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		if err := image.ApplyChange(&cfg, c); err != nil {
			return nil, err
		}
	}
	upper, err := openChanges(st.Workspace())
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

// openChanges opens the container's writable layer; one that never ran
// has none, and no change: an empty directory stands for it.
func openChanges(ws overlay.Workspace) (*os.File, error) {
	if ws.HasUpper() {
		return ws.OpenUpper()
	}
	return ws.OpenEmpty()
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

// commitConfig is the new image's config, as docker commit makes it: what
// the container runs with (its image's config with the run flags over
// it), and what of its image's it keeps (VOLUME, with the container's own
// anonymous volumes' paths, as docker's container config has them).
func commitConfig(images image.Store, parent *image.Image, st *state.Container) (v1.Config, error) {
	cfg := v1.Config{
		Entrypoint: st.Config.Entrypoint, Cmd: st.Config.Cmd, Env: st.Config.Env,
		WorkingDir: st.Config.WorkingDir, User: st.Config.User,
		Labels: st.Config.Labels, StopSignal: st.Config.StopSignal, ExposedPorts: st.Config.ExposedPorts,
	}
	pcfg, err := images.Config(parent)
	if err != nil {
		return cfg, fmt.Errorf("commit %s: its image's config: %w", st.Name, err)
	}
	for p := range pcfg.Config.Volumes {
		addVolume(&cfg, p)
	}
	for _, v := range st.Volumes {
		if v.Anonymous {
			addVolume(&cfg, v.Container)
		}
	}
	if h := st.Healthcheck; h != nil {
		cfg.Healthcheck = &v1.HealthConfig{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout,
			StartPeriod: h.StartPeriod, Retries: h.Retries}
	}
	return cfg, nil
}

func addVolume(cfg *v1.Config, path string) {
	if cfg.Volumes == nil {
		cfg.Volumes = map[string]struct{}{}
	}
	cfg.Volumes[path] = struct{}{}
}
