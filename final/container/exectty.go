package container

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/creack/pty"

	"github.com/mydocker/mydocker/final/oci"
)

// execWithTerminal runs exec -t: the command gets a new terminal of the
// container's own devpts (so tty inside names one of its /dev/pts), its
// controlling one, and we copy between it and our stdio.
func execWithTerminal(st *State, cmd *exec.Cmd, opts ExecOptions, signals <-chan os.Signal, uid, gid int) (int, error) {
	master, slave, err := oci.OpenTerminal(st.Init.PID)
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
