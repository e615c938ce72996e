package signals

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/sirupsen/logrus"
)

// Forwarded are passed on to the container, so that stopping its
// monitor, or a foreground run attached to it, stops what runs inside.
// Note the kernel rule for PID 1 (pid_namespaces(7)): it only receives
// the signals it has a handler for, so "sleep" as PID 1 ignores SIGTERM,
// exactly as under docker.
var Forwarded = []os.Signal{
	syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP,
	syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2,
}

// Forward passes each signal we receive on to the container until
// done is closed.
func Forward(p *os.Process, signals <-chan os.Signal, done <-chan struct{}) {
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

// ExitStatus turns the result of Wait into a shell-style exit status.
func ExitStatus(err error) (int, error) {
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
