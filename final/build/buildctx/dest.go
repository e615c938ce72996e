package buildctx

import (
	"fmt"
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
	rel, err := s.resolve(strings.TrimPrefix(clean, "/"), true, true)
	if err != nil {
		return "", fmt.Errorf("resolve destination %s: %w", dest, err)
	}
	out := "/" + rel
	if destIsDirSyntax(dest) && out != "/" {
		out += "/"
	}
	return out, nil
}
