package monitor

import (
	"errors"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/initproc"
)

// The monitor's descriptors, the ExtraFiles of Start: the Request comes
// in on fd 3, the report goes out on fd 4, and with Attach fd 5 is the
// client's connection.
const (
	requestFd = 3
	reportFd  = 4
	clientFd  = 5
)

// request is what the monitor is to do: run a new container of Options
// (run, run -d), or Start an existing one of Root again (start, restart,
// boot).
type request struct {
	Options *container.RunOptions `json:"options,omitempty"`
	Start   string                `json:"start,omitempty"`
	Root    string                `json:"root,omitempty"`
	// Attached: fd 5 is the connection of the client that waits for the
	// container (run without -d, start -a), attached before it starts.
	Attached bool `json:"attached,omitempty"`
	// Seccomp is the container's seccomp program (Options.Seccomp).
	Seccomp []byte `json:"seccomp,omitempty"`
}

// report is what the monitor tells Start once the container's command
// runs, or why it does not: the ID, or a message and the status to exit
// with (125, or 126/127 when the command could not start).
type report struct {
	ID      string `json:"id,omitempty"`
	Message string `json:"message,omitempty"`
	Code    int    `json:"code,omitempty"`
}

// exitFailure is the status of a failure of mydocker's own, as docker's.
const exitFailure = 125

// StartError is a failure to start the container that its monitor
// reported: its message, and the status a CLI exits with for it.
type StartError struct {
	Message string
	Code    int
}

func (e *StartError) Error() string { return e.Message }

// ExitCode is the status for the failure: 127 when the command does not
// exist, 126 when it cannot be run (as in a shell), and 125 otherwise.
func (e *StartError) ExitCode() int { return e.Code }

// statusOf is the exit status the monitor reports for err.
func statusOf(err error) int {
	var execErr *initproc.ExecError
	if errors.As(err, &execErr) {
		return execErr.ExitCode()
	}
	return exitFailure
}
