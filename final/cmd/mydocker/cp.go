package main

import (
	"context"
	"errors"
	"os"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/containerfs"
)

// cpCommand copies files between a container and the host, as docker cp.
func cpCommand() *cli.Command {
	return &cli.Command{
		Name:      "cp",
		Usage:     "copy files between a container (running or not) and the host",
		ArgsUsage: "CONTAINER:SRC HOSTDEST|- | HOSTSRC|- CONTAINER:DEST",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "a", Aliases: []string{"archive"}, Usage: "keep the uid and gid of what is copied"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 2 {
				return errors.New("cp: want CONTAINER:SRC HOSTDEST or HOSTSRC CONTAINER:DEST")
			}
			fromRef, from, fromContainer := containerfs.SplitCopyArg(cmd.Args().Get(0))
			toRef, to, toContainer := containerfs.SplitCopyArg(cmd.Args().Get(1))
			archive := cmd.Bool("a")
			switch {
			case fromContainer == toContainer:
				return errors.New("cp: exactly one of the two must be CONTAINER:PATH")
			case fromContainer:
				s, st, err := findContainer(cmd, fromRef)
				if err != nil {
					return err
				}
				if to == "-" { // a tar on stdout, as docker's
					return containerfs.CopyOutTar(s, st, from, os.Stdout)
				}
				return containerfs.CopyOut(s, st, from, to, archive)
			default:
				s, st, err := findContainer(cmd, toRef)
				if err != nil {
					return err
				}
				if from == "-" { // a tar from stdin, into the directory to
					return containerfs.CopyInTar(s, st, os.Stdin, to, archive)
				}
				return containerfs.CopyIn(s, st, from, to, archive)
			}
		},
	}
}
