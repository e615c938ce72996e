package buildctx

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"syscall"

	"github.com/moby/patternmatcher"
)

// match is one file or directory a COPY/ADD source names.
type match struct {
	// name is the last component as matched: the file's name under a
	// directory destination ("" for the root itself).
	name string
	// rel is the resolved path relative to the root; a top-level source
	// that is a symlink is followed, as docker does.
	rel string
	fi  fs.FileInfo
	// url is an ADD URL (then the other fields are empty).
	url string
	// inline is a heredoc (then the other fields are empty).
	inline *Inline
	// lex is the path as written, relative to the root, its wildcards
	// replaced by what they matched (symlinks not resolved).
	lex string
	// parents is, with --parents, the directories between the pivot (the
	// root, or a "/./" in the source) and the match: kept under Dest.
	parents string
	// exclude is --exclude's patterns (nil: none), matched against what
	// is under the source, relative to it.
	exclude *patternmatcher.PatternMatcher
}

// expand turns spec.Sources into what they name, applying docker's rules:
// no path outside the tree, ignored files do not exist, a glob must match
// something, several sources need a directory destination ending in "/".
func (s *Source) expand(spec CopySpec) ([]match, error) {
	exclude, err := spec.excluder()
	if err != nil {
		return nil, err
	}
	var out []match
	for _, src := range spec.Sources {
		if isURL(src) {
			if !spec.Add {
				return nil, fmt.Errorf("source can't be a URL for COPY: %s", src)
			}
			out = append(out, match{url: src})
			continue
		}
		ms, err := s.expandOne(src)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if excluded(exclude, m.rel) {
				continue
			}
			m.exclude = exclude
			if spec.Parents {
				m.parents = parentsOf(m.lex, pivotOf(src))
			}
			out = append(out, m)
		}
	}
	for i := range spec.Inline {
		out = append(out, match{inline: &spec.Inline[i]})
	}
	if len(out) == 0 {
		return nil, errors.New("no source files were specified")
	}
	if (len(out) > 1 || len(spec.Sources)+len(spec.Inline) > 1) && !destIsDirSyntax(spec.Dest) {
		return nil, fmt.Errorf("When using %s with more than one source file, the destination must be a directory and end with a /", spec.instruction())
	}
	return out, nil
}

// IsDir says whether src (a path, no glob) names a directory, following
// symlinks inside the tree.
func (s *Source) IsDir(src string) (bool, error) {
	ms, err := s.expandOne(src)
	if err != nil {
		return false, err
	}
	return len(ms) == 1 && ms[0].fi.IsDir(), nil
}

// expandOne expands one source path or glob.
func (s *Source) expandOne(src string) ([]match, error) {
	if c := path.Clean(src); c == ".." || strings.HasPrefix(c, "../") {
		return nil, fmt.Errorf("forbidden path outside the build context: %s", src)
	}
	rel := strings.TrimPrefix(path.Clean("/"+src), "/")
	if !hasMeta(rel) {
		m, ok, err := s.lookup("", "", rel)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, s.notFound(src)
		}
		m.lex = rel
		return []match{m}, nil
	}
	return s.glob(rel)
}

// glob matches rel one component at a time, so that a wildcard may stand in
// any component and directories on the way are resolved inside the tree.
// A "**" component stands for any number of directories, none included
// (last, it is "*": each thing there, directories copied whole).
// A glob that matches nothing yields nothing (expand reports it when no
// source matched at all, as BuildKit allows empty wildcards among others).
func (s *Source) glob(rel string) ([]match, error) {
	cands := []match{{}}
	parts := splitPath(rel)
	for i, c := range parts {
		last := i == len(parts)-1
		if c == "**" && !last {
			var err error
			if cands, err = s.withSubdirs(cands); err != nil {
				return nil, err
			}
			continue
		}
		if c == "**" {
			c = "*"
		}
		var next []match
		for _, cd := range cands {
			names, err := s.matchNames(cd.rel, c)
			if err != nil {
				return nil, err
			}
			for _, n := range names {
				m, ok, err := s.lookup(cd.rel, cd.name, n)
				if err != nil {
					return nil, err
				}
				if ok && (last || m.fi.IsDir()) {
					m.lex = path.Join(cd.lex, n)
					next = append(next, m)
				}
			}
		}
		cands = next
	}
	return cands, nil
}

