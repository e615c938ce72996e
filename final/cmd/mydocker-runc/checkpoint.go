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
// are, so that the refusal is the one line a client shows.
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
		Action:          exitOne(func(context.Context, *cli.Command) error { return errNoCRIU }),
	}
}
