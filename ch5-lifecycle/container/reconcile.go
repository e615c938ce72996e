package container

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/ch5-lifecycle/internal/lockfile"
	"github.com/mydocker/mydocker/ch5-lifecycle/overlay"
)

// Reconcile brings the containers' states in line with what runs. The
// book has no monitor process: nobody waits for a detached container, so
// every mydocker command first looks. A container whose process is gone
// is torn down (its mounts and cgroup removed) and marked exited, with no
// exit code since nobody saw it; with --rm it is removed. A foreground
// container whose mydocker was killed is stopped, as Pdeathsig would (some
// kernels, 6.1 among them, do not send that to the init of a PID
// namespace). A container that never ran is removed. Failures are
// warnings: another container's trouble must not stop this command.
func Reconcile(store Store) {
	removeAbandonedDirs(store)
	store.collectNames()
	states, err := store.List()
	if err != nil {
		logrus.WithError(err).Warn("list the containers")
		return
	}
	for _, st := range states {
		if err := reconcile(store, st); err != nil {
			logrus.WithError(err).WithField("container", st.Name).Warn("clean up after a container that has exited")
		}
	}
	collectLayers(store) // the layers of the containers removed above
}

func reconcile(store Store, st *State) error {
	if st.Status == Exited {
		return nil
	}
	// Its mydocker is on it: creating it, or waiting for it in the
	// foreground.
	if st.Owner.Alive() && (st.Status == Created || !st.Detached) {
		return nil
	}
	// Its mydocker is gone. What it wrote last, before it exited, counts,
	// not the list read before: a "run -d" that has just marked its
	// container running and returned would otherwise be taken for one that
	// died before its command started, and its running container torn
	// down under it (20 runs at once did that).
	st, err := store.reload(st)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.Status == Exited {
		return nil
	}
	if st.Init.Alive() {
		if st.Detached && st.Status == Running {
			return nil
		}
		// Its mydocker is gone, and it must not outlive it.
		if err := killProcess(st.Init.PID, st.Init.Alive); err != nil {
			return err
		}
	}
	if st.Status == Created {
		// Abandoned before it started: nothing of it is kept.
		return store.change(st, func(now *State) error { return destroy(store, now) })
	}
	return finish(store, st, nil)
}

// removeAbandonedDirs removes what a run killed half-way left in the
// containers directory: a .tmp- directory (killed before the rename),
// which holds no mount and names no cgroup. A directory whose config.json
// cannot be read is not touched: it may be a running container's, and
// its layer the only copy of its data (ps says what to do, rm -f removes
// it).
func removeAbandonedDirs(store Store) {
	for _, lock := range takeAbandonedDirs(store) {
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
// (Store.makeLocked), so every .tmp- directory seen here is locked by its
// run, or by nobody because the run died. While a run is making one, it
// looks another time.
func takeAbandonedDirs(store Store) []*lockfile.Lock {
	gate, ok, err := lockfile.TryTakeDir(store.containersDir())
	if err != nil || !ok {
		return nil
	}
	defer gate.Release()
	entries, err := os.ReadDir(store.containersDir())
	if err != nil {
		return nil
	}
	var locks []*lockfile.Lock
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".tmp-") {
			continue
		}
		lock, ok, err := lockfile.TryTakeDir(filepath.Join(store.containersDir(), e.Name()))
		if err == nil && ok {
			locks = append(locks, lock)
		}
	}
	return locks
}
