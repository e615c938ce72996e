package container

import (
	"fmt"
	"os"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// setUpTerminal is init's part of -t. It runs after the container's devpts
// is mounted, so the terminal is the container's own (/dev/pts/0 of its
// instance), not one of the host's: it opens /dev/ptmx, sends the master
// to the monitor over the console socket (SCM_RIGHTS), and makes the
// slave its stdin, stdout, stderr and controlling terminal, owned by the
// user the command runs as. init is a session leader with no terminal
// yet (it was started in a session of its own), which TIOCSCTTY requires.
func setUpTerminal(cfg initConfig, cred credential) error {
	master, slave, err := pty.Open()
	if err != nil {
		return fmt.Errorf("open a terminal in the container's /dev/pts: %w", err)
	}
	defer slave.Close()
	if rows, cols := cfg.ConsoleSize[0], cfg.ConsoleSize[1]; rows > 0 && cols > 0 {
		_ = pty.Setsize(master, &pty.Winsize{Rows: rows, Cols: cols})
	}
	err = sendMaster(master)
	master.Close()
	if err != nil {
		return err
	}
	if err := slave.Chown(cred.uid, cred.gid); err != nil {
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

func sendMaster(master *os.File) error {
	sock := os.NewFile(consoleSocketFd, "console-socket")
	defer sock.Close()
	rights := unix.UnixRights(int(master.Fd()))
	if err := unix.Sendmsg(int(sock.Fd()), []byte{0}, rights, nil, 0); err != nil {
		return fmt.Errorf("send the terminal to the monitor: %w", err)
	}
	return nil
}
