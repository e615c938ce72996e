package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/mydocker/mydocker/final/internal/terminal"
)

// foregroundConsole is run's and exec's terminal when the process has one
// (process.terminal, exec -t) and no --console-socket was given, as runc
// does it: without -d, the runtime is its own console socket's client's
// other end. The container's terminal master comes to a socket of ours,
// in a directory only root may enter, and its input and output are
// copied to and from our own stdio, our terminal (if stdin is one) made
// raw meanwhile, its size followed.
type foregroundConsole struct {
	dir      string
	listener *net.UnixListener
	master   chan *os.File
	restore  func()
	copied   chan struct{} // closed when the output has all been copied
}

func newForegroundConsole() (*foregroundConsole, error) {
	dir, err := os.MkdirTemp("", "mydocker-runc-console-")
	if err != nil {
		return nil, fmt.Errorf("make the console socket's directory: %w", err)
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: filepath.Join(dir, "console.sock"), Net: "unix"})
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("listen for the console: %w", err)
	}
	c := &foregroundConsole{dir: dir, listener: l, master: make(chan *os.File, 1), restore: func() {}, copied: make(chan struct{})}
	go c.receive()
	return c, nil
}

// consoleFor is the foreground console that a process with a terminal,
// run or exec'd without -d and without --console-socket, gets; nil, and
// the socket given, otherwise.
func consoleFor(terminal, foreground bool, socket string) (*foregroundConsole, string, error) {
	if !terminal || !foreground || socket != "" {
		return nil, socket, nil
	}
	c, err := newForegroundConsole()
	if err != nil {
		return nil, "", err
	}
	return c, c.Path(), nil
}

// Path is the console socket to give create or exec.
func (c *foregroundConsole) Path() string { return filepath.Join(c.dir, "console.sock") }

// receive takes the one master that create or exec sends.
func (c *foregroundConsole) receive() {
	defer close(c.master)
	conn, err := c.listener.AcceptUnix()
	if err != nil {
		return
	}
	defer conn.Close()
	buf, oob := make([]byte, 64), make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
	if err != nil {
		return
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return
	}
	c.master <- os.NewFile(uintptr(fds[0]), "console-master")
}

// Attach starts the copying once the container's process has its
// terminal (after create's or exec's return): our terminal raw, its size
// now and on each SIGWINCH, our stdin to the master, the master to our
// stdout.
func (c *foregroundConsole) Attach() error {
	master, ok := <-c.master
	if !ok {
		return errors.New("the container's terminal never came to the console socket")
	}
	if !term.IsTerminal(int(os.Stdout.Fd())) {
		// Our output is data (a pipe, a file), not a screen: the
		// process's lines as it wrote them, as runc gives them, not with
		// the CR the terminal adds for a display (ONLCR). To a terminal
		// of ours, made raw, the CR is what starts the next line.
		if err := clearONLCR(master); err != nil {
			return err
		}
	}
	stdin := int(os.Stdin.Fd())
	if term.IsTerminal(stdin) {
		if saved, err := term.MakeRaw(stdin); err == nil {
			c.restore = func() { _ = term.Restore(stdin, saved) }
		}
		followSize(master)
	}
	go func() { _, _ = io.Copy(master, os.Stdin) }()
	go func() {
		// EIO once the last process holding the terminal has exited.
		_, _ = io.Copy(os.Stdout, master)
		close(c.copied)
	}()
	return nil
}

// clearONLCR stops the terminal turning the process's "\n" into "\r\n".
func clearONLCR(master *os.File) error {
	t, err := unix.IoctlGetTermios(int(master.Fd()), unix.TCGETS)
	if err != nil {
		return fmt.Errorf("read the terminal's modes: %w", err)
	}
	t.Oflag &^= unix.ONLCR
	if err := unix.IoctlSetTermios(int(master.Fd()), unix.TCSETS, t); err != nil {
		return fmt.Errorf("set the terminal's modes: %w", err)
	}
	return nil
}

// followSize gives the master our terminal's size, now and on SIGWINCH.
func followSize(master *os.File) {
	resize := func() {
		if w, h, err := term.GetSize(int(os.Stdin.Fd())); err == nil {
			_ = terminal.SetSize(master, uint16(h), uint16(w))
		}
	}
	resize()
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	go func() {
		for range winch {
			resize()
		}
	}()
}

// StopWaiting ends the wait for a terminal that has not come: Attach
// then fails.
func (c *foregroundConsole) StopWaiting() { c.listener.Close() }

// Close waits for the output's end (the process has exited, so its
// terminal's last bytes are read to EIO), gives our terminal back, and
// removes the socket.
func (c *foregroundConsole) Close(attached bool) {
	if attached {
		// A process the container left behind may hold the terminal on:
		// its output is not waited for past a second.
		select {
		case <-c.copied:
		case <-time.After(time.Second):
		}
	}
	c.restore()
	c.listener.Close()
	os.RemoveAll(c.dir)
}
