package container

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/ch4-overlay/cgroups"
	"github.com/mydocker/mydocker/ch4-overlay/cgroups/resources"
	"github.com/mydocker/mydocker/ch4-overlay/image"
	"github.com/mydocker/mydocker/ch4-overlay/overlay"
)

// forwardedSignals are passed on to the container, so that stopping
// mydocker stops what runs inside it. Note the kernel rule for PID 1
// (pid_namespaces(7)): it only receives the signals it has a handler for,
// so "sleep" as PID 1 ignores SIGTERM, exactly as under docker.
var forwardedSignals = []os.Signal{
	syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP,
	syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2,
}

// Run starts the container, waits for it and returns its exit status:
// its own status, or 128+N when a signal N killed it. The container's
// workspace and cgroup are removed on every way out.
func Run(opts RunOptions) (int, error) {
	// Catch the signals before anything exists, and let go of them only
	// once everything is removed again: a second Ctrl-C must not kill
	// mydocker half-way through unmounting the container.
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, forwardedSignals...)
	defer signal.Stop(signals)
	return run(opts, signals)
}

// run is Run with the channel that the signals for the container arrive on.
func run(opts RunOptions, signals <-chan os.Signal) (int, error) {
	lock, err := overlay.TryLock(opts.Root)
	if err != nil {
		return 0, err
	}
	defer lock.Unlock()

	id := newID()
	ws, err := newWorkSpace(opts.Root, id)
	if err != nil {
		return 0, err
	}
	defer deleteWorkSpace(ws)

	parent, writePipe, err := NewParentProcess(opts)
	if err != nil {
		return 0, err
	}
	// init starts in the container's root, and pivots into it.
	parent.Dir = ws.Merged()
	// Close our ends of the pipe however we leave; closing the write end
	// twice is harmless.
	defer writePipe.Close()
	defer parent.ExtraFiles[0].Close()

	if err := parent.Start(); err != nil {
		return 0, fmt.Errorf("start container: %w", err)
	}
	logrus.WithField("pid", parent.Process.Pid).Debug("container started, waiting for its command")
	// Recorded for the next run, in case we are killed and it is not.
	if err := ws.RecordProcess(parent.Process.Pid); err != nil {
		stopInit(parent)
		return 0, err
	}

	cgroup, err := cgroups.New(id)
	if err == nil {
		defer destroyCgroup(cgroup)
		err = applyCgroup(cgroup, &opts.Resources, parent.Process.Pid)
	}
	if err == nil {
		// A signal that came while we set up gives up the run before the
		// command starts, with the status it would have had: 128+N.
		if sig, ok := pendingSignal(signals); ok {
			stopInit(parent)
			return 128 + int(sig), nil
		}
		// Only now may the command start: it runs inside its limits.
		err = sendInitCommand(opts.Command, writePipe)
	}
	if err != nil {
		stopInit(parent)
		return 0, err
	}

	done := make(chan struct{})
	defer close(done)
	go forwardSignals(parent.Process, signals, done)

	err = parent.Wait()
	if parent.SysProcAttr.Foreground {
		takeBackTerminal()
	}
	return exitStatusOf(err)
}

// stopInit kills the container's init, which waits on the pipe, when the
// run gives up before sending the command.
func stopInit(parent *exec.Cmd) {
	_ = parent.Process.Kill()
	_ = parent.Wait()
}

// pendingSignal returns a signal that has arrived and not been forwarded.
func pendingSignal(signals <-chan os.Signal) (syscall.Signal, bool) {
	select {
	case sig := <-signals:
		s, ok := sig.(syscall.Signal)
		return s, ok
	default:
		return 0, false
	}
}

// newWorkSpace gives run id its root filesystem: the image's read-only
// layer, unpacked once, under a fresh writable layer. It first cleans up
// after a run that was killed before it could (kill -9 leaves the overlay
// mounted and the cgroup behind).
func newWorkSpace(root, id string) (overlay.Workspace, error) {
	ws := overlay.Workspace{Path: filepath.Join(root, "overlay")}
	if err := removeLeftovers(ws); err != nil {
		return ws, err
	}
	lower, err := image.Store{Root: root}.Layer(image.DefaultImage)
	if err != nil {
		return ws, err
	}
	if err := ws.Create(id, lower); err != nil {
		return ws, err
	}
	return ws, nil
}

// deleteWorkSpace unmounts and removes the container's writable layer.
func deleteWorkSpace(ws overlay.Workspace) {
	if err := ws.Remove(); err != nil {
		logrus.WithError(err).Warn("remove the container's workspace")
	}
}

// takeBackTerminal makes our process group the terminal's foreground
// again, after the container had it. The kernel stops a background process
// that changes the foreground with SIGTTOU, so that signal is ignored
// meanwhile (tcsetpgrp(3)).
func takeBackTerminal() {
	signal.Ignore(syscall.SIGTTOU)
	defer signal.Reset(syscall.SIGTTOU)
	if err := unix.IoctlSetPointerInt(0, unix.TIOCSPGRP, unix.Getpgrp()); err != nil {
		logrus.WithError(err).Debug("take back the terminal")
	}
}

// applyCgroup creates the container's cgroup with its limits and moves
// the container's init into it.
func applyCgroup(cgroup cgroups.Manager, res *resources.Resources, pid int) error {
	if err := cgroup.Set(res); err != nil {
		return fmt.Errorf("set cgroup limits: %w", err)
	}
	if err := cgroup.Apply(pid); err != nil {
		return fmt.Errorf("apply cgroup: %w", err)
	}
	logrus.WithField("cgroup", cgroup.Paths()).Debug("container joined its cgroup")
	return nil
}

// destroyCgroup removes the container's cgroup once it has exited. A
// failure cannot change the container's result, so it is a warning.
func destroyCgroup(cgroup cgroups.Manager) {
	if err := cgroup.Destroy(); err != nil {
		logrus.WithError(err).Warn("remove the container's cgroup")
	}
}

// forwardSignals passes each signal we receive on to the container until
// done is closed.
func forwardSignals(p *os.Process, signals <-chan os.Signal, done <-chan struct{}) {
	for {
		select {
		case sig := <-signals:
			logrus.WithField("signal", sig).Debug("forwarding signal to the container")
			// The container may have just exited: nothing left to signal.
			_ = p.Signal(sig)
		case <-done:
			return
		}
	}
}

// exitStatusOf turns the result of Wait into a shell-style exit status.
func exitStatusOf(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return 0, fmt.Errorf("wait for container: %w", err)
	}
	status, ok := exitErr.Sys().(syscall.WaitStatus)
	if !ok {
		return exitErr.ExitCode(), nil
	}
	if status.Signaled() {
		return 128 + int(status.Signal()), nil
	}
	return status.ExitStatus(), nil
}
