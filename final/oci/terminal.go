package oci

import (
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/internal/terminal"
)

// openTerminal opens a new pseudo-terminal in the devpts of the running
// container whose init is pid, from outside, as mydocker exec -t does:
// its /dev/pts/ptmx, reached through /proc/PID/root with every symlink
// kept inside the container's root (package terminal).
func openTerminal(pid int) (master, slave *os.File, err error) {
	root, err := os.OpenFile(fmt.Sprintf("/proc/%d/root", pid), os.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("open the container's root: %w", err)
	}
	defer root.Close()
	return terminal.Open(root, "/dev/pts/ptmx")
}

// execTerminal opens a terminal in the container's devpts for the
// process, of its size and owned by its user, sends the master to the
// client's console socket, and returns the slave: the process's stdio and
// (ParamCtty) controlling terminal.
func (c *Container) execTerminal(p *specs.Process, socket string) (*os.File, error) {
	master, slave, err := openTerminal(c.Pid)
	if err != nil {
		return nil, err
	}
	defer master.Close()
	if p.ConsoleSize != nil {
		_ = terminal.SetSize(master, uint16(p.ConsoleSize.Height), uint16(p.ConsoleSize.Width))
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
