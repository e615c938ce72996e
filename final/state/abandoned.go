package state

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/internal/lockfile"
	"github.com/mydocker/mydocker/final/overlay"
)

// RemoveAbandonedDirs removes what a run killed half-way left in the
// containers directory: a .tmp- directory (killed before the rename),
// which holds no mount and names no cgroup. A directory whose config.json
// cannot be read is not touched: it may be a running container's, and
// its layer the only copy of its data (ps says what to do, rm -f removes
// it).
func (s Store) RemoveAbandonedDirs() {
	for _, lock := range s.takeAbandonedDirs() {
		dir := lock.Path()
		ws := overlay.Workspace{Path: filepath.Join(dir, "fs")}
		if err := ws.Unmount(); err == nil {
			err = overlay.RemoveAll(dir)
			if err != nil {
				logrus.WithError(err).Warn("remove an abandoned container directory")
			}
		}
		lock.Release()
	}
}

// takeAbandonedDirs takes the locks of the .tmp- directories whose run
// died. It holds the containers directory exclusive while it looks: a run
// makes its .tmp- directory and takes its lock holding it shared
// (makeLocked), so every .tmp- directory seen here is locked by its
// run, or by nobody because the run died. While a run is making one, it
// looks another time.
func (s Store) takeAbandonedDirs() []*lockfile.Lock {
	gate, ok, err := lockfile.TryTakeDir(s.containersDir())
	if err != nil || !ok {
		return nil
	}
	defer gate.Release()
	entries, err := os.ReadDir(s.containersDir())
	if err != nil {
		return nil
	}
	var locks []*lockfile.Lock
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".tmp-") {
			continue
		}
		lock, ok, err := lockfile.TryTakeDir(filepath.Join(s.containersDir(), e.Name()))
		if err == nil && ok {
			locks = append(locks, lock)
		}
	}
	return locks
}
