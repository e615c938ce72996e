package image

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Push sends the image tagged ref to ref's registry, as docker push:
// the blobs the registry lacks, then the manifest, through
// go-containerregistry's remote.Write (with our transport, credentials
// and timeouts). The image keeps the digest it has there, as docker's
// RepoDigests. It says what it does on p, and returns the digest.
func (s Store) Push(ctx context.Context, ref Ref, p Progress) (string, error) {
	if ref.Tag() == "" {
		return "", fmt.Errorf("push %s: push a tag, not a digest", ref.Familiar())
	}
	img, err := s.Get(ref.String())
	if err != nil {
		return "", fmt.Errorf("An image does not exist locally with the tag: %s", ref.Familiar())
	}
	v1img, err := s.v1Image(img)
	if err != nil {
		return "", err
	}
	tag, ok := ref.remote().(name.Tag)
	if !ok {
		return "", fmt.Errorf("push %s: not a tag", ref.Familiar())
	}
	p.Say("The push refers to repository [%s]", tag.Context().Name())
	if err := remote.Write(tag, v1img, remoteOptions(ctx)...); err != nil {
		return "", fmt.Errorf("push %s: %w", ref.Familiar(), pushError(err))
	}
	// Top layer first, as docker lists them.
	for i := len(img.Layers) - 1; i >= 0; i-- {
		p.Say("%s: Pushed", shortHex(img.Layers[i].Digest))
	}
	digest, err := v1img.Digest()
	if err != nil {
		return "", err
	}
	size, _ := v1img.Size()
	p.Say("%s: digest: %s size: %d", ref.Tag(), digest, size)
	byDigest := tag.Context().Digest(digest.String()).String()
	_ = s.update(func(idx *index) error {
		if have, ok := idx.Images[img.ID]; ok {
			idx.untag(byDigest)
			have.RepoDigests = appendNew(have.RepoDigests, byDigest)
		}
		return nil
	})
	s.event("push", img.ID, ref.Familiar())
	return digest.String(), nil
}

// TagsOf is every tag of ref's repository that is here (push -a).
func (s Store) TagsOf(ref Ref) ([]Ref, error) {
	list, err := s.List()
	if err != nil {
		return nil, err
	}
	var refs []Ref
	for _, img := range list {
		for _, t := range img.RepoTags {
			if r, err := ParseRef(t); err == nil && r.Repository() == ref.Repository() {
				refs = append(refs, r)
			}
		}
	}
	if len(refs) == 0 {
		return nil, fmt.Errorf("An image does not exist locally with the tag: %s", ref.Familiar())
	}
	return refs, nil
}

// pushError words a registry's refusal as docker does.
func pushError(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "UNAUTHORIZED") || strings.Contains(msg, "401") {
		return fmt.Errorf("unauthorized: authentication required (mydocker login first)")
	}
	return err
}
