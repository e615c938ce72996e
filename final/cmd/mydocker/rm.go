package main

import (
	"context"
	"errors"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/state"
)

// rmCommand removes containers (book 5.6).
func rmCommand() *cli.Command {
	return &cli.Command{
		Name:      "rm",
		Usage:     "remove containers (-f: running ones too, killed first)",
		ArgsUsage: "CONTAINER...",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "f", Aliases: []string{"force"}, Usage: "kill a running container first"},
			&cli.BoolFlag{Name: "v", Aliases: []string{"volumes"}, Usage: "remove its anonymous volumes too"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New("rm: missing container")
			}
			s := state.Store{Root: cmd.Root().String("root")}
			return eachRef(cmd, func(ref string) error {
				st, err := findReconciled(s, ref) // each alone, as findContainer
				// One whose config.json cannot be read goes with -f only:
				// it may be running.
				var damaged *state.DamagedError
				if errors.As(err, &damaged) && cmd.Bool("f") {
					return container.RemoveDamaged(s, damaged.Damaged)
				}
				// docker rm -f of a missing container succeeds, silently:
				// the state asked for is there.
				if errors.Is(err, state.ErrNotFound) && cmd.Bool("f") {
					return errNothingDone
				}
				if err != nil {
					return err
				}
				return container.Remove(s, st, cmd.Bool("f"), cmd.Bool("v"))
			})
		},
	}
}
