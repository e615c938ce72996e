package container

import (
	"time"

	"os"

	"github.com/mydocker/mydocker/final/state"
)

// Monitor is what a container's monitor process gives each run of the
// container (package monitor's hub is it): Run and StartAgain, which the
// monitor calls, use it, so that this package needs nothing of the
// monitor's but these.
type Monitor interface {
	// JoinCgroup moves the monitor into a cgroup of its own for the
	// container id, out of its caller's; where it cannot, it stays.
	JoinCgroup(id string)
	// Prepare opens the container's log, capped as log says, and its
	// attach socket, once its directory exists.
	Prepare(st *state.Container, log LogOptions) error
	// Console makes the stdio of a run as opts ask, which the monitor's
	// clients talk to from then on.
	Console(opts RunOptions) (Console, error)
	// Probe runs argv in the running container st, as exec does, for its
	// health check: its exit code and output, or why it did not finish
	// within timeout.
	Probe(st *state.Container, argv []string, timeout time.Duration) (int, string, error)
}

// Console is one run's stdio, which the monitor holds: pipes, or with -t
// the console socket that init sends the terminal back on.
type Console interface {
	// Files are what init gets: its stdin, stdout and stderr (nil for
	// /dev/null), or, with -t, the console socket as an extra file.
	Files() (stdin, stdout, stderr *os.File, extra []*os.File)
	// CloseTheirs closes init's ends in our process, once init has them.
	CloseTheirs()
	// Close closes every end the console holds.
	Close()
	// TTY reports whether the run has a terminal (-t).
	TTY() bool
	// Size is the terminal's rows and columns the run starts with.
	Size() [2]uint16
	// ReceiveTerminal takes the terminal's master from init (with -t);
	// its failure means init's status says why.
	ReceiveTerminal() error
	// Drain waits, for a bounded time, until the command's output has
	// all been logged and sent.
	Drain()
	// Exited tells the clients the run's exit status and lets them go.
	Exited(status int)
}
