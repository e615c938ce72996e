package container

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/initproc"
	"github.com/mydocker/mydocker/final/internal/signals"
	"github.com/mydocker/mydocker/final/state"
)

// Monitor is the life of a container, run by its monitor process
// (package monitor's Serve, which monitor.Start starts in a session of
// its own): it creates and starts the container and reports the start
// (or why it failed) to report, so that the caller can print the ID and
// return, or stream the container's stdio on first. Then it stays, the
// container's parent: it waits for the command, records its exit code,
// tears the container down, removes it with --rm, and restarts it as
// --restart says, until stop or rm ends it.
// It holds the host ports of -p bound while the container is connected
// (network.Reserve binds them in this process, Disconnect lets them go),
// as docker's port reservation does.
// docker has containerd-shim for this, podman conmon. The caller has
// called Reconcile (run's CLI does, before it starts the monitor).
func Monitor(opts RunOptions, first net.Conn, report func(*state.Container, error)) error {
	signals := monitorSetup()
	defer leaveMonitorCgroup()
	opts.hub = newHub(signals, opts.ConsoleSize)
	defer opts.hub.close()
	if first != nil {
		opts.hub.add(first, true) // before anything runs: no output is lost
	}
	reported := false
	opts.Started = func(st *state.Container) {
		reported = true
		report(st, nil)
	}
	st, status, err := run(opts, signals)
	if !reported {
		if st == nil && err == nil {
			err = fmt.Errorf("run: stopped by signal %d before the command started", status-128)
		}
		report(st, err)
		return err
	}
	if err != nil {
		return err
	}
	return superviseRestarts(state.Store{Root: opts.Root}, st, opts, status, signals)
}

// monitorSetup makes us a monitor: a subreaper, so that orphans of the
// container's processes (an exec whose parent died) come to us, not to
// the host's init, and the receiver of the signals to pass on.
func monitorSetup() chan os.Signal {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		logrus.WithError(err).Debug("become a subreaper")
	}
	sigc := make(chan os.Signal, 8)
	signal.Notify(sigc, signals.Forwarded...)
	return sigc
}

// superviseRestarts applies the restart policy to a container that has
// exited with status, for as long as it keeps being restarted.
func superviseRestarts(store state.Store, st *state.Container, opts RunOptions, status int, signals <-chan os.Signal) error {
	for {
		again, err := waitToRestart(store, st, status)
		if !again || err != nil {
			return err
		}
		status, again, err = startAgain(store, st, opts, signals, true, nil)
		if !again {
			return err
		}
	}
}

// waitToRestart decides, after an exit with status, whether the policy
// restarts the container, and waits the delay first. stop and rm during
// the wait end it.
func waitToRestart(store state.Store, st *state.Container, status int) (bool, error) {
	deadline := time.Now().Add(restartDelay(st.Restarts))
	for {
		now, err := store.Reload(st)
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil // removed: --rm, or rm -f
		}
		if err != nil {
			return false, err
		}
		if !now.Restart.ShouldRestart(status, now.Restarts, now.StopRequested) {
			return false, nil
		}
		if time.Now().After(deadline) {
			return true, nil
		}
		time.Sleep(min(50*time.Millisecond, time.Until(deadline)))
	}
}

// restartDelay is how long the monitor waits before restart number n (0
// first): docker's 100 ms, doubled each time, at most a minute, so that a
// container that fails at once does not spin.
func restartDelay(n int) time.Duration {
	d := 100 * time.Millisecond
	for i := 0; i < n && d < time.Minute; i++ {
		d *= 2
	}
	return min(d, time.Minute)
}

// startAgain starts the container st again, over the writable layer it
// kept, and watches it as run does: a restart by the policy (restart),
// or start (report then says how the start went). It holds the
// container's lock while it starts it, so that stop and rm wait for a
// container that either runs or has not started again. again is false
// when nothing was started (stop or rm came first, or the start failed
// for good).
func startAgain(store state.Store, st *state.Container, opts RunOptions, signals <-chan os.Signal, restart bool, report func(*state.Container, error)) (status int, again bool, err error) {
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
	if err := becomeMonitorOf(now, restart); err != nil {
		lock.Release()
		report(st, err)
		return 0, false, err
	}
	*st = *now
	parent, pipes, err := createContainer(st, opts)
	if err == nil {
		if err = startContainer(st, parent, pipes); err != nil {
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
	status, err = watch(store, st, parent, pipes, signals)
	return status, err == nil, err
}

// becomeMonitorOf records, under the container's lock, that we are its
// monitor and that it starts again.
func becomeMonitorOf(st *state.Container, restart bool) error {
	joinMonitorCgroup(st.ID)
	me, err := state.ProcessOf(os.Getpid())
	if err != nil {
		return err
	}
	st.Owner, st.Monitored, st.Detached = me, true, true
	st.Status, st.ExitCode, st.NotStarted = state.Created, nil, false
	if restart {
		st.Restarts++
	} else {
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
