package main

import (
	"context"
	"errors"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/ch3-namespaces/container"
)

// stopAtCommand makes flag parsing stop at the first positional argument:
// everything from the command on is the container's argv, so
// "mydocker run ls -l" never reads -l as a flag of ours.
var stopAtCommand = 1

func runCommand() *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "Create a container with namespace and cgroups limit: mydocker run -ti [command]",
		UsageText: `mydocker run [-ti] COMMAND [ARG...]

   Everything after COMMAND belongs to the container. Use -- before a
   command that starts with a dash.`,
		StopOnNthArg: &stopAtCommand,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "ti", Aliases: []string{"it"}, Usage: "connect the container to stdin (interactive)"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New("run: missing container command")
			}
			opts := container.RunOptions{
				TTY:     cmd.Bool("ti"),
				Command: cmd.Args().Slice(),
				Debug:   cmd.Root().Bool("debug"),
			}
			status, err := container.Run(opts)
			if err != nil {
				return err
			}
			return exitStatus(status)
		},
	}
}
