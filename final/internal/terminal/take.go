package terminal

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Take makes slave the calling process's stdin, stdout, stderr and
// controlling terminal, owned by uid and gid (the user the command runs
// as, who must be able to reopen /dev/tty). The process is made a session
// leader first, as TIOCSCTTY requires; one that is already (EPERM) keeps
// its session, which has no terminal yet.
func Take(slave *os.File, uid, gid int) error {
	if _, err := unix.Setsid(); err != nil && err != unix.EPERM {
		return fmt.Errorf("setsid: %w", err)
	}
	if err := slave.Chown(uid, gid); err != nil {
		return fmt.Errorf("give the terminal to the user: %w", err)
	}
	for fd := 0; fd < 3; fd++ {
		if err := unix.Dup2(int(slave.Fd()), fd); err != nil {
			return fmt.Errorf("connect the terminal: %w", err)
		}
	}
	if err := unix.IoctlSetInt(0, unix.TIOCSCTTY, 0); err != nil {
		return fmt.Errorf("make the terminal the controlling one: %w", err)
	}
	return nil
}
