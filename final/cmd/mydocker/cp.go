package main

import (
	"context"
	"errors"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/containerfs"
)

// cpCommand copies files between a container and the host, as docker cp.
func cpCommand() *cli.Command {
	return &cli.Command{
		Name:      "cp",
		Usage:     "copy files between a container (running or not) and the host",
		ArgsUsage: "CONTAINER:SRC HOSTDEST | HOSTSRC CONTAINER:DEST",
		Before:    useRoot,
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 2 {
				return errors.New("cp: want CONTAINER:SRC HOSTDEST or HOSTSRC CONTAINER:DEST")
			}
			fromRef, from, fromContainer := containerfs.SplitCopyArg(cmd.Args().Get(0))
			toRef, to, toContainer := containerfs.SplitCopyArg(cmd.Args().Get(1))
			switch {
			case fromContainer == toContainer:
				return errors.New("cp: exactly one of the two must be CONTAINER:PATH")
			case fromContainer:
				s, st, err := findContainer(cmd, fromRef)
				if err != nil {
					return err
				}
				return containerfs.CopyOut(s, st, from, to)
			default:
				s, st, err := findContainer(cmd, toRef)
				if err != nil {
					return err
				}
				return containerfs.CopyIn(s, st, from, to)
			}
		},
	}
}
