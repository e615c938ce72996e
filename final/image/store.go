package image

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mydocker/mydocker/final/internal/atomicfile"
	"github.com/mydocker/mydocker/final/internal/lockfile"
)

// Store is the image store under the state root, content-addressed:
//
//	<root>/blobs/sha256/HEX   manifests, configs and layer blobs, by digest
//	<root>/layers/HEX         each layer unpacked once, by its diff ID
//	<root>/images.json        the images: ID, manifest, layers, tags
//	<root>/images.lock        taken by whoever changes images.json
//	<root>/tmp/               downloads and unpacks under way
//
// A layer shared by two images is one blob and one directory.
type Store struct {
	Root string // mydocker's --root
}

// Image is one image of the store.
type Image struct {
	ID          string    `json:"id"`        // sha256:… of its config, docker's image ID
	Manifest    string    `json:"manifest"`  // digest of its manifest blob
	MediaType   string    `json:"mediaType"` // of the manifest: Docker schema2 or OCI
	Layers      []Layer   `json:"layers"`    // bottom first
	Created     time.Time `json:"created"`   // from its config
	RepoTags    []string  `json:"repoTags,omitempty"`
	RepoDigests []string  `json:"repoDigests,omitempty"`
	// Intermediate is an image of a build's step (Step): without a
	// tag, images lists it only with -a, as docker does its builder's.
	Intermediate bool `json:"intermediate,omitempty"`
	// Parent is the image a build's step was made on (Step), as
	// docker's classic builder records it: rmi of a built image
	// takes its step images along (removeParents).
	Parent string `json:"parent,omitempty"`
}

// Layer is one layer of an image.
type Layer struct {
	Digest    string `json:"digest"` // of the blob, as the manifest names it
	DiffID    string `json:"diffID"` // of the uncompressed tar, as the config names it
	MediaType string `json:"mediaType"`
	Size      int64  `json:"size"`     // of the blob
	Unpacked  int64  `json:"unpacked"` // bytes of its files
}

// names are the blobs and layers of the image.
func (img *Image) names() []string {
	names := []string{img.ID, img.Manifest}
	for _, l := range img.Layers {
		names = append(names, l.Digest, l.DiffID)
	}
	return names
}

// ShortID is the 12 hex digits docker prints.
func (img *Image) ShortID() string { return shortHex(img.ID) }

// Size is what its layers hold unpacked, as docker's SIZE column.
func (img *Image) Size() int64 {
	var n int64
	for _, l := range img.Layers {
		n += l.Unpacked
	}
	return n
}

// index is images.json.
type index struct {
	Images map[string]*Image `json:"images"` // by ID
}

// NotFoundError is an image that the store does not have.
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string { return "no such image: " + e.Name }

func (s Store) blobPath(digest string) string {
	return filepath.Join(s.Root, "blobs", "sha256", hexOf(digest))
}

// LayerDir is where the layer with this diff ID is unpacked.
func (s Store) LayerDir(diffID string) string {
	return filepath.Join(s.Root, "layers", hexOf(diffID))
}

func (s Store) indexPath() string { return filepath.Join(s.Root, "images.json") }

// lock serialises the processes that change the store.
func (s Store) lock() (*lockfile.Lock, error) {
	return lockfile.Take(filepath.Join(s.Root, "images.lock"))
}

// load reads images.json; a store that has none is empty.
func (s Store) load() (*index, error) {
	idx := &index{Images: map[string]*Image{}}
	data, err := os.ReadFile(s.indexPath())
	if errors.Is(err, fs.ErrNotExist) {
		return idx, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the image list: %w", err)
	}
	if err := json.Unmarshal(data, idx); err != nil {
		return nil, fmt.Errorf("read the image list %s: %w", s.indexPath(), err)
	}
	if idx.Images == nil {
		idx.Images = map[string]*Image{}
	}
	return idx, nil
}

// save replaces images.json in one rename: a reader sees the old list or
// the new one, never half.
func (s Store) save(idx *index) error {
	data, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(s.indexPath(), data, 0o600); err != nil {
		return fmt.Errorf("write the image list: %w", err)
	}
	return nil
}

// update runs change on the image list under the store's lock and saves
// it when change succeeds.
func (s Store) update(change func(*index) error) error {
	lock, err := s.lock()
	if err != nil {
		return err
	}
	defer lock.Release()
	idx, err := s.load()
	if err != nil {
		return err
	}
	if err := change(idx); err != nil {
		return err
	}
	return s.save(idx)
}

// List returns the images, newest first.
func (s Store) List() ([]*Image, error) {
	idx, err := s.load()
	if err != nil {
		return nil, err
	}
	var list []*Image
	for _, img := range idx.Images {
		list = append(list, img)
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].Created.Equal(list[j].Created) {
			return list[i].Created.After(list[j].Created)
		}
		return list[i].ID < list[j].ID
	})
	return list, nil
}

