package enter

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// defaultStdio makes the command's stdio ours where the caller left it
// unset: the CLI's exec.
func (o *Options) defaultStdio() {
	if o.Stdin == nil {
		o.Stdin = os.Stdin
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
}

// writerOnly hides that w is an *os.File, so that os/exec copies to it
// through a pipe instead of handing it to the command.
type writerOnly struct{ w io.Writer }

func (w writerOnly) Write(p []byte) (int, error) { return w.w.Write(p) }

// outputTo is what the command's output goes to: a pipe that we copy to
// w, or /dev/null for io.Discard, so that a command whose output nobody
// keeps (the API's exec -d) is not killed by SIGPIPE when we go.
func outputTo(w io.Writer) io.Writer {
	if w == io.Discard {
		return nil
	}
	return writerOnly{w}
}

// killOnCancel kills the command's process group (it leads a session of
// its own, and the nsenter constructor's child, in the container, is in
// it) once cancel closes, unless done closes first: a client that hung up
// leaves nothing running.
func killOnCancel(pid int, cancel, done <-chan struct{}) {
	if cancel == nil {
		return
	}
	select {
	case <-cancel:
		_ = unix.Kill(-pid, unix.SIGKILL)
	case <-done:
	}
}
