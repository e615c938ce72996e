package main

import (
	"context"
	"errors"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/oci"
)

// initCommand is the container's init, started by create: never by hand.
func initCommand() *cli.Command {
	return &cli.Command{
		Name:   "init",
		Hidden: true,
		Action: func(context.Context, *cli.Command) error {
			err := oci.Init()
			// create has been told, and says it: init exits quietly.
			return errors.Join(err, exitStatus(1))
		},
	}
}
