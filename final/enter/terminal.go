package enter

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/internal/terminal"
	"github.com/mydocker/mydocker/final/state"
)

// execWithTerminal runs exec -t: the command gets a new terminal of the
// container's own devpts (so tty inside names one of its /dev/pts), its
// controlling one, and we copy between it and our stdio.
func execWithTerminal(st *state.Container, cmd *exec.Cmd, opts Options, signals <-chan os.Signal, uid, gid int) (int, error) {
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
	if err := terminal.SetSize(master, opts.Size[0], opts.Size[1]); err != nil {
		slave.Close()
		return 0, err
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
	exited := make(chan struct{})
	defer close(exited)
	if opts.Resize != nil {
		go followResize(master, opts.Resize, exited)
	}
	if opts.Interactive {
		go func() {
			_, _ = io.Copy(master, opts.Stdin)
			// The end of our input, typed: ^D (our stdin was no terminal).
			_, _ = master.Write([]byte{4})
		}()
	}
	output := make(chan struct{})
	go func() { _, _ = io.Copy(opts.Stdout, master); close(output) }()
	status, err := waitForExec(cmd, signals, opts)
	// What it wrote last is still to be read: until the terminal's last
	// holder is gone (EIO), or a moment, if it left a process behind.
	select {
	case <-output:
	case <-time.After(time.Second):
	}
	return status, err
}

// followResize gives the terminal each size sent on resize, until the
// command has exited (the API server lives on after it).
func followResize(master *os.File, resize <-chan [2]uint16, exited <-chan struct{}) {
	for {
		select {
		case size, ok := <-resize:
			if !ok {
				return
			}
			_ = terminal.SetSize(master, size[0], size[1])
		case <-exited:
			return
		}
	}
}

// openContainerTerminal opens a new pseudo-terminal in the running
// container's devpts from outside: its /dev/pts/ptmx, reached through
// /proc/PID/root with every symlink kept inside the container's root
// (package terminal).
func openContainerTerminal(st *state.Container) (master, slave *os.File, err error) {
	root, err := os.OpenFile(fmt.Sprintf("/proc/%d/root", st.Init.PID), os.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("open the container's root: %w", err)
	}
	defer root.Close()
	master, slave, err = terminal.Open(root, "/dev/pts/ptmx")
	if err != nil {
		return nil, nil, fmt.Errorf("open a terminal in %s: %w", st.Name, err)
	}
	return master, slave, nil
}
