package image

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Load reads the images of a tar made by "docker save" (docker-archive:
// manifest.json) or an OCI image layout (index.json), stores them with
// their names, and returns what docker load prints: "Loaded image:
// NAME" per tag, "Loaded image ID: sha256:…" for an image without one.
func (s Store) Load(ctx context.Context, path string, p Progress) ([]string, error) {
	files, err := tarNames(path)
	if err != nil {
		return nil, err
	}
	switch {
	case files["manifest.json"]:
		return s.loadDockerArchive(ctx, path, p)
	case files["index.json"] && files["oci-layout"]:
		return s.loadOCILayout(ctx, path, p)
	}
	return nil, fmt.Errorf("load %s: neither a docker-archive (no manifest.json) nor an OCI layout (no index.json)", path)
}

// LoadFrom is Load of a tar read from r (stdin, a request's body): it is
// read more than once, so it is kept in the store's tmp/ while it loads,
// where a load killed meanwhile leaves it for cleanTmp.
func (s Store) LoadFrom(ctx context.Context, r io.Reader, p Progress) ([]string, error) {
	f, err := s.tmpFile()
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("load: read the tar: %w", err)
	}
	return s.Load(ctx, f.Name(), p)
}

// tarNames lists the regular files at the top of the tar at path.
func tarNames(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	defer f.Close()
	names := map[string]bool{}
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names, nil
		}
		if err != nil {
			return nil, fmt.Errorf("load %s: not a tar: %w", path, err)
		}
		names[strings.TrimPrefix(hdr.Name, "./")] = true
	}
}

func (s Store) loadDockerArchive(ctx context.Context, path string, p Progress) ([]string, error) {
	opener := func() (io.ReadCloser, error) { return os.Open(path) }
	manifest, err := tarball.LoadManifest(opener)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	var loaded []string
	for _, entry := range manifest {
		var tag *name.Tag
		if len(entry.RepoTags) > 0 {
			t, err := name.NewTag(entry.RepoTags[0])
			if err != nil {
				return loaded, fmt.Errorf("load %s: %w", path, err)
			}
			tag = &t
		} else if len(manifest) > 1 {
			return loaded, fmt.Errorf("load %s: an untagged image among several cannot be told apart", path)
		}
		img, err := tarball.Image(opener, tag)
		if err != nil {
			return loaded, fmt.Errorf("load %s: %w", path, err)
		}
		lines, err := s.loadOne(ctx, img, entry.RepoTags, p)
		loaded = append(loaded, lines...)
		if err != nil {
			return loaded, err
		}
	}
	for _, name := range loaded {
		s.event("load", name, name)
	}
	return loaded, nil
}

func (s Store) loadOCILayout(ctx context.Context, path string, p Progress) ([]string, error) {
	dir, err := s.extractLayout(path)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	var loaded []string
	for _, desc := range im.Manifests {
		img, err := imageOf(idx, desc)
		if err != nil {
			return loaded, fmt.Errorf("load %s: %w", path, err)
		}
		var names []string
		if n := layoutName(desc); n != "" {
			names = []string{n}
		}
		lines, err := s.loadOne(ctx, img, names, p)
		loaded = append(loaded, lines...)
		if err != nil {
			return loaded, err
		}
	}
	for _, name := range loaded {
		s.event("load", name, name)
	}
	return loaded, nil
}

// imageOf is the image desc names in idx: itself, or, for an index in the
// index, its image for linux on this architecture.
func imageOf(idx v1.ImageIndex, desc v1.Descriptor) (v1.Image, error) {
	if !desc.MediaType.IsIndex() {
		return idx.Image(desc.Digest)
	}
	child, err := idx.ImageIndex(desc.Digest)
	if err != nil {
		return nil, err
	}
	cm, err := child.IndexManifest()
	if err != nil {
		return nil, err
	}
	for _, d := range cm.Manifests {
		if d.Platform != nil && d.Platform.OS == "linux" && d.Platform.Architecture == runtime.GOARCH {
			return child.Image(d.Digest)
		}
	}
	return nil, fmt.Errorf("no image for linux/%s in the index %s", runtime.GOARCH, desc.Digest)
}

// layoutName is the name an OCI layout gives an image: containerd's full
// name, or the ref.name annotation when it is a full reference.
func layoutName(desc v1.Descriptor) string {
	if n := desc.Annotations["io.containerd.image.name"]; n != "" {
		return n
	}
	n := desc.Annotations["org.opencontainers.image.ref.name"]
	if strings.ContainsAny(n, "/:") {
		return n
	}
	return ""
}

// loadOne stores one image and names it.
func (s Store) loadOne(ctx context.Context, img v1.Image, names []string, p Progress) ([]string, error) {
	rec, _, err := s.put(ctx, img, p)
	if err != nil {
		s.abandon()
		return nil, fmt.Errorf("load: %w", err)
	}
	var tags, lines []string
	for _, n := range names {
		ref, err := ParseRef(n)
		if err != nil || ref.Tag() == "" {
			continue
		}
		tags = append(tags, ref.String())
		lines = append(lines, "Loaded image: "+ref.Familiar())
	}
	if err := s.add(rec, tags, nil); err != nil {
		s.abandon()
		return nil, err
	}
	if len(lines) == 0 {
		lines = []string{"Loaded image ID: " + rec.ID}
	}
	return lines, nil
}

// extractLayout unpacks an OCI layout tar into a directory of tmp/: only
// regular files and directories, and none outside it.
func (s Store) extractLayout(path string) (string, error) {
	tmp, err := s.tmpDir()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp(tmp, fmt.Sprintf("%d-load-*", os.Getpid()))
	if err != nil {
		return "", err
	}
	if err := extractPlain(path, dir); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("load %s: %w", path, err)
	}
	return dir, nil
}

func extractPlain(path, dir string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		rel, err := entryPath(hdr.Name)
		if err != nil {
			return err
		}
		target := filepath.Join(dir, rel)
		switch hdr.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(target, 0o700)
		case tar.TypeReg:
			if err = os.MkdirAll(filepath.Dir(target), 0o700); err == nil {
				err = writeFile(target, tr)
			}
		}
		if err != nil {
			return err
		}
	}
}
