package buildctx

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// maxSmallFile bounds what is read whole into memory (a Dockerfile, a
// .dockerignore): a context cannot make the host allocate without limit.
const maxSmallFile = 64 << 20

// readSmallFile reads a regular file: through an os.Root of dir when it lies
// inside dir (the context is untrusted), directly otherwise (a -f path the
// user named outside the context). Never a FIFO: opened O_NONBLOCK and
// checked.
func readSmallFile(dir, name string) ([]byte, error) {
	f, err := openSmallFile(dir, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", name)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSmallFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSmallFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxSmallFile)
	}
	return data, nil
}

func openSmallFile(dir, name string) (*os.File, error) {
	flags := os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY
	if rel, ok := within(dir, name); ok {
		root, err := os.OpenRoot(dir)
		if err != nil {
			return nil, err
		}
		defer root.Close()
		return root.OpenFile(rel, flags, 0)
	}
	return os.OpenFile(name, flags, 0)
}

// within says whether name lies lexically under dir, and where.
func within(dir, name string) (string, bool) {
	if dir == "" {
		return "", false
	}
	absDir, err1 := filepath.Abs(dir)
	absName, err2 := filepath.Abs(name)
	if err1 != nil || err2 != nil {
		return "", false
	}
	rel, err := filepath.Rel(absDir, absName)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return rel, true
}
