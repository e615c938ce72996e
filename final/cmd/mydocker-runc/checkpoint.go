package main

import (
	"context"
	"errors"

	"github.com/urfave/cli/v3"
)

// errNoCRIU refuses checkpoint and restore: they need CRIU, which this
// runtime does not drive (and features does not claim).
var errNoCRIU = errors.New("CRIU checkpoint/restore is not supported by mydocker-runc")

// checkpointCommand and restoreCommand take runc's flags, whatever they
// are, so that the refusal is the one line a client shows; -h and --help
// still show the help, as every command's.
func checkpointCommand() *cli.Command {
	return refusedCommand("checkpoint", "not supported: checkpoint a container with CRIU")
}

func restoreCommand() *cli.Command {
	return refusedCommand("restore", "not supported: restore a container with CRIU")
}

func refusedCommand(name, usage string) *cli.Command {
	return &cli.Command{
		Name:            name,
		Usage:           usage,
		ArgsUsage:       "ID",
		SkipFlagParsing: true,
		Action: exitOne(func(ctx context.Context, cmd *cli.Command) error {
			if first := cmd.Args().First(); first == "-h" || first == "--help" {
				return cli.ShowCommandHelp(ctx, cmd.Root(), cmd.Name)
			}
			return errNoCRIU
		}),
	}
}
