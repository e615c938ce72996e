package main

import (
	"context"
	"errors"
	"fmt"
	"os/signal"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/internal/signals"
	"github.com/mydocker/mydocker/final/monitor"
	"github.com/mydocker/mydocker/final/state"
)

// stopCommand stops running containers (book 5.5).
func stopCommand() *cli.Command {
	return &cli.Command{
		Name:      "stop",
		Usage:     "stop containers: SIGTERM, then SIGKILL after -t seconds",
		ArgsUsage: "CONTAINER...",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "t", Aliases: []string{"time"}, Value: 10, Usage: "seconds to wait before killing"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New("stop: missing container")
			}
			timeout, err := stopTimeout(cmd)
			if err != nil {
				return err
			}
			return eachContainer(cmd, func(s state.Store, st *state.Container) error {
				return container.Stop(s, st, timeout)
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
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "t", Aliases: []string{"time"}, Value: 10, Usage: "seconds to wait before killing"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New("restart: missing container")
			}
			timeout, err := stopTimeout(cmd)
			if err != nil {
				return err
			}
			return eachContainer(cmd, func(s state.Store, st *state.Container) error {
				if err := container.Stop(s, st, timeout); err != nil {
					return err
				}
				_, err := startMonitor(cmd, monitor.Options{Start: st.ID}, st.Security)
				return err
			})
		},
	}
}

// stopTimeout reads -t of stop and restart: how long SIGTERM is given.
func stopTimeout(cmd *cli.Command) (time.Duration, error) {
	if cmd.Int("t") < 0 {
		return 0, fmt.Errorf("%s: -t %d: want 0 or more seconds", cmd.Name, cmd.Int("t"))
	}
	return time.Duration(cmd.Int("t")) * time.Second, nil
}
