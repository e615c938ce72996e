package build

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mydocker/mydocker/final/internal/atomicfile"
	"github.com/mydocker/mydocker/final/internal/lockfile"
)

// Cache maps a step's key (cacheKey) to the image it made: one small
// JSON index under <root>/build/cache, locked while it is changed and
// replaced whole, so that builds side by side each see a whole one.
type Cache struct {
	Dir string // <root>/build/cache
}

// CacheOf is the build cache of the state root.
func CacheOf(root string) Cache { return Cache{Dir: filepath.Join(root, "build", "cache")} }

func (c Cache) indexPath() string { return filepath.Join(c.Dir, "index.json") }

// cacheKey is what docker's classic builder matches a step by: the
// parent image, and the instruction as it runs (expanded, with the
// build args it uses: its history's created_by, which for COPY and ADD
// names the content's checksum too).
func cacheKey(parentID, createdBy string) string {
	sum := sha256.Sum256([]byte(parentID + "\x00" + createdBy))
	return hex.EncodeToString(sum[:])
}

// Get is the image ID stored for key, if any: the caller checks that the
// image is still in the store (an rmi or a prune may have taken it) and
// holds it (builder.cached).
func (c Cache) Get(key string) (string, bool) {
	idx, err := c.load()
	if err != nil {
		return "", false
	}
	id, ok := idx[key]
	return id, ok
}

// Put records that key made the image id.
func (c Cache) Put(key, id string) error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return fmt.Errorf("build cache: %w", err)
	}
	lock, err := lockfile.TakeDir(c.Dir)
	if err != nil {
		return fmt.Errorf("build cache: %w", err)
	}
	defer lock.Release()
	c.removeTemps()
	idx, err := c.load()
	if err != nil {
		return err
	}
	idx[key] = id
	data, err := json.Marshal(idx)
	if err != nil {
		return err
	}
	// A lost entry costs only a rebuild: no fsync.
	return atomicfile.WriteVolatile(c.indexPath(), data, 0o600)
}

func (c Cache) load() (map[string]string, error) {
	idx := map[string]string{}
	data, err := os.ReadFile(c.indexPath())
	if errors.Is(err, fs.ErrNotExist) {
		return idx, nil
	}
	if err != nil {
		return nil, fmt.Errorf("build cache: %w", err)
	}
	if err := json.Unmarshal(data, &idx); err != nil {
		return nil, fmt.Errorf("build cache %s: %w", c.indexPath(), err)
	}
	return idx, nil
}

// Prune drops the entries whose image keep says is gone (rmi, a prune),
// so that the index names only images of the store; an index left empty
// is removed. It returns how many entries went.
func (c Cache) Prune(keep func(id string) bool) (int, error) {
	lock, err := lockfile.TakeDir(c.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil // no build ever cached a step here
	}
	if err != nil {
		return 0, fmt.Errorf("build cache: %w", err)
	}
	defer lock.Release()
	c.removeTemps()
	idx, err := c.load()
	if err != nil {
		return 0, err
	}
	n := 0
	for key, id := range idx {
		if !keep(id) {
			delete(idx, key)
			n++
		}
	}
	if len(idx) == 0 {
		if err := os.Remove(c.indexPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, fmt.Errorf("build cache: %w", err)
		}
		return n, nil
	}
	if n == 0 {
		return 0, nil
	}
	data, err := json.Marshal(idx)
	if err != nil {
		return 0, err
	}
	return n, atomicfile.WriteVolatile(c.indexPath(), data, 0o600)
}

// removeTemps removes the temporary copies of the index that a build
// killed while it wrote one left. The index is written under the lock,
// which the caller holds: none of them is being written.
func (c Cache) removeTemps() {
	entries, _ := os.ReadDir(c.Dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".index.json.tmp-") && e.Type().IsRegular() {
			_ = os.Remove(filepath.Join(c.Dir, e.Name()))
		}
	}
}
