package monitor

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/container"
)

// console is one run's stdio, held by the monitor. Without -t the command
// gets three pipes (stdin only with -i; /dev/null otherwise, as docker).
// With -t it gets a pseudo-terminal that its init makes in the
// container's own devpts and sends us over the console socket, so that
// tty inside prints /dev/pts/0 and nothing of the host's terminal is ever
// handed in (a process given the caller's terminal could push keystrokes
// into the caller's shell with TIOCSTI).
type console struct {
	tty     bool
	stdin   *os.File // our end of the stdin pipe (-i without -t)
	master  *os.File // the terminal's master (-t), once init sent it
	socket  *os.File // our end of the console socket (-t)
	theirs  []*os.File
	outputs []*os.File // our ends of the output pipes (without -t)
	inputMu sync.Mutex
	copies  sync.WaitGroup
	hub     *hub
}

func newConsole(opts container.RunOptions, h *hub) (*console, error) {
	c := &console{tty: opts.TTY, hub: h}
	if opts.TTY {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return nil, fmt.Errorf("create the console socket: %w", err)
		}
		c.socket = os.NewFile(uintptr(fds[0]), "console")
		c.theirs = []*os.File{os.NewFile(uintptr(fds[1]), "console-theirs")}
		return c, nil
	}
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		return nil, err
	}
	stdin := devNull
	if opts.Interactive {
		r, w, err := os.Pipe()
		if err != nil {
			devNull.Close()
			return nil, err
		}
		devNull.Close()
		stdin, c.stdin = r, w
	}
	c.theirs = append(c.theirs, stdin)
	if opts.MergeOutput {
		r, w, err := os.Pipe()
		if err != nil {
			c.Close()
			return nil, err
		}
		c.theirs = append(c.theirs, w, w)
		c.outputs = append(c.outputs, r)
		c.copy("stdout", r)
		return c, nil
	}
	for _, stream := range []string{"stdout", "stderr"} {
		r, w, err := os.Pipe()
		if err != nil {
			c.Close()
			return nil, err
		}
		c.theirs = append(c.theirs, w)
		c.outputs = append(c.outputs, r)
		c.copy(stream, r)
	}
	return c, nil
}

// Files are what init gets: its stdin, stdout and stderr, or, with -t,
// the console socket as an extra file.
func (c *console) Files() (stdin, stdout, stderr *os.File, extra []*os.File) {
	if c.tty {
		return nil, nil, nil, c.theirs
	}
	return c.theirs[0], c.theirs[1], c.theirs[2], nil
}

// copy sends what the command writes on r to the hub, until it closes.
func (c *console) copy(stream string, r *os.File) {
	c.copies.Add(1)
	go func() {
		defer c.copies.Done()
		defer r.Close()
		buf := make([]byte, 32<<10)
		for {
			n, err := r.Read(buf)
			if n > 0 {
				c.hub.output(stream, buf[:n])
			}
			if err != nil {
				return // EOF, or EIO from a master whose last tty closed
			}
		}
	}()
}

// closeOutput closes our ends of the output pipes: their copies end, and
// the command's next write fails with EPIPE. A terminal (-t) is left: its
// master is also its input.
func (c *console) closeOutput() {
	for _, r := range c.outputs {
		_ = r.Close()
	}
}

// ReceiveTerminal takes the terminal's master from init, which sends it
// once it has mounted the container's devpts. No fd means init failed:
// the status pipe says why.
func (c *console) ReceiveTerminal() error {
	if !c.tty {
		return nil
	}
	buf, oob := make([]byte, 1), make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := unix.Recvmsg(int(c.socket.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
	c.socket.Close()
	if err != nil {
		return fmt.Errorf("receive the terminal: %w", err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return errNoMaster
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return errNoMaster
	}
	// Our own copy for writing, so that the reader's close never races a
	// write to a reused fd number.
	c.inputMu.Lock()
	c.master = os.NewFile(uintptr(fds[0]), "pty-master")
	c.inputMu.Unlock()
	reader, err := dupFile(c.master, "pty-master-read")
	if err != nil {
		return err
	}
	c.copy("stdout", reader)
	return nil
}

func dupFile(f *os.File, name string) (*os.File, error) {
	fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), name), nil
}

// write passes input on to the command.
func (c *console) write(p []byte) {
	c.inputMu.Lock()
	defer c.inputMu.Unlock()
	var w io.Writer
	switch {
	case c.master != nil:
		w = c.master
	case c.stdin != nil:
		w = c.stdin
	default:
		return // not -i: the input goes nowhere, as docker
	}
	_, _ = w.Write(p)
}

// closeInput ends the command's input: its stdin pipe closes, or, on a
// terminal, an end-of-file character (^D) is typed.
func (c *console) closeInput() {
	c.inputMu.Lock()
	defer c.inputMu.Unlock()
	switch {
	case c.master != nil:
		_, _ = c.master.Write([]byte{4})
	case c.stdin != nil:
		c.stdin.Close()
		c.stdin = nil
	}
}

// CloseTheirs closes init's ends in our process, once init has them.
func (c *console) CloseTheirs() {
	for _, f := range c.theirs {
		f.Close()
	}
	c.theirs = nil
}

// Drain waits until the command's output has all been passed on, then
// logs what is left of lines it did not end: every process that held it
// is gone once the container's init has exited (the kernel kills the rest
// of its PID namespace), but a bounded wait keeps a process in the host's
// PID namespace (--pid host is not offered, but exec -d may race) from
// holding the monitor.
func (c *console) Drain() {
	done := make(chan struct{})
	go func() { c.copies.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	c.hub.flush()
}

// TTY reports whether the run has a terminal (-t).
func (c *console) TTY() bool { return c.tty }

// Size is the terminal's rows and columns the run starts with: the
// latest a client sent.
func (c *console) Size() [2]uint16 { return c.hub.consoleSize() }

// Exited tells the clients the run's exit status and lets them go.
func (c *console) Exited(status int) { c.hub.exited(status) }

// Close closes every end the console holds.
func (c *console) Close() {
	c.CloseTheirs()
	c.inputMu.Lock()
	defer c.inputMu.Unlock()
	for _, f := range []*os.File{c.stdin, c.master, c.socket} {
		if f != nil {
			f.Close()
		}
	}
	c.stdin, c.master = nil, nil
}
