package main

import (
	"context"
	"errors"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
)

// networkConnectCommand puts a container on one more network, as docker
// network connect.
func networkConnectCommand() *cli.Command {
	return &cli.Command{
		Name:      "connect",
		Usage:     "connect a container to a network (a running one at once, and at its next starts)",
		ArgsUsage: "NETWORK CONTAINER",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "alias", Usage: "another name of the container on this network (repeatable)"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 2 {
				return errors.New("network connect: want NETWORK CONTAINER")
			}
			for _, a := range cmd.StringSlice("alias") {
				if !validHostname.MatchString(a) {
					return errors.New("network connect: invalid alias " + a)
				}
			}
			s, st, err := findContainer(cmd, cmd.Args().Get(1))
			if err != nil {
				return err
			}
			return container.Connect(s, st, networks(cmd).NameOf(cmd.Args().Get(0)), cmd.StringSlice("alias"))
		},
	}
}

// networkDisconnectCommand takes a container off a network, as docker
// network disconnect.
func networkDisconnectCommand() *cli.Command {
	return &cli.Command{
		Name:      "disconnect",
		Usage:     "disconnect a container from a network",
		ArgsUsage: "NETWORK CONTAINER",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "f", Aliases: []string{"force"}, Usage: "accepted, as docker's (the disconnect is always whole)"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 2 {
				return errors.New("network disconnect: want NETWORK CONTAINER")
			}
			s, st, err := findContainer(cmd, cmd.Args().Get(1))
			if err != nil {
				return err
			}
			return container.Disconnect(s, st, networks(cmd).NameOf(cmd.Args().Get(0)))
		},
	}
}
