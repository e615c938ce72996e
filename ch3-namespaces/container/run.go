package container

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
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
// its own status, or 128+N when a signal N killed it.
func Run(opts RunOptions) (int, error) {
	parent := NewParentProcess(opts)

	// Catch the signals before the start, so none slips through between
	// the start and the forwarding.
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, forwardedSignals...)
	defer signal.Stop(signals)

	if err := parent.Start(); err != nil {
		return 0, fmt.Errorf("start container: %w", err)
	}
	logrus.WithField("pid", parent.Process.Pid).Debug("container started")

	done := make(chan struct{})
	defer close(done)
	go forwardSignals(parent.Process, signals, done)

	err := parent.Wait()
	if parent.SysProcAttr.Foreground {
		takeBackTerminal()
	}
	return exitStatusOf(err)
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
