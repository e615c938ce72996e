package monitor

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/container"
)

// Options says which container Start starts, and how its monitor runs.
type Options struct {
	// Run is a new container to make and start (run, run -d); or
	Run *container.RunOptions
	// Start is the ID of a container of Root, made by create or exited,
	// to start again over its writable layer (start, restart, boot).
	Start string
	Root  string
	// Seccomp is the seccomp program of the container, which the caller
	// compiles: the monitor may be the small binary without libseccomp
	// (cmd/mydocker-monitor). Nil for a container without one.
	Seccomp []byte
	// Attach hands back a connection on which the container's stdio
	// streams (Stream), attached before its command starts, so
	// that none of its output is lost.
	Attach bool
	// Path is the binary to run as the monitor, and Args its argv: one
	// whose main calls Serve (mydocker monitor, or mydocker-monitor).
	// The default is this very binary (/proc/self/exe) with the
	// arguments {os.Args[0], "monitor"}.
	Path string
	Args []string
	// Spawned, when set, is told the monitor's pid once it runs: a
	// caller that lives on (the API server) reaps it when it exits,
	// which the host's init does only once the caller is gone.
	Spawned func(pid int)
}

// Started is a container that runs under its monitor.
type Started struct {
	// ID is the container's. Its record (state.Container) is the
	// monitor's to keep from now on, and may be gone already (--rm of a short command).
	ID string
	// Conn, with Attach, is our end of the connection to the monitor.
	Conn net.Conn
}

// Start starts a monitor for the container of o and returns once the
// monitor has started the container's command, or with why it could not
// (a *StartError, with the status to exit with). The monitor outlives
// us: it runs in a session of its own, and the host's init reaps it.
// Killing the caller at any point loses nothing: the monitor goes on and
// records the exit code, or, before it has the request, exits having
// made nothing.
func Start(o Options) (*Started, error) {
	if (o.Run == nil) == (o.Start == "") {
		return nil, errors.New("monitor: want a container to run or one to start")
	}
	req := request{Options: o.Run, Start: o.Start, Root: o.Root, Attached: o.Attach, Seccomp: o.Seccomp}
	if !o.Attach {
		id, err := spawn(o, req, nil)
		if err != nil {
			return nil, err
		}
		return &Started{ID: id}, nil
	}
	conn, theirs, err := socketPair()
	if err != nil {
		return nil, err
	}
	id, err := spawn(o, req, theirs)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return &Started{ID: id, Conn: conn}, nil
}

// socketPair is the connection between an attached caller and the
// monitor: ours as a net.Conn, theirs a file for the monitor's fd 5.
func socketPair() (net.Conn, *os.File, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to the container's monitor: socketpair: %w", err)
	}
	ours := os.NewFile(uintptr(fds[0]), "attach")
	theirs := os.NewFile(uintptr(fds[1]), "attach-theirs")
	conn, err := net.FileConn(ours)
	ours.Close()
	if err != nil {
		theirs.Close()
		return nil, nil, err
	}
	return conn, theirs, nil
}

// spawn starts the monitor process, with client as its fd 5, sends it
// req and reads its report.
func spawn(o Options, req request, client *os.File) (string, error) {
	if client != nil {
		defer client.Close()
	}
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return "", fmt.Errorf("start the container's monitor: %w", err)
	}
	defer reqW.Close()
	reportR, reportW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		return "", fmt.Errorf("start the container's monitor: %w", err)
	}
	defer reportR.Close()
	monitor := command(o)
	monitor.ExtraFiles = []*os.File{reqR, reportW}
	if client != nil {
		monitor.ExtraFiles = append(monitor.ExtraFiles, client)
	}
	err = monitor.Start()
	reqR.Close()
	reportW.Close()
	if err != nil {
		return "", fmt.Errorf("start the container's monitor: %w", err)
	}
	if o.Spawned != nil {
		o.Spawned(monitor.Process.Pid)
	}
	_ = monitor.Process.Release() // it outlives us: the host's init reaps it
	if err := json.NewEncoder(reqW).Encode(req); err != nil {
		// A broken pipe is a monitor that exited before it read its
		// request: the same failure as one that exits after it.
		if errors.Is(err, syscall.EPIPE) {
			return "", errMonitorExited
		}
		return "", fmt.Errorf("send the monitor what to do: %w", err)
	}
	reqW.Close()
	var r report
	if err := json.NewDecoder(reportR).Decode(&r); err != nil {
		return "", errMonitorExited
	}
	if r.Code != 0 {
		return "", &StartError{Message: r.Message, Code: r.Code}
	}
	return r.ID, nil
}

var errMonitorExited = errors.New("the container's monitor exited before it started the container")

// command is the monitor's process, not started yet.
func command(o Options) *exec.Cmd {
	path, args := o.Path, o.Args
	if path == "" {
		path = "/proc/self/exe"
	}
	if len(args) == 0 {
		// What ps shows: mydocker, not /proc/self/exe.
		args = []string{os.Args[0], "monitor"}
	}
	monitor := exec.Command(path)
	monitor.Args = args
	// A session of its own: the caller's terminal and process group, and
	// their signals (^C, SIGHUP at logout), are not the monitor's.
	monitor.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	return monitor
}
