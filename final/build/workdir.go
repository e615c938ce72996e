package build

import (
	"archive/tar"
	"bytes"
	"path"
	"strings"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/mydocker/mydocker/final/image"
)

// workdir sets WorkingDir and makes the directory, as BuildKit does: a
// layer with the directories that are missing, root's, 0755; none when
// the directory is there already (the step has an empty layer then).
func (s *stage) workdir(v *vertex, c *instructions.WorkdirCommand) error {
	cfg := cloneConfig(s.cfg)
	cfg.Config.WorkingDir = workdir(s.cfg.Config.WorkingDir, c.Path)
	createdBy := nopCreatedBy(&cfg.Config, "WORKDIR "+cfg.Config.WorkingDir)
	return s.commit(v, createdBy, func() (*image.Image, error) {
		missing, err := s.missingDirs(cfg.Config.WorkingDir)
		if err != nil {
			return nil, err
		}
		if len(missing) == 0 {
			return s.b.images.Step(s.img, nil, withHistory(cfg, createdBy, true))
		}
		return s.b.images.Step(s.img, bytes.NewReader(dirsTar(missing)), withHistory(cfg, createdBy, false))
	})
}

// missingDirs are dir and those of its parents that the image lacks,
// outermost first.
func (s *stage) missingDirs(dir string) ([]string, error) {
	root, err := openRootfs(s.b.images, s.img, s.b.tmp)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	var missing []string
	for p := dir; p != "/"; p = path.Dir(p) {
		if _, ok := root.exists(p); ok {
			break
		}
		missing = append([]string{p}, missing...)
	}
	return missing, nil
}

// dirsTar is a layer of the directories, root's, 0755.
func dirsTar(dirs []string) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	now := time.Now().UTC().Truncate(time.Second)
	for _, d := range dirs {
		_ = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(d, "/") + "/",
			Mode: 0o755, ModTime: now, Format: tar.FormatPAX})
	}
	_ = tw.Close()
	return buf.Bytes()
}