// withSubdirs is each candidate directory and every directory under it,
// for "**". A symlink to a directory is not entered: a link to a parent
// would never end.
func (s *Source) withSubdirs(cands []match) ([]match, error) {
	var out []match
	var visit func(cd match) error
	visit = func(cd match) error {
		out = append(out, cd)
		entries, err := s.readDir(cd.rel)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			m, ok, err := s.lookup(cd.rel, cd.name, e.Name())
			if err != nil {
				return err
			}
			if ok {
				m.lex = path.Join(cd.lex, e.Name())
				if err := visit(m); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, cd := range cands {
		if err := visit(cd); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// pivotOf is where --parents starts keeping directories in a source: after
// its last "/./" (rsync's rule), else the root.
func pivotOf(src string) string {
	src = strings.TrimPrefix(strings.TrimPrefix(src, "/"), "./")
	i := strings.LastIndex(src, "/./")
	if i < 0 {
		return ""
	}
	return strings.TrimPrefix(path.Clean("/"+src[:i]), "/")
}

// parentsOf is the directory of lex under pivot ("" when none): where
// --parents puts the match under Dest. A match not under the pivot (a
// ".." after it) keeps its whole directory.
func parentsOf(lex, pivot string) string {
	dir := path.Dir(lex)
	switch {
	case dir == "." || dir == pivot:
		return ""
	case pivot != "" && strings.HasPrefix(dir, pivot+"/"):
		return dir[len(pivot)+1:]
	}
	return dir
}

// matchNames lists the names in directory dir that component c matches.
func (s *Source) matchNames(dir, c string) ([]string, error) {
	if !hasMeta(c) {
		return []string{c}, nil
	}
	if _, err := path.Match(c, ""); err != nil {
		return nil, fmt.Errorf("invalid source pattern %q: %w", c, err)
	}
	entries, err := s.readDir(dir)
	if err != nil {
		return nil, nil // not a directory: nothing matches
	}
	var names []string
	for _, e := range entries {
		if ok, _ := path.Match(c, e.Name()); ok {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// lookup finds name under the resolved directory dir, following a final
// symlink; ok is false when it does not exist or is ignored. lexDir is the
// path as matched so far (only its last component names the match).
func (s *Source) lookup(dir, lexDir, name string) (match, bool, error) {
	lex := path.Join(dir, name)
	if s.ignored(lex, s.isDirNoFollow(lex)) {
		return match{}, false, nil
	}
	real, err := s.resolve(lex, true, false)
	if isNotExist(err) {
		return match{}, false, nil
	}
	if err != nil {
		return match{}, false, fmt.Errorf("resolve %s: %w", lex, err)
	}
	fi, err := s.lstat(real)
	if isNotExist(err) {
		return match{}, false, nil
	}
	if err != nil {
		return match{}, false, fmt.Errorf("stat %s: %w", lex, err)
	}
	if s.ignored(real, fi.IsDir()) {
		return match{}, false, nil
	}
	if !fi.IsDir() && !fi.Mode().IsRegular() {
		return match{}, false, fmt.Errorf("%s: not a regular file or directory", lex)
	}
	base := path.Base(path.Join(lexDir, name))
	if base == "." || base == "/" {
		base = ""
	}
	return match{name: base, rel: real, fi: fi}, true, nil
}

// excluded says whether --exclude's patterns match rel or a parent of it.
func excluded(pm *patternmatcher.PatternMatcher, rel string) bool {
	if pm == nil || rel == "" {
		return false
	}
	ok, _ := pm.MatchesOrParentMatches(rel)
	return ok
}

// isDirNoFollow says whether rel is a directory itself (not a link to one).
func (s *Source) isDirNoFollow(rel string) bool {
	if s.pm == nil {
		return false // no rules: the answer does not matter
	}
	fi, err := s.lstat(rel)
	return err == nil && fi.IsDir()
}

// notFound is docker's message for a source that is not there (or hidden).
func (s *Source) notFound(src string) error {
	return fmt.Errorf("file not found in build context or excluded by .dockerignore: stat %s: file does not exist", src)
}

// hasMeta says whether p holds filepath.Match syntax.
func hasMeta(p string) bool {
	return strings.ContainsAny(p, `*?[\`)
}

func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
