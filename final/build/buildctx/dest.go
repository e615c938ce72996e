package buildctx

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// ResolveDest resolves the symlinks of a COPY/ADD destination against the
// image's root filesystem (rootfs, a directory), as the copy would follow
// them inside the container, and keeps a trailing "/". The layer must name
// real paths: a layer entry "bin/x" where the image has /bin -> usr/bin
// would turn /bin into a directory holding only x, hiding the image's
// /usr/bin. What does not exist yet is kept as written.
func ResolveDest(rootfs, dest string) (string, error) {
	clean, err := cleanDest(dest)
	if err != nil {
		return "", err
	}
	s, err := OpenSource(rootfs, nil)
	if err != nil {
		return "", err
	}
	defer s.Close()
	rel, err := s.resolvePartial(strings.TrimPrefix(clean, "/"))
	if err != nil {
		return "", fmt.Errorf("resolve destination %s: %w", dest, err)
	}
	out := "/" + rel
	if destIsDirSyntax(dest) && out != "/" {
		out += "/"
	}
	return out, nil
}

// resolvePartial is resolve with every component followed, up to the first
// that does not exist; the rest is appended as written (cleaned).
func (s *Source) resolvePartial(rel string) (string, error) {
	parts := splitPath(rel)
	resolved := ""
	links := 0
	for i := 0; i < len(parts); i++ {
		c := parts[i]
		switch c {
		case "", ".":
			continue
		case "..":
			resolved = parentOf(resolved)
			continue
		}
		next := path.Join(resolved, c)
		fi, err := s.root.Lstat(next)
		if errors.Is(err, fs.ErrNotExist) {
			rest := path.Clean("/" + strings.Join(parts[i:], "/"))
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
		parts = append(splitPath(target), parts[i+1:]...)
		i = -1
	}
	return resolved, nil
}
