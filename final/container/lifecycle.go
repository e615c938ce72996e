package container

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/cgroups"
)

// Stop stops a running container (book 5.5): SIGTERM, up to timeout for
// it to exit, then SIGKILL. It returns once the process is gone and the
// container is torn down and marked exited. A container that has exited
// already is no error, as in docker.
//
// A detached container's monitor is told first not to restart it, and is
// waited for: it records the exit code and tears the container down.
func Stop(store Store, st *State, timeout time.Duration) error {
	if st.Monitored {
		if err := requestStop(store, st); err != nil {
			return fmt.Errorf("stop %s: %w", st.Name, err)
		}
	}
	if st.Status != Exited && st.Init.Alive() {
		if err := stopProcess(st.Init, timeout); err != nil {
			return fmt.Errorf("stop %s: %w", st.Name, err)
		}
	}
	if err := waitForMonitor(st, monitorGrace); err != nil {
		return fmt.Errorf("stop %s: %w", st.Name, err)
	}
	if now, err := store.reload(st); err == nil {
		*st = *now
	}
	if st.Status == Exited {
		return nil
	}
	return finish(store, st, nil)
}

// monitorGrace is how long stop and rm wait for a monitor to finish its
// work once the container's process is gone.
const monitorGrace = 5 * time.Second

// Remove deletes a container (book 5.6): its writable layer, state, log
// and cgroup. A running container is refused unless force, which kills it
// first. A volume's host data is never deleted: every unmount is checked
// before anything is.
func Remove(store Store, st *State, force bool) error {
	if st.Status != Exited && st.Init.Alive() {
		if !force {
			return fmt.Errorf("%w: %s; stop it first, or use rm -f", ErrRunning, st.Name)
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
	if st.Status != Exited && st.Init.Alive() {
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
	err := store.change(st, func(now *State) error { return destroy(store, now, false) })
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
func RemoveDamaged(store Store, d Damaged) error {
	if err := destroyDamaged(store, d); err != nil {
		return fmt.Errorf("remove %s: %w", d.ID[:12], err)
	}
	return nil
}

// Wait blocks until the container has exited and returns its exit code.
// A detached container's is known from its monitor; one that exited with
// nobody watching (its monitor killed) has none, which is an error.
func Wait(store Store, st *State) (*int, error) {
	for {
		now, err := store.reload(st)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s was removed before its exit code could be read", st.Name)
		}
		if err != nil {
			return nil, err
		}
		if now.Status == Exited {
			if now.ExitCode == nil {
				return nil, fmt.Errorf("%s exited with nobody watching: its exit code is unknown", st.Name)
			}
			return now.ExitCode, nil
		}
		switch {
		case now.Owner.Alive():
			// Its mydocker (foreground run, or monitor) records the end.
			err = waitUntilGone(now.Owner)
		case now.Init.Alive():
			err = waitUntilGone(now.Init)
		}
		if err != nil {
			return nil, err
		}
		if err := reconcile(store, now); err != nil {
			return nil, err
		}
		// The owner may be between the exit and its record: look again.
		time.Sleep(10 * time.Millisecond)
	}
}

// waitUntilGone blocks until the process p has exited.
func waitUntilGone(p Process) error {
	fd, ok, err := openProcess(p.PID, p.Alive)
	if err != nil || !ok {
		return err
	}
	defer unix.Close(fd)
	for {
		if exited, err := waitForExit(fd, time.Hour); err != nil || exited {
			return err
		}
	}
}
