package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
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
			return eachContainer(cmd, func(s container.Store, st *container.State) error {
				return container.Stop(s, st, timeout)
			})
		},
	}
}

// rmCommand removes containers (book 5.6).
func rmCommand() *cli.Command {
	return &cli.Command{
		Name:      "rm",
		Usage:     "remove containers (-f: running ones too, killed first)",
		ArgsUsage: "CONTAINER...",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "f", Aliases: []string{"force"}, Usage: "kill a running container first"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New("rm: missing container")
			}
			return eachRef(cmd, func(ref string) error {
				s, st, err := findContainer(cmd, ref)
				// One whose config.json cannot be read goes with -f only:
				// it may be running.
				var damaged *container.DamagedError
				if errors.As(err, &damaged) && cmd.Bool("f") {
					return container.RemoveDamaged(s, damaged.Damaged)
				}
				if err != nil {
					return err
				}
				return container.Remove(s, st, cmd.Bool("f"))
			})
		},
	}
}

// eachContainer does do to each container named, printing each name as
// it is done, as docker does. One that fails is said on stderr and the
// others are still done; the status is then 125.
func eachContainer(cmd *cli.Command, do func(container.Store, *container.State) error) error {
	return eachRef(cmd, func(ref string) error {
		s, st, err := findContainer(cmd, ref)
		if err != nil {
			return err
		}
		return do(s, st)
	})
}

// eachRef is eachContainer for a do that finds the container itself.
func eachRef(cmd *cli.Command, do func(ref string) error) error {
	failed := 0
	for _, ref := range cmd.Args().Slice() {
		if err := do(ref); err != nil {
			fmt.Fprintf(os.Stderr, "mydocker: %v\n", err)
			failed++
			continue
		}
		fmt.Println(ref)
	}
	if failed > 0 {
		return exitStatus(exitFailure)
	}
	return nil
}

// killCommand signals containers, as docker kill.
func killCommand() *cli.Command {
	return &cli.Command{
		Name:      "kill",
		Usage:     "send a signal (default KILL) to containers' PID 1",
		ArgsUsage: "CONTAINER...",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "s", Aliases: []string{"signal"}, Value: "KILL", Usage: "the signal: a name (KILL, TERM, HUP...) or a number"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New("kill: missing container")
			}
			sig, err := container.ParseSignal(cmd.String("s"))
			if err != nil {
				return err
			}
			return eachContainer(cmd, func(s container.Store, st *container.State) error {
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
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New("start: missing container")
			}
			if cmd.Bool("a") {
				if cmd.Args().Len() != 1 {
					return errors.New("start: -a takes one container")
				}
				return startAttached(cmd, cmd.Args().First())
			}
			return eachContainer(cmd, func(s container.Store, st *container.State) error {
				_, _, err := startMonitor(cmd, monitorRequest{Start: st.ID})
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
	_, conn, err := startMonitor(cmd, monitorRequest{Start: st.ID, Attached: true})
	if err != nil {
		return err
	}
	return attachTo(conn, st.TTY, st.OpenStdin, signals)
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
			return eachContainer(cmd, func(s container.Store, st *container.State) error {
				if err := container.Stop(s, st, timeout); err != nil {
					return err
				}
				_, _, err := startMonitor(cmd, monitorRequest{Start: st.ID})
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
