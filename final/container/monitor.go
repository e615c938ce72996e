package container

import (
	"errors"
	"os"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/initproc"
	"github.com/mydocker/mydocker/final/state"
)

// StartAgain starts the container st again, as its monitor m, over the
// writable layer it kept, and watches it as Run does: a restart by the policy (restart),
// or start (report then says how the start went). It holds the
// container's lock while it starts it, so that stop and rm wait for a
// container that either runs or has not started again. again is false
// when nothing was started (stop or rm came first, or the start failed
// for good).
func StartAgain(store state.Store, st *state.Container, opts RunOptions, m Monitor, signals <-chan os.Signal, restart bool, report func(*state.Container, error)) (status int, again bool, err error) {
	if report == nil {
		report = func(*state.Container, error) {}
	}
	lock, err := store.Lock(st)
	if err != nil {
		report(st, err)
		return 0, false, notRemoved(err)
	}
	now, err := store.Reload(st)
	if err != nil || (restart && now.StopRequested) {
		lock.Release()
		report(st, err)
		return 0, false, notRemoved(err)
	}
	if err := becomeMonitorOf(now, m, restart); err != nil {
		lock.Release()
		report(st, err)
		return 0, false, err
	}
	*st = *now
	// network connect and disconnect change the networks while it runs:
	// a restart joins those its options say now.
	if fresh, err := LoadRunOptions(now); err == nil {
		opts.Network, opts.Aliases, opts.MoreNetworks, opts.Ports = fresh.Network, fresh.Aliases, fresh.MoreNetworks, fresh.Ports
	}
	parent, pipes, err := createContainer(st, opts, m)
	if err == nil {
		if err = startContainer(st, opts.SeccompProgram, parent, pipes); err != nil {
			_ = parent.Wait()
		}
	}
	lock.Release()
	report(st, err)
	if err != nil {
		var execErr *initproc.ExecError
		code := 0
		if errors.As(err, &execErr) {
			code = execErr.ExitCode()
		}
		if pipes != nil {
			pipes.close()
		}
		if ferr := finish(store, st, &code); ferr != nil {
			logrus.WithError(ferr).Warn("tear down the container")
		}
		if execErr == nil {
			return 0, false, err
		}
		return code, true, nil
	}
	defer pipes.close()
	pipes.stopHealth = startHealth(store, st, m)
	status, err = watch(store, st, parent, pipes, signals)
	return status, err == nil, err
}

// becomeMonitorOf records, under the container's lock, that we, its
// monitor m, are its monitor and that it starts again.
func becomeMonitorOf(st *state.Container, m Monitor, restart bool) error {
	m.JoinCgroup(st.ID)
	me, err := state.ProcessOf(os.Getpid())
	if err != nil {
		return err
	}
	st.Owner, st.Monitored, st.Detached = me, true, true
	st.Status, st.NotStarted = state.Created, false
	st.OOMKilled = false // of the run before
	if restart {
		// The last exit code stays until the command runs again: inspect
		// and ps show it Restarting, as docker's, while we start it.
		st.Restarts++
	} else {
		st.ExitCode = nil
		st.StopRequested = false // start undoes stop
	}
	return st.Save()
}

// requestStop tells the container's monitor not to restart it again.
func requestStop(store state.Store, st *state.Container) error {
	return store.Change(st, func(now *state.Container) error {
		now.StopRequested = true
		return now.Save()
	})
}

// waitForMonitor waits until the container's monitor has done its last
// work (the exit code, the teardown, --rm) and exited, killing it after
// timeout: it only sleeps then, before a restart that was called off.
func waitForMonitor(st *state.Container, timeout time.Duration) error {
	if !st.Monitored {
		return nil
	}
	fd, ok, err := openProcess(st.Owner.PID, st.Owner.Alive)
	if err != nil || !ok {
		return err
	}
	defer unix.Close(fd)
	if exited, err := waitForExit(fd, timeout); err != nil || exited {
		return err
	}
	return killAndWait(fd, st.Owner.PID)
}
