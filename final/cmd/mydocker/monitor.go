package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
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
}

// The monitor's pipes: the request comes in on fd 3, the report goes out
// on fd 4 (ExtraFiles of startMonitor).
const (
	monitorOptionsFd = 3
	monitorReportFd  = 4
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
			if req.Options != nil {
				err = container.Monitor(*req.Options, report)
			} else {
				err = container.MonitorStart(cmd.Root().String("root"), req.Start, report)
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
	id, err := startMonitor(cmd, monitorRequest{Options: &opts})
	if err != nil {
		return err
	}
	fmt.Println(id)
	return nil
}

// startMonitor starts a monitor for req and returns the container's ID
// once the monitor has started it, or the error it reports (which it
// prints, and returns as the status to exit with).
func startMonitor(cmd *cli.Command, req monitorRequest) (string, error) {
	optsR, optsW, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer optsW.Close()
	reportR, reportW, err := os.Pipe()
	if err != nil {
		optsR.Close()
		return "", err
	}
	defer reportR.Close()
	args := []string{"--root", cmd.Root().String("root")}
	if cmd.Root().Bool("debug") {
		args = append(args, "--debug")
	}
	monitor := exec.Command("/proc/self/exe", append(args, "monitor")...)
	monitor.Args[0] = os.Args[0] // what ps shows: mydocker, not /proc/self/exe
	monitor.ExtraFiles = []*os.File{optsR, reportW}
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
