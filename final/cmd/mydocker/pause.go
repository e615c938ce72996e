package main

import (
	"context"
	"errors"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/state"
)

// pauseCommand freezes containers' processes, as docker pause: the
// cgroup freezer, so they stay in memory, holding what they hold, and
// take no CPU until unpause.
func pauseCommand() *cli.Command {
	return &cli.Command{
		Name:      "pause",
		Usage:     "pause all processes within one or more containers",
		ArgsUsage: "CONTAINER...",
		Before:    useRoot,
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New(`"pause" requires at least 1 argument`)
			}
			return eachContainer(cmd, func(s state.Store, st *state.Container) error {
				return container.Pause(s, st)
			})
		},
	}
}

// unpauseCommand thaws paused containers, as docker unpause.
func unpauseCommand() *cli.Command {
	return &cli.Command{
		Name:      "unpause",
		Usage:     "unpause all processes within one or more containers",
		ArgsUsage: "CONTAINER...",
		Before:    useRoot,
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New(`"unpause" requires at least 1 argument`)
			}
			s := state.Store{Root: cmd.Root().String("root")}
			return eachRef(cmd, func(ref string) error { return container.UnpauseRef(s, ref) })
		},
	}
}
