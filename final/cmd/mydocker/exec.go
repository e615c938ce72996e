package main

import (
	"context"
	"errors"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
)

// execCommand runs a command in a running container (book 5.4).
func execCommand() *cli.Command {
	return &cli.Command{
		Name:      "exec",
		Usage:     "run a command in a running container: mydocker exec [-ti] CONTAINER COMMAND [ARG...]",
		ArgsUsage: "CONTAINER COMMAND [ARG...]",
		// Flags stop at the container: the rest is the command's.
		StopOnNthArg: &stopAtCommand,
		Before:       useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "ti", Aliases: []string{"it"}, Usage: "connect the command to stdin (interactive)"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 2 {
				return errors.New("exec: missing container name or command")
			}
			_, st, err := findContainer(cmd, cmd.Args().First())
			if err != nil {
				return err
			}
			status, err := container.Exec(st, cmd.Args().Slice()[1:], cmd.Bool("ti"))
			if err != nil {
				return err
			}
			return exitStatus(status)
		},
	}
}
