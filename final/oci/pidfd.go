package oci

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// pidfdSocket is --pidfd-socket (runc 1.2 on): a pidfd of the container's
// init (create, run) or of exec's process is sent on a unix socket, so
// that a manager can signal and wait for that very process, which a pid,
// reused once it exits, does not promise. It is connected before
// anything starts: a wrong path fails with nothing made.
type pidfdSocket struct{ fd int }

func dialPidfdSocket(path string) (*pidfdSocket, error) {
	if path == "" {
		return nil, nil
	}
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	if err := unix.Connect(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("connect to the pidfd socket %s: %w", path, err)
	}
	return &pidfdSocket{fd: fd}, nil
}

// send sends pid's pidfd with kind as the message, as runc's: "standard"
// for init, "setns" for exec's process.
func (s *pidfdSocket) send(pid int, kind string) error {
	if s == nil {
		return nil
	}
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return fmt.Errorf("open a pidfd of %d: %w", pid, err)
	}
	defer unix.Close(pidfd)
	if err := unix.Sendmsg(s.fd, []byte(kind), unix.UnixRights(pidfd), nil, 0); err != nil {
		return fmt.Errorf("send the pidfd: %w", err)
	}
	return nil
}

func (s *pidfdSocket) Close() {
	if s != nil {
		unix.Close(s.fd)
	}
}
