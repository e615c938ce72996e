package buildctx

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"
)

// WriteLayer writes what the COPY/ADD adds as an uncompressed tar layer to
// w: the parent directories of Dest the copy creates (0755, root, found
// missing through exists, which the builder answers from the image's
// filesystem: isDir, ok), each file with its mode (or --chmod), owner and
// mtime kept from the source (ADD URL: Last-Modified, mode 0600), symlinks
// copied as links, hard links as separate files.
func (s *Source) WriteLayer(w io.Writer, spec CopySpec, exists func(string) (bool, bool)) error {
	ms, err := s.expand(spec)
	if err != nil {
		return err
	}
	dest, err := cleanDest(spec.Dest)
	if err != nil {
		return err
	}
	lw := &layerWriter{tw: tar.NewWriter(w), exists: exists, dirs: map[string]bool{"/": true}, spec: spec}
	isDir, ok := exists(dest)
	destDir := destIsDirSyntax(spec.Dest) || (ok && isDir) || spec.Parents
	for _, m := range ms {
		if err := s.writeMatch(lw, m, dest, destDir); err != nil {
			return err
		}
	}
	if err := lw.tw.Close(); err != nil {
		return fmt.Errorf("%s: finish layer: %w", spec.instruction(), err)
	}
	return nil
}

// writeMatch writes one matched source: a directory's contents into Dest,
// an ADD tar extracted at Dest, a file (or URL body) as Dest or inside it.
func (s *Source) writeMatch(lw *layerWriter, m match, dest string, destDir bool) error {
	switch {
	case m.url != "":
		return s.writeURL(lw, m, dest, destDir)
	case m.inline != nil:
		return lw.writeInline(m.inline, dest, destDir)
	}
	if lw.spec.Parents {
		if err := s.writeParents(lw, m, dest); err != nil {
			return err
		}
		dest = path.Join(dest, m.parents)
		if m.fi.IsDir() { // the directory itself, not only what it holds
			return s.writeTree(lw, m, path.Join(dest, m.name))
		}
	}
	if m.fi.IsDir() {
		return s.writeTree(lw, m, dest)
	}
	if lw.spec.Add {
		if ok, err := s.isTarFile(m.rel); err != nil {
			return err
		} else if ok {
			return s.extractTar(lw, m.rel, dest)
		}
	}
	target := dest
	if destDir {
		target = path.Join(dest, m.name)
	}
	return s.writeNode(lw, target, node{real: m.rel, fi: m.fi})
}

// writeParents writes, for --parents, the directories between Dest and the
// match as the source has them (mode, or --chmod; owned as --chown says),
// but leaves those the image has.
func (s *Source) writeParents(lw *layerWriter, m match, dest string) error {
	if m.parents == "" {
		return nil
	}
	base := strings.TrimSuffix(path.Dir(m.lex), m.parents) // the pivot
	p := ""
	for _, c := range splitPath(m.parents) {
		p = path.Join(p, c)
		target := path.Join(dest, p)
		if lw.dirs[target] {
			continue
		}
		if isDir, ok := lw.exists(target); ok && isDir {
			lw.dirs[target] = true
			continue
		}
		real, err := s.resolve(path.Join(base, p), true, false)
		if err != nil {
			return fmt.Errorf("resolve %s: %w", path.Join(base, p), err)
		}
		fi, err := s.lstat(real)
		if err != nil {
			return fmt.Errorf("stat %s: %w", path.Join(base, p), err)
		}
		if err := s.writeNode(lw, target, node{real: real, fi: fi}); err != nil {
			return err
		}
	}
	return nil
}

// writeTree copies a directory's contents (not the directory itself) into
// dest. An existing dest (/, a WORKDIR) keeps its metadata; one the copy
// creates is 0755 and owned as --chown says, as the classic builder makes
// it: a context in a 0700 temp dir must not make /app 0700. --chmod is
// not for it, as in BuildKit (fsutil's copy makes it with its MkdirAll
// and never copies the source's metadata onto it) and buildah: it is for
// what is copied, and "COPY --chmod=0640 app/ /app/" must leave /app
// enterable.
func (s *Source) writeTree(lw *layerWriter, m match, dest string) error {
	return s.walk(m, func(n node) error {
		if n.rel != "" {
			return s.writeNode(lw, path.Join(dest, n.rel), n)
		}
		if lw.dirs[dest] {
			return nil
		}
		isDir, ok := lw.exists(dest)
		if ok && !isDir {
			return fmt.Errorf("%s: cannot copy a directory to %s: not a directory", lw.spec.instruction(), dest)
		}
		if ok {
			lw.dirs[dest] = true
			return nil
		}
		hdr := &tar.Header{Typeflag: tar.TypeDir, Mode: 0o755, ModTime: n.fi.ModTime()}
		hdr.Uid, hdr.Gid = lw.spec.owner()
		return lw.write(dest, hdr, nil)
	})
}

