package container

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// killTimeout bounds how long killProcess waits for a process to exit.
const killTimeout = 10 * time.Second

// killProcess sends SIGKILL to the process pid, if ours() still holds once
// a pidfd pins it, and waits until it has exited. A bare pid can be reused
// by another process at any moment; a pidfd (pidfd_open(2)) names one
// process for good, so the check made after opening it is a check of the
// very process that is then signalled. A process already gone is no error.
func killProcess(pid int, ours func() bool) error {
	fd, err := unix.PidfdOpen(pid, 0)
	if errors.Is(err, unix.ESRCH) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("pidfd_open %d: %w", pid, err)
	}
	defer unix.Close(fd)
	if !ours() {
		return nil // the pid belongs to another process now
	}
	if err := unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0); err != nil {
		if errors.Is(err, unix.ESRCH) {
			return nil
		}
		return fmt.Errorf("kill %d: %w", pid, err)
	}
	return waitForExit(fd, pid)
}

// waitForExit waits until the process of the pidfd fd has exited: a
// pidfd becomes readable then.
func waitForExit(fd, pid int) error {
	deadline := time.Now().Add(killTimeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("process %d still runs %s after SIGKILL", pid, killTimeout)
		}
		n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, int(left.Milliseconds())+1)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return fmt.Errorf("wait for %d: %w", pid, err)
		}
		if n > 0 {
			return nil
		}
	}
}
