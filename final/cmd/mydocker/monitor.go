package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/monitor"
	"github.com/mydocker/mydocker/final/state"
)

// monitorCommand is a container's monitor (package monitor): run, start
// and restart re-execute this binary as "mydocker monitor" in a session
// of its own. It is not meant to be called by hand, so it is hidden from
// the help.
func monitorCommand() *cli.Command {
	return &cli.Command{
		Name:   "monitor",
		Usage:  "watch a detached container to its end (started by run -d; do not call it by hand)",
		Hidden: true,
		Before: useRoot,
		Action: func(context.Context, *cli.Command) error {
			return monitor.Serve()
		},
	}
}

// startMonitor starts a monitor for the container of o (o.Run, or o.Start
// of our --root), whose security options are sec, and returns once it
// runs: its ID, and with o.Attach our connection to it. The monitor is
// the small mydocker-monitor beside us when only root could have put it
// there (container.HelperBinary), else this binary, with our --root and
// --debug. The seccomp program is compiled here, for every start: the
// small monitor has no libseccomp.
func startMonitor(cmd *cli.Command, o monitor.Options, sec state.SecurityOptions) (*monitor.Started, error) {
	o.Root = cmd.Root().String("root")
	var err error
	if o.Seccomp, err = seccompProgram(o.Root, sec); err != nil {
		return nil, err
	}
	o.Path = container.HelperBinary(container.MonitorBinaryName)
	argv0 := os.Args[0]
	if o.Path != "/proc/self/exe" {
		argv0 = o.Path
	}
	o.Args = []string{argv0, "--root", o.Root}
	if cmd.Root().Bool("debug") {
		o.Args = append(o.Args, "--debug")
	}
	o.Args = append(o.Args, "monitor")
	return monitor.Start(o)
}

// runMonitored starts the container's monitor, hands it the options and
// prints what it reports: run -d prints the ID and returns, and the
// monitor stays with the container.
func runMonitored(cmd *cli.Command, opts container.RunOptions) error {
	started, err := startMonitor(cmd, monitor.Options{Run: &opts}, opts.Security)
	if err != nil {
		return err
	}
	fmt.Println(started.ID)
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
	started, err := startMonitor(cmd, monitor.Options{Run: &opts, Attach: true}, opts.Security)
	if err != nil {
		return err
	}
	return attachTo(started.Conn, opts.TTY, opts.Interactive, signals)
}

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
