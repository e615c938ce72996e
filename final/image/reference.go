package image

import (
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// Ref is an image reference as docker reads one: NAME[:TAG], NAME@DIGEST
// or HOST[:PORT]/PATH[:TAG]. A name without a registry is on Docker Hub
// (docker.io/library/NAME for a one-part name), a name without a tag or
// digest means :latest.
type Ref struct {
	ref name.Reference
}

// ParseRef parses s as docker does.
func ParseRef(s string) (Ref, error) {
	if s == "" || strings.TrimSpace(s) != s {
		return Ref{}, fmt.Errorf("invalid reference format: %q", s)
	}
	ref, err := name.ParseReference(s)
	if err != nil {
		return Ref{}, fmt.Errorf("invalid reference format: %q (want NAME[:TAG], NAME@sha256:DIGEST or HOST[:PORT]/PATH[:TAG])", s)
	}
	return Ref{ref: ref}, nil
}

// Repository is the full name of the repository: docker.io/library/busybox.
func (r Ref) Repository() string {
	reg := r.ref.Context().RegistryStr()
	if reg == name.DefaultRegistry {
		reg = "docker.io"
	}
	return reg + "/" + r.ref.Context().RepositoryStr()
}

// Tag is the tag, or "" for a reference by digest.
func (r Ref) Tag() string {
	if t, ok := r.ref.(name.Tag); ok {
		return t.TagStr()
	}
	return ""
}

// Digest is the digest, or "" for a reference by tag.
func (r Ref) Digest() string {
	if d, ok := r.ref.(name.Digest); ok {
		return d.DigestStr()
	}
	return ""
}

// String is the full reference: docker.io/library/busybox:latest, or
// REPOSITORY@sha256:… for a digest.
func (r Ref) String() string {
	if d := r.Digest(); d != "" {
		return r.Repository() + "@" + d
	}
	return r.Repository() + ":" + r.Tag()
}

// Familiar is the short form docker prints: busybox:latest for
// docker.io/library/busybox:latest, the full name elsewhere.
func (r Ref) Familiar() string { return Familiar(r.String()) }

// Familiar shortens a full reference or repository as docker prints it.
func Familiar(full string) string {
	full = strings.TrimPrefix(full, "docker.io/library/")
	return strings.TrimPrefix(full, "docker.io/")
}

// remote is the reference as go-containerregistry reads it.
func (r Ref) remote() name.Reference { return r.ref }