// Get finds an image as docker does: by name[:tag] or name@digest, by
// a bare manifest digest (sha256:…), else by its full ID or a unique
// prefix of it (with or without "sha256:").
func (s Store) Get(arg string) (*Image, error) {
	idx, err := s.load()
	if err != nil {
		return nil, err
	}
	return idx.find(arg)
}

func (idx *index) find(arg string) (*Image, error) {
	if ref, err := ParseRef(arg); err == nil {
		for _, img := range idx.Images {
			if slices.Contains(img.RepoTags, ref.String()) || slices.Contains(img.RepoDigests, ref.String()) {
				return img, nil
			}
		}
	}
	if strings.HasPrefix(arg, "sha256:") && len(arg) == len("sha256:")+64 {
		for _, img := range idx.Images {
			if img.Manifest == arg || slices.ContainsFunc(img.RepoDigests, func(d string) bool { return strings.HasSuffix(d, "@"+arg) }) {
				return img, nil
			}
		}
	}
	prefix := strings.TrimPrefix(arg, "sha256:")
	if !isHex(prefix) || prefix == "" {
		return nil, &NotFoundError{Name: arg}
	}
	var found *Image
	for _, img := range idx.Images {
		if strings.HasPrefix(hexOf(img.ID), prefix) {
			if found != nil {
				return nil, fmt.Errorf("image ID prefix %s is ambiguous: give more digits", arg)
			}
			found = img
		}
	}
	if found == nil {
		return nil, &NotFoundError{Name: arg}
	}
	return found, nil
}

// Lowers are the image's layer directories, top first, as overlayfs
// wants its lowerdir list.
func (s Store) Lowers(img *Image) []string {
	var dirs []string
	for i := len(img.Layers) - 1; i >= 0; i-- {
		dirs = append(dirs, s.LayerDir(img.Layers[i].DiffID))
	}
	return dirs
}

// add records img (whose blobs and layers are in place) with the tags and
// digests given, which leave any image that had them: that one keeps its
// other names, or stays with none ("<none>"), as in docker.
func (s Store) add(img *Image, tags, digests []string) error {
	// The layers and blobs reach the disk before images.json names them:
	// after a crash, an image in the list has all it needs. One syncfs(2)
	// flushes every file and directory that they are made of.
	if err := s.sync(); err != nil {
		return err
	}
	return s.update(func(idx *index) error {
		// A layer removed by an rmi since it was checked would leave
		// the image unusable: say so instead.
		for _, l := range img.Layers {
			if _, err := os.Stat(s.LayerDir(l.DiffID)); err != nil {
				return fmt.Errorf("layer %s went away meanwhile (an rmi?): try again", shortHex(l.DiffID))
			}
		}
		have, ok := idx.Images[img.ID]
		if !ok {
			have = img
			have.RepoTags, have.RepoDigests = nil, nil
			idx.Images[img.ID] = have
		}
		for _, name := range append(slices.Clone(tags), digests...) {
			idx.untag(name)
		}
		have.RepoTags = appendNew(have.RepoTags, tags...)
		have.RepoDigests = appendNew(have.RepoDigests, digests...)
		return nil
	})
}

// untag takes name (a tag or a digest reference) from whichever image has it.
func (idx *index) untag(name string) bool {
	for _, img := range idx.Images {
		if i := slices.Index(img.RepoTags, name); i >= 0 {
			img.RepoTags = slices.Delete(img.RepoTags, i, i+1)
			return true
		}
		if i := slices.Index(img.RepoDigests, name); i >= 0 {
			img.RepoDigests = slices.Delete(img.RepoDigests, i, i+1)
			return true
		}
	}
	return false
}

// Tag gives the image src the name dst as well.
func (s Store) Tag(src, dst string) error {
	ref, err := ParseRef(dst)
	if err != nil {
		return err
	}
	if ref.Tag() == "" {
		return fmt.Errorf("tag %s: a tag cannot be a digest", dst)
	}
	return s.update(func(idx *index) error {
		img, err := idx.find(src)
		if err != nil {
			return err
		}
		idx.untag(ref.String())
		img.RepoTags = appendNew(img.RepoTags, ref.String())
		s.event("tag", img.ID, ref.Familiar())
		return nil
	})
}

// appendNew appends the names that list lacks.
func appendNew(list []string, names ...string) []string {
	for _, n := range names {
		if !slices.Contains(list, n) {
			list = append(list, n)
		}
	}
	return list
}

func hexOf(digest string) string { return strings.TrimPrefix(digest, "sha256:") }

func shortHex(digest string) string {
	h := hexOf(digest)
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func isHex(s string) bool {
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}
