package oci

import (
	"fmt"
	"os"

	"github.com/creack/pty"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// setUpConsole gives the process a terminal of the container's own
// devpts: the master goes to create or exec (and from it to the client's
// console socket); the slave becomes (for init) /dev/console, our stdin, stdout, stderr and
// controlling terminal, in a session of our own.
func setUpConsole(p *specs.Process, sync *os.File, console bool) error {
	master, slave, err := openPty(p)
	if err != nil {
		return err
	}
	defer slave.Close()
	err = sendMsg(sync, syncMsg{Type: msgConsole}, int(master.Fd()))
	master.Close()
	if err != nil {
		return fmt.Errorf("send the terminal: %w", err)
	}
	if console {
		if err := bindConsole(slave.Name()); err != nil {
			return err
		}
	}
	return takeTerminal(slave, p.User)
}

// bindConsole binds the slave onto /dev/console, as the spec asks.
func bindConsole(name string) error {
	f, err := os.OpenFile("/dev/console", os.O_CREATE|os.O_RDONLY|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return fmt.Errorf("make /dev/console: %w", err)
	}
	f.Close()
	if err := unix.Mount(name, "/dev/console", "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind %s on /dev/console: %w", name, err)
	}
	return nil
}

// takeTerminal makes the slave our stdio and controlling terminal, owned
// by the process's user.
func takeTerminal(slave *os.File, u specs.User) error {
	if _, err := unix.Setsid(); err != nil && err != unix.EPERM {
		return fmt.Errorf("setsid: %w", err)
	}
	if err := slave.Chown(int(u.UID), int(u.GID)); err != nil {
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

// openPty opens a pty in the container's /dev/pts, of the size asked.
func openPty(p *specs.Process) (master, slave *os.File, err error) {
	master, slave, err = pty.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("open a terminal in the container's /dev/pts: %w", err)
	}
	if p.ConsoleSize != nil {
		_ = pty.Setsize(master, &pty.Winsize{Rows: uint16(p.ConsoleSize.Height), Cols: uint16(p.ConsoleSize.Width)})
	}
	return master, slave, nil
}
