package image

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Config reads the image's config: what run starts by default (Entrypoint,
// Cmd, Env, WorkingDir, User), its layers' diff IDs and its history.
func (s Store) Config(img *Image) (*v1.ConfigFile, error) {
	data, err := s.readBlob(img.ID)
	if err != nil {
		return nil, err
	}
	var cfg v1.ConfigFile
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("image %s: read its config: %w", img.ShortID(), err)
	}
	return &cfg, nil
}

// newLayer makes a layer of the store from a tar stream: it is kept
// gzipped as the blob, and unpacked as a registry's layer would be (the
// same checks, the same whiteouts).
func (s Store) newLayer(tarStream io.Reader) (Layer, error) {
	f, err := s.tmpFile()
	if err != nil {
		return Layer{}, err
	}
	defer os.Remove(f.Name())
	blob, diff := newDigestWriter(), newDigestWriter()
	zw, _ := gzip.NewWriterLevel(io.MultiWriter(f, blob), gzip.BestSpeed)
	_, err = io.Copy(io.MultiWriter(zw, diff), tarStream)
	if err == nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Layer{}, fmt.Errorf("read the layer: %w", err)
	}
	l := Layer{
		Digest: blob.Digest(), DiffID: diff.Digest(), Size: blob.n,
		MediaType: string(types.OCILayer),
	}
	if err := s.hold(l.Digest, l.DiffID); err != nil {
		return Layer{}, err
	}
	if l.Unpacked, err = s.addLayer(f.Name(), l); err != nil {
		return Layer{}, err
	}
	return l, nil
}

// build stores an image made here (import, commit): its config with the
// layers' diff IDs, and an OCI manifest; tags name it.
func (s Store) build(cfg *v1.ConfigFile, layers []Layer, tags []string) (*Image, error) {
	cfg.RootFS = v1.RootFS{Type: "layers"}
	for _, l := range layers {
		h, err := v1.NewHash(l.DiffID)
		if err != nil {
			return nil, err
		}
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, h)
	}
	rawConfig, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	id, err := s.putBlob(rawConfig)
	if err != nil {
		return nil, err
	}
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		Config:        descriptor(types.OCIConfigJSON, id, int64(len(rawConfig))),
	}
	for _, l := range layers {
		m.Layers = append(m.Layers, descriptor(types.MediaType(l.MediaType), l.Digest, l.Size))
	}
	rawManifest, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	digest, err := s.putBlob(rawManifest)
	if err != nil {
		return nil, err
	}
	img := &Image{ID: id, Manifest: digest, MediaType: string(m.MediaType), Layers: layers, Created: cfg.Created.Time}
	if err := s.add(img, tags, nil); err != nil {
		return nil, err
	}
	return img, nil
}

func descriptor(mt types.MediaType, digest string, size int64) v1.Descriptor {
	h, _ := v1.NewHash(digest)
	return v1.Descriptor{MediaType: mt, Digest: h, Size: size}
}

// Import makes a one-layer image of a root filesystem tar (docker import):
// the book's images, or scripts/busybox-image.sh's. changes are
// Dockerfile lines for its config (CMD, ENTRYPOINT, ENV, WORKDIR, USER).
func (s Store) Import(r io.Reader, name string, changes []string) (*Image, error) {
	tags, err := tagsFor(name)
	if err != nil {
		return nil, err
	}
	cfg := &v1.ConfigFile{
		Architecture: runtime.GOARCH, OS: "linux",
		Created: v1.Time{Time: time.Now().UTC()},
	}
	for _, c := range changes {
		if err := ApplyChange(&cfg.Config, c); err != nil {
			return nil, err
		}
	}
	s.cleanTmp()
	l, err := s.newLayer(r)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	cfg.History = []v1.History{{Created: cfg.Created, CreatedBy: "mydocker import", Comment: "Imported from a tar"}}
	img, err := s.build(cfg, []Layer{l}, tags)
	if err != nil {
		s.abandon()
		return nil, err
	}
	s.event("import", img.ID, name)
	return img, nil
}

// Commit makes a new image of the parent image with one more layer on
// top, from the tar stream diff (a container's changes), and the config
// the container ran with.
func (s Store) Commit(parent *Image, diff io.Reader, config v1.Config, name, comment string) (*Image, error) {
	tags, err := tagsFor(name)
	if err != nil {
		return nil, err
	}
	cfg, err := s.Config(parent)
	if err != nil {
		return nil, err
	}
	s.cleanTmp()
	l, err := s.newLayer(diff)
	if err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	cfg.Config = config
	cfg.Created = v1.Time{Time: time.Now().UTC()}
	cfg.History = append(cfg.History, v1.History{Created: cfg.Created, CreatedBy: "mydocker commit", Comment: comment})
	layers := append(append([]Layer{}, parent.Layers...), l)
	img, err := s.build(cfg, layers, tags)
	if err != nil {
		s.abandon()
		return nil, err
	}
	return img, nil
}

// tagsFor is the tag list of an optional name ("" gives an image with
// none, as docker commit without one).
func tagsFor(name string) ([]string, error) {
	if name == "" {
		return nil, nil
	}
	ref, err := ParseRef(name)
	if err != nil {
		return nil, err
	}
	if ref.Tag() == "" {
		return nil, fmt.Errorf("%s: an image made here is named by a tag, not a digest", name)
	}
	return []string{ref.String()}, nil
}

// Step makes the image of one build step (mydocker build): parent's
// layers (none for FROM scratch: parent nil), and one more of diff when
// it is not nil, with cfg as its whole config (its history already has
// the step's entry). The image is marked intermediate: untagged, images
// hides it, as docker hides its builder's; parent is recorded as its
// Parent, for rmi and the prunes to take the steps along.
func (s Store) Step(parent *Image, diff io.Reader, cfg *v1.ConfigFile) (*Image, error) {
	var layers []Layer
	if parent != nil {
		layers = append(layers, parent.Layers...)
	}
	s.cleanTmp()
	if diff != nil {
		l, err := s.newLayer(diff)
		if err != nil {
			return nil, fmt.Errorf("build: %w", err)
		}
		layers = append(layers, l)
	}
	img, err := s.build(cfg, layers, nil)
	if err != nil {
		s.abandon()
		return nil, err
	}
	err = s.update(func(idx *index) error {
		if have, ok := idx.Images[img.ID]; ok {
			have.Intermediate = true
			if parent != nil && have.Parent == "" {
				have.Parent = parent.ID
			}
		}
		return nil
	})
	if parent != nil && img.Parent == "" {
		img.Parent = parent.ID
	}
	return img, err
}

// Built marks the image a build ends with as no intermediate one: even
// untagged, images lists it (as <none>, docker's dangling image).
func (s Store) Built(id string) error {
	return s.update(func(idx *index) error {
		if img, ok := idx.Images[id]; ok {
			img.Intermediate = false
		}
		return nil
	})
}
