package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v3"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/container"
)

// startReport is what the monitor tells run -d once the container's
// command runs, or why it does not: the ID, or a message and the status
// to exit with (125, or 126/127 when the command could not start).
type startReport struct {
	ID      string `json:"id,omitempty"`
	Message string `json:"message,omitempty"`
	Code    int    `json:"code,omitempty"`
}

// monitorRequest is what the monitor is to do: run a new container of
// Options (run -d), or Start an existing one again (start, restart).
type monitorRequest struct {
	Options *container.RunOptions `json:"options,omitempty"`
	Start   string                `json:"start,omitempty"`
	// Attached: fd 5 is the connection of the client that waits for the
	// container (run without -d, start -a), attached before it starts.
	Attached bool `json:"attached,omitempty"`
}

// The monitor's pipes: the request comes in on fd 3, the report goes out
// on fd 4 (ExtraFiles of startMonitor).
const (
	monitorOptionsFd = 3
	monitorReportFd  = 4
	monitorClientFd  = 5
)

// monitorCommand is a detached container's monitor (container.Monitor):
// run -d re-executes this binary as "mydocker monitor" in a session of its
// own. It is not meant to be called by hand, so it is hidden from the help.
func monitorCommand() *cli.Command {
	return &cli.Command{
		Name:   "monitor",
		Usage:  "watch a detached container to its end (started by run -d; do not call it by hand)",
		Hidden: true,
		Before: useRoot,
		Action: func(_ context.Context, cmd *cli.Command) error {
			// Neither pipe may reach the container's processes.
			unix.CloseOnExec(monitorOptionsFd)
			unix.CloseOnExec(monitorReportFd)
			in, out := os.NewFile(monitorOptionsFd, "options"), os.NewFile(monitorReportFd, "report")
			var req monitorRequest
			err := json.NewDecoder(in).Decode(&req)
			in.Close()
			if err != nil || (req.Options == nil) == (req.Start == "") {
				return fmt.Errorf("monitor: read what to do: %v", err)
			}
			report := func(st *container.State, err error) {
				var r startReport
				if st != nil {
					r.ID = st.ID
				}
				if err != nil {
					r.Message, r.Code = err.Error(), statusOf(err)
				}
				_ = json.NewEncoder(out).Encode(r)
				out.Close()
			}
			// What our caller left open is not ours to keep open.
			if req.Attached {
				container.CloseInheritedFds(monitorClientFd + 1)
			} else {
				container.CloseInheritedFds(monitorClientFd)
			}
			var first net.Conn
			if req.Attached {
				unix.CloseOnExec(monitorClientFd)
				f := os.NewFile(monitorClientFd, "client")
				first, err = net.FileConn(f)
				f.Close()
				if err != nil {
					return fmt.Errorf("monitor: the client's connection: %w", err)
				}
			}
			if req.Options != nil {
				err = container.Monitor(*req.Options, first, report)
			} else {
				err = container.MonitorStart(cmd.Root().String("root"), req.Start, first, report)
			}
			if err != nil {
				logrus.WithError(err).Warn("monitor")
			}
			return nil
		},
	}
}

// runMonitored starts the container's monitor, hands it the options and
// prints what it reports: run -d prints the ID and returns, and the
// monitor stays with the container.
func runMonitored(cmd *cli.Command, opts container.RunOptions) error {
	id, _, err := startMonitor(cmd, monitorRequest{Options: &opts})
	if err != nil {
		return err
	}
	fmt.Println(id)
	return nil
}

// runAttached runs a container in the foreground, as docker run without
// -d: its monitor is started with our connection attached, and we stream
// its stdio until it exits, then exit with its status. Killing us loses
// nothing: the monitor goes on, and records the exit code.
func runAttached(cmd *cli.Command, opts container.RunOptions) error {
	signals := proxySignals()
	defer signal.Stop(signals)
	opts.MergeOutput = !opts.TTY && sameFile(os.Stdout, os.Stderr)
	_, conn, err := startMonitor(cmd, monitorRequest{Options: &opts, Attached: true})
	if err != nil {
		return err
	}
	return attachTo(conn, opts.TTY, opts.Interactive, signals)
}

// startMonitor starts a monitor for req and returns the container's ID
// once the monitor has started it (or why it could not), and, with
// req.Attached, our end of the connection the monitor streams it on.
func startMonitor(cmd *cli.Command, req monitorRequest) (string, net.Conn, error) {
	var conn net.Conn
	var theirs *os.File
	if req.Attached {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return "", nil, fmt.Errorf("connect to the container's monitor: socketpair: %w", err)
		}
		ours := os.NewFile(uintptr(fds[0]), "attach")
		theirs = os.NewFile(uintptr(fds[1]), "attach-theirs")
		conn, err = net.FileConn(ours)
		ours.Close()
		if err != nil {
			theirs.Close()
			return "", nil, err
		}
	}
	id, err := spawnMonitor(cmd, req, theirs)
	if err != nil && conn != nil {
		conn.Close()
		conn = nil
	}
	return id, conn, err
}

// spawnMonitor starts the monitor process, with client as its fd 5.
func spawnMonitor(cmd *cli.Command, req monitorRequest, client *os.File) (string, error) {
	optsR, optsW, err := os.Pipe()
	if err != nil {
		return "", fmt.Errorf("start the container's monitor: %w", err)
	}
	defer optsW.Close()
	reportR, reportW, err := os.Pipe()
	if err != nil {
		optsR.Close()
		return "", fmt.Errorf("start the container's monitor: %w", err)
	}
	defer reportR.Close()
	args := []string{"--root", cmd.Root().String("root")}
	if cmd.Root().Bool("debug") {
		args = append(args, "--debug")
	}
	monitor := exec.Command("/proc/self/exe", append(args, "monitor")...)
	monitor.Args[0] = os.Args[0] // what ps shows: mydocker, not /proc/self/exe
	monitor.ExtraFiles = []*os.File{optsR, reportW}
	if client != nil {
		monitor.ExtraFiles = append(monitor.ExtraFiles, client)
		defer client.Close()
	}
	// A session of its own: the caller's terminal and process group, and
	// their signals (^C, SIGHUP at logout), are not the monitor's.
	monitor.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	err = monitor.Start()
	optsR.Close()
	reportW.Close()
	if err != nil {
		return "", fmt.Errorf("start the container's monitor: %w", err)
	}
	_ = monitor.Process.Release() // it outlives us: the host's init reaps it
	if err := json.NewEncoder(optsW).Encode(req); err != nil {
		return "", fmt.Errorf("send the monitor what to do: %w", err)
	}
	optsW.Close()
	var r startReport
	if err := json.NewDecoder(reportR).Decode(&r); err != nil {
		return "", errors.New("the container's monitor exited before it started the container")
	}
	if r.Code != 0 {
		return "", &reportedFailure{message: r.Message, code: r.Code}
	}
	return r.ID, nil
}

// reportedFailure is a failure the monitor reported, with its status.
type reportedFailure struct {
	message string
	code    int
}

func (f *reportedFailure) Error() string { return f.message }

// sameFile reports whether a and b are open on the same file: our stdout
// and stderr are one (2>&1), and the container's output keeps its order.
// /dev/null is no such file: nothing is read from it, and the log keeps
// the streams apart.
func sameFile(a, b *os.File) bool {
	sa, errA := a.Stat()
	sb, errB := b.Stat()
	if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(sa, null) {
		return false
	}
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}
