package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/network"
)

// networkCommand is the book's "network" (6.1): create, list, remove.
func networkCommand() *cli.Command {
	return &cli.Command{
		Name:   "network",
		Usage:  "manage container networks",
		Before: useRoot,
		Commands: []*cli.Command{
			networkConnectCommand(),
			networkDisconnectCommand(),
			{
				Name:      "create",
				Usage:     "create a bridge network: mydocker network create [--driver bridge] [--subnet CIDR] NAME (a free /16 without --subnet)",
				ArgsUsage: "NAME",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "driver", Value: "bridge", Usage: "network driver"},
					&cli.StringFlag{Name: "subnet", Usage: "an IPv4 prefix, /8 to /30, such as 10.10.0.0/24"},
					&cli.StringSliceFlag{Name: "label", Usage: "a label of the network, KEY=VALUE (repeatable)"},
				},
				Action: func(_ context.Context, cmd *cli.Command) error {
					if cmd.Args().Len() != 1 {
						return errors.New("network create: want exactly one argument, the network's name")
					}
					labels := map[string]string{}
					for _, l := range cmd.StringSlice("label") {
						k, v, _ := strings.Cut(l, "=")
						labels[k] = v
					}
					var n *network.Network
					var err error
					if cmd.String("subnet") == "" && cmd.String("driver") == "bridge" {
						// As docker: a free /16 is picked.
						n, err = networks(cmd).CreateLabeledOnFreeSubnet(cmd.Args().First(), labels)
					} else {
						n, err = networks(cmd).CreateLabeled(cmd.Args().First(), cmd.String("driver"), cmd.String("subnet"), labels)
					}
					if err != nil {
						return err
					}
					fmt.Println(n.Name)
					return nil
				},
			},
			networkLsCommand(),
			{
				Name:      "remove",
				Aliases:   []string{"rm"},
				Usage:     "remove networks that no container uses",
				ArgsUsage: "NAME...",
				Action: func(_ context.Context, cmd *cli.Command) error {
					if cmd.Args().Len() < 1 {
						return errors.New("network remove: missing network")
					}
					s := networks(cmd)
					for _, name := range cmd.Args().Slice() {
						if err := s.Remove(s.NameOf(name)); err != nil {
							return err
						}
						fmt.Println(name)
					}
					return nil
				},
			},
			networkInspectCommand(),
		},
	}
}

// networks is the network store under --root, with the containers
// reconciled first: a container that has exited gives its address back.
func networks(cmd *cli.Command) network.Store {
	return container.Networks(store(cmd))
}
