package image

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/mydocker/mydocker/final/internal/atomicfile"
)

// Save writes the images args name to the file path as a docker-archive
// tar (manifest.json, the configs and the layers), which "docker load"
// and "podman load" read. An image named by a tag is saved with that tag,
// one named by ID with all of its tags. The layers are the blobs as they
// were pulled, so each one's digest and diff ID are the registry's own.
func (s Store) Save(path string, args []string) error {
	return atomicfile.WriteFunc(path, 0o644, func(w io.Writer) error { return s.SaveTo(w, args) })
}

// saved logs the save of each image named.
func (s Store) saved(args []string) {
	for _, a := range args {
		s.event("save", a, a)
	}
}

// SaveTo is Save to w.
func (s Store) SaveTo(w io.Writer, args []string) error {
	refs := map[name.Reference]v1.Image{}
	seen := map[string]v1.Image{}
	for _, arg := range args {
		img, err := s.Get(arg)
		if err != nil {
			return err
		}
		v1img, ok := seen[img.ID]
		if !ok {
			if v1img, err = s.v1Image(img); err != nil {
				return err
			}
			seen[img.ID] = v1img
		}
		names := img.RepoTags
		if ref, err := ParseRef(arg); err == nil && ref.Tag() != "" && contains(img.RepoTags, ref.String()) {
			names = []string{ref.String()}
		}
		for _, n := range names {
			tag, err := name.NewTag(Familiar(n))
			if err != nil {
				return err
			}
			refs[tag] = v1img
		}
		if len(names) == 0 {
			// No tag: saved by its ID alone, as docker does.
			d, err := name.NewDigest("untagged@" + img.ID)
			if err != nil {
				return err
			}
			refs[d] = v1img
		}
	}
	if err := tarball.MultiRefWrite(refs, w); err != nil {
		return err
	}
	s.saved(args)
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// v1Image is a stored image as go-containerregistry's v1.Image, read from
// the store's blobs.
func (s Store) v1Image(img *Image) (v1.Image, error) {
	return partial.CompressedToImage(&storedImage{s: s, img: img})
}

type storedImage struct {
	s   Store
	img *Image
}

func (si *storedImage) RawConfigFile() ([]byte, error) { return si.s.readBlob(si.img.ID) }
func (si *storedImage) RawManifest() ([]byte, error)   { return si.s.readBlob(si.img.Manifest) }

func (si *storedImage) MediaType() (types.MediaType, error) {
	return types.MediaType(si.img.MediaType), nil
}

func (si *storedImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	if h.String() == si.img.ID {
		data, err := si.RawConfigFile()
		return &storedBlob{s: si.s, digest: h, size: int64(len(data)), mt: types.OCIConfigJSON, data: data}, err
	}
	for _, l := range si.img.Layers {
		if l.Digest == h.String() {
			return &storedBlob{s: si.s, digest: h, size: l.Size, mt: types.MediaType(l.MediaType)}, nil
		}
	}
	return nil, fmt.Errorf("image %s has no blob %s", si.img.ShortID(), h)
}

type storedBlob struct {
	s      Store
	digest v1.Hash
	size   int64
	mt     types.MediaType
	data   []byte // a config, read already
}

func (b *storedBlob) Digest() (v1.Hash, error)            { return b.digest, nil }
func (b *storedBlob) Size() (int64, error)                { return b.size, nil }
func (b *storedBlob) MediaType() (types.MediaType, error) { return b.mt, nil }

func (b *storedBlob) Compressed() (io.ReadCloser, error) {
	if b.data != nil {
		return io.NopCloser(bytes.NewReader(b.data)), nil
	}
	return os.Open(b.s.blobPath(b.digest.String()))
}
