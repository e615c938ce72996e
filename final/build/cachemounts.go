package build

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mydocker/mydocker/final/internal/lockfile"
	"github.com/mydocker/mydocker/final/overlay"
)

// cacheMountsDir holds RUN --mount=type=cache's directories, one per id.
func cacheMountsDir(root string) string { return filepath.Join(root, "build", "cache-mounts") }

// cacheMountDir is the directory of the cache of id (its data is in
// <dir>/data): named by a hash, as an id may be any string.
func cacheMountDir(root, id string) string {
	sum := sha256.Sum256([]byte(id))
	return filepath.Join(cacheMountsDir(root), hex.EncodeToString(sum[:]))
}

// PruneCacheMounts removes the RUN cache mounts no step is using (a
// step holds its cache's lock while it runs): their names, and the
// bytes their files took.
func PruneCacheMounts(root string) ([]string, int64, error) {
	entries, err := os.ReadDir(cacheMountsDir(root))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	var names []string
	var bytes int64
	for _, e := range entries {
		dir := filepath.Join(cacheMountsDir(root), e.Name())
		lock, ok, err := lockfile.TryTakeDir(dir)
		if err != nil || !ok {
			continue // in use, or not ours to judge
		}
		size := duOf(dir)
		// What a RUN wrote is the image's author's: removed without
		// following a link, and never through a mount point.
		err = overlay.RemoveAll(dir)
		lock.Release()
		if err != nil {
			return names, bytes, err
		}
		names = append(names, e.Name())
		bytes += size
	}
	return names, bytes, nil
}

// CacheMountsUsage is how many RUN cache mounts there are, and the bytes
// their files take (system df's Build Cache).
func CacheMountsUsage(root string) (int, int64) {
	entries, err := os.ReadDir(cacheMountsDir(root))
	if err != nil {
		return 0, 0
	}
	var bytes int64
	for _, e := range entries {
		bytes += duOf(filepath.Join(cacheMountsDir(root), e.Name()))
	}
	return len(entries), bytes
}

// duOf is the size of the regular files under dir.
func duOf(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
