package monitor

import (
	"encoding/json"
	"fmt"
	"net"
	"os"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/state"
)

// Serve is the monitor process that Start started: it reads its request
// on fd 3, starts the container, reports on fd 4, and stays, the
// container's parent, until the container's life ends (Monitor,
// MonitorStart). It returns an error only when the protocol
// fails (no request); a container that fails to start has been reported
// to the caller already, and is logged.
func Serve() error {
	// Neither pipe may reach the container's processes.
	unix.CloseOnExec(requestFd)
	unix.CloseOnExec(reportFd)
	in, out := os.NewFile(requestFd, "request"), os.NewFile(reportFd, "report")
	var req request
	err := json.NewDecoder(in).Decode(&req)
	in.Close()
	if err != nil || (req.Options == nil) == (req.Start == "") {
		return fmt.Errorf("monitor: read what to do: %v", err)
	}
	// What our caller left open is not ours to keep open.
	keep := clientFd
	if req.Attached {
		keep = clientFd + 1
	}
	closeInheritedFds(keep)
	var first net.Conn
	if req.Attached {
		if first, err = clientConn(); err != nil {
			return err
		}
	}
	tell := reporter(out)
	if req.Options != nil {
		opts := *req.Options
		opts.SeccompProgram = req.Seccomp
		err = Monitor(opts, first, tell)
	} else {
		err = MonitorStart(req.Root, req.Start, req.Seccomp, first, tell)
	}
	if err != nil {
		logrus.WithError(err).Warn("monitor")
	}
	return nil
}

// clientConn is the attached client's connection, fd 5.
func clientConn() (net.Conn, error) {
	unix.CloseOnExec(clientFd)
	f := os.NewFile(clientFd, "client")
	conn, err := net.FileConn(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("monitor: the client's connection: %w", err)
	}
	return conn, nil
}

// reporter writes how the start went on out, once, and closes it: Start
// returns when it reads it.
func reporter(out *os.File) func(*state.Container, error) {
	return func(st *state.Container, err error) {
		var r report
		if st != nil {
			r.ID = st.ID
		}
		if err != nil {
			r.Message, r.Code = err.Error(), statusOf(err)
		}
		_ = json.NewEncoder(out).Encode(r)
		out.Close()
	}
}
