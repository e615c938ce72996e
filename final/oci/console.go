package oci

import (
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/mydocker/mydocker/final/internal/terminal"
	"github.com/mydocker/mydocker/final/mountfd"
)

// setUpConsole gives init a terminal of the container's own devpts: the
// master goes to create (and from it to the client's console socket); the
// slave becomes /dev/console, our stdin, stdout, stderr and controlling
// terminal, in a session of our own. (exec's terminal is opened from
// outside: terminal.go.)
func setUpConsole(p *specs.Process, sync *os.File) error {
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
	if err := bindConsole(slave); err != nil {
		return err
	}
	return terminal.Take(slave, int(p.User.UID), int(p.User.GID))
}

// bindConsole binds the slave onto /dev/console, as the spec asks: the
// target opened inside the new root and checked to be a file or a device
// (never a symlink out: runc's CVE-2025-52565), the slave bound from its
// descriptor, not by its name in /dev/pts.
func bindConsole(slave *os.File) error {
	root, err := mountfd.OpenRoot("/")
	if err != nil {
		return err
	}
	defer root.Close()
	target, err := mountfd.OpenTarget(root, "/dev/console", mountfd.File)
	if err != nil {
		return fmt.Errorf("make /dev/console: %w", err)
	}
	defer target.Close()
	mnt, err := mountfd.Clone(int(slave.Fd()), "", false)
	if err != nil {
		return fmt.Errorf("bind the terminal on /dev/console: %w", err)
	}
	defer mnt.Close()
	if err := mountfd.Attach(mnt, target); err != nil {
		return fmt.Errorf("bind the terminal on /dev/console: %w", err)
	}
	return nil
}

// openPty opens a pty in the container's /dev/pts, of the size asked:
// /dev/ptmx is found inside the new root and checked before it is opened
// (package terminal).
func openPty(p *specs.Process) (master, slave *os.File, err error) {
	root, err := mountfd.OpenRoot("/")
	if err != nil {
		return nil, nil, err
	}
	defer root.Close()
	master, slave, err = terminal.Open(root, "/dev/ptmx")
	if err != nil {
		return nil, nil, fmt.Errorf("open a terminal in the container's /dev/pts: %w", err)
	}
	if p.ConsoleSize != nil {
		_ = terminal.SetSize(master, uint16(p.ConsoleSize.Height), uint16(p.ConsoleSize.Width))
	}
	return master, slave, nil
}
