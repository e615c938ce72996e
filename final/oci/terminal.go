package oci

import (
	"fmt"
	"os"

	"github.com/creack/pty"
	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// OpenTerminal opens a new pseudo-terminal in the devpts of the running
// container whose init is pid, from outside, as mydocker exec -t does
// (container/exectty.go): its /dev/pts/ptmx, reached through /proc/PID/root with
// every symlink kept inside the container's root, and checked to be a
// ptmx device. The slave comes from the master itself (TIOCGPTPEER), with
// no path to look up.
func OpenTerminal(pid int) (master, slave *os.File, err error) {
	root, err := os.OpenFile(fmt.Sprintf("/proc/%d/root", pid), os.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("open the container's root: %w", err)
	}
	defer root.Close()
	handle, err := pathrs.OpenatInRoot(root, "/dev/pts/ptmx")
	if err != nil {
		return nil, nil, fmt.Errorf("open the container's /dev/pts/ptmx: %w", err)
	}
	defer handle.Close()
	master, err = pathrs.Reopen(handle, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC)
	if err != nil {
		return nil, nil, fmt.Errorf("open the container's /dev/pts/ptmx: %w", err)
	}
	var stat unix.Stat_t
	if err := unix.Fstat(int(master.Fd()), &stat); err != nil || stat.Mode&unix.S_IFMT != unix.S_IFCHR ||
		unix.Major(stat.Rdev) != 5 || unix.Minor(stat.Rdev) != 2 {
		master.Close()
		return nil, nil, fmt.Errorf("the container's /dev/pts/ptmx is not a terminal multiplexer")
	}
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("unlock the terminal: %w", err)
	}
	fd, _, errno := unix.Syscall(unix.SYS_IOCTL, master.Fd(), unix.TIOCGPTPEER, uintptr(unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC))
	if errno != 0 {
		master.Close()
		return nil, nil, fmt.Errorf("open the terminal's other end: %w", errno)
	}
	return master, os.NewFile(fd, "pty"), nil
}

// execTerminal opens a terminal in the container's devpts for the
// process, of its size and owned by its user, sends the master to the
// client's console socket, and returns the slave: the process's stdio and
// (ParamCtty) controlling terminal.
func (c *Container) execTerminal(p *specs.Process, socket string) (*os.File, error) {
	master, slave, err := OpenTerminal(c.Pid)
	if err != nil {
		return nil, err
	}
	defer master.Close()
	if p.ConsoleSize != nil {
		_ = pty.Setsize(master, &pty.Winsize{Rows: uint16(p.ConsoleSize.Height), Cols: uint16(p.ConsoleSize.Width)})
	}
	uid, gid := c.hostID(c.Spec.Linux.UIDMappings, p.User.UID), c.hostID(c.Spec.Linux.GIDMappings, p.User.GID)
	if err := slave.Chown(uid, gid); err != nil {
		slave.Close()
		return nil, fmt.Errorf("give the terminal to the user: %w", err)
	}
	if err := sendConsole(socket, int(master.Fd())); err != nil {
		slave.Close()
		return nil, err
	}
	return slave, nil
}

// hostID is the host's id of the container's id, through the mappings
// of its user namespace (none: the same).
func (c *Container) hostID(maps []specs.LinuxIDMapping, id uint32) int {
	if !hasNamespace(c.Spec, specs.UserNamespace) {
		return int(id)
	}
	for _, m := range maps {
		if id >= m.ContainerID && id-m.ContainerID < m.Size {
			return int(m.HostID + id - m.ContainerID)
		}
	}
	return -1 // unmapped: the owner stays
}
