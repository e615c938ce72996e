package buildctx

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/moby/patternmatcher"
)

// Source is a directory tree COPY/ADD reads from: the build context (with its
// .dockerignore), or another stage's / image's root filesystem (COPY --from;
// no ignore rules). All reads go through an os.Root so that nothing in the
// tree can make the host read outside it.
type Source struct {
	dir  string
	root *os.Root
	// pm is nil when there are no ignore rules (a stage or image rootfs).
	pm *patternmatcher.PatternMatcher
	// pmMu: a PatternMatcher is not safe for concurrent use, and stages
	// built in parallel may share the context.
	pmMu sync.Mutex
	// downloads holds ADD URL bodies fetched by Checksum, so that WriteLayer
	// writes the very bytes that were hashed (and fetches them once).
	downloads *downloads
}

// OpenSource opens dir as a COPY/ADD source. ignore holds .dockerignore
// patterns (nil for a stage or image rootfs, whose files are all visible).
func OpenSource(dir string, ignore []string) (*Source, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open build source: %w", err)
	}
	s := &Source{dir: dir, root: root, downloads: &downloads{}}
	if len(ignore) > 0 {
		pm, err := patternmatcher.New(ignore)
		if err != nil {
			root.Close()
			return nil, fmt.Errorf("parse .dockerignore: %w", err)
		}
		s.pm = pm
	}
	return s, nil
}

// Close releases the root and removes downloaded ADD URL bodies.
func (s *Source) Close() error {
	err := s.downloads.removeAll()
	return errors.Join(err, s.root.Close())
}

// Dir is the host directory the source reads (for messages and the builder).
func (s *Source) Dir() string { return s.dir }

// ignored says whether .dockerignore hides rel (a slash path relative to the
// root) from the build, as if the docker CLI had not sent it. An ignored
// directory is still walked when an exception (`!dir/...`) may re-include
// something under it: the docker CLI's rule, prefix-only.
func (s *Source) ignored(rel string, isDir bool) bool {
	if s.pm == nil || rel == "" {
		return false
	}
	s.pmMu.Lock()
	defer s.pmMu.Unlock()
	m, err := s.pm.MatchesOrParentMatches(rel)
	if err != nil || !m {
		return false
	}
	if !isDir || !s.pm.Exclusions() {
		return true
	}
	for _, p := range s.pm.Patterns() {
		if p.Exclusion() && strings.HasPrefix(p.String()+"/", rel+"/") {
			return false
		}
	}
	return true
}

// maxLinks bounds symlink resolution as the kernel does (ELOOP).
const maxLinks = 255

// resolve turns rel (a slash path relative to the root) into the path it
// names with every symlink followed inside the tree: absolute targets start
// again at the root and ".." stops at it, as in a container (the same
// scoping as docker's FollowSymlinkInScope). The last component is followed
// only with followLast. With missingOK, a component that does not exist
// ends the walk, and it and the rest are kept as written (a COPY's
// destination that the copy makes). The result has no leading slash (""
// is the root).
func (s *Source) resolve(rel string, followLast, missingOK bool) (string, error) {
	parts := splitPath(rel)
	resolved := ""
	links := 0
	for len(parts) > 0 {
		c := parts[0]
		parts = parts[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			resolved = parentOf(resolved)
			continue
		}
		next := path.Join(resolved, c)
		if len(parts) == 0 && !followLast {
			resolved = next
			break
		}
		fi, err := s.root.Lstat(next)
		if errors.Is(err, fs.ErrNotExist) && missingOK {
			rest := path.Clean("/" + strings.Join(append([]string{c}, parts...), "/"))
			return strings.TrimPrefix(path.Join(resolved, rest), "/"), nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			resolved = next
			continue
		}
		if links++; links > maxLinks {
			return "", fmt.Errorf("%s: too many levels of symbolic links", rel)
		}
		target, err := s.root.Readlink(next)
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(target, "/") {
			resolved = ""
		}
		parts = append(splitPath(target), parts...)
	}
	return resolved, nil
}

// lstat is Lstat of a resolved relative path ("" is the root itself).
func (s *Source) lstat(rel string) (fs.FileInfo, error) {
	return s.root.Lstat(orDot(rel))
}

func splitPath(p string) []string {
	return strings.Split(strings.Trim(p, "/"), "/")
}

func parentOf(p string) string {
	if d := path.Dir(p); d != "." {
		return d
	}
	return ""
}

func orDot(rel string) string {
	if rel == "" {
		return "."
	}
	return rel
}
