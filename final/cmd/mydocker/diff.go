package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/containerfs"
)

// diffCommand lists the changes to a container's filesystem, as docker
// diff: "A /path", "C /path", "D /path", one a line.
func diffCommand() *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "inspect changes to files or directories on a container's filesystem",
		ArgsUsage: "CONTAINER",
		Before:    useRoot,
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return errors.New(`"diff" requires exactly 1 argument`)
			}
			s, st, err := findContainer(cmd, cmd.Args().First())
			if err != nil {
				return err
			}
			changes, err := containerfs.Diff(s, st)
			if err != nil {
				return err
			}
			for _, c := range changes {
				fmt.Println(c)
			}
			return nil
		},
	}
}
