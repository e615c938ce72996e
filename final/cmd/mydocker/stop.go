package main

import (
	"context"
	"errors"
	"fmt"
	"os/signal"
	"time"

	"github.com/urfave/cli/v3"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/internal/signals"
	"github.com/mydocker/mydocker/final/monitor"
	"github.com/mydocker/mydocker/final/state"
)

// stopCommand stops running containers (book 5.5).
func stopCommand() *cli.Command {
	return &cli.Command{
		Name:      "stop",
		Usage:     "stop containers: their stop signal (SIGTERM unless --stop-signal or the image's STOPSIGNAL said), then SIGKILL after -t seconds",
		ArgsUsage: "CONTAINER...",
		Before:    useRoot,
		Flags:     stopFlags(),
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New("stop: missing container")
			}
			stop, err := stopOptions(cmd)
			if err != nil {
				return err
			}
			return eachContainer(cmd, func(s state.Store, st *state.Container) error {
				return stop(s, st)
			})
		},
	}
}

// killCommand signals containers, as docker kill.
func killCommand() *cli.Command {
	return &cli.Command{
		Name:      "kill",
		Usage:     "send a signal (default KILL) to containers' PID 1",
		ArgsUsage: "CONTAINER...",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "s", Aliases: []string{"signal"}, Value: "KILL", Usage: "the signal: a name (KILL, TERM, HUP, RTMIN+3...) or a number"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New("kill: missing container")
			}
			sig, err := signals.Parse(cmd.String("s"))
			if err != nil {
				return err
			}
			return eachContainer(cmd, func(s state.Store, st *state.Container) error {
				return container.Kill(s, st, sig)
			})
		},
	}
}

// startCommand starts containers made by create, or exited, again: each
// gets a monitor, as run -d gives.
func startCommand() *cli.Command {
	return &cli.Command{
		Name:      "start",
		Usage:     "start containers that were created or have exited (-a: wait, showing their output)",
		ArgsUsage: "CONTAINER...",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "a", Aliases: []string{"attach"}, Usage: "show the container's output until it exits, and exit with its status"},
			&cli.BoolFlag{Name: "i", Aliases: []string{"interactive"}, Usage: "attach our stdin too (with -a implied)"},
		},
		// start -ai, as docker users type it.
		UseShortOptionHandling: true,
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New("start: missing container")
			}
			if cmd.Bool("a") || cmd.Bool("i") {
				if cmd.Args().Len() != 1 {
					return errors.New("start: you cannot start and attach multiple containers at once")
				}
				return startAttached(cmd, cmd.Args().First())
			}
			return eachContainer(cmd, func(s state.Store, st *state.Container) error {
				_, err := startMonitor(cmd, monitor.Options{Start: st.ID}, st.Security)
				return err
			})
		},
	}
}

// startAttached starts the container with our connection attached to it,
// as run without -d: its output until it exits, and its exit status.
func startAttached(cmd *cli.Command, ref string) error {
	_, st, err := findContainer(cmd, ref)
	if err != nil {
		return err
	}
	signals := proxySignals()
	defer signal.Stop(signals)
	started, err := startMonitor(cmd, monitor.Options{Start: st.ID, Attach: true}, st.Security)
	if err != nil {
		return err
	}
	// Our stdin goes in with -i only, as docker's start: -a is output.
	return attachTo(started.Conn, st.TTY, st.OpenStdin && cmd.Bool("i"), signals)
}

// restartCommand stops containers (as stop does) and starts them again.
func restartCommand() *cli.Command {
	return &cli.Command{
		Name:      "restart",
		Usage:     "stop containers, then start them again",
		ArgsUsage: "CONTAINER...",
		Before:    useRoot,
		Flags:     stopFlags(),
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New("restart: missing container")
			}
			stop, err := stopOptions(cmd)
			if err != nil {
				return err
			}
			return eachContainer(cmd, func(s state.Store, st *state.Container) error {
				if err := stop(s, st); err != nil {
					return err
				}
				if _, err := startMonitor(cmd, monitor.Options{Start: st.ID}, st.Security); err != nil {
					return err
				}
				container.LogEvent(st, "restart", nil)
				return nil
			})
		},
	}
}

// stopFlags are stop's and restart's, as docker's (23+): -s and -t.
func stopFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "s", Aliases: []string{"signal"}, Usage: "the signal to stop with", DefaultText: "the container's stop signal: --stop-signal, the image's STOPSIGNAL, or SIGTERM"},
		&cli.IntFlag{Name: "t", Aliases: []string{"timeout", "time"}, Usage: "seconds to wait before killing, -1 for ever", DefaultText: "the container's --stop-timeout, or 10"},
	}
}

// stopOptions reads -s and -t of stop and restart, before any container
// is touched, and returns what stops one: with -s or its stop signal,
// waiting -t or its stop timeout, as docker stop.
func stopOptions(cmd *cli.Command) (func(state.Store, *state.Container) error, error) {
	var sig unix.Signal
	if cmd.IsSet("s") {
		var err error
		if sig, err = signals.Parse(cmd.String("s")); err != nil {
			return nil, fmt.Errorf("%s: %w", cmd.Name, err)
		}
	}
	return func(s state.Store, st *state.Container) error {
		stopSig, timeout := sig, container.StopTimeout(st)
		if !cmd.IsSet("s") {
			var err error
			if stopSig, err = container.StopSignal(st); err != nil {
				return err
			}
		}
		if cmd.IsSet("t") {
			timeout = stopTimeout(cmd)
		}
		return container.Stop(s, st, stopSig, timeout)
	}, nil
}

// stopTimeout reads -t of stop and restart: how long the stop signal is
// given; -1 (any negative number, as docker) waits for as long as it takes.
func stopTimeout(cmd *cli.Command) time.Duration {
	if cmd.Int("t") < 0 {
		return -1
	}
	return time.Duration(cmd.Int("t")) * time.Second
}