// writeNode writes one file, directory or symlink from the tree at target.
func (s *Source) writeNode(lw *layerWriter, target string, n node) error {
	mode, err := lw.spec.mode(n.fi)
	if err != nil {
		return err
	}
	uid, gid := lw.spec.owner()
	hdr := &tar.Header{Mode: mode, Uid: uid, Gid: gid, ModTime: n.fi.ModTime()}
	switch {
	case n.fi.IsDir():
		hdr.Typeflag = tar.TypeDir
		return lw.write(target, hdr, nil)
	case n.link != "":
		hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, n.link
		return lw.write(target, hdr, nil)
	}
	f, fi, err := s.openRegular(n.real)
	if err != nil {
		return err
	}
	defer f.Close()
	hdr.Typeflag, hdr.Size = tar.TypeReg, fi.Size()
	return lw.write(target, hdr, f)
}

// writeURL writes an ADD URL's body (never extracted, as docker).
func (s *Source) writeURL(lw *layerWriter, m match, dest string, destDir bool) error {
	dl, err := s.downloads.get(m.url, lw.spec.HTTPClient, lw.spec.TempDir)
	if err != nil {
		return err
	}
	target := dest
	if destDir {
		target = path.Join(dest, dl.name)
	}
	mode := int64(0o600)
	if lw.spec.Chmod != "" {
		if mode, err = lw.spec.mode(nil); err != nil {
			return err
		}
	}
	f, err := os.Open(dl.file)
	if err != nil {
		return fmt.Errorf("ADD %s: %w", m.url, err)
	}
	defer f.Close()
	uid, gid := lw.spec.owner()
	hdr := &tar.Header{Typeflag: tar.TypeReg, Mode: mode, Uid: uid, Gid: gid, ModTime: dl.mtime, Size: dl.size}
	return lw.write(target, hdr, f)
}

// writeInline writes a heredoc as a file 0644 (or --chmod).
func (lw *layerWriter) writeInline(in *Inline, dest string, destDir bool) error {
	target := dest
	if destDir {
		target = path.Join(dest, path.Base(path.Clean("/"+in.Name)))
	}
	mode := int64(0o644)
	if lw.spec.Chmod != "" {
		var err error
		if mode, err = lw.spec.mode(nil); err != nil {
			return err
		}
	}
	uid, gid := lw.spec.owner()
	hdr := &tar.Header{Typeflag: tar.TypeReg, Mode: mode, Uid: uid, Gid: gid, ModTime: epoch, Size: int64(len(in.Data))}
	return lw.write(target, hdr, bytes.NewReader(in.Data))
}

// layerWriter writes entries at absolute paths and the parent directories
// they need, each once.
type layerWriter struct {
	tw     *tar.Writer
	exists func(string) (bool, bool)
	// dirs are directories known to be there: written, or in the image.
	dirs map[string]bool
	spec CopySpec
}

// write writes hdr at target (absolute), after the parents it lacks, and
// copies exactly hdr.Size bytes of body.
func (lw *layerWriter) write(target string, hdr *tar.Header, body io.Reader) error {
	if target == "/" {
		return nil
	}
	if err := lw.parents(target); err != nil {
		return err
	}
	hdr.Name = strings.TrimPrefix(target, "/")
	if hdr.Typeflag == tar.TypeDir {
		hdr.Name += "/"
		lw.dirs[target] = true
	}
	hdr.ModTime = hdr.ModTime.Truncate(time.Second)
	if err := lw.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("%s: write %s: %w", lw.spec.instruction(), target, err)
	}
	if body == nil || hdr.Size == 0 {
		return nil
	}
	if _, err := io.CopyN(lw.tw, body, hdr.Size); err != nil {
		return fmt.Errorf("%s: write %s: %w", lw.spec.instruction(), target, err)
	}
	return nil
}

// parents writes the directories above target that neither the image nor
// this layer has: 0755, owned as --chown says (root's without it), as
// docker's builders create them (the classic one's MkdirAllAndChownNew,
// BuildKit's MkdirAll with the copy's chowner) and buildah.
func (lw *layerWriter) parents(target string) error {
	dir := path.Dir(target)
	if lw.dirs[dir] {
		return nil
	}
	if err := lw.parents(dir); err != nil {
		return err
	}
	isDir, ok := lw.exists(dir)
	if ok && !isDir {
		return fmt.Errorf("%s: cannot copy to %s: %s is not a directory", lw.spec.instruction(), target, dir)
	}
	lw.dirs[dir] = true
	if ok {
		return nil
	}
	hdr := &tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(dir, "/") + "/", Mode: 0o755, ModTime: epoch}
	hdr.Uid, hdr.Gid = lw.spec.owner()
	if err := lw.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("%s: write %s: %w", lw.spec.instruction(), dir, err)
	}
	return nil
}
