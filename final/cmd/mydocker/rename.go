package main

import (
	"context"
	"errors"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
)

// renameCommand renames a container, as docker rename: it prints nothing.
func renameCommand() *cli.Command {
	return &cli.Command{
		Name:      "rename",
		Usage:     "rename a container",
		ArgsUsage: "CONTAINER NEW_NAME",
		Before:    useRoot,
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 2 {
				return errors.New(`"rename" requires exactly 2 arguments`)
			}
			s, st, err := findContainer(cmd, cmd.Args().Get(0))
			if err != nil {
				return err
			}
			return container.Rename(s, st, cmd.Args().Get(1))
		},
	}
}
