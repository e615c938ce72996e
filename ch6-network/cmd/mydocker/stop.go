package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/ch6-network/container"
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
			if cmd.Int("t") < 0 {
				return fmt.Errorf("stop: -t %d: want 0 or more seconds", cmd.Int("t"))
			}
			timeout := time.Duration(cmd.Int("t")) * time.Second
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
