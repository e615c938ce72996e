package buildctx

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
)

// checksumVersion changes when what the checksum covers changes, so that an
// old cache entry cannot match a new meaning.
const checksumVersion = "buildctx-checksum-v1"

// Checksum is the cache key part of a COPY/ADD: a digest over the matched
// files' relative paths, modes, owners as they will be written, link
// targets and contents (docker's classic builder hashes the contents and
// metadata, not mtimes). A change in one matched file changes it; an
// ignored file does not. An ADD URL is fetched to hash its body. It is
// named as the classic builder names a COPY's source in its history:
// "file:<hex>" for one file (a URL, a heredoc), "dir:<hex>" for one
// directory, "multi:<hex>" for more than one source.
func (s *Source) Checksum(spec CopySpec) (string, error) {
	ms, err := s.expand(spec)
	if err != nil {
		return "", err
	}
	uid, gid := spec.owner()
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00dest=%s\x00add=%t\x00owner=%d:%d\x00chmod=%s\x00",
		checksumVersion, spec.instruction(), spec.Dest, spec.Add, uid, gid, spec.Chmod)
	for i, m := range ms {
		if m.url != "" {
			dl, err := s.downloads.get(m.url, spec.HTTPClient, spec.TempDir)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(h, "source %d url %s name %s %s\x00", i, m.url, dl.name, dl.digest)
			continue
		}
		if m.inline != nil {
			fmt.Fprintf(h, "source %d inline %q size %d\x00", i, m.inline.Name, len(m.inline.Data))
			h.Write(m.inline.Data)
			continue
		}
		fmt.Fprintf(h, "source %d %q\x00", i, m.name)
		if spec.Parents { // where it goes: only then, so older keys stay
			fmt.Fprintf(h, "parents %q\x00", m.parents)
		}
		if err := s.walk(m, func(n node) error { return s.hashNode(h, spec, n) }); err != nil {
			return "", err
		}
	}
	return sourceKind(ms) + ":" + hex.EncodeToString(h.Sum(nil)), nil
}

// sourceKind is the classic builder's word for what a COPY copies.
func sourceKind(ms []match) string {
	switch {
	case len(ms) > 1:
		return "multi"
	case len(ms) == 1 && ms[0].fi != nil && ms[0].fi.IsDir():
		return "dir"
	default:
		return "file"
	}
}

// hashNode adds one file's metadata and content. The size precedes the
// content so that no two different trees hash the same byte stream.
func (s *Source) hashNode(h hash.Hash, spec CopySpec, n node) error {
	mode, err := spec.mode(n.fi)
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "%q %v %o %q\x00", n.rel, n.fi.Mode().Type(), mode, n.link)
	if n.fi.Mode().Type() != 0 {
		return nil
	}
	return s.hashContent(h, n.real)
}

func (s *Source) hashContent(h hash.Hash, real string) error {
	f, fi, err := s.openRegular(real)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintf(h, "size %d\x00", fi.Size())
	if _, err := io.CopyN(h, f, fi.Size()); err != nil {
		return fmt.Errorf("read %s: %w", real, err)
	}
	return nil
}
