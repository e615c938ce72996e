package container

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/state"
)

// killTimeout bounds how long a SIGKILL may take to end a process.
const killTimeout = 10 * time.Second

// openProcess returns a pidfd of the process pid, if ours() still holds
// once the pidfd pins it. A bare pid can be reused by another process at
// any moment; a pidfd (pidfd_open(2)) names one process for good, so the
// check made after opening it is a check of the very process that is then
// signalled. ok is false when the process is gone or not ours.
func openProcess(pid int, ours func() bool) (fd int, ok bool, err error) {
	fd, err = unix.PidfdOpen(pid, 0)
	if errors.Is(err, unix.ESRCH) {
		return -1, false, nil
	}
	if err != nil {
		return -1, false, fmt.Errorf("pidfd_open %d: %w", pid, err)
	}
	if !ours() {
		unix.Close(fd)
		return -1, false, nil
	}
	return fd, true, nil
}

// killProcess sends SIGKILL to the process pid, if it is ours (see
// openProcess), and waits until it has exited. A process already gone is
// no error.
func killProcess(pid int, ours func() bool) error {
	fd, ok, err := openProcess(pid, ours)
	if err != nil || !ok {
		return err
	}
	defer unix.Close(fd)
	return killAndWait(fd, pid)
}

// stopProcess asks p to stop with sig (SIGTERM, or the container's stop
// signal), gives it timeout to exit (a negative one: forever), then kills
// it (book 5.5 sent SIGTERM and hoped: a PID 1 without a handler for it,
// such as "sleep", never even receives it).
func stopProcess(p state.Process, sig unix.Signal, timeout time.Duration) error {
	fd, ok, err := openProcess(p.PID, p.Alive)
	if err != nil || !ok {
		return err
	}
	defer unix.Close(fd)
	if err := unix.PidfdSendSignal(fd, sig, nil, 0); err != nil && !errors.Is(err, unix.ESRCH) {
		return fmt.Errorf("signal %d: %w", p.PID, err)
	}
	if timeout < 0 {
		timeout = forever
	}
	if exited, err := waitForExit(fd, timeout); err != nil || exited {
		return err
	}
	return killAndWait(fd, p.PID)
}

// forever is stop's wait with a negative timeout (docker's -1): a
// century, in hour-long polls.
const forever = 100 * 365 * 24 * time.Hour

// killAndWait sends SIGKILL through the pidfd fd and waits for the exit.
func killAndWait(fd, pid int) error {
	if err := unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0); err != nil {
		if errors.Is(err, unix.ESRCH) {
			return nil
		}
		return fmt.Errorf("kill %d: %w", pid, err)
	}
	exited, err := waitForExit(fd, killTimeout)
	if err == nil && !exited {
		err = fmt.Errorf("process %d still runs %s after SIGKILL", pid, killTimeout)
	}
	return err
}

// waitForExit waits up to timeout until the process of the pidfd fd has
// exited: a pidfd becomes readable then.
func waitForExit(fd int, timeout time.Duration) (bool, error) {
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return false, nil
		}
		// poll(2) takes an int of milliseconds: wait in slices.
		left = min(left, time.Hour)
		n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, int(left.Milliseconds())+1)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("wait for a process: %w", err)
		}
		if n > 0 {
			return true, nil
		}
	}
}
