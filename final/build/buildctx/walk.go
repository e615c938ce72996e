package buildctx

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"syscall"

	"github.com/moby/patternmatcher"
)

// node is one thing a COPY writes: the matched source itself (rel "") or
// something under it.
type node struct {
	rel  string // relative to the matched source
	real string // relative to the root
	fi   fs.FileInfo
	link string // symlink target, copied as is
}

// walk calls fn for m and, when m is a directory, for everything under it
// that .dockerignore does not hide and --exclude does not name (relative
// to m, as BuildKit's copy matches them): parents before children, in name order
// (so the checksum is stable). Symlinks inside are kept as links; sockets,
// FIFOs and devices are not copied.
func (s *Source) walk(m match, fn func(node) error) error {
	if err := fn(node{real: m.rel, fi: m.fi}); err != nil {
		return err
	}
	if !m.fi.IsDir() {
		return nil
	}
	return s.walkDir(m.rel, "", m.exclude, fn)
}

func (s *Source) walkDir(real, rel string, exclude *patternmatcher.PatternMatcher, fn func(node) error) error {
	entries, err := s.readDir(real)
	if err != nil {
		return err
	}
	for _, e := range entries {
		n := node{real: path.Join(real, e.Name()), rel: path.Join(rel, e.Name())}
		if n.fi, err = e.Info(); err != nil {
			return fmt.Errorf("stat %s: %w", n.real, err)
		}
		if s.ignored(n.real, n.fi.IsDir()) || excluded(exclude, n.rel) {
			continue
		}
		switch t := n.fi.Mode().Type(); {
		case t == fs.ModeSymlink:
			if n.link, err = s.root.Readlink(n.real); err != nil {
				return fmt.Errorf("readlink %s: %w", n.real, err)
			}
		case t != 0 && t != fs.ModeDir:
			continue
		}
		if err := fn(n); err != nil {
			return err
		}
		if n.fi.IsDir() {
			if err := s.walkDir(n.real, n.rel, exclude, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// readDir lists a resolved directory, sorted by name. It opens without
// following a symlink and without blocking, so a swapped-in FIFO cannot hang.
func (s *Source) readDir(real string) ([]fs.DirEntry, error) {
	f, err := s.root.OpenFile(orDot(real), os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_DIRECTORY, 0)
	if err != nil {
		return nil, fmt.Errorf("open directory %s: %w", orDot(real), err)
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, fmt.Errorf("read directory %s: %w", orDot(real), err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	return entries, nil
}

// openRegular opens a resolved path for reading only if it is a regular file
// (O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: the
// path was resolved, a symlink there now is a swap). The FileInfo is the
// open file's, so the size written into a tar header is the one read.
func (s *Source) openRegular(real string) (*os.File, fs.FileInfo, error) {
	f, err := s.root.OpenFile(real, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", real, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("stat %s: %w", real, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%s: not a regular file", real)
	}
	return f, fi, nil
}
