package image

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/ch5-lifecycle/internal/lockfile"
)

// An image name never starts with a dot (ValidName), so the dot names
// below are the store's own and no image's: .NAME.vN is a version of the
// layer of image NAME; .NAME.unpacking-N and .NAME.switching are what
// Layer makes on the way to one.
var (
	versionName  = regexp.MustCompile(`^\.(.+)\.v([0-9]+)$`)
	leftoverName = regexp.MustCompile(`^\..+\.(unpacking-[0-9]+|switching)$`)
)

// versionDir is the directory of version n of image NAME's layer.
func (s Store) versionDir(name string, n int) string {
	return filepath.Join(s.Root, "layers", "."+name+".v"+strconv.Itoa(n))
}

// nextVersion is one more than the highest version of image NAME there
// is. The caller holds the lock.
func (s Store) nextVersion(name string) int {
	n := 0
	entries, _ := os.ReadDir(filepath.Join(s.Root, "layers"))
	for _, e := range entries {
		m := versionName.FindStringSubmatch(e.Name())
		if m != nil && m[1] == name {
			if v, err := strconv.Atoi(m[2]); err == nil && v > n {
				n = v
			}
		}
	}
	return n + 1
}

// removeLeftovers removes what an unpack killed half-way left. Only the
// holder of the lock unpacks, and the caller holds it: whatever is there
// now belongs to a mydocker that is gone.
func (s Store) removeLeftovers() {
	dir := filepath.Join(s.Root, "layers")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if leftoverName.MatchString(e.Name()) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				logrus.WithError(err).Warn("remove what an unpack left")
			}
		}
	}
}

// hasLeftovers reports whether removeLeftovers has anything to do.
func (s Store) hasLeftovers() bool {
	entries, _ := os.ReadDir(filepath.Join(s.Root, "layers"))
	for _, e := range entries {
		if leftoverName.MatchString(e.Name()) {
			return true
		}
	}
	return false
}

// Collect removes the versions of layers that are neither an image's
// current one nor in use: inUse lists the lower directories that the
// containers' configs name. It is called when a container is removed and
// when a new version is made. When inUse fails (a config it cannot read,
// say), nothing is removed: a layer under a container is never guessed
// away.
func (s Store) Collect(inUse func() (map[string]bool, error)) error {
	// A look without the lock first: every command collects, and most
	// find nothing to do (nor a root to make the lock file in).
	if len(s.oldVersions()) == 0 && !s.hasLeftovers() {
		return nil
	}
	lock, err := lockfile.Take(s.lockPath())
	if err != nil {
		return err
	}
	defer lock.Release()
	s.removeLeftovers()
	old := s.oldVersions()
	if len(old) == 0 {
		return nil
	}
	used, err := inUse()
	if err != nil {
		return fmt.Errorf("keep the old layers: %w", err)
	}
	for _, dir := range old {
		if used[dir] {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("remove the old layer %s: %w", dir, err)
		}
	}
	return nil
}

// oldVersions lists the version directories that no image points to.
func (s Store) oldVersions() []string {
	var old []string
	entries, _ := os.ReadDir(filepath.Join(s.Root, "layers"))
	for _, e := range entries {
		m := versionName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		target, err := os.Readlink(s.LayerDir(m[1]))
		if err == nil && strings.TrimSuffix(target, "/") == e.Name() {
			continue
		}
		old = append(old, filepath.Join(s.Root, "layers", e.Name()))
	}
	return old
}
