package monitor

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

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/internal/signals"
	"github.com/mydocker/mydocker/final/state"
)

// Monitor is the life of a container, run by its monitor process (Serve,
// which Start starts in a session of its own): it creates and starts the
// container (container.Run) and reports the start (or why it failed) to
// report, so that the caller can print the ID and return, or stream the
// container's stdio on first. Then it stays, the container's parent: it
// waits for the command, records its exit code, tears the container
// down, removes it with --rm, and restarts it as --restart says, until
// stop or rm ends it.
// It holds the host ports of -p bound while the container is connected
// (network.Reserve binds them in this process, Disconnect lets them go),
// as docker's port reservation does.
// docker has containerd-shim for this, podman conmon. The caller has
// called Reconcile (run's CLI does, before it starts the monitor).
func Monitor(opts container.RunOptions, first net.Conn, report func(*state.Container, error)) error {
	signals := monitorSetup()
	defer leaveMonitorCgroup()
	h := newHub(signals, opts.ConsoleSize)
	defer h.close()
	if first != nil {
		h.add(first, true) // before anything runs: no output is lost
	}
	reported := false
	opts.Started = func(st *state.Container) {
		reported = true
		report(st, nil)
	}
	st, status, err := container.Run(opts, h, signals)
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
	return superviseRestarts(state.Store{Root: opts.Root}, st, opts, h, status, signals)
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
func superviseRestarts(store state.Store, st *state.Container, opts container.RunOptions, h *hub, status int, signals <-chan os.Signal) error {
	for {
		again, err := waitToRestart(store, st, status)
		if !again || err != nil {
			return err
		}
		status, again, err = container.StartAgain(store, st, opts, h, signals, true, nil)
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

// MonitorStart is the monitor of a container that start runs again (made
// by create, or exited): it starts it as a detached container, over the
// writable layer it has, reports the start, and then watches it as
// Monitor does. prog is its seccomp program, compiled by the caller.
func MonitorStart(root, id string, prog []byte, first net.Conn, report func(*state.Container, error)) error {
	signals := monitorSetup()
	defer leaveMonitorCgroup()
	store := state.Store{Root: root}
	st, err := store.Find(id)
	if err == nil && st.Status == state.Running && st.Init.Alive() {
		report(st, nil) // running already: nothing to do, as docker
		return nil
	}
	var opts container.RunOptions
	if err == nil {
		opts, err = container.LoadRunOptions(st)
	}
	var h *hub
	if err == nil {
		opts.MergeOutput = false // the first run's caller's wish
		opts.SeccompProgram = prog
		h = newHub(signals, opts.ConsoleSize)
		defer h.close()
		err = h.Prepare(st, opts.Log)
	}
	if err != nil {
		report(st, err)
		return err
	}
	if first != nil {
		h.add(first, true)
	}
	status, again, err := container.StartAgain(store, st, opts, h, signals, false, report)
	if !again {
		return err
	}
	return superviseRestarts(store, st, opts, h, status, signals)
}
