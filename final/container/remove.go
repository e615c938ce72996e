package container

import (
	"fmt"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/state"
)

// Remove deletes a container (book 5.6): its writable layer, state, log
// and cgroup, and with volumes (rm -v) its anonymous volumes. A running
// container is refused unless force, which kills it first. A bound
// directory's data is never deleted: every unmount is checked before
// anything is.
func Remove(store state.Store, st *state.Container, force, volumes bool) error {
	if st.Status != state.Exited && st.Init.Alive() {
		// docker's words, which scripts match.
		switch {
		case !force && st.Paused():
			return fmt.Errorf("cannot remove container %q: container is paused and must be unpaused first", "/"+st.Name)
		case !force:
			return fmt.Errorf("cannot remove container %q: %w: stop the container before removing or force remove", "/"+st.Name, state.ErrRunning)
		}
	}
	if st.Monitored && st.Owner.Alive() {
		// Not a reason to keep it: on a full disk, this write fails, and
		// the removal is what frees it. A monitor that restarts the
		// container anyway is killed below (waitForMonitor), and what it
		// started with it (destroy).
		if err := requestStop(store, st); err != nil {
			logrus.WithError(err).WithField("container", st.Name).Warn("tell the monitor not to restart it")
		}
	}
	if st.Status != state.Exited && st.Init.Alive() {
		thaw(st.ID) // paused: docker's rm -f ends it too
		if err := killProcess(st.Init.PID, st.Init.Alive); err != nil {
			return fmt.Errorf("remove %s: %w", st.Name, err)
		}
	}
	// Its monitor, done with the container (or waiting to restart it),
	// goes before the container does.
	if err := waitForMonitor(st, monitorGrace); err != nil {
		return fmt.Errorf("remove %s: %w", st.Name, err)
	}
	// Everything goes before anything is written: on a full disk, a
	// removal is what frees it.
	err := store.Change(st, func(now *state.Container) error { return destroy(store, now, false, volumes) })
	if err != nil {
		return fmt.Errorf("remove %s: %w", st.Name, err)
	}
	// A monitor killed (kill -9, a power cut) left its cgroup; it is gone
	// now (waitForMonitor).
	if err := cgroups.RemoveMonitor(st.ID); err != nil {
		return fmt.Errorf("remove %s: %w", st.Name, err)
	}
	return nil
}

// RemoveDamaged deletes a container whose config.json cannot be read (rm
// -f of a Damaged one): what its ID names, its monitor, processes,
// cgroup, mounts and directory.
func RemoveDamaged(store state.Store, d state.Damaged) error {
	if err := destroyDamaged(store, d); err != nil {
		return fmt.Errorf("remove %s: %w", d.ID[:12], err)
	}
	return nil
}
