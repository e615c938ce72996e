package main

import (
	"context"
	"errors"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/state"
)

// updateCommand changes containers' limits and restart policy, as docker
// update: a running container's at once.
func updateCommand() *cli.Command {
	return &cli.Command{
		Name:      "update",
		Usage:     "update configuration of one or more containers",
		ArgsUsage: "CONTAINER...",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "m", Aliases: []string{"memory"}, Usage: "memory limit, such as 100m"},
			&cli.StringFlag{Name: "cpus", Usage: "how many CPUs' time it may use, such as 0.5"},
			&cli.StringFlag{Name: "c", Aliases: []string{"cpu-shares"}, Usage: "relative CPU weight, 2 to 262144"},
			&cli.StringFlag{Name: "cpuset-cpus", Usage: "CPUs it may use, such as 0 or 0-1"},
			&cli.StringFlag{Name: "pids-limit", Usage: "the most processes it may have at once (-1: no limit)"},
			&cli.StringFlag{Name: "restart", Usage: "restart policy: no, on-failure[:N], always or unless-stopped"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New(`"update" requires at least 1 argument`)
			}
			u, err := parseUpdate(cmd)
			if err != nil {
				return err
			}
			return eachContainer(cmd, func(s state.Store, st *state.Container) error {
				return container.UpdateContainer(s, st, u)
			})
		},
	}
}

// parseUpdate reads update's flags (container.ParseUpdate: run's
// parsers), before any container is touched.
func parseUpdate(cmd *cli.Command) (container.Update, error) {
	f := container.UpdateFlags{}
	for _, name := range []string{"memory", "cpus", "cpu-shares", "cpuset-cpus", "pids-limit", "restart"} {
		if cmd.IsSet(name) {
			f[name] = cmd.String(name)
		}
	}
	return container.ParseUpdate(f)
}
