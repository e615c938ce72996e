package oci

import (
	"errors"
	"fmt"
	"os"

	"github.com/creack/pty"
	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/mountfd"
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
		if err := bindConsole(slave); err != nil {
			return err
		}
	}
	return takeTerminal(slave, p.User)
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
// /dev/ptmx is opened inside the root and checked to be the ptmx device
// (5:2); the slave comes from the master (TIOCGPTPEER), not from a
// /dev/pts/N name that the rootfs might have made something else.
func openPty(p *specs.Process) (master, slave *os.File, err error) {
	master, err = openPtmx()
	if err != nil {
		return nil, nil, fmt.Errorf("open a terminal in the container's /dev/pts: %w", err)
	}
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("unlock the terminal: %w", err)
	}
	// TIOCGPTPEER's argument is the slave's open flags.
	fd, _, errno := unix.Syscall(unix.SYS_IOCTL, master.Fd(), unix.TIOCGPTPEER, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC)
	if errno != 0 {
		master.Close()
		return nil, nil, fmt.Errorf("open the terminal's slave: %w", errno)
	}
	slave = os.NewFile(fd, "pty-slave")
	if p.ConsoleSize != nil {
		_ = pty.Setsize(master, &pty.Winsize{Rows: uint16(p.ConsoleSize.Height), Cols: uint16(p.ConsoleSize.Width)})
	}
	return master, slave, nil
}

// openPtmx opens /dev/ptmx (through its pts/ptmx link) inside "/", and
// checks it is the multiplexer.
func openPtmx() (*os.File, error) {
	root, err := mountfd.OpenRoot("/")
	if err != nil {
		return nil, err
	}
	defer root.Close()
	handle, err := pathrs.OpenatInRoot(root, "/dev/ptmx")
	if err != nil {
		return nil, err
	}
	defer handle.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(handle.Fd()), &st); err != nil {
		return nil, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFCHR || unix.Major(st.Rdev) != 5 || unix.Minor(st.Rdev) != 2 {
		return nil, errors.New("/dev/ptmx is not the pty multiplexer (5:2)")
	}
	return pathrs.Reopen(handle, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC)
}
