package main

import (
	"context"
	"errors"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/initproc"
)

// initCommand is the container side of run: run re-executes this binary
// as "mydocker init" inside the new namespaces, and sends the command
// through a pipe. It is not meant to be called by hand, so it is hidden
// from the help.
func initCommand() *cli.Command {
	return &cli.Command{
		Name:   "init",
		Usage:  "Init container process run user's process in container. Do not call it outside",
		Hidden: true,
		Action: func(context.Context, *cli.Command) error {
			// On success this never returns: the user's command replaces us.
			err := initproc.Run()
			var reported *initproc.ReportedError
			if errors.As(err, &reported) {
				return exitStatus(reported.Code) // run says why
			}
			return err
		},
	}
}
