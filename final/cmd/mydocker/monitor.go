package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/monitor"
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
// of our --root) and returns once it runs: its ID, and with o.Attach our
// connection to it. The monitor is this binary with our --root and
// --debug, as ps shows it.
func startMonitor(cmd *cli.Command, o monitor.Options) (*monitor.Started, error) {
	o.Root = cmd.Root().String("root")
	o.Args = []string{os.Args[0], "--root", o.Root}
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
	started, err := startMonitor(cmd, monitor.Options{Run: &opts})
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
	started, err := startMonitor(cmd, monitor.Options{Run: &opts, Attach: true})
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
