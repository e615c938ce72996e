package buildctx

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// isTarFile says whether an ADD source is a tar (plain or compressed), which
// ADD extracts instead of copying.
func (s *Source) isTarFile(real string) (bool, error) {
	f, _, err := s.openRegular(real)
	if err != nil {
		return false, err
	}
	defer f.Close()
	return isTarStream(f), nil
}

// extractTar writes the entries of the tar at real under dest, merging with
// what is there (docker's ADD). Entry names are made relative to dest and
// may not leave it; hard links must point inside it; devices are dropped
// (the host would create them when it applies the layer). Owners come from
// the tar unless --chown was given; modes and mtimes from the tar.
func (s *Source) extractTar(lw *layerWriter, real, dest string) error {
	f, _, err := s.openRegular(real)
	if err != nil {
		return err
	}
	defer f.Close()
	r, done, err := Decompress(f)
	if err != nil {
		return fmt.Errorf("ADD %s: %w", real, err)
	}
	defer done()
	if err := lw.ensureDir(dest); err != nil {
		return err
	}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ADD %s: read archive: %w", real, err)
		}
		if err := lw.extractEntry(tr, hdr, dest); err != nil {
			return fmt.Errorf("ADD %s: %w", real, err)
		}
	}
}

func (lw *layerWriter) extractEntry(tr io.Reader, hdr *tar.Header, dest string) error {
	rel, err := archiveRel(hdr.Name)
	if err != nil || rel == "" {
		return err
	}
	out := &tar.Header{Typeflag: hdr.Typeflag, Mode: hdr.Mode & 0o7777, Uid: hdr.Uid, Gid: hdr.Gid, ModTime: hdr.ModTime}
	if lw.spec.UID >= 0 || lw.spec.GID >= 0 {
		out.Uid, out.Gid = lw.spec.owner()
	}
	target := path.Join(dest, rel)
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeRegA:
		out.Typeflag, out.Size = tar.TypeReg, hdr.Size
		return lw.write(target, out, tr)
	case tar.TypeDir, tar.TypeFifo:
		return lw.write(target, out, nil)
	case tar.TypeSymlink:
		out.Linkname = hdr.Linkname
		return lw.write(target, out, nil)
	case tar.TypeLink:
		to, err := archiveRel(hdr.Linkname)
		if err != nil || to == "" {
			return fmt.Errorf("hard link %s -> %s leaves the archive", hdr.Name, hdr.Linkname)
		}
		out.Linkname = strings.TrimPrefix(path.Join(dest, to), "/")
		return lw.write(target, out, nil)
	}
	return nil // devices, and headers that describe no file
}

// archiveRel makes an archive entry name relative to the extraction
// directory: a leading "/" is dropped (as docker's untar), ".." out of it
// is an error.
func archiveRel(name string) (string, error) {
	c := path.Clean(name)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("archive entry %q leaves the destination", name)
	}
	return strings.TrimPrefix(path.Clean("/"+c), "/"), nil
}

// ensureDir makes dest a directory in the layer if the image lacks it.
func (lw *layerWriter) ensureDir(dest string) error {
	if lw.dirs[dest] {
		return nil
	}
	isDir, ok := lw.exists(dest)
	if ok && !isDir {
		return fmt.Errorf("%s: cannot extract to %s: not a directory", lw.spec.instruction(), dest)
	}
	if ok {
		lw.dirs[dest] = true
		return nil
	}
	return lw.write(dest, &tar.Header{Typeflag: tar.TypeDir, Mode: 0o755, ModTime: epoch}, nil)
}
