package initproc

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/internal/passwd"
	"github.com/mydocker/mydocker/final/internal/terminal"
)

// consoleSocketFd is where init finds the console socket: after the
// command (3) and status (4) pipes.
const consoleSocketFd = 5

// setUpTerminal is init's part of -t. It runs after the container's devpts
// is mounted, so the terminal is the container's own (/dev/pts/0 of its
// instance), not one of the host's: it opens /dev/ptmx (found inside the
// new root and checked, package terminal), sends the master
// to the monitor over the console socket (SCM_RIGHTS), and makes the
// slave its stdin, stdout, stderr and controlling terminal, owned by the
// user the command runs as. init is a session leader with no terminal
// yet (it was started in a session of its own), which TIOCSCTTY requires.
func setUpTerminal(cfg Config, cred passwd.Credential) error {
	root, err := os.Open("/")
	if err != nil {
		return err
	}
	master, slave, err := terminal.Open(root, "/dev/ptmx")
	root.Close()
	if err != nil {
		return fmt.Errorf("open a terminal in the container's /dev/pts: %w", err)
	}
	defer slave.Close()
	_ = terminal.SetSize(master, cfg.ConsoleSize[0], cfg.ConsoleSize[1])
	err = sendMaster(master)
	master.Close()
	if err != nil {
		return err
	}
	return terminal.Take(slave, cred.UID, cred.GID)
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
