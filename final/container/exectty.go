package container

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/creack/pty"
	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// execWithTerminal runs exec -t: the command gets a new terminal of the
// container's own devpts (so tty inside names one of its /dev/pts), its
// controlling one, and we copy between it and our stdio.
func execWithTerminal(st *State, cmd *exec.Cmd, opts ExecOptions, signals <-chan os.Signal, uid, gid int) (int, error) {
	master, slave, err := openContainerTerminal(st)
	if err != nil {
		return 0, err
	}
	defer master.Close()
	// The terminal is the user's, as run -t makes it.
	if err := slave.Chown(uid, gid); err != nil {
		slave.Close()
		return 0, fmt.Errorf("give the terminal to the user: %w", err)
	}
	// Its size before the command starts: a "stty size" run at once must
	// see ours, not the 0x0 of a new terminal.
	if opts.Size[0] > 0 {
		if err := pty.Setsize(master, &pty.Winsize{Rows: opts.Size[0], Cols: opts.Size[1]}); err != nil {
			slave.Close()
			return 0, fmt.Errorf("size the terminal: %w", err)
		}
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	// A session of its own, with the terminal as its controlling one: a
	// shell's job control works, and ^C typed reaches it through it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	err = cmd.Start()
	slave.Close()
	if err != nil {
		return 0, fmt.Errorf("exec in %s: %w", st.Name, err)
	}
	if opts.Resize != nil {
		go func() {
			for size := range opts.Resize {
				_ = pty.Setsize(master, &pty.Winsize{Rows: size[0], Cols: size[1]})
			}
		}()
	}
	if opts.Interactive {
		go func() {
			_, _ = io.Copy(master, os.Stdin)
			// The end of our input, typed: ^D (our stdin was no terminal).
			_, _ = master.Write([]byte{4})
		}()
	}
	output := make(chan struct{})
	go func() { _, _ = io.Copy(os.Stdout, master); close(output) }()
	status, err := waitForExec(cmd, signals)
	// What it wrote last is still to be read: until the terminal's last
	// holder is gone (EIO), or a moment, if it left a process behind.
	select {
	case <-output:
	case <-time.After(time.Second):
	}
	return status, err
}

// openContainerTerminal opens a new pseudo-terminal in the running
// container's devpts from outside: its /dev/pts/ptmx, reached through
// /proc/PID/root with every symlink kept inside the container's root, and
// checked to be a ptmx device. The slave comes from the master itself
// (TIOCGPTPEER), with no path to look up.
func openContainerTerminal(st *State) (master, slave *os.File, err error) {
	root, err := os.OpenFile(fmt.Sprintf("/proc/%d/root", st.Init.PID), os.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
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
