package monitor

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/state"
)

// ErrDetached is what Stream returns when the user typed the detach keys:
// the container runs on.
var ErrDetached = errors.New("detached")

// ErrMonitorGone is what Stream returns when the monitor went away before
// it said how the container exited (it was killed): the next command
// reconciles the container and reports it.
var ErrMonitorGone = errors.New("lost the container's monitor before it exited: its exit code is unknown; see ps -a")

// DetachKeys are docker's: ctrl-p ctrl-q.
var DetachKeys = []byte{0x10, 0x11}

// AttachOptions is what a client connects to a container's stdio.
type AttachOptions struct {
	Stdin          io.Reader // nil: send no input
	Stdout, Stderr io.Writer
	DetachKeys     []byte           // typed on Stdin, they detach; nil: none
	Resize         <-chan [2]uint16 // the terminal's new rows and columns
	Signals        <-chan os.Signal // passed on to the container
}

// Attach connects to the monitor of a running container.
func Attach(st *state.Container) (net.Conn, error) {
	if st.Status != state.Running || !st.Init.Alive() {
		return nil, fmt.Errorf("container %s is not running: you cannot attach to a stopped container, start it first", st.Name)
	}
	dir, err := unix.Open(st.Dir(), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(dir)
	conn, err := net.Dial("unix", "/proc/self/fd/"+strconv.Itoa(dir)+"/"+attachSocket)
	if err != nil {
		return nil, fmt.Errorf("attach to %s: its monitor does not answer: %w", st.Name, err)
	}
	return conn, nil
}

// Resize gives a running container's terminal (run -t) rows and columns,
// as an attached client's resize does: on a connection of its own, which
// the monitor reads the size from, then drops (the API's resize request,
// which comes apart from the attach stream).
func Resize(st *state.Container, rows, cols uint16) error {
	conn, err := Attach(st)
	if err != nil {
		return err
	}
	defer conn.Close()
	return resizeFrame(conn, rows, cols)
}

// Stream is the client's side of an attach: it copies the container's
// output to ours and our input, terminal size and signals to it, until the
// container exits (its exit status is returned) or the detach keys are
// typed (ErrDetached).
func Stream(conn net.Conn, o AttachOptions) (int, error) {
	defer conn.Close()
	detached := make(chan struct{})
	if o.Stdin != nil {
		go sendInput(conn, o.Stdin, o.DetachKeys, detached)
	}
	go sendControl(conn, o.Resize, o.Signals)
	result := make(chan streamResult, 1)
	go func() { result <- receiveOutput(conn, o.Stdout, o.Stderr) }()
	select {
	case r := <-result:
		return r.status, r.err
	case <-detached:
		return 0, ErrDetached
	}
}

type streamResult struct {
	status int
	err    error
}

func receiveOutput(conn net.Conn, stdout, stderr io.Writer) streamResult {
	out := &outputOf{conn: conn, w: stdout}
	errOut := &outputOf{conn: conn, w: stderr}
	for {
		kind, payload, err := readFrame(conn)
		if err != nil {
			return streamResult{err: ErrMonitorGone}
		}
		switch kind {
		case frameStdout:
			out.write(payload)
		case frameStderr:
			errOut.write(payload)
		case frameExit:
			status, err := strconv.Atoi(string(payload))
			if err != nil {
				return streamResult{err: fmt.Errorf("attach stream: exit status %q", payload)}
			}
			return streamResult{status: status}
		}
	}
}

// outputOf is one of our outputs. When what reads it goes away ("run ... |
// head", with SIGPIPE caught), the monitor is told, once: for the run's
// own client, it closes the container's output pipes, so that the command
// meets the broken pipe itself, as in a shell pipeline, and ends; the
// client still waits for its exit status, with the teardown done.
type outputOf struct {
	conn net.Conn
	w    io.Writer
	gone bool
}

func (o *outputOf) write(p []byte) {
	if o.gone {
		return
	}
	if _, err := o.w.Write(p); errors.Is(err, syscall.EPIPE) {
		o.gone = true
		_ = writeFrame(o.conn, frameGone, nil)
	}
}

// sendInput sends what we read on in, until it ends (then the container's
// input ends too) or the detach keys are typed (then detached is closed).
func sendInput(conn net.Conn, in io.Reader, keys []byte, detached chan<- struct{}) {
	buf := make([]byte, 32<<10)
	var held []byte // a prefix of the detach keys, not sent yet
	for {
		n, err := in.Read(buf)
		if n > 0 {
			var out []byte
			var detach bool
			out, held, detach = scanDetach(buf[:n], held, keys)
			if len(out) > 0 && writeFrame(conn, frameStdin, out) != nil {
				return
			}
			if detach {
				close(detached)
				return
			}
		}
		if err != nil {
			if len(held) > 0 {
				_ = writeFrame(conn, frameStdin, held)
			}
			_ = writeFrame(conn, frameEOF, nil)
			return
		}
	}
}

// scanDetach looks for keys in p, after the held prefix of them from the
// read before: it returns what is to be sent, the prefix to hold now, and
// whether the whole sequence was typed.
func scanDetach(p, held, keys []byte) (out, hold []byte, detach bool) {
	if len(keys) == 0 {
		return p, nil, false
	}
	for _, b := range p {
		if b == keys[len(held)] {
			held = append(held, b)
			if len(held) == len(keys) {
				return out, nil, true
			}
			continue
		}
		out = append(out, held...)
		held = held[:0]
		if b == keys[0] {
			held = append(held, b)
			continue
		}
		out = append(out, b)
	}
	return out, bytes.Clone(held), false
}

func sendControl(conn net.Conn, resize <-chan [2]uint16, signals <-chan os.Signal) {
	for {
		select {
		case size, ok := <-resize:
			if !ok {
				resize = nil
				continue
			}
			if resizeFrame(conn, size[0], size[1]) != nil {
				return
			}
		case sig, ok := <-signals:
			if !ok {
				signals = nil
				continue
			}
			if s, isSys := sig.(syscall.Signal); isSys && numberFrame(conn, frameSignal, int(s)) != nil {
				return
			}
		}
	}
}
