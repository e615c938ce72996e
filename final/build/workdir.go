package build

import (
	"archive/tar"
	"bytes"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/mydocker/mydocker/final/image"
)

// workdir sets WorkingDir and makes the directory, as BuildKit does: a
// layer with the directories that are missing, 0755, owned by the USER
// set before it (its name read in the image's /etc/passwd, as --chown's);
// none when the directory is there already (the step has an empty layer
// then).
func (s *stage) workdir(v *vertex, c *instructions.WorkdirCommand) error {
	cfg := cloneConfig(s.cfg)
	cfg.Config.WorkingDir = workdir(s.cfg.Config.WorkingDir, c.Path)
	createdBy := nopCreatedBy(&cfg.Config, "WORKDIR "+cfg.Config.WorkingDir)
	return s.commit(v, createdBy, func() (*image.Image, error) {
		missing, uid, gid, err := s.missingDirs(cfg.Config.WorkingDir, cfg.Config.User)
		if err != nil {
			return nil, err
		}
		if len(missing) == 0 {
			return s.b.images.Step(s.img, nil, withHistory(cfg, createdBy, true))
		}
		return s.b.images.Step(s.img, bytes.NewReader(dirsTar(missing, uid, gid)), withHistory(cfg, createdBy, false))
	})
}

// missingDirs are dir and those of its parents that the image lacks,
// outermost first, and the owner they get: user's IDs (root's when it is
// empty).
func (s *stage) missingDirs(dir, user string) (missing []string, uid, gid int, err error) {
	root, err := openRootfs(s.b.images, s.img, s.b.tmp)
	if err != nil {
		return nil, 0, 0, err
	}
	defer root.Close()
	for p := dir; p != "/"; p = path.Dir(p) {
		if _, ok := root.exists(p); ok {
			break
		}
		missing = append([]string{p}, missing...)
	}
	if len(missing) > 0 && user != "" {
		if uid, gid, err = chownIDs(root.Path(), user); err != nil {
			return nil, 0, 0, fmt.Errorf("WORKDIR %s: USER %s: %w", dir, user, err)
		}
	}
	return missing, uid, gid, nil
}

// dirsTar is a layer of the directories, 0755, owned by uid:gid.
func dirsTar(dirs []string, uid, gid int) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	now := time.Now().UTC().Truncate(time.Second)
	for _, d := range dirs {
		_ = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(d, "/") + "/",
			Mode: 0o755, Uid: uid, Gid: gid, ModTime: now, Format: tar.FormatPAX})
	}
	_ = tw.Close()
	return buf.Bytes()
}
