package container

import (
	"errors"
	"io/fs"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/state"
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
// It returns the containers as they are then (ps lists them: it needs not
// read them again), those that cannot be read, and why the list could not
// be read, if it could not (the caller warns, or fails).
func Reconcile(store state.Store) ([]*state.Container, []state.Damaged, error) {
	store.RemoveAbandonedDirs()
	store.CollectNames()
	states, damaged, err := store.ListAll()
	live := map[string]bool{}
	now := states[:0]
	for _, st := range states {
		st, rerr := reconcile(store, st)
		if rerr != nil {
			logrus.WithError(rerr).WithField("container", st.Name).Warn("clean up after a container that has exited")
		}
		if st == nil {
			continue // removed
		}
		now = append(now, st)
		live[st.ID] = st.Monitored && st.Owner.Alive()
	}
	// Last, the cgroups of monitors killed (kill -9) before they could
	// remove them: of containers reconciled above, or never recorded. A
	// monitor seen alive after its container was reconciled keeps its
	// cgroup busy; it is not tried.
	cgroups.CollectMonitors(func(id string) bool { return live[id] })
	return now, damaged, err
}

// ReconcileOne is Reconcile for the one container st, for a command that
// names it (exec, logs, stop, rm…): the full pass reads every
// container's record, some 0.3 ms each, for a container that the command
// does not touch. ps, run and the network commands make the full pass,
// which also collects what no container names any more (a dead run's
// half-made directory, a name, a killed monitor's cgroup). It returns st
// as it is then, nil when it is gone; a failure to clean up is a warning,
// as in the full pass. When the container's mydocker was gone and this
// ended it, its monitor's cgroup goes too: nobody else would remove it.
func ReconcileOne(store state.Store, st *state.Container) *state.Container {
	now, err := reconcile(store, st)
	if err != nil {
		logrus.WithError(err).WithField("container", st.Name).Warn("clean up after a container that has exited")
	}
	if st.Monitored && (now == nil || now.Status != st.Status) {
		_ = cgroups.RemoveMonitor(st.ID)
	}
	return now
}

// reconcile brings st in line, and returns it as it is then: as it was
// listed when nothing changed, read again when something did, nil when it
// is gone. With an error, st as it was listed.
func reconcile(store state.Store, st *state.Container) (*state.Container, error) {
	// A commit killed while it had the container frozen: nobody else
	// would thaw it.
	if thawed, err := ThawAbandonedCommit(store, st); err != nil || thawed {
		if err != nil {
			return st, err
		}
		if st, err = reread(store, st); st == nil || err != nil {
			return st, err
		}
	}
	if st.Status == state.Exited || (st.Status == state.Created && st.NotStarted) {
		return st, nil // done, or made by create and waiting for start
	}
	// Its mydocker is on it: creating it, waiting for it in the
	// foreground, or its monitor.
	if st.Owner.Alive() && (st.Status == state.Created || !st.Detached || st.Monitored) {
		if st.Monitored && st.Status == state.Running && !st.Init.Alive() {
			return settle(store, st), nil
		}
		return st, nil
	}
	// Its mydocker is gone. What it wrote last, before it exited, counts,
	// not the list read before: a "run -d" that has just marked its
	// container running and returned would otherwise be taken for one that
	// died before its command started, and its running container torn
	// down under it (20 runs at once did that).
	listed, owner := st, st.Owner
	st, err := store.Reload(st)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return listed, err
	}
	if st.Status == state.Exited || (st.Status == state.Created && st.NotStarted) {
		return st, nil
	}
	if st.Owner != owner && st.Owner.Alive() {
		return st, nil // start gave it a new monitor meanwhile
	}
	if st.Init.Alive() {
		// The book's detached container runs on alone; one whose monitor
		// was killed must not (nobody would record its end).
		if st.Detached && st.Status == state.Running && !st.Monitored {
			return st, nil
		}
		// Its mydocker is gone, and it must not outlive it.
		thaw(st.ID)
		if err := killProcess(st.Init.PID, st.Init.Alive); err != nil {
			return st, err
		}
	}
	if st.Status == state.Created {
		// Abandoned before it started: nothing of it is kept.
		err = store.Change(st, func(now *state.Container) error { return destroy(store, now, false, true) })
	} else {
		err = finish(store, st, nil)
	}
	if err != nil {
		return st, err
	}
	return reread(store, st)
}

// reread is st as its config.json says now, nil when it is gone.
func reread(store state.Store, st *state.Container) (*state.Container, error) {
	now, err := store.Reload(st)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return st, err
	}
	return now, nil
}

// settle gives the monitor of a container whose command has just ended a
// moment to record it (its teardown takes milliseconds), so that what
// the caller lists next says exited, not running, for a process gone. It
// returns the container as last read (nil: removed, as --rm does).
func settle(store state.Store, st *state.Container) *state.Container {
	for i := 0; i < 40; i++ {
		now, err := store.Reload(st)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return st
		}
		st = now
		if now.Status != state.Running || now.Init.Alive() || !now.Owner.Alive() {
			return st
		}
		time.Sleep(50 * time.Millisecond)
	}
	return st
}
